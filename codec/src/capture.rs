//! The offline capture file: every request sent to the kernel and every
//! datagram it answered, so a dump made on one machine can be decoded later
//! and elsewhere (`sockdiag --dump-raw FILE`, then `sockdiag --decode FILE`).
//! Not a kernel format; this module defines it.
//!
//! ```text
//! file header, 16 bytes
//!   0..8    magic        b"SDIAGCAP"
//!   8..12   byte order   u32 0x0102_0304 in the writer's host order
//!  12..14   version      u16, host order: 2 (1 is still read)
//!  14..16   reserved     0
//! then records until the end of the file, each
//!   0..2    kind         u16, host order (see `Kind`)
//!   2..4    reserved     0
//!   4..8    length       u32, host order: bytes of data that follow
//!   8..     data         `length` bytes, no padding
//! ```
//!
//! Version 2 adds the host's context (kinds 13 to 18) and the snapshot
//! mark (19): what the output
//! depended on that did not come from sock_diag, each a [`Context`]
//! record, read out of band (their place in the file does not matter).
//! Kinds 6 to 12 are the /proc fallback tables' texts.
//!
//! Netlink payloads are host order, so a capture only decodes on a machine
//! of the byte order that wrote it. The marker makes the reader say so
//! ([`Error::ForeignByteOrder`]) instead of printing nonsense.

use byteorder::{ByteOrder, NativeEndian};

use crate::proc::ProcFile;
use crate::wire::enum_with_unknown;
use crate::{Error, Result};

mod field {
    use crate::Field;
    pub const MAGIC: Field = 0..8;
    pub const BYTE_ORDER: Field = 8..12;
    pub const VERSION: Field = 12..14;
    pub const RESERVED: Field = 14..16;

    pub const KIND: Field = 0..2;
    pub const REC_RESERVED: Field = 2..4;
    pub const LENGTH: Field = 4..8;
}

/// Bytes of the file header.
pub const HEADER_LEN: usize = field::RESERVED.end;
/// Bytes of a record header.
pub const RECORD_HEADER_LEN: usize = field::LENGTH.end;
/// The first eight bytes of every capture file.
pub const MAGIC: [u8; 8] = *b"SDIAGCAP";
/// The version this codec writes; it reads this one and version 1.
pub const VERSION: u16 = 2;
/// Written in host order; read back swapped on a foreign host.
const BYTE_ORDER_MARK: u32 = 0x0102_0304;

enum_with_unknown! {
    /// What a record holds.
    pub enum Kind(u16) {
        /// 1: a netlink request as sent to the kernel.
        Request = 1,
        /// 2: one datagram as received from the kernel.
        Datagram = 2,
        /// 3: the text of `/proc/net/raw`, read when the kernel has no raw_diag.
        ProcNetRaw = 3,
        /// 4: the text of `/proc/net/raw6`.
        ProcNetRaw6 = 4,
        /// 5: the start of one network namespace's part of an
        /// `--all-netns` run ([`crate::netns::Netns`] says what it holds).
        Netns = 5,
        /// 6: the text of `/proc/net/tcp`, read instead of a dump (no
        /// diag module, or ss's `PROC_NET_TCP`); the same for 7 to 12.
        ProcNetTcp = 6,
        /// 7: `/proc/net/tcp6`
        ProcNetTcp6 = 7,
        /// 8: `/proc/net/udp`
        ProcNetUdp = 8,
        /// 9: `/proc/net/udp6`
        ProcNetUdp6 = 9,
        /// 10: `/proc/net/unix`
        ProcNetUnix = 10,
        /// 11: `/proc/net/packet`
        ProcNetPacket = 11,
        /// 12: `/proc/net/netlink`
        ProcNetNetlink = 12,
        /// 13: who wrote the capture, its last record ([`Context`]: key the Unix time,
        /// value hostname, kernel release and the command line's words,
        /// each ended by a NUL).
        Header = 13,
        /// 14: an interface's name (key: its index).
        IfName = 14,
        /// 15: a cgroup's path (key: its id).
        Cgroup = 15,
        /// 16: the processes holding a socket (key: its inode; value: a
        /// [`Holder`] after another).
        Holders = 16,
        /// 17: the command name of a process (key: the pid a netlink
        /// socket's port id names).
        PortOwner = 17,
        /// 18: a /proc or /etc text the run read (key: [`ProcText`]).
        ProcText = 18,
        /// 19: the capture is a `--snapshot` (an empty [`Context`]): every
        /// table, state and extension, answering any later query.
        Snapshot = 19,
        /// 20: a task's SELinux context as `-Z` shows it (key: its thread
        /// id; for a netlink socket, the pid its port id names, 0 for the
        /// kernel's own).
        TaskContext = 20,
        /// 21: a socket's SELinux context as `-z` shows it (key: its inode).
        SocketContext = 21,
    }
}

