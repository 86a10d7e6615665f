#!/usr/bin/env python3
"""knetstat stress suite, run inside the debug test VM with the module loaded.

    python3 tests/vm/stress.py SECONDS MODULE.ko [--without-kmemleak]

--without-kmemleak leaves out the leak check, for a kernel built without
kmemleak (a stock one): the caller says so, from the kernel's configuration,
so that a debug kernel that lost kmemleak still fails.

Phases, each bounded in time and count, loopback and own namespaces only:
  churn     readers of all four files (whole and small-buffer reads) while
            threads open, connect, accept, close and reset TCP and UDP
            sockets, IPv4 and IPv6 (LISTEN, SYN_RECV, ESTB, TIME_WAIT, gone)
  options   readers (whole, partial, seeking) while setsockopt() changes
            live sockets: congestion control, TCP_ULP, SO_BINDTODEVICE to a
            device being renamed and deleted, SO_REUSEPORT groups, and a
            listener whose full backlog keeps SYN_RECV rows
  reload    rmmod/insmod in a loop while readers keep files open and read
  netns     namespaces with sockets created and destroyed in a loop, one
            exiting while a reader holds its file open, and readers on the
            other CPU reading each namespace's files while it comes and goes
  unwind    every error path of file creation (fail_create=1..4), at load
            and at namespace creation
  badinput  writes, truncates, seeks, huge offsets, bad parameters
The kernel log is checked by the VM runner afterwards: any report fails.
Prints figures and 'N passed, N failed'."""

import contextlib
import functools
import errno
import os
import random
import socket
import struct
import subprocess
import sys
import threading
import time

from knetstat_lib import run_tests, unshare_netns

FILES = ["tcpstat", "tcp6stat", "udpstat", "udp6stat"]
DURATION = float(sys.argv[1]) if len(sys.argv) > 1 else 60
MODULE = sys.argv[2] if len(sys.argv) > 2 else "knetstat.ko"
WITH_KMEMLEAK = "--without-kmemleak" not in sys.argv[3:]
sys.argv[1:] = []                       # run_tests takes no filters here
stats = {}


def bump(key, n=1, lock=threading.Lock()):
    with lock:
        stats[key] = stats.get(key, 0) + n


def read_all(path, bufsize):
    """Read a whole file with reads of bufsize; returns rows read."""
    fd = os.open(path, os.O_RDONLY)
    try:
        data = bytearray()
        while True:
            b = os.read(fd, bufsize)
            if not b:
                break
            data += b
    finally:
        os.close(fd)
    assert data.endswith(b"\n"), path
    return data.count(b"\n") - 1


def reader(stop, errors, tolerate_missing=False):
    while not stop.is_set():
        for name in FILES:
            try:
                bump("rows read", read_all("/proc/net/" + name, random.choice([1, 7, 512, 1 << 16])))
                bump("file reads")
            except FileNotFoundError:
                if not tolerate_missing:
                    raise
            except OSError as e:
                # A file removed under an open reader (rmmod) reads as EIO.
                if not (tolerate_missing and e.errno == errno.EIO):
                    errors.append(repr(e))
                    return
            except Exception as e:      # noqa: BLE001 - reported as a failure
                errors.append(repr(e))
                return


