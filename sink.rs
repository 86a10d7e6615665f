// SPDX-License-Identifier: GPL-2.0

//! Where a row's bytes go, and the number and address writers that every
//! column uses. Pure `core` code, like the rest of the formatting.

/// Where formatted bytes go: the seq_file in the kernel, a `Vec` in tests.
pub(crate) trait Sink {
    /// Appends `bytes` to the output.
    fn put(&mut self, bytes: &[u8]);

    /// How many bytes the output holds, so that a column can be padded
    /// to its width after it was written.
    fn position(&self) -> usize;
}

/// Writes a dotted quad.
///
/// Every row has two addresses: the text is made in a local array and
/// written with one `put`, which costs a fraction of writing it number by
/// number.
pub(crate) fn put_ipv4<S: Sink>(out: &mut S, addr: [u8; 4]) {
    // "255.255.255.255" is 15 bytes.
    let mut text = [0u8; 15];
    let mut len = 0;
    let mut push = |byte: u8| {
        if let Some(slot) = text.get_mut(len) {
            *slot = byte;
            len += 1;
        }
    };
    for (i, n) in addr.into_iter().enumerate() {
        if i > 0 {
            push(b'.');
        }
        if n >= 100 {
            push(b'0' + n / 100);
        }
        if n >= 10 {
            push(b'0' + n / 10 % 10);
        }
        push(b'0' + n % 10);
    }
    out.put(text.get(..len).unwrap_or(b""));
}

/// Writes `n` in decimal.
pub(crate) fn put_u64<S: Sink>(out: &mut S, mut n: u64) {
    let mut digits = [0u8; 20]; // u64::MAX has 20 digits
    let mut start = digits.len();
    for slot in digits.iter_mut().rev() {
        *slot = b'0' + (n % 10) as u8;
        start -= 1;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.put(digits.get(start..).unwrap_or(b"0"));
}

/// Writes `n` in decimal, with a `-` when negative.
pub(crate) fn put_i64<S: Sink>(out: &mut S, n: i64) {
    if n < 0 {
        out.put(b"-");
    }
    put_u64(out, n.unsigned_abs());
}

/// A [`Sink`] that fills a byte slice: in the kernel the free part of the
/// seq_file buffer, for one column a small stack array.
///
/// Bytes that do not fit are dropped, and the sink remembers that it
/// overflowed: the caller then lets seq_file retry the row with a larger
/// buffer. Nothing here allocates or panics.
pub(crate) struct SliceSink<'a> {
    /// Where the bytes go.
    buf: &'a mut [u8],
    /// How many bytes of `buf` are written.
    len: usize,
    /// Whether a `put` did not fit.
    overflow: bool,
}

impl<'a> SliceSink<'a> {
    /// An empty sink over `buf`.
    pub(crate) fn new(buf: &'a mut [u8]) -> Self {
        SliceSink {
            buf,
            len: 0,
            overflow: false,
        }
    }

    /// The number of bytes written, or `None` if some did not fit.
    pub(crate) fn written(&self) -> Option<usize> {
        if self.overflow {
            None
        } else {
            Some(self.len)
        }
    }

    /// The bytes written so far.
    pub(crate) fn bytes(&self) -> &[u8] {
        self.buf.get(..self.len).unwrap_or(b"")
    }
}

impl Sink for SliceSink<'_> {
    fn position(&self) -> usize {
        self.len
    }

    // Inlined, so that the many puts of 1 to 3 constant bytes become
    // stores rather than calls to memcpy.
    #[inline(always)]
    fn put(&mut self, bytes: &[u8]) {
        let dst = self
            .len
            .checked_add(bytes.len())
            .and_then(|end| self.buf.get_mut(self.len..end));
        match dst {
            Some(dst) => {
                // Same length by construction: the copy is a plain memcpy.
                for (d, s) in dst.iter_mut().zip(bytes) {
                    *d = *s;
                }
                self.len += bytes.len();
            }
            None => self.overflow = true,
        }
    }
}
