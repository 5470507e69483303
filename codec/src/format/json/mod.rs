//! The JSON form of a listing: one [`JsonArray`] streamed as records are
//! decoded, one object per socket, every field the codec decoded under the
//! kernel's name and in the kernel's unit. One file per kind of socket.

use core::fmt::{self, Write};

mod inet;
mod netlink;
mod packet;
mod skmem;
mod tcp;
mod unix;

/// Streams a JSON array of socket objects: `[` before the first, `,`
/// between, `]` at the end, one object per line. The objects are written
/// by `inet`, `unix`, `netlink` and `packet`. Made with
/// [`JsonArray::lines`], it streams JSON Lines instead: each object alone
/// on its line, ended by its newline, with no array around them.
#[derive(Debug, Default)]
pub struct JsonArray {
    started: bool,
    lines: bool,
}

impl JsonArray {
    /// A new, empty array (nothing written yet).
    pub const fn new() -> JsonArray {
        JsonArray {
            started: false,
            lines: false,
        }
    }

    /// JSON Lines: one object per line, each complete when its line ends
    /// (for a stream read as it is written, such as `-E`).
    pub const fn lines() -> JsonArray {
        JsonArray {
            started: false,
            lines: true,
        }
    }

    /// Starts the next object: `[` or `,` (nothing for JSON Lines).
    pub(crate) fn open<W: Write>(&mut self, w: &mut W) -> fmt::Result {
        if !self.lines {
            w.write_str(if self.started { ",\n" } else { "[\n" })?;
        }
        self.started = true;
        Ok(())
    }

    /// Ends an object: its `}`, and for JSON Lines its newline.
    pub(crate) fn close<W: Write>(&mut self, w: &mut W) -> fmt::Result {
        w.write_str(if self.lines { "}\n" } else { "}" })
    }

    /// Closes the array (`[]` when no object was written; nothing for
    /// JSON Lines).
    pub fn finish<W: Write>(&mut self, w: &mut W) -> fmt::Result {
        if self.lines {
            return Ok(());
        }
        w.write_str(if self.started { "\n]\n" } else { "[]\n" })
    }
}

/// Writes `bytes` as the inside of a JSON string: quotes, backslashes and
/// control characters escaped, invalid UTF-8 as U+FFFD.
fn write_escaped_str<W: Write>(w: &mut W, bytes: &[u8]) -> fmt::Result {
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '"' => w.write_str("\\\"")?,
                '\\' => w.write_str("\\\\")?,
                '\n' => w.write_str("\\n")?,
                c if (c as u32) < 0x20 || c == '\u{7f}' => write!(w, "\\u{:04x}", c as u32)?,
                c => w.write_char(c)?,
            }
        }
        if !chunk.invalid().is_empty() {
            w.write_str("\\ufffd")?;
        }
    }
    Ok(())
}

/// Adapts a writer so everything written through it is JSON-escaped.
struct Escaping<'w, W: Write>(&'w mut W);

impl<W: Write> Write for Escaping<'_, W> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        write_escaped_str(self.0, s.as_bytes())
    }
}

/// A member `,"name":value` for a present value; nothing for `None`.
fn member<W: Write>(w: &mut W, name: &str, v: Option<impl fmt::Display>) -> fmt::Result {
    match v {
        Some(v) => write!(w, ",\"{name}\":{v}"),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use heapless::String;

    #[test]
    fn test_json_escape() {
        let mut s: String<64> = String::new();
        write_escaped_str(&mut s, b"a\"b\\c\x01\xff\n").unwrap();
        assert_eq!(s.as_str(), "a\\\"b\\\\c\\u0001\\ufffd\\n");
        let mut e: String<16> = String::new();
        JsonArray::new().finish(&mut e).unwrap();
        assert_eq!(e.as_str(), "[]\n");
        let mut lines = JsonArray::lines();
        let mut l: String<16> = String::new();
        for _ in 0..2 {
            lines.open(&mut l).unwrap();
            lines.close(&mut l).unwrap();
        }
        lines.finish(&mut l).unwrap();
        assert_eq!(l.as_str(), "}\n}\n");
    }
}
