#!/usr/bin/env bash
# Build knetstat-dkms_<version>_all.deb from debian/ (dh with dh_dkms):
# the source for DKMS in /usr/src/knetstat-<version>, built and installed
# for every Rust-enabled kernel on installation and on each kernel update.
# The build runs in a copy of the sources, so that the work tree gets none
# of debhelper's files and the .deb lands where it is asked for.
#
#   pkg/mkdeb.sh OUTDIR        prints the path of the .deb
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
outdir=$(realpath -m "${1:?output directory}")
ver=$(make -s -C "$top" --no-print-directory print-version)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

src=$tmp/knetstat-$ver
mkdir -p "$src"
(cd "$top" && cp -a --parents $(make -s --no-print-directory print-sources) debian "$src/")
(cd "$src" && dpkg-buildpackage -b -us -uc >"$tmp/build.log" 2>&1) ||
    { cat "$tmp/build.log" >&2; echo "mkdeb: dpkg-buildpackage failed" >&2; exit 1; }
deb=knetstat-dkms_${ver}_all.deb
mkdir -p "$outdir"
mv "$tmp/$deb" "$outdir/$deb"
echo "$outdir/$deb"
