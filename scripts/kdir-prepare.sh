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
# Ubuntu's layout: the headers' rust/ is a link to ../linux-lib-rust-<release>/rust,
# which the package linux-lib-rust-<release> installs; until then it dangles.
# On Ubuntu's HWE kernels the link names a directory no package installs,
# the artifacts being under another linux-lib-rust-* name beside it: say
# where, for the operator to judge (nothing here tells whose they are).
if [ -L "$kdir/rust" ] && [ ! -e "$kdir/rust/libkernel.rmeta" ] && grep -qs '^CONFIG_RUST=y' "$conf"; then
    link=$(readlink "$kdir/rust"); pkg=$(basename "$(dirname "$link")")
    case $link in /*) near=$(dirname "$(dirname "$link")") ;; *) near=$kdir/$(dirname "$(dirname "$link")") ;; esac
    rel=$(cat "$kdir/include/config/kernel.release" 2>/dev/null || true); ver=${rel%%-[a-z]*}
    found=
    for d in "$near"/linux-lib-rust-*"$ver"*/rust; do
        [ -n "$ver" ] && [ -f "$d/libkernel.rmeta" ] && found+=${found:+, }$(realpath "$d")
    done
    [ -z "$found" ] ||
        fail "KDIR=$kdir's Rust build artifacts are a link to $link, which does not exist, but $found (named for version $ver) has them: if they are this kernel's, point the link there (ln -sfn THAT_DIRECTORY $kdir/rust)."
    fail "KDIR=$kdir's Rust build artifacts are a link to $link, which does not exist: install the package that holds them (on Ubuntu: apt-get install $pkg)."
fi
# Nothing to do: scripts/kdir-check.sh judges everything else.
if [ ! -f "$conf" ] || ! grep -q '^CONFIG_RUST=y' "$conf" || [ -f "$kdir/rust/libkernel.rmeta" ]; then
    echo "$kdir"; exit 0
fi

RECIPE=1        # bump when what is built or how changes: old trees are remade (when the source is here)
here=$(dirname "$0")
# The kernel's rustc and C compiler (and make's arguments for them).
args=$("$here/kdir-check.sh" --no-rust-artifacts "$kdir") || exit 1
read -ra make_args <<<"$(tr '\n' ' ' <<<"$args")"
rustc=rustc bindgen=bindgen
for a in "${make_args[@]}"; do
    case $a in RUSTC=*) rustc=${a#RUSTC=} ;; BINDGEN=*) bindgen=${a#BINDGEN=} ;; esac
done
config() { sed -n "s/^$1=\"\{0,1\}\([^\"]*\)\"\{0,1\}\$/\1/p" "$conf"; }
rel=$(cat "$kdir/include/config/kernel.release")
for f in .config Module.symvers; do
    [ -f "$kdir/$f" ] || fail "KDIR=$kdir has no $f: reinstall the kernel's headers package."
done
headers=$(realpath "$kdir")
# What only preparing needs: the Rust library source and bindgen.
have_rustc=$("$rustc" --version)
[ -f "$("$rustc" --print sysroot)/lib/rustlib/src/rust/library/core/src/lib.rs" ] ||
    fail "the Rust library source of '$have_rustc' is missing: apt-get install rust-src (with rustup: rustup component add rust-src)."
want_bindgen=$(config CONFIG_BINDGEN_VERSION_TEXT)
have_bindgen=$("$bindgen" --version 2>/dev/null || echo "no bindgen")
[ -z "$want_bindgen" ] || [ "$have_bindgen" = "$want_bindgen" ] ||
    fail "kernel $rel was built with '$want_bindgen' but $bindgen is '$have_bindgen' and no bindgen-X.Y on PATH is the kernel's: install that bindgen (on Debian: from the kernel's own release), or set BINDGEN= to it."

# Where the tree is kept. Once linux-source-X.Y has moved on to the next
# point release, the tree kept for a kernel is the only way left to build
# for it: nothing here removes a tree before its replacement has passed
# every check, and a tree that is still good for the kernel is used.
trees=${KNETSTAT_TREES:-/var/cache/knetstat}
mkdir -p "$trees" 2>/dev/null && [ -w "$trees" ] || trees=${XDG_CACHE_HOME:-$HOME/.cache}/knetstat/trees
top=$trees/$rel; tree=$top/build; new=$top/new
mkdir -p "$top"
exec 9>"$top/lock"; flock 9      # one preparation at a time per kernel
# A replacement cut short between its two renames (below): finish it.
[ -d "$tree" ] || [ ! -d "$top/build.old" ] || mv "$top/build.old" "$tree"
rm -rf "$new" "$top/build.old"
# The trees of kernels that are gone (no /lib/modules/<release>, and the
# headers the tree was made from gone too) go with them. The package's
# kernel postrm hook removes a purged kernel's tree; this catches the rest.
for old in "$trees"/*/headers; do
    [ -f "$old" ] || continue
    d=$(dirname "$old"); r=${d##*/}
    [ "$r" = "$rel" ] || [ -d "/lib/modules/$r" ] || [ -d "$(cat "$old")" ] || rm -rf "$d"