impl Kind {
    /// The record kind holding the text of `file`.
    pub const fn for_proc(file: ProcFile) -> Kind {
        match file {
            ProcFile::Tcp => Kind::ProcNetTcp,
            ProcFile::Tcp6 => Kind::ProcNetTcp6,
            ProcFile::Udp => Kind::ProcNetUdp,
            ProcFile::Udp6 => Kind::ProcNetUdp6,
            ProcFile::Raw => Kind::ProcNetRaw,
            ProcFile::Raw6 => Kind::ProcNetRaw6,
            ProcFile::Unix => Kind::ProcNetUnix,
            ProcFile::Packet => Kind::ProcNetPacket,
            ProcFile::Netlink => Kind::ProcNetNetlink,
        }
    }

    /// The /proc table a record of this kind holds, if it holds one.
    pub fn proc_file(self) -> Option<ProcFile> {
        ProcFile::ALL
            .into_iter()
            .find(|&f| Kind::for_proc(f) == self)
    }

    /// Whether the record is host context, read out of band.
    pub fn is_context(self) -> bool {
        matches!(u16::from(self), 13..=21)
    }
}

enum_with_unknown! {
    /// Which /proc or /etc text a [`Kind::ProcText`] record holds.
    pub enum ProcText(u64) {
        /// 1: `/proc/net/sockstat`.
        Sockstat = 1,
        /// 2: `/proc/net/sockstat6`.
        Sockstat6 = 2,
        /// 3: `/proc/net/snmp`.
        Snmp = 3,
        /// 4: `/etc/services` (netns 0: a file of the mount namespace).
        Services = 4,
        /// 5: `/etc/protocols` (netns 0).
        Protocols = 5,
        /// 6: `/etc/hosts` (netns 0).
        Hosts = 6,
        /// 7: `/proc/sys/net/ipv4/ip_local_port_range`, the namespace's
        /// ephemeral ports.
        PortRange = 7,
    }
}

mod context_field {
    use crate::Field;
    pub const NETNS: Field = 0..8;
    pub const KEY: Field = 8..16;
    pub const VALUE: usize = KEY.end;

    pub const PID: Field = 0..4;
    pub const TID: Field = 4..8;
    pub const FD: Field = 8..12;
    pub const COMM_LEN: usize = FD.end;
    pub const COMM: usize = COMM_LEN + 1;
}

/// One context record: `key` answered `value` in the network namespace
/// `netns` (its inode; 0 when a run lists one namespace).
///
/// ```text
///   0..8    netns   u64, host order
///   8..16   key     u64, host order
///  16..     value   the rest
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Context<'a> {
    /// The namespace's inode (0: the one namespace listed).
    pub netns: u64,
    /// What was asked: an interface index, a cgroup id, an inode, ...
    pub key: u64,
    /// The answer.
    pub value: &'a [u8],
}

impl<'a> Context<'a> {
    /// Bytes of the record's fixed part.
    pub const HEADER_LEN: usize = context_field::VALUE;

