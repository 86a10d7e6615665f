#!/usr/bin/env python3
"""knetstat VM tests of the extension items (SPEC.md "Extensions") and the
extra Diag flags: each item set with setsockopt() on a real socket, its
row compared with getsockopt() on that socket, byte for byte.

Run inside the test VM with the module loaded, alone or through
tests/vm/test_knetstat.py, which runs these too:
    make vm CMD='python3 tests/vm/test_extensions.py [test_name ...]'"""

import ctypes
import socket
import struct
import subprocess
import sys
import time

from knetstat_lib import Child, enter_netns, one, port, run_tests, sh, wait_for

SOL, IP, IP6, IPT, UDP = (socket.SOL_SOCKET, socket.IPPROTO_IP, socket.IPPROTO_IPV6,
                          socket.IPPROTO_TCP, socket.IPPROTO_UDP)
V4, V6 = socket.AF_INET, socket.AF_INET6
LO = {V4: "127.0.0.1", V6: "::1"}
TCPFILE = {V4: "tcpstat", V6: "tcp6stat"}
UDPFILE = {V4: "udpstat", V6: "udp6stat"}

DEFAULT_ESTB = "SO_REUSEADDR=0,SO_REUSEPORT=0,SO_KEEPALIVE=0,TCP_NODELAY=0,TCP_DEFER_ACCEPT=0"
DEFAULT_LSTN = ("SO_REUSEADDR=0,SO_REUSEPORT=0,SO_KEEPALIVE=0,TCP_NODELAY=0,"
                "TCP_FASTOPEN=0,TCP_DEFER_ACCEPT=0")
DEFAULT_UDP = "SO_REUSEADDR=0,SO_REUSEPORT=0,SO_BROADCAST=0"

# getsockopt() readers: how to turn what getsockopt returns into row text.
def as_int(s, level, opt):
    return str(s.getsockopt(level, opt))


def as_name(s, level, opt):
    return s.getsockopt(level, opt, 16).split(b"\0")[0].decode()


def as_u64(s, level, opt):
    return str(struct.unpack("Q", s.getsockopt(level, opt, 8))[0])


def as_in_addr(s, level, opt):
    return socket.inet_ntoa(s.getsockopt(level, opt, 4))


# Items every socket has: (name, level, option, value to set, reader).
# IP-level names depend on the family; v6 sockets take SOL_IP options too.
def common_items(family):
    v6 = family == V6
    return [
        ("SO_PRIORITY", SOL, socket.SO_PRIORITY, 5, as_int),
        ("SO_MARK", SOL, socket.SO_MARK, 0x2a, as_int),
        ("SO_BINDTODEVICE", SOL, socket.SO_BINDTODEVICE, b"lo", as_name),
        ("SO_RCVLOWAT", SOL, socket.SO_RCVLOWAT, 100, as_int),
        ("SO_BUSY_POLL", SOL, 46, 50, as_int),
        ("SO_MAX_PACING_RATE", SOL, 47, struct.pack("Q", 1000000), as_u64),
        ("SO_TIMESTAMP", SOL, 29, 1, as_int),
        ("SO_TIMESTAMPNS", SOL, 35, 1, as_int),
        ("SO_TIMESTAMP_NEW", SOL, 63, 1, as_int),
        ("SO_TIMESTAMPNS_NEW", SOL, 64, 1, as_int),
        ("SO_TIMESTAMPING", SOL, 37, 0x18, as_int),    # RX_SOFTWARE | SOFTWARE
        # IP_TOS also sets sk_priority from the TOS; 0x04 maps to priority
        # 0, so the item stays alone (test_ip_tos_sets_the_priority_too).
        ("IPV6_TCLASS", IP6, 67, 0x20, as_int) if v6 else ("IP_TOS", IP, 1, 0x04, as_int),
        ("IPV6_UNICAST_HOPS", IP6, 16, 44, as_int) if v6 else ("IP_TTL", IP, 2, 33, as_int),
        ("IP_TRANSPARENT", IP, 19, 1, as_int),
        ("IP_FREEBIND", IP, 15, 1, as_int),
        ("IP_BIND_ADDRESS_NO_PORT", IP, 24, 1, as_int),
    ]


