"""Shared helpers for the knetstat VM tests: parsing rows, reading the
kernel's own /proc/net files, and a minimal test runner that prints
'N passed, N failed'."""

import contextlib
import ctypes
import ipaddress
import os
import re
import signal
import socket
import struct
import subprocess
import sys
import time
import traceback

STATES = ["NONE", "ESTB", "SYNS", "SYNR", "FNW1", "FNW2", "TIMW", "CLSD",
          "CLSW", "LACK", "LSTN", "CLSG", "SYNR"]

TCP_HEADER = "Recv-Q Send-Q Local Address           Foreign Address         Stat Diag Options"
UDP_HEADER = "Recv-Q Send-Q Local Address           Foreign Address         Options"

TCP_USER_TIMEOUT = 18
TCP_FASTOPEN = 23


class Row:
    """One parsed row of a knetstat file."""

    def __init__(self, line, tcp):
        self.line = line
        m = re.match(r"^ *(-?\d+) +(-?\d+) (\S+) +(\S+) +(.*)$", line)
        if not m:
            raise AssertionError("unparsable row: %r" % line)
        self.rx, self.tx = int(m.group(1)), int(m.group(2))
        self.local, self.remote = m.group(3), m.group(4)
        rest = m.group(5)
        self.state = self.diag = None
        self.options = rest
        if tcp:
            self.state = rest[:4]
            tail = rest[5:]
            if tail == "":
                self.options = None          # TIME_WAIT / request row
            else:
                self.diag = tail[:4].rstrip()
                self.options = tail[5:]
        self.opts = dict(kv.split("=", 1) for kv in self.options.split(",")) if self.options else {}
        self.lport = self.local.rsplit(":", 1)[1]
        self.rport = self.remote.rsplit(":", 1)[1]
        self.check_layout(tcp)

    def check_layout(self, tcp):
        """The row must be exactly what the contract's layout produces."""
        expect = "%6d %6d %-23s %-23s " % (self.rx, self.tx, self.local, self.remote)
        if tcp:
            expect += self.state + " "
            if self.options is not None:
                expect += "%-4s %s" % (self.diag, self.options)
        else:
            expect += self.options
        if expect != self.line:
            raise AssertionError("row layout:\n got %r\nwant %r" % (self.line, expect))

    def __repr__(self):
        return repr(self.line)


LIBC = ctypes.CDLL(None, use_errno=True)
CLONE_NEWNET = 0x40000000


def enter_netns(name):
    """Move this process into the network namespace `ip netns add NAME` made."""
    fd = os.open("/run/netns/" + name, os.O_RDONLY)
    try:
        if LIBC.setns(fd, CLONE_NEWNET) != 0:
            e = ctypes.get_errno()
            raise OSError(e, "setns(%s): %s" % (name, os.strerror(e)))
    finally:
        os.close(fd)


def unshare_netns():
    """Move this process into a new network namespace, its loopback down:
    OSError if the kernel refuses."""
    if LIBC.unshare(CLONE_NEWNET) != 0:
        e = ctypes.get_errno()
        raise OSError(e, "unshare(CLONE_NEWNET): %s" % os.strerror(e))


def new_netns():
    """Move this process into a network namespace of its own, loopback up:
    for a test whose rows must be its own sockets only."""
    unshare_netns()
    sh("ip link set lo up")


class Child:
    """prog (Python source, or a function) run in a fork of this process,
    after enter() (a move into a namespace, say), with its standard output
    (and, if asked, its input) a pipe: what subprocess.Popen of `ip netns
    exec NS python3 -c PROG` gives, without starting an interpreter, which
    takes 10 to 20 s on a debug kernel under TCG. The child keeps this
    process's open files until it ends."""

    def __init__(self, prog, enter=None, stdin=False):
        sys.stdout.flush()
        sys.stderr.flush()
        r, w = os.pipe()
        ir, iw = os.pipe() if stdin else (None, None)
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                os.dup2(w, 1)
                if stdin:
                    os.dup2(ir, 0)
                for fd in (r, w, ir, iw):
                    if fd is not None:
                        os.close(fd)
                if enter:
                    enter()
                if callable(prog):
                    prog()
                else:
                    exec(compile(prog, "<child>", "exec"), {"__name__": "__child__"})
                code = 0
            except SystemExit as e:
                code = e.code if isinstance(e.code, int) else 1
            except BaseException:
                traceback.print_exc()
            finally:
                try:
                    sys.stdout.flush()
                finally:
                    os._exit(code)
        os.close(w)
        self.pid, self.returncode, self.stdin = pid, None, None
        self.stdout = os.fdopen(r, "r")
        if stdin:
            os.close(ir)
            self.stdin = os.fdopen(iw, "w")

    def kill(self):
        if self.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)

    def wait(self, timeout=None):
        end = None if timeout is None else time.time() + timeout
        while self.returncode is None:
            pid, status = os.waitpid(self.pid, 0 if end is None else os.WNOHANG)
            if pid:
                self.returncode = os.waitstatus_to_exitcode(status)
            elif time.time() > end:
                raise subprocess.TimeoutExpired("child %d" % self.pid, timeout)
            else:
                time.sleep(0.05)
        return self.returncode


