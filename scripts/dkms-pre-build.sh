#!/bin/sh
# DKMS's PRE_BUILD (dkms.conf): make and check the kernel's build tree
# before DKMS runs make, which then finds the tree in its cache.
#
#   scripts/dkms-pre-build.sh KDIR
#
# A kernel that knetstat cannot be built for on this machine as it is (no
# Rust, a package missing, another rustc) exits 77, DKMS's "skipped": so
# installing knetstat-dkms, or a kernel, completes instead of leaving dpkg
# half-configured. The reason is the one sentence, "knetstat: ...", in
# DKMS's make.log, which the package's postinst repeats.
here=$(dirname "$0")
kdir=$("$here/kdir-prepare.sh" "$1") && "$here/kdir-check.sh" "$kdir" >/dev/null || exit 77
