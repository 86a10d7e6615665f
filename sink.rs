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

    /// Appends the first `len` bytes of `bytes` (all of them if `len` is
    /// larger).
    ///
    /// For text made in a fixed-size local array, such as a number's
    /// digits: a sink with room for all `N` bytes may copy them all, a
    /// copy of constant size, and keep only `len`.
    fn put_head<const N: usize>(&mut self, bytes: &[u8; N], len: usize) {
        self.put(bytes.get(..len).unwrap_or(bytes));
    }
}

/// Writes a dotted quad.
#[inline(always)]
pub(crate) fn put_ipv4<S: Sink>(out: &mut S, addr: [u8; 4]) {
    let (text, len) = ipv4_text(addr);
    // Without the dot after the last part.
    out.put_head(&text, len.saturating_sub(1));
}

/// Writes a dotted quad and a colon: an address before its port.
#[inline(always)]
pub(crate) fn put_ipv4_colon<S: Sink>(out: &mut S, addr: [u8; 4]) {
    let (mut text, len) = ipv4_text(addr);
    // The dot after the last part becomes the colon.
    if let Some(dot) = len.checked_sub(1).and_then(|last| text.get_mut(last)) {
        *dot = b':';
    }
    out.put_head(&text, len);
}

/// The text of a dotted quad with a dot after each part, and its length.
///
/// Every row has two addresses: each part comes from [`OCTETS`] with one
/// 4-byte copy into a local array, which the caller writes with one `put`.
#[inline(always)]
fn ipv4_text(addr: [u8; 4]) -> ([u8; 16], usize) {
    // "255.255.255.255." is 16 bytes.
    let mut text = [0u8; 16];
    let mut len = 0;
    for n in addr {
        let [a, b, c, part] = OCTETS[usize::from(n)];
        // len <= 12 before each part, so the range is always there.
        if let Some(dst) = text.get_mut(len..len + 4) {
            dst.copy_from_slice(&[a, b, c, b'.']);
        }
        len += usize::from(part);
    }
    (text, len)
}

/// For each octet value, its decimal digits and a dot in the first bytes
/// of four (`[b'7', b'.', ..]`), and in the last how many of them are the
/// octet's text with its dot (2 to 4).
const OCTETS: [[u8; 4]; 256] = {
    let mut table = [[0u8; 4]; 256];
    let mut n = 0;
    while n < 256 {
        let d = [
            b'0' + (n / 100) as u8,
            b'0' + (n / 10 % 10) as u8,
            b'0' + (n % 10) as u8,
        ];
        table[n] = if n >= 100 {
            [d[0], d[1], d[2], 4]
        } else if n >= 10 {
            [d[1], d[2], b'.', 3]
        } else {
            [d[2], b'.', 0, 2]
        };
        n += 1;
    }
    table
};

/// Writes `n` in decimal.
///
/// Inlined for the numbers of one digit, most in a row (a flag's 0 or 1);
/// the others are written by [`put_digits`].
#[inline(always)]
pub(crate) fn put_u64<S: Sink>(out: &mut S, n: u64) {
    if n < 10 {
        out.put(&[b'0' + n as u8]);
    } else {
        put_digits(out, n);
    }
}

/// Writes `n`, at least 10, in decimal: inlined, since every row has two
/// ports; only numbers of more than 8 digits take a call.
#[inline(always)]
fn put_digits<S: Sink>(out: &mut S, n: u64) {
    match u32::try_from(n) {
        Ok(n) if n < 100_000_000 => put_digits_8(out, n),
        _ => put_digits_long(out, n),
    }
}

/// Writes `n`, 10 to 99,999,999 (ports, and most other numbers), in
/// decimal, with few branches: its eight digits, leading zeros included,
/// from four digit pairs into one little-endian word, the leading zeros
/// shifted out, then written with one constant-size copy.
#[inline(always)]
fn put_digits_8<S: Sink>(out: &mut S, n: u32) {
    let pair = |p: u32| DIGIT_PAIRS.get(p as usize).copied().unwrap_or_default();
    let (high, low) = (n / 10_000, n % 10_000);
    let [a, b] = pair(high / 100);
    let [c, d] = pair(high % 100);
    let [e, f] = pair(low / 100);
    let [g, h] = pair(low % 100);
    let digits = u64::from_le_bytes([a, b, c, d, e, f, g, h]);
    // n >= 10: 2 to 8 digits.
    let len = 1 + POWERS_OF_TEN
        .iter()
        .take(7)
        .filter(|&&p| u64::from(n) >= p)
        .count();
    // The first byte of the word is its lowest: shifting right by the
    // leading zeros' bytes makes the first digit the first byte.
    let shift = 8 * 8usize.saturating_sub(len) as u32;
    out.put_head(&digits.checked_shr(shift).unwrap_or(0).to_le_bytes(), len);
}

/// Writes `n`, at least 10, in decimal, whatever its size.
fn put_digits_long<S: Sink>(out: &mut S, n: u64) {
    // The number of digits, then the digits from the last, two at a time.
    let len = POWERS_OF_TEN.iter().take_while(|&&p| n >= p).count() + 1;
    let mut digits = [0u8; 20]; // u64::MAX has 20 digits
    let mut end = len;
    let mut rest = n;
    while rest >= 10 {
        let pair = DIGIT_PAIRS
            .get((rest % 100) as usize)
            .copied()
            .unwrap_or_default();
        if let Some(dst) = end
            .checked_sub(2)
            .and_then(|start| digits.get_mut(start..end))
        {
            dst.copy_from_slice(&pair);
        }
        end = end.saturating_sub(2);
        rest /= 100;
    }
    // An odd number of digits leaves the first one.
    if let (1, Some(first)) = (end, digits.first_mut()) {
        *first = b'0' + rest as u8;
    }
    out.put_head(&digits, len);
}

/// 10, 100, ... 10^19: a number at least the k-th has more than k digits.
const POWERS_OF_TEN: [u64; 19] = {
    let mut table = [0u64; 19];
    let mut p = 10;
    let mut k = 0;
    while k < 19 {
        table[k] = p;
        p = p.wrapping_mul(10);
        k += 1;
    }
    table
};

/// `b"00"` to `b"99"`.
const DIGIT_PAIRS: [[u8; 2]; 100] = {
    let mut table = [[0u8; 2]; 100];
    let mut n = 0;
    while n < 100 {
        table[n] = [b'0' + (n / 10) as u8, b'0' + (n % 10) as u8];
        n += 1;
    }
    table
};

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
                dst.copy_from_slice(bytes);
                self.len += bytes.len();
            }
            None => self.overflow = true,
        }
    }

    #[inline(always)]
    fn put_head<const N: usize>(&mut self, bytes: &[u8; N], len: usize) {
        let len = len.min(N);
        let dst = self
            .len
            .checked_add(N)
            .and_then(|end| self.buf.get_mut(self.len..end));
        match dst {
            // Room for all N: copy them all (a constant-size copy); the
            // bytes after `len` are overwritten by what comes next, or
            // never counted.
            Some(dst) => {
                dst.copy_from_slice(bytes);
                self.len += len;
            }
            None => self.put(bytes.get(..len).unwrap_or(bytes)),
        }
    }
}
