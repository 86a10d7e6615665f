#!/usr/bin/env bash
# A kernel's life under DKMS across a point release, as an operator lives it.
#
#   tests/stock/lifecycle.sh
#
# In a copy of the root of tests/stock/root.sh lifecycle (trixie with
# backports, trixie's own kernel BASE installed: 6.12, without Rust; in
# apt's cache, the kernels OLD and NEW of the two newest versions of
# linux-source-X.Y), with apt:
#  1. knetstat-dkms V (this tree), the package first: BASE skipped with
#     its sentence, the package installed;
#  2. OLD's image, headers and source: built for OLD by DKMS's kernel hook,
#     its Rust tree rebuilt from linux-source-X.Y OLD;
#  3. NEW's: built for NEW the same way; linux-source-X.Y moves to NEW,
#     OLD's source is gone;
#  4. knetstat-dkms V.1 over V: rebuilt for both, OLD from its cached tree;
#  5. OLD's cached tree removed by hand, V.1 installed again: OLD skipped
#     with the sentence naming its source, NEW built, nothing else breaks;
#  6. OLD's source from elsewhere, as the sentence says (here the tarball
#     in its linux-source .deb, which apt's cache still holds; on other
#     distributions their kernel's source): KNETSTAT_KERNEL_SOURCE=TARBALL
#     dkms install -k OLD rebuilds OLD's tree from it and builds;
#  7. OLD booted with that module: the VM tests;
#  8. OLD's kernel purged: nothing of knetstat left for it;
#  9. knetstat-dkms purged: nothing left at all.
# After each: dpkg --audit empty and dkms status as expected. The Rust
# trees are kept on the host by release (stock/trees), and put back in the
# next run's copy, so that a warm run rebuilds none (kdir-prepare still
# judges whether each is good), but for step 6's, which every run makes.
# Each goes in just before its kernel is installed: before, it is the tree
# of a kernel that is gone, which any build sweeps away, as it should.
# Prints 'N passed, N failed'.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
. tests/stock/lib.sh
me=lifecycle
cache=${KNETSTAT_CACHE:-$HOME/.cache/knetstat}/stock
pass=0 fail=0
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

base=$(tests/stock/root.sh lifecycle) || { echo "FAIL lifecycle: no root"; exit 1; }
m() { sed -n "s/^$1=//p" "$base/etc/knetstat-stock"; }
old=$(m release) new=$(m new_release) xy=$(m series) oldv=$(m old) newv=$(m new) basek=$(m base_release)
ver=$(make -s --no-print-directory print-version); ver1=$ver.1
root=$cache/lifecycle-run
grep -q " $root[/ ]" /proc/self/mounts && die "something is mounted below $root."
rm -rf "$root" && cp -a "$base" "$root" || die "cannot copy $base."
seed() {  # release: put back the tree kept for it, if any
    [ ! -d "$cache/trees/$1" ] || { mkdir -p "$root/var/cache/knetstat" &&
        cp -a "$cache/trees/$1" "$root/var/cache/knetstat/"; }
}
lap "root ($basek; $old, then $new)"
r() { in_root "$root" sh -c "$1"; }
audit() { r '! dpkg --audit | grep .'; }
# dkms status lines for knetstat, exactly.
status_is() {
    local got want
    got=$(r 'dkms status knetstat' | sort) want=$(printf '%s\n' "$@" | sort)
    [ "$got" = "$want" ] || { printf 'dkms status:\n%s\nexpected:\n%s\n' "$got" "$want"; return 1; }
}
line() { echo "knetstat/$1, $2, x86_64: installed"; }

# The .debs: this tree's, and one of a higher version made from it.
deb=$(pkg/mkdeb.sh "$root/tmp") || die "cannot build the .deb."
hi=$tmp/src-$ver1
rsync -a --exclude=/.git --filter=':- .gitignore' ./ "$hi/" &&
    sed -i "s/^PACKAGE_VERSION=.*/PACKAGE_VERSION=\"$ver1\"/" "$hi/dkms.conf" &&
    { printf 'knetstat (%s) unstable; urgency=medium\n\n  * A higher version, for tests/stock/lifecycle.sh.\n\n' "$ver1"
      printf ' -- %s  %s\n\n' "$(sed -n 's/^ -- \(.*>\)  .*/\1/p' debian/changelog | head -1)" "$(date -R)"
      cat debian/changelog; } >"$hi/debian/changelog" &&
    deb1=$("$hi/pkg/mkdeb.sh" "$root/tmp") || die "cannot build the .deb of $ver1."