    /// Reads a record's data; shorter than the fixed part is truncated.
    pub fn parse(data: &'a [u8]) -> Result<Context<'a>> {
        let value = data.get(context_field::VALUE..).ok_or(Error::Truncated)?;
        Ok(Context {
            netns: NativeEndian::read_u64(&data[context_field::NETNS]),
            key: NativeEndian::read_u64(&data[context_field::KEY]),
            value,
        })
    }

    /// Writes the fixed part into the front of `buf`; the value follows.
    pub fn emit_header(&self, buf: &mut [u8]) -> Result<usize> {
        let buf = buf
            .get_mut(..Context::HEADER_LEN)
            .ok_or(Error::BufferTooSmall)?;
        NativeEndian::write_u64(&mut buf[context_field::NETNS], self.netns);
        NativeEndian::write_u64(&mut buf[context_field::KEY], self.key);
        Ok(Context::HEADER_LEN)
    }
}

/// One process holding a socket, in a [`Kind::Holders`] value.
///
/// ```text
///   0..4    pid        u32, host order
///   4..8    tid        u32, host order
///   8..12   fd         u32, host order
///  12       comm_len   u8
///  13..     comm       comm_len bytes
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Holder<'a> {
    /// The process.
    pub pid: u32,
    /// The thread (the pid for the main thread).
    pub tid: u32,
    /// The descriptor.
    pub fd: u32,
    /// The command name.
    pub comm: &'a [u8],
}

impl<'a> Holder<'a> {
    /// Bytes `self` takes in a value (the name cut to 255 bytes).
    pub fn buffer_len(&self) -> usize {
        context_field::COMM + self.comm.len().min(255)
    }

    /// Writes `self` into the front of `buf`; returns its length.
    pub fn emit(&self, buf: &mut [u8]) -> Result<usize> {
        let comm = self.comm.get(..255).unwrap_or(self.comm);
        let buf = buf
            .get_mut(..self.buffer_len())
            .ok_or(Error::BufferTooSmall)?;
        NativeEndian::write_u32(&mut buf[context_field::PID], self.pid);
        NativeEndian::write_u32(&mut buf[context_field::TID], self.tid);
        NativeEndian::write_u32(&mut buf[context_field::FD], self.fd);
        buf[context_field::COMM_LEN] = comm.len() as u8;
        buf[context_field::COMM..].copy_from_slice(comm);
        Ok(buf.len())
    }
}

/// The holders in a [`Kind::Holders`] value; yields `Err` once on a cut
/// one and then stops.
#[derive(Debug, Clone)]
pub struct Holders<'a> {
    rest: &'a [u8],
}

impl<'a> Holders<'a> {
    /// The holders in `value`.
    pub fn new(value: &'a [u8]) -> Holders<'a> {
        Holders { rest: value }
    }
}

impl<'a> Iterator for Holders<'a> {
    type Item = Result<Holder<'a>>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.rest.is_empty() {
            return None;
        }
        let rest: &'a [u8] = self.rest;
        self.rest = &[];
        let comm = match rest.get(context_field::COMM_LEN) {
            Some(&len) => rest[context_field::COMM..].get(..usize::from(len)),
            None => None,
        };
        let Some(comm) = comm else {
            return Some(Err(Error::Truncated));
        };
        self.rest = &rest[context_field::COMM + comm.len()..];
        Some(Ok(Holder {
            pid: NativeEndian::read_u32(&rest[context_field::PID]),
            tid: NativeEndian::read_u32(&rest[context_field::TID]),
            fd: NativeEndian::read_u32(&rest[context_field::FD]),
            comm,
        }))
    }
}

/// Writes the file header into the front of `buf`; returns its length.
pub fn emit_header(buf: &mut [u8]) -> Result<usize> {
    let buf = buf.get_mut(..HEADER_LEN).ok_or(Error::BufferTooSmall)?;
    buf[field::MAGIC].copy_from_slice(&MAGIC);
    NativeEndian::write_u32(&mut buf[field::BYTE_ORDER], BYTE_ORDER_MARK);
    NativeEndian::write_u16(&mut buf[field::VERSION], VERSION);
    buf[field::RESERVED].fill(0);
    Ok(HEADER_LEN)
}

/// Writes the header of a record carrying `data_len` bytes into the front of
/// `buf`; the caller writes the data after it. Returns the header's length.
pub fn emit_record_header(buf: &mut [u8], kind: Kind, data_len: usize) -> Result<usize> {
    let len = u32::try_from(data_len).map_err(|_| Error::BadLength)?;
    let buf = buf
        .get_mut(..RECORD_HEADER_LEN)
        .ok_or(Error::BufferTooSmall)?;
    NativeEndian::write_u16(&mut buf[field::KIND], kind.into());
    buf[field::REC_RESERVED].fill(0);
    NativeEndian::write_u32(&mut buf[field::LENGTH], len);
    Ok(RECORD_HEADER_LEN)
}

