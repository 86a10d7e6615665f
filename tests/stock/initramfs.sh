#!/usr/bin/env bash
# Make (or reuse) the initramfs that boots a stock root's kernel under QEMU
# with that root as its root file system (tests/vm/run.sh): over virtio-9p,
# or from an ext4 image on a virtio disk where the kernel has no 9p
# (root_transport in lib.sh).
#
#   tests/stock/initramfs.sh ROOT [RELEASE]    prints the initramfs's path
#
# RELEASE: the kernel of ROOT's /boot to boot, where it holds several.
#
# Its /init is a static busybox (the root's own where it has one, as an
# arm64 root must, else the host's) loading the root's own modules for that
# (virtio_pci, then 9p and 9pnet_virtio, or virtio_blk and ext4, each unless
# built in: Debian's amd64 and arm64 kernels build virtio_pci in). The initramfs sits next to the
# root (ROOT.initramfs.RELEASE) and is made anew when that kernel, this
# script or busybox change.
set -euo pipefail

root=$(realpath "${1:?usage: initramfs.sh ROOT}")
say() { printf 'stock: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }
static() { local h; h=$(readelf -lW "$1" 2>/dev/null) && ! grep -q 'program interpreter' <<<"$h"; }
busybox=$root/usr/bin/busybox
static "$busybox" || busybox=$(command -v busybox || true)
[ -n "$busybox" ] && static "$busybox" ||
    die "a static busybox is needed (Debian: apt-get install busybox-static)."
if [ -n "${2:-}" ]; then kernels=("$root/boot/vmlinuz-$2")
else kernels=("$root"/boot/vmlinuz-*); fi
[ ${#kernels[@]} = 1 ] && [ -f "${kernels[0]}" ] ||
    die "$root must hold exactly one /boot/vmlinuz-*, or the one RELEASE names."
release=${kernels[0]##*/vmlinuz-}
mods=$root/lib/modules/$release
[ -f "$mods/modules.dep" ] || die "no $mods/modules.dep in the root."
. "$(dirname "$0")/lib.sh"
transport=$(root_transport "$mods") || die "the root's kernel has neither 9p nor virtio_blk (modules or built in)."

out=$root.initramfs.$release
key=$( { echo "$release"; stat -c '%s %Y' "${kernels[0]}" "$mods/modules.dep";
         sha256sum <"$0"; sha256sum <"$busybox"; } | sha256sum | cut -c1-16)
if [ -f "$out" ] && [ "$(cat "$out.key" 2>/dev/null)" = "$key" ]; then
    echo "$out"; exit 0
fi

# The modules to load, dependencies first, from modules.dep.
order=()
want() {  # module path relative to $mods, as modules.dep names it
    local m=$1 d
    case " ${order[*]-} " in *" $m "*) return 0 ;; esac
    for d in $(sed -n "s|^$m: *||p" "$mods/modules.dep"); do want "$d"; done
    order+=("$m")
}
case $transport in 9p) names="virtio_pci 9p 9pnet_virtio" ;; blk) names="virtio_pci virtio_blk ext4" ;; esac
for name in $names; do
    m=$(module_of "$mods" "$name") || die "the root's kernel has no $name module, nor is it built in."
    [ -z "$m" ] || want "$m"
done

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage"/{bin,dev,proc,sys,newroot,lib/modules}
cp "$busybox" "$stage/bin/busybox"
mknod "$stage/dev/console" c 5 1
: >"$stage/modules"
for m in "${order[@]}"; do
    base=${m##*/}
    case $m in
    *.xz) xz -dc "$mods/$m" >"$stage/lib/modules/${base%.xz}" ;;
    *.zst) zstd -qdc "$mods/$m" >"$stage/lib/modules/${base%.zst}" ;;
    *.gz) gzip -dc "$mods/$m" >"$stage/lib/modules/${base%.gz}" ;;
    *) cp "$mods/$m" "$stage/lib/modules/$base" ;;
    esac
    base=${base%.xz}; base=${base%.zst}; echo "${base%.gz}" >>"$stage/modules"
done

cat >"$stage/init" <<'EOF'
#!/bin/busybox sh
# PID 1 of the stock-kernel initramfs (tests/stock/initramfs.sh): load the
# modules, mount the root read-only as the kernel command line says (root=,
# rootfstype=, rootflags=), and hand over to its init= (tests/vm/init.sh).
/bin/busybox --install -s /bin
export PATH=/bin
fail() { echo "initramfs: $*"; echo b > /proc/sysrq-trigger; sleep 60; }
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
root=/dev/root fstype=9p flags= init=/sbin/init
for w in $(cat /proc/cmdline); do
    case $w in
    root=*) root=${w#root=} ;; rootfstype=*) fstype=${w#rootfstype=} ;;
    rootflags=*) flags=${w#rootflags=} ;; init=*) init=${w#init=} ;;
    esac
done
for m in $(cat /modules); do insmod /lib/modules/$m || fail "insmod $m failed"; done
# A disk appears when its driver has probed it, which may be after insmod.
case $root in /dev/*) [ -e "$root" ] || for i in 1 2 3 4 5 6 7 8 9 10; do sleep 1; [ -e "$root" ] && break; done ;; esac
mount -t "$fstype" -o "ro${flags:+,$flags}" "$root" /newroot || fail "cannot mount $root ($fstype)"
[ -x "/newroot$init" ] || fail "no $init in the root"
umount /proc /sys /dev
exec switch_root /newroot "$init"
EOF
chmod 0755 "$stage/init"
(cd "$stage" && find . | cpio -o -H newc --quiet | gzip -1) >"$out.tmp"
mv "$out.tmp" "$out"
echo "$key" >"$out.key"
say "made $out for $release ($transport): $(tr '\n' ' ' <"$stage/modules")"
echo "$out"
