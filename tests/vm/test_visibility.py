#!/usr/bin/env python3
"""knetstat VM tests of SPEC.md "Who sees what": SO_MARK, SO_ATTACH_FILTER
and TCP_ULP only for a reader whose file was opened with CAP_NET_ADMIN over
the file's network namespace; for every other reader those items are left
out and the rest of each row is the same bytes.

The same sockets are read by root, by nobody, by root of a user namespace
(over the host's network namespace, and over one it owns), through a file
opened by nobody and read by root, and through one opened by root and read
after dropping to nobody. Each view is compared byte for byte with the
rule's prediction from root's rows, and the mark with what ss -e shows the
same user. Run inside the test VM with the module loaded, alone or through
tests/vm/test_knetstat.py:
    make vm CMD='python3 tests/vm/test_visibility.py [test_name ...]'"""

import ctypes
import os
import socket
import struct
import subprocess
import sys

from knetstat_lib import CLONE_NEWNET, LIBC, Child, output_of, port, run_tests

SOL, IPT = socket.SOL_SOCKET, socket.IPPROTO_TCP
SO_ATTACH_FILTER, TCP_ULP = 26, 31
CLONE_NEWUSER, PR_SET_DUMPABLE = 0x10000000, 4
NOBODY = 65534
AS_NOBODY = ["setpriv", "--reuid=%d" % NOBODY, "--regid=%d" % NOBODY, "--clear-groups", "--"]
NET_ADMIN_ITEMS = ("SO_MARK", "SO_ATTACH_FILTER", "TCP_ULP")
FILES = ("tcpstat", "tcp6stat", "udpstat", "udp6stat")


def attach_filter(s):
    """Classic BPF "ret #-1" (accept everything) on s."""
    insn = (ctypes.c_ubyte * 8).from_buffer_copy(struct.pack("HBBI", 0x06, 0, 0, 0xffffffff))
    s.setsockopt(SOL, SO_ATTACH_FILTER, struct.pack("HL", 1, ctypes.addressof(insn)))


def sockets():
    """Marked and filtered sockets of both families: a listener whose
    accepted connection inherits its mark and filter, a client with kTLS
    and a mark of its own, a UDP socket. Returns (sockets, ports): the
    local ports of each file's sockets, by file name (a port number of one
    protocol may be another's too)."""
    socks, ports = [], {}
    for (family, addr), (tfile, ufile) in zip(((socket.AF_INET, "127.0.0.1"), (socket.AF_INET6, "::1")),
                                              (FILES[0:4:2], FILES[1:4:2])):
        lsn = socket.socket(family, socket.SOCK_STREAM)
        lsn.setsockopt(SOL, socket.SO_MARK, 7)
        attach_filter(lsn)
        lsn.bind((addr, 0))
        lsn.listen(4)
        cli = socket.socket(family, socket.SOCK_STREAM)
        cli.setsockopt(SOL, socket.SO_MARK, 9)
        cli.connect(lsn.getsockname()[:2])
        cli.setsockopt(IPT, TCP_ULP, b"tls")
        srv, _ = lsn.accept()
        assert srv.getsockopt(SOL, socket.SO_MARK) == 7        # inherited
        u = socket.socket(family, socket.SOCK_DGRAM)
        u.setsockopt(SOL, socket.SO_MARK, 11)
        attach_filter(u)
        u.bind((addr, 0))
        socks += [lsn, cli, srv, u]
        ports[tfile] = {port(lsn), port(cli)}
        ports[ufile] = {port(u)}
    return socks, ports


def between_ours(local, foreign, ports):
    """Whether a socket of endpoints local and foreign ("ADDR:PORT") is
    one of ours: both ports among ports, or the foreign one '*'. Sockets
    other tests left may share one port with ours (connect() reuses a
    local port towards another peer), never both."""
    def port_of(endpoint):
        p = endpoint.rsplit(":", 1)[1]
        return None if p == "*" else int(p)
    return port_of(local) in ports and port_of(foreign) in ports | {None}


def ours(text, ports):
    """The lines of a file's text of our sockets (between_ours), but
    TIME_WAIT and request rows (they end after the state's space): none of
    our sockets is in those states."""
    return [l for l in text.split("\n")[1:]
            if l and not l.endswith(" ") and between_ours(l.split()[2], l.split()[3], ports)]


