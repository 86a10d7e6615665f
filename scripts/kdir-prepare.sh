#!/usr/bin/env bash
# Print a kernel build tree that can build knetstat for the kernel of KDIR.
#
#   scripts/kdir-prepare.sh KDIR
#
# A Rust module needs the kernel's Rust crates (rust/libkernel.rmeta and
# friends, scripts/target.json). Trees that carry them (a built kernel,
# Arch's linux-headers, Ubuntu's linux-lib-rust-*) are printed unchanged;
# so is a tree without CONFIG_RUST, for scripts/kdir-check.sh to explain.
#
# Debian's linux-headers packages lack them. For such a kernel this script
# rebuilds them from the same kernel's source (Debian: linux-source-X.Y of
# the very package version of the headers), with the headers' .config and
# the compilers named in it, checks that they are the stock kernel's (the
# configuration is the same, the rebuilt crates define every Rust symbol
# the kernel exports), and keeps a copy of the headers tree plus those
# files per kernel release in $KNETSTAT_TREES (default /var/cache/knetstat,
# else ~/.cache/knetstat/trees when that is not writable). A second call
# finds it there and returns at once. Anything missing: one sentence on
# stderr naming the package to install, and exit 1.
#
# Environment: KNETSTAT_KERNEL_SOURCE, a kernel source tarball or directory
# to use instead of Debian's linux-source package (other distributions).
set -euo pipefail

kdir=${1:?kernel build tree}
fail() { echo "knetstat: $*" >&2; exit 1; }
say() { echo "knetstat-prepare: $*" >&2; }

conf=$kdir/include/config/auto.conf
# Nothing to do: scripts/kdir-check.sh judges everything else.
if [ ! -f "$conf" ] || ! grep -q '^CONFIG_RUST=y' "$conf" || [ -f "$kdir/rust/libkernel.rmeta" ]; then
    echo "$kdir"; exit 0
fi

RECIPE=1        # bump when what is built or how changes: old trees are rebuilt
here=$(dirname "$0")
# The kernel's rustc and C compiler (and make's arguments for them).
args=$("$here/kdir-check.sh" --no-rust-artifacts "$kdir") || exit 1
read -ra make_args <<<"$args"
config() { sed -n "s/^$1=\"\{0,1\}\([^\"]*\)\"\{0,1\}\$/\1/p" "$conf"; }
rel=$(cat "$kdir/include/config/kernel.release")
for f in .config Module.symvers; do
    [ -f "$kdir/$f" ] || fail "KDIR=$kdir has no $f: reinstall the kernel's headers package."
done
headers=$(realpath "$kdir")
# What only preparing needs: the Rust library source and bindgen.
have_rustc=$(rustc --version)
[ -f "$(rustc --print sysroot)/lib/rustlib/src/rust/library/core/src/lib.rs" ] ||
    fail "the Rust library source of '$have_rustc' is missing: apt-get install rust-src (with rustup: rustup component add rust-src)."
want_bindgen=$(config CONFIG_BINDGEN_VERSION_TEXT)
have_bindgen=$(bindgen --version 2>/dev/null || echo "no bindgen")
[ -z "$want_bindgen" ] || [ "$have_bindgen" = "$want_bindgen" ] ||
    fail "kernel $rel was built with '$want_bindgen' but bindgen on PATH is '$have_bindgen': apt-get install bindgen from the kernel's own release."

# Where the tree is kept, and whether the one there is still good.
trees=${KNETSTAT_TREES:-/var/cache/knetstat}
mkdir -p "$trees" 2>/dev/null && [ -w "$trees" ] || trees=${XDG_CACHE_HOME:-$HOME/.cache}/knetstat/trees
top=$trees/$rel; tree=$top/build
# Trees of kernels whose headers are gone (a kernel removed) go too.
for old in "$trees"/*/headers; do
    [ ! -f "$old" ] || [ -d "$(cat "$old")" ] || rm -rf "$(dirname "$old")"
done
mkdir -p "$top"
exec 9>"$top/lock"; flock 9      # one preparation at a time per kernel
key=$( { echo "recipe $RECIPE"; echo "$headers"; echo "$have_rustc"; echo "$have_bindgen"
         cat "$kdir/.config" "$kdir/Module.symvers"; } | sha256sum | cut -c1-16)
if [ "$(cat "$top/key" 2>/dev/null)" = "$key" ] && [ -f "$tree/rust/libkernel.rmeta" ]; then
    echo "$tree"; exit 0
fi

# The kernel's source: the same version as its headers.
src_in=${KNETSTAT_KERNEL_SOURCE:-}
if [ -z "$src_in" ]; then
    command -v dpkg-query >/dev/null ||
        fail "kernel $rel's headers carry no Rust build artifacts and this is not Debian: set KNETSTAT_KERNEL_SOURCE to that kernel's source tree or tarball."
    hpkg=$(dpkg-query -S "$headers" 2>/dev/null | head -1 | cut -d: -f1 || true)
    [ -n "$hpkg" ] ||
        fail "kernel $rel's headers ($headers) carry no Rust build artifacts and belong to no package: set KNETSTAT_KERNEL_SOURCE to that kernel's source."
    ver=$(dpkg-query -W -f='${Version}' "$hpkg")
    xy=$(echo "$rel" | sed -n 's/^\([0-9]*\.[0-9]*\).*/\1/p')
    spkg=linux-source-$xy
    sver=$(dpkg-query -W -f='${Version}' "$spkg" 2>/dev/null || true)
    [ "$sver" = "$ver" ] && [ -f "/usr/src/$spkg.tar.xz" ] ||
        fail "kernel $rel's headers carry no Rust build artifacts, so knetstat rebuilds them from the kernel's source: apt-get install $spkg=$ver (installed: ${sver:-none})."
    src_in=/usr/src/$spkg.tar.xz
