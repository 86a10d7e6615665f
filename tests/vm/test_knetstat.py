#!/usr/bin/env python3
"""knetstat VM tests: real sockets, then the four files, checked against
getsockopt() and against the kernel's own /proc/net files.

Run inside the test VM with the module loaded: make vm-test (or
make vm CMD='python3 tests/vm/test_knetstat.py [test_name ...]'). The tests
of the extension items (test_extensions.py) and of the README's
one-liners (test_readme.py) run here too."""

import os
import resource
import socket
import struct
import subprocess
import time

import test_extensions
import test_readme
import test_visibility
from knetstat_lib import (TCP_FASTOPEN, TCP_USER_TIMEOUT, Child, enter_netns, fill, find, kernel_rows,
                          ms_of_timeval, new_netns, one, output_of, port, read_file, read_to_end, rows,
                          run_tests, sh, sockets_of_each_kind, tcp_pair, wait_for, zero_window_pair)

SOL, IPT = socket.SOL_SOCKET, socket.IPPROTO_TCP
HZ_SENSITIVE_TIMEO = struct.pack("ll", 0, 123456)   # 31 jiffies at HZ=250


def check_common(row, s):
    """Items shared by TCP and UDP rows, against getsockopt() on s."""
    assert row.opts["SO_REUSEADDR"] == str(s.getsockopt(SOL, socket.SO_REUSEADDR)), row
    assert row.opts["SO_REUSEPORT"] == str(s.getsockopt(SOL, socket.SO_REUSEPORT)), row
    rcvbuf = s.getsockopt(SOL, socket.SO_RCVBUF)
    sndbuf = s.getsockopt(SOL, socket.SO_SNDBUF)
    if "SO_RCVBUF" in row.opts:
        assert int(row.opts["SO_RCVBUF"]) == rcvbuf // 2, (row, rcvbuf)
    if "SO_SNDBUF" in row.opts:
        assert int(row.opts["SO_SNDBUF"]) == sndbuf // 2, (row, sndbuf)
    for name, opt in (("SO_RCVTIMEO", socket.SO_RCVTIMEO), ("SO_SNDTIMEO", socket.SO_SNDTIMEO)):
        ms = ms_of_timeval(s.getsockopt(SOL, opt, 16))
        if ms:
            assert row.opts[name] == "%dms" % ms, (row, name, ms)
        else:
            assert name not in row.opts, row
    onoff, linger = struct.unpack("ii", s.getsockopt(SOL, socket.SO_LINGER, 8))
    if onoff:
        assert row.opts["SO_LINGER"] == "%ds" % linger, row
    else:
        assert "SO_LINGER" not in row.opts, row


def check_tcp(row, s, listener=False):
    """Every TCP item of the row against getsockopt() on s, and the order."""
    check_common(row, s)
    assert row.opts["SO_KEEPALIVE"] == str(s.getsockopt(SOL, socket.SO_KEEPALIVE)), row
    assert row.opts["TCP_NODELAY"] == str(s.getsockopt(IPT, socket.TCP_NODELAY)), row
    assert row.opts["TCP_DEFER_ACCEPT"] == str(s.getsockopt(IPT, socket.TCP_DEFER_ACCEPT)), row
    for name, opt in (("TCP_KEEPIDLE", socket.TCP_KEEPIDLE), ("TCP_KEEPCNT", socket.TCP_KEEPCNT),
                      ("TCP_KEEPINTVL", socket.TCP_KEEPINTVL)):
        if name in row.opts:
            assert row.opts[name] == str(s.getsockopt(IPT, opt)), (row, name)
    ut = s.getsockopt(IPT, TCP_USER_TIMEOUT)
    assert row.opts.get("TCP_USER_TIMEOUT") == (str(ut) if ut else None), (row, ut)
    if listener:
        assert row.opts["TCP_FASTOPEN"] == str(s.getsockopt(IPT, TCP_FASTOPEN)), row
    else:
        assert "TCP_FASTOPEN" not in row.opts, row
    order = ["SO_REUSEADDR", "SO_REUSEPORT", "SO_KEEPALIVE", "TCP_KEEPIDLE", "TCP_KEEPCNT",
             "TCP_KEEPINTVL", "TCP_USER_TIMEOUT", "SO_RCVBUF", "SO_SNDBUF", "SO_RCVTIMEO",
             "SO_SNDTIMEO", "SO_LINGER", "TCP_NODELAY", "TCP_FASTOPEN", "TCP_DEFER_ACCEPT"]
    names = [kv.split("=")[0] for kv in row.options.split(",")]
    assert names == [n for n in order if n in names], names


