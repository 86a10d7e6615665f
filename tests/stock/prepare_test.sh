#!/usr/bin/env bash
# The cached Rust build tree of a stock kernel is never lost
# (scripts/kdir-prepare.sh): once linux-source-X.Y has moved on, it is the
# only way left to build knetstat for that kernel.
#
#   tests/stock/prepare_test.sh ROOT
#
# ROOT is a stock root with knetstat-dkms installed (tests/stock/install.sh),
# so /var/cache/knetstat/<release>/build holds the tree made for its kernel.
# In ROOT, with a copy of the installed DKMS source:
#  - another path to the same headers, no source at all: the tree is used,
#    nothing is rebuilt;
#  - headers that differ, with a source that does not exist, is not a kernel
#    tree, is not a kernel tarball, or is a tarball of another version: one
#    sentence each, naming it, before anything is extracted or removed, and
#    the tree, its record and the installed module as they were; the same
#    after a tree of the kernel's version that is not a whole source was
#    accepted and copied (configuring it fails). A source that is right is
#    built from in tests/stock/lifecycle.sh;
#  - a tree made by an older recipe, no source to remake it: used;
#  - a tree of knetstat 1.0.0 (no record in the tree, its key beside it):
#    taken over as it is;
#  - a decoy rustc of another version first on PATH: the kernel's rustc-X.Y
#    or RUSTC= used; with neither, the sentence names the apt command;
#  - other distributions' layouts, simulated from the tree: Arch's
#    (headers that carry the artifacts) and Ubuntu's (the headers' rust/ a
#    link to ../linux-lib-rust-<release>/rust): built straight from them,
#    nothing rebuilt; the modules are left in /usr/src/knetstat-layouts for
#    tests/stock/check.sh to load in the VM.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/stock/lib.sh"
root=${1:?stock root with knetstat-dkms installed}
rel=$(sed -n 's/^release=//p' "$root/etc/knetstat-stock")
ver=$(make -s -C "$top" --no-print-directory print-version)
cache=/var/cache/knetstat/$rel tree=/var/cache/knetstat/$rel/build
pass=0 fail=0
r() { in_root "$root" sh -c "$1"; }
ok() { echo "ok   $1"; pass=$((pass + 1)); }
bad() { echo "FAIL $1"; printf '%s\n' "${2:-}" | tail -20; fail=$((fail + 1)); }

# What must not change: the tree, its record, the installed module.
state() {
    r "stat -c '%n %i' $tree; stat -c '%n %i %Y' $tree/rust/libkernel.rmeta /lib/modules/$rel/updates/dkms/knetstat.ko*
       cat $tree/.knetstat-tree $cache/headers $cache/key 2>/dev/null; true"
}
r "test -f $tree/.knetstat-tree" || { echo "FAIL no tree with its record in $tree"; exit 1; }
kv=${rel%%[+-]*}   # the kernel's version (Debian's releases: 7.3.4+deb13-amd64)
r "rm -rf /tmp/ks /usr/src/knetstat-same-$rel /usr/src/knetstat-other-$rel /tmp/linux-9.9.9* /tmp/linux-$kv &&
   cp -a /usr/src/knetstat-$ver /tmp/ks &&
   cp -a /usr/src/linux-headers-$rel /usr/src/knetstat-same-$rel &&
   cp -a /usr/src/linux-headers-$rel /usr/src/knetstat-other-$rel &&
   echo '# another configuration' >>/usr/src/knetstat-other-$rel/.config &&
   mkdir /tmp/linux-9.9.9 && printf 'VERSION = 9\nPATCHLEVEL = 9\nSUBLEVEL = 9\n' >/tmp/linux-9.9.9/Makefile &&
   tar -C /tmp -cJf /tmp/linux-9.9.9.tar.xz linux-9.9.9 &&
   mkdir -p /tmp/linux-$kv/rust && touch /tmp/linux-$kv/Kconfig &&
   echo $kv | sed 's/\([^.]*\)\.\([^.]*\)\.\(.*\)/VERSION = \1\nPATCHLEVEL = \2\nSUBLEVEL = \3/' >/tmp/linux-$kv/Makefile" ||
    { echo "FAIL setting up"; exit 1; }
before=$(state)

