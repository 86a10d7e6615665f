//! The extension items and Diag flags of SPEC.md "Extensions": exact
//! strings, print conditions and positions.

use crate::diag::diag_flag;
use crate::snapshot::*;
use crate::tests_support::{all_tcp_items, all_udp_items, name, new_socket, row};

const HZ: u32 = 250;
const DEFAULT_ESTB: &str = "SO_REUSEADDR=0,SO_REUSEPORT=0,SO_KEEPALIVE=0,TCP_NODELAY=0,TCP_DEFER_ACCEPT=0";
const DEFAULT_LSTN: &str =
    "SO_REUSEADDR=0,SO_REUSEPORT=0,SO_KEEPALIVE=0,TCP_NODELAY=0,TCP_FASTOPEN=0,TCP_DEFER_ACCEPT=0";
const DEFAULT_UDP: &str = "SO_REUSEADDR=0,SO_REUSEPORT=0,SO_BROADCAST=0";

fn addr(family: u8, last: u8) -> [u8; 16] {
    let mut a = [0; 16];
    if family == 4 {
        a[..4].copy_from_slice(&[127, 0, 0, last]);
    } else {
        a[15] = last;
    }
    a
}

/// A new established TCP socket over loopback, of the given family.
fn estb(family: u8) -> Snapshot {
    Snapshot {
        laddr: addr(family, 1),
        raddr: addr(family, 1),
        lport: 40000,
        rport: 8080,
        family,
        kind: KNETSTAT_TCP_FULL,
        state: 1,
        rcv_wnd: 65535,
        snd_wnd: 65535,
        hz: HZ,
        ..new_socket()
    }
}

fn listener(family: u8) -> Snapshot {
    Snapshot { state: 10, raddr: [0; 16], rport: 0, ..estb(family) }
}

fn udp(family: u8) -> Snapshot {
    Snapshot { kind: KNETSTAT_UDP, state: 7, raddr: [0; 16], rport: 0, ..estb(family) }
}

/// The Options column of a row.
fn options(s: &Snapshot) -> String {
    let r = row(s);
    let r = r.strip_suffix('\n').expect("newline");
    let cut = if s.kind == KNETSTAT_UDP { 14 + 24 + 24 } else { 14 + 24 + 24 + 5 + 5 };
    r[cut..].to_string()
}

/// The row's options are the default ones, then exactly `items`.
#[track_caller]
fn expect(s: &Snapshot, items: &str) {
    let default = match (s.kind, s.state) {
        (KNETSTAT_UDP, _) => DEFAULT_UDP,
        (_, 10) => DEFAULT_LSTN,
        _ => DEFAULT_ESTB,
    };
    let want = if items.is_empty() { default.to_string() } else { format!("{default},{items}") };
    assert_eq!(options(s), want);
}


#[test]
fn default_sockets_print_no_extension() {
    for family in [4, 6] {
        expect(&estb(family), "");
        expect(&listener(family), "");
        expect(&udp(family), "");
    }
}

