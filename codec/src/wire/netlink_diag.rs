//! Netlink sockets: `netlink_diag_req`, `netlink_diag_msg` and the
//! `NETLINK_DIAG_*` attributes from `linux/netlink_diag.h`, served by
//! `net/netlink/diag.c`.
//!
//! Everything is host order. Netlink dumps know no states and no exact
//! lookup: a request always walks every socket of one protocol (or all).

use byteorder::{ByteOrder, NativeEndian};

use crate::wire::attr::{Attr, Attrs};
use crate::wire::enum_with_unknown;
use crate::wire::sock_diag::{Request, SkMemInfo, SockType};
use crate::{family, Error, Result};

/// `NDIAG_PROTO_ALL`: every netlink protocol in one dump.
pub const PROTO_ALL: u8 = 255;

/// Show flags (`NDIAG_SHOW_*`): which attributes the reply carries.
pub mod show {
    /// `NDIAG_SHOW_MEMINFO`
    pub const MEMINFO: u32 = 0x1;
    /// `NDIAG_SHOW_GROUPS`
    pub const GROUPS: u32 = 0x2;
    /// `NDIAG_SHOW_RING_CFG` (mmap rings; gone since Linux 4.6).
    pub const RING_CFG: u32 = 0x4;
    /// `NDIAG_SHOW_FLAGS`
    pub const FLAGS: u32 = 0x8;
}

/// Response attribute types (`NETLINK_DIAG_*`). Type 0 is real.
pub mod attr_kind {
    /// `NETLINK_DIAG_MEMINFO`: a `SK_MEMINFO` array.
    pub const MEMINFO: u16 = 0;
    /// `NETLINK_DIAG_GROUPS`: bitmap of joined multicast groups.
    pub const GROUPS: u16 = 1;
    /// `NETLINK_DIAG_RX_RING`
    pub const RX_RING: u16 = 2;
    /// `NETLINK_DIAG_TX_RING`
    pub const TX_RING: u16 = 3;
    /// `NETLINK_DIAG_FLAGS`
    pub const FLAGS: u16 = 4;
}

/// Bits of `NETLINK_DIAG_FLAGS` (`NDIAG_FLAG_*`).
pub mod flag {
    /// `NDIAG_FLAG_CB_RUNNING`: a dump is in progress.
    pub const CB_RUNNING: u32 = 0x01;
    /// `NDIAG_FLAG_PKTINFO`
    pub const PKTINFO: u32 = 0x02;
    /// `NDIAG_FLAG_BROADCAST_ERROR`
    pub const BROADCAST_ERROR: u32 = 0x04;
    /// `NDIAG_FLAG_NO_ENOBUFS`
    pub const NO_ENOBUFS: u32 = 0x08;
    /// `NDIAG_FLAG_LISTEN_ALL_NSID`
    pub const LISTEN_ALL_NSID: u32 = 0x10;
    /// `NDIAG_FLAG_CAP_ACK`
    pub const CAP_ACK: u32 = 0x20;
}

enum_with_unknown! {
    /// A netlink socket's state (`ndiag_state`).
    pub enum NetlinkState(u8) {
        /// 0: `NETLINK_UNCONNECTED`
        Unconnected = 0,
        /// 1: `NETLINK_CONNECTED`: connect() named a destination.
        Connected = 1,
    }
}

mod req_field {
    use crate::Field;
    pub const FAMILY: usize = 0;
    pub const PROTOCOL: usize = 1;
    pub const PAD: Field = 2..4;
    pub const INO: Field = 4..8;
    pub const SHOW: Field = 8..12;
    pub const COOKIE_LO: Field = 12..16;
    pub const COOKIE_HI: Field = 16..20;
}

/// Size of `struct netlink_diag_req`.
pub const REQ_LEN: usize = req_field::COOKIE_HI.end;

/// `struct netlink_diag_req`: always a dump.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[doc(alias = "netlink_diag_req")]
pub struct ReqRepr {
    /// A netlink protocol (0-31), or [`PROTO_ALL`].
    pub protocol: u8,
    /// [`show`] flags.
    pub show: u32,
}

impl ReqRepr {
    /// A dump of every netlink socket of every protocol.
    pub const fn dump(show: u32) -> ReqRepr {
        ReqRepr {
            protocol: PROTO_ALL,
            show,
        }
    }
}

