#!/usr/bin/env bash
# `make KDIR=<bad tree>` must fail with one clear sentence and change nothing
# (neither the module nor the record of the tree it was built for).
#   tests/kdir_test.sh GOOD_KERNEL_BUILD_DIR
set -uo pipefail
good=${1:?a Rust-enabled kernel build dir to derive bad ones from}
top=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0

expect_error() {  # name, kdir, expected text
    local err before after
    before=$(stat -c '%n %Y' "$top/.kdir" "$top/knetstat.ko" 2>/dev/null)
    err=$(make -s -C "$top" build-module KDIR="$2" 2>&1 >/dev/null); rc=$?
    after=$(stat -c '%n %Y' "$top/.kdir" "$top/knetstat.ko" 2>/dev/null)
    lines=$(printf '%s\n' "$err" | grep -v '^make.*Error' | grep -c .)
    if [ $rc != 0 ] && [ "$lines" = 1 ] && printf '%s' "$err" | grep -q "$3" &&
       [ "$before" = "$after" ]; then
        echo "ok   $1"; pass=$((pass + 1))
    else
        echo "FAIL $1 (status $rc, $lines lines):"; printf '%s\n' "$err"; fail=$((fail + 1))
    fi
}

mkdir -p "$tmp/empty"
expect_error "no build tree" "$tmp/empty" "is not a kernel build tree"
expect_error "missing directory" "$tmp/nonexistent" "is not a kernel build tree"

mkdir -p "$tmp/unbuilt"; touch "$tmp/unbuilt/Makefile"
expect_error "unconfigured tree" "$tmp/unbuilt" "is not a configured, built kernel tree"

mkdir -p "$tmp/norust/include/config"; touch "$tmp/norust/Makefile"
grep -v '^CONFIG_RUST' "$good/include/config/auto.conf" > "$tmp/norust/include/config/auto.conf"
expect_error "kernel without CONFIG_RUST" "$tmp/norust" "was built without Rust support"

mkdir -p "$tmp/otherrustc/include/config" "$tmp/otherrustc/rust"
touch "$tmp/otherrustc/Makefile" "$tmp/otherrustc/rust/libkernel.rmeta"
sed 's/^CONFIG_RUSTC_VERSION_TEXT=.*/CONFIG_RUSTC_VERSION_TEXT="rustc 1.78.0 (9b00956e5 2024-04-29)"/' \
    "$good/include/config/auto.conf" > "$tmp/otherrustc/include/config/auto.conf"
expect_error "kernel built with another rustc" "$tmp/otherrustc" "was built with 'rustc 1.78.0"

# Headers without the Rust artifacts (as Debian ships them) and no source
# to rebuild them from: here they belong to no package.
mkdir -p "$tmp/noartifacts/include/config"
touch "$tmp/noartifacts/Makefile" "$tmp/noartifacts/.config" "$tmp/noartifacts/Module.symvers"
cp "$good/include/config/auto.conf" "$good/include/config/kernel.release" "$tmp/noartifacts/include/config/"
KNETSTAT_TREES=$tmp/trees expect_error "headers without Rust artifacts, no source" "$tmp/noartifacts" \
    "headers ($tmp/noartifacts) carry no Rust build artifacts and belong to no package"

echo "$pass passed, $fail failed"
[ $fail = 0 ]