def test_headers_and_mode():
    for name in ("tcpstat", "tcp6stat", "udpstat", "udp6stat"):
        rows(name)                       # checks the header and every row's layout
        st = os.stat("/proc/net/" + name)
        assert st.st_mode & 0o777 == 0o444, oct(st.st_mode)


def test_default_rows_match_original():
    lsn, cli, srv = tcp_pair()
    r = one("tcpstat", lport=port(lsn), state="LSTN")
    assert r.options == ("SO_REUSEADDR=0,SO_REUSEPORT=0,SO_KEEPALIVE=0,TCP_NODELAY=0,"
                         "TCP_FASTOPEN=0,TCP_DEFER_ACCEPT=0"), r
    assert r.remote == "0.0.0.0:*" and r.diag == "" and (r.rx, r.tx) == (0, 0), r
    r = one("tcpstat", lport=port(cli), state="ESTB")
    assert r.options == "SO_REUSEADDR=0,SO_REUSEPORT=0,SO_KEEPALIVE=0,TCP_NODELAY=0,TCP_DEFER_ACCEPT=0", r
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.bind(("127.0.0.1", 0))
    r = one("udpstat", lport=port(u))
    assert r.options == "SO_REUSEADDR=0,SO_REUSEPORT=0,SO_BROADCAST=0", r
    assert r.local == "127.0.0.1:%d" % port(u) and r.remote == "0.0.0.0:*", r


def tcp_all_options(s):
    s.setsockopt(SOL, socket.SO_REUSEADDR, 1)
    s.setsockopt(SOL, socket.SO_REUSEPORT, 1)
    s.setsockopt(SOL, socket.SO_KEEPALIVE, 1)
    s.setsockopt(IPT, socket.TCP_KEEPIDLE, 77)
    s.setsockopt(IPT, socket.TCP_KEEPCNT, 5)
    s.setsockopt(IPT, socket.TCP_KEEPINTVL, 13)
    s.setsockopt(IPT, TCP_USER_TIMEOUT, 12345)
    s.setsockopt(SOL, socket.SO_RCVBUF, 65536)
    s.setsockopt(SOL, socket.SO_SNDBUF, 32768)
    s.setsockopt(SOL, socket.SO_RCVTIMEO, struct.pack("ll", 1, 500000))
    s.setsockopt(SOL, socket.SO_SNDTIMEO, HZ_SENSITIVE_TIMEO)
    s.setsockopt(SOL, socket.SO_LINGER, struct.pack("ii", 1, 7))
    s.setsockopt(IPT, socket.TCP_NODELAY, 1)


def test_tcp_options_listener_v4_v6():
    for family, addr, fname in ((socket.AF_INET, "127.0.0.1", "tcpstat"),
                                (socket.AF_INET6, "::1", "tcp6stat")):
        s = socket.socket(family, socket.SOCK_STREAM)
        tcp_all_options(s)
        s.setsockopt(IPT, socket.TCP_DEFER_ACCEPT, 10)
        s.setsockopt(IPT, TCP_FASTOPEN, 5)
        s.bind((addr, 0))
        s.listen(8)
        r = one(fname, lport=port(s), state="LSTN")
        check_tcp(r, s, listener=True)
        # Exact values, so a getsockopt() disagreement cannot hide a unit bug.
        assert r.options == ("SO_REUSEADDR=1,SO_REUSEPORT=1,SO_KEEPALIVE=1,TCP_KEEPIDLE=77,"
                             "TCP_KEEPCNT=5,TCP_KEEPINTVL=13,TCP_USER_TIMEOUT=12345,"
                             "SO_RCVBUF=65536,SO_SNDBUF=32768,SO_RCVTIMEO=1500ms,"
                             "SO_SNDTIMEO=124ms,SO_LINGER=7s,TCP_NODELAY=1,TCP_FASTOPEN=5,"
                             "TCP_DEFER_ACCEPT=15"), r
        s.close()