done

# What makes a tree good for this kernel: the same rustc and bindgen, and
# the same headers (configuration and exports), wherever they are found.
# RECIPE is how the tree was made: a tree of an older recipe is remade
# when the source is here, and still used when it is not.
tree_inputs() { echo "$have_rustc"; echo "$have_bindgen"; cat "$kdir/.config" "$kdir/Module.symvers"; }
digest() { sha256sum | cut -c1-16; }
key=$(tree_inputs | digest)
meta() { sed -n "s/^$1=//p" "$tree/.knetstat-tree" 2>/dev/null; }
# A tree of knetstat 1.0.0 has no .knetstat-tree; its key (in $top/key)
# hashed recipe 1 and the headers' path before the same inputs. If it is
# this kernel's, record that it is.
if [ -f "$tree/rust/libkernel.rmeta" ] && [ ! -f "$tree/.knetstat-tree" ] && [ -f "$top/headers" ] &&
   [ "$(cat "$top/key" 2>/dev/null)" = "$( { echo "recipe 1"; cat "$top/headers"; tree_inputs; } | digest)" ]; then
    printf 'key=%s\nrecipe=1\n' "$key" >"$tree/.knetstat-tree"
fi
good=0
[ -f "$tree/rust/libkernel.rmeta" ] && [ "$(meta key)" = "$key" ] && good=1
if [ $good = 1 ] && [ "$(meta recipe)" = "$RECIPE" ]; then
    echo "$tree"; exit 0
fi
# Stop here with one sentence, the new tree's remains removed; with a tree
# that is still good, use that one instead and say why; with another tree,
# say that it is left as it was.
give_up() {
    rm -rf "$new"
    if [ $good = 1 ]; then
        say "kernel $rel: using the Rust build tree made before in $tree (still this kernel's), not a new one: $*"
        echo "$tree"; exit 0
    fi
    [ ! -d "$tree" ] || set -- "$* The tree made before, in $tree, is left as it was."
    fail "$*"
}

# The kernel's source, checked before anything is extracted or removed:
# it exists, is a kernel source tree, and is of the kernel's version
# (include/generated/uapi/linux/version.h of the headers).
vh=$kdir/include/generated/uapi/linux/version.h
kver=
[ ! -f "$vh" ] || kver=$(sed -n 's/^#define LINUX_VERSION_\(MAJOR\|PATCHLEVEL\|SUBLEVEL\) \([0-9]*\)$/\2/p' "$vh" |
                         paste -sd. -)