def output_of(child):
    """All a Child writes, once it has ended well."""
    text = child.stdout.read()
    assert child.wait() == 0, "child %d ended with %s" % (child.pid, child.returncode)
    return text


def read_file(name, netns=None):
    """Whole content of /proc/net/NAME (optionally inside a named netns)."""
    if netns:
        return output_of(Child(lambda: sys.stdout.write(read_file(name)), lambda: enter_netns(netns)))
    with open("/proc/net/" + name) as f:
        return f.read()


def rows(name, netns=None):
    text = read_file(name, netns)
    lines = text.split("\n")
    assert lines[-1] == "", "file must end with a newline"
    tcp = name.startswith("tcp")
    assert lines[0] == (TCP_HEADER if tcp else UDP_HEADER), "header: %r" % lines[0]
    return [Row(l, tcp) for l in lines[1:-1]]


def find(name, lport=None, rport=None, state=None, netns=None):
    """Rows of NAME with the given local/remote port (ints) and state."""
    out = []
    for r in rows(name, netns):
        if lport is not None and r.lport != str(lport):
            continue
        if rport is not None and r.rport != str(rport):
            continue
        if state is not None and r.state != state:
            continue
        out.append(r)
    return out


def one(name, **kw):
    found = find(name, **kw)
    assert len(found) == 1, "expected one row in %s for %s, got %r" % (name, kw, found)
    return found[0]


def fmt_addr(family, raw):
    """Address text as knetstat prints it, from /proc/net/{tcp,udp}* hex."""
    if family == 4:
        return str(ipaddress.IPv4Address(struct.pack("<I", int(raw, 16))))
    words = [struct.pack("<I", int(raw[i:i + 8], 16)) for i in range(0, 32, 8)]
    a = ipaddress.IPv6Address(b"".join(words))
    if a.ipv4_mapped:
        return "::ffff:" + str(a.ipv4_mapped)
    return a.compressed


def kernel_rows(name):
    """Rows of /proc/net/NAME (tcp, tcp6, udp, udp6) as
    (local, remote, state, rx, tx) in knetstat's notation."""
    family = 6 if name.endswith("6") else 4
    out = []
    with open("/proc/net/" + name) as f:
        next(f)
        for line in f:
            p = line.split()
            la, lp = p[1].split(":")
            ra, rp = p[2].split(":")
            tx, rx = (int(x, 16) for x in p[4].split(":"))
            lp, rp = int(lp, 16), int(rp, 16)
            local = "%s:%s" % (fmt_addr(family, la), lp or "*")
            remote = "%s:%s" % (fmt_addr(family, ra), rp or "*")
            st = int(p[3], 16)
            out.append((local, remote, STATES[st] if name.startswith("tcp") else None, rx, tx))
    return out


def ms_of_timeval(raw):
    sec, usec = struct.unpack("ll", raw)
    return sec * 1000 + usec // 1000


def tcp_pair(family=socket.AF_INET, addr="127.0.0.1", listener_opts=(), client_opts=()):
    """A listener and a connected client/server pair. Returns (lsn, cli, srv)."""
    lsn = socket.socket(family, socket.SOCK_STREAM)
    for lvl, opt, val in listener_opts:
        lsn.setsockopt(lvl, opt, val)
    lsn.bind((addr, 0))
    lsn.listen(16)
    cli = socket.socket(family, socket.SOCK_STREAM)
    for lvl, opt, val in client_opts:
        cli.setsockopt(lvl, opt, val)
    cli.connect(lsn.getsockname()[:2])
    srv, _ = lsn.accept()
    return lsn, cli, srv


def port(s):
    return s.getsockname()[1]


