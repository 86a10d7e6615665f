//! Every formatting rule of SPEC.md, with exact expected strings.

use crate::sink::*;
use crate::snapshot::*;
use crate::sock_fmt::*;
use crate::tests_support::{all_tcp_options, estb, row, stalled_with_all_options, tcp, v4, v6, HZ};

fn udp() -> Snapshot {
    Snapshot { kind: KNETSTAT_UDP, state: 7, lport: 5353, ..tcp(0) }
}

/// The Options column of a row (after the Diag column for TCP).
fn options_of(s: &Snapshot) -> String {
    let r = row(s);
    let r = r.strip_suffix('\n').expect("newline");
    let cut = if s.kind == KNETSTAT_UDP { 14 + 24 + 24 } else { 14 + 24 + 24 + 5 + 5 };
    r[cut..].to_string()
}

/// The Diag column of a TCP row, padding included.
fn diag_of(s: &Snapshot) -> String {
    row(s)[14 + 24 + 24 + 5..14 + 24 + 24 + 9].to_string()
}

/// The local address as printed, for address formatting tests (port 1).
fn addr_text(family: u8, addr: [u8; 16]) -> String {
    let s = Snapshot { family, laddr: addr, lport: 1, ..udp() };
    let r = row(&s);
    let col = r[14..].split(' ').next().unwrap().to_string();
    col.strip_suffix(":1").expect("port").to_string()
}

const DEFAULT_TCP_OPTS: &str = "SO_REUSEADDR=0,SO_REUSEPORT=0,SO_KEEPALIVE=0,TCP_NODELAY=0,TCP_DEFER_ACCEPT=0";

// --- headers and layout -----------------------------------------------------

#[test]
fn headers() {
    let h = Snapshot { kind: KNETSTAT_HEADER_TCP, ..Default::default() };
    assert_eq!(
        row(&h),
        "Recv-Q Send-Q Local Address           Foreign Address         Stat Diag Options\n"
    );
    let h = Snapshot { kind: KNETSTAT_HEADER_UDP, ..Default::default() };
    assert_eq!(row(&h), "Recv-Q Send-Q Local Address           Foreign Address         Options\n");
}

#[test]
fn listener_row_matches_the_original_sample_layout() {
    // From the original's README: the layout up to the options, byte for byte.
    let s = Snapshot { lport: 6010, reuse: 1, ..tcp(10) };
    assert_eq!(
        row(&s),
        "     0      0 127.0.0.1:6010          0.0.0.0:*               LSTN      \
         SO_REUSEADDR=1,SO_REUSEPORT=0,SO_KEEPALIVE=0,TCP_NODELAY=0,TCP_FASTOPEN=0,TCP_DEFER_ACCEPT=0\n"
    );
}

#[test]
fn established_row() {
    let s = Snapshot { rx_queue: 5, tx_queue: 1234, ..estb() };
    assert_eq!(
        row(&s),
        format!("     5   1234 127.0.0.1:40000         127.0.0.1:8080          ESTB      {DEFAULT_TCP_OPTS}\n")
    );
}

#[test]
fn address_column_at_22_23_and_24_characters() {
    // 2001:db8::abcd:12 + :8080 is 22 characters, one more per case.
    let remote = ":::*                    ";
    for (last, text, after) in [
        (0x12, "2001:db8::abcd:12:8080", "  "),
        (0x123, "2001:db8::abcd:123:8080", " "),
        (0x1234, "2001:db8::abcd:1234:8080", " "),
    ] {
        let s = Snapshot { family: 6, laddr: v6([0x2001, 0xdb8, 0, 0, 0, 0, 0xabcd, last]), ..udp() };
        let s = Snapshot { lport: 8080, ..s };
        assert_eq!(
            row(&s),
            format!("     0      0 {text}{after}{remote}SO_REUSEADDR=0,SO_REUSEPORT=0,SO_BROADCAST=0\n")
        );
    }
}

#[test]
fn longest_address_is_printed_whole() {
    let s = Snapshot {
        family: 6,
        laddr: v6([0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff]),
        lport: 65535,
        raddr: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 255, 255, 255, 255],
        rport: 65535,
        ..udp()
    };
    assert_eq!(
        row(&s),
        "     0      0 ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff:65535 ::ffff:255.255.255.255:65535 \
         SO_REUSEADDR=0,SO_REUSEPORT=0,SO_BROADCAST=0\n"
    );
}

#[test]
fn port_zero_prints_as_star_on_both_sides() {
    let s = Snapshot { laddr: [0; 16], lport: 0, ..udp() };
    assert!(row(&s).starts_with("     0      0 0.0.0.0:*               0.0.0.0:*               SO_"));
    let s = Snapshot { family: 6, laddr: [0; 16], lport: 0, ..udp() };
    assert!(row(&s).starts_with("     0      0 :::*                    :::*                    SO_"));
}

