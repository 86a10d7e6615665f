//! The kernel's own algorithms, transliterated line by line from C, as
//! oracles for the hand-written formatting code; and random snapshots to
//! show that no input makes `write_row` panic or print anything but one line.

use crate::snapshot::*;
use crate::tests_support::{new_socket, row, Rng};

/// lib/vsprintf.c ip6_compressed_string() (Linux 6.12), kept as close to
/// the C as Rust allows: indices, `range`, and the `i += longest - 1`.
fn ip6_compressed_string(addr: &[u8; 16]) -> String {
    let mut p = String::new();
    let s6_addr16 = |i: usize| u16::from_be_bytes([addr[2 * i], addr[2 * i + 1]]);
    let s6_addr32_2 = u32::from_be_bytes([addr[8], addr[9], addr[10], addr[11]]);
    let v4mapped = addr[..8].iter().all(|&b| b == 0) && (s6_addr32_2 ^ 0x0000_ffff) == 0;
    let isatap = (s6_addr32_2 | 0x0200_0000) == 0x0200_5efe;
    let use_ipv4 = v4mapped || isatap;
    let range: i32 = if use_ipv4 { 6 } else { 8 };
    let mut zerolength = [0i32; 8];
    let mut longest = 1;
    let mut colonpos = -1;
    let mut needcolon = false;

    for i in 0..range {
        for j in i..range {
            if s6_addr16(j as usize) != 0 {
                break;
            }
            zerolength[i as usize] += 1;
        }
    }
    for i in 0..range {
        if zerolength[i as usize] > longest {
            longest = zerolength[i as usize];
            colonpos = i;
        }
    }
    if longest == 1 {
        colonpos = -1;
    }
    let mut i = 0;
    while i < range {
        if i == colonpos {
            if needcolon || i == 0 {
                p.push(':');
            }
            p.push(':');
            needcolon = false;
            i += longest - 1;
            i += 1;
            continue;
        }
        if needcolon {
            p.push(':');
        }
        p.push_str(&format!("{:x}", s6_addr16(i as usize)));
        needcolon = true;
        i += 1;
    }
    if use_ipv4 {
        if needcolon {
            p.push(':');
        }
        p.push_str(&format!("{}.{}.{}.{}", addr[12], addr[13], addr[14], addr[15]));
    }
    p
}

/// net/ipv4/tcp.c retrans_to_secs() with TCP_TIMEOUT_INIT/HZ = 1 and
/// TCP_RTO_MAX/HZ = 120, as do_tcp_getsockopt(TCP_DEFER_ACCEPT) calls it.
fn retrans_to_secs(mut retrans: u8, mut timeout: i32, rto_max: i32) -> i32 {
    let mut period = 0;
    if retrans > 0 {
        period = timeout;
        loop {
            retrans -= 1;
            if retrans == 0 {
                break;
            }
            timeout <<= 1;
            if timeout > rto_max {
                timeout = rto_max;
            }
            period += timeout;
        }
    }
    period
}

/// The address column of a UDP row for `addr`, without the port.
fn printed_ipv6(addr: [u8; 16]) -> String {
    let s = Snapshot { kind: KNETSTAT_UDP, family: 6, laddr: addr, lport: 1, ..new_socket() };
    let r = row(&s);
    r[14..].split(' ').next().unwrap().strip_suffix(":1").unwrap().to_string()
}

#[test]
fn ipv6_matches_the_kernel_algorithm() {
    // Random words, mostly zero so that runs of every length occur, with
    // prefixes that make v4-mapped and ISATAP addresses frequent.
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    for n in 0..50_000 {
        let mut addr = [0u8; 16];
        for w in 0..8 {
            let word = if rng.next() % 3 == 0 { rng.next() as u16 } else { 0 };
            addr[2 * w..2 * w + 2].copy_from_slice(&word.to_be_bytes());
        }
        match n % 4 {
            1 => addr[..12].copy_from_slice(&[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff]),
            2 => addr[8..12].copy_from_slice(&[if rng.next() & 1 == 0 { 0 } else { 2 }, 0, 0x5e, 0xfe]),
            _ => {}
        }
        assert_eq!(printed_ipv6(addr), ip6_compressed_string(&addr), "{addr:02x?}");
    }
}

#[test]
fn ipv6_oracle_agrees_with_the_documented_examples() {
    // Guards the oracle itself against a transliteration slip.
    let mut a = [0u8; 16];
    assert_eq!(ip6_compressed_string(&a), "::");
    a[15] = 1;
    assert_eq!(ip6_compressed_string(&a), "::1");
    a[10] = 0xff;
    a[11] = 0xff;
    assert_eq!(ip6_compressed_string(&a), "::ffff:0.0.0.1");
}

