//! What `linux/sock_diag.h` defines for every family: the message types, the
//! request framing every query shares, the socket type byte of the unix,
//! netlink and packet messages, and the `SK_MEMINFO_*` array that
//! `sock_diag_put_meminfo()` (`net/core/sock_diag.c`) sends as
//! `INET_DIAG_SKMEMINFO`, `UNIX_DIAG_MEMINFO`, `NETLINK_DIAG_MEMINFO` and
//! `PACKET_DIAG_MEMINFO`.
//!
//! The array has grown (BACKLOG in 4.0, DROPS in 4.7); a kernel sends as
//! many host-order `u32` entries as it knows, and an entry past the end is
//! absent, not zero.

use byteorder::{ByteOrder, NativeEndian};

use crate::wire::enum_with_unknown;
use crate::wire::nlmsg::{flags, HeaderRepr, HEADER_LEN};
use crate::{Error, Result};

/// `SOCK_DIAG_BY_FAMILY`: the type of every request and every reply record.
pub const SOCK_DIAG_BY_FAMILY: u16 = 20;
/// `SOCK_DESTROY`: close a socket (needs CAP_NET_ADMIN).
pub const SOCK_DESTROY: u16 = 21;

enum_with_unknown! {
    /// Socket types (`SOCK_*`, `linux/net.h`): the type byte of the unix,
    /// netlink and packet messages.
    pub enum SockType(u8) {
        /// `SOCK_STREAM`
        Stream = 1,
        /// `SOCK_DGRAM`
        Dgram = 2,
        /// `SOCK_RAW`
        Raw = 3,
        /// `SOCK_SEQPACKET`
        SeqPacket = 5,
    }
}

/// A request payload that can follow a netlink header.
pub trait Request {
    /// The `nlmsg_type` it travels under; replies carry the same.
    fn msg_type(&self) -> u16 {
        SOCK_DIAG_BY_FAMILY
    }
    /// Bytes the payload occupies, request attributes included.
    fn payload_len(&self) -> usize;
    /// Writes the payload into `buf` (exactly `payload_len()` bytes).
    fn emit_payload(&self, buf: &mut [u8]) -> Result<()>;
    /// True for a dump (`NLM_F_DUMP`), false for an exact lookup.
    fn is_dump(&self) -> bool;
}

/// Frames `request` as one message of its type (`SOCK_DIAG_BY_FAMILY` but
/// for the legacy TCP request) at the start of `buf` and returns its
/// length. Nothing is written past that length.
pub fn emit_request<R: Request>(buf: &mut [u8], seq: u32, request: &R) -> Result<usize> {
    let dump = if request.is_dump() { flags::DUMP } else { 0 };
    emit(buf, request.msg_type(), flags::REQUEST | dump, seq, request)
}

/// Frames `request`, an exact lookup of one socket, as a `SOCK_DESTROY`
/// message asking for an acknowledgement, and returns its length. The
/// kernel closes the socket and answers with an `NLMSG_ERROR` carrying 0,
/// or EPERM (no CAP_NET_ADMIN), EOPNOTSUPP (a protocol or a kernel that
/// cannot close sockets: `CONFIG_INET_DIAG_DESTROY`), ENOENT (gone).
/// SOCK_DESTROY has no dump form: `is_dump` is not consulted.
pub fn emit_destroy<R: Request>(buf: &mut [u8], seq: u32, request: &R) -> Result<usize> {
    emit(buf, SOCK_DESTROY, flags::REQUEST | flags::ACK, seq, request)
}

fn emit<R: Request>(
    buf: &mut [u8],
    msg_type: u16,
    flags: u16,
    seq: u32,
    request: &R,
) -> Result<usize> {
    let payload_len = request.payload_len();
    let header = HeaderRepr {
        msg_type,
        flags,
        seq,
        // 0 lets the kernel address its reply to whatever port we are bound to.
        pid: 0,
    };
    header.emit(buf, payload_len)?;
    let total = HEADER_LEN + payload_len;
    request.emit_payload(&mut buf[HEADER_LEN..total])?;
    Ok(total)
}

