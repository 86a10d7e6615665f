// SPDX-License-Identifier: GPL-2.0

//! The Options column: `NAME=VALUE` items, comma separated, in the order
//! and with the print conditions and units of SPEC.md. Every value is what
//! getsockopt() returns for the option, computed from the raw kernel
//! fields in the snapshot the way getsockopt() computes it.

use crate::sink::{put_i64, put_ipv4, put_u64, Sink};
use crate::snapshot::{
    Snapshot, KNETSTAT_F_BROADCAST, KNETSTAT_F_KEEPALIVE, KNETSTAT_F_LINGER, KNETSTAT_F_NODELAY,
    KNETSTAT_F_RCVBUF_LOCK, KNETSTAT_F_SNDBUF_LOCK, KNETSTAT_TCP_FULL, KNETSTAT_X_BIND_NO_PORT,
    KNETSTAT_X_CA_CUSTOM, KNETSTAT_X_CLAMP_RCVBUF, KNETSTAT_X_FILTER, KNETSTAT_X_FREEBIND,
    KNETSTAT_X_MC_ALL, KNETSTAT_X_MC_LOOP, KNETSTAT_X_RCVTSTAMP, KNETSTAT_X_RCVTSTAMPNS,
    KNETSTAT_X_TCP_CORK, KNETSTAT_X_THIN_LTO, KNETSTAT_X_TRANSPARENT, KNETSTAT_X_TSTAMP_NEW,
    KNETSTAT_X_UDP_CORK, KNETSTAT_X_UDP_GRO, KNETSTAT_X_V6ONLY, KNETSTAT_X_V6ONLY_DEF,
};

/// TCP state number of LISTEN.
const TCP_LISTEN: u8 = 10;

/// `,NAME=`, the text before an item's value, as one constant: an item
/// is then one copy, not three.
macro_rules! key {
    ($name:literal) => {
        concat!(",", $name, "=")
    };
}

/// Writes `key`, an item's `,NAME=` (`key!`).
fn item<S: Sink>(out: &mut S, key: &str) {
    out.put(key.as_bytes());
}

/// Writes `,NAME=0` or `,NAME=1`.
fn flag<S: Sink>(out: &mut S, key: &str, on: bool) {
    item(out, key);
    out.put(if on { b"1" } else { b"0" });
}

