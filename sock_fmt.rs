// SPDX-License-Identifier: GPL-2.0

//! One row of a knetstat file, formatted from a [`Snapshot`].
//!
//! Pure `core` code: it compiles in the kernel module and in the host test
//! crate (`tests/host`), so every formatting rule is tested without a VM.

/// A socket as `helpers.c` copied it: the Rust mirror of
/// `struct knetstat_sock` in `helpers.h`. See that header for each field.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Snapshot {
    /// Local address, network byte order; IPv4 uses bytes 0..4.
    pub(crate) laddr: [u8; 16],
    /// Remote address, likewise.
    pub(crate) raddr: [u8; 16],
    /// Local port, host byte order.
    pub(crate) lport: u16,
    /// Remote port, host byte order; 0 prints as `*`.
    pub(crate) rport: u16,
    /// 4 or 6.
    pub(crate) family: u8,
    /// One of the `KIND_*` constants.
    pub(crate) kind: u8,
    /// TCP state number (the sub-state for TIME_WAIT).
    pub(crate) state: u8,
    /// `F_*` bits.
    pub(crate) flags: u8,
    /// Recv-Q.
    pub(crate) rx_queue: i32,
    /// Send-Q.
    pub(crate) tx_queue: i32,
    /// Receive window we advertise.
    pub(crate) rcv_wnd: u32,
    /// Send window the peer advertises.
    pub(crate) snd_wnd: u32,
    /// Next sequence number to send.
    pub(crate) snd_nxt: u32,
    /// First unacknowledged sequence number.
    pub(crate) snd_una: u32,
    /// Jiffies (32 bit) of the last ACK received.
    pub(crate) rcv_tstamp: u32,
    /// Jiffies (32 bit) when the snapshot was taken.
    pub(crate) now: u32,
    /// HZ of the running kernel.
    pub(crate) hz: u32,
    /// `sk_reuse`.
    pub(crate) reuse: u8,
    /// `sk_reuseport`.
    pub(crate) reuseport: u8,
    /// `keepalive_probes`, 0 when not set on the socket.
    pub(crate) keepcnt: u8,
    /// `rskq_defer_accept`, in SYN-ACK retransmissions.
    pub(crate) defer_accept: u8,
    /// `keepalive_time` in jiffies, 0 when not set on the socket.
    pub(crate) keepidle: u32,
    /// `keepalive_intvl` in jiffies, 0 when not set on the socket.
    pub(crate) keepintvl: u32,
    /// `icsk_user_timeout` in milliseconds.
    pub(crate) user_timeout: u32,
    /// `sk_rcvbuf`, the kernel's doubled value.
    pub(crate) rcvbuf: i32,
    /// `sk_sndbuf`, likewise.
    pub(crate) sndbuf: i32,
    /// Fast-open queue length (`fastopenq.max_qlen`).
    pub(crate) fastopen_qlen: i32,
    /// `sk_rcvtimeo` in jiffies, [`NO_TIMEOUT`] when none is set.
    pub(crate) rcvtimeo: i64,
    /// `sk_sndtimeo` in jiffies, [`NO_TIMEOUT`] when none is set.
    pub(crate) sndtimeo: i64,
    /// `sk_lingertime` in jiffies.
    pub(crate) lingertime: i64,
    /// `sk_max_pacing_rate` in bytes per second; `u64::MAX` = unlimited.
    pub(crate) max_pacing_rate: u64,
    /// `X_*` bits.
    pub(crate) xflags: u32,
    /// `sk_priority`.
    pub(crate) priority: u32,
    /// `sk_mark`.
    pub(crate) mark: u32,
    /// `sk_rcvlowat`, 1 by default.
    pub(crate) rcvlowat: i32,
    /// `sk_incoming_cpu`, -1 when none.
    pub(crate) incoming_cpu: i32,
    /// `sk_ll_usec`: SO_BUSY_POLL in microseconds.
    pub(crate) busy_poll: u32,
    /// `sk_tsflags`: SO_TIMESTAMPING.
    pub(crate) tsflags: u32,
    /// IPv4 `uc_ttl` or IPv6 `hop_limit`; -1 when not set.
    pub(crate) ttl: i32,
    /// UDP: IPv4 `mc_index` or IPv6 `mcast_oif`; 0 when not set.
    pub(crate) mc_ifindex: i32,
    /// UDP over IPv4: `mc_addr`, network byte order.
    pub(crate) mc_addr: [u8; 4],
    /// `notsent_lowat`, 0 = the sysctl.
    pub(crate) notsent_lowat: u32,
    /// `window_clamp`.
    pub(crate) window_clamp: u32,
    /// `linger2` in jiffies: 0 = the sysctl, negative = off.
    pub(crate) linger2: i32,
    /// `rx_opt.user_mss`, 0 when not set.
    pub(crate) user_mss: u16,
    /// UDP `gso_size` (UDP_SEGMENT), 0 = off.
    pub(crate) gso_size: u16,
    /// IPv4 `tos` or IPv6 `tclass`.
    pub(crate) tos: u8,
    /// UDP: IPv4 `mc_ttl` or IPv6 `mcast_hops`, 1 by default.
    pub(crate) mc_ttl: u8,
    /// `icsk_syn_retries`, 0 = the sysctl.
    pub(crate) syn_retries: u8,
    /// UDP `encap_type`, 0 = none.
    pub(crate) encap_type: u8,
    /// `icsk_retransmits`: RTO timeouts not yet recovered from.
    pub(crate) retransmits: u8,
    /// `icsk_probes_out`: probes not answered.
    pub(crate) probes_out: u8,
    /// `icsk_pending`: the kernel's `ICSK_TIME_*` of the armed timer.
    pub(crate) pending: u8,
    /// Zero.
    pub(crate) reserved: u8,
    /// The SO_BINDTODEVICE device's name, NUL padded; empty = none.
    pub(crate) bound_dev: [u8; 16],
    /// The congestion control's name, NUL padded.
    pub(crate) congestion: [u8; 16],
    /// The ULP's name, NUL padded; empty = none.
    pub(crate) ulp: [u8; 16],
}