TCP_ITEMS = [
    ("TCP_CONGESTION", IPT, 13, b"reno", as_name),
    ("TCP_CORK", IPT, 3, 1, as_int),
    ("TCP_NOTSENT_LOWAT", IPT, 25, 16384, as_int),
    ("TCP_SYNCNT", IPT, 7, 3, as_int),
    ("TCP_LINGER2", IPT, 8, 30, as_int),
    ("TCP_THIN_LINEAR_TIMEOUTS", IPT, 16, 1, as_int),
]


def udp_items(family):
    if family == V6:
        mc = [("IPV6_MULTICAST_HOPS", IP6, 18, 7, as_int),
              ("IPV6_MULTICAST_LOOP", IP6, 19, 0, as_int),
              ("IPV6_MULTICAST_IF", IP6, 17, socket.if_nametoindex("lo"), as_int),
              ("IPV6_MULTICAST_ALL", IP6, 29, 0, as_int)]
    else:
        mc = [("IP_MULTICAST_TTL", IP, 33, 5, as_int),
              ("IP_MULTICAST_LOOP", IP, 34, 0, as_int),
              ("IP_MULTICAST_IF", IP, 32, socket.inet_aton("127.0.0.1"), as_in_addr),
              ("IP_MULTICAST_ALL", IP, 49, 0, as_int)]
    return [
        ("UDP_CORK", UDP, 1, 1, as_int),
        ("UDP_SEGMENT", UDP, 103, 1400, as_int),
        ("UDP_GRO", UDP, 104, 1, as_int),
        ("UDP_ENCAP", UDP, 100, 3, as_int),            # UDP_ENCAP_L2TPINUDP
    ] + mc


def setopt(s, level, opt, value):
    s.setsockopt(level, opt, value)


def expect_one_item(row, default, name, value):
    """The row is the default row plus exactly this item, at the end."""
    want = "%s,%s=%s" % (default, name, value)
    assert row.options == want, "\n got %s\nwant %s" % (row.options, want)


def listener(family, items=()):
    s = socket.socket(family, socket.SOCK_STREAM)
    for _, level, opt, value, _ in items:
        setopt(s, level, opt, value)
    s.bind((LO[family], 0))
    s.listen(4)
    return s


def connected(family):
    lsn = listener(family)
    c = socket.socket(family, socket.SOCK_STREAM)
    c.connect((LO[family], port(lsn)))
    srv, _ = lsn.accept()
    return lsn, c, srv


def udp_sock(family):
    u = socket.socket(family, socket.SOCK_DGRAM)
    u.bind((LO[family], 0))
    return u


def test_each_common_and_tcp_item_on_listeners():
    for family in (V4, V6):
        for item in common_items(family) + TCP_ITEMS:
            name, level, opt, value, read = item
            s = listener(family, [item])
            r = one(TCPFILE[family], lport=port(s), state="LSTN")
            expect_one_item(r, DEFAULT_LSTN, name, read(s, level, opt))
            s.close()


def test_each_common_and_tcp_item_on_connections():
    for family in (V4, V6):
        for name, level, opt, value, read in common_items(family) + TCP_ITEMS:
            lsn, c, srv = connected(family)
            setopt(c, level, opt, value)
            r = one(TCPFILE[family], lport=port(c), state="ESTB")
            expect_one_item(r, DEFAULT_ESTB, name, read(c, level, opt))
            for x in (lsn, c, srv):
                x.close()


def test_each_common_and_udp_item():
    for family in (V4, V6):
        for name, level, opt, value, read in common_items(family) + udp_items(family):
            # Set after bind: with IP_BIND_ADDRESS_NO_PORT, bind() would
            # leave the port to connect() and the socket out of the table.
            u = udp_sock(family)
            setopt(u, level, opt, value)
            r = one(UDPFILE[family], lport=port(u))
            expect_one_item(r, DEFAULT_UDP, name, read(u, level, opt))
            u.close()