#[test]
fn queues_are_right_aligned_negative_and_never_cut() {
    let s = Snapshot { rx_queue: -5, tx_queue: 12345678, ..estb() };
    assert!(row(&s).starts_with("    -5 12345678 127.0.0.1:40000 "), "{}", row(&s));
    let s = Snapshot { rx_queue: i32::MIN, tx_queue: 999999, ..estb() };
    assert!(row(&s).starts_with("-2147483648 999999 127.0.0.1"), "{}", row(&s));
}

// --- addresses ---------------------------------------------------------------

#[test]
fn ipv4_addresses() {
    assert_eq!(addr_text(4, v4(0, 0, 0, 0)), "0.0.0.0");
    assert_eq!(addr_text(4, v4(10, 0, 200, 255)), "10.0.200.255");
    assert_eq!(addr_text(4, v4(255, 255, 255, 255)), "255.255.255.255");
}

#[test]
fn ipv6_compressed_like_the_kernel() {
    let cases: &[([u16; 8], &str)] = &[
        ([0, 0, 0, 0, 0, 0, 0, 0], "::"),
        ([0, 0, 0, 0, 0, 0, 0, 1], "::1"),
        ([0xfe80, 0, 0, 0, 0, 0, 0, 1], "fe80::1"),
        ([0x2001, 0xdb8, 0, 0, 0, 0, 0, 1], "2001:db8::1"),
        ([1, 0, 0, 0, 0, 0, 0, 0], "1::"),
        ([0x2001, 0xdb8, 0, 0, 0, 0, 0, 0], "2001:db8::"),
        ([1, 0, 0, 1, 0, 0, 0, 1], "1:0:0:1::1"),
        ([1, 0, 1, 0, 1, 0, 1, 0], "1:0:1:0:1:0:1:0"),
        // Two runs of equal length: the first is compressed.
        ([0x2001, 0xdb8, 0, 0, 1, 0, 0, 1], "2001:db8::1:0:0:1"),
        // A single zero word is never compressed.
        ([0x2001, 0xdb8, 0, 1, 1, 1, 1, 1], "2001:db8:0:1:1:1:1:1"),
        // The longest run wins even when a shorter one comes first.
        ([0, 0, 2, 0, 0, 0, 0, 3], "0:0:2::3"),
        ([0xabcd, 0xef01, 0x2345, 0x6789, 0xabcd, 0xef01, 0x2345, 0x6789],
         "abcd:ef01:2345:6789:abcd:ef01:2345:6789"),
        ([0x0db8, 0x000a, 0x00f0, 0x0f00, 0, 0, 0, 0x1000], "db8:a:f0:f00::1000"),
        // v4-mapped and ISATAP addresses end in a dotted quad.
        ([0, 0, 0, 0, 0, 0xffff, 0x0a00, 0x0001], "::ffff:10.0.0.1"),
        ([0, 0, 0, 0, 0, 0xffff, 0, 0], "::ffff:0.0.0.0"),
        ([0xfe80, 0, 0, 0, 0, 0x5efe, 0xc0a8, 0x0101], "fe80::5efe:192.168.1.1"),
        ([0xfe80, 0, 0, 0, 0x0200, 0x5efe, 0xc0a8, 0x0101], "fe80::200:5efe:192.168.1.1"),
    ];
    for (words, want) in cases {
        assert_eq!(addr_text(6, v6(*words)), *want, "{words:x?}");
    }
}

#[test]
fn ipv6_agrees_with_std_where_the_kernel_does() {
    // Outside v4-mapped/ISATAP, %pI6c and RFC 5952 (Rust's Display) agree.
    let mut rng = crate::tests_support::Rng(0x9e3779b97f4a7c15);
    for _ in 0..20000 {
        let mut words = [0u16; 8];
        for w in words.iter_mut() {
            let x = rng.next();
            *w = if x & 3 == 0 { (x >> 16) as u16 } else { 0 };
        }
        let bytes = v6(words);
        let ip = std::net::Ipv6Addr::from(bytes);
        let isatap = (u32::from_be_bytes(bytes[8..12].try_into().unwrap()) | 0x0200_0000) == 0x0200_5efe;
        if ip.to_ipv4_mapped().is_some() || isatap {
            continue;
        }
        assert_eq!(addr_text(6, bytes), ip.to_string(), "{words:x?}");
    }
}