#[test]
fn each_common_item_alone_after_the_originals() {
    for base in [estb(4), listener(4), udp(4)] {
        let cases: Vec<(Snapshot, &str)> = vec![
            (Snapshot { priority: 5, ..base }, "SO_PRIORITY=5"),
            (Snapshot { mark: 0xffff_ffff, ..base }, "SO_MARK=4294967295"),
            (Snapshot { bound_dev: name("eth0"), ..base }, "SO_BINDTODEVICE=eth0"),
            (Snapshot { bound_dev: name("0123456789abcdef"), ..base }, "SO_BINDTODEVICE=0123456789abcdef"),
            (Snapshot { rcvlowat: 100, ..base }, "SO_RCVLOWAT=100"),
            (Snapshot { rcvlowat: 0, ..base }, "SO_RCVLOWAT=0"),
            (Snapshot { busy_poll: 50, ..base }, "SO_BUSY_POLL=50"),
            (Snapshot { max_pacing_rate: 1_000_000, ..base }, "SO_MAX_PACING_RATE=1000000"),
            (Snapshot { max_pacing_rate: u64::MAX - 1, ..base }, "SO_MAX_PACING_RATE=18446744073709551614"),
            (Snapshot { tsflags: 0x18, ..base }, "SO_TIMESTAMPING=24"),
            (Snapshot { xflags: base.xflags | KNETSTAT_X_FILTER, ..base }, "SO_ATTACH_FILTER=1"),
            (Snapshot { ttl: 33, ..base }, "IP_TTL=33"),
            (Snapshot { ttl: 0, ..base }, "IP_TTL=0"),
            (Snapshot { xflags: base.xflags | KNETSTAT_X_TRANSPARENT, ..base }, "IP_TRANSPARENT=1"),
            (Snapshot { xflags: base.xflags | KNETSTAT_X_FREEBIND, ..base }, "IP_FREEBIND=1"),
            (Snapshot { xflags: base.xflags | KNETSTAT_X_BIND_NO_PORT, ..base }, "IP_BIND_ADDRESS_NO_PORT=1"),
        ];
        for (s, item) in cases {
            expect(&s, item);
        }
    }
}

#[test]
fn the_four_timestamp_options_as_getsockopt_reports_them() {
    let b = udp(4);
    let with = |bits: u32| Snapshot { xflags: b.xflags | bits, ..b };
    expect(&with(KNETSTAT_X_RCVTSTAMP), "SO_TIMESTAMP=1");
    expect(&with(KNETSTAT_X_RCVTSTAMP | KNETSTAT_X_RCVTSTAMPNS), "SO_TIMESTAMPNS=1");
    expect(&with(KNETSTAT_X_RCVTSTAMP | KNETSTAT_X_TSTAMP_NEW), "SO_TIMESTAMP_NEW=1");
    expect(&with(KNETSTAT_X_RCVTSTAMP | KNETSTAT_X_RCVTSTAMPNS | KNETSTAT_X_TSTAMP_NEW), "SO_TIMESTAMPNS_NEW=1");
    // SOCK_TSTAMP_NEW alone (left by SO_TIMESTAMPING_NEW) is no receive timestamp.
    expect(&with(KNETSTAT_X_TSTAMP_NEW), "");
}

#[test]
fn tos_and_hops_take_the_familys_name() {
    expect(&Snapshot { tos: 0x10, ..estb(4) }, "IP_TOS=16");
    expect(&Snapshot { tos: 0x20, ..estb(6) }, "IPV6_TCLASS=32");
    expect(&Snapshot { ttl: 44, ..udp(6) }, "IPV6_UNICAST_HOPS=44");
    // On TCP the kernel sets the ECN bits itself: they alone are no IP_TOS...
    expect(&Snapshot { tos: 0x02, ..estb(4) }, "");
    expect(&Snapshot { tos: 0x03, ..estb(6) }, "");
    // ...but printed with the application's bits, the value is getsockopt's.
    expect(&Snapshot { tos: 0x12, ..estb(4) }, "IP_TOS=18");
    // On UDP only the application sets them.
    expect(&Snapshot { tos: 0x01, ..udp(4) }, "IP_TOS=1");
}

#[test]
fn incoming_cpu_only_on_listeners_and_unconnected_udp() {
    expect(&Snapshot { incoming_cpu: 0, ..listener(4) }, "SO_INCOMING_CPU=0");
    expect(&Snapshot { incoming_cpu: 3, ..udp(6) }, "SO_INCOMING_CPU=3");
    // The kernel's own value on connections.
    expect(&Snapshot { incoming_cpu: 1, ..estb(4) }, "");
    expect(&Snapshot { incoming_cpu: 1, raddr: addr(4, 2), rport: 53, ..udp(4) }, "");
    expect(&Snapshot { incoming_cpu: -1, ..listener(4) }, "");
}