installed_v() { [ "$(r "dpkg-query -W -f='\${Version}' $1")" = "$2" ]; }
kernel() {  # release, version: its image, headers and source, from backports
    apt_in "$root" "-t trixie-backports linux-image-$1=$2 linux-headers-$1=$2 linux-source-$xy=$2"
}
step1() {
    apt_in "$root" "/tmp/${deb##*/}" && audit && status_is "knetstat/$ver: added" &&
        grep -q "^knetstat: KDIR=/lib/modules/$basek/build was built without Rust support" "$root/tmp/apt.log" &&
        grep -q "without Rust support" "$root/var/lib/knetstat/skipped/$basek"
}
step2() {
    kernel "$old" "$oldv" && audit && status_is "$(line "$ver" "$old")" &&
        r "test -f /var/cache/knetstat/$old/build/.knetstat-tree"
}
step3() {
    kernel "$new" "$newv" && audit && status_is "$(line "$ver" "$old")" "$(line "$ver" "$new")" &&
        installed_v "linux-source-$xy" "$newv"
}
rmeta() { r "stat -c '%i %Y' /var/cache/knetstat/$old/build/rust/libkernel.rmeta"; }
step4() {
    apt_in "$root" "/tmp/${deb1##*/}" && audit && status_is "$(line "$ver1" "$old")" "$(line "$ver1" "$new")" &&
        [ "$(rmeta)" = "$tree_id" ] &&
        ! r "grep -q knetstat-prepare /var/lib/dkms/knetstat/$ver1/$old/x86_64/log/make.log 2>/dev/null"
}
step5() {
    r "rm -rf /var/cache/knetstat/$old" && apt_in "$root" "--reinstall /tmp/${deb1##*/}" && audit &&
        status_is "$(line "$ver1" "$new")" &&
        grep -qxF "knetstat-dkms: not built for kernel $old:" "$root/tmp/apt.log" &&
        grep -qF "knetstat: kernel $old's headers carry no Rust build artifacts, so knetstat rebuilds them from the kernel's source: apt-get install linux-source-$xy=$oldv (installed: $newv), or, where apt no longer has it, set KNETSTAT_KERNEL_SOURCE to that source's tarball or tree." "$root/tmp/apt.log"
}
# The tarball as a download would bring it (Debian's source packages and
# kernel.org's hold the same tree under one top directory).
tarball=/usr/src/linux-$oldv.tar.xz
step6() {
    r "dpkg-deb --fsys-tarfile /var/cache/apt/archives/linux-source-${xy}_${oldv}_all.deb |
           tar -xO ./usr/src/linux-source-$xy.tar.xz >$tarball" &&
        r "KNETSTAT_KERNEL_SOURCE=$tarball dkms install knetstat/$ver1 -k $old >/tmp/dkms.log 2>&1; r=\$?; cat /tmp/dkms.log; exit \$r" &&
        audit && status_is "$(line "$ver1" "$old")" "$(line "$ver1" "$new")" &&
        grep -qF "knetstat-prepare: kernel $old: its headers have no Rust build artifacts; rebuilding them from $tarball" \
            "$root/var/lib/dkms/knetstat/$ver1/$old/x86_64/log/make.log" &&
        r "test -f /var/cache/knetstat/$old/build/.knetstat-tree && ! test -e /var/lib/knetstat/skipped/$old && rm $tarball"
}
step8() {
    r "apt-get purge -y -q linux-image-$old linux-headers-$old" && audit && status_is "$(line "$ver1" "$new")" &&
        r "! ls -d /var/cache/knetstat/$old /var/lib/knetstat/skipped/$old /var/lib/dkms/knetstat/*/$old \
            /lib/modules/$old/updates/dkms/knetstat.ko* 2>/dev/null | grep ."
}
step9() {
    r "apt-get purge -y -q knetstat-dkms" && audit &&
        r "! ls -d /usr/src/knetstat-* /var/lib/dkms/knetstat /var/cache/knetstat /var/lib/knetstat \
            /etc/kernel/postrm.d/knetstat-dkms /lib/modules/*/updates/dkms/knetstat.ko* 2>/dev/null | grep ."
}

check "1. knetstat-dkms $ver with only $basek: skipped with its sentence, installed" step1
lap "1. package first"
seed "$old"
check "2. $old installed: built for it by DKMS's kernel hook" step2
lap "2. the backports kernel"
seed "$new"
check "3. $new installed: built for it too, linux-source-$xy moved to $newv" step3
lap "3. point release"
# Keep both trees for the next run: each copied whole beside the kept one,
# which it replaces only then (a copy cut short is never taken for one).
mkdir -p "$cache/trees"
for rel in "$old" "$new"; do
    [ -f "$root/var/cache/knetstat/$rel/build/.knetstat-tree" ] || continue
    rm -rf "$cache/trees/$rel.new" "$cache/trees/$rel.old" &&
        cp -a "$root/var/cache/knetstat/$rel" "$cache/trees/$rel.new" &&
        { [ ! -d "$cache/trees/$rel" ] || mv "$cache/trees/$rel" "$cache/trees/$rel.old"; } &&
        mv "$cache/trees/$rel.new" "$cache/trees/$rel" && rm -rf "$cache/trees/$rel.old"
done
tree_id=$(rmeta)
check "4. knetstat-dkms $ver1 over $ver: rebuilt for both kernels, $old from its cached tree" step4
lap "4. upgrade"
check "5. $old's cached tree removed by hand: skipped, naming its source; $new built" step5
lap "5. tree removed"
check "6. $old's source given as KNETSTAT_KERNEL_SOURCE (a tarball): its tree rebuilt from it, built" step6
sed -n '/^knetstat/s/^/  /p' "$tmp/check.log"
lap "6. rebuilt from KNETSTAT_KERNEL_SOURCE"
check "7. $old booted with that knetstat $ver1: the VM tests" env VM_STOCK_RELEASE="$old" \
    tests/vm/run.sh "$root" "" \
    "modprobe knetstat && grep -qx '$ver1' /sys/module/knetstat/version && python3 tests/vm/test_knetstat.py; r=\$?;
     modprobe -r knetstat && ! test -e /proc/net/tcpstat || r=1; exit \$r"
grep -E '^(vm:|failed: |[0-9]+ passed)' "$tmp/check.log" | sed 's/^/  lifecycle vm: /'
lap "7. VM tests on $old"
check "8. $old purged: nothing of knetstat left for it" step8
check "9. knetstat-dkms purged: nothing left" step9
lap "8, 9. purges"
# A failed run leaves its root for a look.
[ $fail != 0 ] || rm -rf "$root"
finish
