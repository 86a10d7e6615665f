#!/usr/bin/env bash
# Build (or reuse) the knetstat test kernel.
#
#   tests/kernel/build.sh debug|release [SERIES]        build if needed, print the build dir
#   tests/kernel/build.sh --dir debug|release [SERIES]  print the build dir, build nothing
#
# SERIES 6.12 (the default) is Debian 12's linux-source-6.12, built on this
# host with LLVM=1. A 7.x series (7.3) is linux-source-7.x from
# trixie-backports, built with LLVM=-19 in the Debian 13 root of
# tests/kernel/root.sh (which says why), made or updated first.
#
# The build lives outside the work tree, in $KNETSTAT_CACHE (default
# ~/.cache/knetstat), in a directory named after the variant, the series
# (but 6.12's) and a hash of everything that changes the result: the Debian
# kernel source version, the config fragments (base, variant, and
# SERIES.config where a series needs its own lines), the build recipe
# version below, and the rustc, bindgen and clang versions.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cache=${KNETSTAT_CACHE:-$HOME/.cache/knetstat}
# Bump when the way the kernel is built changes (not for comments or logs).
recipe=1

print_only=0
if [ "${1:-}" = --dir ]; then print_only=1; shift; fi
variant=${1:-debug} series=${2:-6.12}
case $variant in debug|release) ;; *) echo "build.sh: variant must be debug or release, not '$variant'" >&2; exit 2;; esac

if [ "$series" = 6.12 ]; then
    run=() llvm=1 tag=
    clang=clang
    srcver=$(dpkg-query -W -f='${Version}' linux-source-6.12 2>/dev/null || true)
    tarball=/usr/src/linux-source-6.12.tar.xz
    hint="run tests/deps.sh first"
elif [[ $series =~ ^7\.[0-9]+$ ]]; then
    # Commands run in the build root, which sees the cache at the same paths.
    run=("$here/root.sh" --run) llvm=-19 tag=$series-
    clang=clang-19
    root=$cache/build-root/trixie
    if [ $print_only = 0 ]; then "$here/root.sh" "$series" >/dev/null || exit 1; fi
    [ -f "$root/etc/knetstat-build-root" ] ||
        { echo "build.sh: there is no build root yet: run tests/kernel/build.sh $variant $series." >&2; exit 1; }
    srcver=$("${run[@]}" dpkg-query -W -f='${Version}' "linux-source-$series" 2>/dev/null || true)
    tarball=$root/usr/src/linux-source-$series.tar.xz
    hint="run tests/kernel/root.sh $series"
else
    echo "build.sh: series must be 6.12 or 7.x, not '$series'" >&2; exit 2
fi
if [ -z "$srcver" ] || [ ! -f "$tarball" ]; then
    echo "build.sh: linux-source-$series is not installed; $hint" >&2; exit 1
fi
fragments=("$here/base.config" "$here/$variant.config")
[ ! -f "$here/$series.config" ] || fragments+=("$here/$series.config")

key=$( { echo "$srcver recipe $recipe"; cat "${fragments[@]}";
         "${run[@]}" sh -c "rustc -vV && bindgen --version && $clang --version | head -1"; } |
       sha256sum | cut -c1-12)
src=$cache/src/linux-source-$series-$srcver
out=$cache/kernel/$variant-$tag$key

if [ $print_only = 1 ]; then echo "$out"; exit 0; fi

log() { printf 'kernel: %s\n' "$*" >&2; }
mkdir -p "$cache/kernel" "$cache/src"
exec 9>"$cache/kernel/.lock"
flock 9

if [ -f "$out/.built" ]; then
    log "reusing $variant $series kernel in $out"
    echo "$out"; exit 0
fi

if [ ! -f "$src/.extracted" ]; then
    log "extracting $tarball"
    rm -rf "$src" "$src.tmp"; mkdir -p "$src.tmp"
    tar -C "$src.tmp" -xJf "$tarball" --strip-components=1
    touch "$src.tmp/.extracted"; mv "$src.tmp" "$src"
fi

rm -rf "$out"; mkdir -p "$out"
mk() { "${run[@]}" make -C "$src" O="$out" LLVM=$llvm "$@"; }
start=$(date +%s)
log "configuring $variant $series kernel in $out"
mk tinyconfig >/dev/null
"$src/scripts/kconfig/merge_config.sh" -m -O "$out" "$out/.config" "${fragments[@]}" >/dev/null
mk olddefconfig >/dev/null

# A fragment line that Kconfig dropped (a missing dependency, a renamed
# symbol) must stop the build, not silently give a different kernel. A later
# fragment overrides an earlier one (as merge_config.sh does): only the last
# line of each symbol counts.
last_lines() {
    cat "$@" | grep -E '^(# )?CONFIG_' | tac | awk '{ s = $0; sub(/^# /, "", s); sub(/[= ].*/, "", s) } !seen[s]++' | tac
}
bad=0
while IFS= read -r line; do
    case $line in
        CONFIG_*=*) want=$line ;;
        "# CONFIG_"*" is not set") want=$line ;;
        *) continue ;;
    esac
    sym=${want#\# }; sym=${sym%%[= ]*}
    got=$(grep -E "^(# )?$sym[= ]" "$out/.config" || echo "# $sym is not set")
    if [ "$got" != "$want" ]; then log "config: wanted '$want', got '$got'"; bad=1; fi
done < <(last_lines "${fragments[@]}")
if [ $bad = 1 ]; then log "config fragment not satisfied; see above"; exit 1; fi

log "building $variant $series kernel with $(nproc) jobs (this takes a while; log in $out/build.log)"
if ! mk -j"$(nproc)" all >"$out/build.log" 2>&1; then
    tail -40 "$out/build.log" >&2; log "kernel build failed"; exit 1
fi
secs=$(( $(date +%s) - start ))
echo "$secs" > "$out/build-seconds"
touch "$out/.built"
log "$variant $series kernel built in ${secs}s"
# Older builds of this variant and series (other keys) are dead weight:
# drop them.
for old in "$cache/kernel/$variant-$tag"????????????; do
    [ "$old" = "$out" ] || rm -rf "$old"
done
echo "$out"