#[test]
fn v6only_only_on_wildcard_ipv6_sockets_that_differ_from_the_sysctl() {
    let any6 = Snapshot { laddr: [0; 16], ..listener(6) };
    expect(&Snapshot { xflags: any6.xflags | KNETSTAT_X_V6ONLY, ..any6 }, "IPV6_V6ONLY=1");
    expect(&Snapshot { xflags: any6.xflags | KNETSTAT_X_V6ONLY_DEF, ..any6 }, "IPV6_V6ONLY=0");
    expect(&Snapshot { xflags: any6.xflags | KNETSTAT_X_V6ONLY | KNETSTAT_X_V6ONLY_DEF, ..any6 }, "");
    // Bound to an address the kernel sets V6ONLY itself.
    expect(&Snapshot { xflags: any6.xflags | KNETSTAT_X_V6ONLY, ..listener(6) }, "");
    // IPv4 rows never.
    let any4 = Snapshot { laddr: [0; 16], ..listener(4) };
    expect(&Snapshot { xflags: any4.xflags | KNETSTAT_X_V6ONLY, ..any4 }, "");
}

#[test]
fn each_tcp_item_alone_and_its_condition() {
    let e = estb(4);
    let l = listener(4);
    expect(&Snapshot { xflags: e.xflags | KNETSTAT_X_CA_CUSTOM, congestion: name("reno"), ..e }, "TCP_CONGESTION=reno");
    expect(&Snapshot { congestion: name("reno"), ..e }, ""); // the namespace default
    expect(&Snapshot { user_mss: 1000, ..e }, "TCP_MAXSEG=1000");
    expect(&Snapshot { xflags: e.xflags | KNETSTAT_X_TCP_CORK, ..e }, "TCP_CORK=1");
    expect(&Snapshot { notsent_lowat: 16384, ..e }, "TCP_NOTSENT_LOWAT=16384");
    expect(&Snapshot { window_clamp: 20000, ..l }, "TCP_WINDOW_CLAMP=20000");
    expect(&Snapshot { window_clamp: 20000, ..e }, ""); // tuned by the kernel
    // The clamp SO_RCVBUF sets on 7.x (helpers.c flags it): SO_RCVBUF's.
    let rcvbuf = Snapshot { flags: l.flags | KNETSTAT_F_RCVBUF_LOCK, rcvbuf: 16384, ..l };
    let lstn_rcvbuf = "SO_REUSEADDR=0,SO_REUSEPORT=0,SO_KEEPALIVE=0,SO_RCVBUF=8192,TCP_NODELAY=0,\
                       TCP_FASTOPEN=0,TCP_DEFER_ACCEPT=0";
    let derived = Snapshot { window_clamp: 8192, xflags: l.xflags | KNETSTAT_X_CLAMP_RCVBUF, ..rcvbuf };
    assert_eq!(options(&derived), lstn_rcvbuf);
    let own = Snapshot { window_clamp: 9000, ..rcvbuf };
    assert_eq!(options(&own), format!("{lstn_rcvbuf},TCP_WINDOW_CLAMP=9000"));
    expect(&Snapshot { syn_retries: 3, ..e }, "TCP_SYNCNT=3");
    expect(&Snapshot { xflags: e.xflags | KNETSTAT_X_THIN_LTO, ..e }, "TCP_THIN_LINEAR_TIMEOUTS=1");
    expect(&Snapshot { ulp: name("tls"), ..e }, "TCP_ULP=tls");
    // An MPTCP subflow's low-water marks are the kernel's, on every subflow.
    let mptcp = Snapshot { ulp: name("mptcp"), ..e };
    expect(&Snapshot { rcvlowat: 0, notsent_lowat: u32::MAX, ..mptcp }, "TCP_ULP=mptcp");
    expect(&Snapshot { rcvlowat: 0, ulp: name("tls"), ..e }, "SO_RCVLOWAT=0,TCP_ULP=tls");
    // TCP items never on UDP rows.
    let u = udp(4);
    expect(&Snapshot { user_mss: 1000, syn_retries: 3, ulp: name("tls"), xflags: u.xflags | KNETSTAT_X_CA_CUSTOM | KNETSTAT_X_TCP_CORK, ..u }, "");
}

