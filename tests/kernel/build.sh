#!/usr/bin/env bash
# Build (or reuse) the knetstat test kernel.
#
#   tests/kernel/build.sh debug|release        build if needed, print the build dir
#   tests/kernel/build.sh --dir debug|release  print the build dir, build nothing
#
# The build lives outside the work tree, in $KNETSTAT_CACHE (default
# ~/.cache/knetstat), in a directory named after a hash of everything that
# changes the result: the Debian kernel source version, the config fragments,
# the build recipe version below, and the rustc, bindgen and clang versions.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cache=${KNETSTAT_CACHE:-$HOME/.cache/knetstat}
tarball=/usr/src/linux-source-6.12.tar.xz
# Bump when the way the kernel is built changes (not for comments or logs).
recipe=1

print_only=0
if [ "${1:-}" = --dir ]; then print_only=1; shift; fi
variant=${1:-debug}
case $variant in debug|release) ;; *) echo "build.sh: variant must be debug or release, not '$variant'" >&2; exit 2;; esac

srcver=$(dpkg-query -W -f='${Version}' linux-source-6.12 2>/dev/null || true)
if [ -z "$srcver" ] || [ ! -f "$tarball" ]; then
    echo "build.sh: linux-source-6.12 is not installed; run tests/deps.sh first" >&2; exit 1
fi

key=$( { echo "$srcver recipe $recipe"; cat "$here/base.config" "$here/$variant.config";
         rustc -vV; bindgen --version; clang --version | head -1; } | sha256sum | cut -c1-12)
src=$cache/src/linux-source-6.12-$srcver
out=$cache/kernel/$variant-$key

if [ $print_only = 1 ]; then echo "$out"; exit 0; fi

log() { printf 'kernel: %s\n' "$*" >&2; }
mkdir -p "$cache/kernel" "$cache/src"
exec 9>"$cache/kernel/.lock"
flock 9

if [ -f "$out/.built" ]; then
    log "reusing $variant kernel in $out"
    echo "$out"; exit 0
fi

if [ ! -f "$src/.extracted" ]; then
    log "extracting $tarball"
    rm -rf "$src" "$src.tmp"; mkdir -p "$src.tmp"
    tar -C "$src.tmp" -xJf "$tarball" --strip-components=1
    touch "$src.tmp/.extracted"; mv "$src.tmp" "$src"
fi

rm -rf "$out"; mkdir -p "$out"
mk() { make -C "$src" O="$out" LLVM=1 "$@"; }
start=$(date +%s)
log "configuring $variant kernel in $out"
mk tinyconfig >/dev/null
"$src/scripts/kconfig/merge_config.sh" -m -O "$out" "$out/.config" \
    "$here/base.config" "$here/$variant.config" >/dev/null
mk olddefconfig >/dev/null

# A fragment line that Kconfig dropped (a missing dependency, a renamed
# symbol) must stop the build, not silently give a different kernel.
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
done < <(cat "$here/base.config" "$here/$variant.config")
if [ $bad = 1 ]; then log "config fragment not satisfied; see above"; exit 1; fi

log "building $variant kernel with $(nproc) jobs (this takes a while; log in $out/build.log)"
if ! mk -j"$(nproc)" all >"$out/build.log" 2>&1; then
    tail -40 "$out/build.log" >&2; log "kernel build failed"; exit 1
fi
secs=$(( $(date +%s) - start ))
echo "$secs" > "$out/build-seconds"
touch "$out/.built"
log "$variant kernel built in ${secs}s"
# Older builds of this variant (other keys) are dead weight: drop them.
for old in "$cache/kernel/$variant"-*; do
    [ "$old" = "$out" ] || rm -rf "$old"
done
echo "$out"