#[test]
fn every_octet_as_std_prints_it() {
    // put_ipv4 builds each part from a table: check all 256 in every position.
    for n in 0..=255u8 {
        for addr in [[n, 1, 2, 3], [1, n, 2, 3], [1, 2, n, 3], [1, 2, 3, n], [n; 4]] {
            let want = std::net::Ipv4Addr::from(addr).to_string();
            let mut bytes = [0; 16];
            bytes[..4].copy_from_slice(&addr);
            assert_eq!(addr_text(4, bytes), want);
        }
    }
}

#[test]
fn numbers_of_every_length() {
    // put_u64 makes numbers of up to 8 digits in one word, shifting out
    // the leading zeros, and longer ones two digits at a time: every
    // length on both sides of each power of ten, and every port.
    let mut values = vec![0, 1, 9, u64::MAX, u64::MAX - 1];
    values.extend(0..=u64::from(u16::MAX));
    let mut p = 10u64;
    for _ in 1..20 {
        values.extend([p - 1, p, p + 1, p + p / 2]);
        p = p.saturating_mul(10);
    }
    for n in values {
        let mut out = crate::tests_support::VecSink(Vec::new());
        put_u64(&mut out, n);
        assert_eq!(String::from_utf8(out.0).unwrap(), n.to_string());
        // And in a slice exactly as long: a sink without room for the whole
        // digit array must still take the number.
        let len = n.to_string().len();
        let mut room = vec![0xaa; len];
        let mut sink = SliceSink::new(&mut room);
        put_u64(&mut sink, n);
        assert_eq!(sink.written(), Some(len));
        assert_eq!(room, n.to_string().as_bytes());
    }
}

#[test]
fn queues_around_one_digit() {
    for q in [-10, -1, 0, 1, 9, 10, 99_999, 999_999, 1_000_000, i32::MAX, i32::MIN] {
        let s = Snapshot { rx_queue: q, tx_queue: q, ..estb() };
        let want = format!("{q:>6} {q:>6} 127.0.0.1:40000 ");
        assert!(row(&s).starts_with(&want), "queue {q}: {}", row(&s));
    }
}

// --- states ------------------------------------------------------------------

#[test]
fn every_state_name() {
    let names = ["NONE", "ESTB", "SYNS", "SYNR", "FNW1", "FNW2", "TIMW", "CLSD", "CLSW", "LACK",
                 "LSTN", "CLSG", "SYNR"];
    for (state, name) in names.iter().enumerate() {
        let s = Snapshot { kind: KNETSTAT_TCP_TIMEWAIT, ..tcp(state as u8) };
        assert!(row(&s).ends_with(&format!("0.0.0.0:*               {name} \n")), "{state}");
    }
    for state in [13u8, 14, 100, 255] {
        let s = Snapshot { kind: KNETSTAT_TCP_TIMEWAIT, ..tcp(state) };
        assert!(row(&s).ends_with(" NONE \n"), "{state}");
        assert!(row(&Snapshot { ..tcp(state) }).contains(" NONE      SO_REUSEADDR=0"), "{state}");
    }
}

#[test]
fn timewait_and_request_rows_end_after_the_state() {
    let tw = Snapshot { kind: KNETSTAT_TCP_TIMEWAIT, state: 6, reuse: 1, flags: 0xff, ..estb() };
    assert_eq!(row(&tw), "     0      0 127.0.0.1:40000         127.0.0.1:8080          TIMW \n");
    let fw2 = Snapshot { state: 5, ..tw };
    assert_eq!(row(&fw2), "     0      0 127.0.0.1:40000         127.0.0.1:8080          FNW2 \n");
    let req = Snapshot { kind: KNETSTAT_TCP_REQUEST, state: 3, lport: 8080, rport: 40000, ..estb() };
    assert_eq!(row(&req), "     0      0 127.0.0.1:8080          127.0.0.1:40000         SYNR \n");
}

// --- Diag ----------------------------------------------------------------------

/// An established socket with unacknowledged data whose last ACK came
/// `age` jiffies ago.
fn stalled(age: u32) -> Snapshot {
    Snapshot { snd_una: 1000, snd_nxt: 2000, rcv_tstamp: 5000, now: 5000 + age, ..estb() }
}

#[test]
fn diag_flags_and_precedence() {
    assert_eq!(diag_of(&estb()), "    ");
    assert_eq!(diag_of(&Snapshot { rcv_wnd: 0, snd_wnd: 0, ..estb() }), ">|< ");
    assert_eq!(diag_of(&Snapshot { rcv_wnd: 0, ..estb() }), "|<  ");
    assert_eq!(diag_of(&Snapshot { snd_wnd: 0, ..estb() }), ">|  ");
    assert_eq!(diag_of(&stalled(HZ + 1)), ">#  ");
    // First match wins.
    assert_eq!(diag_of(&Snapshot { rcv_wnd: 0, snd_wnd: 0, ..stalled(HZ + 1) }), ">|< ");
    assert_eq!(diag_of(&Snapshot { rcv_wnd: 0, ..stalled(HZ + 1) }), "|<  ");
    assert_eq!(diag_of(&Snapshot { snd_wnd: 0, ..stalled(HZ + 1) }), ">|  ");
    // The full row: flag padded to 4, then one space, then the options.
    assert_eq!(
        row(&Snapshot { rcv_wnd: 0, snd_wnd: 0, ..estb() }),
        format!("     0      0 127.0.0.1:40000         127.0.0.1:8080          ESTB >|<  {DEFAULT_TCP_OPTS}\n")
    );
}

