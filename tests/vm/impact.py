#!/usr/bin/env python3
"""knetstat impact benchmark: what a reader of /proc/net/tcpstat costs live
traffic, against a reader of the kernel's own /proc/net/tcp and no reader.

Run inside the release test VM (2 vCPUs) with the module loaded (make impact):

    python3 tests/vm/impact.py [SIZES] [SECONDS]     e.g. 10000,100000 10

The traffic runs on CPU 0, the reader on CPU 1, in a loop of whole-file
reads in 128 KiB read() calls as cat does. Each cell lasts SECONDS.

1. Request/response. At each N of SIZES, bench.py's population of idle
   sockets (its Population, without TIME_WAIT: 2% listeners, 80% in
   established pairs, N/10 UDP), plus CONNS loopback connections, each
   with one MSG-byte request outstanding, echoed by a server process;
   client and server on CPU 0. The receive path looks sockets up under
   RCU and takes no hash lock, so a reader can only slow it down by
   what it shares with it (memory, the kernel, TCG's host threads).

2. Probes: the traffic that does take the bucket locks a reader holds,
   timed call by call on CPU 0 (Linux 6.12, net/ipv4/inet_hashtables.c):

   - connect()+close(), at each N: connect() -> tcp_v4_connect() ->
     __inet_hash_connect() -> inet_ehash_nolisten() -> inet_ehash_insert(),
     which takes the ehash bucket's lock, spin_lock(inet_ehash_lockp())
     (one lock per group of buckets: 1024 locks here). close() with
     SO_LINGER 0 (a reset, no TIME_WAIT piling up) -> tcp_set_state(
     TCP_CLOSE) -> inet_unhash(), spin_lock_bh() of the same lock. The
     server side (SYN_RECV request, its child, the reset) takes it
     again from softirq, on CPU 0 too.
   - listen()+close(), first and with no population: LISTENERS
     SO_REUSEPORT listeners on one address and port all hash into one
     lhash2 bucket, the longest bucket we can make. The probe is one more such listener: listen() ->
     inet_csk_listen_start() -> inet_hash() -> __inet_hash(),
     spin_lock(&ilb2->lock) of that bucket; close() -> tcp_set_state(
     TCP_CLOSE) -> inet_unhash(), the same lock. (An incoming SYN takes
     no lock: __inet_lookup_listener() is RCU.)

   A probe call that finds the lock held spins until the reader drops
   it, so the probe's figures against no reader's show how long a
   reader keeps a lock. The reader's own figures are its read() calls:
   a read() of a seq_file fills one 4 KiB page (some 25 rows) from
   start() to stop(), and stop() drops the bucket lock, so no lock is
   held across read() calls and the longest read() call bounds the
   longest hold from above (loosely: it includes the walk over empty
   buckets, which takes no lock). With the 1,000 listeners a read()
   call is some 25 rows of that one bucket under its lock: a reader
   never holds even the whole bucket at once. The last read() call,
   which returns 0, is left out: there tcp_seq_start() finds no
   position to resume from and walks the whole table again from the
   start (knetstat's walk and the kernel's alike: some 3 ms at 10,000
   sockets here, 40x a call that returns rows), taking each bucket's
   lock in turn without formatting a row, so its holds are the shorter.

Each table has a row per reader (none, tcpstat, /proc/net/tcp): requests
or probe calls per second, their p50, p99 and max in microseconds; the
reader's whole-file reads per second and its read() calls' p99 and max.

Figures only: nothing here passes or fails on a timing. Under TCG the
vCPUs are host threads, so a busy host (another build) shows up as
outliers in every max, with or without a reader."""

import multiprocessing
import os
import selectors
import socket
import struct
import sys
import time

import bench

