#!/usr/bin/env bash
# knetstat on a stock Debian kernel, installed as an operator installs it.
#
#   tests/stock/check.sh trixie-backports|sid|flavours
#
# 1. The root (tests/stock/root.sh): Debian with the kernel that
#    linux-image-amd64 points to today (flavours: the other flavours of its
#    version, cloud-amd64 and rt-amd64 today), headers and linux-source.
# 2. There, as root (tests/stock/install.sh): apt-get install
#    ./knetstat-dkms_<v>_all.deb, built from this tree. apt brings rustc, bindgen and the rest;
#    DKMS builds the module for that kernel, rebuilding the Rust artifacts
#    the headers lack the first time. Beside it, two kernels it cannot build
#    for (one without Rust, one whose headers lack the Rust artifacts and
#    belong to no package): DKMS skips them, the package says why in one
#    sentence each, and dpkg ends with the package installed. Then, on
#    trixie-backports, the arm64 headers of the same kernel: DKMS
#    cross-compiles the module for them; and the cached Rust tree against
#    bad rebuilds, decoy toolchains and other layouts
#    (tests/stock/prepare_test.sh).
# 3. Each kernel booted under QEMU with that root (tests/vm/run.sh), as such
#    machines boot (the cloud flavour from a virtio disk): on
#    trixie-backports 10 s of live code patching first (the harness's
#    check), then modprobe knetstat, the VM tests, modprobe -r; on PREEMPT_RT (where the bucket
#    spinlocks sleep) the short stress run too; the modules prepare_test.sh
#    built from other distributions' layouts loaded and unloaded. On
#    trixie-backports also Debian's arm64 image of that kernel, under
#    qemu-system-aarch64, in an arm64 root (tests/stock/root.sh arm64)
#    with the cross-compiled module. Any kernel report fails.
# Prints 'N passed, N failed' and the time of each phase.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
. tests/stock/lib.sh
distro=${1:?trixie-backports, sid or flavours}
me=$distro
pass=0 fail=0
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

root=$(tests/stock/root.sh "$distro") || { echo "FAIL $distro: no root"; exit 1; }
lap root
rel=$(sed -n 's/^release=//p' "$root/etc/knetstat-stock")
# Every kernel of the root (roots made before releases= hold one).
rels=$(sed -n 's/^releases=//p' "$root/etc/knetstat-stock"); rels=${rels:-$rel}
ver=$(make -s --no-print-directory print-version)

# Two kernels DKMS must skip, each with its own sentence.
fake() {  # release, auto.conf filter
    local d=$root/lib/modules/$1/build
    mkdir -p "$d/include/config" && echo "$1" >"$d/include/config/kernel.release" &&
        cp "$root/lib/modules/$rel/build/"{Makefile,.config,Module.symvers} "$d/" &&
        grep -v "$2" "$root/lib/modules/$rel/build/include/config/auto.conf" >"$d/include/config/auto.conf"
}
remove_fakes() { rm -rf "$root"/lib/modules/0.0.[12]-*; }
cross=$(sed -n 's/^cross_release=//p' "$root/etc/knetstat-stock") arm=
cross_ver=$(sed -n 's/^image_release=//p' "$root/etc/knetstat-stock")
remove_cross() {
    [ -z "$cross" ] || in_root "$root" sh -c "dkms remove knetstat/$ver -k $cross >/dev/null 2>&1
        apt-get remove -y -q linux-headers-$cross:arm64 >/dev/null 2>&1; true"
}
remove_fakes; remove_cross   # a run that was cut short may have left them
rm -rf "$root/usr/src/knetstat-layouts"   # prepare_test.sh makes them anew
fake 0.0.1-norust '^CONFIG_RUST=' && fake 0.0.2-nosource '^$' || exit 1

check "apt-get install ./knetstat-dkms_${ver}_all.deb" tests/stock/install.sh "$root"
cp "$root/tmp/apt.log" "$tmp/apt.log" 2>/dev/null
lap "install (apt, DKMS)"
sed -n '/^knetstat/p' "$tmp/apt.log"
check "dpkg says installed" in_root "$root" sh -c \
    "dpkg -s knetstat-dkms | grep -qx 'Status: install ok installed' && ! dpkg --audit | grep -q ."
for r in $rels; do
    check "DKMS built and installed it for $r" in_root "$root" sh -c \
        "dkms status knetstat | grep -x 'knetstat/$ver, $r, x86_64: installed' && modinfo -k $r knetstat"
done
# These kernels enforce signatures under Secure Boot: DKMS signs the module
# with its own key (signed, in lib.sh).
for r in $rels; do
    check "the module for $r is signed with DKMS's key" signed "$root" "$r"
    sed -n '/^signer/s/^/  /p' "$tmp/check.log"
