#!/usr/bin/env python3
"""knetstat benchmark: full reads of /proc/net/tcpstat against the kernel's
own /proc/net/tcp, `ss` and `netstat`, at growing socket counts.

Run inside the release test VM with the module loaded (make bench):

    python3 tests/vm/bench.py [SIZES] [RUNS]     e.g. 1000,10000,100000 5

For each N it grows a population of N IPv4 TCP sockets on loopback (about
2% listeners, 80% in established pairs, 18% TIME_WAIT made fresh before
every round, since TIME_WAIT lasts 60 s) and N/10 UDP sockets, then times,
in rounds that take each reader once in turn:

    tcpstat       read(2) of /proc/net/tcpstat in 128 KiB reads, as cat does
    tcp           the same of /proc/net/tcp (the floor: same tables, same walk)
    ss -tan, ss -tanm, netstat -tan   the commands, output to /dev/null
    udpstat, udp  the UDP files

and prints a table: median milliseconds per read, microseconds per socket
(the sockets being those /proc/net/tcp or udp listed in the same round: ss
-m prints two lines a socket, ss and netstat add IPv6 sockets, of which
there are none here) and the ratio to /proc/net/tcp (or /proc/net/udp). Last, the linear-growth check:
time per row of tcpstat at the largest N against the second largest.

Figures only: nothing here passes or fails on a timing."""

import os
import resource
import socket
import statistics
import subprocess
import sys
import time

READ_SIZE = 128 * 1024
# Clients connect from 127.0.0.2..; each source address has its own set
# of ephemeral ports, so no (source, port) runs out however large N is.
PORTS_PER_SOURCE = 20000


def sysctl(name, value):
    with open("/proc/sys/" + name.replace(".", "/"), "w") as f:
        f.write(str(value))


def setup_host():
    resource.setrlimit(resource.RLIMIT_NOFILE, (1 << 20, 1 << 20))
    sysctl("net.ipv4.ip_local_port_range", "10000 65000")
    sysctl("net.ipv4.tcp_max_tw_buckets", 1 << 20)
    sysctl("net.core.somaxconn", 65535)
    sysctl("net.ipv4.tcp_max_syn_backlog", 65535)