#[test]
fn linger2_as_getsockopt_returns_it() {
    let e = estb(4);
    expect(&Snapshot { linger2: 30 * 250, ..e }, "TCP_LINGER2=30");
    expect(&Snapshot { linger2: 30 * 1000, hz: 1000, ..e }, "TCP_LINGER2=30");
    expect(&Snapshot { linger2: 249, ..e }, "TCP_LINGER2=0"); // rounds down, like C
    expect(&Snapshot { linger2: -1, ..e }, "TCP_LINGER2=-1");
    expect(&Snapshot { linger2: i32::MIN, ..e }, "TCP_LINGER2=-1");
    expect(&Snapshot { linger2: 0, ..e }, ""); // the sysctl
    expect(&Snapshot { linger2: 100, hz: 0, ..e }, "TCP_LINGER2=0"); // broken HZ: no panic
}

#[test]
fn each_udp_item_alone_and_multicast_by_family() {
    let u4 = udp(4);
    let u6 = udp(6);
    expect(&Snapshot { xflags: u4.xflags | KNETSTAT_X_UDP_CORK, ..u4 }, "UDP_CORK=1");
    expect(&Snapshot { gso_size: 1400, ..u4 }, "UDP_SEGMENT=1400");
    expect(&Snapshot { xflags: u4.xflags | KNETSTAT_X_UDP_GRO, ..u4 }, "UDP_GRO=1");
    expect(&Snapshot { encap_type: 3, ..u4 }, "UDP_ENCAP=3");
    expect(&Snapshot { mc_ttl: 5, ..u4 }, "IP_MULTICAST_TTL=5");
    expect(&Snapshot { mc_ttl: 0, ..u6 }, "IPV6_MULTICAST_HOPS=0");
    expect(&Snapshot { xflags: KNETSTAT_X_MC_ALL, ..u4 }, "IP_MULTICAST_LOOP=0");
    expect(&Snapshot { xflags: KNETSTAT_X_MC_ALL, ..u6 }, "IPV6_MULTICAST_LOOP=0");
    expect(&Snapshot { xflags: KNETSTAT_X_MC_LOOP, ..u4 }, "IP_MULTICAST_ALL=0");
    expect(&Snapshot { xflags: KNETSTAT_X_MC_LOOP, ..u6 }, "IPV6_MULTICAST_ALL=0");
    expect(&Snapshot { mc_addr: [10, 0, 0, 1], mc_ifindex: 2, ..u4 }, "IP_MULTICAST_IF=10.0.0.1");
    // Set by index only: getsockopt() returns the (zero) address.
    expect(&Snapshot { mc_ifindex: 2, ..u4 }, "IP_MULTICAST_IF=0.0.0.0");
    expect(&Snapshot { mc_ifindex: 1, ..u6 }, "IPV6_MULTICAST_IF=1");
    // Multicast items never on TCP rows (the kernel copies them from SYNs).
    let e = estb(4);
    expect(&Snapshot { mc_ttl: 64, mc_ifindex: 2, xflags: 0, ..e }, "");
}

#[test]
fn names_with_separator_bytes_are_escaped() {
    let u = udp(4);
    expect(&Snapshot { bound_dev: name("v,e=th"), ..u }, r"SO_BINDTODEVICE=v\054e\075th");
    let mut odd = [0u8; 16];
    odd[..6].copy_from_slice(&[b'a', b'\\', 0xc3, 0xa9, 0x7f, b'z']);
    expect(&Snapshot { bound_dev: odd, ..u }, r"SO_BINDTODEVICE=a\134\303\251\177z");
}