def test_tcp_options_established_v4_v6():
    for family, addr, fname in ((socket.AF_INET, "127.0.0.1", "tcpstat"),
                                (socket.AF_INET6, "::1", "tcp6stat")):
        lsn, cli, srv = tcp_pair(family, addr)
        tcp_all_options(cli)
        srv.setsockopt(IPT, socket.TCP_NODELAY, 1)
        rc = one(fname, lport=port(cli), state="ESTB")
        check_tcp(rc, cli)
        rs = one(fname, lport=port(srv), rport=port(cli), state="ESTB")
        check_tcp(rs, srv)
        assert rs.opts["TCP_NODELAY"] == "1" and rs.opts["SO_KEEPALIVE"] == "0", rs
        assert rc.local == "%s:%d" % (addr, port(cli)), rc
        assert rc.remote == "%s:%d" % (addr, port(lsn)), rc


def test_tcp_v4_mapped_and_long_address():
    lsn = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    lsn.bind(("::", 0))
    lsn.listen(4)
    cli = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    cli.connect(("127.0.0.1", port(lsn)))
    srv, _ = lsn.accept()
    r = one("tcp6stat", lport=port(lsn), rport=port(cli))
    assert r.local == "::ffff:127.0.0.1:%d" % port(lsn), r
    assert r.remote == "::ffff:127.0.0.1:%d" % port(cli), r
    assert one("tcp6stat", lport=port(lsn), state="LSTN").local == ":::%d" % port(lsn)


def test_udp_options_v4_v6():
    for family, addr, fname in ((socket.AF_INET, "127.0.0.1", "udpstat"),
                                (socket.AF_INET6, "::1", "udp6stat")):
        u = socket.socket(family, socket.SOCK_DGRAM)
        u.setsockopt(SOL, socket.SO_REUSEADDR, 1)
        u.setsockopt(SOL, socket.SO_REUSEPORT, 1)
        u.setsockopt(SOL, socket.SO_RCVBUF, 20000)
        u.setsockopt(SOL, socket.SO_SNDBUF, 30000)
        u.setsockopt(SOL, socket.SO_RCVTIMEO, struct.pack("ll", 2, 0))
        u.setsockopt(SOL, socket.SO_SNDTIMEO, HZ_SENSITIVE_TIMEO)
        u.setsockopt(SOL, socket.SO_LINGER, struct.pack("ii", 1, 3))
        u.setsockopt(SOL, socket.SO_BROADCAST, 1)
        u.bind((addr, 0))
        peer = socket.socket(family, socket.SOCK_DGRAM)
        peer.bind((addr, 0))
        u.connect((addr, port(peer)))
        peer.sendto(b"x" * 100, (addr, port(u)))
        time.sleep(0.1)
        r = one(fname, lport=port(u))
        check_common(r, u)
        assert r.opts["SO_BROADCAST"] == str(u.getsockopt(SOL, socket.SO_BROADCAST)), r
        assert r.options == ("SO_REUSEADDR=1,SO_REUSEPORT=1,SO_RCVBUF=20000,SO_SNDBUF=30000,"
                             "SO_RCVTIMEO=2000ms,SO_SNDTIMEO=124ms,SO_LINGER=3s,SO_BROADCAST=1"), r
        assert r.remote == "%s:%d" % (addr, port(peer)), r
        assert r.rx > 0, r                      # the datagram waits in the queue
        k = [x for x in kernel_rows(fname[:-4]) if x[0] == r.local]
        assert k and (k[0][3], k[0][4]) == (r.rx, r.tx), (k, r)


def test_states_listen_estb_closewait_finwait_timewait():
    lsn, cli, srv = tcp_pair()
    cli.shutdown(socket.SHUT_WR)                 # client FIN_WAIT2, server CLOSE_WAIT
    wait_for(lambda: find("tcpstat", lport=port(cli), state="FNW2"), what="FNW2")
    r = one("tcpstat", lport=port(srv), rport=port(cli), state="CLSW")
    assert r.diag == "" and r.opts, r            # full socket: options, no Diag
    srv.close()                                  # server LAST_ACK -> closed; client TIME_WAIT
    r = wait_for(lambda: find("tcpstat", lport=port(cli), state="TIMW"), what="TIMW")[0]
    assert r.options is None and r.line.endswith("TIMW "), r
    assert (r.rx, r.tx) == (0, 0), r
    one("tcpstat", lport=port(lsn), state="LSTN")
    # A FIN_WAIT2 socket that is closed becomes a timewait socket in FNW2.
    lsn2, cli2, srv2 = tcp_pair()
    cli2.shutdown(socket.SHUT_WR)
    p2 = port(cli2)
    wait_for(lambda: find("tcpstat", lport=p2, state="FNW2"), what="FNW2")
    cli2.close()
    r = one("tcpstat", lport=p2, state="FNW2")
    assert r.options is None and r.line.endswith("FNW2 "), r