impl Request for ReqRepr {
    fn payload_len(&self) -> usize {
        REQ_LEN
    }

    fn emit_payload(&self, buf: &mut [u8]) -> Result<()> {
        let buf = buf.get_mut(..REQ_LEN).ok_or(Error::BufferTooSmall)?;
        buf[req_field::FAMILY] = family::NETLINK;
        buf[req_field::PROTOCOL] = self.protocol;
        buf[req_field::PAD].fill(0);
        // The kernel ignores inode and cookie: there is no exact lookup.
        NativeEndian::write_u32(&mut buf[req_field::INO], 0);
        NativeEndian::write_u32(&mut buf[req_field::SHOW], self.show);
        NativeEndian::write_u32(&mut buf[req_field::COOKIE_LO], u32::MAX);
        NativeEndian::write_u32(&mut buf[req_field::COOKIE_HI], u32::MAX);
        Ok(())
    }

    fn is_dump(&self) -> bool {
        // The kernel answers a request without NLM_F_DUMP with EINVAL.
        true
    }
}

mod msg_field {
    use crate::Field;
    pub const FAMILY: usize = 0;
    pub const TYPE: usize = 1;
    pub const PROTOCOL: usize = 2;
    pub const STATE: usize = 3;
    pub const PORTID: Field = 4..8;
    pub const DST_PORTID: Field = 8..12;
    pub const DST_GROUP: Field = 12..16;
    pub const INO: Field = 16..20;
    pub const COOKIE_LO: Field = 20..24;
    pub const COOKIE_HI: Field = 24..28;
}

/// Size of `struct netlink_diag_msg`; attributes follow it.
pub const MSG_LEN: usize = msg_field::COOKIE_HI.end;

/// A checked, zero-copy view of a `netlink_diag_msg` and its attributes.
#[derive(Debug, Clone, Copy)]
#[doc(alias = "netlink_diag_msg")]
pub struct MsgView<'a> {
    buffer: &'a [u8],
}

impl<'a> MsgView<'a> {
    /// Wraps a buffer without any check; accessors may panic until
    /// [`check_len`](Self::check_len) returned `Ok`.
    pub const fn new_unchecked(buffer: &'a [u8]) -> MsgView<'a> {
        MsgView { buffer }
    }

    /// Wraps a buffer and validates it, so no accessor can panic.
    pub fn new_checked(buffer: &'a [u8]) -> Result<MsgView<'a>> {
        let view = MsgView::new_unchecked(buffer);
        view.check_len()?;
        Ok(view)
    }

    /// The fixed part must fit, and the family must be this module's
    /// (attributes are checked as they are walked).
    pub fn check_len(&self) -> Result<()> {
        if self.buffer.len() < MSG_LEN {
            return Err(Error::Truncated);
        }
        if self.buffer[msg_field::FAMILY] != family::NETLINK {
            return Err(Error::BadFamily);
        }
        Ok(())
    }

    /// Gives the buffer back.
    pub fn into_inner(self) -> &'a [u8] {
        self.buffer
    }
    /// `ndiag_type`: SOCK_RAW or SOCK_DGRAM.
    pub fn sock_type(&self) -> SockType {
        SockType::from(self.buffer[msg_field::TYPE])
    }
    /// `ndiag_protocol`: NETLINK_ROUTE (0), NETLINK_SOCK_DIAG (4), ...
    pub fn protocol(&self) -> u8 {
        self.buffer[msg_field::PROTOCOL]
    }
    /// `ndiag_state`
    pub fn state(&self) -> NetlinkState {
        NetlinkState::from(self.buffer[msg_field::STATE])
    }
    /// `ndiag_portid`: the socket's port id (0 for the kernel's).
    pub fn portid(&self) -> u32 {
        NativeEndian::read_u32(&self.buffer[msg_field::PORTID])
    }
    /// `ndiag_dst_portid`
    pub fn dst_portid(&self) -> u32 {
        NativeEndian::read_u32(&self.buffer[msg_field::DST_PORTID])
    }
    /// `ndiag_dst_group`
    pub fn dst_group(&self) -> u32 {
        NativeEndian::read_u32(&self.buffer[msg_field::DST_GROUP])
    }
    /// `ndiag_ino`
    pub fn inode(&self) -> u32 {
        NativeEndian::read_u32(&self.buffer[msg_field::INO])
    }
    /// `ndiag_cookie`, low word first.
    pub fn cookie(&self) -> u64 {
        let lo = NativeEndian::read_u32(&self.buffer[msg_field::COOKIE_LO]) as u64;
        let hi = NativeEndian::read_u32(&self.buffer[msg_field::COOKIE_HI]) as u64;
        lo | (hi << 32)
    }
    /// The attributes after the fixed part.
    pub fn attrs(&self) -> Attrs<'a> {
        Attrs::new(&self.buffer[MSG_LEN..])
    }
}