#[test]
fn diag_only_for_established_full_sockets() {
    for state in [2u8, 3, 4, 5, 8, 9, 10, 11] {
        let s = Snapshot { rcv_wnd: 0, snd_wnd: 0, ..stalled(10 * HZ) };
        assert_eq!(diag_of(&Snapshot { state, ..s }), "    ", "state {state}");
    }
}

#[test]
fn stalled_ack_needs_more_than_one_second_and_unacked_data() {
    assert_eq!(diag_of(&stalled(HZ)), "    ");
    assert_eq!(diag_of(&stalled(HZ + 1)), ">#  ");
    assert_eq!(diag_of(&Snapshot { snd_nxt: 1000, ..stalled(10 * HZ) }), "    ");
    // Other HZ values: one second is hz jiffies.
    assert_eq!(diag_of(&Snapshot { hz: 1000, ..stalled(999) }), "    ");
    assert_eq!(diag_of(&Snapshot { hz: 1000, ..stalled(1001) }), ">#  ");
}

#[test]
fn stalled_ack_is_wrap_safe() {
    let base = stalled(HZ + 1);
    // Sequence numbers wrapping: still 0x20 bytes unacknowledged.
    assert_eq!(diag_of(&Snapshot { snd_una: 0xffff_fff0, snd_nxt: 0x10, ..base }), ">#  ");
    // snd_nxt "before" snd_una is not unacknowledged data.
    assert_eq!(diag_of(&Snapshot { snd_una: 0x10, snd_nxt: 0xffff_fff0, ..base }), "    ");
    // Jiffies wrapping: 0x300 jiffies ago is more than a second...
    assert_eq!(diag_of(&Snapshot { rcv_tstamp: 0xffff_ff00, now: 0x200, ..base }), ">#  ");
    // ... and 0xc0 jiffies ago is not, although now < rcv_tstamp.
    assert_eq!(diag_of(&Snapshot { rcv_tstamp: 0xffff_ff80, now: 0x40, ..base }), "    ");
}

#[test]
fn broken_hz_does_not_panic() {
    let s = Snapshot { hz: 0, keepidle: 100, flags: KNETSTAT_F_LINGER, lingertime: 5, rcvtimeo: 9, ..stalled(1) };
    assert_eq!(
        options_of(&s),
        "SO_REUSEADDR=0,SO_REUSEPORT=0,SO_KEEPALIVE=0,TCP_KEEPIDLE=0,SO_RCVTIMEO=0ms,SO_LINGER=0s,\
         TCP_NODELAY=0,TCP_DEFER_ACCEPT=0"
    );
}

// --- options -----------------------------------------------------------------

#[test]
fn every_tcp_option_in_order_on_a_listener() {
    assert_eq!(
        options_of(&all_tcp_options(10)),
        "SO_REUSEADDR=1,SO_REUSEPORT=1,SO_KEEPALIVE=1,TCP_KEEPIDLE=77,TCP_KEEPCNT=5,TCP_KEEPINTVL=13,\
         TCP_USER_TIMEOUT=12345,SO_RCVBUF=65536,SO_SNDBUF=32768,SO_RCVTIMEO=1500ms,SO_SNDTIMEO=124ms,\
         SO_LINGER=7s,TCP_NODELAY=1,TCP_FASTOPEN=5,TCP_DEFER_ACCEPT=15"
    );
}

#[test]
fn fastopen_only_on_listeners() {
    let o = options_of(&all_tcp_options(1));
    assert!(!o.contains("TCP_FASTOPEN"), "{o}");
    assert!(o.ends_with("SO_LINGER=7s,TCP_NODELAY=1,TCP_DEFER_ACCEPT=15"), "{o}");
    assert!(options_of(&tcp(10)).ends_with("TCP_NODELAY=0,TCP_FASTOPEN=0,TCP_DEFER_ACCEPT=0"));
}