def without_net_admin_items(line):
    """The rule's prediction for an unprivileged reader: the line without
    the items sock_diag keeps for CAP_NET_ADMIN, every other byte as it is."""
    head, last = line.rsplit(" ", 1)
    return head + " " + ",".join(kv for kv in last.split(",")
                                 if kv.split("=", 1)[0] not in NET_ADMIN_ITEMS)


def read_all(path):
    with open(path) as f:
        return f.read()


def root_view(ports, proc="/proc/net"):
    """Root's rows of our sockets, every file; they must show the items."""
    view = {n: ours(read_all("%s/%s" % (proc, n)), ports[n]) for n in FILES}
    text = "\n".join(sum(view.values(), []))
    for item in ("SO_MARK=7", "SO_MARK=9", "SO_MARK=11", "SO_ATTACH_FILTER=1", "TCP_ULP=tls"):
        assert item in text, (item, view)
    return view


def unprivileged(view):
    return {n: [without_net_admin_items(l) for l in lines] for n, lines in view.items()}


def run(cmd, **kw):
    p = subprocess.run(cmd, capture_output=True, text=True, **kw)
    assert p.returncode == 0, (cmd, p.returncode, p.stderr)
    return p.stdout


def view_of(cmd_prefix, ports):
    """Our rows as cmd_prefix + cat reads them: one cat for the four files
    (each opened, read and closed in turn), split at their header lines."""
    text = run(cmd_prefix + ["cat"] + ["/proc/net/" + n for n in FILES])
    parts = text.split("Recv-Q ")[1:]
    assert len(parts) == len(FILES), text
    return {n: ours("Recv-Q " + part, ports[n]) for n, part in zip(FILES, parts)}


def assert_views_equal(got, want, who):
    for n in FILES:
        assert len(want[n]) == (3 if n.startswith("tcp") else 1), (n, want[n])
        assert got[n] == want[n], "%s, %s:\n got  %r\n want %r" % (who, n, got[n], want[n])


def ss_marks(cmd_prefix, ports):
    """The fwmark ss -e shows for each of our TCP sockets, as cmd_prefix runs it."""
    marks = {}
    for line in run(cmd_prefix + ["ss", "-Htane"]).splitlines():
        f = line.split()
        if len(f) > 4 and f[0] in ("LISTEN", "ESTAB") and \
                between_ours(f[3], f[4], ports["tcpstat"] | ports["tcp6stat"]):
            mark = [w for w in f if w.startswith("fwmark:")]
            marks.setdefault(int(f[3].rsplit(":", 1)[1]), set()).add(mark[0] if mark else None)
    return marks


def test_root_nobody_and_ss_agree():
    socks, ports = sockets()
    view = root_view(ports)
    assert_views_equal(view_of([], ports), view, "root")
    assert_views_equal(view_of(AS_NOBODY, ports), unprivileged(view), "nobody")
    # ss -e: the kernel's own diagnostics show the mark to root, not to nobody.
    root_marks, user_marks = ss_marks([], ports), ss_marks(AS_NOBODY, ports)
    assert set().union(*root_marks.values()) == {"fwmark:0x7", "fwmark:0x9"}, root_marks
    assert set().union(*user_marks.values()) == {None}, user_marks
    del socks


def test_user_namespace_root_over_the_hosts_namespace():
    # Root of a user namespace has CAP_NET_ADMIN there, not over the
    # host's network namespace, which the initial user namespace owns.
    socks, ports = sockets()
    view = root_view(ports)
    assert_views_equal(view_of(AS_NOBODY + ["unshare", "-Ur"], ports), unprivileged(view),
                       "root of a user namespace, host network namespace")
    del socks


USERNS_PROG = r'''
import socket, sys
l = socket.socket(); l.setsockopt(socket.SOL_SOCKET, socket.SO_MARK, 5)
l.bind(("0.0.0.0", 0)); l.listen(1)
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.setsockopt(socket.SOL_SOCKET, socket.SO_MARK, 6)
u.bind(("0.0.0.0", 0))
print(l.getsockname()[1], u.getsockname()[1])
print(open("/proc/net/tcpstat").read() + "\0" + open("/proc/net/udpstat").read())
sys.stdout.flush()
sys.stdin.read()
'''


