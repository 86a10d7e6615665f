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
#   6. installing as operators do: DKMS, the .deb, make install (on the
#      host, in an overlay of /), then in one boot: the installed modules
#      loaded, the VM tests of the four files, the stress suite, short
#      (STRESS_SECONDS, default 60)
#   7. the VM tests and the stress suite on the 7.3 debug kernel, the
#      module built in its root
#   8. the .deb is lintian clean
#   9. Debian's stock Rust-enabled kernels (trixie-backports' amd64 and its
#      other flavours, cloud and rt today; sid's amd64): the .deb installed
#      with apt in a Debian root, DKMS building the module, each kernel
#      booted with that root as such machines boot, the VM tests, on rt the
#      short stress run too; trixie-backports' arm64 kernel, the module
#      cross-compiled by DKMS, booted under qemu-system-aarch64 with the
#      VM tests (tests/stock/check.sh)
#  10. a kernel's life under DKMS (tests/stock/lifecycle.sh)
# Every step runs; at the end a table of the steps and their times, and
# the last line counts the steps that passed and failed.
#
#   tests/check.sh          all of it (make check)
#   tests/check.sh quick    the loop of a change (make test): host tests,
#                           docs, the module build, the VM tests on the
#                           6.12 debug kernel
set -uo pipefail
cd "$(dirname "$0")/.."
mode=${1:-all}
case $mode in all|quick) ;; *) echo "check.sh: 'all' or 'quick', not '$mode'" >&2; exit 2 ;; esac
passed=0 failed=0 failures=() table=()
t_start=$SECONDS
step() {
    local name=$1; shift
    echo; echo "=== $name"
    local t0=$SECONDS result
    if "$@"; then passed=$((passed + 1)); result=ok
    else failed=$((failed + 1)); failures+=("$name"); result=FAILED; fi
    echo "=== $name: $result ($((SECONDS - t0))s)"
    row "$name" "$t0" "$result"
}
# A line of the table: name, $SECONDS when it began, result.
row() { table+=("$(printf '%6ss  %-6s  %s' $((SECONDS - $2)) "$3" "$1")"); }
# Work that is not a test (dependencies, kernels) goes into the table too:
# note NAME T0, after it, with T0 the $SECONDS before it.
note() { row "$1" "$2" done; }
summary() {
    echo; echo "=== steps and times"
    printf '%s\n' "${table[@]}"
    printf '%6ss          total\n' $((SECONDS - t_start))
    echo
    ((failed)) && printf 'failed: %s\n' "${failures[@]}"
    echo "check: $passed passed, $failed failed"
    [ "$failed" = 0 ]
}

t0=$SECONDS
tests/deps.sh || { echo "dependencies could not be installed"; exit 1; }
note "dependencies" $t0
# The roots of the later steps (the Debian 13 build root of the 7.3 kernel,
# then the stock roots; arm64's after trixie-backports, whose apt knows
# it) are made or updated in the background while the 6.12 kernel builds:
# their time is mostly downloads and dpkg, which two compiler jobs leave
# room for. Each root.sh holds its root's lock, so a step that needs a root
# waits for it, or makes it itself if this failed (the log says why). Not
# killed on the way out, but waited for: a root cut short in mmdebstrap
# may keep mounts.
if [ "$mode" = all ]; then
    ahead_log=${KNETSTAT_CACHE:-$HOME/.cache/knetstat}/roots-ahead.log
    mkdir -p "${ahead_log%/*}"
    echo "check: the build root and the stock roots are made in the background (log: $ahead_log)"
    ( tests/kernel/root.sh 7.3
      for r in trixie-backports arm64 flavours sid lifecycle; do tests/stock/root.sh "$r"; done
    ) >"$ahead_log" 2>&1 </dev/null &
    ahead_pid=$!
    trap 'wait $ahead_pid' EXIT
fi
t0=$SECONDS
kdir=$(tests/kernel/build.sh debug) || { echo "the debug test kernel could not be built"; exit 1; }
note "6.12 debug kernel (built or reused)" $t0
ko=$PWD/knetstat.ko

if [ "$mode" = quick ]; then
    step "host unit tests" cargo test --manifest-path tests/host/Cargo.toml
    step "docs list every item and flag" tests/docs_test.sh
    step "module build" make --no-print-directory build-module KDIR="$kdir"
    step "VM tests" tests/vm/run.sh "$kdir" "$ko" 'python3 tests/vm/test_knetstat.py'
    summary; exit
fi
t0=$SECONDS
kdir73=$(tests/kernel/build.sh debug 7.3) || { echo "the 7.3 debug test kernel could not be built"; exit 1; }
note "7.3 build root and debug kernel (built or reused)" $t0
# The module for 7.3, built in the kernel's root with its rustc, then CMD
# in the VM. Later steps rebuild it for 6.12 (the Makefile's .kdir).
vm73() {
    tests/kernel/root.sh --run make -C "$PWD" --no-print-directory build-module KDIR="$kdir73" &&
        VM_TIMEOUT=$shared tests/vm/run.sh "$kdir73" "$ko" "$1"
}

step "host unit tests" cargo test --manifest-path tests/host/Cargo.toml
step "docs list every item and flag" tests/docs_test.sh
step "fuzz write_row (30 s)" tests/fuzz/run.sh 30
step "module build" make --no-print-directory build-module KDIR="$kdir"
step "bad KDIR diagnostics" tests/kdir_test.sh "$kdir"
step "harness self-test" tests/vm/selftest.sh "$kdir"
# The VM tests and the short stress run share a boot; both always run.
suite_and_stress="python3 tests/vm/test_knetstat.py; a=\$?; python3 tests/vm/stress.py ${STRESS_SECONDS:-60} $ko; b=\$?; [ \$a = 0 ] && [ \$b = 0 ]"
# Two runs in one boot: twice run.sh's default timeout.
shared=${VM_TIMEOUT:-1800}
# The install paths on the host; what they installed is loaded in the boot
# of the VM tests, before the module under test.
install_out=${KNETSTAT_CACHE:-$HOME/.cache/knetstat}/install-test
step "install: DKMS, .deb, make install (host)" env INSTALL_TEST_BOOT=0 INSTALL_TEST_OUT="$install_out" \
    tests/install_test.sh "$kdir"
step "the installed modules, VM tests and stress (short)" env VM_TIMEOUT="$shared" VM_EXPOSE="$install_out" \
    tests/vm/run.sh "$kdir" "" "INSTALL_TEST_PHASE=vm INSTALL_TEST_OUT='$install_out' tests/install_test.sh '$kdir'; i=\$?;
        insmod $ko && { $suite_and_stress; } && [ \$i = 0 ]"
step "VM tests and stress (short, 7.3 debug)" vm73 "$suite_and_stress"
step "the .deb is lintian clean" bash -c \
    'deb=$(pkg/mkdeb.sh "$(mktemp -d)") && lintian --fail-on error,warning "$deb"'
step "stock trixie-backports kernel: apt, DKMS (amd64, and arm64 cross-compiled), VM tests (amd64, arm64)" tests/stock/check.sh trixie-backports
step "its other flavours (cloud, rt): apt, DKMS, VM tests, stress on rt" tests/stock/check.sh flavours
step "stock sid kernel: apt, DKMS, VM tests" tests/stock/check.sh sid
step "a kernel's life under DKMS: package first, point release, upgrade, removal, purge" tests/stock/lifecycle.sh

summary