#[test]
fn default_sockets_print_only_the_unconditional_items() {
    assert_eq!(options_of(&estb()), DEFAULT_TCP_OPTS);
    // Values that are present but not "set" stay hidden: buffers without
    // the lock, linger time without SO_LINGER.
    let s = Snapshot { rcvbuf: 131072, sndbuf: 87040, lingertime: 500, ..estb() };
    assert_eq!(options_of(&s), DEFAULT_TCP_OPTS);
    assert_eq!(options_of(&udp()), "SO_REUSEADDR=0,SO_REUSEPORT=0,SO_BROADCAST=0");
}

#[test]
fn each_conditional_item_alone_in_its_position() {
    let cases: &[(Snapshot, &str)] = &[
        (Snapshot { keepidle: 7200 * HZ, ..estb() }, "SO_KEEPALIVE=0,TCP_KEEPIDLE=7200,TCP_NODELAY"),
        (Snapshot { keepcnt: 3, ..estb() }, "SO_KEEPALIVE=0,TCP_KEEPCNT=3,TCP_NODELAY"),
        (Snapshot { keepintvl: 75 * HZ, ..estb() }, "SO_KEEPALIVE=0,TCP_KEEPINTVL=75,TCP_NODELAY"),
        (Snapshot { user_timeout: 1, ..estb() }, "SO_KEEPALIVE=0,TCP_USER_TIMEOUT=1,TCP_NODELAY"),
        (Snapshot { flags: KNETSTAT_F_RCVBUF_LOCK, rcvbuf: 4608, ..estb() }, "SO_KEEPALIVE=0,SO_RCVBUF=2304,TCP_NODELAY"),
        (Snapshot { flags: KNETSTAT_F_SNDBUF_LOCK, sndbuf: 2000, ..estb() }, "SO_KEEPALIVE=0,SO_SNDBUF=1000,TCP_NODELAY"),
        (Snapshot { rcvtimeo: 0, ..estb() }, "SO_KEEPALIVE=0,SO_RCVTIMEO=0ms,TCP_NODELAY"),
        (Snapshot { sndtimeo: 250, ..estb() }, "SO_KEEPALIVE=0,SO_SNDTIMEO=1000ms,TCP_NODELAY"),
        (Snapshot { flags: KNETSTAT_F_LINGER, ..estb() }, "SO_KEEPALIVE=0,SO_LINGER=0s,TCP_NODELAY"),
        (Snapshot { flags: KNETSTAT_F_KEEPALIVE, ..estb() }, "SO_KEEPALIVE=1,TCP_NODELAY=0"),
        (Snapshot { flags: KNETSTAT_F_NODELAY, ..estb() }, "SO_KEEPALIVE=0,TCP_NODELAY=1,"),
        (Snapshot { reuse: 1, ..estb() }, "SO_REUSEADDR=1,SO_REUSEPORT=0,"),
        (Snapshot { reuseport: 1, ..estb() }, "SO_REUSEADDR=0,SO_REUSEPORT=1,"),
    ];
    for (i, (s, want)) in cases.iter().enumerate() {
        let o = options_of(s);
        assert!(o.contains(want), "{o} lacks {want}");
        // The first nine add one item to the five unconditional ones; the
        // last four only change an unconditional value.
        assert_eq!(o.matches('=').count(), if i < 9 { 6 } else { 5 }, "{o}");
    }
}

#[test]
fn two_items_keep_the_contract_order() {
    let s = Snapshot { keepcnt: 3, flags: KNETSTAT_F_SNDBUF_LOCK, sndbuf: 2000, ..estb() };
    assert_eq!(
        options_of(&s),
        "SO_REUSEADDR=0,SO_REUSEPORT=0,SO_KEEPALIVE=0,TCP_KEEPCNT=3,SO_SNDBUF=1000,TCP_NODELAY=0,\
         TCP_DEFER_ACCEPT=0"
    );
}

#[test]
fn jiffies_conversions_at_hz_100_250_1000() {
    for hz in [100u32, 250, 1000] {
        let s = Snapshot {
            hz,
            keepidle: 77 * hz,
            keepintvl: 13 * hz,
            // 1.5 s as sock_set_timeout() stores it, and a value that is not
            // a whole number of milliseconds at HZ=250 (31 jiffies = 124 ms).
            rcvtimeo: i64::from(hz) * 3 / 2,
            sndtimeo: 31,
            flags: KNETSTAT_F_LINGER,
            lingertime: 7 * i64::from(hz),
            user_timeout: 12345,
            ..estb()
        };
        let snd_ms = 31 * 1000 / hz;
        assert_eq!(
            options_of(&s),
            format!(
                "SO_REUSEADDR=0,SO_REUSEPORT=0,SO_KEEPALIVE=0,TCP_KEEPIDLE=77,TCP_KEEPINTVL=13,\
                 TCP_USER_TIMEOUT=12345,SO_RCVTIMEO=1500ms,SO_SNDTIMEO={snd_ms}ms,SO_LINGER=7s,\
                 TCP_NODELAY=0,TCP_DEFER_ACCEPT=0"
            ),
            "HZ={hz}"
        );
    }
}

