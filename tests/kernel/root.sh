#!/usr/bin/env bash
# Make (or update) the Debian 13 root that 7.x test kernels, and the module
# for them, are built in. A 7.x kernel with both KASAN and Rust must be built
# with clang >= 17 (init/Kconfig: RUST depends on !KASAN || CC_IS_CLANG;
# scripts/min-tool-version.sh: LLVM 17.0.1), and Debian 12 has clang 14;
# trixie has clang-19 and the rustc and bindgen Debian builds 7.x with.
#
#   tests/kernel/root.sh SERIES          make or update the root with
#                                        linux-source-SERIES; print its path
#   tests/kernel/root.sh --run CMD...    run CMD in the root (PATH is the
#                                        root's), the work tree and the kernel
#                                        cache bound at their own paths
#
# The root is ${KNETSTAT_CACHE:-~/.cache/knetstat}/build-root/trixie. Each
# make or update fetches apt's lists and installs what apt offers now:
# linux-source-SERIES from trixie-backports, the tools from trixie (not
# backports: a module must be built with the rustc of Debian's own 7.x
# kernels). Progress goes to stderr, apt's output to build-root/trixie.log.
# KNETSTAT_MIRROR overrides the Debian mirror.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
cache=${KNETSTAT_CACHE:-$HOME/.cache/knetstat}
root=$cache/build-root/trixie
marker=$root/etc/knetstat-build-root   # written last: the root is complete
log=$root.log
# What `make LLVM=-19` of a Rust kernel and of an external module calls.
tools=(make bc flex bison perl python3 cpio kmod xz-utils libc6-dev libelf-dev libssl-dev
       clang-19 lld-19 llvm-19 rustc rust-src bindgen libclang-dev)
me=build-root
. "$top/tests/stock/lib.sh"      # say, die, step, mirror, in_root

if [ "${1:-}" = --run ]; then
    shift
    [ -f "$marker" ] || die "there is no build root in $root: run tests/kernel/root.sh SERIES first."
    mkdir -p "$cache/kernel" "$cache/src"
    in_root --bind "$top" --bind "$cache/kernel" --bind "$cache/src" "$root" "$@"
    exit
fi
series=${1:-}
[[ $series =~ ^[0-9]+\.[0-9]+$ ]] || { echo "build-root: usage: root.sh SERIES (e.g. 7.3) | --run CMD..." >&2; exit 2; }

mkdir -p "$cache/build-root"
exec 8>"$root.lock"
flock 8
: >"$log"
start=$(date +%s)
if [ ! -f "$marker" ]; then
    command -v debootstrap >/dev/null || die "debootstrap is not installed: run tests/deps.sh."
    grep -q " $root[/ ]" /proc/self/mounts && die "something is mounted below $root: unmount it first."
    rm -rf "$root"; mkdir -p "$root"
    m=${KNETSTAT_MIRROR:-$(mirror)}
    say "debootstrap trixie from $m into $root"
    step debootstrap --variant=minbase trixie "$root" "$m"
    printf 'deb %s trixie main\ndeb %s trixie-backports main\n' "$m" "$m" >"$root/etc/apt/sources.list"
fi
say "apt: ${tools[*]} linux-source-$series"
step in_root "$root" apt-get update
step in_root "$root" apt-get install -y --no-install-recommends "${tools[@]}"
in_root "$root" apt-cache show "linux-source-$series" >/dev/null 2>&1 ||
    die "apt offers no linux-source-$series in trixie or trixie-backports."
step in_root "$root" apt-get install -y --no-install-recommends -t trixie-backports "linux-source-$series"
in_root "$root" apt-get clean
touch "$marker"
say "$root ready in $(( $(date +%s) - start ))s"
echo "$root"