makefile_version() {  # a kernel Makefile on stdin: VERSION.PATCHLEVEL.SUBLEVEL
    awk -F' *= *' '$1 == "VERSION" {v = $2} $1 == "PATCHLEVEL" {p = $2} $1 == "SUBLEVEL" {s = $2}
        END {if (v != "") print v "." p "." (s == "" ? 0 : s)}'
}
src_in=${KNETSTAT_KERNEL_SOURCE:-}
if [ -n "$src_in" ]; then
    what="KNETSTAT_KERNEL_SOURCE=$src_in"
    if [ -d "$src_in" ]; then
        [ -f "$src_in/Makefile" ] && [ -f "$src_in/Kconfig" ] && [ -d "$src_in/rust" ] ||
            give_up "$what is not a kernel source tree with Rust support (no Makefile, Kconfig and rust/ there)."
        sver=$(makefile_version <"$src_in/Makefile")
    elif [ -f "$src_in" ]; then
        first=$(tar -tf "$src_in" 2>/dev/null | head -1 || true)
        sver=$(tar -xOf "$src_in" --occurrence=1 "${first%%/*}/Makefile" 2>/dev/null | makefile_version || true)
        [ -n "$first" ] && [ -n "$sver" ] ||
            give_up "$what is not a kernel source tarball (no top-level Makefile in it)."
    else
        give_up "$what does not exist: set it to kernel $rel's source tree or tarball."
    fi
    [ -z "$kver" ] || [ "$sver" = "$kver" ] ||
        give_up "$what is the source of Linux $sver, not of kernel $rel (Linux $kver)."
else
    command -v dpkg-query >/dev/null ||
        give_up "kernel $rel's headers carry no Rust build artifacts and this is not Debian: set KNETSTAT_KERNEL_SOURCE to that kernel's source tree or tarball."
    hpkg=$(dpkg-query -S "$headers" 2>/dev/null | head -1 | cut -d: -f1 || true)
    [ -n "$hpkg" ] ||
        give_up "kernel $rel's headers ($headers) carry no Rust build artifacts and belong to no package: set KNETSTAT_KERNEL_SOURCE to that kernel's source."
    ver=$(dpkg-query -W -f='${Version}' "$hpkg")
    xy=$(echo "$rel" | sed -n 's/^\([0-9]*\.[0-9]*\).*/\1/p')
    spkg=linux-source-$xy
    sver=$(dpkg-query -W -f='${Version}' "$spkg" 2>/dev/null || true)
    [ "$sver" = "$ver" ] && [ -f "/usr/src/$spkg.tar.xz" ] ||
        give_up "kernel $rel's headers carry no Rust build artifacts, so knetstat rebuilds them from the kernel's source: apt-get install $spkg=$ver (installed: ${sver:-none}), or, where apt no longer has it, set KNETSTAT_KERNEL_SOURCE to that source's tarball or tree."
    src_in=/usr/src/$spkg.tar.xz
fi

# The new tree is made in $new, beside the one in use.
log=$top/prepare.log
if [ -d "$tree" ]; then
    say "kernel $rel: remaking its Rust build tree from $src_in, beside the one in $tree, which stays until the new one has passed its checks (a few minutes; log in $log)"
else
    say "kernel $rel: its headers have no Rust build artifacts; rebuilding them from $src_in (a few minutes, once; log in $log)"
fi
# The headers a tree was made from (the sweep above reads them): a first
# attempt's now, so that its remains go with those headers if it fails; a
# remake's only once its tree is in use.
[ -d "$tree" ] || echo "$headers" > "$top/headers"
src=$new/src
mkdir -p "$src"
if [ -d "$src_in" ]; then cp -a "$src_in/." "$src/" >"$log" 2>&1
else tar -xf "$src_in" -C "$src" --strip-components=1 >"$log" 2>&1; fi ||
    give_up "extracting $src_in failed: $(grep -m1 . "$log")."
cp "$kdir/.config" "$src/.config"
# syncconfig: olddefconfig, and include/config/auto.conf written as the
# build would (the form of the headers' own)
make -C "$src" "${make_args[@]}" KERNELRELEASE="$rel" syncconfig >>"$log" 2>&1 ||
    give_up "configuring $src_in with kernel $rel's .config failed: see $log ($(grep -m1 -E 'error:|\*\*\*' "$log" || tail -1 "$log"))."
