#!/usr/bin/env bash
# Harness self-test: the VM runner must return the command's status, a
# kernel report must fail a run whose command succeeded, and the kernel
# must see every CPU the VM has.
#   tests/vm/selftest.sh KERNEL_BUILD_DIR
set -uo pipefail
kdir=${1:?kernel build dir}
here=$(cd "$(dirname "$0")" && pwd)
pass=0 fail=0
check() {  # name, expected status, actual status, [log, pattern]
    if [ "$2" = "$3" ] && { [ -z "${4:-}" ] || grep -q "$5" "$4"; }; then
        echo "ok   $1"; pass=$((pass + 1))
    else
        echo "FAIL $1: status $3, expected $2"; fail=$((fail + 1))
        [ -n "${4:-}" ] && tail -20 "$4"
    fi
}

# The scanner on two reports of a kernel with knetstat loaded: only the
# one with a frame in knetstat is the module's.
log=$(mktemp)
report() {  # the frame below the fault
    printf '%s\n' '[   29.9] BUG: kernel NULL pointer dereference, address: 0000000000000008' \
        '[   29.9] Modules linked in: knetstat(OE) 9pnet_virtio 9p' '[   29.9] Call Trace:' \
        "[   29.9]  $1" '[   29.9]  __sys_connect+0x9b/0xd0' >"$log"
    "$here/scan-log.sh" "$log" 2>&1
}
# (its output in a variable: under pipefail, a pipe would fail with the
# scanner's status 1, which it has for every report)
said=$(report 'tcp_v6_connect+0x55b/0x780')
[[ $said == *"REPORT NOT IN KNETSTAT"* ]]
check "a report with knetstat only among the loaded modules is not the module's" 0 $?
said=$(report 'knetstat_show+0x21/0x90 [knetstat]')
[[ $said == *"REPORT IN KNETSTAT"* ]]
check "a report with a frame in knetstat is the module's" 0 $?

make -s -C "$kdir" M="$here/splat" LLVM=1 modules >/dev/null || { echo "FAIL building the splat module"; exit 1; }
"$here/run.sh" "$kdir" "$here/splat/knetstat_splat.ko" 'echo command ran; exit 0' >"$log" 2>&1
check "a WARNING from a module fails the run" 70 $? "$log" "KERNEL REPORT IN KNETSTAT"
# One boot for both: the status is the command's, and the output shows
# the CPUs.
"$here/run.sh" "$kdir" "" 'echo "cpus: $(nproc)"; exit 7' >"$log" 2>&1
rc=$?
check "the command's exit status comes back" 7 $rc "$log" "vm: booted"
check "the kernel sees the VM's ${VM_CPUS:-2} CPUs" 7 $rc "$log" "^cpus: ${VM_CPUS:-2}\$"
rm -f "$log"
make -s -C "$kdir" M="$here/splat" clean >/dev/null
echo "$pass passed, $fail failed"
[ $fail = 0 ]
