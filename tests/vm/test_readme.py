#!/usr/bin/env python3
"""The README's one-liners, run against real sockets and checked.

Each example in README.md is marked `<!-- example: ID -->` and followed by
its command, indented four spaces. The command is taken from the README as
it is (so the README cannot drift from what works), run with sh, and its
output compared with what the rows of the same sockets say.

    make vm CMD='python3 tests/vm/test_readme.py'"""

import os
import re
import socket
import subprocess

from knetstat_lib import one, port, run_tests, tcp_pair, zero_window_pair

README = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "README.md")


def examples():
    text = open(README).read()
    found = dict(re.findall(r"<!-- example: (\S+) -->\n    (.+)\n", text))
    assert len(found) == 5, sorted(found)
    return found


def run(example_id):
    cmd = examples()[example_id]
    p = subprocess.run(["sh", "-c", cmd], capture_output=True, text=True)
    assert p.returncode == 0, (cmd, p.stderr)
    return p.stdout.splitlines()


def listener(family, addr, reuse):
    s = socket.socket(family, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, int(reuse))
    s.bind((addr, 0))
    s.listen(4)
    return s


def test_listeners_without_reuseaddr():
    a = listener(socket.AF_INET, "127.0.0.1", False)
    b = listener(socket.AF_INET, "127.0.0.1", True)
    c = listener(socket.AF_INET6, "::1", False)
    out = run("listeners-without-reuseaddr")
    assert "127.0.0.1:%d" % port(a) in out, out
    assert "::1:%d" % port(c) in out, out
    assert "127.0.0.1:%d" % port(b) not in out, out
    # Every line printed is a listener whose row says SO_REUSEADDR=0.
    for line in out:
        fname = "tcp6stat" if line.startswith("[") or line.count(":") > 1 else "tcpstat"
        r = one(fname, lport=int(line.rsplit(":", 1)[1]), state="LSTN")
        assert r.opts["SO_REUSEADDR"] == "0", r


def test_zero_window():
    lsn, cli, srv = zero_window_pair()
    plain = tcp_pair()
    out = run("zero-window")
    s, c = "127.0.0.1:%d" % port(srv), "127.0.0.1:%d" % port(cli)
    assert "%s %s |<" % (s, c) in out, out
    assert "%s %s >|" % (c, s) in out, out
    assert not [l for l in out if l.split()[0] == "127.0.0.1:%d" % port(plain[1])], out


def test_keepalive_off():
    on = tcp_pair()
    on[1].setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
    off = tcp_pair()
    out = run("keepalive-off")
    mine = lambda s: [l for l in out if l.split()[2] == "127.0.0.1:%d" % port(s)]
    assert mine(off[1]) and mine(off[2]), out      # both ends of the plain pair
    assert not mine(on[1]), out                    # the keepalive client is not there
    assert mine(on[2]), out                        # its accepted end has it off
    for line in out:
        assert " ESTB " in line and "SO_KEEPALIVE=0" in line, line


def test_any_diag():
    lsn, cli, srv = zero_window_pair()
    quiet = tcp_pair()
    out = run("any-diag")
    assert "|< 127.0.0.1:%d 127.0.0.1:%d" % (port(srv), port(cli)) in out, out
    assert ">| 127.0.0.1:%d 127.0.0.1:%d" % (port(cli), port(srv)) in out, out
    assert not [l for l in out if l.split()[1] == "127.0.0.1:%d" % port(quiet[1])], out
    for line in out:
        assert line.split()[0] in (">|<", "|<", ">|", ">#", ">R", ">P", ">K"), line


def test_keepidle_values():
    lsn, cli, srv = tcp_pair()
    cli.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, 77)
    out = run("keepidle-values")
    assert "127.0.0.1:%d 77" % port(cli) in out, out
    assert not [l for l in out if l.startswith("127.0.0.1:%d " % port(srv))], out


TESTS = [
    test_listeners_without_reuseaddr,
    test_zero_window,
    test_keepalive_off,
    test_any_diag,
    test_keepidle_values,
]

if __name__ == "__main__":
    run_tests(TESTS)