// Pinned layout: helpers.c asserts the same size and offsets.
const _: () = {
    use core::mem::{offset_of, size_of};
    assert!(size_of::<Snapshot>() == 248);
    assert!(offset_of!(Snapshot, laddr) == 0);
    assert!(offset_of!(Snapshot, raddr) == 16);
    assert!(offset_of!(Snapshot, lport) == 32);
    assert!(offset_of!(Snapshot, rport) == 34);
    assert!(offset_of!(Snapshot, family) == 36);
    assert!(offset_of!(Snapshot, kind) == 37);
    assert!(offset_of!(Snapshot, state) == 38);
    assert!(offset_of!(Snapshot, flags) == 39);
    assert!(offset_of!(Snapshot, rx_queue) == 40);
    assert!(offset_of!(Snapshot, tx_queue) == 44);
    assert!(offset_of!(Snapshot, rcv_wnd) == 48);
    assert!(offset_of!(Snapshot, snd_wnd) == 52);
    assert!(offset_of!(Snapshot, snd_nxt) == 56);
    assert!(offset_of!(Snapshot, snd_una) == 60);
    assert!(offset_of!(Snapshot, rcv_tstamp) == 64);
    assert!(offset_of!(Snapshot, now) == 68);
    assert!(offset_of!(Snapshot, hz) == 72);
    assert!(offset_of!(Snapshot, reuse) == 76);
    assert!(offset_of!(Snapshot, reuseport) == 77);
    assert!(offset_of!(Snapshot, keepcnt) == 78);
    assert!(offset_of!(Snapshot, defer_accept) == 79);
    assert!(offset_of!(Snapshot, keepidle) == 80);
    assert!(offset_of!(Snapshot, keepintvl) == 84);
    assert!(offset_of!(Snapshot, user_timeout) == 88);
    assert!(offset_of!(Snapshot, rcvbuf) == 92);
    assert!(offset_of!(Snapshot, sndbuf) == 96);
    assert!(offset_of!(Snapshot, fastopen_qlen) == 100);
    assert!(offset_of!(Snapshot, rcvtimeo) == 104);
    assert!(offset_of!(Snapshot, sndtimeo) == 112);
    assert!(offset_of!(Snapshot, lingertime) == 120);
    assert!(offset_of!(Snapshot, max_pacing_rate) == 128);
    assert!(offset_of!(Snapshot, xflags) == 136);
    assert!(offset_of!(Snapshot, priority) == 140);
    assert!(offset_of!(Snapshot, mark) == 144);
    assert!(offset_of!(Snapshot, rcvlowat) == 148);
    assert!(offset_of!(Snapshot, incoming_cpu) == 152);
    assert!(offset_of!(Snapshot, busy_poll) == 156);
    assert!(offset_of!(Snapshot, tsflags) == 160);
    assert!(offset_of!(Snapshot, ttl) == 164);
    assert!(offset_of!(Snapshot, mc_ifindex) == 168);
    assert!(offset_of!(Snapshot, mc_addr) == 172);
    assert!(offset_of!(Snapshot, notsent_lowat) == 176);
    assert!(offset_of!(Snapshot, window_clamp) == 180);
    assert!(offset_of!(Snapshot, linger2) == 184);
    assert!(offset_of!(Snapshot, user_mss) == 188);
    assert!(offset_of!(Snapshot, gso_size) == 190);
    assert!(offset_of!(Snapshot, tos) == 192);
    assert!(offset_of!(Snapshot, mc_ttl) == 193);
    assert!(offset_of!(Snapshot, syn_retries) == 194);
    assert!(offset_of!(Snapshot, encap_type) == 195);
    assert!(offset_of!(Snapshot, retransmits) == 196);
    assert!(offset_of!(Snapshot, probes_out) == 197);
    assert!(offset_of!(Snapshot, pending) == 198);
    assert!(offset_of!(Snapshot, reserved) == 199);
    assert!(offset_of!(Snapshot, bound_dev) == 200);
    assert!(offset_of!(Snapshot, congestion) == 216);
    assert!(offset_of!(Snapshot, ulp) == 232);
};