# The original items (SPEC.md): (level, option, value). Setting any of them,
# alone or all together, must add no extension item on any kernel: on 7.x,
# for one, SO_RCVBUF also sets TCP's window clamp (tcp_set_rcvbuf()).
ORIGINAL_NAMES = {"SO_REUSEADDR", "SO_REUSEPORT", "SO_KEEPALIVE", "TCP_KEEPIDLE",
                  "TCP_KEEPCNT", "TCP_KEEPINTVL", "TCP_USER_TIMEOUT", "SO_RCVBUF",
                  "SO_SNDBUF", "SO_RCVTIMEO", "SO_SNDTIMEO", "SO_LINGER", "TCP_NODELAY",
                  "TCP_FASTOPEN", "TCP_DEFER_ACCEPT", "SO_BROADCAST"}
TIMEVAL = struct.pack("ll", 2, 500000)
ORIGINAL_COMMON = [(SOL, socket.SO_REUSEADDR, 1), (SOL, socket.SO_REUSEPORT, 1),
                   (SOL, socket.SO_RCVBUF, 8192), (SOL, socket.SO_SNDBUF, 8192),
                   (SOL, socket.SO_RCVTIMEO, TIMEVAL), (SOL, socket.SO_SNDTIMEO, TIMEVAL),
                   (SOL, socket.SO_LINGER, struct.pack("ii", 1, 5))]
ORIGINAL_TCP = ORIGINAL_COMMON + [
    (SOL, socket.SO_KEEPALIVE, 1), (IPT, socket.TCP_KEEPIDLE, 60), (IPT, socket.TCP_KEEPCNT, 5),
    (IPT, socket.TCP_KEEPINTVL, 10), (IPT, 18, 3000), (IPT, socket.TCP_NODELAY, 1),   # 18: TCP_USER_TIMEOUT
    (IPT, socket.TCP_DEFER_ACCEPT, 2)]
ORIGINAL_LISTENER = ORIGINAL_TCP + [(IPT, 23, 5)]        # 23: TCP_FASTOPEN
ORIGINAL_UDP = ORIGINAL_COMMON + [(SOL, socket.SO_BROADCAST, 1)]


def one_at_a_time_and_all(opts):
    return [[o] for o in opts] + [opts]


def expect_only_original(row, opts):
    extra = set(row.opts) - ORIGINAL_NAMES
    assert not extra, "options %r added extension items %s: %s" % (opts, sorted(extra), row)


def test_original_options_add_no_extension_item():
    for family in (V4, V6):
        for opts in one_at_a_time_and_all(ORIGINAL_LISTENER):
            lsn = socket.socket(family, socket.SOCK_STREAM)
            for o in opts:
                setopt(lsn, *o)
            lsn.bind((LO[family], 0))
            lsn.listen(4)
            # The client sets them before connecting; the accepted socket
            # inherits the listener's.
            c = socket.socket(family, socket.SOCK_STREAM)
            for o in opts:
                if o[1] != 23:                       # TCP_FASTOPEN: listeners
                    setopt(c, *o)
            c.connect((LO[family], port(lsn)))
            c.send(b"x")                             # TCP_DEFER_ACCEPT waits for data
            srv, _ = lsn.accept()
            expect_only_original(one(TCPFILE[family], lport=port(lsn), state="LSTN"), opts)
            expect_only_original(one(TCPFILE[family], lport=port(c), state="ESTB"), opts)
            expect_only_original(one(TCPFILE[family], lport=port(lsn), rport=port(c)), opts)
            for x in (srv, c, lsn):
                x.setsockopt(SOL, socket.SO_LINGER, struct.pack("ii", 0, 0))
                x.close()
        for opts in one_at_a_time_and_all(ORIGINAL_TCP):
            lsn, c, srv = connected(family)          # set on a connection
            for o in opts:
                setopt(c, *o)
            expect_only_original(one(TCPFILE[family], lport=port(c), state="ESTB"), opts)
            for x in (lsn, c, srv):
                x.close()
        for opts in one_at_a_time_and_all(ORIGINAL_UDP):
            u = udp_sock(family)
            for o in opts:
                setopt(u, *o)
            expect_only_original(one(UDPFILE[family], lport=port(u)), opts)
            u.connect((LO[family], 9))               # and once connected
            expect_only_original(one(UDPFILE[family], lport=port(u)), opts)
            u.close()


