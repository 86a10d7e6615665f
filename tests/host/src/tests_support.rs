//! What the test modules share: a `Sink` that collects into a `Vec`, and a
//! small deterministic random number generator.

use crate::sock_fmt::{write_row, Sink, Snapshot, NO_TIMEOUT, X_MC_ALL, X_MC_LOOP};

/// Collects the output in memory.
pub(crate) struct VecSink(pub(crate) Vec<u8>);

impl Sink for VecSink {
    fn put(&mut self, bytes: &[u8]) {
        self.0.extend_from_slice(bytes);
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
        rcvtimeo: NO_TIMEOUT,
        sndtimeo: NO_TIMEOUT,
        rcvlowat: 1,
        incoming_cpu: -1,
        ttl: -1,
        max_pacing_rate: u64::MAX,
        mc_ttl: 1,
        xflags: X_MC_LOOP | X_MC_ALL,
        congestion,
        ..Default::default()
    }
}