/// `kind`: a full TCP socket.
pub(crate) const KIND_TCP_FULL: u8 = 0;
/// `kind`: a TCP TIME_WAIT socket.
pub(crate) const KIND_TCP_TIMEWAIT: u8 = 1;
/// `kind`: a TCP request socket (SYN_RECV).
pub(crate) const KIND_TCP_REQUEST: u8 = 2;
/// `kind`: a UDP socket.
pub(crate) const KIND_UDP: u8 = 3;
/// `kind`: the header line of tcpstat/tcp6stat.
pub(crate) const KIND_HEADER_TCP: u8 = 4;
/// `kind`: the header line of udpstat/udp6stat.
pub(crate) const KIND_HEADER_UDP: u8 = 5;

/// `flags`: SO_KEEPALIVE is on.
pub(crate) const F_KEEPALIVE: u8 = 0x01;
/// `flags`: TCP_NODELAY is on.
pub(crate) const F_NODELAY: u8 = 0x02;
/// `flags`: SO_LINGER is on.
pub(crate) const F_LINGER: u8 = 0x04;
/// `flags`: the application set SO_RCVBUF.
pub(crate) const F_RCVBUF_LOCK: u8 = 0x08;
/// `flags`: the application set SO_SNDBUF.
pub(crate) const F_SNDBUF_LOCK: u8 = 0x10;
/// `flags`: SO_BROADCAST is on.
pub(crate) const F_BROADCAST: u8 = 0x20;

