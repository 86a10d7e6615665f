#!/usr/bin/env bash
# Boot a test kernel under QEMU (TCG), load a module, run a command as root
# with the host's root file system visible read-only, and return its status.
#
#   tests/vm/run.sh KERNEL_BUILD_DIR MODULE.ko|"" 'COMMAND'
#   tests/vm/run.sh STOCK_ROOT MODULE.ko|"" 'COMMAND'
#
# A STOCK_ROOT (made by tests/stock/root.sh: a Debian root with one stock
# kernel in /boot) is booted with that kernel and an initramfs from
# tests/stock/initramfs.sh, and is the root file system instead of the
# host's. The work tree ($PWD), tests/vm, the module and VM_EXPOSE are first
# copied into it at the same paths (without .git and build output). A stock
# kernel without 9p (Debian's cloud flavour) boots as a cloud image does:
# from an ext4 image of that root on a virtio disk (without /usr/src and
# apt's and knetstat's caches, which no test reads), its results on a
# second disk; its output is shown when it ends, not while it runs. An
# arm64 STOCK_ROOT (tests/stock/root.sh arm64) boots under
# qemu-system-aarch64 (-M virt).
#
# Exit status: the command's, or
#   124  the VM did not finish within VM_TIMEOUT seconds (default 900)
#   125  the VM did not run the command (boot or insmod failed)
#    70  the kernel log has a WARNING, BUG, Oops, lockdep, KASAN or similar
#        report, even if the command passed
# Environment: VM_TIMEOUT, VM_CPUS (default 2; on two host threads,
# multi-threaded TCG, so that readers really race socket changes, but a
# stock amd64 kernel's on one: see tcg below), VM_MEM
# (default 2G), VM_KEEP=1 keeps the result directory, VM_STOCK_RELEASE: the
# kernel of a STOCK_ROOT's /boot to boot where it holds several,
# VM_EXPOSE: more host directories (space separated) that the command needs
# although they lie under /tmp, /run or /var/tmp, which the VM covers.
set -euo pipefail

