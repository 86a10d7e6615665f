#!/usr/bin/env bash
# Make (or reuse) a Debian root file system with a stock Rust-enabled Debian
# kernel, for the VM tests (tests/vm/run.sh ROOT ...).
#
#   tests/stock/root.sh trixie-backports|sid|flavours|lifecycle|arm64|arm64-native
#
# The root lives in ${KNETSTAT_CACHE:-~/.cache/knetstat}/stock/DISTRO: a
# minimal Debian (mmdebstrap --variant=minbase) with linux-image-amd64,
# linux-headers-amd64, the linux-source-X.Y of the same version (for the
# Rust artifacts the headers lack) and the programs the VM tests call. No Rust toolchain and no DKMS:
# installing the knetstat .deb must bring those, as on an operator's machine.
# A root whose recorded kernel is still apt's candidate is reused (after an
# apt-get update); any other is made anew. The root's path is the last line
# of stdout; progress goes to stderr, apt's and mmdebstrap's output to
# stock/DISTRO.log. KNETSTAT_MIRROR overrides the Debian mirror. Kernels are
# installed with INITRD=No (Debian's hooks then make no initramfs, 20 s
# each): tests/stock/initramfs.sh makes the one the VM boots with.
#
# trixie-backports: dpkg's arm64 architecture added, and the name of the
# arm64 kernel of the same version recorded (cross_release=), so that
# tests/stock/check.sh can install its headers after the package, as on an
# amd64 machine that builds modules for arm64 boards. The headers are not in
# the root itself: make demo, which shares it, would cross-compile for them.
#
# flavours: trixie with backports and, instead of linux-image-amd64, every
# other flavour of its version (linux-image-F, F ending in amd64: today
# cloud-amd64 and rt-amd64), each with its headers; one linux-source-X.Y.
#
# lifecycle: trixie with backports, for tests/stock/lifecycle.sh: trixie's
# own kernel installed (linux-image-amd64 and its headers: 6.12, without
# Rust), and of the newest linux-source-X.Y that backports keeps in two
# versions or more, the kernels of the two newest versions downloaded into
# apt's cache (image, headers, source; not installed), so that the
# backports kernel, then its point release, can be installed and tested
# offline.
#
# arm64: an arm64 trixie root to boot under qemu-system-aarch64, with
# backports' linux-image-arm64 (image only: the module is the one DKMS
# cross-compiled in the trixie-backports root), the test tools and a static
# busybox for its initramfs, made without running one arm64 program:
# mmdebstrap --variant=extract unpacks those packages and what they depend
# on, and this script does by hand what of their maintainer scripts the VM
# tests need (base-passwd's users, gawk's awk, the kernel hook's /boot
# files, depmod). It is only ever booted, read-only: no apt, no dpkg
# database. apt in the trixie-backports root, which knows arm64's
# packages, says which kernel it holds.
#
# arm64-native: an arm64 trixie root installed for real, for
# tests/stock/arm64_native.sh, with backports' linux-image-arm64 and a
# static busybox: mmdebstrap and apt run its programs through qemu-user
# (binfmt_misc, set up by arm64_binfmt in lib.sh), about 15 CPU-minutes.
set -euo pipefail

distro=${1:-}
case $distro in
trixie-backports) suite=trixie; target=(-t trixie-backports) ;;
sid) suite=sid; target=() ;;
flavours|lifecycle|arm64|arm64-native) suite=trixie; target=(-t trixie-backports) ;;
*) echo "stock: usage: root.sh trixie-backports|sid|flavours|lifecycle|arm64|arm64-native" >&2; exit 2 ;;
esac
arch=amd64; [ "${distro%-native}" != arm64 ] || arch=arm64   # also the kernel's flavour
cache=${KNETSTAT_CACHE:-$HOME/.cache/knetstat}/stock
root=$cache/$distro
marker=$root/etc/knetstat-stock   # written last: the root is complete
log=$cache/$distro.log
# The programs tests/vm/*.py and tests/vm/init.sh call.
tools="python3 iproute2 kmod procps coreutils util-linux mount hostname grep sed gawk net-tools"

me=stock
. "$(dirname "$0")/lib.sh"      # say, die, step, mirror, in_root

# The root whose apt is asked what to install: the root itself, but for
# arm64, which has no apt, the trixie-backports root (made or updated
# first), with the packages' architecture qualified.
apt_root=$root qual=
if [ "$distro" = arm64 ]; then
    apt_root=$("$(dirname "$0")/root.sh" trixie-backports | tail -1) ||
        die "no trixie-backports root to ask apt which arm64 kernel to take."
    qual=:arm64
