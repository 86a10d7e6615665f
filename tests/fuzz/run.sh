#!/usr/bin/env bash
# tests/fuzz/run.sh SECONDS [TARGET]
#
# Builds the libFuzzer target (default write_row) with cargo fuzz and runs
# it for SECONDS over the committed corpus (tests/fuzz/corpus/TARGET), one
# job. Inputs it finds go to a scratch directory and are dropped, so the
# corpus in the repository does not change. Prints libFuzzer's figures
# (executions, exec/s, coverage, corpus) and exits non-zero on a crash, a
# failed property, a timeout or a build failure; the crashing input is
# then in tests/fuzz/artifacts/TARGET/.
#
# The machine has rustup's stable toolchain only: cargo fuzz's -Z flags
# (-Zsanitizer=address) are accepted there with RUSTC_BOOTSTRAP=1.
# CARGO_CACHE_RUSTC_INFO=0 because cargo caches its rustc probe in
# target/.rustc_info.json without RUSTC_BOOTSTRAP in the key: after one
# cargo fuzz build without it, the cached "-Z is only accepted on the
# nightly compiler" would fail every later build, with it or not.
#
# cargo-fuzz is installed from crates.io when missing (about 1 minute).
# The build goes to ${KNETSTAT_CACHE:-~/.cache/knetstat}/fuzz-target, not
# into the work tree: a fresh clone (CI's) then builds only what changed,
# cargo's fingerprints deciding, not the whole instrumented tree (30 s).
#
# Growing the corpus by hand (from the repository root): fuzz into a
# scratch directory, then add to the committed corpus only the inputs that
# reach edges it does not (the seed-* files stay):
#   export RUSTC_BOOTSTRAP=1 CARGO_CACHE_RUSTC_INFO=0
#   mkdir -p /tmp/new && cargo fuzz run --fuzz-dir tests/fuzz --target-dir ~/.cache/knetstat/fuzz-target write_row \
#       /tmp/new tests/fuzz/corpus/write_row -- -max_len=250 -max_total_time=600
#   ~/.cache/knetstat/fuzz-target/x86_64-unknown-linux-gnu/release/write_row -merge=1 \
#       -use_counters=0 -max_len=250 tests/fuzz/corpus/write_row /tmp/new
# The seed-* files are seed_inputs() (src/seeds.rs), written by
#   KNETSTAT_WRITE_SEEDS=$PWD/tests/fuzz/corpus/write_row \
#       cargo test --manifest-path tests/fuzz/Cargo.toml write_seed_corpus
# Without libFuzzer (stable, no RUSTC_BOOTSTRAP): the same properties over
# the corpus and 20,000 seeded random inputs:
#   cargo test --manifest-path tests/fuzz/Cargo.toml
# Replaying a crash:
#   cargo fuzz run --fuzz-dir tests/fuzz write_row tests/fuzz/artifacts/write_row/crash-...
set -uo pipefail

seconds=${1:?usage: tests/fuzz/run.sh SECONDS [TARGET]}
target=${2:-write_row}
case $seconds in '' | *[!0-9]*) echo "SECONDS must be a number: $seconds" >&2; exit 2 ;; esac

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root" || exit 2

export RUSTC_BOOTSTRAP=1 CARGO_CACHE_RUSTC_INFO=0
cargo_fuzz_version=0.13.2
tdir=${KNETSTAT_CACHE:-$HOME/.cache/knetstat}/fuzz-target

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "installing cargo-fuzz $cargo_fuzz_version from crates.io"
    cargo install --locked --version "$cargo_fuzz_version" cargo-fuzz || exit 2
fi

t0=$SECONDS
if ! cargo fuzz build --fuzz-dir tests/fuzz --target-dir "$tdir" "$target"; then
    echo "fuzz $target: the build failed" >&2
    exit 2
fi
build_s=$((SECONDS - t0))

mkdir -p tests/fuzz/target
log=tests/fuzz/target/fuzz-$target.log
scratch=$(mktemp -d "${TMPDIR:-/tmp}/knetstat-fuzz.XXXXXX")
trap 'rm -rf "$scratch"' EXIT

# The scratch directory comes first: libFuzzer writes new inputs there.
t1=$SECONDS
cargo fuzz run --fuzz-dir tests/fuzz --target-dir "$tdir" "$target" "$scratch" "tests/fuzz/corpus/$target" -- \
    -max_total_time="$seconds" -max_len=250 -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -print_pcs=0 >"$log" 2>&1
rc=$?
run_s=$((SECONDS - t1))

# libFuzzer's figures: the first line after the corpus is loaded, the last
# status line, and the final statistics.
grep -m1 -E '^#[0-9]+[[:space:]]+INITED' "$log"
grep -E '^#[0-9]+[[:space:]]+(DONE|pulse|NEW|REDUCE|RELOAD)' "$log" | tail -n 1
grep -E '^stat::' "$log"
grep -E '^Done [0-9]+ runs' "$log"

if [ "$rc" != 0 ]; then
    # What failed (a property's panic message, or the sanitizer's report)
    # and where the input is; the whole report is in the log.
    echo
    grep -A3 -E "panicked at|ERROR: (AddressSanitizer|libFuzzer)" "$log" | head -n 40
    grep -E "^SUMMARY:|Test unit written to" "$log"
    echo "fuzz $target: FAILED (exit $rc) after ${run_s}s; the report: $log;" \
        "replay: RUSTC_BOOTSTRAP=1 cargo fuzz run --fuzz-dir tests/fuzz $target tests/fuzz/artifacts/$target/<file>" >&2
    exit 1
fi
echo "fuzz $target: ok, build ${build_s}s, run ${run_s}s (log: $log)"
