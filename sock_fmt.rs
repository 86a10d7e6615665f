// SPDX-License-Identifier: GPL-2.0

//! One row of a knetstat file, formatted from a [`Snapshot`].
//!
//! Pure `core` code: it compiles in the kernel module and in the host test
//! crate (`tests/host`), so every formatting rule is tested without a VM.

use crate::sink::{put_i64, put_ipv4, put_ipv4_colon, put_u64, Sink, SliceSink};
use crate::snapshot::{
    Snapshot, KNETSTAT_HEADER_TCP, KNETSTAT_HEADER_UDP, KNETSTAT_TCP_FULL, KNETSTAT_TCP_REQUEST,
    KNETSTAT_TCP_TIMEWAIT, KNETSTAT_UDP,
};

/// The first line of tcpstat and tcp6stat.
const TCP_HEADER: &[u8] =
    b"Recv-Q Send-Q Local Address           Foreign Address         Stat Diag Options\n";
/// The first line of udpstat and udp6stat.
const UDP_HEADER: &[u8] =
    b"Recv-Q Send-Q Local Address           Foreign Address         Options\n";

/// State names and the space after the column, indexed by the kernel's
/// TCP state numbers.
const STATE_NAMES: [&[u8; 5]; 13] = [
    b"NONE ", b"ESTB ", b"SYNS ", b"SYNR ", b"FNW1 ", b"FNW2 ", b"TIMW ", b"CLSD ", b"CLSW ",
    b"LACK ", b"LSTN ", b"CLSG ", b"SYNR ",
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
        KNETSTAT_HEADER_TCP => out.put(TCP_HEADER),
        KNETSTAT_HEADER_UDP => out.put(UDP_HEADER),
        _ => write_socket(out, s),
    }
}

/// Writes one socket's row.
fn write_socket<S: Sink>(out: &mut S, s: &Snapshot) {
    for queue in [s.rx_queue, s.tx_queue] {
        // Most queues are empty, or nearly.
        if let Ok(digit @ 0..=9) = u8::try_from(queue) {
            out.put(&[b' ', b' ', b' ', b' ', b' ', b'0' + digit, b' ']);
            continue;
        }
        let mut room = [0u8; QUEUE_MAX];
        let mut col = SliceSink::new(&mut room);
        put_i64(&mut col, queue.into());
        put_right(out, col.bytes(), QUEUE_WIDTH);
        out.put(b" ");
    }
    write_endpoint(out, s.family, &s.laddr, s.lport);
    write_endpoint(out, s.family, &s.raddr, s.rport);
    match s.kind {
        KNETSTAT_UDP => crate::options::write_udp_options(out, s),
        KNETSTAT_TCP_FULL => {
            put_state(out, s.state);
            put_diag(out, crate::diag::diag_flag(s).as_bytes());
            crate::options::write_tcp_options(out, s);
        }
        // TIME_WAIT and request sockets have no options: the row ends
        // after the state. (helpers.c sends no other kind.)
        KNETSTAT_TCP_TIMEWAIT | KNETSTAT_TCP_REQUEST => put_state(out, s.state),
        _ => put_state(out, s.state),
    }
    out.put(b"\n");
}

/// Writes the 4-letter state name and one space; `NONE` for an unknown
/// number.
fn put_state<S: Sink>(out: &mut S, state: u8) {
    out.put(
        STATE_NAMES
            .get(usize::from(state))
            .copied()
            .unwrap_or(b"NONE "),
    );
}

/// Writes `address:port` padded to the column width, then one space.
///
/// Written straight to `out`, then padded by what `out` grew: a copy
/// through a column buffer cost as much as the address itself.
#[inline(always)]
fn write_endpoint<S: Sink>(out: &mut S, family: u8, addr: &[u8; 16], port: u16) {
    let start = out.position();
    if family == 6 {
        put_ipv6(out, addr);
        out.put(b":");
    } else {
        let [a, b, c, d, ..] = *addr;
        put_ipv4_colon(out, [a, b, c, d]);
    }
    if port == 0 {
        out.put(b"*");
    } else {
        put_u64(out, port.into());
    }
    // The padding and the space after the column in one copy; an address
    // wider than the column gets the space alone.
    let len = out.position().saturating_sub(start);
    out.put_head(SPACES, (ADDR_WIDTH + 1).saturating_sub(len).max(1));
}

/// Writes an IPv6 address exactly as the kernel's `%pI6c` does
/// (lib/vsprintf.c, ip6_compressed_string): the first longest run of two or
/// more zero words becomes `::`, v4-mapped and ISATAP addresses end in a
/// dotted quad.
#[inline(never)]
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

/// Spaces to pad with; no column is wider.
const SPACES: &[u8; 32] = b"                                ";

/// Writes the spaces that pad `len` bytes to `width`; none if it is
/// already wider.
fn pad<S: Sink>(out: &mut S, len: usize, width: usize) {
    out.put_head(SPACES, width.saturating_sub(len));
}

/// Writes the Diag column and one space: `flag` left-aligned in a column
/// of [`DIAG_WIDTH`], with one copy of constant size (flags are at most 3
/// bytes; a longer one would still be written whole).
fn put_diag<S: Sink>(out: &mut S, flag: &[u8]) {
    if flag.len() > DIAG_WIDTH {
        put_left(out, flag, DIAG_WIDTH);
        out.put(b" ");
        return;
    }
    let mut col = [b' '; DIAG_WIDTH + 1];
    for (slot, &b) in col.iter_mut().zip(flag) {
        *slot = b;
    }
    out.put(&col);
}

/// Writes `text` left-aligned in a column of `width` (never cut).
fn put_left<S: Sink>(out: &mut S, text: &[u8], width: usize) {
    out.put(text);
    pad(out, text.len(), width);
}

/// Writes `text` right-aligned in a column of `width` (never cut).
fn put_right<S: Sink>(out: &mut S, text: &[u8], width: usize) {
    pad(out, text.len(), width);
    out.put(text);
}

/// Room for a queue column: an `i32` has at most 11 characters.
const QUEUE_MAX: usize = 12;
