//! Fuzzing knetstat's formatting: the properties the kernel relies on when
//! it calls `write_row` with a [`SliceSink`] over the free room of the
//! seq_file buffer (knetstat.rs, `show`).
//!
//! The module's formatting files are compiled here unchanged, as in
//! `tests/host`, and so are the host tests' helpers (`tests_support.rs`:
//! `VecSink`, `new_socket`, `Rng`).
//!
//! # Input
//!
//! Bytes 0..248 are a [`Snapshot`] exactly as it lies in memory
//! (`struct knetstat_sock`, generated from snapshot.h; missing bytes are
//! 0), so a snapshot dumped from the kernel is an input as it is. Bytes 248..250,
//! when present, choose one more room, as a little-endian `u16`: with the
//! top bit set, its low 15 bits are the room's size; otherwise its value
//! modulo `row length + 2`, a room from 0 to one byte larger than the row.
//! Further bytes are ignored.
//!
//! # Properties ([`check`])
//!
//! For the row `want` that `write_row` writes into an unbounded `VecSink`:
//!
//! 1. it is one line of printable ASCII, and its columns say what the
//!    snapshot holds (queues, addresses, ports, state);
//! 2. for the rooms 0, `len - 1`, `len`, `len + 1`, `len + 4096` and the
//!    input's own, a `SliceSink` over the room, in a larger buffer whose
//!    other bytes hold a canary:
//!    - `written()` is `None` exactly when `want` is longer than the room,
//!    - when it fits, the room holds `want` and nothing after it,
//!    - the canary on both sides of the room is untouched;
//! 3. nothing panics (overflow checks and debug assertions are on, as in
//!    the kernel's CONFIG_RUST_OVERFLOW_CHECKS).

#![allow(dead_code)]

#[path = "../../../diag.rs"]
mod diag;
#[path = "../../../options.rs"]
mod options;
#[path = "../../../sink.rs"]
mod sink;
#[path = "../../../snapshot.rs"]
mod snapshot;
#[path = "../../../sock_fmt.rs"]
mod sock_fmt;
#[path = "../../host/src/tests_support.rs"]
mod tests_support;

mod seeds;

use sink::SliceSink;
use snapshot::{
    Snapshot, KNETSTAT_HEADER_TCP, KNETSTAT_HEADER_UDP, KNETSTAT_TCP_FULL, KNETSTAT_UDP,
};
use sock_fmt::write_row;
use std::net::{Ipv4Addr, Ipv6Addr};
use tests_support::VecSink;

pub use seeds::seed_inputs;

/// Size of `struct knetstat_sock`.
pub const SNAPSHOT_LEN: usize = std::mem::size_of::<Snapshot>();
/// Size of an input: a snapshot and the room selector.
pub const INPUT_LEN: usize = SNAPSHOT_LEN + 2;

/// The byte around every room.
const CANARY: u8 = 0xa5;
/// Canary bytes on each side of a room.
const GUARD: usize = 64;
/// The widest `put_head` of the formatting code (sock_fmt.rs `SPACES`).
const SCRATCH: usize = 32;

/// The snapshot whose memory image is `bytes`, zero-filled past their end.
fn snapshot_from_bytes(bytes: &[u8]) -> Snapshot {
    let mut s = Snapshot::default();
    let n = bytes.len().min(SNAPSHOT_LEN);
    // SAFETY: `s` is SNAPSHOT_LEN bytes long and, as bindgen generates it
    // (snapshot.bindgen: `--explicit-padding`), made of integers and arrays
    // of integers only, without padding: any bytes are a valid value.
    // `bytes` is a distinct borrow of at least `n` bytes.
    unsafe {
        std::ptr::copy_nonoverlapping(bytes.as_ptr(), (&mut s as *mut Snapshot).cast::<u8>(), n)
    };
    s
}

/// The memory image of `s`: the inverse of [`snapshot_from_bytes`], to
/// write seeds.
fn snapshot_to_bytes(s: &Snapshot) -> Vec<u8> {
    // SAFETY: as in `snapshot_from_bytes`, all SNAPSHOT_LEN bytes of `s`
    // belong to integer fields, so all are initialized; the slice borrows
    // `s` only while it is copied.
    unsafe { std::slice::from_raw_parts((s as *const Snapshot).cast::<u8>(), SNAPSHOT_LEN) }
        .to_vec()
}

/// An input: `s`'s bytes, then the room selector `room`.
fn input(s: &Snapshot, room: u16) -> Vec<u8> {
    let mut v = snapshot_to_bytes(s);
    v.extend_from_slice(&room.to_le_bytes());
    v
}

/// The length of `s`'s row.
fn row_len(s: &Snapshot) -> usize {
    let mut full = VecSink(Vec::new());
    write_row(&mut full, s);
    full.0.len()
}