/// `xflags`: IP_TRANSPARENT.
pub(crate) const X_TRANSPARENT: u32 = 0x0001;
/// `xflags`: IP_FREEBIND.
pub(crate) const X_FREEBIND: u32 = 0x0002;
/// `xflags`: IP_BIND_ADDRESS_NO_PORT.
pub(crate) const X_BIND_NO_PORT: u32 = 0x0004;
/// `xflags`: IPV6_V6ONLY is on.
pub(crate) const X_V6ONLY: u32 = 0x0008;
/// `xflags`: the namespace's `bindv6only` sysctl is on (the default).
pub(crate) const X_V6ONLY_DEF: u32 = 0x0010;
/// `xflags`: a socket filter is attached.
pub(crate) const X_FILTER: u32 = 0x0020;
/// `xflags`: `SOCK_RCVTSTAMP`.
pub(crate) const X_RCVTSTAMP: u32 = 0x0040;
/// `xflags`: `SOCK_RCVTSTAMPNS`.
pub(crate) const X_RCVTSTAMPNS: u32 = 0x0080;
/// `xflags`: `SOCK_TSTAMP_NEW`.
pub(crate) const X_TSTAMP_NEW: u32 = 0x0100;
/// `xflags`: multicast loop (IPv4 or IPv6) is on.
pub(crate) const X_MC_LOOP: u32 = 0x0200;
/// `xflags`: multicast "all" (IPv4 or IPv6) is on.
pub(crate) const X_MC_ALL: u32 = 0x0400;
/// `xflags`: TCP_CORK.
pub(crate) const X_TCP_CORK: u32 = 0x0800;
/// `xflags`: TCP_THIN_LINEAR_TIMEOUTS.
pub(crate) const X_THIN_LTO: u32 = 0x1000;
/// `xflags`: the congestion control was set by setsockopt() or is not
/// the namespace's default.
pub(crate) const X_CA_CUSTOM: u32 = 0x2000;
/// `xflags`: UDP_CORK.
pub(crate) const X_UDP_CORK: u32 = 0x4000;
/// `xflags`: UDP_GRO.
pub(crate) const X_UDP_GRO: u32 = 0x8000;
/// `xflags`: the window clamp is the one SO_RCVBUF sets on 7.x.
pub(crate) const X_CLAMP_RCVBUF: u32 = 0x10000;

/// `rcvtimeo`/`sndtimeo` when no timeout is set.
pub(crate) const NO_TIMEOUT: i64 = -1;

/// Where formatted bytes go: the seq_file in the kernel, a `Vec` in tests.
pub(crate) trait Sink {
    /// Appends `bytes` to the output.
    fn put(&mut self, bytes: &[u8]);
}

/// The first line of tcpstat and tcp6stat.
const TCP_HEADER: &[u8] =
    b"Recv-Q Send-Q Local Address           Foreign Address         Stat Diag Options\n";
/// The first line of udpstat and udp6stat.
const UDP_HEADER: &[u8] =
    b"Recv-Q Send-Q Local Address           Foreign Address         Options\n";

/// State names, indexed by the kernel's TCP state numbers.
const STATE_NAMES: [&str; 13] = [
    "NONE", "ESTB", "SYNS", "SYNR", "FNW1", "FNW2", "TIMW", "CLSD", "CLSW", "LACK", "LSTN", "CLSG",
    "SYNR",
];

/// Width of the address columns; longer addresses are printed whole.
const ADDR_WIDTH: usize = 23;
/// Width of the queue columns (`%6d`).
const QUEUE_WIDTH: usize = 6;
/// Width of the Diag column.
const DIAG_WIDTH: usize = 4;

/// Writes the line for `s`: a header, or one socket's row, with its newline.
pub(crate) fn write_row<S: Sink>(out: &mut S, s: &Snapshot) {
    match s.kind {
        KIND_HEADER_TCP => out.put(TCP_HEADER),
        KIND_HEADER_UDP => out.put(UDP_HEADER),
        _ => write_socket(out, s),
    }
}