/// Writes a whole record (header and `data`); returns its length.
pub fn emit_record(buf: &mut [u8], kind: Kind, data: &[u8]) -> Result<usize> {
    let total = RECORD_HEADER_LEN
        .checked_add(data.len())
        .ok_or(Error::BufferTooSmall)?;
    let buf = buf.get_mut(..total).ok_or(Error::BufferTooSmall)?;
    emit_record_header(buf, kind, data.len())?;
    buf[RECORD_HEADER_LEN..].copy_from_slice(data);
    Ok(total)
}

/// A capture file whose header was checked.
#[derive(Debug, Clone, Copy)]
pub struct Capture<'a> {
    records: &'a [u8],
    version: u16,
}

impl<'a> Capture<'a> {
    /// Checks the header: the magic, then the byte order (a swapped marker
    /// is [`Error::ForeignByteOrder`]), then the version.
    pub fn new_checked(file: &'a [u8]) -> Result<Capture<'a>> {
        // A file shorter than the magic, or with another one, is not a
        // capture at all; a cut inside the rest of the header is truncation.
        match file.get(field::MAGIC) {
            Some(m) if m == MAGIC => {}
            Some(_) => return Err(Error::NotACapture),
            None if MAGIC.starts_with(file) && !file.is_empty() => return Err(Error::Truncated),
            None => return Err(Error::NotACapture),
        }
        if file.len() < HEADER_LEN {
            return Err(Error::Truncated);
        }
        match NativeEndian::read_u32(&file[field::BYTE_ORDER]) {
            BYTE_ORDER_MARK => {}
            m if m.swap_bytes() == BYTE_ORDER_MARK => return Err(Error::ForeignByteOrder),
            _ => return Err(Error::NotACapture),
        }
        let version = NativeEndian::read_u16(&file[field::VERSION]);
        if !(1..=VERSION).contains(&version) {
            return Err(Error::UnsupportedVersion);
        }
        Ok(Capture {
            records: &file[HEADER_LEN..],
            version,
        })
    }

    /// 1: a capture without host context; 2: with it.
    pub fn version(&self) -> u16 {
        self.version
    }

    /// The records in file order.
    pub fn records(&self) -> Records<'a> {
        Records {
            rest: self.records,
            offset: HEADER_LEN,
            failed: false,
        }
    }
}

/// One record of a capture.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Record<'a> {
    /// What the data is.
    pub kind: Kind,
    /// Byte offset of the record header in the file, for error messages.
    pub offset: usize,
    /// The bytes as sent, received or read.
    pub data: &'a [u8],
}

/// Iterates over the records; yields `Err` once on a truncated record (its
/// offset is lost; [`Records::offset`] still tells where) and then stops.
#[derive(Debug, Clone)]
pub struct Records<'a> {
    rest: &'a [u8],
    offset: usize,
    failed: bool,
}

impl Records<'_> {
    /// Offset in the file of the next record (or of the bad one).
    pub fn offset(&self) -> usize {
        self.offset
    }
}

