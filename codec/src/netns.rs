//! A network namespace as a listing of every namespace names it (`sockdiag
//! --all-netns`): its inode, its name under /run/netns, its lowest process,
//! and the container and Kubernetes pod the runner found for it; and the
//! capture record that carries all of that, so `--decode` labels rows as
//! the live run did. Not a kernel structure; this module defines the record.
//!
//! ```text
//! record data (capture kind 5)
//!   0..8    inode          u64, host order: the namespace file's inode
//!   8..12   pid            u32, host order: lowest process in it, 0 if none
//!  12..     five strings, each ended by a NUL, empty when unknown:
//!           name, pod namespace, pod name, pod UID, container id
//! ```

use core::fmt;

use byteorder::{ByteOrder, NativeEndian};

use crate::{Error, Result};

mod field {
    use crate::Field;
    pub const INODE: Field = 0..8;
    pub const PID: Field = 8..12;
}

/// Bytes before the strings of a record.
pub const FIXED_LEN: usize = field::PID.end;

/// How many strings follow the fixed part.
const STRINGS: usize = 5;

/// What a listing calls a namespace: its name when it has one under
/// /run/netns, else the lowest process in it, else its inode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Label<'a> {
    /// `NAME`: bound at /run/netns/NAME (or /var/run/netns/NAME).
    Name(&'a str),
    /// `pid:PID`: no name; PID is the lowest process in it.
    Pid(u32),
    /// `ino:INODE`: neither a name nor a process.
    Inode(u64),
}

impl fmt::Display for Label<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Label::Name(name) => f.write_str(name),
            Label::Pid(pid) => write!(f, "pid:{pid}"),
            Label::Inode(inode) => write!(f, "ino:{inode}"),
        }
    }
}

/// The container and pod a namespace's process belongs to, as far as the
/// host shows them (its cgroup path, `/var/log/pods`). Each part is known
/// or not on its own.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pod<'a> {
    /// The Kubernetes namespace of the pod.
    pub namespace: Option<&'a str>,
    /// The pod's name.
    pub name: Option<&'a str>,
    /// The pod's UID (from a `kubepods` cgroup path).
    pub uid: Option<&'a str>,
    /// The container id (the last part of the cgroup path).
    pub container_id: Option<&'a str>,
}

/// One network namespace of a listing.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Netns<'a> {
    /// The inode of its namespace file: what tells namespaces apart.
    pub inode: u64,
    /// Its name under /run/netns.
    pub name: Option<&'a str>,
    /// The lowest process in it.
    pub pid: Option<u32>,
    /// Its container and pod.
    pub pod: Pod<'a>,
}