/// The room the input's bytes 248..250 choose for a row of `len` bytes.
fn chosen_room(selector: [u8; 2], len: usize) -> usize {
    let x = u16::from_le_bytes(selector);
    if x & 0x8000 != 0 {
        usize::from(x & 0x7fff)
    } else {
        usize::from(x) % (len + 2)
    }
}

/// Checks every property of the module's docs for one input; panics with
/// the input's snapshot and the room on a violation.
pub fn check(data: &[u8]) {
    let s = snapshot_from_bytes(data.get(..SNAPSHOT_LEN).unwrap_or(data));
    let mut full = VecSink(Vec::new());
    write_row(&mut full, &s);
    let want = full.0;
    check_line(&s, &want);

    let len = want.len();
    let mut rooms = vec![0, len.saturating_sub(1), len, len + 1, len + 4096];
    if let Some(&[a, b]) = data.get(SNAPSHOT_LEN..INPUT_LEN) {
        rooms.push(chosen_room([a, b], len));
    }
    for room in rooms {
        check_room(&s, &want, room);
    }
}

/// `write_row` into a room of `room` bytes inside a canary-filled buffer.
fn check_room(s: &Snapshot, want: &[u8], room: usize) {
    let mut buf = vec![CANARY; GUARD + room + GUARD];
    let (before, rest) = buf.split_at_mut(GUARD);
    let (inside, after) = rest.split_at_mut(room);
    let written = {
        let mut sink = SliceSink::new(inside);
        write_row(&mut sink, s);
        sink.written()
    };
    let fits = want.len() <= room;
    let ctx = || {
        format!(
            "room {room}, row {} bytes {:?}, {s:?}",
            want.len(),
            ascii(want)
        )
    };
    if fits {
        assert_eq!(
            written,
            Some(want.len()),
            "a row that fits is reported as overflow: {}",
            ctx()
        );
    } else {
        assert_eq!(
            written,
            None,
            "a row that does not fit is not reported: {}",
            ctx()
        );
    }
    assert!(
        before.iter().all(|&b| b == CANARY),
        "wrote before its room: {}",
        ctx()
    );
    assert!(
        after.iter().all(|&b| b == CANARY),
        "wrote after its room: {}",
        ctx()
    );
    if fits {
        // The same bytes as in the unbounded sink, and nothing after them.
        assert_eq!(
            inside.get(..want.len()),
            Some(want),
            "not the row's bytes: {}",
            ctx()
        );
        // Sink::put_head may copy a whole local array where only its head
        // counts: up to SCRATCH bytes past the row are the room's scratch
        // (as the NUL that vsnprintf() leaves in a seq_file buffer), and
        // nothing after them changes.
        let tail = inside.get(want.len() + SCRATCH..).unwrap_or(&[]);
        assert!(
            tail.iter().all(|&b| b == CANARY),
            "wrote past the row in its room: {}",
            ctx()
        );
    }
}