impl<'a> Iterator for Records<'a> {
    type Item = Result<Record<'a>>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed || self.rest.is_empty() {
            return None;
        }
        let rest: &'a [u8] = self.rest;
        let Some(header) = rest.get(..RECORD_HEADER_LEN) else {
            self.failed = true;
            return Some(Err(Error::Truncated));
        };
        let kind = Kind::from(NativeEndian::read_u16(&header[field::KIND]));
        let len = NativeEndian::read_u32(&header[field::LENGTH]) as usize;
        let Some(data) = rest[RECORD_HEADER_LEN..].get(..len) else {
            self.failed = true;
            return Some(Err(Error::Truncated));
        };
        let record = Record {
            kind,
            offset: self.offset,
            data,
        };
        self.rest = &rest[RECORD_HEADER_LEN + len..];
        self.offset += RECORD_HEADER_LEN + len;
        Some(Ok(record))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::datagram::{Body, Messages};

    /// A header, a 3-byte request and an empty datagram, in host order.
    fn capture() -> ([u8; 64], usize) {
        let mut buf = [0xa5u8; 64];
        let mut at = emit_header(&mut buf).unwrap();
        at += emit_record(&mut buf[at..], Kind::Request, &[1, 2, 3]).unwrap();
        at += emit_record(&mut buf[at..], Kind::Datagram, &[]).unwrap();
        (buf, at)
    }

    #[test]
    fn test_emit() {
        let (buf, len) = capture();
        assert_eq!(len, 16 + 8 + 3 + 8);
        let mut want = [0xa5u8; 64];
        want[0..8].copy_from_slice(b"SDIAGCAP");
        want[8..12].copy_from_slice(&0x0102_0304u32.to_ne_bytes());
        want[12..14].copy_from_slice(&2u16.to_ne_bytes());
        want[14..16].fill(0);
        want[16..18].copy_from_slice(&1u16.to_ne_bytes());
        want[18..20].fill(0);
        want[20..24].copy_from_slice(&3u32.to_ne_bytes());
        want[24..27].copy_from_slice(&[1, 2, 3]);
        want[27..29].copy_from_slice(&2u16.to_ne_bytes());
        want[29..31].fill(0);
        want[31..35].copy_from_slice(&0u32.to_ne_bytes());
        assert_eq!(buf, want);
        for short in 0..HEADER_LEN {
            assert_eq!(
                emit_header(&mut [0; 16][..short]),
                Err(Error::BufferTooSmall)
            );
        }
        for short in 0..RECORD_HEADER_LEN + 3 {
            let mut b = [0u8; 16];
            assert_eq!(
                emit_record(&mut b[..short], Kind::Request, &[1, 2, 3]),
                Err(Error::BufferTooSmall)
            );
        }
    }

    #[test]
    fn test_parse() {
        let (buf, len) = capture();
        let cap = Capture::new_checked(&buf[..len]).unwrap();
        let mut it = cap.records();
        assert_eq!(
            it.next(),
            Some(Ok(Record {
                kind: Kind::Request,
                offset: 16,
                data: &[1, 2, 3]
            }))
        );
        assert_eq!(
            it.next(),
            Some(Ok(Record {
                kind: Kind::Datagram,
                offset: 27,
                data: &[]
            }))
        );
        assert_eq!(it.next(), None);
        for raw in 0..14u16 {
            assert_eq!(u16::from(Kind::from(raw)), raw);
        }
        for file in ProcFile::ALL {
            assert_eq!(Kind::for_proc(file).proc_file(), Some(file));
        }
        for kind in [
            Kind::Request,
            Kind::Datagram,
            Kind::Netns,
            Kind::Unknown(13),
        ] {
            assert_eq!(kind.proc_file(), None);
        }
    }

    #[test]
    fn test_truncated() {
        let (buf, len) = capture();
        for cut in 0..len {
            let result = Capture::new_checked(&buf[..cut]).map(|c| c.records().last());
            match cut {
                0 => assert_eq!(result.unwrap_err(), Error::NotACapture),
                1..HEADER_LEN => assert_eq!(result.unwrap_err(), Error::Truncated, "{cut}"),
                // Between records: a shorter, valid capture.
                HEADER_LEN | 27 => assert!(!matches!(result, Ok(Some(Err(_)))), "{cut}"),
                _ => assert_eq!(result, Ok(Some(Err(Error::Truncated))), "{cut}"),
            }
        }
        // A huge length is truncation, not an overflow.
        let mut b = buf;
        b[20..24].copy_from_slice(&u32::MAX.to_ne_bytes());
        let cap = Capture::new_checked(&b[..len]).unwrap();
        let mut it = cap.records();
        assert_eq!(it.next(), Some(Err(Error::Truncated)));
        assert_eq!(it.offset(), 16);
        assert_eq!(it.next(), None);
    }

    #[test]
    fn test_malformed() {
        let (buf, len) = capture();
        let mut b = buf;
        b[0] = b'X';
        assert_eq!(
            Capture::new_checked(&b[..len]).unwrap_err(),
            Error::NotACapture
        );
        let mut b = buf;
        b[8..12].copy_from_slice(&0x0403_0201u32.to_ne_bytes());
        assert_eq!(
            Capture::new_checked(&b[..len]).unwrap_err(),
            Error::ForeignByteOrder
        );
        let mut b = buf;
        b[8..12].copy_from_slice(&7u32.to_ne_bytes());
        assert_eq!(
            Capture::new_checked(&b[..len]).unwrap_err(),
            Error::NotACapture
        );
        let mut b = buf;
        b[12..14].copy_from_slice(&3u16.to_ne_bytes());
        assert_eq!(
            Capture::new_checked(&b[..len]).unwrap_err(),
            Error::UnsupportedVersion
        );
        b[12..14].copy_from_slice(&1u16.to_ne_bytes());
        assert_eq!(Capture::new_checked(&b[..len]).map(|c| c.version()), Ok(1));
        b[12..14].copy_from_slice(&0u16.to_ne_bytes());
        assert_eq!(
            Capture::new_checked(&b[..len]).unwrap_err(),
            Error::UnsupportedVersion
        );
    }

    /// A cgroup record and a holders record with two holders.
    fn context() -> ([u8; 64], [u8; 64], usize) {
        let mut cgroup = [0u8; 64];
        let at = Context {
            netns: 0xf000_0001,
            key: 42,
            value: b"/a",
        }
        .emit_header(&mut cgroup)
        .unwrap();
        cgroup[at..at + 2].copy_from_slice(b"/a");
        let mut holders = [0u8; 64];
        let mut len = 0;
        for (pid, comm) in [(7u32, &b"nc"[..]), (8, b"")] {
            let h = Holder {
                pid,
                tid: pid,
                fd: 3,
                comm,
            };
            len += h.emit(&mut holders[len..]).unwrap();
        }
        (cgroup, holders, len)
    }

    #[test]
    fn test_context_emit() {
        let (cgroup, holders, len) = context();
        assert_eq!(cgroup[0..8], 0xf000_0001u64.to_ne_bytes());
        assert_eq!(cgroup[8..16], 42u64.to_ne_bytes());
        assert_eq!(&cgroup[16..18], b"/a");
        assert_eq!(len, 15 + 13);
        assert_eq!(holders[0..4], 7u32.to_ne_bytes());
        assert_eq!(holders[4..8], 7u32.to_ne_bytes());
        assert_eq!(holders[8..12], 3u32.to_ne_bytes());
        assert_eq!(holders[12], 2);
        assert_eq!(&holders[13..15], b"nc");
        assert_eq!(holders[15..19], 8u32.to_ne_bytes());
        assert_eq!(holders[27], 0);
        let c = Context::parse(&cgroup[..16]).unwrap();
        assert_eq!(c.emit_header(&mut [0; 15]), Err(Error::BufferTooSmall));
        let long = Holder {
            pid: 1,
            tid: 1,
            fd: 1,
            comm: &[b'x'; 300],
        };
        let mut buf = [0u8; 300];
        assert_eq!(long.emit(&mut buf), Ok(13 + 255));
        assert_eq!(buf[12], 255);
    }

    #[test]
    fn test_context_parse() {
        let (cgroup, holders, len) = context();
        let c = Context::parse(&cgroup[..18]).unwrap();
        assert_eq!((c.netns, c.key, c.value), (0xf000_0001, 42, &b"/a"[..]));
        let all: heapless::Vec<_, 4> = Holders::new(&holders[..len]).collect();
        assert_eq!(all.len(), 2);
        assert_eq!(
            all[0],
            Ok(Holder {
                pid: 7,
                tid: 7,
                fd: 3,
                comm: b"nc"
            })
        );
        assert_eq!(all[1].map(|h| (h.pid, h.comm)), Ok((8, &b""[..])));
        assert!(Kind::from(14).is_context() && !Kind::from(12).is_context());
        // The snapshot mark is an empty context record, read out of band.
        assert_eq!(Kind::from(19), Kind::Snapshot);
        assert!(Kind::Snapshot.is_context() && Kind::SocketContext.is_context());
        assert!(!Kind::from(22).is_context());
        assert_eq!(ProcText::from(3), ProcText::Snmp);
    }

    #[test]
    fn test_context_truncated() {
        let (cgroup, holders, len) = context();
        for cut in 0..16 {
            assert_eq!(Context::parse(&cgroup[..cut]), Err(Error::Truncated));
        }
        for cut in 1..len {
            let mut it = Holders::new(&holders[..cut]);
            let got: heapless::Vec<_, 4> = it.by_ref().collect();
            let whole = if cut >= 15 { 1 } else { 0 };
            if cut == 15 {
                assert_eq!(got.len(), 1, "{cut}");
                continue;
            }
            assert_eq!(got.len(), whole + 1, "{cut}");
            assert_eq!(got[whole], Err(Error::Truncated), "{cut}");
            assert_eq!(it.next(), None);
        }
    }

    /// A real capture from a little-endian x86-64 machine (`sockdiag -tln4
    /// --dump-raw` on kernel 6.18: one request, its replies). On a
    /// big-endian host it must be refused through the byte-order header,
    /// never decoded.
    #[test]
    fn test_little_endian_fixture() {
        let file = include_bytes!("../tests/fixtures/capture-le-tln.bin");
        let cap = Capture::new_checked(file);
        if cfg!(target_endian = "big") {
            assert_eq!(cap.unwrap_err(), Error::ForeignByteOrder);
            return;
        }
        let cap = cap.unwrap();
        let (mut requests, mut listeners, mut done) = (0, 0, 0);
        for rec in cap.records() {
            let rec = rec.unwrap();
            match rec.kind {
                Kind::Request => requests += 1,
                Kind::Datagram => {
                    for msg in Messages::new(rec.data) {
                        match msg.unwrap().body {
                            Body::Inet(r) => {
                                assert_eq!(r.state, crate::wire::inet::TcpState::Listen);
                                listeners += 1;
                            }
                            Body::Done { errno: 0 } => done += 1,
                            other => panic!("{other:?}"),
                        }
                    }
                }
                other => panic!("{other:?}"),
            }
        }
        assert_eq!(requests, 1);
        assert!(listeners >= 1);
        assert_eq!(done, 1);
    }

    /// A real capture from the x86-64 initramfs guest (Debian's 6.12
    /// kernel with vsock_diag, xsk_diag, tipc_diag and raw_diag; see
    /// tests/fixtures/README.md): `sockdiag --vsock --xdp --tipc -w -ane
    /// --dump-raw` over the sockets of tests/guest-sockets. Each request's
    /// family tells its replies apart, as the runner's walker does.
    #[test]
    fn test_guest_tables_fixture() {
        use crate::family;
        use crate::wire::inet::TcpState;
        let file = include_bytes!("../tests/fixtures/capture-le-6.12-vsock-xdp-tipc-raw.bin");
        let cap = Capture::new_checked(file);
        if cfg!(target_endian = "big") {
            assert_eq!(cap.unwrap_err(), Error::ForeignByteOrder);
            return;
        }
        let (mut vsock, mut xdp, mut tipc, mut raw) = (0, 0, 0, 0);
        let mut request_family = None;
        for rec in cap.unwrap().records() {
            let rec = rec.unwrap();
            match rec.kind {
                // The request's first byte after its 16-byte header.
                Kind::Request => request_family = rec.data.get(16).copied(),
                Kind::Datagram => {
                    let family = request_family.expect("a request first");
                    for msg in Messages::for_family(rec.data, family) {
                        match msg.unwrap().body {
                            Body::Vsock(v) => {
                                vsock += 1;
                                if v.state == TcpState::Listen {
                                    assert_eq!(v.src.port, 1234);
                                }
                            }
                            Body::Xdp(x) => {
                                xdp += 1;
                                let info = x.info.unwrap();
                                assert_eq!((info.ifindex, info.queue_id), (1, 0));
                                let umem = x.umem.unwrap();
                                assert_eq!((umem.size, umem.chunk_size), (65536, 4096));
                                assert_eq!(x.rx_ring.map(|r| r.entries), Some(512));
                            }
                            Body::Tipc(t) => {
                                tipc += 1;
                                assert!(t.has_publ && t.port.is_some(), "{t:?}");
                            }
                            Body::Inet(r) => {
                                raw += 1;
                                assert_eq!((family, r.id.sport), (family::INET, 1));
                            }
                            Body::Done { errno: 0 } => {}
                            other => panic!("{other:?}"),
                        }
                    }
                }
                other => panic!("{other:?}"),
            }
        }
        // Listener, client, accepted; the helper's AF_XDP socket; the
        // kernel's topology server and the helper's TIPC socket; ICMP.
        assert_eq!((vsock, xdp, tipc, raw), (3, 1, 2, 1));
    }
}
