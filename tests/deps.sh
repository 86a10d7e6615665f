#!/usr/bin/env bash
# Install everything knetstat's build and VM tests need on Debian 12, as root.
# Idempotent: each step checks first and says what it installs.
#
#   tests/deps.sh         all of it (make deps, make check)
#   tests/deps.sh demo    only what the stock-kernel make demo uses
#   tests/deps.sh arm64   all of it, and what make check-arm64-native adds
set -euo pipefail

BINDGEN_VERSION=0.73.0   # pinned: the kernel's bindings are generated with it

say() { printf 'deps: %s\n' "$*" >&2; }

# What the stock-kernel demo uses on the host (make demo): a Debian root, the
# .deb built from debian/, QEMU with a busybox initramfs. Everything else
# the tests use.
DEMO_PKGS=(mmdebstrap qemu-system-x86 busybox-static cpio gzip xz-utils rsync make
           python3 dpkg-dev debhelper dh-dkms)
APT_PKGS=("${DEMO_PKGS[@]}" debootstrap linux-source-6.12 clang lld llvm libclang-dev bc flex bison
          libelf-dev libssl-dev kmod iproute2 net-tools gcc dkms fakeroot man-db lintian
          e2fsprogs    # mke2fs and debugfs: the cloud flavour's disks (tests/vm/run.sh)
          qemu-system-arm)   # the arm64 boot
mode=${1:-all}
case $mode in
    demo) APT_PKGS=("${DEMO_PKGS[@]}") ;;
    all) ;;
    arm64) APT_PKGS+=(qemu-user-static arch-test) ;;   # arm64 programs in the arm64-native root; mmdebstrap checks with arch-test
    *) say "'demo', 'arm64' or nothing, not '$mode'"; exit 2 ;;
esac

missing=()
for p in "${APT_PKGS[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
    say "apt: installing ${missing[*]}"
    if [ "$(id -u)" != 0 ]; then say "need root for apt-get install"; exit 1; fi
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
    say "apt packages: all present"
fi
# The demo boots Debian's kernel with the package built in its own root:
# no host toolchain.
[ "$mode" != demo ] || exit 0

if ! command -v rustup >/dev/null; then
    say "rustup not found: knetstat needs the rustup toolchain (rustc, cargo) that built the kernel"; exit 1
fi
if ! rustup component list --installed 2>/dev/null | grep -q '^rust-src'; then
    say "rustup: adding rust-src"
    rustup component add rust-src
else
    say "rust-src: present"
fi

if ! command -v bindgen >/dev/null || ! bindgen --version | grep -q " $BINDGEN_VERSION\$"; then
    say "cargo: installing bindgen-cli $BINDGEN_VERSION (a few minutes)"
    cargo install --locked --quiet bindgen-cli --version "$BINDGEN_VERSION"
else
    say "bindgen $BINDGEN_VERSION: present"
fi
