//! What the test modules share: a `Sink` that collects into a `Vec`, and a
//! small deterministic random number generator.

use crate::sock_fmt::{write_row, Sink, Snapshot};

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
