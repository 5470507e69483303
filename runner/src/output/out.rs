//! The buffered writer behind every listing: records are formatted into a
//! fixed buffer, a piece at a time, and written out in chunks.

use std::fmt;
use std::io::{self, Write};

use sockdiag_codec::format::columns::{copy_small, RowOut};

use crate::error::Error;

/// Buffered stdout behind `fmt::Write`. Records are formatted into a
/// fixed buffer, a piece at a time (a separator, a number: mostly a few
/// bytes), and handed to the writer once a record ends and a chunk has
/// gathered. An io error is kept for [`Out::check`], which `fmt::Error`
/// cannot carry.
pub struct Out<W: Write> {
    inner: W,
    buf: Box<[u8]>,
    len: usize,
    error: Option<io::Error>,
    /// `--snapshot`: formatted (so every host answer is asked), never
    /// written.
    pub discard: bool,
}

/// Bytes gathered before a write to stdout.
const OUT_CHUNK: usize = 64 * 1024;

// The writers below are forced inline on x86-64, where it pays on the
// hot path and the binary has room; elsewhere the compiler decides, as
// forcing them costs s390x the budget (.cargo/config.toml).
impl<W: Write> fmt::Write for Out<W> {
    // Inlined where the codec calls it directly with a literal or a
    // number's digits: most pieces of a line.
    #[cfg_attr(target_arch = "x86_64", inline(always))]
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.write_bytes(s.as_bytes())
    }

    // The default goes through `encode_utf8` and `write_str`; the codec
    // writes separators and digits a char at a time, an ASCII byte each.
    #[cfg_attr(target_arch = "x86_64", inline(always))]
    fn write_char(&mut self, c: char) -> fmt::Result {
        match (u8::try_from(c), self.buf.get_mut(self.len)) {
            (Ok(byte), Some(slot)) if byte.is_ascii() => {
                *slot = byte;
                self.len += 1;
                Ok(())
            }
            _ => self.write_through(c.encode_utf8(&mut [0; 4]).as_bytes()),
        }
    }
}

impl<W: Write> RowOut for Out<W> {
    // The fast path inlined; the rare full buffer is out of line.
    #[cfg_attr(target_arch = "x86_64", inline(always))]
    fn write_bytes(&mut self, bytes: &[u8]) -> fmt::Result {
        let end = self.len + bytes.len();
        match self.buf.get_mut(self.len..end) {
            Some(dst) => {
                copy_small(dst, bytes);
                self.len = end;
                Ok(())
            }
            None => self.write_through(bytes),
        }
    }

    // A row's padding, a few spaces at a time: one copy each.
    #[cfg_attr(target_arch = "x86_64", inline(always))]
    fn write_spaces(&mut self, mut n: usize) -> fmt::Result {
        while n > 0 {
            let k = n.min(SPACES.len());
            self.write_bytes(&SPACES[..k])?;
            n -= k;
        }
        Ok(())
    }
}

const SPACES: [u8; 32] = [b' '; 32];

impl<W: Write> Out<W> {
    pub fn new(inner: W) -> Out<W> {
        Out {
            inner,
            // Room for a chunk and the record that crosses its end.
            buf: vec![0; OUT_CHUNK + 16 * 1024].into_boxed_slice(),
            len: 0,
            error: None,
            discard: false,
        }
    }

    /// Ends a record: a write or formatting error is fatal, and a full
    /// chunk goes out.
    pub fn check(&mut self, r: fmt::Result) -> Result<(), Error> {
        r.map_err(|_| {
            Error::Output(
                self.error
                    .take()
                    .unwrap_or_else(|| io::Error::other("formatting failed")),
            )
        })?;
        if self.len >= OUT_CHUNK {
            self.drain().map_err(Error::Output)?;
        }
        Ok(())
    }

    /// A piece longer than what is left of the buffer: sends what is
    /// gathered, and a piece longer than the buffer directly.
    #[cold]
    #[inline(never)]
    fn write_through(&mut self, bytes: &[u8]) -> fmt::Result {
        let r = self.drain().and_then(|()| {
            if bytes.len() > self.buf.len() {
                match self.discard {
                    true => Ok(()),
                    false => self.inner.write_all(bytes),
                }
            } else {
                self.buf[..bytes.len()].copy_from_slice(bytes);
                self.len = bytes.len();
                Ok(())
            }
        });
        r.map_err(|e| {
            self.error = Some(e);
            fmt::Error
        })
    }

    fn drain(&mut self) -> io::Result<()> {
        let n = std::mem::take(&mut self.len);
        if self.discard {
            return Ok(());
        }
        self.inner.write_all(&self.buf[..n])
    }

    pub fn flush(&mut self) -> Result<(), Error> {
        self.drain().map_err(Error::Output)?;
        self.inner.flush().map_err(Error::Output)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fmt::Write as _;

    /// Chars, ASCII or not, arrive whole and in order, also when the
    /// buffer is full.
    #[test]
    fn chars_arrive_in_order() {
        let mut out = Out::new(Vec::new());
        let mut want = String::new();
        for (i, c) in "ab\u{e9}\u{1f600}z"
            .chars()
            .cycle()
            .take(200_000)
            .enumerate()
        {
            out.write_char(c).unwrap();
            want.push(c);
            if i % 1000 == 0 {
                assert!(out.check(Ok(())).is_ok());
            }
        }
        assert!(out.flush().is_ok());
        assert_eq!(String::from_utf8(out.inner).unwrap(), want);
    }

    /// Every piece length, across the chunk boundary and beyond the
    /// buffer, arrives whole and in order.
    #[test]
    fn pieces_arrive_in_order() {
        let mut out = Out::new(Vec::new());
        let mut want = Vec::new();
        let text: String = (0..200_000)
            .map(|i| char::from(b'a' + (i % 26) as u8))
            .collect();
        let mut at = 0;
        for n in (0..40).chain([100, 5000, 90_000]).cycle().take(400) {
            let piece = &text[at % 100_000..at % 100_000 + n];
            out.write_str(piece).unwrap();
            want.extend_from_slice(piece.as_bytes());
            assert!(out.check(Ok(())).is_ok());
            at += 7;
        }
        assert!(out.flush().is_ok());
        assert_eq!(out.inner, want);
    }
}