fi

log=$top/prepare.log
say "kernel $rel: its headers have no Rust build artifacts; rebuilding them from $src_in (a few minutes, once; log in $log)"
rm -rf "$top/src" "$tree" "$tree.new" "$top/key"
mkdir -p "$top/src"
echo "$headers" > "$top/headers"
{
    if [ -d "$src_in" ]; then cp -a "$src_in/." "$top/src/"
    else tar -xf "$src_in" -C "$top/src" --strip-components=1; fi
    cp "$kdir/.config" "$top/src/.config"
    # Without objtool and resolve_btfids (CONFIG_OBJTOOL= and
    # CONFIG_DEBUG_INFO_BTF= on the command line: make's variables, not the
    # configuration, which stays the kernel's): building them needs
    # libelf-dev, which a backports kernel's newer libelf can make
    # uninstallable, and the crates a module links against are the same
    # without them. The symbol check below proves it.
    make -C "$top/src" -j"$(nproc)" "${make_args[@]}" KERNELRELEASE="$rel" \
        CONFIG_OBJTOOL= CONFIG_DEBUG_INFO_BTF= olddefconfig modules_prepare
} >"$log" 2>&1 ||
    fail "rebuilding the Rust artifacts of kernel $rel failed: see $log ($(grep -m1 -E 'error|\*\*\*' "$log" || tail -1 "$log"))."

# The same configuration: the symbols that differ may only be ones Kconfig
# derives from the build machine, which do not reach a module's build.
# CONFIG_OPENSSL_SUPPORTS_ML_DSA: whether this machine's OpenSSL can sign
# with ML-DSA (certs/Kconfig); only sign-file uses it.
tolerated='^CONFIG_OPENSSL_SUPPORTS_ML_DSA='
differ=$(diff <(grep '^CONFIG_' "$conf" | grep -Ev "$tolerated" | sort) \
              <(grep '^CONFIG_' "$top/src/include/config/auto.conf" | grep -Ev "$tolerated" | sort) |
         sed -n 's/^[<>] \(CONFIG_[A-Za-z0-9_]*\)=.*/\1/p' | sort -u | tr '\n' ' ')
[ -z "$differ" ] ||
    fail "the configuration rebuilt from $src_in differs from kernel $rel's in ${differ% }: that source is not the kernel's own."

# The rebuilt crates are the stock ones: every Rust symbol the kernel
# exports (Module.symvers) is defined by them. Crate hashes are part of
# each symbol's name, so a crate built differently defines other names.
missing=$(comm -23 <(awk '$2 ~ /^_R/ {print $2}' "$kdir/Module.symvers" | sort -u) \
                   <(nm --defined-only "$top/src"/rust/*.o | awk '{print $3}' | sort -u) | wc -l)
exports=$(awk '$2 ~ /^_R/' "$kdir/Module.symvers" | wc -l)
[ "$missing" = 0 ] ||
    fail "the Rust crates rebuilt for kernel $rel do not match the kernel: $missing of its $exports Rust symbols are not defined by them (another rustc, source or configuration)."

# The tree: the headers tree, its links to package directories (scripts)
# made into copies so that files can be added, plus the rebuilt crates.
rsync -a --copy-unsafe-links "$headers/" "$tree.new/"
# Its Makefile names the tree it is in (KBUILD_OUTPUT=...): the copy.
sed -i "s#^\(\(export \)\{0,1\}KBUILD_OUTPUT *= *\).*#\1$tree#" "$tree.new/Makefile"
grep -q "KBUILD_OUTPUT *= *$tree\$" "$tree.new/Makefile" ||
    fail "$headers/Makefile does not name its tree in KBUILD_OUTPUT=, so knetstat cannot make a copy of it with the Rust artifacts added."
mkdir -p "$tree.new/rust"
cp "$top/src"/rust/*.rmeta "$top/src"/rust/*.so "$tree.new/rust/"
[ ! -f "$top/src/scripts/target.json" ] || cp "$top/src/scripts/target.json" "$tree.new/scripts/"
mv "$tree.new" "$tree"
rm -rf "$top/src"
echo "$key" > "$top/key"
say "kernel $rel: Rust build tree ready in $tree ($exports Rust exports checked)"
echo "$tree"