impl<'a> Netns<'a> {
    /// What the listing calls it.
    pub fn label(&self) -> Label<'a> {
        match (self.name, self.pid) {
            (Some(name), _) => Label::Name(name),
            (None, Some(pid)) => Label::Pid(pid),
            (None, None) => Label::Inode(self.inode),
        }
    }

    /// The Kubernetes `namespace/pod`, when both are known.
    pub fn pod_path(&self) -> Option<(&'a str, &'a str)> {
        Some((self.pod.namespace?, self.pod.name?))
    }

    fn strings(&self) -> [Option<&'a str>; STRINGS] {
        let p = &self.pod;
        [self.name, p.namespace, p.name, p.uid, p.container_id]
    }

    /// Bytes of the record [`Netns::emit`] writes.
    pub fn buffer_len(&self) -> usize {
        let text: usize = self.strings().iter().map(|s| s.map_or(0, str::len)).sum();
        FIXED_LEN + text + STRINGS
    }

    /// Reads a record. Every string must be UTF-8 and ended by a NUL, and
    /// nothing may follow the last one.
    pub fn parse(data: &'a [u8]) -> Result<Netns<'a>> {
        let fixed = data.get(..FIXED_LEN).ok_or(Error::Truncated)?;
        let inode = NativeEndian::read_u64(&fixed[field::INODE]);
        let pid = NativeEndian::read_u32(&fixed[field::PID]);
        let mut rest = &data[FIXED_LEN..];
        let mut strings = [None; STRINGS];
        for slot in &mut strings {
            let end = rest.iter().position(|&b| b == 0).ok_or(Error::Truncated)?;
            let text = core::str::from_utf8(&rest[..end]).map_err(|_| Error::BadText)?;
            *slot = (!text.is_empty()).then_some(text);
            rest = &rest[end + 1..];
        }
        if !rest.is_empty() {
            return Err(Error::BadLength);
        }
        let [name, namespace, pod_name, uid, container_id] = strings;
        Ok(Netns {
            inode,
            name,
            pid: (pid != 0).then_some(pid),
            pod: Pod {
                namespace,
                name: pod_name,
                uid,
                container_id,
            },
        })
    }

    /// Writes the record into the front of `buf`; returns its length. A
    /// string holding a NUL cannot be written ([`Error::BadText`]).
    pub fn emit(&self, buf: &mut [u8]) -> Result<usize> {
        let len = self.buffer_len();
        let buf = buf.get_mut(..len).ok_or(Error::BufferTooSmall)?;
        NativeEndian::write_u64(&mut buf[field::INODE], self.inode);
        NativeEndian::write_u32(&mut buf[field::PID], self.pid.unwrap_or(0));
        let mut at = FIXED_LEN;
        for text in self.strings() {
            let text = text.unwrap_or("").as_bytes();
            if text.contains(&0) {
                return Err(Error::BadText);
            }
            buf[at..at + text.len()].copy_from_slice(text);
            buf[at + text.len()] = 0;
            at += text.len() + 1;
        }
        Ok(len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use heapless::String;

    fn pod_ns() -> Netns<'static> {
        Netns {
            inode: 4_026_532_000,
            name: None,
            pid: Some(4242),
            pod: Pod {
                namespace: Some("kube-system"),
                name: Some("coredns-0"),
                uid: Some("0d5c-11"),
                container_id: Some("ab12"),
            },
        }
    }

    /// The record of `pod_ns()`, field by field, in host order.
    fn pod_record() -> ([u8; 64], usize) {
        let mut want = [0xa5u8; 64];
        want[0..8].copy_from_slice(&4_026_532_000u64.to_ne_bytes());
        want[8..12].copy_from_slice(&4242u32.to_ne_bytes());
        let text = b"\0kube-system\0coredns-0\x000d5c-11\0ab12\0";
        want[12..12 + text.len()].copy_from_slice(text);
        (want, 12 + text.len())
    }

    #[test]
    fn test_emit() {
        let ns = pod_ns();
        let mut buf = [0xa5u8; 64];
        let len = ns.emit(&mut buf).unwrap();
        let (want, want_len) = pod_record();
        assert_eq!((len, ns.buffer_len()), (want_len, want_len));
        assert_eq!(buf, want);
        for short in 0..len {
            assert_eq!(ns.emit(&mut [0u8; 64][..short]), Err(Error::BufferTooSmall));
        }
        let bad = Netns {
            name: Some("a\0b"),
            ..ns
        };
        assert_eq!(bad.emit(&mut buf), Err(Error::BadText));
    }

    #[test]
    fn test_parse() {
        let (buf, len) = pod_record();
        assert_eq!(Netns::parse(&buf[..len]), Ok(pod_ns()));
        let named = Netns {
            inode: 7,
            name: Some("blue"),
            ..Netns::default()
        };
        let mut buf = [0u8; 32];
        let len = named.emit(&mut buf).unwrap();
        assert_eq!(len, 12 + 5 + 4);
        assert_eq!(Netns::parse(&buf[..len]), Ok(named));
    }

    #[test]
    fn test_truncated() {
        let (buf, len) = pod_record();
        for cut in 0..len {
            assert_eq!(Netns::parse(&buf[..cut]), Err(Error::Truncated), "{cut}");
        }
    }

    #[test]
    fn test_malformed() {
        let (mut buf, len) = pod_record();
        assert_eq!(Netns::parse(&buf[..len + 1]), Err(Error::BadLength));
        buf[14] = 0xff;
        assert_eq!(Netns::parse(&buf[..len]), Err(Error::BadText));
    }

    #[test]
    fn test_label() {
        let mut s: String<64> = String::new();
        let mut ns = pod_ns();
        core::fmt::write(&mut s, format_args!("{}", ns.label())).unwrap();
        assert_eq!(s, "pid:4242");
        assert_eq!(ns.pod_path(), Some(("kube-system", "coredns-0")));
        ns.pid = None;
        s.clear();
        core::fmt::write(&mut s, format_args!("{}", ns.label())).unwrap();
        assert_eq!(s, "ino:4026532000");
        ns.name = Some("blue");
        assert_eq!(ns.label(), Label::Name("blue"));
        ns.pod.name = None;
        assert_eq!(ns.pod_path(), None);
    }
}