def test_window_clamp_set_with_rcvbuf():
    """SO_RCVBUF's clamp (7.x) is not shown; one the application sets is."""
    for family in (V4, V6):
        for order in ("rcvbuf first", "clamp first"):
            s = socket.socket(family, socket.SOCK_STREAM)
            if order == "rcvbuf first":
                s.setsockopt(SOL, socket.SO_RCVBUF, 8192)
            s.setsockopt(IPT, socket.TCP_WINDOW_CLAMP, 5000)
            if order == "clamp first":
                s.setsockopt(SOL, socket.SO_RCVBUF, 8192)
            s.bind((LO[family], 0))
            s.listen(4)
            r = one(TCPFILE[family], lport=port(s), state="LSTN")
            clamp = s.getsockopt(IPT, socket.TCP_WINDOW_CLAMP)
            # Set last, SO_RCVBUF replaces the clamp on 7.x (not on 6.12):
            # then it is SO_RCVBUF's and not shown.
            if clamp == 5000:
                assert r.opts.get("TCP_WINDOW_CLAMP") == "5000", (order, r)
            else:
                assert order == "clamp first" and "TCP_WINDOW_CLAMP" not in r.opts, (order, clamp, r)
            s.close()


def test_ip_tos_sets_the_priority_too():
    # setsockopt(IP_TOS) sets sk_priority from the TOS (rt_tos2priority):
    # both items, as getsockopt() returns them.
    u = socket.socket(V4, socket.SOCK_DGRAM)
    u.setsockopt(IP, 1, 0x10)                       # IPTOS_LOWDELAY
    u.bind(("127.0.0.1", 0))
    prio = u.getsockopt(SOL, socket.SO_PRIORITY)
    assert prio == 6, prio                          # TC_PRIO_INTERACTIVE
    r = one("udpstat", lport=port(u))
    assert r.options == DEFAULT_UDP + ",SO_PRIORITY=6,IP_TOS=16", r


def test_linger2_off_and_sysctl_default():
    for value, want in ((-1, "-1"), (0, None), (7, "7")):
        s = listener(V4, [("", IPT, 8, value, None)])
        r = one("tcpstat", lport=port(s), state="LSTN")
        got = s.getsockopt(IPT, 8)
        if want is None:
            assert r.options == DEFAULT_LSTN, r      # 0: the sysctl, a default
        else:
            assert str(got) == want, got
            expect_one_item(r, DEFAULT_LSTN, "TCP_LINGER2", want)
        s.close()


def test_maxseg_is_the_users_value():
    # A listener's getsockopt returns the value set; a connection's, the
    # MSS in use, which the user's value caps.
    s = listener(V4, [("", IPT, 2, 1000, None)])
    r = one("tcpstat", lport=port(s), state="LSTN")
    expect_one_item(r, DEFAULT_LSTN, "TCP_MAXSEG", s.getsockopt(IPT, 2))
    c = socket.socket(V4, socket.SOCK_STREAM)
    c.setsockopt(IPT, 2, 1000)
    lsn = listener(V4)
    c.connect(("127.0.0.1", port(lsn)))
    r = one("tcpstat", lport=port(c), state="ESTB")
    expect_one_item(r, DEFAULT_ESTB, "TCP_MAXSEG", "1000")
    assert 0 < c.getsockopt(IPT, 2) <= 1000, c.getsockopt(IPT, 2)


def test_window_clamp_only_on_listeners():
    s = listener(V4, [("", IPT, 10, 20000, None)])
    r = one("tcpstat", lport=port(s), state="LSTN")
    expect_one_item(r, DEFAULT_LSTN, "TCP_WINDOW_CLAMP", s.getsockopt(IPT, 10))
    # On a connection the kernel tunes the clamp itself: never printed.
    lsn, c, srv = connected(V4)
    c.setsockopt(IPT, 10, 20000)
    assert one("tcpstat", lport=port(c), state="ESTB").options == DEFAULT_ESTB


