#!/usr/bin/env bash
# Install knetstat the way operators do, and load what was installed.
#
#   tests/install_test.sh KDIR
#
# 1. On the host, at native speed, in a private mount namespace: an overlay
#    of / whose writes go to a tmpfs (the host is not changed), made to look
#    like a Debian machine running the test kernel: its build tree at
#    /lib/modules/<release>/build, `uname -r` saying <release>. There:
#      dkms    make dkms-install (dkms add/build/install), make dkms-uninstall
#      deb     make deb, dpkg -i, dpkg -r
#      make    make install, make uninstall
#      norust  dkms build for a kernel without Rust: fails, one sentence in make.log
#    After each install, /lib/modules/<release> is copied aside.
# 2. In the test VM, one boot: each copy is loaded with modprobe -d, its
#    files must be there, modinfo must show the metadata, modprobe -r unloads.
#    With INSTALL_TEST_BOOT=0 the host phase stops before booting: the
#    caller runs INSTALL_TEST_PHASE=vm INSTALL_TEST_OUT=... tests/install_test.sh
#    KDIR in a boot of its own (make check: the one of the VM tests).
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
# -m: in the VM a tree under the host's /tmp is hidden, and not needed.
kdir=$(realpath -m "${1:?kernel build dir}")
phase=${INSTALL_TEST_PHASE:-host}
out=${INSTALL_TEST_OUT:-${KNETSTAT_CACHE:-$HOME/.cache/knetstat}/install-test}
rel=$(cat "$kdir/include/config/kernel.release" 2>/dev/null)
[ -n "$rel" ] || [ "$phase" = vm ] ||
    { echo "install test: $kdir is not a built kernel tree (no include/config/kernel.release)"; exit 2; }
ver=$(make -s -C "$top" --no-print-directory print-version)
pass=0 fail=0
check() {  # name, command...
    local name=$1; shift
    if "$@" >/tmp/check.log 2>&1; then echo "ok   $name"; pass=$((pass + 1))
    else echo "FAIL $name:"; tail -30 /tmp/check.log; fail=$((fail + 1)); fi
}
finish() { echo "$phase: $pass passed, $fail failed"; [ $fail = 0 ]; exit; }

case $phase in
host)
    rm -rf "$out"; mkdir -p "$out"
    INSTALL_TEST_PHASE=namespace unshare -m "$0" "$kdir" || fail=1
    [ $fail = 0 ] || { echo "install test: host phase failed"; exit 1; }
    [ "${INSTALL_TEST_BOOT:-1}" = 1 ] || exit 0
    # $out may lie under /tmp (a cache there), which the VM covers.
    VM_EXPOSE=$out exec "$top/tests/vm/run.sh" "$kdir" "" \
        "INSTALL_TEST_PHASE=vm INSTALL_TEST_OUT='$out' tests/install_test.sh '$kdir'"
    ;;
namespace)
    # Private mounts only: nothing here is visible outside this namespace.
    ov=/tmp/knetstat-overlay
    mkdir -p $ov && mount -t tmpfs tmpfs $ov && mkdir -p $ov/upper $ov/work $ov/root &&
    mount -t overlay overlay -o lowerdir=/,upperdir=$ov/upper,workdir=$ov/work $ov/root || exit 1
    for m in proc sys dev dev/pts; do mount --bind /$m $ov/root/$m; done
    # Directories the overlay of / may not show (/tmp when it is a file
    # system of its own, a work tree or cache elsewhere) get an overlay of
    # their own: the host's files visible, writes kept in this namespace.
    layer() {
        local d=$1 n=$((++layers))
        mkdir -p $ov/l$n/upper $ov/l$n/work "$ov/root$d" &&
        mount -t overlay overlay -o lowerdir="$d",upperdir=$ov/l$n/upper,workdir=$ov/l$n/work "$ov/root$d"
    }
    layers=0
    cache=${KNETSTAT_CACHE:-$HOME/.cache/knetstat}
    layer /tmp || exit 1
    [ -f "$ov/root$top/dkms.conf" ] || layer "$top" || exit 1
    [ -f "$ov/root$kdir/Makefile" ] || layer "$cache" || exit 1
    [ -f "$ov/root$kdir/Makefile" ] || { echo "install test: $kdir is not visible in the chroot"; exit 1; }
    # The copies for the VM go to the host.
    mkdir -p "$ov/root$out" && mount --bind "$out" "$ov/root$out"
    # The installed kernel: build tree in place, and uname -r saying so.
    mkdir -p $ov/root/lib/modules/$rel && ln -s "$kdir" $ov/root/lib/modules/$rel/build
    mv $ov/root/usr/bin/uname $ov/root/usr/bin/uname.real
    printf '#!/bin/sh\n[ "$1" = -r ] && exec echo %s\nexec /usr/bin/uname.real "$@"\n' "$rel" \
        > $ov/root/usr/bin/uname
    chmod 0755 $ov/root/usr/bin/uname
    exec chroot $ov/root /usr/bin/env INSTALL_TEST_PHASE=chroot \
        bash -c "cd '$top' && tests/install_test.sh '$kdir'"
    ;;
