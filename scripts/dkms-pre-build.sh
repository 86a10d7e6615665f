#!/usr/bin/env bash
# DKMS's PRE_BUILD (dkms.conf): make and check the kernel's build tree
# before DKMS runs make, which then finds the tree in its cache.
#
#   scripts/dkms-pre-build.sh KDIR KERNELRELEASE
#
# A kernel that knetstat cannot be built for on this machine as it is (no
# Rust, a package missing, another rustc) exits 77, DKMS's "skipped", so
# that installing knetstat-dkms, or a kernel, completes instead of leaving
# dpkg half-configured. The reason, one sentence "knetstat: ...", goes to
# DKMS's make.log and to /var/lib/knetstat/skipped/KERNELRELEASE, which
# the package's postinst prints.
here=$(dirname "$0")
notes=/var/lib/knetstat/skipped
mkdir -p "$notes" && rm -f "$notes/$2"
if out=$( { kdir=$("$here/kdir-prepare.sh" "$1") && "$here/kdir-check.sh" "$kdir" >/dev/null; } 2>&1 ); then
    printf '%s\n' "$out"
    exit 0
fi
printf '%s\n' "$out"
printf '%s\n' "$out" | grep '^knetstat: ' >"$notes/$2"
exit 77