/// Writes `,NAME=<n>`.
fn num<S: Sink>(out: &mut S, key: &str, n: i64) {
    item(out, key);
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

/// Writes `,NAME=<ms>ms` for a timeout that is set; nothing for `None`.
#[inline(always)]
fn timeo<S: Sink>(out: &mut S, key: &str, timeo: Option<u64>, hz: u32) {
    if let Some(timeo) = timeo {
        item(out, key);
        put_timeo_ms(out, timeo, hz);
        out.put(b"ms");
    }
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

/// The items every socket has, after the protocol's first items:
/// SO_RCVBUF, SO_SNDBUF, SO_RCVTIMEO, SO_SNDTIMEO, SO_LINGER.
///
/// Inlined in both callers, as [`write_sock_extensions`] and [`timeo`]:
/// every row goes through them, and under TCG a call and return cost
/// more than the checks of items that are mostly absent.
#[inline(always)]
fn write_common<S: Sink>(out: &mut S, s: &Snapshot) {
    // The kernel stores twice what was asked for; print the request.
    if s.flags & KNETSTAT_F_RCVBUF_LOCK != 0 {
        num(out, key!("SO_RCVBUF"), i64::from(s.rcvbuf) / 2);
    }
    if s.flags & KNETSTAT_F_SNDBUF_LOCK != 0 {
        num(out, key!("SO_SNDBUF"), i64::from(s.sndbuf) / 2);
    }
    timeo(out, key!("SO_RCVTIMEO"), s.rcv_timeout(), s.hz);
    timeo(out, key!("SO_SNDTIMEO"), s.snd_timeout(), s.hz);
    if s.flags & KNETSTAT_F_LINGER != 0 {
        item(out, key!("SO_LINGER"));
        put_i64(out, linger_secs(s.lingertime, s.hz).into());
        out.put(b"s");
    }
}

/// The ECN bits of the TOS byte: the kernel sets them itself on an ECN
/// connection, so on TCP they say nothing about the application's IP_TOS.
const ECN_MASK: u8 = 0x03;

/// Writes `,NAME=<name>` for a name the kernel holds (a device, a
/// congestion control, a ULP).
///
/// A device name may hold `,`, `=` and any byte but `/`, `:` and white
/// space; such bytes would break the column for grep and awk, so every byte
/// outside `!`..`~`, and `,`, `=` and `\\`, is written as `\ooo` (octal),
/// as /proc/mounts escapes paths.
fn text<S: Sink>(out: &mut S, key: &str, value: &[u8]) {
    item(out, key);
    for &b in value {
        if b.is_ascii_graphic() && !matches!(b, b',' | b'=' | b'\\') {
            out.put(&[b]);
        } else {
            out.put(&[
                b'\\',
                b'0' + (b >> 6),
                b'0' + ((b >> 3) & 7),
                b'0' + (b & 7),
            ]);
        }
    }
}

/// Whether `sk_incoming_cpu` can only be the application's SO_INCOMING_CPU:
/// the kernel overwrites it on every packet of an established TCP socket
/// and of a connected UDP socket, never on a TCP listener or an
/// unconnected UDP socket.
fn incoming_cpu_is_set_by_user(s: &Snapshot) -> bool {
    if s.kind == KNETSTAT_TCP_FULL {
        s.state == TCP_LISTEN
    } else {
        s.raddr == [0; 16]
    }
}

/// Whether the row is an MPTCP subflow: mptcp_sockopt_sync_locked() sets
/// `sk_rcvlowat` to 0 and `notsent_lowat` to `UINT_MAX` on every subflow
/// itself; the application's values live on the MPTCP socket, not listed.
fn is_mptcp_subflow(s: &Snapshot) -> bool {
    s.kind == KNETSTAT_TCP_FULL && s.ulp() == b"mptcp"
}

/// The extension items every socket has (SPEC.md "Extensions"), each
/// only where the socket differs from a new socket's default.
#[inline(always)]
fn write_sock_extensions<S: Sink>(out: &mut S, s: &Snapshot) {
    if s.priority != 0 {
        num(out, key!("SO_PRIORITY"), s.priority.into());
    }
    // inet_diag_msg_attrs_fill(): INET_DIAG_MARK only for net_admin.
    if s.net_admin() && s.mark != 0 {
        num(out, key!("SO_MARK"), s.mark.into());
    }
    let dev = s.bound_dev();
    if !dev.is_empty() {
        text(out, key!("SO_BINDTODEVICE"), dev);
    }
    if s.rcvlowat != 1 && !is_mptcp_subflow(s) {
        num(out, key!("SO_RCVLOWAT"), s.rcvlowat.into());
    }
    if s.incoming_cpu >= 0 && incoming_cpu_is_set_by_user(s) {
        num(out, key!("SO_INCOMING_CPU"), s.incoming_cpu.into());
    }
    if s.busy_poll != 0 {
        num(out, key!("SO_BUSY_POLL"), s.busy_poll.into());
    }
    if s.max_pacing_rate != u64::MAX {
        item(out, key!("SO_MAX_PACING_RATE"));
        put_u64(out, s.max_pacing_rate);
    }
    // The four receive timestamp options, each 1 exactly where its
    // getsockopt() returns 1 (sk_getsockopt): at most one of them.
    let ts = s.xflags & KNETSTAT_X_RCVTSTAMP != 0;
    let ns = s.xflags & KNETSTAT_X_RCVTSTAMPNS != 0;
    let new = s.xflags & KNETSTAT_X_TSTAMP_NEW != 0;
    if ts && !ns && !new {
        flag(out, key!("SO_TIMESTAMP"), true);
    }
    if ns && !new {
        flag(out, key!("SO_TIMESTAMPNS"), true);
    }
    if ts && !ns && new {
        flag(out, key!("SO_TIMESTAMP_NEW"), true);
    }
    if ns && new {
        flag(out, key!("SO_TIMESTAMPNS_NEW"), true);
    }
    if s.tsflags != 0 {
        num(out, key!("SO_TIMESTAMPING"), s.tsflags.into());
    }
    // sock_diag_put_filterinfo(): only where may_report_filterinfo.
    if s.net_admin() && s.xflags & KNETSTAT_X_FILTER != 0 {
        flag(out, key!("SO_ATTACH_FILTER"), true);
    }
    let v6 = s.family == 6;
    let user_tos = if s.kind == KNETSTAT_TCP_FULL {
        s.tos & !ECN_MASK
    } else {
        s.tos
    };
    if user_tos != 0 {
        num(
            out,
            if v6 {
                key!("IPV6_TCLASS")
            } else {
                key!("IP_TOS")
            },
            s.tos.into(),
        );
    }
    if s.ttl != -1 {
        num(
            out,
            if v6 {
                key!("IPV6_UNICAST_HOPS")
            } else {
                key!("IP_TTL")
            },
            s.ttl.into(),
        );
    }
    for (bit, key) in [
        (KNETSTAT_X_TRANSPARENT, key!("IP_TRANSPARENT")),
        (KNETSTAT_X_FREEBIND, key!("IP_FREEBIND")),
        (KNETSTAT_X_BIND_NO_PORT, key!("IP_BIND_ADDRESS_NO_PORT")),
    ] {
        if s.xflags & bit != 0 {
            flag(out, key, true);
        }
    }
    // Binding to an IPv6 address other than :: sets V6ONLY in the kernel
    // itself: only a wildcard socket's setting is the application's.
    let v6only = s.xflags & KNETSTAT_X_V6ONLY != 0;
    if v6 && s.laddr == [0; 16] && v6only != (s.xflags & KNETSTAT_X_V6ONLY_DEF != 0) {
        flag(out, key!("IPV6_V6ONLY"), v6only);
    }
}

/// The TCP extension items.
fn write_tcp_extensions<S: Sink>(out: &mut S, s: &Snapshot) {
    if s.xflags & KNETSTAT_X_CA_CUSTOM != 0 {
        text(out, key!("TCP_CONGESTION"), s.congestion());
    }
    // The MSS the application asked for; getsockopt() returns it before
    // the connection exists and the MSS in use after.
    if s.user_mss != 0 {
        num(out, key!("TCP_MAXSEG"), s.user_mss.into());
    }
    if s.xflags & KNETSTAT_X_TCP_CORK != 0 {
        flag(out, key!("TCP_CORK"), true);
    }
    if s.notsent_lowat != 0 && !is_mptcp_subflow(s) {
        num(out, key!("TCP_NOTSENT_LOWAT"), s.notsent_lowat.into());
    }
    // Only a listener keeps the value it was given: on a connection the
    // kernel computes and tunes the clamp itself. On 7.x SO_RCVBUF sets it
    // too (tcp_set_rcvbuf()); that value is not the application's clamp.
    if s.state == TCP_LISTEN && s.window_clamp != 0 && s.xflags & KNETSTAT_X_CLAMP_RCVBUF == 0 {
        num(out, key!("TCP_WINDOW_CLAMP"), s.window_clamp.into());
    }
    if s.syn_retries != 0 {
        num(out, key!("TCP_SYNCNT"), s.syn_retries.into());
    }
    // getsockopt(): -1 when off, else seconds (0 = the sysctl: not printed).
    if s.linger2 < 0 {
        num(out, key!("TCP_LINGER2"), -1);
    } else if s.linger2 > 0 {
        num(
            out,
            key!("TCP_LINGER2"),
            per_hz(s.linger2.unsigned_abs(), s.hz).into(),
        );
    }
    if s.xflags & KNETSTAT_X_THIN_LTO != 0 {
        flag(out, key!("TCP_THIN_LINEAR_TIMEOUTS"), true);
    }
    // tcp_diag_get_aux(): the ULP only for net_admin.
    let ulp = s.ulp();
    if s.net_admin() && !ulp.is_empty() {
        text(out, key!("TCP_ULP"), ulp);
    }
}

/// The UDP extension items, multicast ones by the socket's family.
fn write_udp_extensions<S: Sink>(out: &mut S, s: &Snapshot) {
    if s.xflags & KNETSTAT_X_UDP_CORK != 0 {
        flag(out, key!("UDP_CORK"), true);
    }
    if s.gso_size != 0 {
        num(out, key!("UDP_SEGMENT"), s.gso_size.into());
    }
    if s.xflags & KNETSTAT_X_UDP_GRO != 0 {
        flag(out, key!("UDP_GRO"), true);
    }
    if s.encap_type != 0 {
        num(out, key!("UDP_ENCAP"), s.encap_type.into());
    }
    let v6 = s.family == 6;
    if s.mc_ttl != 1 {
        num(
            out,
            if v6 {
                key!("IPV6_MULTICAST_HOPS")
            } else {
                key!("IP_MULTICAST_TTL")
            },
            s.mc_ttl.into(),
        );
    }
    if s.xflags & KNETSTAT_X_MC_LOOP == 0 {
        flag(
            out,
            if v6 {
                key!("IPV6_MULTICAST_LOOP")
            } else {
                key!("IP_MULTICAST_LOOP")
            },
            false,
        );
    }
    if v6 {
        if s.mc_ifindex != 0 {
            num(out, key!("IPV6_MULTICAST_IF"), s.mc_ifindex.into());
        }
    } else if s.mc_ifindex != 0 || s.mc_addr != [0; 4] {
        // getsockopt() returns the address; set by index only, that is 0.0.0.0.
        item(out, key!("IP_MULTICAST_IF"));
        put_ipv4(out, s.mc_addr);
    }
    if s.xflags & KNETSTAT_X_MC_ALL == 0 {
        flag(
            out,
            if v6 {
                key!("IPV6_MULTICAST_ALL")
            } else {
                key!("IP_MULTICAST_ALL")
            },
            false,
        );
    }
}

/// The Options column of a full TCP socket.
pub(crate) fn write_tcp_options<S: Sink>(out: &mut S, s: &Snapshot) {
    // The first item: no comma.
    out.put(b"SO_REUSEADDR=");
    put_u64(out, u64::from(s.reuse));
    flag(out, key!("SO_REUSEPORT"), s.reuseport != 0);
    flag(
        out,
        key!("SO_KEEPALIVE"),
        s.flags & KNETSTAT_F_KEEPALIVE != 0,
    );
    // Keepalive tuning is printed only where the socket overrides the
    // sysctls (a stored 0 means "use the sysctl").
    if s.keepidle != 0 {
        num(out, key!("TCP_KEEPIDLE"), per_hz(s.keepidle, s.hz).into());
    }
    if s.keepcnt != 0 {
        num(out, key!("TCP_KEEPCNT"), s.keepcnt.into());
    }
    if s.keepintvl != 0 {
        num(out, key!("TCP_KEEPINTVL"), per_hz(s.keepintvl, s.hz).into());
    }
    // Stored in milliseconds already, whatever HZ is.
    if s.user_timeout != 0 {
        num(out, key!("TCP_USER_TIMEOUT"), s.user_timeout.into());
    }
    write_common(out, s);
    flag(out, key!("TCP_NODELAY"), s.flags & KNETSTAT_F_NODELAY != 0);
    if s.state == TCP_LISTEN {
        num(out, key!("TCP_FASTOPEN"), s.fastopen_qlen.into());
    }
    item(out, key!("TCP_DEFER_ACCEPT"));
    put_u64(out, defer_accept_secs(s.defer_accept));
    write_sock_extensions(out, s);
    write_tcp_extensions(out, s);
}

/// The Options column of a UDP socket.
pub(crate) fn write_udp_options<S: Sink>(out: &mut S, s: &Snapshot) {
    // The first item: no comma.
    out.put(b"SO_REUSEADDR=");
    put_u64(out, u64::from(s.reuse));
    flag(out, key!("SO_REUSEPORT"), s.reuseport != 0);
    write_common(out, s);
    flag(
        out,
        key!("SO_BROADCAST"),
        s.flags & KNETSTAT_F_BROADCAST != 0,
    );
    write_sock_extensions(out, s);
    write_udp_extensions(out, s);
}