/// The joined-groups bitmap (`NETLINK_DIAG_GROUPS`): kernel `unsigned long`
/// words in host order, so its word size is the kernel's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Groups<'a>(&'a [u8]);

impl<'a> Groups<'a> {
    /// The raw bitmap bytes.
    pub fn bytes(&self) -> &'a [u8] {
        self.0
    }

    /// Groups 1 to 32 as a mask (bit n-1 for group n), which is what ss
    /// prints as `groups=0x...`. The word size follows the payload: whole
    /// 8-byte words from a 64-bit kernel, else 4-byte words.
    pub fn low32(&self) -> u32 {
        let p = self.0;
        if p.len() >= 8 && p.len().is_multiple_of(8) {
            NativeEndian::read_u64(&p[..8]) as u32
        } else if p.len() >= 4 {
            NativeEndian::read_u32(&p[..4])
        } else {
            0
        }
    }
}

/// `struct netlink_diag_ring` (mmap rings; only kernels before 4.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[doc(alias = "netlink_diag_ring")]
#[allow(missing_docs)]
pub struct Ring {
    pub block_size: u32,
    pub block_nr: u32,
    pub frame_size: u32,
    pub frame_nr: u32,
}

/// Size of `struct netlink_diag_ring`.
pub const RING_LEN: usize = 16;

impl Ring {
    fn parse(a: &Attr<'_>) -> Result<Ring> {
        let p = a.payload();
        if p.len() != RING_LEN {
            return Err(Error::BadAttribute);
        }
        let w = |i: usize| NativeEndian::read_u32(&p[i * 4..i * 4 + 4]);
        Ok(Ring {
            block_size: w(0),
            block_nr: w(1),
            frame_size: w(2),
            frame_nr: w(3),
        })
    }
}

/// One netlink socket as plain values; attributes not sent are `None`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NetlinkRecord<'a> {
    /// SOCK_RAW or SOCK_DGRAM.
    pub sock_type: SockType,
    /// The netlink protocol.
    pub protocol: u8,
    /// Connected or not.
    pub state: NetlinkState,
    /// The socket's port id, 0 for a kernel socket.
    pub portid: u32,
    /// Destination port id (connected sockets).
    pub dst_portid: u32,
    /// Destination group (connected sockets).
    pub dst_group: u32,
    /// The socket's inode (0 for kernel sockets).
    pub inode: u32,
    /// The kernel's socket cookie.
    pub cookie: u64,
    /// `NETLINK_DIAG_MEMINFO`
    pub meminfo: Option<SkMemInfo<'a>>,
    /// `NETLINK_DIAG_GROUPS`
    pub groups: Option<Groups<'a>>,
    /// `NETLINK_DIAG_RX_RING`
    pub rx_ring: Option<Ring>,
    /// `NETLINK_DIAG_TX_RING`
    pub tx_ring: Option<Ring>,
    /// `NETLINK_DIAG_FLAGS` ([`flag`] bits).
    pub flags: Option<u32>,
    /// Every attribute, decoded or not, as received.
    pub attrs: &'a [u8],
}

