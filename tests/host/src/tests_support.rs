//! What the test modules (and the fuzz crate's seeds) share: a `Sink` that
//! collects into a `Vec`, a small deterministic random number generator,
//! and the sockets the tests start from.

use crate::sink::Sink;
use crate::snapshot::*;
use crate::sock_fmt::write_row;

/// Collects the output in memory.
pub(crate) struct VecSink(pub(crate) Vec<u8>);

impl Sink for VecSink {
    fn put(&mut self, bytes: &[u8]) {
        self.0.extend_from_slice(bytes);
    }

    fn position(&self) -> usize {
        self.0.len()
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
        rcvtimeo: KNETSTAT_NO_TIMEOUT,
        sndtimeo: KNETSTAT_NO_TIMEOUT,
        rcvlowat: 1,
        incoming_cpu: -1,
        ttl: -1,
        max_pacing_rate: u64::MAX,
        mc_ttl: 1,
        xflags: KNETSTAT_X_MC_LOOP | KNETSTAT_X_MC_ALL,
        congestion,
        net_admin: 1,
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
        kind: KNETSTAT_TCP_FULL,
        state,
        rcv_wnd: 65535,
        snd_wnd: 65535,
        hz: HZ,
        rcvtimeo: KNETSTAT_NO_TIMEOUT,
        sndtimeo: KNETSTAT_NO_TIMEOUT,
        ..new_socket()
    }
}

/// An established connection 127.0.0.1:40000 -> 127.0.0.1:8080.
pub(crate) fn estb() -> Snapshot {
    Snapshot {
        lport: 40000,
        raddr: v4(127, 0, 0, 1),
        rport: 8080,
        ..tcp(1)
    }
}

/// Every TCP option set, at HZ=250: the kernel's raw values for
/// KEEPIDLE=77, KEEPCNT=5, KEEPINTVL=13, USER_TIMEOUT=12345 ms,
/// SO_RCVBUF=65536, SO_SNDBUF=32768, RCVTIMEO=1.5 s, SNDTIMEO=0.123456 s,
/// LINGER=7 s, NODELAY, FASTOPEN=5, DEFER_ACCEPT=10 s (4 retransmits).
pub(crate) fn all_tcp_options(state: u8) -> Snapshot {
    Snapshot {
        reuse: 1,
        reuseport: 1,
        flags: KNETSTAT_F_KEEPALIVE
            | KNETSTAT_F_NODELAY
            | KNETSTAT_F_LINGER
            | KNETSTAT_F_RCVBUF_LOCK
            | KNETSTAT_F_SNDBUF_LOCK,
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

/// An established connection with every TCP option set and data
/// unacknowledged for 3 s: the `>#` row with every original item.
pub(crate) fn stalled_with_all_options() -> Snapshot {
    Snapshot {
        laddr: v4(192, 168, 1, 18),
        lport: 22,
        raddr: v4(192, 168, 1, 6),
        rport: 49537,
        rx_queue: 17,
        tx_queue: 4096,
        snd_una: 1000,
        snd_nxt: 5096,
        rcv_tstamp: 100,
        now: 100 + 3 * HZ,
        ..all_tcp_options(1)
    }
}

/// A device, congestion control or ULP name as the snapshot holds it.
pub(crate) fn name(text: impl AsRef<[u8]>) -> [u8; 16] {
    let text = text.as_ref();
    let mut n = [0; 16];
    n[..text.len()].copy_from_slice(text);
    n
}

/// `s` with every extension item a socket of any kind can have set.
pub(crate) fn all_sock(s: Snapshot) -> Snapshot {
    Snapshot {
        priority: 6,
        mark: 42,
        bound_dev: name("lo"),
        rcvlowat: 100,
        incoming_cpu: 1,
        busy_poll: 50,
        max_pacing_rate: 1_000_000,
        tsflags: 24,
        tos: 0x20,
        ttl: 44,
        xflags: s.xflags
            | KNETSTAT_X_RCVTSTAMP
            | KNETSTAT_X_RCVTSTAMPNS
            | KNETSTAT_X_FILTER
            | KNETSTAT_X_TRANSPARENT
            | KNETSTAT_X_FREEBIND
            | KNETSTAT_X_BIND_NO_PORT
            | KNETSTAT_X_V6ONLY,
        ..s
    }
}

/// `s`, a TCP socket, with every extension item set.
pub(crate) fn all_tcp_items(s: Snapshot) -> Snapshot {
    let s = all_sock(s);
    Snapshot {
        xflags: s.xflags | KNETSTAT_X_CA_CUSTOM | KNETSTAT_X_TCP_CORK | KNETSTAT_X_THIN_LTO,
        congestion: name("reno"),
        user_mss: 1200,
        notsent_lowat: 16384,
        window_clamp: 30000,
        syn_retries: 3,
        linger2: 30 * 250,
        ulp: name("tls"),
        ..s
    }
}

/// `s`, a UDP socket, with every extension item set.
pub(crate) fn all_udp_items(s: Snapshot) -> Snapshot {
    let s = all_sock(s);
    Snapshot {
        xflags: (s.xflags | KNETSTAT_X_UDP_CORK | KNETSTAT_X_UDP_GRO)
            & !(KNETSTAT_X_MC_LOOP | KNETSTAT_X_MC_ALL),
        gso_size: 1400,
        encap_type: 3,
        mc_ttl: 5,
        mc_addr: [127, 0, 0, 1],
        mc_ifindex: 1,
        tos: 0x10,
        ..s
    }
}
