#!/usr/bin/env bash
# Check that KDIR can build knetstat; on failure print one sentence saying
# what is wrong and what to do, and exit 1. On success print the make
# arguments the tree needs, one a line: RUSTC=/BINDGEN= where the kernel's
# rustc or bindgen is not the plain one on PATH (saying so on stderr), LLVM=1
# for a kernel built with clang (LLVM=-N where only clang-N is installed, as
# in a Debian root with clang-19 and no clang package), CC=<its compiler>
# for one built with gcc (a module's C must be compiled by the kernel's own
# compiler), and ARCH=/CROSS_COMPILE= for a kernel of another architecture
# than this machine's (a cross build: Debian's arm64 headers on amd64).
#
# Environment: RUSTC, BINDGEN: the rustc and bindgen to use.
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
# The kernel's rustc and bindgen, as distributions ship them: RUSTC= or
# BINDGEN= if given, else the plain name on PATH if it is the kernel's
# version, else a versioned one (Ubuntu's rustc-1.82, bindgen-0.65) that is.
# make then gets RUSTC=/BINDGEN= for any but the plain one.
find_tool() {  # name, the kernel's --version text, the user's choice
    local c
    if [ -n "$3" ]; then
        [ "$("$3" --version 2>/dev/null)" != "$2" ] || { echo "$3"; return 0; }
        return 1
    fi
    for c in "$1" $(compgen -c "$1-" | grep -E "^$1-[0-9][0-9.]*\$" | sort -Vru); do
        [ "$("$c" --version 2>/dev/null)" != "$2" ] || { command -v "$c"; return 0; }
    done
    return 1
}
# The apt command that brings the version of package $1 whose upstream
# version is $2, if this is Debian and apt knows one; else nothing.
apt_version() {
    command -v apt-cache >/dev/null || return 0
    apt-cache madison "$1" 2>/dev/null | awk -F' *[|] *' -v up="$2" '{ v = $2; u = v
        sub(/^[0-9]+:/, "", u); sub(/[-+~].*$/, "", u); if (u == up) { print v; exit } }'
}
want=$(config CONFIG_RUSTC_VERSION_TEXT)
if ! rustc=$(find_tool rustc "$want" "${RUSTC:-}"); then
    given=${RUSTC:-rustc}
    have=$("$given" --version 2>/dev/null | head -1); have=${have:-no $given}
    up=$(echo "$want" | sed -n 's/^rustc \([0-9][0-9.]*\).*/\1/p')
    v=$(apt_version rustc "$up")
    if [ -n "$v" ]; then how="apt-get install rustc=$v rust-src=$v, or RUSTC= naming that rustc"
    else how="install rustc $up (on Debian: from the kernel's own release) and its rust-src, or set RUSTC= to it"; fi
    what="rustc on PATH is '$have' and no rustc-X.Y there is the kernel's"
    [ -z "${RUSTC:-}" ] || what="RUSTC=$RUSTC is '$have'"
    fail "KDIR=$kdir was built with '$want' but $what: a Rust module must be built with the same rustc as its kernel: $how."
fi
[ "$rustc" = rustc ] || [ "$rustc" = "$(command -v rustc)" ] ||
    { echo "RUSTC=$rustc"; echo "knetstat: using $rustc ('$want'), the kernel's rustc" >&2; }
want_bindgen=$(config CONFIG_BINDGEN_VERSION_TEXT)
if [ -n "$want_bindgen" ] && bindgen=$(find_tool bindgen "$want_bindgen" "${BINDGEN:-}") &&
   [ "$bindgen" != bindgen ] && [ "$bindgen" != "$(command -v bindgen)" ]; then
    echo "BINDGEN=$bindgen"; echo "knetstat: using $bindgen ('$want_bindgen'), the kernel's bindgen" >&2
fi
# The tree's architecture, from its configuration (the kernel's ARCH and
# what uname -m says on it), for the architectures with Rust support.
arch= machine=
for a in ARM64:arm64:aarch64 X86_64:x86_64:x86_64 RISCV:riscv:riscv64 LOONGARCH:loongarch:loongarch64; do
    IFS=: read -r symbol arch machine <<<"$a"
    grep -q "^CONFIG_$symbol=y" "$conf" && break
    arch= machine=
done
cross=0
[ -z "$machine" ] || [ "$machine" = "$(uname -m)" ] || { cross=1; echo "ARCH=$arch"; }
if grep -q '^CONFIG_CC_IS_CLANG=y' "$conf"; then
    major=$(( $(config CONFIG_CLANG_VERSION) / 10000 ))
    if command -v clang >/dev/null; then echo "LLVM=1"
    elif command -v "clang-$major" >/dev/null; then echo "LLVM=-$major"
    else fail "KDIR=$kdir was built with clang $major, which is not installed: install it (on Debian: apt-get install clang-$major lld-$major llvm-$major)."
    fi
else
    # CONFIG_CC_VERSION_TEXT starts with the compiler's name, e.g.
    # "x86_64-linux-gnu-gcc-14 (Debian 14.2.0-19) 14.2.0". Debian's
    # package of TRIPLET-gcc-N is gcc-N on a TRIPLET machine, else the
    # cross compiler gcc-N-TRIPLET (with '-' for '_').
    cc=$(config CONFIG_CC_VERSION_TEXT); cc=${cc%% *}
    triplet=$(echo "$cc" | sed -n 's/^\(.*-.*-.*\)-gcc\(-[0-9]*\)\{0,1\}$/\1/p')
    # binutils of the same triplet (a plain gcc: the usual one for it)
    [ $cross = 0 ] || echo "CROSS_COMPILE=${triplet:-$machine-linux-gnu}-"
    pkg=${cc#"$triplet"-}
    [ -z "$triplet" ] || [ "${triplet%%-*}" = "$(uname -m)" ] || pkg+=-${triplet//_/-}
    command -v "$cc" >/dev/null ||
        fail "KDIR=$kdir was built with $cc, which is not installed: install it (on Debian: apt-get install $pkg)."
    echo "CC=$cc"
fi
exit 0
