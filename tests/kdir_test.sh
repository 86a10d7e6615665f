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

# Debian's arm64 headers on this amd64 machine (a cross build), without the
# cross compiler: the sentence names Debian's package of it.
mkdir -p "$tmp/arm64/include/config" "$tmp/arm64/rust"
touch "$tmp/arm64/Makefile" "$tmp/arm64/rust/libkernel.rmeta"
grep -Ev '^CONFIG_(X86_64|X86|CC_IS_CLANG|CC_VERSION_TEXT)=' "$good/include/config/auto.conf" >"$tmp/arm64/include/config/auto.conf"
printf '%s\n' CONFIG_ARM64=y 'CONFIG_CC_VERSION_TEXT="aarch64-linux-gnu-gcc-14 (Debian 14.2.0-19) 14.2.0"' \
    >>"$tmp/arm64/include/config/auto.conf"
expect_error "arm64 headers, no cross compiler" "$tmp/arm64" \
    "was built with aarch64-linux-gnu-gcc-14, which is not installed: install it (on Debian: apt-get install gcc-14-aarch64-linux-gnu)"

# Headers without the Rust artifacts (as Debian ships them) and no source
# to rebuild them from: here they belong to no package.
mkdir -p "$tmp/noartifacts/include/config"
touch "$tmp/noartifacts/Makefile" "$tmp/noartifacts/.config" "$tmp/noartifacts/Module.symvers"
cp "$good/include/config/auto.conf" "$good/include/config/kernel.release" "$tmp/noartifacts/include/config/"
KNETSTAT_TREES=$tmp/trees expect_error "headers without Rust artifacts, no source" "$tmp/noartifacts" \
    "headers ($tmp/noartifacts) carry no Rust build artifacts and belong to no package"

# Ubuntu's layout: the headers' rust/ a link into linux-lib-rust-<release>,
# dangling until that package is installed; on its HWE kernels, the link
# names a directory no package installs and the artifacts sit beside it
# under another name.
ubuntu=$tmp/usr/src/linux-headers-9.9.9-1-generic
mkdir -p "$ubuntu/include/config"
touch "$ubuntu/Makefile" "$ubuntu/.config" "$ubuntu/Module.symvers"
cp "$good/include/config/auto.conf" "$ubuntu/include/config/"
echo 9.9.9-1-generic >"$ubuntu/include/config/kernel.release"
ln -s ../linux-lib-rust-9.9.9-1-generic/rust "$ubuntu/rust"
expect_error "Ubuntu's headers, linux-lib-rust not installed" "$ubuntu" \
    "a link to ../linux-lib-rust-9.9.9-1-generic/rust, which does not exist: install the package that holds them (on Ubuntu: apt-get install linux-lib-rust-9.9.9-1-generic)"
mkdir -p "$tmp/usr/src/linux-lib-rust-hwe-9.9-9.9.9-1/rust"
touch "$tmp/usr/src/linux-lib-rust-hwe-9.9-9.9.9-1/rust/libkernel.rmeta"
expect_error "Ubuntu's HWE headers, the artifacts under another name" "$ubuntu" \
    "which does not exist, but $tmp/usr/src/linux-lib-rust-hwe-9.9-9.9.9-1/rust (named for version 9.9.9-1) has them"

echo "$pass passed, $fail failed"
[ $fail = 0 ]
