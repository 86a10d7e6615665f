//! What the test modules (and the fuzz crate's seeds) share: a `Sink` that
//! collects into a `Vec`, a small deterministic random number generator,
//! and the sockets the tests start from.

use crate::sock_fmt::{
    write_row, Sink, Snapshot, F_KEEPALIVE, F_LINGER, F_NODELAY, F_RCVBUF_LOCK, F_SNDBUF_LOCK,
    KIND_TCP_FULL, NO_TIMEOUT, X_MC_ALL, X_MC_LOOP,
};

/// Collects the output in memory.
pub(crate) struct VecSink(pub(crate) Vec<u8>);

impl Sink for VecSink {
    fn put(&mut self, bytes: &[u8]) {
        self.0.extend_from_slice(bytes);
    }
}

/// The line `write_row` prints for `s`.
pub(crate) fn row(s: &Snapshot) -> String {
    let mut out = VecSink(Vec::new());
    write_row(&mut out, s);
    String::from_utf8(out.0).expect("rows are ASCII")
}

/// xorshift64: reproducible pseudo-random numbers, no dependency.
pub(crate) struct Rng(pub(crate) u64);

impl Rng {
    /// The next number.
    pub(crate) fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

/// A snapshot with the values a new socket has where the kernel's default
/// is not zero: every extension item then stays silent, as on a real
/// default socket. (rcvtimeo/sndtimeo: no timeout; congestion: the
/// namespace default, so not flagged as custom.)
pub(crate) fn new_socket() -> Snapshot {
    let mut congestion = [0; 16];
    congestion[..5].copy_from_slice(b"cubic");
    Snapshot {
        rcvtimeo: NO_TIMEOUT,
        sndtimeo: NO_TIMEOUT,
        rcvlowat: 1,
        incoming_cpu: -1,
        ttl: -1,
        max_pacing_rate: u64::MAX,
        mc_ttl: 1,
        xflags: X_MC_LOOP | X_MC_ALL,
        congestion,
        ..Default::default()
    }
}

/// Test kernels run at HZ=250, as Debian's.
pub(crate) const HZ: u32 = 250;

/// An IPv4 address as the snapshot holds it.
pub(crate) fn v4(a: u8, b: u8, c: u8, d: u8) -> [u8; 16] {
    let mut x = [0; 16];
    x[..4].copy_from_slice(&[a, b, c, d]);
    x
}

/// An IPv6 address from its eight 16-bit groups.
pub(crate) fn v6(words: [u16; 8]) -> [u8; 16] {
    let mut x = [0; 16];
    for (i, w) in words.iter().enumerate() {
        x[2 * i..2 * i + 2].copy_from_slice(&w.to_be_bytes());
    }
    x
}

/// A full TCP socket 127.0.0.1:8080 -> 0.0.0.0:*, all options at default.
pub(crate) fn tcp(state: u8) -> Snapshot {
    Snapshot {
        laddr: v4(127, 0, 0, 1),
        lport: 8080,
        family: 4,
        kind: KIND_TCP_FULL,
        state,
        rcv_wnd: 65535,
        snd_wnd: 65535,
        hz: HZ,
        rcvtimeo: NO_TIMEOUT,
        sndtimeo: NO_TIMEOUT,
        ..new_socket()
    }
}

/// An established connection 127.0.0.1:40000 -> 127.0.0.1:8080.
pub(crate) fn estb() -> Snapshot {
    Snapshot { lport: 40000, raddr: v4(127, 0, 0, 1), rport: 8080, ..tcp(1) }
}

/// Every TCP option set, at HZ=250: the kernel's raw values for
/// KEEPIDLE=77, KEEPCNT=5, KEEPINTVL=13, USER_TIMEOUT=12345 ms,
/// SO_RCVBUF=65536, SO_SNDBUF=32768, RCVTIMEO=1.5 s, SNDTIMEO=0.123456 s,
/// LINGER=7 s, NODELAY, FASTOPEN=5, DEFER_ACCEPT=10 s (4 retransmits).
pub(crate) fn all_tcp_options(state: u8) -> Snapshot {
    Snapshot {
        reuse: 1,
        reuseport: 1,
        flags: F_KEEPALIVE | F_NODELAY | F_LINGER | F_RCVBUF_LOCK | F_SNDBUF_LOCK,
        keepidle: 77 * HZ,
        keepcnt: 5,
        keepintvl: 13 * HZ,
        user_timeout: 12345,
        rcvbuf: 131072,
        sndbuf: 65536,
        rcvtimeo: 375,
        sndtimeo: 31,
        lingertime: 7 * i64::from(HZ),
        fastopen_qlen: 5,
        defer_accept: 4,
        ..tcp(state)
    }
}