# The build, as DKMS runs it but in the copy: stderr only.
build() {  # KDIR, KNETSTAT_KERNEL_SOURCE
    r "rm -f /tmp/ks/knetstat.ko; KNETSTAT_KERNEL_SOURCE=$2 make -s -C /tmp/ks build-module KDIR=$1 2>&1 >/dev/null"
}

out=$(build "/usr/src/knetstat-same-$rel" /nonexistent); rc=$?
if [ $rc = 0 ] && ! grep -q knetstat-prepare <<<"$out" && r "test -f /tmp/ks/knetstat.ko" &&
   [ "$(state)" = "$before" ]; then ok "another path to the same headers, no source: the tree is used, nothing rebuilt"
else bad "another path to the same headers (status $rc)" "$out"; fi

# The last: a tree of the kernel's version, accepted (the one line more
# says it is being used) and copied, that is not a whole source (a
# Makefile, Kconfig and rust/ only): configuring it fails.
for case in "/nonexistent|KNETSTAT_KERNEL_SOURCE=/nonexistent does not exist" \
            "/etc|KNETSTAT_KERNEL_SOURCE=/etc is not a kernel source tree" \
            "/etc/hostname|KNETSTAT_KERNEL_SOURCE=/etc/hostname is not a kernel source tarball" \
            "/tmp/linux-9.9.9.tar.xz|KNETSTAT_KERNEL_SOURCE=/tmp/linux-9.9.9.tar.xz is the source of Linux 9.9.9, not of kernel $rel (Linux " \
            "/tmp/linux-$kv|configuring /tmp/linux-$kv with kernel $rel's .config failed: see $cache/prepare.log (make"; do
    src=${case%%|*} want=${case#*|} progress= lines=1
    [ "$src" != "/tmp/linux-$kv" ] ||
        progress="knetstat-prepare: kernel $rel: remaking its Rust build tree from $src," lines=2
    out=$(build "/usr/src/knetstat-other-$rel" "$src"); rc=$?
    if [ $rc != 0 ] && [ "$(grep -cv '^make.*Error' <<<"$out")" = $lines ] &&
       { [ -z "$progress" ] || grep -qF "$progress" <<<"$out"; } &&
       grep -qF "knetstat: $want" <<<"$out" &&
       grep -qF "The tree made before, in $tree, is left as it was." <<<"$out" &&
       [ "$(state)" = "$before" ]; then ok "headers that differ, source $src: one sentence, the tree as it was"
    else bad "headers that differ, source $src (status $rc)" "$out"; fi
done

r "sed -i 's/^recipe=.*/recipe=0/' $tree/.knetstat-tree"
out=$(build "/lib/modules/$rel/build" /nonexistent); rc=$?
r "sed -i 's/^recipe=.*/recipe=1/' $tree/.knetstat-tree"
if [ $rc = 0 ] && grep -q "using the Rust build tree made before in $tree" <<<"$out" &&
   r "test -f /tmp/ks/knetstat.ko" && [ "$(state)" = "$before" ]
then ok "a tree of an older recipe, no source to remake it: used"
else bad "a tree of an older recipe (status $rc)" "$out"; fi

# knetstat 1.0.0 kept a tree's key in the directory above it: the hash of
# recipe 1, the headers' path, rustc, bindgen, .config and Module.symvers.
rec=$(r "cat $tree/.knetstat-tree")
r "h=/usr/src/linux-headers-$rel; echo \$h >$cache/headers &&
   { echo 'recipe 1'; echo \$h; rustc --version; bindgen --version; cat \$h/.config \$h/Module.symvers; } |
       sha256sum | cut -c1-16 >$cache/key && rm $tree/.knetstat-tree"
out=$(build "/lib/modules/$rel/build" /nonexistent); rc=$?
if [ $rc = 0 ] && ! grep -q knetstat-prepare <<<"$out" && [ "$(r "cat $tree/.knetstat-tree")" = "$rec" ]
then ok "a tree of knetstat 1.0.0: taken over as it is"
else bad "a tree of knetstat 1.0.0 (status $rc)" "$out"; fi
r "rm -f $cache/key"

# Toolchains as distributions ship them: a decoy rustc of another version
# first on PATH. A versioned rustc-X.Y that is the kernel's is used, and
# the log says so; RUSTC= naming the kernel's is used; with neither, the
# one sentence names the apt command that brings the kernel's rustc.
r "mkdir -p /tmp/decoy && printf '#!/bin/sh\necho \"rustc 0.0.1 (decoy 2026-01-01)\"; exit 1\n' >/tmp/decoy/rustc &&
   printf '#!/bin/sh\nexec /usr/bin/rustc \"\$@\"\n' >/tmp/decoy/rustc-1.85 && chmod +x /tmp/decoy/*"
decoyed() {  # what to run with the decoy first on PATH
    r "export PATH=/tmp/decoy:\$PATH; rm -f /tmp/ks/knetstat.ko; $1 make -s -C /tmp/ks build-module KDIR=/lib/modules/$rel/build 2>&1 >/dev/null"
}
out=$(decoyed ""); rc=$?
if [ $rc = 0 ] && grep -qx "knetstat: using /tmp/decoy/rustc-1.85 ('$(r "rustc --version")'), the kernel's rustc" <<<"$out" &&
   r "test -f /tmp/ks/knetstat.ko"; then ok "a decoy rustc first on PATH: the kernel's rustc-X.Y is used, and named"
else bad "a decoy rustc and rustc-X.Y (status $rc)" "$out"; fi
out=$(decoyed "RUSTC=/usr/bin/rustc"); rc=$?
if [ $rc = 0 ] && r "test -f /tmp/ks/knetstat.ko"; then ok "a decoy rustc first on PATH, RUSTC= the kernel's: used"
else bad "a decoy rustc, RUSTC= (status $rc)" "$out"; fi
r "rm /tmp/decoy/rustc-1.85"
v=$(r "dpkg-query -W -f='\${Version}' rustc")
out=$(decoyed ""); rc=$?
if [ $rc != 0 ] && [ "$(grep -cv '^make.*Error' <<<"$out")" = 1 ] &&
   grep -qF "but rustc on PATH is 'rustc 0.0.1 (decoy 2026-01-01)' and no rustc-X.Y there is the kernel's: a Rust module must be built with the same rustc as its kernel: apt-get install rustc=$v rust-src=$v, or RUSTC= naming that rustc." <<<"$out"
then ok "a decoy rustc and no other: one sentence with the apt command ($v)"
else bad "a decoy rustc and no other (status $rc)" "$out"; fi

# Other distributions' layouts, made from the tree (hard links, but for the
# Makefile, which names its own tree as a packaged one does).
lay=/usr/src/knetstat-layouts
r "rm -rf $lay /usr/src/linux-lib-rust-knetstat-$rel && mkdir -p $lay &&
   cp -al $tree $lay/arch && cp -al $tree $lay/ubuntu &&
   mkdir /usr/src/linux-lib-rust-knetstat-$rel && mv $lay/ubuntu/rust /usr/src/linux-lib-rust-knetstat-$rel/ &&
   ln -s ../../linux-lib-rust-knetstat-$rel/rust $lay/ubuntu/rust &&
   for d in arch ubuntu; do
       sed -i \"s#^\\(\\(export \\)\\{0,1\\}KBUILD_OUTPUT *= *\\).*#\\1$lay/\$d#\" $lay/\$d/Makefile &&
       grep -q \"KBUILD_OUTPUT *= *$lay/\$d\$\" $lay/\$d/Makefile || exit 1
   done" || { echo "FAIL setting up the layouts"; exit 1; }
for d in arch ubuntu; do
    out=$(build "$lay/$d" /nonexistent); rc=$?
    if [ $rc = 0 ] && ! grep -q knetstat-prepare <<<"$out" && r "cp /tmp/ks/knetstat.ko $lay/$d.ko" &&
       [ "$(state)" = "$before" ]; then ok "$d's layout: built straight from it, nothing rebuilt"
    else bad "$d's layout (status $rc)" "$out"; fi
done
r "rm -rf $lay/arch $lay/ubuntu /usr/src/linux-lib-rust-knetstat-$rel"

r "rm -rf /tmp/ks /tmp/decoy /usr/src/knetstat-same-$rel /usr/src/knetstat-other-$rel /tmp/linux-9.9.9* /tmp/linux-$kv"
echo "$pass passed, $fail failed"
[ $fail = 0 ]
