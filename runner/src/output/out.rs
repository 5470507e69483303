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
}

/// Bytes gathered before a write to stdout.
const OUT_CHUNK: usize = 64 * 1024;

impl<W: Write> fmt::Write for Out<W> {
    // Inlined where the codec calls it directly with a literal or a
    // number's digits: most pieces of a line.
    #[inline]
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.write_bytes(s.as_bytes())
    }
}

impl<W: Write> RowOut for Out<W> {
    #[inline]
    fn write_bytes(&mut self, bytes: &[u8]) -> fmt::Result {
        if bytes.len() > self.buf.len() - self.len {
            // A record longer than what is left: send what is gathered,
            // and a piece longer than the buffer directly.
            self.drain().map_err(|e| {
                self.error = Some(e);
                fmt::Error
            })?;
            if bytes.len() > self.buf.len() {
                return self.inner.write_all(bytes).map_err(|e| {
                    self.error = Some(e);
                    fmt::Error
                });
            }
        }
        let end = self.len + bytes.len();
        copy_small(&mut self.buf[self.len..end], bytes);
        self.len = end;
        Ok(())
    }
}

impl<W: Write> Out<W> {
    pub fn new(inner: W) -> Out<W> {
        Out {
            inner,
            // Room for a chunk and the record that crosses its end.
            buf: vec![0; OUT_CHUNK + 16 * 1024].into_boxed_slice(),
            len: 0,
            error: None,
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

    fn drain(&mut self) -> io::Result<()> {
        let n = std::mem::take(&mut self.len);
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