#[test]
fn every_item_at_once_in_contract_order_exact_rows() {
    let l = all_tcp_items(Snapshot { laddr: [0; 16], ..listener(6) });
    assert_eq!(
        row(&l),
        format!(
            "     0      0 :::40000                :::*                    LSTN      {DEFAULT_LSTN},\
             SO_PRIORITY=6,SO_MARK=42,SO_BINDTODEVICE=lo,SO_RCVLOWAT=100,SO_INCOMING_CPU=1,\
             SO_BUSY_POLL=50,SO_MAX_PACING_RATE=1000000,SO_TIMESTAMPNS=1,SO_TIMESTAMPING=24,\
             SO_ATTACH_FILTER=1,IPV6_TCLASS=32,IPV6_UNICAST_HOPS=44,IP_TRANSPARENT=1,IP_FREEBIND=1,\
             IP_BIND_ADDRESS_NO_PORT=1,IPV6_V6ONLY=1,TCP_CONGESTION=reno,TCP_MAXSEG=1200,TCP_CORK=1,\
             TCP_NOTSENT_LOWAT=16384,TCP_WINDOW_CLAMP=30000,TCP_SYNCNT=3,TCP_LINGER2=30,\
             TCP_THIN_LINEAR_TIMEOUTS=1,TCP_ULP=tls\n"
        )
    );
    let u = all_udp_items(udp(4));
    assert_eq!(
        row(&u),
        format!(
            "     0      0 127.0.0.1:40000         0.0.0.0:*               {DEFAULT_UDP},\
             SO_PRIORITY=6,SO_MARK=42,SO_BINDTODEVICE=lo,SO_RCVLOWAT=100,SO_INCOMING_CPU=1,\
             SO_BUSY_POLL=50,SO_MAX_PACING_RATE=1000000,SO_TIMESTAMPNS=1,SO_TIMESTAMPING=24,\
             SO_ATTACH_FILTER=1,IP_TOS=16,IP_TTL=44,IP_TRANSPARENT=1,IP_FREEBIND=1,\
             IP_BIND_ADDRESS_NO_PORT=1,UDP_CORK=1,UDP_SEGMENT=1400,UDP_GRO=1,UDP_ENCAP=3,\
             IP_MULTICAST_TTL=5,IP_MULTICAST_LOOP=0,IP_MULTICAST_IF=127.0.0.1,IP_MULTICAST_ALL=0\n"
        )
    );
}

// --- Diag flags beyond the original ------------------------------------------

/// ESTABLISHED, windows open, nothing unacknowledged.
fn quiet() -> Snapshot {
    Snapshot { snd_una: 1000, snd_nxt: 1000, rcv_tstamp: 5000, now: 5000 + 10 * HZ, ..estb(4) }
}

#[test]
fn new_diag_flags_and_their_conditions() {
    assert_eq!(diag_flag(&quiet()), "");
    assert_eq!(diag_flag(&Snapshot { retransmits: 1, ..quiet() }), ">R");
    assert_eq!(diag_flag(&Snapshot { pending: 3, ..quiet() }), ">P");
    // Other armed timers (retransmit 1, delayed ACK 2, loss probe 5, reordering 6) are no probing.
    for pending in [1u8, 2, 5, 6] {
        assert_eq!(diag_flag(&Snapshot { pending, ..quiet() }), "", "pending {pending}");
    }
    assert_eq!(diag_flag(&Snapshot { flags: KNETSTAT_F_KEEPALIVE, probes_out: 2, ..quiet() }), ">K");
    // Unanswered probes without keepalive are window probes, not >K.
    assert_eq!(diag_flag(&Snapshot { probes_out: 2, ..quiet() }), "");
    assert_eq!(diag_flag(&Snapshot { flags: KNETSTAT_F_KEEPALIVE, ..quiet() }), "");
}

