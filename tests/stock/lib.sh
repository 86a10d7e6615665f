# Sourced by tests/stock/*.sh.

# in_root ROOT COMMAND...: run COMMAND chrooted in ROOT, in a private mount
# namespace, so that its /proc, /sys and /dev mounts vanish with it
# whether it fails or not.
in_root() {
    local root=$1; shift
    cp -L /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
    unshare -m sh -c 'r=$1; shift
        mount -t proc proc "$r/proc" && mount -t sysfs sys "$r/sys" && mount --rbind /dev "$r/dev" &&
        exec chroot "$r" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
            LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"' sh "$root" "$@"
}