chroot)
    [ "$(uname -r)" = "$rel" ] || { echo "FAIL uname -r in the chroot says $(uname -r)"; exit 1; }
    mods=/lib/modules/$rel
    keep() { rm -rf "$out/$1"; mkdir -p "$out/$1/lib/modules" && cp -a $mods "$out/$1/lib/modules/"; }
    gone() { [ ! -e $mods/updates/dkms/knetstat.ko ] && [ ! -e $mods/updates/knetstat.ko ] &&
             [ ! -e /usr/src/knetstat-$ver ] && [ -z "$(dkms status knetstat)" ] &&
             ! modinfo -k "$rel" knetstat >/dev/null 2>&1; }

    check "make dkms-install" make --no-print-directory dkms-install
    check "dkms status says installed" bash -c \
        "dkms status knetstat | grep -qx 'knetstat/$ver, $rel, x86_64: installed'"
    check "DKMS put the module in updates/dkms" test -f $mods/updates/dkms/knetstat.ko
    check "the man page is installed" test -f /usr/share/man/man4/knetstat.4
    keep dkms
    check "make dkms-uninstall" make --no-print-directory dkms-uninstall
    check "nothing left after dkms-uninstall" gone

    check "make deb" make --no-print-directory deb
    deb=$top/knetstat-dkms_${ver}_all.deb
    # --force-depends: this machine's rustc and bindgen come from rustup and
    # cargo, not from the Debian packages the .deb names (tests/stock/ runs
    # it as an operator would, with apt on stock Debian kernels).
    check "dpkg -i the .deb builds and installs the module" bash -c \
        "dpkg -i --force-depends '$deb' && test -f $mods/updates/dkms/knetstat.ko &&
         dpkg -s knetstat-dkms | grep -qx 'Status: install ok installed' &&
         zcat /usr/share/man/man4/knetstat.4.gz | grep -q '^.TH KNETSTAT 4'"
    keep deb
    check "dpkg -r removes it cleanly" bash -c "dpkg -r knetstat-dkms && $(declare -f gone); gone &&
         [ ! -e /usr/share/man/man4/knetstat.4.gz ]"

    check "make install" make --no-print-directory install KDIR=$mods/build
    check "make install put the module in updates" test -f $mods/updates/knetstat.ko
    keep make
    check "make uninstall" make --no-print-directory uninstall KDIR=$mods/build
    check "nothing left after make uninstall" gone

    # A kernel without Rust: DKMS fails, and make.log says why in one
    # sentence. DKMS appends to make.log while builds fail, so only this
    # build's part counts: after its header line and the date, without
    # make's own "make: ***" line ("make[1]: ***" when make check runs it).
    norust=/tmp/norust
    mkdir -p $norust/include/config && cp "$kdir/Makefile" $norust/
    grep -v '^CONFIG_RUST' "$kdir/include/config/auto.conf" > $norust/include/config/auto.conf
    make --no-print-directory dkms-install >/tmp/dkms-again.log 2>&1 ||
        { echo "make dkms-install failed:"; tail -20 /tmp/dkms-again.log; }
    check "dkms build fails on a kernel without Rust" bash -c \
        "! dkms build knetstat/$ver -k 6.12.0-norust --kernelsourcedir $norust"
    log=/var/lib/dkms/knetstat/$ver/build/make.log
    one_sentence() {
        local part
        part=$(awk -v h="DKMS make.log for knetstat-$ver for kernel 6.12.0-norust " \
            'index($0, h) == 1 {n = NR; buf = ""} n && NR > n + 1 {buf = buf $0 "\n"}
             END {printf "%s", buf}' $log | grep -Ev '^make(\[[0-9]+\])?: \*\*\*')
        echo "make.log, this build's part:"; printf '%s\n' "$part"
        [ "$(printf '%s\n' "$part" | grep -c .)" = 1 ] &&
            printf '%s\n' "$part" | grep -qx "knetstat: KDIR=$norust was built without Rust support (CONFIG_RUST is not set): .*"
    }
    check "make.log says why in one sentence" one_sentence
    [ $fail = 0 ] || { echo "the whole make.log:"; cat $log; }
    sed -n '/^knetstat:/p' $log
    finish
    ;;
vm)
    [ "${KNETSTAT_VM:-}" = 1 ] || { echo "the vm phase runs inside the test VM"; exit 2; }
    for how in dkms deb make; do
        root=$out/$how
        check "$how: modprobe loads the installed module" modprobe -d $root knetstat
        check "$how: its files are there" bash -c \
            "head -1 /proc/net/tcpstat | grep -q '^Recv-Q Send-Q Local Address' && test -r /proc/net/udp6stat"
        check "$how: modinfo shows description, license, version, parameters" bash -c "
            m=\$(modinfo -b $root knetstat) && echo \"\$m\" &&
            echo \"\$m\" | grep -q '^description: *Socket options' &&
            echo \"\$m\" | grep -q '^license: *GPL' &&
            echo \"\$m\" | grep -qx 'version: *$ver' &&
            echo \"\$m\" | grep -q '^parm: *fail_create:'"
        check "$how: modprobe -r unloads it" bash -c \
            "modprobe -r -d $root knetstat && ! grep -q '^knetstat ' /proc/modules && ! test -e /proc/net/tcpstat"
    done
    modinfo -b $out/dkms knetstat
    finish
    ;;
esac