def churn_tcp(stop, family, addr, errors):
    try:
        lsn = socket.socket(family, socket.SOCK_STREAM)
        lsn.bind((addr, 0))
        lsn.listen(64)
        lsn.settimeout(1)
        target = lsn.getsockname()[:2]
        while not stop.is_set():
            clients = []
            for _ in range(20):
                c = socket.socket(family, socket.SOCK_STREAM)
                c.setblocking(False)
                try:
                    c.connect(target)
                except BlockingIOError:
                    pass
                clients.append(c)
                bump("sockets opened")
            accepted = []
            for _ in range(len(clients) // 2):   # the rest stay queued or SYN_RECV
                try:
                    accepted.append(lsn.accept()[0])
                except (socket.timeout, BlockingIOError):
                    break
            for i, c in enumerate(clients + accepted):
                if i % 3 == 0:                   # reset instead of FIN
                    c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                c.close()
            bump("sockets closed", len(clients) + len(accepted))
    except Exception as e:              # noqa: BLE001
        errors.append(repr(e))


def churn_udp(stop, family, addr, errors):
    try:
        while not stop.is_set():
            socks = []
            for _ in range(20):
                u = socket.socket(family, socket.SOCK_DGRAM)
                u.bind((addr, 0))
                socks.append(u)
            for a, b in zip(socks, socks[1:]):
                a.sendto(b"x", b.getsockname()[:2])
            for u in socks:
                u.close()
            bump("sockets opened", len(socks))
            bump("sockets closed", len(socks))
    except Exception as e:              # noqa: BLE001
        errors.append(repr(e))


@contextlib.contextmanager
def running(targets):
    """Runs a thread per (function, args), called as function(stop, *args,
    errors), for the time of the with block; then stops them and fails if
    one hung or reported an error."""
    stop = threading.Event()
    errors = []
    threads = [threading.Thread(target=f, args=(stop,) + a + (errors,)) for f, a in targets]
    for t in threads:
        t.start()
    try:
        yield
    finally:
        stop.set()
        for t in threads:
            t.join(60)
    assert not any(t.is_alive() for t in threads), "a thread hung"
    assert not errors, errors


def run_threads(targets, seconds):
    with running(targets):
        time.sleep(seconds)


def test_churn():
    if os.path.exists(KMEMLEAK):
        kmemleak("clear")               # only what this run allocates counts
    run_threads([(reader, ())] * 3 + [
        (churn_tcp, (socket.AF_INET, "127.0.0.1")),
        (churn_tcp, (socket.AF_INET6, "::1")),
        (churn_udp, (socket.AF_INET, "127.0.0.1")),
        (churn_udp, (socket.AF_INET6, "::1")),
    ], DURATION * 0.4)


def seeking_reader(stop, errors):
    """Reads that stop half way and close, 1-byte reads, lseek back and
    forth: every way seq_file resumes a walk mid-table."""
    try:
        while not stop.is_set():
            for name in FILES:
                fd = os.open("/proc/net/" + name, os.O_RDONLY)
                try:
                    first = os.read(fd, 4096)
                    for _ in range(20):
                        os.read(fd, 1)
                    os.lseek(fd, 0, os.SEEK_SET)
                    assert os.read(fd, len(first))[:60] == first[:60], name  # the header
                    os.lseek(fd, random.randrange(1, 1 << 16), os.SEEK_SET)
                    os.read(fd, random.choice([1, 100, 4096]))
                finally:
                    os.close(fd)                 # half read
                bump("partial reads")
    except Exception as e:              # noqa: BLE001
        errors.append(repr(e))


with open("/proc/sys/net/ipv4/tcp_congestion_control", "rb") as f:
    DEFAULT_CA = f.read().strip()


def option_racer(stop, errors):
    """setsockopt() on live sockets while readers copy them: congestion
    control switched back and forth, a ULP attached, SO_BINDTODEVICE to a
    device that device_churn() renames and deletes, SO_REUSEPORT groups
    opened and closed, a listener whose full backlog keeps SYN_RECV rows."""
    try:
        full = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        full.bind(("127.0.0.1", 0))
        full.listen(1)                           # never accepted
        waiting = []
        while not stop.is_set():
            lsn = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            lsn.bind(("127.0.0.1", 0))
            lsn.listen(8)
            pair = [socket.create_connection(lsn.getsockname()), None]
            pair[1] = lsn.accept()[0]
            for s in pair + [lsn]:
                for ca in (b"reno", DEFAULT_CA, b"reno"):
                    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_CONGESTION, ca)
                try:
                    s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, b"kst-race")
                except OSError:                  # renamed or deleted just now
                    pass
            try:
                pair[0].setsockopt(socket.IPPROTO_TCP, 31, b"tls")     # TCP_ULP
            except OSError:
                pass
            group = []
            for _ in range(4):                   # one SO_REUSEPORT group
                g = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
                g.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
                g.bind(("::1", group[0].getsockname()[1] if group else 0))
                g.listen(4)
                group.append(g)
            c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            c.setblocking(False)
            try:
                c.connect(full.getsockname())
            except BlockingIOError:
                pass
            waiting.append(c)
            if len(waiting) > 16:
                waiting.pop(0).close()
            for s in pair + [lsn] + group:
                s.close()
            bump("option changes", 12)
        for c in waiting + [full]:
            c.close()
    except Exception as e:              # noqa: BLE001
        errors.append(repr(e))