fi
# The version apt would install now of linux-image-FLAVOUR (default: the
# root's architecture) from SUITE (default: the root's, trixie-backports or
# sid).
candidate() {  # [FLAVOUR [SUITE]]
    in_root "$apt_root" apt-cache -o APT::Default-Release="${2:-${target[1]:-$distro}}" policy "linux-image-${1:-$arch}$qual" |
        sed -n 's/^ *Candidate: *//p'
}
# The kernel linux-image-FLAVOUR VERSION stands for: it depends on
# linux-image-RELEASE (= IMAGE_VERSION). Prints "RELEASE IMAGE_VERSION".
kernel_of() {  # FLAVOUR VERSION
    local dep
    dep=$(in_root "$apt_root" apt-cache show "linux-image-$1$qual=$2" | sed -n 's/^Depends: //p' | head -1 |
          tr ',' '\n' | sed -n 's/^ *linux-image-\([0-9][^ ]*\) (= \(.*\))$/\1 \2/p' | head -1)
    [ -n "$dep" ] || die "cannot find which kernel linux-image-$1 $2 depends on."
    echo "$dep"
}
# flavours: the flavours other than amd64 whose candidate is amd64's.
other_flavours() {
    local v p
    v=$(candidate) && [ -n "$v" ] || return 1
    for p in $(in_root "$root" apt-cache pkgnames linux-image- | grep -E '^linux-image-([a-z0-9]+-)+amd64$' | sort); do
        [ "$(candidate "${p#linux-image-}")" != "$v" ] || echo "${p#linux-image-}"
    done
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
# lifecycle: with the version of trixie's own linux-image-amd64.
identity() {
    case $distro in
    lifecycle) echo "$(point_releases) $(candidate amd64 trixie)" ;;
    flavours) echo "$(candidate)" $(other_flavours) ;;
    trixie-backports) echo "$(candidate) dpkg-arm64" ;;
    *) candidate ;;
    esac
}

[ "$distro" != arm64-native ] || arm64_binfmt || die "cannot run arm64 programs here (qemu-user-static, binfmt_misc)."
mkdir -p "$cache"
exec 9>"$cache/.lock.$distro"
flock 9
: >"$log"

if [ -f "$marker" ]; then
    start=$(date +%s)
    if [ "$apt_root" = "$root" ]; then
        say "updating the package lists in $root"
        step in_root "$root" apt-get update
    fi
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
# The root is complete: its kernels, and only those, in /boot; the marker
# written.
done_root() {
    for r in "${releases[@]}"; do
        [ -f "$root/boot/vmlinuz-$r" ] || die "no /boot/vmlinuz-$r in the root after the install."
    done
    [ "$(ls "$root"/boot/vmlinuz-* | wc -l)" = "${#releases[@]}" ] ||
        die "the root has other kernels in /boot than ${releases[*]}."
    mv "$marker.tmp" "$marker"
    say "made $root in $(( $(date +%s) - start ))s: $(tr '\n' ' ' <"$marker")"
    echo "$root"
    exit 0
}

if [ "$distro" = arm64 ]; then
    ver=$(candidate)
    [ -n "$ver" ] || die "apt knows no linux-image-arm64 in trixie-backports."
    dep=$(kernel_of arm64 "$ver") || exit 1
    release=${dep% *} image_ver=${dep#* }
    say "extracting the test tools, busybox-static and linux-image-arm64 $ver into $root"
    # (pkg/trixie-backports, not pkg=VERSION: apt then takes what the
    # kernel needs from backports too; a version other than $ver would
    # have another release, which the /boot step below would not find)
    step mmdebstrap --variant=extract --architectures=arm64 --hook-dir=/usr/share/mmdebstrap/hooks/merged-usr \
        --include="$(echo $tools base-files base-passwd dash busybox-static linux-image-arm64/trixie-backports | tr ' ' ,)" \
        "$suite" "$root" "deb $m trixie main" "deb $m trixie-backports main"
    # What the maintainer scripts would have done, as far as the VM tests
    # and run.sh need it: the users and groups (base-passwd), awk (gawk's
    # alternative), the kernel and its config in /boot (the kernel's
    # postinst hook, usr/share/kernel/postinst.d/00-legacy-boot), and
    # modules.dep (with this machine's depmod, which reads any ELF).
    mods=$root/usr/lib/modules/$release
    cp "$root/usr/share/base-passwd/passwd.master" "$root/etc/passwd" &&
        cp "$root/usr/share/base-passwd/group.master" "$root/etc/group" &&
        ln -s gawk "$root/usr/bin/awk" &&
        cp -l "$mods/vmlinuz" "$root/boot/vmlinuz-$release" && cp -l "$mods/config" "$root/boot/config-$release" ||
        die "cannot set up the extracted root $root."
    step depmod -b "$root" "$release"
    releases=("$release")
    { echo "identity=$(identity)"; echo "distro=$distro"; echo "release=$release"; echo "releases=$release"
      echo "image=$ver"; echo "image_release=$image_ver"; echo "mirror=$m"; } >"$marker.tmp"
    done_root
fi

# Debian's minimal base and the test tools, in one apt run; its package
# lists are kept for the kernel's install below. The sources and apt
# options stay in the root (/etc/apt/sources.list, apt.conf.d/99mmdebstrap).
sources=("deb $m trixie main" "deb $m trixie-backports main") aptopts=() archs=$arch pkgs=$tools
case $distro in
sid) sources=("deb $m sid main")
     # The mirror's sid Release file may be past its Valid-Until date.
     aptopts=(--aptopt='Acquire::Check-Valid-Until "false"') ;;