/// Writes one socket's row.
fn write_socket<S: Sink>(out: &mut S, s: &Snapshot) {
    for queue in [s.rx_queue, s.tx_queue] {
        let mut room = [0u8; COLUMN_MAX];
        let mut col = SliceSink::new(&mut room);
        put_i64(&mut col, queue.into());
        put_right(out, col.bytes(), QUEUE_WIDTH);
        out.put(b" ");
    }
    write_endpoint(out, s.family, &s.laddr, s.lport);
    write_endpoint(out, s.family, &s.raddr, s.rport);
    match s.kind {
        KIND_UDP => crate::options::write_udp_options(out, s),
        KIND_TCP_FULL => {
            put_state(out, s.state);
            put_left(out, crate::diag::diag_flag(s).as_bytes(), DIAG_WIDTH);
            out.put(b" ");
            crate::options::write_tcp_options(out, s);
        }
        // TIME_WAIT and request sockets have no options: the row ends
        // after the state. (helpers.c sends no other kind.)
        KIND_TCP_TIMEWAIT | KIND_TCP_REQUEST => put_state(out, s.state),
        _ => put_state(out, s.state),
    }
    out.put(b"\n");
}

/// Writes the 4-letter state name and one space.
fn put_state<S: Sink>(out: &mut S, state: u8) {
    out.put(state_name(state).as_bytes());
    out.put(b" ");
}

/// The 4-letter name of a TCP state; `NONE` for an unknown number.
fn state_name(state: u8) -> &'static str {
    STATE_NAMES
        .get(usize::from(state))
        .copied()
        .unwrap_or("NONE")
}

/// Writes `address:port` padded to the column width, then one space.
fn write_endpoint<S: Sink>(out: &mut S, family: u8, addr: &[u8; 16], port: u16) {
    let mut room = [0u8; COLUMN_MAX];
    let mut col = SliceSink::new(&mut room);
    if family == 6 {
        put_ipv6(&mut col, addr);
    } else {
        let [a, b, c, d, ..] = *addr;
        put_ipv4(&mut col, [a, b, c, d]);
    }
    col.put(b":");
    if port == 0 {
        col.put(b"*");
    } else {
        put_u64(&mut col, port.into());
    }
    put_left(out, col.bytes(), ADDR_WIDTH);
    out.put(b" ");
}

/// Writes a dotted quad.
pub(crate) fn put_ipv4<S: Sink>(out: &mut S, addr: [u8; 4]) {
    for (i, byte) in addr.into_iter().enumerate() {
        if i > 0 {
            out.put(b".");
        }
        put_u64(out, byte.into());
    }
}

/// Writes an IPv6 address exactly as the kernel's `%pI6c` does
/// (lib/vsprintf.c, ip6_compressed_string): the first longest run of two or
/// more zero words becomes `::`, v4-mapped and ISATAP addresses end in a
/// dotted quad.
fn put_ipv6<S: Sink>(out: &mut S, addr: &[u8; 16]) {
    let mut words = [0u16; 8];
    for (w, pair) in words.iter_mut().zip(addr.chunks_exact(2)) {
        if let [hi, lo] = *pair {
            *w = u16::from_be_bytes([hi, lo]);
        }
    }
    let [.., w8, w9, w10, w11, a, b, c, d] = *addr;
    let v4_mapped = addr.iter().take(10).all(|&x| x == 0) && w10 == 0xff && w11 == 0xff;
    let isatap = (u32::from_be_bytes([w8, w9, w10, w11]) | 0x0200_0000) == 0x0200_5efe;
    let use_ipv4 = v4_mapped || isatap;
    let range = if use_ipv4 { 6 } else { 8 };

    // The first longest run of zero words, if longer than one word. Like
    // the kernel, only the first `range` words count; in the dotted-quad
    // case word 5 is never zero, so a run cannot reach the IPv4 part anyway.
    let mut colonpos = None;
    let mut longest = 1;
    for i in 0..range {
        let run = words
            .iter()
            .take(range)
            .skip(i)
            .take_while(|&&w| w == 0)
            .count();
        if run > longest {
            longest = run;
            colonpos = Some(i);
        }
    }

    let mut needcolon = false;
    let mut i = 0;
    while i < range {
        if colonpos == Some(i) {
            if needcolon || i == 0 {
                out.put(b":");
            }
            out.put(b":");
            needcolon = false;
            i += longest;
            continue;
        }
        if needcolon {
            out.put(b":");
        }
        put_hex(out, words.get(i).copied().unwrap_or(0));
        needcolon = true;
        i += 1;
    }
    if use_ipv4 {
        if needcolon {
            out.put(b":");
        }
        put_ipv4(out, [a, b, c, d]);
    }
}