/// Indexes into the array (`SK_MEMINFO_*`).
pub mod idx {
    /// `SK_MEMINFO_RMEM_ALLOC`: receive queue memory, bytes.
    pub const RMEM_ALLOC: usize = 0;
    /// `SK_MEMINFO_RCVBUF`: `SO_RCVBUF`.
    pub const RCVBUF: usize = 1;
    /// `SK_MEMINFO_WMEM_ALLOC`: send memory in flight, bytes.
    pub const WMEM_ALLOC: usize = 2;
    /// `SK_MEMINFO_SNDBUF`: `SO_SNDBUF`.
    pub const SNDBUF: usize = 3;
    /// `SK_MEMINFO_FWD_ALLOC`: memory reserved ahead.
    pub const FWD_ALLOC: usize = 4;
    /// `SK_MEMINFO_WMEM_QUEUED`: send queue, bytes.
    pub const WMEM_QUEUED: usize = 5;
    /// `SK_MEMINFO_OPTMEM`: option memory.
    pub const OPTMEM: usize = 6;
    /// `SK_MEMINFO_BACKLOG`: backlog queue (4.0).
    pub const BACKLOG: usize = 7;
    /// `SK_MEMINFO_DROPS`: packets dropped (4.7).
    pub const DROPS: usize = 8;
}

/// Entries a current kernel sends (`SK_MEMINFO_VARS`).
pub const KNOWN_ENTRIES: usize = idx::DROPS + 1;

/// A checked view of an `SK_MEMINFO_*` array of any length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[doc(alias = "SK_MEMINFO_VARS")]
pub struct SkMemInfo<'a>(&'a [u8]);

impl<'a> SkMemInfo<'a> {
    /// Accepts any non-empty whole number of `u32` entries.
    pub fn new_checked(bytes: &'a [u8]) -> Result<SkMemInfo<'a>> {
        if bytes.is_empty() || !bytes.len().is_multiple_of(4) {
            return Err(Error::BadAttribute);
        }
        Ok(SkMemInfo(bytes))
    }

    /// How many entries the kernel sent.
    pub fn len(&self) -> usize {
        self.0.len() / 4
    }

    /// Always false: `new_checked` refuses an empty array.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Entry `i` ([`idx`]), `None` past what the kernel sent.
    pub fn get(&self, i: usize) -> Option<u32> {
        let start = i.checked_mul(4)?;
        self.0
            .get(start..start.checked_add(4)?)
            .map(NativeEndian::read_u32)
    }

    /// Every entry, in order.
    pub fn iter(&self) -> impl Iterator<Item = u32> + 'a {
        self.0.chunks_exact(4).map(NativeEndian::read_u32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn array(n: usize) -> [u8; 4 * (KNOWN_ENTRIES + 1)] {
        let mut b = [0xa5u8; 4 * (KNOWN_ENTRIES + 1)];
        for i in 0..n {
            b[4 * i..4 * i + 4].copy_from_slice(&(100 + i as u32).to_ne_bytes());
        }
        b
    }

    #[test]
    fn test_parse() {
        let b = array(KNOWN_ENTRIES);
        let m = SkMemInfo::new_checked(&b[..4 * KNOWN_ENTRIES]).unwrap();
        assert_eq!(m.len(), 9);
        assert_eq!(m.get(idx::RCVBUF), Some(101));
        assert_eq!(m.get(idx::DROPS), Some(108));
        assert_eq!(m.get(KNOWN_ENTRIES), None);
        assert_eq!(m.iter().count(), 9);
    }

    /// A 3.x kernel sent 7 entries, a 4.0 kernel 8: the rest is absent.
    #[test]
    fn test_fewer_entries() {
        let b = array(7);
        let m = SkMemInfo::new_checked(&b[..28]).unwrap();
        assert_eq!(m.get(idx::OPTMEM), Some(106));
        assert_eq!((m.get(idx::BACKLOG), m.get(idx::DROPS)), (None, None));
        // A newer kernel's tenth entry is kept too.
        let b = array(KNOWN_ENTRIES + 1);
        assert_eq!(SkMemInfo::new_checked(&b).unwrap().get(9), Some(109));
        assert_eq!(SkMemInfo::new_checked(&b).unwrap().get(usize::MAX), None);
    }

    #[test]
    fn test_truncated() {
        let b = array(2);
        for cut in [0, 1, 2, 3, 5, 7] {
            assert_eq!(
                SkMemInfo::new_checked(&b[..cut]).unwrap_err(),
                Error::BadAttribute
            );
        }
    }
}