LOAD_CPU, READER_CPU = 0, 1
CONNS = 4                # request/response connections
MSG = 64                 # bytes per request and per response
LISTENERS = 1000         # SO_REUSEPORT listeners in the worst case
READERS = [("none", None), ("tcpstat", "tcpstat"), ("/proc/net/tcp", "tcp")]
NODELAY = (socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


def pin(cpu):
    os.sched_setaffinity(0, {cpu})


def spread(samples):
    """p50, p99 and max of durations in seconds, in microseconds."""
    s = sorted(samples)
    return [x * 1e6 for x in (s[len(s) // 2], s[len(s) * 99 // 100], s[-1])]


def reader(name, stop, conn):
    """On READER_CPU, whole-file reads of /proc/net/name until stop is set;
    sends back (whole reads, p99 and max duration of the read() calls that
    returned rows)."""
    pin(READER_CPU)
    conn.send("ready")
    calls, reads = [], 0
    while not stop.is_set():
        fd = os.open("/proc/net/" + name, os.O_RDONLY)
        while True:
            t0 = time.perf_counter()
            got = os.read(fd, bench.READ_SIZE)
            if not got:        # the end-of-file call: see the docstring
                break
            calls.append(time.perf_counter() - t0)
        os.close(fd)
        reads += 1
    conn.send((reads, spread(calls)[1:]))


def with_reader(name, work):
    """work() (on LOAD_CPU) while a reader of /proc/net/name runs on
    READER_CPU, or alone if name is None: (work's result, reader's)."""
    if name is None:
        return work(), None
    stop = multiprocessing.Event()
    here, there = multiprocessing.Pipe()
    p = multiprocessing.Process(target=reader, args=(name, stop, there))
    p.start()
    here.recv()
    result = work()
    stop.set()
    got = here.recv()
    p.join()
    return result, got


def echo_server(lsn):
    """Echo every byte back on CONNS accepted connections until they close."""
    conns = [lsn.accept()[0] for _ in range(CONNS)]
    sel = selectors.DefaultSelector()
    for c in conns:
        c.setsockopt(*NODELAY)
        sel.register(c, selectors.EVENT_READ)
    while sel.get_map():
        for key, _ in sel.select():
            data = key.fileobj.recv(4096)
            if data:
                key.fileobj.sendall(data)
            else:
                sel.unregister(key.fileobj)
                key.fileobj.close()


def request_response(seconds):
    """CONNS connections, one request outstanding on each, for seconds:
    the latency of every request, in seconds."""
    lsn = socket.create_server(("127.0.0.1", 0))
    server = multiprocessing.Process(target=echo_server, args=(lsn,))
    server.start()
    conns = [socket.create_connection(lsn.getsockname()) for _ in range(CONNS)]
    request = b"r" * MSG
    for c in conns:            # one untimed round trip: the server is up
        c.setsockopt(*NODELAY)
        c.sendall(request)
        c.recv(MSG, socket.MSG_WAITALL)
    sel = selectors.DefaultSelector()
    sent, got, latencies = {}, {}, []
    for c in conns:
        sel.register(c, selectors.EVENT_READ)
        sent[c], got[c] = time.perf_counter(), 0
        c.sendall(request)
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        for key, _ in sel.select():
            c = key.fileobj
            got[c] += len(c.recv(4096))
            if got[c] == MSG:
                now = time.perf_counter()
                latencies.append(now - sent[c])
                sent[c], got[c] = now, 0
                c.sendall(request)
    for c in conns:            # the outstanding response, then a clean close
        c.recv(MSG - got[c], socket.MSG_WAITALL)
        c.close()
    server.join()
    lsn.close()
    return latencies


def probe(seconds, setup, timed, after=lambda s: None):
    """Durations of timed(s) for seconds, s = setup() fresh each time."""
    out = []
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        s = setup()
        t0 = time.perf_counter()
        timed(s)
        out.append(time.perf_counter() - t0)
        after(s)
    return out


def reuseport_socket(addr):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    s.bind(addr)
    return s


def listen_close(seconds, addr):
    """listen()+close() of one more SO_REUSEPORT listener on addr."""
    def timed(s):
        s.listen()
        s.close()
    return probe(seconds, lambda: reuseport_socket(addr), timed)


def connect_close(seconds):
    """connect()+close() (SO_LINGER 0: a reset) to a loopback listener;
    the accepted end closed after the timed part."""
    lsn = socket.create_server(("127.0.0.1", 0), backlog=128)

    def setup():
        c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        return c

    def timed(c):
        c.connect(lsn.getsockname())
        c.close()

    out = probe(seconds, setup, timed, lambda c: lsn.accept()[0].close())
    lsn.close()
    return out


def header(what):
    print("  %-14s %9s %8s %8s %8s | %7s %10s %10s"
          % ("reader", what, "p50 us", "p99 us", "max us",
             "reads/s", "read() p99", "read() max"))


def row(name, seconds, samples, read):
    """The traffic's rate and spread; the reader's, if there is one."""
    p50, p99, top = spread(samples)
    rd = ("%7.1f %10.0f %10.0f" % (read[0] / seconds, *read[1]) if read
          else "%7s %10s %10s" % ("-", "-", "-"))
    print("  %-14s %9.0f %8.0f %8.0f %8.0f | %s"
          % (name, len(samples) / seconds, p50, p99, top, rd))
    sys.stdout.flush()


def cells(title, what, seconds, work):
    """work(seconds) under each reader in turn, one row each."""
    print("  " + title)
    header(what)
    for name, f in READERS:
        samples, read = with_reader(f, lambda: work(seconds))
        row(name, seconds, samples, read)


def main():
    sizes = [int(x) for x in (sys.argv[1] if len(sys.argv) > 1 else "10000,100000").split(",")]
    seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 10
    bench.setup_host()
    pin(LOAD_CPU)
    print("knetstat impact: kernel %s, %d CPUs, traffic on CPU %d, reader on CPU %d, "
          "%g s per cell" % (os.uname().release, os.cpu_count(), LOAD_CPU, READER_CPU, seconds))

    print("\n%d SO_REUSEPORT listeners on 127.0.0.1, one port (one lhash2 bucket)" % LISTENERS)
    first = reuseport_socket(("127.0.0.1", 0))
    addr = first.getsockname()
    group = [first] + [reuseport_socket(addr) for _ in range(LISTENERS - 1)]
    for s in group:
        s.listen()
    cells("listen()+close() of one more on that port (that bucket's lock)", "probes/s",
          seconds, lambda t: listen_close(t, addr))
    for s in group:
        s.close()

    pop = bench.Population()
    for n in sizes:
        t0 = time.time()
        pop.grow(n)
        print("\nN = %d: %d listeners, %d established, %d UDP (set up in %.0f s)"
              % (n, len(pop.listeners), 2 * len(pop.pairs), len(pop.udp), time.time() - t0))
        cells("request/response, %d connections, %d B, one request outstanding on each"
              % (CONNS, MSG), "req/s", seconds, request_response)
        cells("connect()+close() (ehash bucket locks)", "probes/s", seconds, connect_close)
    pop.close()


if __name__ == "__main__":
    main()