def test_ulp_tls_on_a_connection():
    lsn, c, srv = connected(V4)
    c.setsockopt(IPT, 31, b"tls")
    r = one("tcpstat", lport=port(c), state="ESTB")
    expect_one_item(r, DEFAULT_ESTB, "TCP_ULP", as_name(c, IPT, 31))
    assert as_name(c, IPT, 31) == "tls"


def test_socket_filter_attached_and_detached():
    # Classic BPF, one instruction: "ret #-1" (accept everything).
    insn = (ctypes.c_ubyte * 8).from_buffer_copy(struct.pack("HBBI", 0x06, 0, 0, 0xffffffff))
    fprog = struct.pack("HL", 1, ctypes.addressof(insn))
    u = udp_sock(V4)
    u.setsockopt(SOL, 26, fprog)                     # SO_ATTACH_FILTER
    assert u.getsockopt(SOL, 26, 64)                 # SO_GET_FILTER: it is there
    expect_one_item(one("udpstat", lport=port(u)), DEFAULT_UDP, "SO_ATTACH_FILTER", "1")
    u.setsockopt(SOL, 27, 0)                         # SO_DETACH_FILTER
    assert one("udpstat", lport=port(u)).options == DEFAULT_UDP


def test_incoming_cpu_only_where_it_is_the_users():
    s = listener(V4, [("", SOL, socket.SO_INCOMING_CPU, 0, None)])
    expect_one_item(one("tcpstat", lport=port(s), state="LSTN"), DEFAULT_LSTN,
                    "SO_INCOMING_CPU", as_int(s, SOL, socket.SO_INCOMING_CPU))
    u = udp_sock(V6)
    u.setsockopt(SOL, socket.SO_INCOMING_CPU, 0)
    expect_one_item(one("udp6stat", lport=port(u)), DEFAULT_UDP, "SO_INCOMING_CPU", "0")
    # On a connection the kernel overwrites it with each packet's CPU.
    lsn, c, srv = connected(V4)
    c.send(b"x")
    srv.recv(1)
    assert srv.getsockopt(SOL, socket.SO_INCOMING_CPU) >= 0    # set by the kernel
    assert one("tcpstat", lport=port(srv), rport=port(c)).options == DEFAULT_ESTB


def test_v6only_on_wildcard_sockets_only():
    s = socket.socket(V6, socket.SOCK_STREAM)
    s.setsockopt(IP6, socket.IPV6_V6ONLY, 1)
    s.bind(("::", 0))
    s.listen(1)
    expect_one_item(one("tcp6stat", lport=port(s), state="LSTN"), DEFAULT_LSTN,
                    "IPV6_V6ONLY", as_int(s, IP6, socket.IPV6_V6ONLY))
    # Bound to ::1, the kernel sets V6ONLY itself: not the application's.
    t = listener(V6)
    assert t.getsockopt(IP6, socket.IPV6_V6ONLY) == 1
    assert one("tcp6stat", lport=port(t), state="LSTN").options == DEFAULT_LSTN
    u = socket.socket(V6, socket.SOCK_DGRAM)
    u.setsockopt(IP6, socket.IPV6_V6ONLY, 1)
    u.bind(("::", 0))
    expect_one_item(one("udp6stat", lport=port(u)), DEFAULT_UDP, "IPV6_V6ONLY", "1")


def test_device_names_are_escaped():
    # Interface names may hold ',' and '=': escaped, the column stays parsable.
    sh("ip link add 'v,e=th' type veth peer name knetstat-p && ip link set 'v,e=th' up")
    try:
        u = socket.socket(V4, socket.SOCK_DGRAM)
        u.setsockopt(SOL, socket.SO_BINDTODEVICE, b"v,e=th")
        u.bind(("0.0.0.0", 0))
        assert as_name(u, SOL, socket.SO_BINDTODEVICE) == "v,e=th"
        r = one("udpstat", lport=port(u))
        expect_one_item(r, DEFAULT_UDP, "SO_BINDTODEVICE", r"v\054e\075th")
        u.close()
    finally:
        subprocess.run(["ip", "link", "del", "v,e=th"])