def device_churn(stop, errors):
    """The device sockets are bound to: created, renamed, deleted."""
    try:
        while not stop.is_set():
            sh = lambda cmd: subprocess.run(cmd, shell=True, capture_output=True)  # noqa: E731
            sh("ip link add kst-race type veth peer name kst-peer && ip link set kst-race up")
            time.sleep(0.05)
            sh("ip link set kst-race down && ip link set kst-race name kst-renamed")
            sh("ip link del kst-renamed")
            bump("device renames and deletes")
    except Exception as e:              # noqa: BLE001
        errors.append(repr(e))


def test_options_race_readers():
    run_threads([(reader, ()), (reader, ()), (seeking_reader, ()),
                 (option_racer, ()), (device_churn, ())], DURATION * 0.15)


def module_refcount():
    with open("/sys/module/knetstat/refcnt") as f:
        return int(f.read())


def slab_total():
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("Slab:"):
                return int(line.split()[1])
    return 0


def test_reload_with_open_readers():
    assert module_refcount() == 0
    slab_before = slab_total()
    held = []

    def holder(stop, errors):
        # Keep files open across unloads; read a little at a time.
        while not stop.is_set():
            fds = []
            for name in FILES:
                try:
                    fds.append(os.open("/proc/net/" + name, os.O_RDONLY))
                except FileNotFoundError:
                    pass
            held.append(len(fds))
            for _ in range(20):
                for fd in fds:
                    try:
                        os.read(fd, 64)
                    except OSError as e:
                        if e.errno != errno.EIO:
                            errors.append(repr(e))
            for fd in fds:
                os.close(fd)

    end = time.time() + DURATION * 0.25
    cycles = 0
    with running([(holder, ())] * 2 + [(functools.partial(reader, tolerate_missing=True), ())] * 2):
        while time.time() < end:
            subprocess.run(["rmmod", "knetstat"], check=True)
            subprocess.run(["insmod", MODULE], check=True)
            cycles += 1
    assert cycles > 0
    bump("load/unload cycles", cycles)
    assert module_refcount() == 0
    # A figure only: KASAN's quarantine makes slab use wobble by megabytes.
    # Leaks are found by kmemleak in test_no_leaks.
    stats["slab growth over reload phase (kB)"] = slab_total() - slab_before
    for name in FILES:
        assert os.path.exists("/proc/net/" + name)


def in_new_netns(body):
    """Fork a child in a new network namespace running body(); returns pid."""
    pid = os.fork()
    if pid == 0:
        try:
            try:
                unshare_netns()
            except OSError:
                os._exit(2)
            body()
            os._exit(0)
        except BaseException:           # noqa: BLE001
            os._exit(1)
    return pid


def netns_reader(stop, live, errors):
    """Reads the files of the newest namespace (live[0], a pid) with any
    buffer size, racing its creation and destruction on the other CPU."""
    while not stop.is_set():
        pid = live[0]
        if pid is None:
            time.sleep(0.001)
            continue
        try:
            bump("rows read in dying namespaces",
                 read_all("/proc/%d/net/%s" % (pid, random.choice(FILES)),
                          random.choice([1, 7, 512, 1 << 16])))
        except (FileNotFoundError, ProcessLookupError):
            pass                        # the namespace's process is gone
        except Exception as e:          # noqa: BLE001 - reported as a failure
            errors.append(repr(e))
            return


def test_netns_churn():
    end = time.time() + DURATION * 0.2
    # Readers on the other CPU read each namespace while it is made and
    # destroyed, besides the reads of this thread below.
    live = [None]
    with running([(netns_reader, (live,))] * 2):
        created = netns_loop(end, live)
    bump("namespaces created", created)
    assert created > 0