#[test]
fn timeouts_use_getsockopts_rounding() {
    // HZ=300 does not divide 10^6: tv_usec = (timeo % HZ) * 10^6 / HZ.
    // 1 jiffy = 3333 us -> 3 ms; 301 jiffies = 1 s + 3333 us -> 1003 ms.
    let s = Snapshot { hz: 300, rcvtimeo: 1, sndtimeo: 301, ..estb() };
    assert!(options_of(&s).contains("SO_RCVTIMEO=3ms,SO_SNDTIMEO=1003ms"), "{}", options_of(&s));
}

#[test]
fn huge_timeouts_are_exact_and_do_not_panic() {
    // (2^63 - 2) jiffies at HZ=250: tv_sec = 36893488147419103, remainder
    // 56 jiffies = 224 ms; tv_sec * 1000 does not fit in 64 bits.
    let s = Snapshot { rcvtimeo: i64::MAX - 1, ..estb() };
    assert!(options_of(&s).contains("SO_RCVTIMEO=36893488147419103224ms"), "{}", options_of(&s));
    let s = Snapshot { hz: 1, sndtimeo: i64::MAX - 1, ..estb() };
    assert!(options_of(&s).contains("SO_SNDTIMEO=9223372036854775806000ms"), "{}", options_of(&s));
}

#[test]
fn linger_is_the_int_getsockopt_returns() {
    // setsockopt(SO_LINGER) with a negative l_linger stores
    // MAX_SCHEDULE_TIMEOUT; getsockopt() returns LONG_MAX / HZ in an int.
    for (hz, want) in [
        (100u32, "SO_LINGER=2061584302s"),
        (250, "SO_LINGER=-1752346657s"),
        (300, "SO_LINGER=-744460998s"),
        (1000, "SO_LINGER=-1511828489s"),
    ] {
        let s = Snapshot { hz, flags: KNETSTAT_F_LINGER, lingertime: i64::MAX, ..estb() };
        assert!(options_of(&s).contains(&format!(",{want},")), "HZ={hz}: {}", options_of(&s));
    }
    // The largest l_linger setsockopt() accepts without clamping.
    let s = Snapshot { flags: KNETSTAT_F_LINGER, lingertime: i64::from(i32::MAX) * 250, ..estb() };
    assert!(options_of(&s).contains(",SO_LINGER=2147483647s,"), "{}", options_of(&s));
    // Whole seconds only: 7.996 s prints as 7.
    let s = Snapshot { flags: KNETSTAT_F_LINGER, lingertime: 7 * 250 + 249, ..estb() };
    assert!(options_of(&s).contains(",SO_LINGER=7s,"), "{}", options_of(&s));
    // Never stored by the kernel, but a negative value divides like C.
    let s = Snapshot { flags: KNETSTAT_F_LINGER, lingertime: -501, ..estb() };
    assert!(options_of(&s).contains(",SO_LINGER=-2s,"), "{}", options_of(&s));
    let s = Snapshot { flags: KNETSTAT_F_LINGER, lingertime: i64::MIN, hz: 1, ..estb() };
    assert!(options_of(&s).contains(",SO_LINGER=0s,"), "{}", options_of(&s));
}

#[test]
fn negative_timeouts_are_not_timeouts() {
    for timeo in [KNETSTAT_NO_TIMEOUT, -2, i64::MIN] {
        let s = Snapshot { rcvtimeo: timeo, sndtimeo: timeo, ..estb() };
        assert_eq!(options_of(&s), DEFAULT_TCP_OPTS, "{timeo}");
        let s = Snapshot { rcvtimeo: timeo, sndtimeo: timeo, ..udp() };
        assert_eq!(options_of(&s), "SO_REUSEADDR=0,SO_REUSEPORT=0,SO_BROADCAST=0", "{timeo}");
    }
    // i64::MAX is not KNETSTAT_NO_TIMEOUT here (helpers.c maps MAX_SCHEDULE_TIMEOUT
    // to KNETSTAT_NO_TIMEOUT); it prints, without overflow.
    let s = Snapshot { rcvtimeo: i64::MAX, hz: 1000, ..estb() };
    assert!(options_of(&s).contains(",SO_RCVTIMEO=9223372036854775807ms,"), "{}", options_of(&s));
}

#[test]
fn user_timeout_is_milliseconds_whatever_hz() {
    for hz in [100u32, 250, 300, 1000] {
        let s = Snapshot { hz, user_timeout: 30000, ..estb() };
        assert!(options_of(&s).contains(",TCP_USER_TIMEOUT=30000,"), "HZ={hz}");
    }
}