def test_all_items_at_once_keep_the_order():
    items = [i for i in common_items(V6) + TCP_ITEMS]
    s = listener(V6, items + [("", IPT, 2, 1200, None), ("", IPT, 10, 30000, None)])
    r = one("tcp6stat", lport=port(s), state="LSTN")
    names = [kv.split("=")[0] for kv in r.options.split(",")]
    order = ["SO_REUSEADDR", "SO_REUSEPORT", "SO_KEEPALIVE", "TCP_NODELAY", "TCP_FASTOPEN",
             "TCP_DEFER_ACCEPT", "SO_PRIORITY", "SO_MARK", "SO_BINDTODEVICE", "SO_RCVLOWAT",
             "SO_BUSY_POLL", "SO_MAX_PACING_RATE", "SO_TIMESTAMPNS", "SO_TIMESTAMPING",
             "IPV6_TCLASS", "IPV6_UNICAST_HOPS", "IP_TRANSPARENT", "IP_FREEBIND",
             "IP_BIND_ADDRESS_NO_PORT", "TCP_CONGESTION", "TCP_MAXSEG", "TCP_CORK",
             "TCP_NOTSENT_LOWAT", "TCP_WINDOW_CLAMP", "TCP_SYNCNT", "TCP_LINGER2",
             "TCP_THIN_LINEAR_TIMEOUTS"]
    # The four timestamp options overwrite each other, and SO_TIMESTAMPING
    # (the old one) clears SOCK_TSTAMP_NEW: SO_TIMESTAMPNS_NEW, set last,
    # reads back as SO_TIMESTAMPNS, in the row as from getsockopt().
    assert names == order, names
    for name, level, opt, _, read in items:
        if name in names:
            assert r.opts[name] == read(s, level, opt), (name, r.opts[name])


# --- Diag flags beyond the original --------------------------------------------

def in_lossy_netns(name, prog, route_opts=""):
    """Run prog (Python) in a new namespace whose loopback drops every
    packet once the prog says 'drop' (it prints lines; the first is
    returned). route_opts are added to the route to 127.0.0.1."""
    sh("ip netns add %s && ip -n %s link set lo up" % (name, name))
    if route_opts:
        sh("ip -n %s route change table local local 127.0.0.1 dev lo proto kernel "
           "scope host src 127.0.0.1 %s" % (name, route_opts))
    return Child(PROLOGUE + prog, lambda: enter_netns(name))


PROLOGUE = r'''
import socket, struct, subprocess, sys, time
# tc is started now, and known to be running (it answers a first command),
# before the connection exchanges its last ACK: starting a process in the
# VM can take longer than the one second the >R window lasts.
TC = subprocess.Popen(["stdbuf", "-oL", "tc", "-batch", "-"], stdin=subprocess.PIPE,
                      stdout=subprocess.PIPE, text=True)
TC.stdin.write("qdisc show dev lo\n"); TC.stdin.flush()
assert TC.stdout.readline().startswith("qdisc")
def pair():
    l = socket.socket(); l.bind(("127.0.0.1", 0)); l.listen(1)
    c = socket.socket(); c.connect(l.getsockname()); s, _ = l.accept()
    c.send(b"ping"); s.recv(4); s.send(b"pong"); c.recv(4)   # a fresh ACK each way
    global LAST_ACK
    LAST_ACK = time.time()
    return l, c, s
def drop():
    TC.stdin.write("qdisc add dev lo root netem loss 100%\n")
    TC.stdin.close()
    assert TC.wait() == 0
def tcp_info(s):
    # struct tcp_info: state, ca_state, retransmits, probes, backoff, ...
    return struct.unpack("BBBBB", s.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 8)[:5])
def diag_of(port):
    for line in open("/proc/self/net/tcpstat").read().split("\n")[1:]:
        f = line.split()
        if len(f) > 4 and f[2].endswith(":%d" % port) and f[4] == "ESTB":
            return line[14 + 24 + 24 + 5:14 + 24 + 24 + 9].strip()
def watch(port, flag, sock, seconds):
    """Poll the row until it shows flag; print the flag and tcp_info."""
    end = time.time() + seconds
    first = time.time() - LAST_ACK
    seen = []
    while time.time() < end:
        d = diag_of(port)
        seen.append(d)
        if d == flag:
            print(flag, *tcp_info(sock)); sys.stdout.flush(); return
        time.sleep(0.01)
    print("never: first look %.2fs after the last ACK, saw %s"
          % (first, "".join(d or "-" for d in seen)[:200])); sys.stdout.flush()
'''