def netns_loop(end, live):
    """Namespaces with sockets, each read while it ends; returns how many."""
    created = 0
    while time.time() < end:
        r, w = os.pipe()

        def body():
            os.close(r)
            socks = []
            for fam, addr in ((socket.AF_INET, "0.0.0.0"), (socket.AF_INET6, "::")):
                t = socket.socket(fam, socket.SOCK_STREAM)
                t.bind((addr, 0))
                t.listen(4)
                u = socket.socket(fam, socket.SOCK_DGRAM)
                u.bind((addr, 0))
                socks += [t, u]
            port = socks[0].getsockname()[1]
            data = open("/proc/self/net/tcpstat").read()
            assert (":%d " % port) in data
            os.write(w, b"%d\n" % port)
            os.read(os.open("/proc/self/net/udpstat", os.O_RDONLY), 1)
            time.sleep(0.05)

        pid = in_new_netns(body)
        live[0] = pid
        os.close(w)
        port = os.read(r, 64)
        os.close(r)
        # Read that namespace's file while the namespace goes away.
        fds = []
        for name in FILES:
            try:
                fds.append(os.open("/proc/%d/net/%s" % (pid, name), os.O_RDONLY))
            except OSError:
                pass
        for fd in fds:
            try:
                os.read(fd, 7)
            except OSError:
                pass
        _, status = os.waitpid(pid, 0)
        assert status == 0, "child in namespace failed: %d" % status
        for fd in fds:
            try:
                while os.read(fd, 4096):
                    pass
            except OSError:
                pass
            os.close(fd)
        assert port.strip().isdigit(), port
        created += 1
    return created


def test_unwind_file_creation_failures():
    subprocess.run(["rmmod", "knetstat"], check=True)
    try:
        for n in range(1, 5):
            p = subprocess.run(["insmod", MODULE, "fail_create=%d" % n], capture_output=True, text=True)
            assert p.returncode != 0, "load with fail_create=%d succeeded" % n
            for name in FILES:
                assert not os.path.exists("/proc/net/" + name), (n, name)
            assert not os.path.exists("/sys/module/knetstat")
    finally:
        subprocess.run(["insmod", MODULE], check=True)
    # With the module loaded, a failing namespace creation unwinds too.
    for n in range(1, 5):
        with open("/sys/module/knetstat/parameters/fail_create", "w") as f:
            f.write(str(n))
        pid = in_new_netns(lambda: None)
        _, status = os.waitpid(pid, 0)
        assert os.WEXITSTATUS(status) == 2, "unshare succeeded with fail_create=%d" % n
    with open("/sys/module/knetstat/parameters/fail_create", "w") as f:
        f.write("0")
    pid = in_new_netns(lambda: open("/proc/self/net/tcp6stat").read())
    assert os.waitpid(pid, 0)[1] == 0
    for name in FILES:
        assert open("/proc/net/" + name).readline()


def as_nobody(action):
    """Run action() as user nobody in a child; return the errno it failed
    with, or 0 if it succeeded."""
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            os.setgid(65534)
            os.setuid(65534)
            action()
        except OSError as e:
            code = e.errno
        except BaseException:           # noqa: BLE001
            code = 255
        os._exit(code)
    return os.WEXITSTATUS(os.waitpid(pid, 0)[1])


KMEMLEAK = "/sys/kernel/debug/kmemleak"


def kmemleak(cmd):
    with open(KMEMLEAK, "w") as f:
        f.write(cmd)


def test_no_leaks():
    """kmemleak finds nothing allocated during the run and never freed."""
    if not os.path.exists(KMEMLEAK):
        raise AssertionError("kernel without kmemleak: %s missing" % KMEMLEAK)
    time.sleep(6)                       # kmemleak ignores objects younger than 5 s
    kmemleak("scan")
    kmemleak("scan")
    with open(KMEMLEAK) as f:
        report = f.read()
    stats["kmemleak reports"] = report.count("unreferenced object")
    assert not report, report[:4000]