def test_syn_recv_request_row():
    # TCP_DEFER_ACCEPT keeps the server side a request socket until data
    # arrives, while the client is already established.
    lsn = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    lsn.setsockopt(IPT, socket.TCP_DEFER_ACCEPT, 30)
    lsn.bind(("127.0.0.1", 0))
    lsn.listen(4)
    cli = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    cli.connect(("127.0.0.1", port(lsn)))
    r = wait_for(lambda: find("tcpstat", rport=port(cli), state="SYNR"), what="SYNR")[0]
    assert r.lport == str(port(lsn)), r          # the request's own local port
    assert r.options is None and r.line.endswith("SYNR "), r
    assert (r.rx, r.tx) == (0, 0), r
    k = [x for x in kernel_rows("tcp") if x[1] == r.remote]
    assert k and k[0][0] == r.local and k[0][2] == "SYNR", k


def test_diag_zero_windows():
    # Only the client sends; the server never reads: its receive window
    # closes (|<) and the client sees a zero send window (>|).
    lsn, cli, srv = zero_window_pair()
    # Both directions blocked: >|< on both sides.
    small = [(SOL, socket.SO_RCVBUF, 4096), (SOL, socket.SO_SNDBUF, 4096)]
    lsn2, c2, s2 = tcp_pair(listener_opts=small, client_opts=small)
    def both():
        fill(c2)
        fill(s2)
        a = one("tcpstat", lport=port(s2), rport=port(c2)).diag
        b = one("tcpstat", lport=port(c2), state="ESTB").diag
        return (a, b) if a == b == ">|<" else None
    wait_for(both, timeout=30, what=">|< on both sides")
    # Non-ESTABLISHED rows never carry a Diag flag.
    assert one("tcpstat", lport=port(lsn), state="LSTN").diag == ""


def test_diag_stalled_ack():
    # In a namespace of its own, let the loopback drop everything: data sent
    # then stays unacknowledged and the last ACK ages past one second.
    ns = "knetstat-stall"
    sh("ip netns add %s && ip -n %s link set lo up" % (ns, ns))
    try:
        prog = r'''
import socket, time, sys
l = socket.socket(); l.bind(("127.0.0.1", 0)); l.listen(1)
c = socket.socket(); c.connect(l.getsockname()); s, _ = l.accept()
import subprocess
subprocess.run(["tc", "qdisc", "add", "dev", "lo", "root", "netem", "loss", "100%"], check=True)
c.send(b"hello")
print(c.getsockname()[1]); sys.stdout.flush()
time.sleep(30)
'''
        p = Child(prog, lambda: enter_netns(ns))
        cport = int(p.stdout.readline())
        time.sleep(1.5)
        r = wait_for(lambda: [x for x in find("tcpstat", lport=cport, state="ESTB", netns=ns)
                              if x.diag == ">#"], timeout=10, what=">#")[0]
        assert r.tx == 5, r                       # the unacknowledged bytes
        p.kill()
        p.wait()
    finally:
        sh("ip netns del %s" % ns)


def test_same_rows_as_kernel_files():
    # In a namespace of its own: its 1600 sockets, and the TIME_WAIT rows
    # they leave for a minute, would make every later test's reads of the
    # files long (the namespace's go with it).
    output_of(Child(same_rows_as_kernel_files, new_netns))