def sockets_of_each_kind(tcp4, tcp6, udp):
    """tcp4 IPv4 and tcp6 IPv6 TCP pairs (each a listener, a client and
    the accepted socket) and udp bound UDP sockets of each family, on
    loopback: a list of them all, to keep until the test ends."""
    socks = [s for _ in range(tcp4) for s in tcp_pair()]
    socks += [s for _ in range(tcp6) for s in tcp_pair(socket.AF_INET6, "::1")]
    for fam, addr in ((socket.AF_INET, "127.0.0.1"), (socket.AF_INET6, "::1")):
        for _ in range(udp):
            u = socket.socket(fam, socket.SOCK_DGRAM)
            u.bind((addr, 0))
            socks.append(u)
    return socks


def read_to_end(fd, size):
    """Everything from fd, read() size bytes at a time until it returns 0."""
    data = bytearray()
    while True:
        b = os.read(fd, size)
        if not b:
            return bytes(data)
        data += b


def wait_for(pred, timeout=10.0, what="condition"):
    end = time.time() + timeout
    while time.time() < end:
        v = pred()
        if v:
            return v
        time.sleep(0.05)
    raise AssertionError("timed out waiting for " + what)


def fill(sock):
    """Send on sock without blocking until its buffers are full; returns
    the bytes sent."""
    sock.setblocking(False)
    total = 0
    try:
        while True:
            total += sock.send(b"z" * 65536)
    except BlockingIOError:
        pass
    return total


def zero_window_pair():
    """A pair with small buffers whose client sends and whose server never
    reads, once the rows show it: the server's receive window is 0 (|<) and
    the client sees a zero send window (>|). Returns (lsn, cli, srv)."""
    small = [(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096), (socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)]
    lsn, cli, srv = tcp_pair(listener_opts=small, client_opts=small)

    def blocked():
        fill(cli)
        a = one("tcpstat", lport=port(srv), rport=port(cli)).diag
        b = one("tcpstat", lport=port(cli), state="ESTB").diag
        return (a, b) == ("|<", ">|")
    wait_for(blocked, timeout=30, what="zero windows |< and >|")
    return lsn, cli, srv


def sh(cmd):
    subprocess.run(cmd, shell=True, check=True)


# The static keys that the tests' sockets switch on and off. Switching one
# rewrites the kernel's code while other CPUs run it; under multi-threaded
# TCG that once met loopback traffic as "Oops: int3" in netif_rx_internal()
# on the stock 7.3 kernel, just after a test had closed its last
# SO_TIMESTAMP socket (netstamp_needed_key). run.sh now runs stock amd64
# kernels on one host thread, which removes that cause; holding the keys
# still keeps every test from switching kernel code under the others (the
# arm64 run is multi-threaded). Held on by sockets of a namespace of their
# own for the whole run, the keys are switched once, before the first
# test, and the tests' sockets only count them up and down.
SO_TIMESTAMP = 29
UDP_GRO = 104


def hold_static_keys():
    """In a Child: hold netstamp_needed_key and udp(v6)_encap_needed_key on,
    from a network namespace of our own, until the parent closes our input."""
    unshare_netns()
    held = []
    for family in (socket.AF_INET, socket.AF_INET6):
        s = socket.socket(family, socket.SOCK_DGRAM)
        s.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMP, 1)
        s.setsockopt(socket.IPPROTO_UDP, UDP_GRO, 1)
        held.append(s)
    print("held")
    sys.stdout.flush()
    sys.stdin.read()


def run_tests(tests, report=None):
    """Run test functions; print a line each, then report() if given, then
    a line for each failed test with its exception (the last lines a log's
    tail shows), and 'N passed, N failed' as the last line. The static keys
    the tests switch are held on meanwhile (hold_static_keys)."""
    only = sys.argv[1:]
    passed = failed = 0
    failures = []
    keeper = Child(hold_static_keys, stdin=True)
    assert keeper.stdout.readline() == "held\n", "the static keys could not be held"
    for t in tests:
        if only and t.__name__ not in only:
            continue
        t0 = time.time()
        try:
            t()
        except Exception as e:
            failed += 1
            failures.append("failed: %s: %s" % (t.__name__, repr(e)[:300]))
            print("FAIL %s (%.1fs)" % (t.__name__, time.time() - t0))
            traceback.print_exc(file=sys.stdout)
        else:
            passed += 1
            print("ok   %s (%.1fs)" % (t.__name__, time.time() - t0))
        sys.stdout.flush()
    keeper.kill()
    keeper.wait()
    if report:
        report()
    for line in failures:
        print(line)
    print("%d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed or not passed else 0)
