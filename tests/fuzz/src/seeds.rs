//! Seeds: real snapshots, as the host tests build them (`new_socket()` and
//! the sockets of tests.rs and tests_ext.rs), each with a room selector
//! that puts the room at the row's length or one byte short of it.

use crate::snapshot::*;
use crate::tests_support::{
    all_tcp_items, all_tcp_options, all_udp_items, estb, name, stalled_with_all_options, v6,
};
use crate::{input, snapshot_to_bytes};

/// The seeds, by name: each an input (snapshot bytes and room selector).
pub fn seed_inputs() -> Vec<(&'static str, Vec<u8>)> {
    let header_tcp = Snapshot {
        kind: KNETSTAT_HEADER_TCP,
        ..Default::default()
    };
    let header_udp = Snapshot {
        kind: KNETSTAT_HEADER_UDP,
        ..Default::default()
    };
    let listener = Snapshot {
        lport: 6010,
        reuse: 1,
        state: 10,
        raddr: [0; 16],
        rport: 0,
        ..estb()
    };
    let queues = Snapshot {
        rx_queue: i32::MIN,
        tx_queue: 999999,
        ..estb()
    };
    let stalled = stalled_with_all_options();
    let probing = Snapshot {
        retransmits: 0,
        pending: 3,
        flags: KNETSTAT_F_KEEPALIVE,
        probes_out: 1,
        ..estb()
    };
    let v6_listener = Snapshot {
        family: 6,
        laddr: v6([0xfe80, 0, 0, 0, 0x1111, 0x2222, 0x3333, 0x4444]),
        ..all_tcp_options(10)
    };
    let v6_everything = all_tcp_items(Snapshot {
        family: 6,
        laddr: [0; 16],
        state: 10,
        raddr: [0; 16],
        rport: 0,
        ..estb()
    });
    let udp = Snapshot {
        kind: KNETSTAT_UDP,
        state: 7,
        raddr: [0; 16],
        rport: 0,
        ..estb()
    };
    let udp_everything = all_udp_items(udp);
    let udp6_longest = Snapshot {
        family: 6,
        laddr: v6([0xffff; 8]),
        lport: 65535,
        raddr: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 255, 255, 255, 255],
        rport: 65535,
        ..udp
    };
    let isatap = Snapshot {
        family: 6,
        laddr: v6([0xfe80, 0, 0, 0, 0x0200, 0x5efe, 0xc000, 0x0201]),
        ..udp
    };
    let escaped = Snapshot {
        bound_dev: name(&[b'a', b'\\', 0xc3, 0xa9, 0x7f, b',', b'=', b' ', b'z']),
        ulp: name(b"mptcp"),
        xflags: KNETSTAT_X_CA_CUSTOM,
        congestion: [0xff; 16],
        ..estb()
    };
    let extreme = Snapshot {
        hz: 0,
        rcvtimeo: i64::MAX,
        sndtimeo: i64::MIN,
        lingertime: i64::MIN,
        flags: 0xff,
        rcvbuf: i32::MIN,
        sndbuf: i32::MAX,
        linger2: i32::MIN,
        defer_accept: 255,
        keepidle: u32::MAX,
        ..all_tcp_options(10)
    };
    let timewait = Snapshot {
        kind: KNETSTAT_TCP_TIMEWAIT,
        state: 6,
        reuse: 1,
        flags: 0xff,
        ..estb()
    };
    let request = Snapshot {
        kind: KNETSTAT_TCP_REQUEST,
        state: 3,
        lport: 8080,
        rport: 40000,
        ..estb()
    };

    let cases = [
        ("header-tcp", header_tcp),
        ("header-udp", header_udp),
        ("listener", listener),
        ("queues", queues),
        ("stalled-all-options", stalled),
        ("probing", probing),
        ("v6-listener", v6_listener),
        ("v6-everything", v6_everything),
        ("udp-everything", udp_everything),
        ("udp6-longest", udp6_longest),
        ("isatap", isatap),
        ("escaped-names", escaped),
        ("extreme", extreme),
        ("timewait", timewait),
        ("request", request),
    ];
    let mut out = Vec::new();
    for (i, (name, s)) in cases.into_iter().enumerate() {
        // Alternately: a room one byte short of the row (relative selector
        // len - 1 needs the length, so use the absolute form) and a room of
        // exactly the row.
        let len = crate::row_len(&s);
        let room = if i % 2 == 0 { len - 1 } else { len };
        let selector = 0x8000 | u16::try_from(room).unwrap_or(0x7fff);
        debug_assert_eq!(snapshot_to_bytes(&s).len(), crate::SNAPSHOT_LEN);
        out.push((name, input(&s, selector)));
    }
    out
}