def same_rows_as_kernel_files():
    socks = []
    for i in range(300):
        socks.extend(tcp_pair())
    for i in range(100):
        socks.extend(tcp_pair(socket.AF_INET6, "::1"))
    for i in range(200):
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        u.bind(("127.0.0.1", 0))
        u6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
        u6.bind(("::1", 0))
        socks += [u, u6]
    # Some TIME_WAIT rows too.
    for i in range(50):
        l, c, s = tcp_pair()
        c.close()
        s.close()
        l.close()
    time.sleep(0.2)
    total = 0
    for kname, name in (("tcp", "tcpstat"), ("tcp6", "tcp6stat"), ("udp", "udpstat"), ("udp6", "udp6stat")):
        ours = [(r.local, r.remote, r.state, r.rx, r.tx) for r in rows(name)]
        theirs = kernel_rows(kname)
        assert ours == theirs, "%s differs from /proc/net/%s: %d vs %d rows; first difference %r" % (
            name, kname, len(ours), len(theirs),
            next(((a, b) for a, b in zip(ours, theirs) if a != b), None))
        total += len(ours)
    assert total > 1600, total
    for s in socks:
        s.close()


def test_one_byte_reads_equal_one_read():
    # In a namespace of its own: the one-byte read takes seconds, and rows
    # of other tests' sockets (TIME_WAIT ones expire) would change meanwhile.
    output_of(Child(one_byte_reads_equal_one_read, new_netns))


def one_byte_reads_equal_one_read():
    socks = sockets_of_each_kind(40, 40, 40)
    for name in ("tcpstat", "tcp6stat", "udpstat", "udp6stat"):
        # seq_file returns at most one buffer per read(): read to EOF.
        fd = os.open("/proc/net/" + name, os.O_RDONLY)
        big = read_to_end(fd, 1 << 22)
        os.close(fd)
        assert big.count(b"\n") > 1, name
        fd = os.open("/proc/net/" + name, os.O_RDONLY)
        small = read_to_end(fd, 1)
        os.close(fd)
        assert small == big, (name, len(small), len(big))
    del socks


def buckets_locked():
    """The bucket locks the module's walks have taken since it was loaded."""
    with open("/sys/module/knetstat/parameters/buckets_locked") as f:
        return int(f.read())


def test_one_walk_per_read():
    # SPEC.md: a full read walks each table once. Every read() call
    # resumes in the bucket where the previous one stopped (one lock more
    # than a single pass would take), and the read() that returns 0 at the
    # end takes no lock at all: it does not walk the table again.
    socks = sockets_of_each_kind(150, 50, 150)
    # A walk locks every bucket that is not empty, whatever the family of
    # its sockets: bound the locks by the sockets of both families.
    sockets = {"tcp": len(rows("tcpstat")) + len(rows("tcp6stat")),
               "udp": len(rows("udpstat")) + len(rows("udp6stat"))}
    for name in ("tcpstat", "tcp6stat", "udpstat", "udp6stat"):
        fd = os.open("/proc/net/" + name, os.O_RDONLY)
        start = before = buckets_locked()
        calls = 0
        while True:
            b = os.read(fd, 1 << 16)
            calls += 1
            after = buckets_locked()
            if not b:
                break
            before = after
        os.close(fd)
        assert after == before, "%s: the read() at the end of the file took %d bucket locks" % (
            name, after - before)
        bound = sockets[name[:3]] + calls
        assert 0 < after - start <= bound, "%s: a full read in %d read() calls took %d bucket locks, " \
            "more than one walk of %d sockets can" % (name, calls, after - start, sockets[name[:3]])
        # At the end, lseek(0) and a new read count from the start again:
        # the header and the first row (a listener of this test's: rows
        # further on may be other tests' sockets, which come and go).
        fd = os.open("/proc/net/" + name, os.O_RDONLY)
        first = os.read(fd, 1 << 16).split(b"\n")[:2]
        read_to_end(fd, 1 << 16)
        os.lseek(fd, 0, os.SEEK_SET)
        assert os.read(fd, 1 << 16).split(b"\n")[:2] == first, name
        os.close(fd)
    del socks


