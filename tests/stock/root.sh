#!/usr/bin/env bash
# Make (or reuse) a Debian root file system with a stock Rust-enabled Debian
# kernel, for the VM tests (tests/vm/run.sh ROOT ...).
#
#   tests/stock/root.sh trixie-backports|sid
#
# The root lives in ${KNETSTAT_CACHE:-~/.cache/knetstat}/stock/DISTRO: a
# debootstrap minbase with linux-image-amd64, linux-headers-amd64, the
# linux-source-X.Y of the same version (for the Rust artifacts the headers
# lack) and the programs the VM tests call. No Rust toolchain and no DKMS:
# installing the knetstat .deb must bring those, as on an operator's machine.
# A root whose recorded kernel is still apt's candidate is reused (after an
# apt-get update); any other is made anew. The root's path is the last line
# of stdout; progress goes to stderr, apt's and debootstrap's output to
# stock/DISTRO.log. KNETSTAT_MIRROR overrides the Debian mirror.
set -euo pipefail

distro=${1:-}
case $distro in
trixie-backports) suite=trixie; target=(-t trixie-backports) ;;
sid) suite=sid; target=() ;;
*) echo "stock: usage: root.sh trixie-backports|sid" >&2; exit 2 ;;
esac
cache=${KNETSTAT_CACHE:-$HOME/.cache/knetstat}/stock
root=$cache/$distro
marker=$root/etc/knetstat-stock   # written last: the root is complete
log=$cache/$distro.log
# The programs tests/vm/*.py and tests/vm/init.sh call.
tools="python3 iproute2 kmod procps coreutils util-linux mount hostname grep sed gawk net-tools"

me=stock
. "$(dirname "$0")/lib.sh"      # say, die, step, mirror, in_root

# The kernel image version apt would install now.
candidate() {
    in_root "$root" apt-cache -o APT::Default-Release="$distro" policy linux-image-amd64 |
        sed -n 's/^ *Candidate: *//p'
}

mkdir -p "$cache"
exec 9>"$cache/.lock.$distro"
flock 9
: >"$log"

if [ -f "$marker" ]; then
    start=$(date +%s)
    say "updating the package lists in $root"
    step in_root "$root" apt-get update
    want=$(candidate)
    have=$(sed -n 's/^image=//p' "$marker")
    if [ -n "$want" ] && [ "$want" = "$have" ]; then
        say "reused $root (linux-image-amd64 $have, $(( $(date +%s) - start ))s)"
        echo "$root"; exit 0
    fi
    say "linux-image-amd64 moved from $have to ${want:-nothing}: making the root anew"
fi

# Nothing may be mounted below the root before it is deleted.
if grep -q " $root[/ ]" /proc/self/mounts; then
    die "something is mounted below $root: unmount it first."
fi
start=$(date +%s)
rm -rf "$root"; mkdir -p "$root"
m=${KNETSTAT_MIRROR:-$(mirror)}
say "debootstrap $suite from $m into $root"
step debootstrap --variant=minbase "$suite" "$root" "$m"

if [ "$distro" = sid ]; then
    echo "deb $m sid main" >"$root/etc/apt/sources.list"
    # The mirror's sid Release file may be past its Valid-Until date.
    echo 'Acquire::Check-Valid-Until "false";' >"$root/etc/apt/apt.conf.d/99knetstat-valid-until"
else
    printf 'deb %s trixie main\ndeb %s trixie-backports main\n' "$m" "$m" >"$root/etc/apt/sources.list"
fi
say "installing the test tools"
step in_root "$root" apt-get update
step in_root "$root" apt-get install -y --no-install-recommends $tools

# The kernel: linux-image-amd64 depends on linux-image-RELEASE (= VERSION);
# linux-source-X.Y of that exact version is its source.
ver=$(candidate)
[ -n "$ver" ] || die "apt knows no linux-image-amd64 in $distro."
dep=$(in_root "$root" apt-cache show "linux-image-amd64=$ver" | sed -n 's/^Depends: //p' | head -1 |
      tr ',' '\n' | sed -n 's/^ *linux-image-\([0-9][^ ]*\) (= \(.*\))$/\1 \2/p' | head -1)
[ -n "$dep" ] || die "cannot find which kernel linux-image-amd64 $ver depends on."
release=${dep% *}; image_ver=${dep#* }
xy=$(echo "$release" | sed -E 's/^([0-9]+\.[0-9]+).*/\1/')
say "installing linux-image-$release $image_ver, linux-headers-amd64, linux-source-$xy"
step in_root "$root" apt-get install -y --no-install-recommends "${target[@]}" \
    "linux-image-amd64=$ver" "linux-headers-amd64=$ver" "linux-source-$xy=$image_ver"
in_root "$root" apt-get clean

[ -f "$root/boot/vmlinuz-$release" ] || die "no /boot/vmlinuz-$release in the root after the install."
[ "$(ls "$root"/boot/vmlinuz-* | wc -l)" = 1 ] || die "the root has more than one kernel in /boot."
q() { in_root "$root" dpkg-query -W -f='${Version}' "$1"; }
{ echo "distro=$distro"; echo "release=$release"; echo "image=$(q linux-image-amd64)"
  echo "image_release=$(q "linux-image-$release")"; echo "headers=$(q linux-headers-amd64)"
  echo "source=$(q "linux-source-$xy")"; echo "mirror=$m"; } >"$marker.tmp"
mv "$marker.tmp" "$marker"
say "made $root in $(( $(date +%s) - start ))s: $(tr '\n' ' ' <"$marker")"
echo "$root"