fn ascii(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// The row is one line of printable ASCII whose leading columns parse back
/// to the snapshot's values.
fn check_line(s: &Snapshot, row: &[u8]) {
    let ctx = || format!("{:?}, {s:?}", ascii(row));
    let Some(body) = row.strip_suffix(b"\n") else {
        panic!("no newline at the end: {}", ctx());
    };
    assert!(
        body.iter().all(|&b| (b' '..=b'~').contains(&b)),
        "not one line of printable ASCII: {}",
        ctx()
    );
    let Ok(body) = std::str::from_utf8(body) else {
        unreachable!("ASCII is UTF-8");
    };
    if matches!(s.kind, KNETSTAT_HEADER_TCP | KNETSTAT_HEADER_UDP) {
        assert!(body.starts_with("Recv-Q Send-Q Local Address"), "{}", ctx());
        return;
    }
    // Queues right-aligned in 6, addresses left-aligned in 23, never cut.
    let mut fields = body.split(' ').filter(|f| !f.is_empty());
    let mut next = || {
        fields
            .next()
            .unwrap_or_else(|| panic!("too few columns: {}", ctx()))
    };
    let head = format!("{:>6} {:>6} ", s.rx_queue, s.tx_queue);
    assert!(body.starts_with(&head), "queue columns: {}", ctx());
    assert_eq!(next(), s.rx_queue.to_string(), "{}", ctx());
    assert_eq!(next(), s.tx_queue.to_string(), "{}", ctx());
    let mut at = head.len();
    for (addr, port) in [(&s.laddr, s.lport), (&s.raddr, s.rport)] {
        let col = next();
        let Some(rest) = body.get(at..) else {
            panic!("row too short: {}", ctx());
        };
        assert!(
            rest.starts_with(&format!("{col:<23} ")),
            "address column: {}",
            ctx()
        );
        at += col.len().max(23) + 1;
        let Some((text, port_text)) = col.rsplit_once(':') else {
            panic!("no port in {col:?}: {}", ctx());
        };
        let want_port = if port == 0 {
            "*".to_string()
        } else {
            port.to_string()
        };
        assert_eq!(port_text, want_port, "{}", ctx());
        if s.family == 6 {
            let parsed: Ipv6Addr = text
                .parse()
                .unwrap_or_else(|_| panic!("{text:?}: {}", ctx()));
            assert_eq!(parsed.octets(), *addr, "{}", ctx());
        } else {
            let [a, b, c, d, ..] = *addr;
            assert_eq!(text, Ipv4Addr::new(a, b, c, d).to_string(), "{}", ctx());
        }
    }
    let Some(rest) = body.get(at..) else {
        panic!("row too short: {}", ctx());
    };
    let state = STATE_NAMES
        .get(usize::from(s.state))
        .copied()
        .unwrap_or("NONE");
    match s.kind {
        KNETSTAT_UDP => assert!(rest.starts_with("SO_REUSEADDR="), "{}", ctx()),
        KNETSTAT_TCP_FULL => {
            let diag = crate::diag::diag_flag(s);
            let want = format!("{state} {diag:<4} SO_REUSEADDR=");
            assert!(rest.starts_with(&want), "state and diag columns: {}", ctx());
        }
        // TIME_WAIT, request sockets, and any other kind: the state ends it.
        _ => {
            assert_eq!(rest, format!("{state} "), "{}", ctx());
        }
    }
}

/// The kernel's TCP state names, written out again as an oracle.
const STATE_NAMES: [&str; 13] = [
    "NONE", "ESTB", "SYNS", "SYNR", "FNW1", "FNW2", "TIMW", "CLSD", "CLSW", "LACK", "LSTN", "CLSG",
    "SYNR",
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tests_support::Rng;

    fn random_bytes(rng: &mut Rng, n: usize) -> Vec<u8> {
        (0..n).map(|_| rng.next() as u8).collect()
    }

    #[test]
    fn bytes_round_trip() {
        let mut rng = Rng(0x1234_5678_9abc_def1);
        for _ in 0..1000 {
            let bytes = random_bytes(&mut rng, SNAPSHOT_LEN);
            assert_eq!(snapshot_to_bytes(&snapshot_from_bytes(&bytes)), bytes);
        }
    }

    #[test]
    fn short_inputs_are_zero_filled() {
        assert_eq!(snapshot_from_bytes(&[]), Snapshot::default());
        let s = snapshot_from_bytes(&[1, 2, 3]);
        assert_eq!(&s.laddr[..4], &[1, 2, 3, 0]);
    }

    #[test]
    fn chosen_rooms() {
        assert_eq!(chosen_room(0x8000u16.to_le_bytes(), 100), 0);
        assert_eq!(chosen_room(0xffffu16.to_le_bytes(), 100), 0x7fff);
        assert_eq!(chosen_room(101u16.to_le_bytes(), 100), 101);
        assert_eq!(chosen_room(102u16.to_le_bytes(), 100), 0);
    }

    /// The committed corpus and the seeds hold.
    #[test]
    fn corpus_and_seeds() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/write_row");
        let mut n = 0;
        for entry in std::fs::read_dir(&dir).expect("tests/fuzz/corpus/write_row") {
            let path = entry.expect("corpus entry").path();
            check(&std::fs::read(&path).expect("corpus file"));
            n += 1;
        }
        assert!(n > 0, "empty corpus");
        for (_, data) in seed_inputs() {
            check(&data);
        }
    }

    /// The same properties over random inputs, without libFuzzer: random
    /// snapshot bytes biased towards the values that choose branches.
    #[test]
    fn seeded_random_inputs() {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let seeds = seed_inputs();
        for i in 0..20_000 {
            let mut data = match seeds.get(i % (seeds.len() + 1)) {
                Some((_, d)) => d.clone(),
                None => random_bytes(&mut rng, INPUT_LEN),
            };
            // Flip a few bytes to values that matter: 0, 1, -1, small kinds.
            for _ in 0..(rng.next() % 8) {
                let at = (rng.next() as usize) % INPUT_LEN;
                if let Some(b) = data.get_mut(at) {
                    *b = [0, 1, 2, 3, 4, 5, 6, 10, 0x7f, 0x80, 0xff, rng.next() as u8]
                        [(rng.next() % 12) as usize];
                }
            }
            check(&data);
        }
    }

    #[test]
    fn write_seed_corpus() {
        // KNETSTAT_WRITE_SEEDS=DIR cargo test write_seed_corpus: writes the
        // seeds as files, to start a corpus.
        let Some(dir) = std::env::var_os("KNETSTAT_WRITE_SEEDS") else {
            return;
        };
        for (name, data) in seed_inputs() {
            std::fs::write(
                std::path::Path::new(&dir).join(format!("seed-{name}")),
                data,
            )
            .expect("write seed");
        }
    }
}