trixie-backports) archs=amd64,arm64 ;;   # dpkg's arm64 architecture too
arm64-native) pkgs+=" busybox-static" ;;
esac
say "mmdebstrap $suite ($archs) from $m into $root, with the test tools"
step mmdebstrap --variant=minbase --architectures="$archs" --skip=cleanup/apt/lists "${aptopts[@]}" \
    --include="$(echo $pkgs | tr ' ' ,)" "$suite" "$root" "${sources[@]}"

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
    base=$(candidate amd64 trixie)
    [ -n "$base" ] || die "apt knows no linux-image-amd64 in trixie."
    say "installing trixie's linux-image-amd64 $base and its headers; downloading $old's and $new's kernels"
    step in_root "$root" env INITRD=No apt-get install -y --no-install-recommends \
        "linux-image-amd64=$base" "linux-headers-amd64=$base"
    releases=("$(basename "$(ls "$root"/boot/vmlinuz-*)" | sed 's/^vmlinuz-//')")
    for v in "$old:$release" "$new:$new_release"; do
        step in_root "$root" apt-get install -y --download-only --no-install-recommends "${target[@]}" \
            "linux-image-${v#*:}=${v%%:*}" "linux-headers-${v#*:}=${v%%:*}" "linux-source-$xy=${v%%:*}"
    done
    # And what installing knetstat-dkms brings (rustc, DKMS, ...), into
    # the cache as well.
    deb=$("$(dirname "$0")/../../pkg/mkdeb.sh" "$root/tmp") || die "cannot build the .deb."
    step in_root "$root" apt-get install -y --download-only --no-install-recommends "/tmp/${deb##*/}"
    rm -f "$deb"
    {   echo "identity=$(identity)"; echo "distro=$distro"; echo "release=$release"
        echo "base_release=${releases[0]}"; echo "new_release=$new_release"; echo "series=$xy"; echo "old=$old"; echo "new=$new"
        echo "mirror=$m"; } >"$marker.tmp"
else
    # A kernel: linux-image-F depends on linux-image-RELEASE (= VERSION);
    # linux-source-X.Y of that exact version is its source.
    ver=$(candidate)
    [ -n "$ver" ] || die "apt knows no linux-image-$arch in $distro."
    flavours=$arch
    if [ "$distro" = flavours ]; then
        flavours=$(other_flavours | xargs)
        [ -n "$flavours" ] || die "trixie-backports has no flavour of linux-image-amd64 $ver but amd64."
    fi
    pkgs=() releases=()
    for f in $flavours; do
        dep=$(kernel_of "$f" "$ver") || exit 1
        releases+=("${dep% *}"); image_ver=${dep#* }
        pkgs+=("linux-image-$f=$ver")
        [ "$distro" = arm64-native ] || pkgs+=("linux-headers-$f=$ver")
    done
    release=${releases[0]} cross=
    # trixie-backports: the arm64 kernel of the same version
    [ "$distro" != trixie-backports ] || cross=${release%-amd64}-arm64
    xy=$(echo "$release" | sed -E 's/^([0-9]+\.[0-9]+).*/\1/')
    [ "$distro" = arm64-native ] || pkgs+=("linux-source-$xy=$image_ver")
    say "installing ${pkgs[*]}"
    step in_root "$root" env INITRD=No apt-get install -y --no-install-recommends "${target[@]}" "${pkgs[@]}"
    in_root "$root" apt-get clean
    { echo "identity=$(identity)"; echo "distro=$distro"; echo "release=$release"
      echo "releases=${releases[*]}"; echo "image=$(q "linux-image-${flavours%% *}")"
      [ -z "$cross" ] || echo "cross_release=$cross"
      echo "image_release=$(q "linux-image-$release")"; echo "headers=$(q "linux-headers-${flavours%% *}")"
      echo "source=$(q "linux-source-$xy")"; echo "mirror=$m"; } >"$marker.tmp"
fi

done_root