impl<'a> NetlinkRecord<'a> {
    /// Decodes the fixed part and the attributes this codec knows; an
    /// unknown attribute is skipped (it stays in `attrs`).
    pub fn parse(view: &MsgView<'a>) -> Result<NetlinkRecord<'a>> {
        let mut rec = NetlinkRecord {
            sock_type: view.sock_type(),
            protocol: view.protocol(),
            state: view.state(),
            portid: view.portid(),
            dst_portid: view.dst_portid(),
            dst_group: view.dst_group(),
            inode: view.inode(),
            cookie: view.cookie(),
            meminfo: None,
            groups: None,
            rx_ring: None,
            tx_ring: None,
            flags: None,
            attrs: &view.buffer[MSG_LEN..],
        };
        for a in view.attrs() {
            let a = a?;
            match a.kind() {
                attr_kind::MEMINFO => rec.meminfo = Some(SkMemInfo::new_checked(a.payload())?),
                attr_kind::GROUPS => rec.groups = Some(Groups(a.payload())),
                attr_kind::RX_RING => rec.rx_ring = Some(Ring::parse(&a)?),
                attr_kind::TX_RING => rec.tx_ring = Some(Ring::parse(&a)?),
                attr_kind::FLAGS => rec.flags = Some(a.u32_ne()?),
                _ => {}
            }
        }
        Ok(rec)
    }

    /// Decodes one `netlink_diag_msg` payload.
    pub fn parse_bytes(payload: &'a [u8]) -> Result<NetlinkRecord<'a>> {
        NetlinkRecord::parse(&MsgView::new_checked(payload)?)
    }

    /// ss's receive queue: `SK_MEMINFO_RMEM_ALLOC`, 0 without MEMINFO.
    pub fn rqueue(&self) -> u32 {
        self.meminfo
            .and_then(|m| m.get(crate::wire::sock_diag::idx::RMEM_ALLOC))
            .unwrap_or(0)
    }

    /// ss's send queue: `SK_MEMINFO_WMEM_ALLOC`, 0 without MEMINFO.
    pub fn wqueue(&self) -> u32 {
        self.meminfo
            .and_then(|m| m.get(crate::wire::sock_diag::idx::WMEM_ALLOC))
            .unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::sock_diag::emit_request;

    fn push_attr(buf: &mut [u8], at: &mut usize, kind: u16, payload: &[u8]) {
        let len = 4 + payload.len();
        buf[*at..*at + 2].copy_from_slice(&(len as u16).to_ne_bytes());
        buf[*at + 2..*at + 4].copy_from_slice(&kind.to_ne_bytes());
        buf[*at + 4..*at + len].copy_from_slice(payload);
        *at += (len + 3) & !3;
    }

    /// A NETLINK_ROUTE socket of port 4242, connected to the kernel, with
    /// 9 meminfo entries, an 8-byte groups bitmap (groups 1 and 3), flags
    /// and an attribute type from the future.
    fn message() -> ([u8; 128], usize) {
        let mut b = [0u8; 128];
        b[0] = family::NETLINK;
        b[1] = 3;
        b[2] = 0;
        b[3] = 1;
        b[4..8].copy_from_slice(&4242u32.to_ne_bytes());
        b[8..12].copy_from_slice(&0u32.to_ne_bytes());
        b[12..16].copy_from_slice(&0u32.to_ne_bytes());
        b[16..20].copy_from_slice(&777u32.to_ne_bytes());
        b[20..24].copy_from_slice(&5u32.to_ne_bytes());
        b[24..28].copy_from_slice(&0u32.to_ne_bytes());
        let mut at = MSG_LEN;
        let mut mem = [0u8; 36];
        for i in 0..9u32 {
            mem[i as usize * 4..i as usize * 4 + 4].copy_from_slice(&(i * 100).to_ne_bytes());
        }
        push_attr(&mut b, &mut at, attr_kind::MEMINFO, &mem);
        push_attr(&mut b, &mut at, attr_kind::GROUPS, &5u64.to_ne_bytes());
        push_attr(&mut b, &mut at, attr_kind::FLAGS, &0x21u32.to_ne_bytes());
        push_attr(&mut b, &mut at, 99, &[1, 2, 3]);
        (b, at)
    }

    #[test]
    fn test_parse() {
        let (b, len) = message();
        let rec = NetlinkRecord::parse_bytes(&b[..len]).unwrap();
        assert_eq!(
            (rec.sock_type, rec.protocol, rec.state),
            (SockType::Raw, 0, NetlinkState::Connected)
        );
        assert_eq!((rec.portid, rec.dst_portid, rec.dst_group), (4242, 0, 0));
        assert_eq!((rec.inode, rec.cookie), (777, 5));
        assert_eq!(rec.meminfo.unwrap().len(), 9);
        assert_eq!((rec.rqueue(), rec.wqueue()), (0, 200));
        assert_eq!(rec.groups.unwrap().low32(), 5);
        assert_eq!(rec.flags, Some(flag::CB_RUNNING | flag::CAP_ACK));
        assert_eq!((rec.rx_ring, rec.tx_ring), (None, None));
        // The unknown attribute stays reachable as (type, bytes).
        let unknown = Attrs::new(rec.attrs)
            .map(Result::unwrap)
            .find(|a| a.kind() == 99)
            .unwrap();
        assert_eq!(unknown.payload(), &[1, 2, 3]);
        assert_eq!(NetlinkState::from(7), NetlinkState::Unknown(7));
    }

    #[test]
    fn test_rings() {
        let mut b = [0u8; MSG_LEN + 20];
        b[0] = family::NETLINK;
        let mut at = MSG_LEN;
        let mut ring = [0u8; RING_LEN];
        for i in 0..4u32 {
            ring[i as usize * 4..i as usize * 4 + 4].copy_from_slice(&(i + 1).to_ne_bytes());
        }
        push_attr(&mut b, &mut at, attr_kind::TX_RING, &ring);
        let rec = NetlinkRecord::parse_bytes(&b[..at]).unwrap();
        assert_eq!(
            rec.tx_ring,
            Some(Ring {
                block_size: 1,
                block_nr: 2,
                frame_size: 3,
                frame_nr: 4
            })
        );
        assert_eq!(rec.groups, None);
        assert_eq!((rec.rqueue(), rec.wqueue()), (0, 0));
    }

    #[test]
    fn test_malformed() {
        let (mut b, len) = message();
        b[0] = family::UNIX;
        assert_eq!(NetlinkRecord::parse_bytes(&b[..len]), Err(Error::BadFamily));
        // Each known attribute with a short payload is an error value.
        for kind in [
            attr_kind::MEMINFO,
            attr_kind::RX_RING,
            attr_kind::TX_RING,
            attr_kind::FLAGS,
        ] {
            let mut b = [0u8; MSG_LEN + 8];
            b[0] = family::NETLINK;
            let mut at = MSG_LEN;
            push_attr(&mut b, &mut at, kind, &[1, 2, 3]);
            assert_eq!(
                NetlinkRecord::parse_bytes(&b[..at]),
                Err(Error::BadAttribute),
                "attribute {kind}"
            );
        }
    }

    #[test]
    fn test_truncated() {
        let (b, len) = message();
        // Whole records end after the fixed part and after each attribute.
        let boundaries = [MSG_LEN, 68, 80, 88, len - 1, len];
        for cut in 0..=len {
            let r = NetlinkRecord::parse_bytes(&b[..cut]);
            assert_eq!(r.is_ok(), boundaries.contains(&cut), "prefix {cut}");
        }
    }

    #[test]
    fn test_emit() {
        let req = ReqRepr::dump(show::MEMINFO | show::GROUPS);
        let mut buf = [0xa5u8; 40];
        assert_eq!(emit_request(&mut buf, 7, &req), Ok(36));
        let mut want = [0xa5u8; 40];
        want[0..4].copy_from_slice(&36u32.to_ne_bytes());
        want[4..6].copy_from_slice(&20u16.to_ne_bytes());
        want[6..8].copy_from_slice(&0x301u16.to_ne_bytes());
        want[8..12].copy_from_slice(&7u32.to_ne_bytes());
        want[12..16].copy_from_slice(&0u32.to_ne_bytes());
        want[16] = family::NETLINK;
        want[17] = PROTO_ALL;
        want[18..20].copy_from_slice(&[0, 0]);
        want[20..24].copy_from_slice(&0u32.to_ne_bytes());
        want[24..28].copy_from_slice(&3u32.to_ne_bytes());
        want[28..36].copy_from_slice(&[0xff; 8]);
        assert_eq!(buf, want);
        for short in 0..36 {
            assert_eq!(
                emit_request(&mut buf[..short], 7, &req),
                Err(Error::BufferTooSmall)
            );
        }
    }
}
