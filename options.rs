// SPDX-License-Identifier: GPL-2.0

//! The Options column: `NAME=VALUE` items, comma separated, in the order
//! and with the print conditions and units of SPEC.md. Every value is what
//! getsockopt() returns for the option, computed from the raw kernel
//! fields in the snapshot the way getsockopt() computes it.

use crate::sock_fmt::{
    put_i64, put_u64, Sink, Snapshot, F_BROADCAST, F_KEEPALIVE, F_LINGER, F_NODELAY, F_RCVBUF_LOCK,
    F_SNDBUF_LOCK, NO_TIMEOUT,
};

/// TCP state number of LISTEN.
const TCP_LISTEN: u8 = 10;

/// Writes `,NAME=` (or `NAME=` for the first item of the column).
fn item<S: Sink>(out: &mut S, first: bool, name: &str) {
    if !first {
        out.put(b",");
    }
    out.put(name.as_bytes());
    out.put(b"=");
}

/// Writes `,NAME=0` or `,NAME=1`.
fn flag<S: Sink>(out: &mut S, name: &str, on: bool) {
    item(out, false, name);
    out.put(if on { b"1" } else { b"0" });
}

/// Writes `,NAME=<n>`.
fn num<S: Sink>(out: &mut S, name: &str, n: i64) {
    item(out, false, name);
    put_i64(out, n);
}

/// `x / hz`, the kernel's integer division; 0 for a broken `hz` of 0.
fn per_hz(x: u32, hz: u32) -> u32 {
    x.checked_div(hz).unwrap_or(0)
}

/// SO_LINGER in seconds as getsockopt() returns it: `sk_lingertime / HZ`
/// stored into the `int` `l_linger`, truncated like C does.
///
/// The truncation is reachable: setsockopt() with a negative `l_linger`
/// stores MAX_SCHEDULE_TIMEOUT, and getsockopt() then reports the low 32
/// bits of `LONG_MAX / HZ` (-1752346657 at HZ=250).
fn linger_secs(lingertime: i64, hz: u32) -> i32 {
    // The divisor is positive, so the division cannot overflow.
    lingertime.checked_div(i64::from(hz)).unwrap_or(0) as i32
}

/// Writes a timeout in milliseconds as getsockopt(SO_RCVTIMEO) reports it:
/// `tv_sec = timeo / HZ`, `tv_usec = (timeo % HZ) * 10^6 / HZ`.
///
/// The milliseconds are written as the seconds followed by three digits, so
/// the value is exact even where `tv_sec * 1000` would not fit in 64 bits.
fn put_timeo_ms<S: Sink>(out: &mut S, timeo: u64, hz: u32) {
    let hz = u64::from(hz);
    let (Some(sec), Some(rem)) = (timeo.checked_div(hz), timeo.checked_rem(hz)) else {
        out.put(b"0");
        return;
    };
    // rem < hz < 2^32, so rem * 10^6 fits; the result is below 1000.
    let msec = rem * 1_000_000 / hz / 1000;
    if sec == 0 {
        put_u64(out, msec);
        return;
    }
    put_u64(out, sec);
    let digits = [msec / 100, msec / 10 % 10, msec % 10].map(|d| b'0' + d as u8);
    out.put(&digits);
}

/// TCP_DEFER_ACCEPT in seconds, from the stored number of SYN-ACK
/// retransmissions: the kernel's `retrans_to_secs(retrans, 1, 120)`
/// (TCP_TIMEOUT_INIT / HZ and TCP_RTO_MAX / HZ).
fn defer_accept_secs(retrans: u8) -> u64 {
    const TIMEOUT_INIT: u64 = 1;
    const RTO_MAX: u64 = 120;
    let mut period = 0;
    let mut timeout = TIMEOUT_INIT;
    for n in 0..retrans {
        if n > 0 {
            timeout = (timeout * 2).min(RTO_MAX);
        }
        period += timeout;
    }
    period
}

// write_common() skips negative timeouts, which must include NO_TIMEOUT.
const _: () = assert!(NO_TIMEOUT < 0);

/// The items every socket has, after the protocol's first items:
/// SO_RCVBUF, SO_SNDBUF, SO_RCVTIMEO, SO_SNDTIMEO, SO_LINGER.
fn write_common<S: Sink>(out: &mut S, s: &Snapshot) {
    // The kernel stores twice what was asked for; print the request.
    if s.flags & F_RCVBUF_LOCK != 0 {
        num(out, "SO_RCVBUF", i64::from(s.rcvbuf) / 2);
    }
    if s.flags & F_SNDBUF_LOCK != 0 {
        num(out, "SO_SNDBUF", i64::from(s.sndbuf) / 2);
    }
    for (name, timeo) in [("SO_RCVTIMEO", s.rcvtimeo), ("SO_SNDTIMEO", s.sndtimeo)] {
        // NO_TIMEOUT is negative (asserted above) and the kernel never
        // stores another negative value: none of them is a timeout.
        if let Ok(timeo) = u64::try_from(timeo) {
            item(out, false, name);
            put_timeo_ms(out, timeo, s.hz);
            out.put(b"ms");
        }
    }
    if s.flags & F_LINGER != 0 {
        item(out, false, "SO_LINGER");
        put_i64(out, linger_secs(s.lingertime, s.hz).into());
        out.put(b"s");
    }
}

/// The Options column of a full TCP socket.
pub(crate) fn write_tcp_options<S: Sink>(out: &mut S, s: &Snapshot) {
    item(out, true, "SO_REUSEADDR");
    put_u64(out, u64::from(s.reuse));
    flag(out, "SO_REUSEPORT", s.reuseport != 0);
    flag(out, "SO_KEEPALIVE", s.flags & F_KEEPALIVE != 0);
    // Keepalive tuning is printed only where the socket overrides the
    // sysctls (a stored 0 means "use the sysctl").
    if s.keepidle != 0 {
        num(out, "TCP_KEEPIDLE", per_hz(s.keepidle, s.hz).into());
    }
    if s.keepcnt != 0 {
        num(out, "TCP_KEEPCNT", s.keepcnt.into());
    }
    if s.keepintvl != 0 {
        num(out, "TCP_KEEPINTVL", per_hz(s.keepintvl, s.hz).into());
    }
    // Stored in milliseconds already, whatever HZ is.
    if s.user_timeout != 0 {
        num(out, "TCP_USER_TIMEOUT", s.user_timeout.into());
    }
    write_common(out, s);
    flag(out, "TCP_NODELAY", s.flags & F_NODELAY != 0);
    if s.state == TCP_LISTEN {
        num(out, "TCP_FASTOPEN", s.fastopen_qlen.into());
    }
    item(out, false, "TCP_DEFER_ACCEPT");
    put_u64(out, defer_accept_secs(s.defer_accept));
}

/// The Options column of a UDP socket.
pub(crate) fn write_udp_options<S: Sink>(out: &mut S, s: &Snapshot) {
    item(out, true, "SO_REUSEADDR");
    put_u64(out, u64::from(s.reuse));
    flag(out, "SO_REUSEPORT", s.reuseport != 0);
    write_common(out, s);
    flag(out, "SO_BROADCAST", s.flags & F_BROADCAST != 0);
}
