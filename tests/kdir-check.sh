#!/usr/bin/env bash
# Check that KDIR can build knetstat; on failure print one sentence saying
# what is wrong and what to do, and exit 1. On success print the make
# arguments the tree needs (LLVM=1 when it was built with clang).
set -u
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
[ -f "$kdir/rust/libkernel.rmeta" ] ||
    fail "KDIR=$kdir has no Rust build artifacts (rust/libkernel.rmeta): build the kernel (or its 'modules_prepare' and rust targets) first."
want=$(sed -n 's/^CONFIG_RUSTC_VERSION_TEXT="\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' "$conf")
have=$(rustc --version 2>/dev/null || echo "no rustc")
[ "$want" = "$have" ] ||
    fail "KDIR=$kdir was built with '$want' but rustc on PATH is '$have': a Rust module must be built with the same rustc as its kernel."
grep -q '^CONFIG_CC_IS_CLANG=y' "$conf" && echo "LLVM=1"
exit 0
