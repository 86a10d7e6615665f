#!/usr/bin/env python3
"""The main job: open a few sample sockets, then print the four files.

Run inside the test VM by `make demo` (or on a host with knetstat loaded)."""

import socket
import struct

SOL, IPT = socket.SOL_SOCKET, socket.IPPROTO_TCP
keep = []

# A listener with options set, and an established pair to it (IPv4).
lsn = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
lsn.setsockopt(SOL, socket.SO_REUSEADDR, 1)
lsn.setsockopt(SOL, socket.SO_RCVBUF, 65536)
lsn.setsockopt(IPT, socket.TCP_DEFER_ACCEPT, 5)
lsn.setsockopt(IPT, 23, 16)                      # TCP_FASTOPEN
lsn.bind(("127.0.0.1", 8080))
lsn.listen(16)
cli = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
cli.setsockopt(SOL, socket.SO_KEEPALIVE, 1)
cli.setsockopt(IPT, socket.TCP_KEEPIDLE, 60)
cli.setsockopt(IPT, socket.TCP_NODELAY, 1)
cli.connect(("127.0.0.1", 8080))
cli.send(b"hello")
srv, _ = lsn.accept()
keep += [lsn, cli, srv]

# The same over IPv6, with a linger and a user timeout.
lsn6 = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
lsn6.bind(("::1", 8443))
lsn6.listen(16)
cli6 = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
cli6.setsockopt(SOL, socket.SO_LINGER, struct.pack("ii", 1, 10))
cli6.setsockopt(IPT, 18, 30000)                  # TCP_USER_TIMEOUT
# knetstat's own items: a traffic class and a firewall mark.
cli6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_TCLASS, 0x20)
cli6.setsockopt(SOL, 36, 7)                      # SO_MARK
cli6.connect(("::1", 8443))
srv6, _ = lsn6.accept()
keep += [lsn6, cli6, srv6]

# UDP: a broadcast socket and an IPv6 one with a receive timeout.
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.setsockopt(SOL, socket.SO_BROADCAST, 1)
u.bind(("0.0.0.0", 5353))
u6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
u6.setsockopt(SOL, socket.SO_RCVTIMEO, struct.pack("ll", 2, 500000))
u6.bind(("::", 5300))
u.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 4)
keep += [u, u6]

# A connection closed by the client: its end stays in TIME_WAIT.
tw = socket.create_connection(("127.0.0.1", 8080))
tw.send(b"bye")                                  # the listener defers accept
tws, _ = lsn.accept()
tws.recv(3)                                      # unread data would make close() reset
tw.close()
tws.close()

for name in ("tcpstat", "tcp6stat", "udpstat", "udp6stat"):
    print("$ cat /proc/net/" + name)
    with open("/proc/net/" + name) as f:
        print(f.read(), end="")
    print()