def test_bad_input():
    before = {n: open("/proc/net/" + n).readline() for n in FILES}
    for name in FILES:
        path = "/proc/net/" + name
        for flags in (os.O_WRONLY, os.O_RDWR, os.O_WRONLY | os.O_TRUNC):
            try:
                fd = os.open(path, flags)
            except OSError:
                continue                 # refusing the open is a clear error too
            try:
                os.write(fd, b"x\n")
                raise AssertionError("write to %s succeeded" % path)
            except OSError:
                pass
            finally:
                os.close(fd)
        # procfs itself handles truncate (proc_notify_change): root's is a
        # no-op that changes nothing, anyone else's fails with EACCES.
        data = open(path, "rb").read().split(b"\n")[0]
        os.truncate(path, 0)
        assert open(path, "rb").read().split(b"\n")[0] == data
        assert as_nobody(lambda: os.truncate(path, 0)) == errno.EACCES
        assert as_nobody(lambda: os.open(path, os.O_WRONLY)) == errno.EACCES
        fd = os.open(path, os.O_RDONLY)
        assert os.pread(fd, 100, 1 << 40) == b""           # far beyond the end
        os.lseek(fd, 10, os.SEEK_SET)
        assert os.read(fd, 5) == open(path, "rb").read()[10:15]
        try:
            os.lseek(fd, -5, os.SEEK_SET)
            raise AssertionError("negative seek succeeded")
        except OSError:
            pass
        os.close(fd)
    for bad in ("9", "-1", "abc", "1x"):
        fd = os.open("/sys/module/knetstat/parameters/fail_create", os.O_WRONLY)
        try:
            os.write(fd, bad.encode())
            raise AssertionError("accepted fail_create=%r" % bad)
        except OSError as e:
            assert e.errno == errno.EINVAL, e
        finally:
            os.close(fd)
    assert open("/sys/module/knetstat/parameters/fail_create").read().strip() == "0"
    # Loading a second time: a clear error.
    p = subprocess.run(["insmod", MODULE], capture_output=True, text=True)
    assert p.returncode != 0 and "exists" in p.stderr, p.stderr
    after = {n: open("/proc/net/" + n).readline() for n in FILES}
    assert before == after
    # Parameters at load time. A bad value for ours fails the load with our
    # message and leaves nothing behind; an unknown one the kernel itself
    # ignores with a message (load_module: "unknown parameter ... ignored").
    subprocess.run(["rmmod", "knetstat"], check=True)
    try:
        for bad in ("abc", "9", "-1"):
            p = subprocess.run(["insmod", MODULE, "fail_create=" + bad], capture_output=True, text=True)
            assert p.returncode != 0 and "Invalid" in p.stderr, (bad, p.stderr)
            assert not os.path.exists("/sys/module/knetstat")
            assert not os.path.exists("/proc/net/tcpstat")
            assert ("fail_create must be 0..4, not '%s'" % bad) in dmesg_tail(), bad
        p = subprocess.run(["insmod", MODULE, "no_such_param=1"], capture_output=True, text=True)
        assert p.returncode == 0, p.stderr
        assert "knetstat: unknown parameter 'no_such_param' ignored" in dmesg_tail()
        assert open("/proc/net/tcpstat").readline().startswith("Recv-Q")
    finally:
        if not os.path.exists("/sys/module/knetstat"):
            subprocess.run(["insmod", MODULE], check=True)


def dmesg_tail():
    return subprocess.run(["dmesg"], capture_output=True, text=True, check=True).stdout[-4000:]


if __name__ == "__main__":
    t0 = time.time()

    def figures():
        print("stress figures after %.0fs:" % (time.time() - t0))
        for k in sorted(stats):
            print("  %-40s %s" % (k, stats[k]))

    if not WITH_KMEMLEAK:
        print("left out: test_no_leaks (--without-kmemleak)")
    run_tests([test_churn, test_options_race_readers, test_reload_with_open_readers, test_netns_churn,
               test_unwind_file_creation_failures, test_bad_input] + [test_no_leaks] * WITH_KMEMLEAK, figures)