# The same configuration, checked before the build (seconds, not minutes):
# the symbols that differ may only be ones Kconfig derives from the build
# machine, which do not reach a module's build.
# CONFIG_OPENSSL_SUPPORTS_ML_DSA: whether this machine's OpenSSL can sign
# with ML-DSA (certs/Kconfig); only sign-file uses it. CONFIG_CC_CAN_LINK:
# whether the compiler finds a libc to link programs against (init/Kconfig),
# for user-space programs only; a cross compiler without the target's libc
# says no. CONFIG_COMPAT_VDSO and CONFIG_THUMB2_COMPAT_VDSO (arm64): whether
# a 32-bit ARM compiler was at hand for the vDSO of 32-bit programs, which
# is part of the kernel image only (arch/arm64/kernel/vdso32). None of them
# is used by a header, by the rust/ crates, or by a module's build.
tolerated='^CONFIG_(OPENSSL_SUPPORTS_ML_DSA|CC_CAN_LINK|COMPAT_VDSO|THUMB2_COMPAT_VDSO)='
# (diff's status is 1 when they differ, which is not a failure here)
differ=$({ diff <(grep '^CONFIG_' "$conf" | grep -Ev "$tolerated" | sort) \
                <(grep '^CONFIG_' "$src/include/config/auto.conf" | grep -Ev "$tolerated" | sort) || true; } |
         sed -n 's/^[<>] \(CONFIG_[A-Za-z0-9_]*\)=.*/\1/p' | sort -u | tr '\n' ' ')
[ -z "$differ" ] ||
    give_up "the configuration rebuilt from $src_in differs from kernel $rel's in ${differ% }: that source is not the kernel's own."

# Without objtool and resolve_btfids (CONFIG_OBJTOOL= and
# CONFIG_DEBUG_INFO_BTF= on the command line: make's variables, not the
# configuration, which stays the kernel's): building them needs
# libelf-dev, which a backports kernel's newer libelf can make
# uninstallable, and the crates a module links against are the same
# without them. The symbol check below proves it.
make -C "$src" -j"$(nproc)" "${make_args[@]}" KERNELRELEASE="$rel" \
    CONFIG_OBJTOOL= CONFIG_DEBUG_INFO_BTF= modules_prepare >>"$log" 2>&1 ||
    give_up "rebuilding the Rust artifacts of kernel $rel failed: see $log ($(grep -m1 -E 'error:|\*\*\*' "$log" || tail -1 "$log"))."

# The rebuilt crates are the stock ones: every Rust symbol the kernel
# exports (Module.symvers) is defined by them. Crate hashes are part of
# each symbol's name, so a crate built differently defines other names.
missing=$(comm -23 <(awk '$2 ~ /^_R/ {print $2}' "$kdir/Module.symvers" | sort -u) \
                   <(nm --defined-only "$src"/rust/*.o | awk '{print $3}' | sort -u) | wc -l)
exports=$(awk '$2 ~ /^_R/' "$kdir/Module.symvers" | wc -l)
[ "$missing" = 0 ] ||
    give_up "the Rust crates rebuilt for kernel $rel do not match the kernel: $missing of its $exports Rust symbols are not defined by them (another rustc, source or configuration)."

# The tree: the headers tree, its links to package directories (scripts)
# made into copies so that files can be added, plus the rebuilt crates.
rsync -a --copy-unsafe-links "$headers/" "$new/build/"
# Its Makefile names the tree it is in (KBUILD_OUTPUT=...): the copy.
sed -i "s#^\(\(export \)\{0,1\}KBUILD_OUTPUT *= *\).*#\1$tree#" "$new/build/Makefile"
grep -q "KBUILD_OUTPUT *= *$tree\$" "$new/build/Makefile" ||
    give_up "$headers/Makefile does not name its tree in KBUILD_OUTPUT=, so knetstat cannot make a copy of it with the Rust artifacts added."
mkdir -p "$new/build/rust"
cp "$src"/rust/*.rmeta "$src"/rust/*.so "$new/build/rust/"
[ ! -f "$src/scripts/target.json" ] || cp "$src/scripts/target.json" "$new/build/scripts/"
printf 'key=%s\nrecipe=%s\n' "$key" "$RECIPE" >"$new/build/.knetstat-tree"
# Every check passed: the new tree replaces the old one. A run cut short
# between the two renames is finished by the next (at the top).
[ ! -d "$tree" ] || mv "$tree" "$top/build.old"
mv "$new/build" "$tree"
echo "$headers" > "$top/headers"
rm -rf "$top/build.old" "$new" "$top/key"
say "kernel $rel: Rust build tree ready in $tree ($exports Rust exports checked)"
echo "$tree"
