//! The JSON form of a listing: one [`JsonArray`] streamed as records are
//! decoded, one object per socket, every field the codec decoded under the
//! kernel's name and in the kernel's unit. One file per kind of socket.

use core::fmt::{self, Write};

use crate::format::line::Line;
use crate::format::number::Decimal;
use crate::netns::Netns;

mod inet;
mod netlink;
mod packet;
mod proc;
mod skmem;
mod tcp;
mod tipc;
mod unix;
mod vsock;
mod xdp;

/// Streams a JSON array of socket objects: `[` before the first, `,`
/// between, `]` at the end, one object per line. The objects are written
/// by `inet`, `unix`, `netlink`, `packet`, `vsock`, `xdp`, `tipc` and, for
/// sockets read from /proc, the `proc_*` methods. Made with
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

    /// Starts the next object: `[` or `,` (nothing for JSON Lines), its
    /// `{`, the line's leading members, and the members naming
    /// `line.netns` when the listing covers every namespace. What follows
    /// writes the object's first member without a comma.
    pub(crate) fn open<W: Write>(&mut self, w: &mut W, line: &Line<'_>) -> fmt::Result {
        if !self.lines {
            w.write_str(if self.started { ",\n" } else { "[\n" })?;
        }
        write!(w, "{{{}", line.json_lead)?;
        self.started = true;
        match line.netns {
            Some(ns) => write_netns_members(w, ns),
            None => Ok(()),
        }
    }

    /// Ends an object: the line's trailing member (`line.process_json`,
    /// `-p`'s users, last in every object as in ss), its `}`, and for JSON
    /// Lines its newline.
    pub(crate) fn close<W: Write>(&mut self, w: &mut W, line: &Line<'_>) -> fmt::Result {
        if let Some(process) = line.process_json {
            write!(w, "{process}")?;
        }
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

/// `"netns":LABEL,"netns_inode":N,` and, when the runner found them,
/// `"pod"`, `"pod_namespace"`, `"pod_uid"` and `"container_id"`, each
/// followed by a comma.
fn write_netns_members<W: Write>(w: &mut W, ns: &Netns<'_>) -> fmt::Result {
    w.write_str("\"netns\":\"")?;
    write!(Escaping(w), "{}", ns.label())?;
    write!(w, "\",\"netns_inode\":{},", ns.inode)?;
    let p = &ns.pod;
    let pod = [
        ("pod", p.name),
        ("pod_namespace", p.namespace),
        ("pod_uid", p.uid),
        ("container_id", p.container_id),
    ];
    for (name, value) in pod {
        if let Some(v) = value {
            write!(w, "\"{name}\":\"")?;
            write_escaped_str(w, v.as_bytes())?;
            w.write_str("\",")?;
        }
    }
    Ok(())
}

/// `label` then the decimal digits of `v`: without `core::fmt`'s padding
/// machinery, which costs more than the digits on a per-socket path. Not
/// generic and out of line: one copy for every writer (binary size).
#[inline(never)]
fn write_u64(w: &mut dyn Write, label: &str, v: u64) -> fmt::Result {
    w.write_str(label)?;
    w.write_str(Decimal::new(v).as_str())
}

#[inline(never)]
fn write_member_u64(w: &mut dyn Write, name: &str, v: u64) -> fmt::Result {
    w.write_str(",\"")?;
    w.write_str(name)?;
    write_u64(w, "\":", v)
}

/// `,"name":v` for an unsigned number the kernel sent.
fn member_uint<W: Write>(w: &mut W, name: &str, v: Option<impl Into<u64>>) -> fmt::Result {
    match v {
        Some(v) => write_member_u64(w, name, v.into()),
        None => Ok(()),
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
            lines.open(&mut l, &Line::PLAIN).unwrap();
            lines.close(&mut l, &Line::PLAIN).unwrap();
        }
        lines.finish(&mut l).unwrap();
        assert_eq!(l.as_str(), "{}\n{}\n");
    }

    #[test]
    fn test_netns_members() {
        use crate::netns::Pod;
        let mut s: String<256> = String::new();
        let named = Netns {
            inode: 4026531840,
            name: Some("a\"b"),
            ..Netns::default()
        };
        write_netns_members(&mut s, &named).unwrap();
        assert_eq!(s, r#""netns":"a\"b","netns_inode":4026531840,"#);
        s.clear();
        let pod = Netns {
            inode: 9,
            pid: Some(31),
            pod: Pod {
                namespace: Some("default"),
                name: Some("web-0"),
                uid: None,
                container_id: Some("c0ffee"),
            },
            ..named
        };
        write_netns_members(&mut s, &Netns { name: None, ..pod }).unwrap();
        assert_eq!(
            s,
            r#""netns":"pid:31","netns_inode":9,"pod":"web-0","pod_namespace":"default","container_id":"c0ffee","#
        );
    }
}