#[test]
fn defer_accept_matches_the_kernel_for_every_value() {
    for retrans in 0..=u8::MAX {
        let s = Snapshot {
            kind: KNETSTAT_TCP_FULL,
            state: 10,
            hz: 250,
            rcvtimeo: KNETSTAT_NO_TIMEOUT,
            sndtimeo: KNETSTAT_NO_TIMEOUT,
            defer_accept: retrans,
            ..new_socket()
        };
        let want = format!(",TCP_DEFER_ACCEPT={}\n", retrans_to_secs(retrans, 1, 120));
        assert!(row(&s).ends_with(&want), "{retrans}: {}", row(&s));
    }
}

/// A snapshot with every field random, kinds and states out of range too.
pub(crate) fn random_snapshot(rng: &mut Rng) -> Snapshot {
    let mut bytes = [0u8; 16];
    let mut fill = |rng: &mut Rng| {
        for b in bytes.iter_mut() {
            *b = rng.next() as u8;
        }
        bytes
    };
    let extreme = |rng: &mut Rng| -> i64 {
        match rng.next() % 5 {
            0 => i64::MAX,
            1 => i64::MIN,
            2 => -1,
            3 => 0,
            _ => rng.next() as i64,
        }
    };
    Snapshot {
        laddr: fill(rng),
        raddr: fill(rng),
        lport: rng.next() as u16,
        rport: rng.next() as u16,
        family: [4, 6, 0, 255][(rng.next() % 4) as usize],
        kind: (rng.next() % 8) as u8,
        state: rng.next() as u8,
        flags: rng.next() as u8,
        rx_queue: extreme(rng) as i32,
        tx_queue: rng.next() as i32,
        rcv_wnd: (rng.next() % 2) as u32,
        snd_wnd: (rng.next() % 2) as u32,
        snd_nxt: rng.next() as u32,
        snd_una: rng.next() as u32,
        rcv_tstamp: rng.next() as u32,
        now: rng.next() as u32,
        hz: [0, 1, 100, 250, 300, 1000, u32::MAX][(rng.next() % 7) as usize],
        reuse: rng.next() as u8,
        reuseport: rng.next() as u8,
        keepcnt: rng.next() as u8,
        defer_accept: rng.next() as u8,
        keepidle: rng.next() as u32,
        keepintvl: rng.next() as u32,
        user_timeout: rng.next() as u32,
        rcvbuf: extreme(rng) as i32,
        sndbuf: rng.next() as i32,
        fastopen_qlen: extreme(rng) as i32,
        rcvtimeo: extreme(rng),
        sndtimeo: extreme(rng),
        lingertime: extreme(rng),
        max_pacing_rate: extreme(rng) as u64,
        xflags: rng.next() as u32,
        priority: rng.next() as u32,
        mark: rng.next() as u32,
        rcvlowat: extreme(rng) as i32,
        incoming_cpu: extreme(rng) as i32,
        busy_poll: rng.next() as u32,
        tsflags: rng.next() as u32,
        ttl: extreme(rng) as i32,
        mc_ifindex: extreme(rng) as i32,
        mc_addr: rng.next().to_be_bytes()[..4].try_into().unwrap(),
        notsent_lowat: rng.next() as u32,
        window_clamp: rng.next() as u32,
        linger2: extreme(rng) as i32,
        user_mss: rng.next() as u16,
        gso_size: rng.next() as u16,
        tos: rng.next() as u8,
        mc_ttl: rng.next() as u8,
        syn_retries: rng.next() as u8,
        encap_type: rng.next() as u8,
        retransmits: (rng.next() % 2) as u8,
        probes_out: (rng.next() % 2) as u8,
        pending: (rng.next() % 7) as u8,
        net_admin: rng.next() as u8,
        bound_dev: fill(rng),
        congestion: fill(rng),
        ulp: fill(rng),
    }
}

#[test]
fn any_snapshot_gives_exactly_one_line() {
    // Debug builds check overflow, so a panic here is an arithmetic bug.
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for _ in 0..100_000 {
        let s = random_snapshot(&mut rng);
        let r = row(&s);
        assert!(r.ends_with('\n') && r.matches('\n').count() == 1, "{s:?}: {r:?}");
        assert!(r.is_ascii() && !r.trim_end_matches('\n').contains(|c: char| c.is_ascii_control()), "{s:?}");
    }
}