#[test]
fn defer_accept_in_seconds_as_getsockopt_returns() {
    for (retrans, secs) in [(0u8, 0u64), (1, 1), (2, 3), (3, 7), (4, 15), (5, 31), (6, 63), (7, 127),
                             (8, 247), (9, 367), (255, 127 + 120 * 248)] {
        let s = Snapshot { defer_accept: retrans, ..tcp(10) };
        assert!(options_of(&s).ends_with(&format!(",TCP_DEFER_ACCEPT={secs}")), "{retrans}");
    }
}

#[test]
fn buffers_are_half_the_kernel_value_without_overflow() {
    let s = Snapshot { flags: KNETSTAT_F_RCVBUF_LOCK | KNETSTAT_F_SNDBUF_LOCK, rcvbuf: i32::MIN, sndbuf: i32::MAX, ..estb() };
    assert!(options_of(&s).contains("SO_RCVBUF=-1073741824,SO_SNDBUF=1073741823"), "{}", options_of(&s));
}

#[test]
fn every_udp_option_in_order() {
    let s = Snapshot {
        reuse: 1,
        reuseport: 1,
        flags: KNETSTAT_F_BROADCAST | KNETSTAT_F_LINGER | KNETSTAT_F_RCVBUF_LOCK | KNETSTAT_F_SNDBUF_LOCK | KNETSTAT_F_KEEPALIVE | KNETSTAT_F_NODELAY,
        rcvbuf: 20000,
        sndbuf: 30000,
        rcvtimeo: 500,
        sndtimeo: 31,
        lingertime: 3 * i64::from(HZ),
        keepidle: 100,
        user_timeout: 5,
        defer_accept: 3,
        ..udp()
    };
    // TCP-only items never appear on UDP rows, whatever the snapshot holds.
    assert_eq!(
        row(&s),
        "     0      0 127.0.0.1:5353          0.0.0.0:*               SO_REUSEADDR=1,SO_REUSEPORT=1,\
         SO_RCVBUF=10000,SO_SNDBUF=15000,SO_RCVTIMEO=2000ms,SO_SNDTIMEO=124ms,SO_LINGER=3s,SO_BROADCAST=1\n"
    );
}

#[test]
fn udp_rows_have_no_state_and_no_diag() {
    let s = Snapshot { rcv_wnd: 0, snd_wnd: 0, rx_queue: 768, tx_queue: 0, ..udp() };
    assert_eq!(
        row(&s),
        "   768      0 127.0.0.1:5353          0.0.0.0:*               SO_REUSEADDR=0,SO_REUSEPORT=0,SO_BROADCAST=0\n"
    );
}

#[test]
fn layout_constants_match_helpers_h() {
    // The C side asserts the same numbers (static_assert in helpers.c).
    assert_eq!(std::mem::size_of::<Snapshot>(), 248);
    assert_eq!(KNETSTAT_NO_TIMEOUT, -1);
}

#[test]
fn full_established_row_with_everything_set() {
    // Every option and a stalled connection: the whole line, byte for byte.
    let s = stalled_with_all_options();
    assert_eq!(
        row(&s),
        "    17   4096 192.168.1.18:22         192.168.1.6:49537       ESTB >#   \
         SO_REUSEADDR=1,SO_REUSEPORT=1,SO_KEEPALIVE=1,TCP_KEEPIDLE=77,TCP_KEEPCNT=5,\
         TCP_KEEPINTVL=13,TCP_USER_TIMEOUT=12345,SO_RCVBUF=65536,SO_SNDBUF=32768,\
         SO_RCVTIMEO=1500ms,SO_SNDTIMEO=124ms,SO_LINGER=7s,TCP_NODELAY=1,TCP_DEFER_ACCEPT=15\n"
    );
}

#[test]
fn full_listener_row_with_everything_set_ipv6() {
    let s = Snapshot { family: 6, laddr: v6([0, 0, 0, 0, 0, 0, 0, 1]), raddr: [0; 16], ..all_tcp_options(10) };
    assert_eq!(
        row(&s),
        "     0      0 ::1:8080                :::*                    LSTN      \
         SO_REUSEADDR=1,SO_REUSEPORT=1,SO_KEEPALIVE=1,TCP_KEEPIDLE=77,TCP_KEEPCNT=5,\
         TCP_KEEPINTVL=13,TCP_USER_TIMEOUT=12345,SO_RCVBUF=65536,SO_SNDBUF=32768,\
         SO_RCVTIMEO=1500ms,SO_SNDTIMEO=124ms,SO_LINGER=7s,TCP_NODELAY=1,TCP_FASTOPEN=5,\
         TCP_DEFER_ACCEPT=15\n"
    );
}