def test_user_namespace_root_over_its_own_network_namespace():
    # A container's root: an ordinary user's user namespace that owns a new
    # network namespace. Its own sockets' marks are visible to it; the
    # host's sockets are not in its files at all.
    socks, host_ports = sockets()
    p = Child(USERNS_PROG, root_of_own_namespaces_as_nobody, stdin=True)
    try:
        tport, uport = map(int, p.stdout.readline().split())
        out = ""
        while "\0" not in out or not out.endswith("\n\n"):
            line = p.stdout.readline()
            assert line, "the namespace's reader stopped"
            out += line
        tcp, udp = out[:-1].split("\0")
        [t] = ours(tcp, {tport})
        [u] = ours(udp, {uport})
        assert t.endswith(",SO_MARK=5"), t
        assert u.endswith(",SO_MARK=6"), u
        assert ours(tcp, host_ports["tcpstat"]) == [] and ours(udp, host_ports["udpstat"]) == [], (tcp, udp)
        # Root of the host is privileged over every namespace: the same rows
        # through /proc/PID/net of the namespace's process.
        proc = "/proc/%d/net" % p.pid
        assert ours(read_all(proc + "/tcpstat"), {tport}) == [t]
        assert ours(read_all(proc + "/udpstat"), {uport}) == [u]
    finally:
        p.stdin.close()
        p.wait()
    del socks


def fork_as_nobody(child):
    """Run child() in a forked process that became nobody; return what it
    sent back through the pipe."""
    return output_of(Child(lambda: sys.stdout.write(child())))


def become_nobody():
    os.setgroups([])
    os.setresgid(NOBODY, NOBODY, NOBODY)
    os.setresuid(NOBODY, NOBODY, NOBODY)


def root_of_own_namespaces_as_nobody():
    """What `setpriv` to nobody, then `unshare -Urn`, do: nobody owns a new
    user namespace, is root there, and a new network namespace is its."""
    become_nobody()
    LIBC.prctl(PR_SET_DUMPABLE, 1, 0, 0, 0)    # /proc/self/*_map stay ours to write
    if LIBC.unshare(CLONE_NEWUSER | CLONE_NEWNET) != 0:
        raise OSError(ctypes.get_errno(), "unshare")
    for name, text in (("uid_map", "0 %d 1" % NOBODY), ("setgroups", "deny"), ("gid_map", "0 %d 1" % NOBODY)):
        with open("/proc/self/" + name, "w") as f:
            f.write(text)


def test_a_file_opened_by_nobody_and_read_by_root():
    # The view is the opener's: root reading nobody's file sees what nobody sees.
    socks, ports = sockets()
    want = unprivileged(root_view(ports))
    for n in FILES:
        a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)

        def child():
            become_nobody()
            fd = os.open("/proc/net/" + n, os.O_RDONLY)
            socket.send_fds(b, [b"f"], [fd])
            return ""
        fork_as_nobody(child)
        _, [fd], _, _ = socket.recv_fds(a, 1, 1)
        with os.fdopen(fd) as f:
            got = ours(f.read(), ports[n])
        assert os.getuid() == 0
        assert got == want[n], "root reading nobody's %s:\n got  %r\n want %r" % (n, got, want[n])
        a.close()
        b.close()
    del socks


def test_a_file_opened_by_root_and_read_after_dropping_privileges():
    # As with any capability checked at open: the file keeps root's view.
    socks, ports = sockets()
    want = root_view(ports)
    for n in FILES:
        fd = os.open("/proc/net/" + n, os.O_RDONLY)

        def child():
            become_nobody()
            assert os.geteuid() == NOBODY
            with os.fdopen(fd) as f:
                return f.read()
        got = ours(fork_as_nobody(child), ports[n])
        os.close(fd)
        assert got == want[n], "nobody reading root's %s:\n got  %r\n want %r" % (n, got, want[n])
    del socks


TESTS = [
    test_root_nobody_and_ss_agree,
    test_user_namespace_root_over_the_hosts_namespace,
    test_user_namespace_root_over_its_own_network_namespace,
    test_a_file_opened_by_nobody_and_read_by_root,
    test_a_file_opened_by_root_and_read_after_dropping_privileges,
]

if __name__ == "__main__":
    run_tests(TESTS)
