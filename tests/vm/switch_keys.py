#!/usr/bin/env python3
"""Live code patching under the VM runner, on a stock kernel.

    python3 tests/vm/switch_keys.py SECONDS

For SECONDS, CPU 0 opens and closes SO_TIMESTAMP sockets, each switching
netstamp_needed_key on and off (the kernel rewrites every site of that
static key in its code), while CPU 1 sends UDP datagrams to itself over
loopback, through netif_rx_internal(), one of those sites. It checks the
harness, not knetstat (which need not be loaded): under multi-threaded TCG
an amd64 kernel then hits a stale int3 within seconds ("Oops: int3"), which
is why tests/vm/run.sh runs stock amd64 kernels on one host thread. The
runner's kernel-log scan is the verdict; this script fails itself only if
either CPU made no progress. Prints what both did.
"""

import os
import socket
import sys
import time

from knetstat_lib import SO_TIMESTAMP


def send_to_self(until):
    """CPU 1: datagrams to our own socket over loopback; returns how many."""
    os.sched_setaffinity(0, {1})
    rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    rx.bind(("127.0.0.1", 0))
    rx.setblocking(False)
    tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sent = 0
    while time.monotonic() < until:
        for _ in range(100):
            tx.sendto(b"x", rx.getsockname())
            try:
                rx.recv(16)
            except BlockingIOError:
                pass
        sent += 100
    return sent


def switch_netstamp(until):
    """CPU 0: SO_TIMESTAMP sockets opened and closed; returns how many."""
    os.sched_setaffinity(0, {0})
    switched = 0
    while time.monotonic() < until:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMP, 1)
        switched += 1
        # The key is switched off by a work item: let it run, so that each
        # socket is a switch on and a switch off, not a count.
        time.sleep(0.002)
    return switched


def main():
    seconds = float(sys.argv[1])
    until = time.monotonic() + seconds
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        os.write(w, str(send_to_self(until)).encode())
        os._exit(0)
    os.close(w)
    switched = switch_netstamp(until)
    os.waitpid(pid, 0)
    sent = int(os.read(r, 32) or b"0")
    print(f"switch_keys: {switched} SO_TIMESTAMP sockets on CPU 0, "
          f"{sent} loopback datagrams on CPU 1, in {seconds:g} s")
    if not switched or not sent:
        print("switch_keys: FAIL a CPU made no progress")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