#[test]
fn new_diag_flags_come_after_the_originals_first_match_wins() {
    let all = Snapshot { retransmits: 2, pending: 3, flags: KNETSTAT_F_KEEPALIVE, probes_out: 1, ..quiet() };
    assert_eq!(diag_flag(&Snapshot { rcv_wnd: 0, snd_wnd: 0, ..all }), ">|<");
    assert_eq!(diag_flag(&Snapshot { rcv_wnd: 0, ..all }), "|<");
    // A zero window being probed is >|: the probing flag is for a window
    // that is open but smaller than the next segment.
    assert_eq!(diag_flag(&Snapshot { snd_wnd: 0, ..all }), ">|");
    assert_eq!(diag_flag(&Snapshot { snd_nxt: 1500, ..all }), ">#");
    assert_eq!(diag_flag(&all), ">R");
    assert_eq!(diag_flag(&Snapshot { retransmits: 0, ..all }), ">P");
    assert_eq!(diag_flag(&Snapshot { retransmits: 0, pending: 0, ..all }), ">K");
    // Not ESTABLISHED: nothing.
    assert_eq!(diag_flag(&Snapshot { state: 8, ..all }), "");
    // In the row: padded to 4.
    let r = row(&all);
    assert_eq!(&r[14 + 24 + 24..14 + 24 + 24 + 10], "ESTB >R   ");
}

// --- Who sees what (SPEC.md) -------------------------------------------------

/// The items sock_diag shows only to CAP_NET_ADMIN over the namespace.
const NET_ADMIN_ITEMS: [&str; 3] = ["SO_MARK", "SO_ATTACH_FILTER", "TCP_ULP"];

/// `r`, a row, with the items of `NET_ADMIN_ITEMS` taken out of its last
/// field; every other byte as it was.
fn without_net_admin_items(r: &str) -> String {
    let body = r.strip_suffix('\n').expect("newline");
    let (head, last) = body.rsplit_once(' ').expect("fields");
    let kept: Vec<&str> = last
        .split(',')
        .filter(|kv| !NET_ADMIN_ITEMS.contains(&kv.split('=').next().unwrap_or("")))
        .collect();
    format!("{head} {}\n", kept.join(","))
}

#[test]
fn an_unprivileged_reader_sees_the_row_without_the_net_admin_items() {
    for family in [4, 6] {
        let tls = Snapshot { ulp: name("tls"), ..all_tcp_items(estb(family)) };
        for s in [tls, all_tcp_items(listener(family)), all_udp_items(udp(family))] {
            let admin = row(&s);
            let user = row(&Snapshot { net_admin: 0, ..s });
            assert!(admin.contains(",SO_MARK=42,") && admin.contains(",SO_ATTACH_FILTER=1,"), "{admin}");
            assert_eq!(user, without_net_admin_items(&admin));
            assert!(NET_ADMIN_ITEMS.iter().all(|i| !user.contains(i)), "{user}");
            // Exactly as if they were not set.
            let unset = Snapshot {
                mark: 0,
                xflags: s.xflags & !KNETSTAT_X_FILTER,
                ulp: name(""),
                ..s
            };
            assert_eq!(user, row(&unset));
        }
    }
}

#[test]
fn an_mptcp_subflow_keeps_its_row_when_its_ulp_is_hidden() {
    // The ULP also tells a subflow's kernel-set low-water marks apart;
    // hiding its name must not make them appear.
    let s = Snapshot { ulp: name("mptcp"), rcvlowat: 0, notsent_lowat: u32::MAX, ..estb(4) };
    let admin = row(&s);
    assert!(admin.ends_with(",TCP_ULP=mptcp\n"), "{admin}");
    assert_eq!(row(&Snapshot { net_admin: 0, ..s }), without_net_admin_items(&admin));
}

#[test]
fn any_snapshot_unprivileged_is_the_privileged_row_without_those_items() {
    let mut rng = crate::tests_support::Rng(0x5851_f42d_4c95_7f2d);
    for _ in 0..50_000 {
        let s = crate::kernel_model::random_snapshot(&mut rng);
        let admin = row(&Snapshot { net_admin: 1, ..s });
        assert_eq!(row(&Snapshot { net_admin: 0, ..s }), without_net_admin_items(&admin), "{s:?}");
    }
}
