#!/usr/bin/env bash
# make check: everything, in order, on the debug test kernels (6.12, and
# 7.3 built in a Debian 13 root: tests/kernel/root.sh).
#   1. dependencies (tests/deps.sh)
#   2. host unit tests of the formatting (cargo test)
#      and README.md/knetstat.4 naming every option item and Diag flag,
#      and 30 s of libFuzzer on write_row (tests/fuzz/run.sh)
#   3. the module build
#   4. make with bad KDIRs: one clear sentence each
#   5. harness self-test: a WARN in a module fails a run
#   6. VM tests of the four files
#   7. stress suite, short (STRESS_SECONDS, default 60)
#   8. VM tests on the 7.3 debug kernel, the module built in its root
#   9. stress suite, short, on the 7.3 debug kernel
#  10. installing as operators do: DKMS, the .deb, make install
#  11. the .deb is lintian clean
#  12. Debian's stock Rust-enabled kernels (trixie-backports, sid): the .deb
#      installed with apt in a Debian root, DKMS building the module, that
#      kernel booted with that root, the VM tests (tests/stock/check.sh)
# Every step runs; the last line counts the steps that passed and failed.
set -uo pipefail
cd "$(dirname "$0")/.."
passed=0 failed=0 failures=()
step() {
    local name=$1; shift
    echo; echo "=== $name"
    local t0=$SECONDS
    if "$@"; then passed=$((passed + 1)); echo "=== $name: ok ($((SECONDS - t0))s)"
    else failed=$((failed + 1)); failures+=("$name"); echo "=== $name: FAILED ($((SECONDS - t0))s)"; fi
}

tests/deps.sh || { echo "dependencies could not be installed"; exit 1; }
kdir=$(tests/kernel/build.sh debug) || { echo "the debug test kernel could not be built"; exit 1; }
kdir73=$(tests/kernel/build.sh debug 7.3) || { echo "the 7.3 debug test kernel could not be built"; exit 1; }
ko=$PWD/knetstat.ko
# The module for 7.3, built in the kernel's root with its rustc, then CMD
# in the VM. Later steps rebuild it for 6.12 (the Makefile's .kdir).
vm73() {
    tests/kernel/root.sh --run make -C "$PWD" --no-print-directory build-module KDIR="$kdir73" &&
        tests/vm/run.sh "$kdir73" "$ko" "$1"
}

step "host unit tests" cargo test --manifest-path tests/host/Cargo.toml
step "docs list every item and flag" tests/docs_test.sh
step "fuzz write_row (30 s)" tests/fuzz/run.sh 30
step "module build" make --no-print-directory build-module KDIR="$kdir"
step "bad KDIR diagnostics" tests/kdir_test.sh "$kdir"
step "harness self-test" tests/vm/selftest.sh "$kdir"
step "VM tests" tests/vm/run.sh "$kdir" "$ko" 'python3 tests/vm/test_knetstat.py'
step "stress (short)" tests/vm/run.sh "$kdir" "$ko" "python3 tests/vm/stress.py ${STRESS_SECONDS:-60} $ko"
step "VM tests (7.3 debug)" vm73 'python3 tests/vm/test_knetstat.py'
step "stress (short, 7.3 debug)" vm73 "python3 tests/vm/stress.py ${STRESS_SECONDS:-60} $ko"
step "install: DKMS, .deb, make install" tests/install_test.sh "$kdir"
step "the .deb is lintian clean" bash -c \
    'deb=$(pkg/mkdeb.sh "$(mktemp -d)") && lintian --fail-on error,warning "$deb"'
for distro in trixie-backports sid; do
    step "stock $distro kernel: apt, DKMS, VM tests" tests/stock/check.sh "$distro"
done

echo
((failed)) && printf 'failed: %s\n' "${failures[@]}"
echo "check: $passed passed, $failed failed"
[ "$failed" = 0 ]