class Population:
    """Sockets kept open while the benchmark reads the files."""

    def __init__(self):
        self.listeners, self.pairs, self.udp = [], [], []
        self.sources = 0
        self.made = 0          # client sockets bound so far (source address choice)

    def _client(self, target):
        src = "127.0.0.%d" % (2 + self.made // PORTS_PER_SOURCE)
        self.made += 1
        c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        c.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        c.bind((src, 0))
        c.connect(target)
        return c

    def _connect(self, n, keep):
        """n connections to the listeners; keep them, or close them at once
        from the client side so that they sit in TIME_WAIT."""
        for i in range(n):
            lsn = self.listeners[i % len(self.listeners)]
            c = self._client(lsn.getsockname())
            s, _ = lsn.accept()
            if keep:
                self.pairs.append((c, s))
            else:
                c.close()          # the active closer goes to TIME_WAIT
                s.close()

    def grow(self, n):
        """Listeners and established pairs for n TCP sockets, N/10 UDP."""
        want_lsn = max(1, n * 2 // 100)
        while len(self.listeners) < want_lsn:
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind(("127.0.0.1", 0))
            s.listen(1024)
            self.listeners.append(s)
        want_pairs = n * 80 // 100 // 2
        self._connect(want_pairs - len(self.pairs), True)
        while len(self.udp) < n // 10:
            u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            u.bind(("127.0.0.1", 0))
            self.udp.append(u)

    def fresh_timewait(self, n):
        self._connect(n * 18 // 100, False)

    def close(self):
        for s in self.listeners + self.udp + [x for p in self.pairs for x in p]:
            s.close()
        self.listeners, self.pairs, self.udp = [], [], []


def time_file(name):
    """(seconds, rows) for one full read of /proc/net/name."""
    t0 = time.perf_counter()
    fd = os.open("/proc/net/" + name, os.O_RDONLY)
    lines = 0
    while True:
        b = os.read(fd, READ_SIZE)
        if not b:
            break
        lines += b.count(b"\n")
    os.close(fd)
    return time.perf_counter() - t0, lines - 1


def time_cmd(argv):
    """(seconds, rows) for one run of a command, its output counted."""
    t0 = time.perf_counter()
    p = subprocess.run(argv, stdout=subprocess.PIPE, check=True)
    dt = time.perf_counter() - t0
    return dt, p.stdout.count(b"\n") - 1


TCP_READERS = [
    ("tcpstat", lambda: time_file("tcpstat")),
    ("/proc/net/tcp", lambda: time_file("tcp")),
    ("ss -tan", lambda: time_cmd(["ss", "-tan"])),
    ("ss -tanm", lambda: time_cmd(["ss", "-tanm"])),
    ("netstat -tan", lambda: time_cmd(["netstat", "-tan"])),
]
UDP_READERS = [
    ("udpstat", lambda: time_file("udpstat")),
    ("/proc/net/udp", lambda: time_file("udp")),
    ("ss -uan", lambda: time_cmd(["ss", "-uan"])),
]


def measure(pop, n, readers, floor, timewait, runs):
    """Per reader over runs rounds: (median seconds per read, median
    seconds per socket, median sockets), the sockets of a round being the
    rows the floor file (the kernel's own) listed in that round."""
    samples = {name: [] for name, _ in readers}
    for _ in range(runs):
        if timewait:
            pop.fresh_timewait(n)
        got = {name: fn() for name, fn in readers}
        sockets = max(got[floor][1], 1)
        for name, (t, _) in got.items():
            samples[name].append((t, t / sockets, sockets))
    return {name: tuple(statistics.median(x[i] for x in s) for i in range(3))
            for name, s in samples.items()}


def table(res, floor):
    base = res[floor][1]
    print("  %-14s %10s %9s %10s %8s" % ("reader", "median ms", "sockets", "us/socket",
                                         "x " + floor))
    for name, (t, per_sock, socks) in res.items():
        print("  %-14s %10.2f %9d %10.3f %8.2f" % (name, t * 1e3, socks, per_sock * 1e6,
                                                 per_sock / base))


def main():
    sizes = [int(x) for x in (sys.argv[1] if len(sys.argv) > 1 else "1000,10000,100000").split(",")]
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    setup_host()
    with open("/sys/devices/system/clocksource/clocksource0/current_clocksource") as f:
        clock = f.read().strip()
    # A jiffies clocksource times in 4 ms steps (HZ=250): a read of 1,000
    # sockets would measure 0 or 4 ms. Seen once in a boot under TCG whose
    # kernel had not taken the TSC (tsc=reliable notwithstanding).
    if "jiffies" in clock:
        sys.exit("bench: the clocksource is %s, which counts in jiffies: too coarse for "
                 "these figures; the kernel did not take the TSC at boot, run make bench again"
                 % clock)
    print("knetstat benchmark: kernel %s, clocksource %s, %d runs per reader, medians"
          % (os.uname().release, clock, runs))
    pop = Population()
    per_row = {}
    for n in sizes:
        t0 = time.time()
        pop.grow(n)
        print("\nN = %d TCP sockets (%d listeners, %d established, ~%d TIME_WAIT per round), "
              "%d UDP; set up in %.0fs"
              % (n, len(pop.listeners), 2 * len(pop.pairs), n * 18 // 100, len(pop.udp),
                 time.time() - t0))
        res = measure(pop, n, TCP_READERS, "/proc/net/tcp", True, runs)
        table(res, "/proc/net/tcp")
        per_row[n] = res["tcpstat"][1]
        res = measure(pop, n, UDP_READERS, "/proc/net/udp", False, runs)
        table(res, "/proc/net/udp")
        sys.stdout.flush()
    if len(sizes) >= 2:
        big, prev = sizes[-1], sizes[-2]
        ratio = per_row[big] / per_row[prev]
        print("\nlinear growth: tcpstat us/socket at N=%d is %.2fx that at N=%d (%s: within 1.5x)"
              % (big, ratio, prev, "yes" if ratio <= 1.5 else "NO"))
    pop.close()


if __name__ == "__main__":
    main()
