#!/usr/bin/env bash
# The operator's path on an arm64 machine: knetstat built there by DKMS
# with the arm64 toolchain, not cross-compiled.
#
#   tests/stock/arm64_native.sh        (make check-arm64-native)
#
# In a copy of the arm64 root (tests/stock/root.sh arm64-native: trixie with
# backports' linux-image-arm64), with apt, as an operator of an arm64
# machine runs it:
#  1. the kernel's headers and linux-source-X.Y of its version;
#  2. apt-get install ./knetstat-dkms_<v>_all.deb: apt brings the arm64
#     rustc, bindgen and gcc, and DKMS builds the module, rebuilding the
#     Rust artifacts the headers lack from that source (every Rust export
#     checked), then signs it with its own key;
#  3. that kernel booted under qemu-system-aarch64 with the copy as its
#     root: modprobe, the VM tests, modprobe -r. Any kernel report fails.
# The root's programs are arm64 ones, run here through qemu-user
# (arm64_binfmt in lib.sh), which is what makes the build slow: the time
# of each step is printed. Not in make check for that reason. The copy is
# removed when everything passed. Prints 'N passed, N failed'.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
. tests/stock/lib.sh
me=arm64-native
cache=${KNETSTAT_CACHE:-$HOME/.cache/knetstat}/stock
pass=0 fail=0
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

base=$(tests/stock/root.sh arm64-native) || { echo "FAIL $me: no root"; exit 1; }
arm64_binfmt || die "cannot run arm64 programs here (qemu-user-static, binfmt_misc)."
m() { sed -n "s/^$1=//p" "$base/etc/knetstat-stock"; }
rel=$(m release) image=$(m image_release)
xy=$(echo "$rel" | sed -E 's/^([0-9]+\.[0-9]+).*/\1/')
ver=$(make -s --no-print-directory print-version)
root=$cache/arm64-native-run   # the copy; $base is stock/arm64-native
grep -q " $root[/ ]" /proc/self/mounts && die "something is mounted below $root."
rm -rf "$root" && cp -a "$base" "$root" || die "cannot copy $base."
lap "root ($rel)"
r() { in_root "$root" sh -c "$1"; }

check "1. linux-headers-$rel and linux-source-$xy $image installed" \
    apt_in "$root" "-t trixie-backports linux-headers-$rel=$image linux-source-$xy=$image"
lap "1. headers and source (apt)"

deb=$(pkg/mkdeb.sh "$root/tmp") || die "cannot build the .deb."
built() {
    apt_in "$root" "/tmp/${deb##*/}" && r '! dpkg --audit | grep .' &&
        r "dkms status knetstat | grep -x 'knetstat/$ver, $rel, aarch64: installed' &&
           modinfo -k $rel -F vermagic knetstat | grep -x '$rel SMP .* aarch64' &&
           grep -F 'knetstat-prepare: kernel $rel: Rust build tree ready' /var/lib/dkms/knetstat/$ver/$rel/aarch64/log/make.log" &&
        signed "$root" "$rel"
}
check "2. apt-get install ./${deb##*/}: DKMS built it with the arm64 toolchain, signed with DKMS's key" built
sed -n '/^knetstat/s/^/  /p; /aarch64$/s/^/  vermagic: /p; /^signer/s/^/  /p' "$tmp/check.log"
lap "2. the package: apt, DKMS, the Rust tree"

check "3. $rel booted with that module: the VM tests" env VM_TIMEOUT=1800 tests/vm/run.sh "$root" "" \
    "modprobe knetstat && python3 tests/vm/test_knetstat.py; r=\$?;
     modprobe -r knetstat && ! test -e /proc/net/tcpstat || r=1; exit \$r"
grep -E '^(vm:|failed: |[0-9]+ passed)' "$tmp/check.log" | sed "s/^/  $me vm: /"
lap "3. VM tests on $rel"
# A failed run leaves its root for a look.
[ $fail != 0 ] || rm -rf "$root" "$root.initramfs.$rel" "$root.initramfs.$rel.key"   # initramfs.sh's
finish
