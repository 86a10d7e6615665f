#!/usr/bin/env bash
# Check that KDIR can build knetstat; on failure print one sentence saying
# what is wrong and what to do, and exit 1. On success print the make
# arguments the tree needs: LLVM=1 for a kernel built with clang (LLVM=-N
# where only clang-N is installed, as in a Debian root with clang-19 and no
# clang package), CC=<its compiler> for one built with gcc (a module's C
# must be compiled by the kernel's own compiler).
#
#   scripts/kdir-check.sh [--no-rust-artifacts] KDIR
#
# --no-rust-artifacts: all but the Rust crates, which scripts/kdir-prepare.sh
# is about to build.
set -u
artifacts=1
[ "${1:-}" != --no-rust-artifacts ] || { artifacts=0; shift; }
kdir=${1:-}
fail() { echo "knetstat: $*" >&2; exit 1; }

[ -n "$kdir" ] || fail "no kernel build tree given (KDIR is empty)."
[ -f "$kdir/Makefile" ] ||
    fail "KDIR=$kdir is not a kernel build tree (no Makefile there): install the kernel's build tree (headers) or point KDIR at a built kernel."
conf=$kdir/include/config/auto.conf
[ -f "$conf" ] ||
    fail "KDIR=$kdir is not a configured, built kernel tree (no include/config/auto.conf): run 'make' in it first."
grep -q '^CONFIG_RUST=y' "$conf" ||
    fail "KDIR=$kdir was built without Rust support (CONFIG_RUST is not set): knetstat needs a kernel built with CONFIG_RUST=y; without KDIR, 'make' uses the project's test kernel."
grep -q '^CONFIG_MODULES=y' "$conf" ||
    fail "KDIR=$kdir was built without loadable module support (CONFIG_MODULES is not set)."
[ $artifacts = 0 ] || [ -f "$kdir/rust/libkernel.rmeta" ] ||
    fail "KDIR=$kdir has no Rust build artifacts (rust/libkernel.rmeta): build the kernel (or its 'modules_prepare' and rust targets) first."
config() { sed -n "s/^$1=\"\{0,1\}\([^\"]*\)\"\{0,1\}\$/\1/p" "$conf"; }
want=$(config CONFIG_RUSTC_VERSION_TEXT)
have=$(rustc --version 2>/dev/null || echo "no rustc")
[ "$want" = "$have" ] ||
    fail "KDIR=$kdir was built with '$want' but rustc on PATH is '$have': a Rust module must be built with the same rustc as its kernel (on Debian: apt-get install rustc from the kernel's own release)."
if grep -q '^CONFIG_CC_IS_CLANG=y' "$conf"; then
    major=$(( $(config CONFIG_CLANG_VERSION) / 10000 ))
    if command -v clang >/dev/null; then echo "LLVM=1"
    elif command -v "clang-$major" >/dev/null; then echo "LLVM=-$major"
    else fail "KDIR=$kdir was built with clang $major, which is not installed: install it (on Debian: apt-get install clang-$major lld-$major llvm-$major)."
    fi
else
    # CONFIG_CC_VERSION_TEXT starts with the compiler's name, e.g.
    # "x86_64-linux-gnu-gcc-14 (Debian 14.2.0-19) 14.2.0".
    cc=$(config CONFIG_CC_VERSION_TEXT); cc=${cc%% *}
    command -v "$cc" >/dev/null ||
        fail "KDIR=$kdir was built with $cc, which is not installed: install it (on Debian: apt-get install ${cc#x86_64-linux-gnu-})."
    echo "CC=$cc"
fi
exit 0
