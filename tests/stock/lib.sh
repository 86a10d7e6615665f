# Sourced by tests/stock/*.sh and tests/kernel/*.sh.

# say, die: one line on stderr, prefixed with $me (the sourcing script's
# name for itself). step: run a step logged to $log; on failure show the end
# of the log.
say() { printf '%s: %s\n' "${me:-knetstat}" "$*" >&2; }
die() { say "$*"; exit 1; }
step() { "$@" >>"$log" 2>&1 || { tail -25 "$log" >&2; die "$1 failed (full log: $log)."; }; }

# check NAME COMMAND...: run COMMAND into $tmp/check.log, print 'ok   $me:
# NAME' or 'FAIL $me: NAME:' with the end of the log, and count it in
# $pass or $fail. A kernel report is shown from its start, which the end of
# the log would cut off: it is the one thing a failed run cannot show again.
check() {
    local name=$1; shift
    if "$@" >"$tmp/check.log" 2>&1; then echo "ok   $me: $name"; pass=$((pass + 1)); return; fi
    echo "FAIL $me: $name:"
    if grep -q '^vm: KERNEL REPORT' "$tmp/check.log"; then
        sed -n '/^vm: KERNEL REPORT/,$p' "$tmp/check.log" | head -70
    else tail -40 "$tmp/check.log"; fi
    fail=$((fail + 1))
}
finish() { echo "$me: $pass passed, $fail failed"; [ $fail = 0 ]; exit; }
# lap WHAT: the seconds since the last lap (or since this was sourced).
t=$SECONDS; lap() { echo "time $me: $1 $((SECONDS - t))s"; t=$SECONDS; }

# The Debian mirror the host's apt uses: the one serving its own codename.
mirror() {
    local c
    c=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
    { awk -v c="$c" 'BEGIN { RS = "" } {
          u = ""; s = ""; n = split($0, l, "\n")
          for (i = 1; i <= n; i++) { if (l[i] ~ /^URIs:/) u = l[i]; if (l[i] ~ /^Suites:/) s = l[i] }
          sub(/^URIs:[ \t]*/, "", u); split(u, a, /[ \t]+/)
          if ((" " s " ") ~ (" " c " ") && a[1] != "") print a[1] }' /etc/apt/sources.list.d/*.sources 2>/dev/null
      cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
          awk -v c="$c" '{ sub(/\[[^]]*\]/, "") } $1 == "deb" && $3 == c { print $2 }'
      echo http://deb.debian.org/debian; } | sed -n 1p
}

# in_root [--bind DIR]... ROOT COMMAND...: run COMMAND chrooted in ROOT, in a
# private mount namespace, so that its /proc, /sys and /dev mounts vanish
# with it whether it fails or not. Each DIR of the host is bound at its own
# path, so that paths mean the same inside and out.
in_root() {
    local binds=()
    while [ "$1" = --bind ]; do binds+=("$2"); shift 2; done
    local root=$1; shift
    cp -L /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
    unshare -m sh -c 'r=$1 n=$2; shift 2
        mount -t proc proc "$r/proc" && mount -t sysfs sys "$r/sys" && mount --rbind /dev "$r/dev" || exit 1
        while [ "$n" -gt 0 ]; do
            mkdir -p "$r$1" && mount --bind "$1" "$r$1" || exit 1; n=$((n - 1)); shift
        done
        exec chroot "$r" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
            LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"' sh "$root" ${#binds[@]} "${binds[@]}" "$@"
}

# apt_in ROOT ARGS: apt-get install ARGS (one string, split by sh) in ROOT,
# as an operator runs it: no recommends, no pty for dpkg (its lines would
# end in CR LF), no initramfs (see root.sh); its output on stdout and in
# ROOT/tmp/apt.log, its status apt's. The kernel hooks of Debian's images
# honour INITRD=No.
apt_in() {
    in_root "$1" sh -c "INITRD=No apt-get install -y -q -o Dpkg::Use-Pty=0 --no-install-recommends $2 \
        >/tmp/apt.log 2>&1; r=\$?; cat /tmp/apt.log; exit \$r"
}

# arm64_binfmt: let this machine run arm64 programs (mmdebstrap's
# maintainer scripts in an arm64 root, apt and dpkg there) through qemu-user-static:
# binfmt_misc mounted, and Debian's qemu-aarch64 entry registered, with its
# F flag (the interpreter is opened now, so it works inside a chroot too).
arm64_binfmt() {
    local b=/proc/sys/fs/binfmt_misc
    [ -e "$b/register" ] || mount -t binfmt_misc binfmt_misc "$b" || return 1
    [ -e "$b/qemu-aarch64" ] || cat /usr/lib/binfmt.d/qemu-aarch64.conf >"$b/register" || return 1
    grep -qx enabled "$b/qemu-aarch64"
}

# module_of MODULES_DIR NAME: the path of kernel module NAME as
# MODULES_DIR/modules.dep names it (relative to MODULES_DIR), or nothing
# where it is built in. Fails where the kernel has neither.
module_of() {
    grep -oE "^[^:]*/$2\.ko(\.[a-z]+)?:" "$1/modules.dep" 2>/dev/null | tr -d : | grep . ||
        grep -qE "/$2\.ko\$" "$1/modules.builtin" 2>/dev/null
}

# root_transport MODULES_DIR (ROOT/lib/modules/RELEASE): how tests/vm/run.sh
# gives that stock kernel its root. "9p" where the kernel has 9p (a module
# or built in): the root directory itself, shared. Else "blk" where it has
# virtio_blk: an ext4 image of the root on a virtio disk, as a cloud image
# boots (Debian's cloud flavour has no 9p). Fails where it has neither.
root_transport() {
    if module_of "$1" 9p >/dev/null; then echo 9p
    elif module_of "$1" virtio_blk >/dev/null; then echo blk
    else return 1; fi
}

# signed ROOT RELEASE: the knetstat module DKMS installed in ROOT for
# RELEASE is signed with DKMS's own key (made with openssl, which the
# package depends on), as kernels that enforce signatures under Secure Boot
# need; prints signer and key beside DKMS's certificate.
signed() {
    in_root "$1" sh -c "
        signer=\$(modinfo -F signer /lib/modules/$2/updates/dkms/knetstat.ko*) &&
        cn=\$(openssl x509 -in /var/lib/dkms/mok.pub -inform DER -noout -subject -nameopt multiline |
             sed -n 's/^ *commonName *= *//p') &&
        serial=\$(openssl x509 -in /var/lib/dkms/mok.pub -inform DER -noout -serial | sed 's/^serial=//') &&
        key=\$(modinfo -F sig_key /lib/modules/$2/updates/dkms/knetstat.ko* | tr -d ':') &&
        echo \"signer '\$signer', sig_key \$key; DKMS's certificate: '\$cn', serial \$serial\" &&
        [ -n \"\$signer\" ] && [ \"\$signer\" = \"\$cn\" ] && [ \"\$key\" = \"\$serial\" ]"
}