#[test]
fn diag_flag_is_only_for_full_tcp_sockets() {
    use crate::diag::diag_flag;
    let trouble = Snapshot { rcv_wnd: 0, snd_wnd: 0, ..stalled(10 * HZ) };
    assert_eq!(diag_flag(&trouble), ">|<");
    for kind in [KNETSTAT_TCP_TIMEWAIT, KNETSTAT_TCP_REQUEST, KNETSTAT_UDP, KNETSTAT_HEADER_TCP, KNETSTAT_HEADER_UDP, 6, 255] {
        assert_eq!(diag_flag(&Snapshot { kind, ..trouble }), "", "kind {kind}");
    }
    // The flags themselves, unpadded.
    assert_eq!(diag_flag(&Snapshot { rcv_wnd: 0, ..stalled(10 * HZ) }), "|<");
    assert_eq!(diag_flag(&Snapshot { snd_wnd: 0, ..stalled(10 * HZ) }), ">|");
    assert_eq!(diag_flag(&stalled(10 * HZ)), ">#");
    assert_eq!(diag_flag(&estb()), "");
}

#[test]
fn exactly_one_second_across_the_jiffies_wrap() {
    // rcv_tstamp 0xffff_ff80 + 250 jiffies wraps to now = 0x7a.
    let base = stalled(0);
    assert_eq!(diag_of(&Snapshot { rcv_tstamp: 0xffff_ff80, now: 0x7a, ..base }), "    ");
    assert_eq!(diag_of(&Snapshot { rcv_tstamp: 0xffff_ff80, now: 0x7b, ..base }), ">#  ");
    // Sequence numbers exactly 2^31 apart are not "after" (as i32 it is negative).
    assert_eq!(diag_of(&Snapshot { snd_una: 0, snd_nxt: 0x8000_0000, ..stalled(10 * HZ) }), "    ");
    assert_eq!(diag_of(&Snapshot { snd_una: 0, snd_nxt: 0x7fff_ffff, ..stalled(10 * HZ) }), ">#  ");
}

#[test]
fn keepalive_at_other_hz_rounds_down() {
    // 7200 s at HZ=250 and at HZ=1000; a non-multiple rounds down like C.
    let s = Snapshot { keepidle: 250 * 7200, keepintvl: 250 * 75 + 249, ..estb() };
    assert!(options_of(&s).contains(",TCP_KEEPIDLE=7200,TCP_KEEPINTVL=75,"), "{}", options_of(&s));
    let s = Snapshot { hz: 1000, keepidle: 1000 * 7200, keepintvl: 999, ..estb() };
    assert!(options_of(&s).contains(",TCP_KEEPIDLE=7200,TCP_KEEPINTVL=0,"), "{}", options_of(&s));
    let s = Snapshot { hz: 100, keepidle: u32::MAX, ..estb() };
    assert!(options_of(&s).contains(",TCP_KEEPIDLE=42949672,"), "{}", options_of(&s));
}

#[test]
fn reuse_values_print_as_stored() {
    // getsockopt(SO_REUSEADDR) returns sk_reuse as is; SK_FORCE_REUSE is 2.
    let s = Snapshot { reuse: 2, ..estb() };
    assert!(options_of(&s).starts_with("SO_REUSEADDR=2,SO_REUSEPORT=0,"), "{}", options_of(&s));
}

// --- the sink the kernel formats into -----------------------------------------

#[test]
fn slice_sink_takes_a_row_that_fits_exactly() {
    let s = Snapshot { family: 6, laddr: v6([0xfe80, 0, 0, 0, 0x1111, 0x2222, 0x3333, 0x4444]), ..all_tcp_options(10) };
    let want = row(&s);
    let mut room = vec![0xaa; want.len()];
    let mut sink = SliceSink::new(&mut room);
    write_row(&mut sink, &s);
    assert_eq!(sink.written(), Some(want.len()));
    assert_eq!(sink.bytes(), want.as_bytes());
    assert_eq!(room, want.as_bytes());
}

#[test]
fn slice_sink_reports_a_row_that_does_not_fit() {
    // seq_file must retry such a row with a larger buffer, never print a cut one.
    let s = all_tcp_options(1);
    let want = row(&s).len();
    for size in [0, 1, 13, want / 2, want - 1] {
        let mut room = vec![0; size];
        let mut sink = SliceSink::new(&mut room);
        write_row(&mut sink, &s);
        assert_eq!(sink.written(), None, "room of {size} for {want} bytes");
    }
    let mut room = vec![0; want + 100];
    let mut sink = SliceSink::new(&mut room);
    write_row(&mut sink, &s);
    assert_eq!(sink.written(), Some(want));
}
