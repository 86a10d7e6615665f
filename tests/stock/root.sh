#!/usr/bin/env bash
# Make (or reuse) a Debian root file system with a stock Rust-enabled Debian
# kernel, for the VM tests (tests/vm/run.sh ROOT ...).
#
#   tests/stock/root.sh trixie-backports|sid|lifecycle
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
#
# lifecycle: trixie with backports, for tests/stock/lifecycle.sh: of the
# newest linux-source-X.Y that backports keeps in two versions or more, the
# kernel of the older of the two newest installed (image, headers, source),
# the newer one's packages downloaded into apt's cache (not installed), so
# that a point-release upgrade can be made and tested offline.
set -euo pipefail

distro=${1:-}
case $distro in
trixie-backports) suite=trixie; target=(-t trixie-backports) ;;
sid) suite=sid; target=() ;;
lifecycle) suite=trixie; target=(-t trixie-backports) ;;
*) echo "stock: usage: root.sh trixie-backports|sid|lifecycle" >&2; exit 2 ;;
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
# lifecycle: "X.Y OLD NEW", the two newest versions of the newest
# linux-source-X.Y that apt offers in two versions or more.
point_releases() {
    local p
    for p in $(in_root "$root" apt-cache pkgnames linux-source- | grep -E '^linux-source-[0-9]+\.[0-9]+$' | sort -Vr); do
        in_root "$root" apt-cache madison "$p" | awk -F' *[|] *' -v xy="${p#linux-source-}" \
            '{ v[n++] = $2 } END { if (n >= 2) { print xy, v[1], v[0]; exit 0 } exit 1 }' && return 0
    done
    return 1
}
# What the root must hold, to tell whether the one there still does.
identity() {
    if [ "$distro" = lifecycle ]; then point_releases; else candidate; fi
}

mkdir -p "$cache"
exec 9>"$cache/.lock.$distro"
flock 9
: >"$log"

if [ -f "$marker" ]; then
    start=$(date +%s)
    say "updating the package lists in $root"
    step in_root "$root" apt-get update
    want=$(identity || true)
    have=$(sed -n 's/^identity=//p' "$marker")
    # Roots made before identity= was recorded: their image= is that.
    [ -n "$have" ] || [ "$distro" = lifecycle ] || have=$(sed -n 's/^image=//p' "$marker")
    if [ -n "$want" ] && [ "$want" = "$have" ]; then
        say "reused $root ($have, $(( $(date +%s) - start ))s)"
        echo "$root"; exit 0
    fi
    say "the kernel moved from ${have:-an older root} to ${want:-nothing}: making the root anew"
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

q() { in_root "$root" dpkg-query -W -f='${Version}' "$1"; }
if [ "$distro" = lifecycle ]; then
    # The image of linux-source-X.Y's version V: linux-image-RELEASE,
    # RELEASE starting with V's upstream part.
    image_of() {  # X.Y V: prints RELEASE
        local c
        for c in $(in_root "$root" apt-cache pkgnames linux-image- | grep -E "^linux-image-${2%%-*}[+-][^-]*-amd64\$"); do
            in_root "$root" apt-cache madison "$c" | grep -qF " $2 " && { echo "${c#linux-image-}"; return 0; }
        done
        return 1
    }
    read -r xy old new < <(point_releases) || die "backports keeps no linux-source-X.Y in two versions."
    release=$(image_of "$xy" "$old") || die "no amd64 image of Linux $old."
    new_release=$(image_of "$xy" "$new") || die "no amd64 image of Linux $new."
    say "installing linux-image-$release, its headers and linux-source-$xy $old; downloading $new's"
    step in_root "$root" apt-get install -y --no-install-recommends "${target[@]}" \
        "linux-image-$release=$old" "linux-headers-$release=$old" "linux-source-$xy=$old"
    step in_root "$root" apt-get install -y --download-only --no-install-recommends "${target[@]}" \
        "linux-image-$new_release=$new" "linux-headers-$new_release=$new" "linux-source-$xy=$new"
    # And what installing knetstat-dkms brings (rustc, DKMS, ...), into
    # the cache as well.
    deb=$("$(dirname "$0")/../../pkg/mkdeb.sh" "$root/tmp") || die "cannot build the .deb."
    step in_root "$root" apt-get install -y --download-only --no-install-recommends "/tmp/${deb##*/}"
    rm -f "$deb"
    {   echo "identity=$xy $old $new"; echo "distro=$distro"; echo "release=$release"
        echo "new_release=$new_release"; echo "series=$xy"; echo "old=$old"; echo "new=$new"
        echo "mirror=$m"; } >"$marker.tmp"
else
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
    { echo "identity=$ver"; echo "distro=$distro"; echo "release=$release"; echo "image=$(q linux-image-amd64)"
      echo "image_release=$(q "linux-image-$release")"; echo "headers=$(q linux-headers-amd64)"
      echo "source=$(q "linux-source-$xy")"; echo "mirror=$m"; } >"$marker.tmp"
fi

[ -f "$root/boot/vmlinuz-$release" ] || die "no /boot/vmlinuz-$release in the root after the install."
[ "$(ls "$root"/boot/vmlinuz-* | wc -l)" = 1 ] || die "the root has more than one kernel in /boot."
mv "$marker.tmp" "$marker"
say "made $root in $(( $(date +%s) - start ))s: $(tr '\n' ' ' <"$marker")"
echo "$root"
