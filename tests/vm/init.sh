#!/bin/sh
# PID 1 inside the test VM (see tests/vm/run.sh). The host's root file system
# (or a stock root) is our read-only root; the share tagged "kout" is the
# host's result directory: it holds `job` (what to run) and receives
# `output`, `status` and `dmesg`. A kernel without 9p gets it as an ext4
# disk instead, named by kout=DEVICE on the command line.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/tmp/home LANG=C.UTF-8
# The commands below from busybox where there is one: util-linux's mount
# loads five libraries over 9p, 1.5 s an exec on a debug kernel under TCG,
# busybox's 0.5 s, and this script runs some thirty (not the job itself,
# which gets the root's own programs).
if [ -x /bin/busybox ]; then
    for c in mount mkdir ln sed cat hostname ip; do eval "$c() { /bin/busybox $c \"\$@\"; }"; done
fi

mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mkdir -p /dev/pts /dev/shm
ln -s /proc/self/fd /dev/fd
ln -s /proc/self/fd/0 /dev/stdin
ln -s /proc/self/fd/1 /dev/stdout
ln -s /proc/self/fd/2 /dev/stderr
mount -t devpts devpts /dev/pts
# The host's /tmp, /run and /var/tmp get private tmpfs below; keep their
# host view reachable under /dev/host for a work tree that lives there.
for d in tmp run var/tmp; do mkdir -p /dev/host/$d && mount -o bind /$d /dev/host/$d; done
mount -t tmpfs tmpfs /dev/shm
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /run
mount -t tmpfs tmpfs /var/tmp
[ -d /sys/kernel/debug ] && mount -t debugfs debugfs /sys/kernel/debug
mkdir -p /run/kout "$HOME"
kout=
for w in $(cat /proc/cmdline); do case $w in kout=*) kout=${w#kout=} ;; esac; done
if [ -n "$kout" ]; then mount -t ext4 "$kout" /run/kout
else mount -t 9p -o trans=virtio,version=9p2000.L kout /run/kout; fi
out=/run/kout

finish() {
    echo "$1" > $out/status
    dmesg > $out/dmesg 2>&1
    # A disk's writes reach the host only once it is written back.
    [ -z "$kout" ] || umount $out || sync
    echo b > /proc/sysrq-trigger   # QEMU runs with -no-reboot: this ends it
}

. $out/env          # the host's PATH, RUSTUP_HOME, CARGO_HOME; VM_EXPOSE
hostname knetstat-vm
ip link set lo up

# job: line 1 the work tree, line 2 the module to load ("" = none),
# the rest the command, run by /bin/sh -c.
workdir=$(sed -n 1p $out/job)
module=$(sed -n 2p $out/job)
cmd=$(sed -n '3,$p' $out/job)
# A host directory under one of the private tmpfs (say, a CI clone in /tmp)
# is bound back in place, read-only like the rest of the host.
expose() {
    case $1 in /tmp/*|/run/*|/var/tmp/*) ;; *) return 0 ;; esac
    [ -e "$1" ] || [ ! -d "/dev/host$1" ] || { mkdir -p "$1" && mount -o bind "/dev/host$1" "$1"; }
}
expose "$workdir"
[ -z "$module" ] || expose "$(dirname "$module")"
for d in $VM_EXPOSE; do expose "$d"; done     # run.sh's VM_EXPOSE
if ! cd "$workdir"; then
    echo "vm: cannot enter $workdir" >> $out/output
    finish 125
fi

echo "vm: booted $(uname -r)" >> $out/output
if [ -n "$module" ]; then
    if [ ! -f "$module" ]; then
        echo "vm: no module at $module" >> $out/output
        finish 125
    fi
    if ! insmod "$module" >> $out/output 2>&1; then
        echo "vm: insmod $module failed" >> $out/output
        finish 125
    fi
    echo "vm: loaded $module" >> $out/output
fi
export KNETSTAT_VM=1
/bin/sh -c "$cmd" >> $out/output 2>&1 </dev/null
finish $?