/// Writes a 16-bit word in lowercase hex without leading zeros.
fn put_hex<S: Sink>(out: &mut S, word: u16) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut started = false;
    for shift in [12u32, 8, 4, 0] {
        let nibble = usize::from((word >> shift) & 0xf);
        if nibble != 0 || started || shift == 0 {
            started = true;
            out.put(HEX.get(nibble..=nibble).unwrap_or(b"0"));
        }
    }
}

/// Writes `n` in decimal.
pub(crate) fn put_u64<S: Sink>(out: &mut S, mut n: u64) {
    let mut digits = [0u8; 20]; // u64::MAX has 20 digits
    let mut start = digits.len();
    for slot in digits.iter_mut().rev() {
        *slot = b'0' + (n % 10) as u8;
        start -= 1;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.put(digits.get(start..).unwrap_or(b"0"));
}

/// Writes `n` in decimal, with a `-` when negative.
pub(crate) fn put_i64<S: Sink>(out: &mut S, n: i64) {
    if n < 0 {
        out.put(b"-");
    }
    put_u64(out, n.unsigned_abs());
}

/// Spaces to pad with; no column is wider.
const SPACES: &[u8; 32] = b"                                ";

/// The spaces that pad `len` bytes to `width`; none if it is already wider.
fn padding(len: usize, width: usize) -> &'static [u8] {
    SPACES.get(..width.saturating_sub(len)).unwrap_or(b"")
}

/// Writes `text` left-aligned in a column of `width` (never cut).
fn put_left<S: Sink>(out: &mut S, text: &[u8], width: usize) {
    out.put(text);
    out.put(padding(text.len(), width));
}

/// Writes `text` right-aligned in a column of `width` (never cut).
fn put_right<S: Sink>(out: &mut S, text: &[u8], width: usize) {
    out.put(padding(text.len(), width));
    out.put(text);
}

/// A [`Sink`] that fills a byte slice: in the kernel the free part of the
/// seq_file buffer, for one column a small stack array.
///
/// Bytes that do not fit are dropped, and the sink remembers that it
/// overflowed: the caller then lets seq_file retry the row with a larger
/// buffer. Nothing here allocates or panics.
pub(crate) struct SliceSink<'a> {
    /// Where the bytes go.
    buf: &'a mut [u8],
    /// How many bytes of `buf` are written.
    len: usize,
    /// Whether a `put` did not fit.
    overflow: bool,
}

impl<'a> SliceSink<'a> {
    /// An empty sink over `buf`.
    pub(crate) fn new(buf: &'a mut [u8]) -> Self {
        SliceSink {
            buf,
            len: 0,
            overflow: false,
        }
    }

    /// The number of bytes written, or `None` if some did not fit.
    pub(crate) fn written(&self) -> Option<usize> {
        if self.overflow {
            None
        } else {
            Some(self.len)
        }
    }

    /// The bytes written so far.
    pub(crate) fn bytes(&self) -> &[u8] {
        self.buf.get(..self.len).unwrap_or(b"")
    }
}

impl Sink for SliceSink<'_> {
    fn put(&mut self, bytes: &[u8]) {
        let dst = self
            .len
            .checked_add(bytes.len())
            .and_then(|end| self.buf.get_mut(self.len..end));
        match dst {
            Some(dst) => {
                // Same length by construction: the copy is a plain memcpy.
                for (d, s) in dst.iter_mut().zip(bytes) {
                    *d = *s;
                }
                self.len += bytes.len();
            }
            None => self.overflow = true,
        }
    }
}

/// Room for one column: the longest (an IPv6 address with port) is 51
/// bytes.
const COLUMN_MAX: usize = 64;
