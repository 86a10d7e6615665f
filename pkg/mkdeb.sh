#!/usr/bin/env bash
# Build knetstat-dkms_<version>_all.deb: the source in /usr/src for DKMS,
# which builds and installs the module for every installed kernel with a
# Rust-enabled build tree (dpkg -i), and removes it again (dpkg -r).
# Debian 12's dkms no longer has `dkms mkdeb`; this is what dh_dkms would
# produce, without needing debhelper.
#
#   pkg/mkdeb.sh OUTDIR        prints the path of the .deb
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
outdir=${1:?output directory}
ver=$(make -s -C "$top" --no-print-directory print-version)
stage=$(mktemp -d); chmod 0755 "$stage"; trap 'rm -rf "$stage"' EXIT

src=$stage/usr/src/knetstat-$ver
install -d "$src/tests" "$stage/DEBIAN" "$stage/usr/share/man/man4" \
    "$stage/usr/share/doc/knetstat-dkms"
for f in $(make -s -C "$top" --no-print-directory print-sources); do
    install -m 0644 "$top/$f" "$src/$f"
done
chmod 0755 "$src/tests/kdir-check.sh"
gzip -9n < "$top/knetstat.4" > "$stage/usr/share/man/man4/knetstat.4.gz"
install -m 0644 "$top/LICENSE" "$stage/usr/share/doc/knetstat-dkms/copyright"

cat > "$stage/DEBIAN/control" <<CTL
Package: knetstat-dkms
Version: $ver
Architecture: all
Maintainer: knetstat developers <knetstat@localhost>
Depends: dkms (>= 2.1.0.0), make
Section: kernel
Priority: optional
Description: socket options of TCP and UDP sockets in /proc/net (DKMS source)
 knetstat adds /proc/net/tcpstat, tcp6stat, udpstat and udp6stat: netstat-like
 rows with the socket options and a diagnostic flag of every socket. The
 module is written in Rust: the kernel needs CONFIG_RUST=y, its build tree,
 and the same rustc that built it.
CTL
# The maintainer scripts dh_dkms generates, reduced to what they do.
cat > "$stage/DEBIAN/postinst" <<SH
#!/bin/sh
set -e
if [ "\$1" = configure ]; then
    /usr/lib/dkms/common.postinst knetstat $ver /usr/share/knetstat-dkms "" "\$2"
fi
SH
cat > "$stage/DEBIAN/prerm" <<SH
#!/bin/sh
set -e
case "\$1" in
    remove|upgrade|deconfigure)
        if dkms status -m knetstat -v $ver | grep -q .; then
            dkms remove -m knetstat -v $ver --all
        fi ;;
esac
SH
chmod 0755 "$stage/DEBIAN/postinst" "$stage/DEBIAN/prerm"

deb=$outdir/knetstat-dkms_${ver}_all.deb
mkdir -p "$outdir"
dpkg-deb --root-owner-group -Zxz --build "$stage" "$deb" >/dev/null
echo "$deb"