def test_namespaces():
    ns = "knetstat-a"
    sh("ip netns add %s && ip -n %s link set lo up" % (ns, ns))
    try:
        prog = r'''
import socket, sys, time
t = socket.socket(); t.bind(("127.0.0.1", 0)); t.listen(1)
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("127.0.0.1", 0))
print(t.getsockname()[1], u.getsockname()[1]); sys.stdout.flush()
time.sleep(30)
'''
        p = Child(prog, lambda: enter_netns(ns))
        tport, uport = map(int, p.stdout.readline().split())
        assert len(find("tcpstat", lport=tport, netns=ns)) == 1, rows("tcpstat", ns)
        assert len(find("udpstat", lport=uport, netns=ns)) == 1, rows("udpstat", ns)
        # Not in the initial namespace's files. Ports are per namespace: a
        # connection earlier tests left there (TIME_WAIT) may have the same
        # local port, a listener may not.
        assert find("tcpstat", lport=tport, state="LSTN") == [], rows("tcpstat")
        assert find("udpstat", lport=uport) == [], rows("udpstat")
        # and a socket of the initial namespace is not in the other one
        l = socket.socket()
        l.bind(("127.0.0.1", 0))
        l.listen(1)
        assert find("tcpstat", lport=port(l), netns=ns) == []
        p.kill()
        p.wait()
    finally:
        sh("ip netns del %s" % ns)


def test_namespace_with_own_udp_and_tcp_tables():
    # Namespaces created with these sysctls set get their own hash tables
    # (net->ipv4.udp_table, tcp_death_row.hashinfo); the walk must use them.
    sh("sysctl -qw net.ipv4.udp_child_hash_entries=256 net.ipv4.tcp_child_ehash_entries=256")
    ns = "knetstat-own"
    try:
        sh("ip netns add %s && ip -n %s link set lo up" % (ns, ns))
        prog = r'''
import socket, sys, time
l = socket.socket(); l.bind(("127.0.0.1", 0)); l.listen(1)
c = socket.socket(); c.connect(l.getsockname()); s, _ = l.accept()
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("127.0.0.1", 0))
print(c.getsockname()[1], u.getsockname()[1]); sys.stdout.flush()
time.sleep(30)
'''
        p = Child(prog, lambda: enter_netns(ns))
        cport, uport = map(int, p.stdout.readline().split())
        assert len(find("udpstat", lport=uport, netns=ns)) == 1
        assert len(find("tcpstat", lport=cport, state="ESTB", netns=ns)) == 1
        p.kill()
        p.wait()
    finally:
        subprocess.run(["ip", "netns", "del", ns])
        sh("sysctl -qw net.ipv4.udp_child_hash_entries=0 net.ipv4.tcp_child_ehash_entries=0")


def test_extreme_linger_matches_getsockopt():
    # l_linger = -1 makes the kernel store MAX_SCHEDULE_TIMEOUT; getsockopt
    # then reports LONG_MAX / HZ cut to an int. The row must say the same.
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(SOL, socket.SO_LINGER, struct.pack("ii", 1, -1))
    s.bind(("127.0.0.1", 0))
    s.listen(1)
    onoff, linger = struct.unpack("ii", s.getsockopt(SOL, socket.SO_LINGER, 8))
    r = one("tcpstat", lport=port(s), state="LSTN")
    assert onoff == 1 and r.opts["SO_LINGER"] == "%ds" % linger, (r, linger)
    check_tcp(r, s, listener=True)


def test_write_fails_and_changes_nothing():
    before = read_file("tcpstat")
    try:
        with open("/proc/net/tcpstat", "w") as f:
            f.write("x")
        raise AssertionError("write succeeded")
    except OSError:
        pass
    assert read_file("tcpstat").split("\n")[0] == before.split("\n")[0]


if __name__ == "__main__":
    resource.setrlimit(resource.RLIMIT_NOFILE, (65536, 65536))
    run_tests([
        test_headers_and_mode,
        test_default_rows_match_original,
        test_tcp_options_listener_v4_v6,
        test_tcp_options_established_v4_v6,
        test_tcp_v4_mapped_and_long_address,
        test_udp_options_v4_v6,
        test_states_listen_estb_closewait_finwait_timewait,
        test_syn_recv_request_row,
        test_diag_zero_windows,
        test_diag_stalled_ack,
        test_same_rows_as_kernel_files,
        test_one_byte_reads_equal_one_read,
        test_one_walk_per_read,
        test_namespaces,
        test_namespace_with_own_udp_and_tcp_tables,
        test_extreme_linger_matches_getsockopt,
        test_write_fails_and_changes_nothing,
    ] + test_extensions.TESTS + test_visibility.TESTS + test_readme.TESTS)
