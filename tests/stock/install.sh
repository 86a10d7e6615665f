#!/usr/bin/env bash
# Install knetstat in a stock root as an operator does: the .deb of this
# tree (pkg/mkdeb.sh), with apt, which brings rustc, bindgen and the rest;
# DKMS then builds the module for the root's kernels. A copy installed
# before is removed first (not purged: the Rust build trees stay cached),
# so that this tree's source is what DKMS builds.
#
#   tests/stock/install.sh ROOT
#
# apt's output is on stdout and in ROOT/tmp/apt.log; the status is apt's.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/stock/lib.sh"
root=${1:?stock root (tests/stock/root.sh)}
deb=$("$top/pkg/mkdeb.sh" "$root/tmp") || exit 1
in_root "$root" sh -c 'dpkg -s knetstat-dkms >/dev/null 2>&1 && apt-get remove -y -q knetstat-dkms; true' >/dev/null
apt_in "$root" "/tmp/${deb##*/}"