kdir=${1:?kernel build dir}; module=${2?module path or ""}; cmd=${3:?command}
here=$(cd "$(dirname "$0")" && pwd)
bzimage=$kdir/arch/x86/boot/bzImage
[ -z "$module" ] || module=$(realpath "$module")
stock= transport=9p arch=x86_64
if [ ! -f "$bzimage" ] && compgen -G "$kdir/boot/vmlinuz-*" >/dev/null; then
    stock=$(realpath "$kdir")
    if [ -n "${VM_STOCK_RELEASE:-}" ]; then kernels=("$stock/boot/vmlinuz-$VM_STOCK_RELEASE")
    else kernels=("$stock"/boot/vmlinuz-*); fi
    [ ${#kernels[@]} = 1 ] ||
        { echo "vm: $stock must hold exactly one kernel in /boot, or set VM_STOCK_RELEASE" >&2; exit 125; }
    bzimage=${kernels[0]}
    # The root's architecture: its programs' ELF e_machine.
    case $(od -An -tx1 -j18 -N2 "$stock/usr/bin/env" | tr -d ' ') in
    3e00) ;; b700) arch=aarch64 ;;
    *) echo "vm: $stock is neither an amd64 nor an arm64 root" >&2; exit 125 ;;
    esac
    . "$here/../stock/lib.sh"
    transport=$(root_transport "$stock/lib/modules/${bzimage##*/vmlinuz-}") ||
        { echo "vm: the kernel $bzimage has neither 9p nor virtio_blk" >&2; exit 125; }
    initrd=$("$here/../stock/initramfs.sh" "$stock" "${VM_STOCK_RELEASE:-}") || exit 125
    [ "$PWD" != / ] || { echo "vm: run from the work tree, not from /" >&2; exit 125; }
    # What the command sees at the same paths as on the host.
    copy_in() {
        mkdir -p "$stock$1" && rsync -a --delete --delete-excluded --exclude=/.git \
            --exclude=/tests/host/target --filter=':- .gitignore' "$1/" "$stock$1/"
    }
    copy_in "$PWD" || exit 125
    case $here/ in "$PWD"/*) ;; *) copy_in "$here" || exit 125 ;; esac
    for d in ${VM_EXPOSE:-}; do [ ! -d "$d" ] || copy_in "$(realpath "$d")" || exit 125; done
    if [ -n "$module" ]; then
        mkdir -p "$stock$(dirname "$module")" && cp "$module" "$stock$module" || exit 125
    fi
fi
[ -f "$bzimage" ] || { echo "vm: no kernel image at $bzimage" >&2; exit 125; }

out=$(mktemp -d /tmp/knetstat-vm.XXXXXX)
disk=$stock.disk   # blk: the root's image, next to the root (it is big)
cleanup() {
    [ "$transport" = 9p ] || rm -f "$disk" "$out.kout"
    [ "${VM_KEEP:-0}" = 1 ] && echo "vm: results kept in $out" >&2 || rm -rf "$out"
}
trap cleanup EXIT
printf '%s\n%s\n%s\n' "$PWD" "$module" "$cmd" > "$out/job"
# The host's toolchain (rustup, cargo) for commands that build inside; a
# stock root has its own. python3 is the host's interpreter itself, first
# on PATH (init.sh mounts this directory at /run/kout): a version
# manager's shim (pyenv's is a bash script that forks a dozen times) costs
# 40 s a start on a debug kernel under TCG.
if [ -z "$stock" ]; then
    mkdir "$out/bin"
    py=$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null || true)
    [ ! -x "$py" ] || ln -s "$py" "$out/bin/python3"
    printf 'export PATH=%q RUSTUP_HOME=%q CARGO_HOME=%q\n' "/run/kout/bin:$PATH" \
        "${RUSTUP_HOME:-$HOME/.rustup}" "${CARGO_HOME:-$HOME/.cargo}" > "$out/env"
else
    echo 'export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' > "$out/env"
fi
printf 'VM_EXPOSE=%q\n' "${VM_EXPOSE:-}" >> "$out/env"
: > "$out/output"

case $arch in
x86_64) qemu=(qemu-system-x86_64) console=ttyS0 ;;
aarch64) qemu=(qemu-system-aarch64 -M virt -cpu cortex-a72) console=ttyAMA0 ;;
esac
# The 9p root with cache=loose: the guest keeps what it read (pages, names,
# attributes) instead of asking the host again at every exec, import and
# stat: under TCG that takes test_knetstat.py on the 6.12 debug kernel from
# 264 s to 150 s, boot included. The kernel's 9p documentation
# meant it for exclusive read-only mounts, which this is: ro for the guest,
# and nothing on the host changes it while the VM runs (the work tree is
# copied into a stock root before the boot). The result share (init.sh)
# is written by the guest and stays uncached.
if [ "$transport" = 9p ]; then
    append="console=$console loglevel=5 root=/dev/root rootfstype=9p"
    append+=" rootflags=trans=virtio,version=9p2000.L,msize=262144,cache=loose ro"
else
    append="console=$console loglevel=5 root=/dev/vda rootfstype=ext4 ro kout=/dev/vdb"
fi
append+=" init=$here/init.sh panic=-1 hung_task_timeout_secs=60"
# Under TCG the clocksource watchdog finds the TSC "unstable" and falls back
# to jiffies: timestamps then move in 4 ms steps (HZ=250), which ruins the
# benchmark's figures and coarsens every timeout. QEMU's TSC is steady.
[ "$arch" != x86_64 ] || append+=" tsc=reliable"
# Test kernels (tests/kernel/base.config: no ACPI, no PCI) on QEMU's
# microvm machine: qboot's MP table lists every CPU, QEMU names the virtio
# MMIO devices on the command line, and reboot=t ends the VM at sysrq-b or
# a panic with a triple fault, which -no-reboot turns into QEMU's exit
# (without it the kernel would try the absent keyboard controller, then
# jump to the firmware, which boots the kernel again). Stock kernels keep
# the pc machine with PCI, as on the machines they are made for.
bus=pci
if [ "$arch" = x86_64 ] && [ -z "$stock" ]; then
    qemu+=(-M microvm,acpi=off) bus=device append+=" reboot=t"
fi
# Stock amd64 kernels run their vCPUs on one host thread (round-robin
# TCG). They switch static keys at run time (CONFIG_JUMP_LABEL), and x86
# patches each site live: an int3 first, then the tail, then the head, with
# a sync IPI between. Under multi-threaded TCG the other vCPU can keep a
# translation with the int3 in it after the patch is done (as far as we
# can tell, a store that lands while QEMU translates the bytes, before it
# write-protects their page, goes unseen), and running it later is
# "Oops: int3" with no patch pending.
# Three CI runs met it on stock 7.3.4, none with knetstat in the trace:
# sched_clock_cpu() and enqueue_timer() at boot, netif_rx_internal() after
# a test. Reproduced on demand: one vCPU switching netstamp_needed_key
# (SO_TIMESTAMP sockets opened and closed) while the other sends loopback
# UDP oopsed 16 s into each of two multi-threaded boots; 40,000 such
# sockets in 180 s on one host thread did not; the VM tests cost 2 s
# more (31 s against 29). The test kernels have no CONFIG_JUMP_LABEL, so
# nothing patches them live, and keep two host threads for real races.
# arm64 patches a branch as one aligned instruction, no int3: the same
# switching ran 90 s (31,000 sockets) clean on two host threads there.
tcg=multi
[ -z "$stock" ] || [ "$arch" != x86_64 ] || tcg=single

# The test kernel with the host's root, or a stock root with its own kernel
# and initramfs: shared over 9p, or as disks.
rootdir=/ initrd_arg=()
[ -z "$stock" ] || rootdir=$stock initrd_arg=(-initrd "$initrd")
if [ "$transport" = 9p ]; then
    shares=(-fsdev local,id=root,path="$rootdir",security_model=none,readonly=on,multidevs=remap
            -device virtio-9p-$bus,fsdev=root,mount_tag=/dev/root
            -fsdev local,id=kout,path="$out",security_model=none
            -device virtio-9p-$bus,fsdev=kout,mount_tag=kout)
else
    # The root's size with the directories left out as empty ones (a
    # private tmpfs over each: mke2fs -d and du -x see them empty), and
    # room for ext4's own.
    unshare -m sh -c 'r=$1 disk=$2
        for d in usr/src var/cache/apt var/cache/knetstat; do
            [ ! -d "$r/$d" ] || mount -t tmpfs -o size=1m,mode=0755 none "$r/$d" || exit 1
        done
        mb=$(du -smx "$r" | cut -f1)
        exec mke2fs -q -F -t ext4 -d "$r" -E root_owner=0:0 "$disk" "$((mb + mb / 4 + 256))M"' \
        sh "$stock" "$disk" || { echo "vm: cannot make the root disk $disk" >&2; exit 125; }
    mke2fs -q -F -t ext4 -d "$out" "$out.kout" 64M ||
        { echo "vm: cannot make the result disk" >&2; exit 125; }
    shares=(-drive file="$disk",if=virtio,format=raw,readonly=on
            -drive file="$out.kout",if=virtio,format=raw)
fi

timeout --signal=KILL "${VM_TIMEOUT:-900}" \
  "${qemu[@]}" -accel tcg,thread=$tcg -nodefaults -no-reboot -display none \
    -smp "${VM_CPUS:-2}" -m "${VM_MEM:-2G}" \
    -kernel "$bzimage" "${initrd_arg[@]}" -append "$append" "${shares[@]}" \
    -serial file:"$out/console" -monitor none &
qemu=$!
# Stream the command's output while it runs.
tail -n +1 -f --pid=$qemu "$out/output" &
tailer=$!
rc=0; wait $qemu || rc=$?
wait $tailer 2>/dev/null || true
if [ "$transport" = blk ]; then
    for f in output status dmesg; do
        rm -f "$out/$f"; debugfs -R "dump /$f $out/$f" "$out.kout" 2>/dev/null || true
    done
    cat "$out/output" 2>/dev/null || true
fi

status=$(cat "$out/status" 2>/dev/null || true)
if [ -z "$status" ]; then
    if [ $rc = 137 ]; then echo "vm: timed out after ${VM_TIMEOUT:-900}s" >&2; status=124
    else echo "vm: the VM stopped without running the command (qemu status $rc)" >&2; status=125; fi
    echo "vm: last lines of the console:" >&2; tail -30 "$out/console" >&2 || true
fi

# Kernel reports. dmesg is complete when the command finished; the console
# is what we have when it did not.
log=$out/dmesg; [ -s "$log" ] || log=$out/console
if "$here/scan-log.sh" "$log"; then
    exit "$status"
fi
exit 70