done
# trixie-backports: the arm64 headers of the same kernel, installed after
# the package as on an amd64 machine that builds modules for arm64 boards.
# They bring the cross compiler, and DKMS's header hook cross-compiles
# knetstat for them (no arm64 image here, so no modules.dep for modinfo -k:
# the module by its path). Removed after, with that module: the root is
# make demo's too, which has no use for an arm64 build.
cross_built() {
    in_root "$root" sh -c "apt-get install -y -q --no-install-recommends -o Dpkg::Use-Pty=0 \
            linux-headers-$cross:arm64=$cross_ver >/tmp/cross.log 2>&1; r=\$?
        sed -n '/^knetstat/p' /tmp/cross.log; [ \$r = 0 ] || { tail -20 /tmp/cross.log; exit 1; }
        dkms status knetstat | grep -x 'knetstat/$ver, $cross, x86_64: installed' &&
        modinfo -F vermagic /lib/modules/$cross/updates/dkms/knetstat.ko* | grep -x '$cross .* aarch64'" &&
        signed "$root" "$cross"
}
if [ -n "$cross" ]; then
    n=$fail
    check "linux-headers-$cross:arm64 installed: DKMS cross-compiled it, an arm64 module signed with DKMS's key" cross_built
    sed -n '/^knetstat/s/^/  /p; /aarch64$/s/^/  vermagic: /p; /^signer/s/^/  /p' "$tmp/check.log"
    # That very module, into an arm64 root with Debian's arm64 image of the
    # same version (tests/stock/root.sh arm64), booted below under
    # qemu-system-aarch64.
    arm_root() {
        arm=$(tests/stock/root.sh arm64) || return 1
        [ "$(sed -n 's/^release=//p' "$arm/etc/knetstat-stock")" = "$cross" ] ||
            { echo "the arm64 root's kernel is not $cross"; return 1; }
        rm -rf "$arm/lib/modules/$cross/updates" && mkdir -p "$arm/lib/modules/$cross/updates/dkms" &&
            cp "$root/lib/modules/$cross/updates/dkms/"knetstat.ko* "$arm/lib/modules/$cross/updates/dkms/" &&
            depmod -b "$arm" "$cross"
    }
    [ $fail != $n ] || check "the module put into an arm64 root with Debian's $cross image" arm_root
    [ $fail = $n ] || arm=
    remove_cross
    lap "arm64: cross build, root"
fi
check "the kernel without Rust is skipped, with its sentence" grep -qx \
    'knetstat: KDIR=/lib/modules/0.0.1-norust/build was built without Rust support .*' "$tmp/apt.log"
check "the headers without Rust artifacts and no source are skipped, with the sentence" grep -q \
    "^knetstat: kernel 0.0.2-nosource's headers (.*) carry no Rust build artifacts and belong to no package" "$tmp/apt.log"
remove_fakes
# The scripts' own logic, the same on every kernel: once, on trixie-backports.
if [ "$distro" = trixie-backports ]; then
    check "the cached Rust tree is never lost (tests/stock/prepare_test.sh)" tests/stock/prepare_test.sh "$root"
    sed -n '/^\(ok\|FAIL\)/s/^/  /p' "$tmp/check.log"
fi

# Each kernel, booted with that root.
# Then, signatures enforced (as under Secure Boot; sig_enforce can be
# turned on, never off, at run time): DKMS's key is in no kernel keyring
# here, as on a machine where it was not enrolled, so modprobe must fail.
# On trixie-backports (amd64 and arm64) the harness is checked first: 10 s
# of live code patching with the other CPU running the patched code
# (tests/vm/switch_keys.py), which multi-threaded TCG turns into
# "Oops: int3" on amd64.
boot() {  # ROOT RELEASE
    local root=$1 r=$2 what="VM tests" stress=true keys=true
    if [ "$distro" = trixie-backports ]; then
        what="live patching, VM tests" keys="python3 tests/vm/switch_keys.py 10"
    fi
    if grep -qx 'CONFIG_PREEMPT_RT=y' "$root/boot/config-$r"; then
        what="VM tests and stress (short)"
        stress="python3 tests/vm/stress.py ${STRESS_SECONDS:-60} \$(modinfo -n knetstat)"
        grep -qx 'CONFIG_DEBUG_KMEMLEAK=y' "$root/boot/config-$r" || stress+=" --without-kmemleak"
    fi
    check "$what on $r, then modprobe refused with signatures enforced" \
        env VM_STOCK_RELEASE="$r" VM_TIMEOUT=1800 tests/vm/run.sh "$root" "" \
        "$keys && modprobe knetstat && python3 tests/vm/test_knetstat.py && $stress; r=\$?;
         modprobe -r knetstat && ! test -e /proc/net/tcpstat || r=1
         for m in /usr/src/knetstat-layouts/*.ko; do   # prepare_test.sh's, where it ran
             [ -f \$m ] || continue
             if insmod \$m && head -1 /proc/net/tcpstat | grep -q Recv-Q && rmmod knetstat; then echo \"layout: \$m loaded\"
             else echo \"FAIL layout: \$m\"; r=1; fi
         done
         echo 1 >/sys/module/module/parameters/sig_enforce
         if modprobe knetstat 2>/tmp/sig.err; then echo 'FAIL loaded with signatures enforced'; r=1; fi
         sed 's/^/sig_enforce=1: /' /tmp/sig.err; grep -q 'Key was rejected by service' /tmp/sig.err || r=1
         exit \$r"
    grep -E '^(vm:|ok|FAIL|failed: |left out: |layout: |switch_keys: |[0-9]+ passed|sig_enforce)' "$tmp/check.log" | sed "s/^/  $distro vm: /"
    lap "$what on $r"
}
for r in $rels; do boot "$root" "$r"; done
[ -z "$arm" ] || boot "$arm" "$cross"
finish