def run_diag_case(name, prog, flag, route_opts=""):
    p = in_lossy_netns(name, prog, route_opts)
    try:
        out = p.stdout.readline().split()
        p.wait(timeout=60)
    finally:
        p.kill()
        subprocess.run(["ip", "netns", "del", name])
    assert out and out[0] == flag, "expected %s, got %s" % (flag, " ".join(out))
    return [int(x) for x in out[1:]]


def test_diag_retransmitting():
    # RTO of a few ms (rto_min on the route): retransmissions start well
    # within the second after the last ACK, before >#.
    prog = r'''
l, c, s = pair(); drop(); c.send(b"data")
watch(c.getsockname()[1], ">R", c, 5)
'''
    state, ca_state, retransmits, probes, backoff = run_diag_case(
        "knetstat-rto", prog, ">R", "rto_min 5ms")
    assert retransmits > 0, retransmits            # tcp_info agrees


def test_diag_window_probing():
    # The peer's window (set to 100 bytes through TCP_REPAIR_WINDOW) is
    # smaller than the next segment: nothing can be sent, and the zero
    # window probe timer runs though the window is not 0. rto_min 3s keeps
    # the first probe (which sends what fits) away while we look.
    prog = r'''
l, c, s = pair(); drop()
c.setsockopt(socket.IPPROTO_TCP, 19, 1)                       # TCP_REPAIR on
w = list(struct.unpack("5I", c.getsockopt(socket.IPPROTO_TCP, 29, 20)))
w[1] = 100                                                    # snd_wnd
c.setsockopt(socket.IPPROTO_TCP, 29, struct.pack("5I", *w))   # TCP_REPAIR_WINDOW
c.setsockopt(socket.IPPROTO_TCP, 19, 0)                       # TCP_REPAIR off
c.send(b"x" * 5000)
watch(c.getsockname()[1], ">P", c, 3)
'''
    run_diag_case("knetstat-probe", prog, ">P", "rto_min 3s")


def test_diag_keepalive_unanswered():
    prog = r'''
l, c, s = pair()
for opt, val in ((socket.TCP_KEEPIDLE, 1), (socket.TCP_KEEPINTVL, 1), (socket.TCP_KEEPCNT, 9)):
    c.setsockopt(socket.IPPROTO_TCP, opt, val)
c.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
drop()
watch(c.getsockname()[1], ">K", c, 8)
'''
    state, ca_state, retransmits, probes, backoff = run_diag_case(
        "knetstat-keepalive", prog, ">K")
    assert probes > 0, probes                      # tcp_info agrees


TESTS = [
    test_each_common_and_tcp_item_on_listeners,
    test_each_common_and_tcp_item_on_connections,
    test_each_common_and_udp_item,
    test_ip_tos_sets_the_priority_too,
    test_linger2_off_and_sysctl_default,
    test_maxseg_is_the_users_value,
    test_window_clamp_only_on_listeners,
    test_original_options_add_no_extension_item,
    test_window_clamp_set_with_rcvbuf,
    test_ulp_tls_on_a_connection,
    test_socket_filter_attached_and_detached,
    test_incoming_cpu_only_where_it_is_the_users,
    test_v6only_on_wildcard_sockets_only,
    test_device_names_are_escaped,
    test_all_items_at_once_keep_the_order,
    test_diag_retransmitting,
    test_diag_window_probing,
    test_diag_keepalive_unanswered,
]

if __name__ == "__main__":
    run_tests(TESTS)
