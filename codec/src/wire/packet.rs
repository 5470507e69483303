//! Packet sockets (AF_PACKET): `packet_diag_req`, `packet_diag_msg` and the
//! `PACKET_DIAG_*` attributes from `linux/packet_diag.h`, served by
//! `net/packet/diag.c`.
//!
//! Everything is host order, the protocol number too (`pdiag_num` holds
//! `ntohs` of the socket's protocol). Packet dumps know no states and no
//! exact lookup.

use byteorder::{ByteOrder, NativeEndian};

use crate::wire::attr::{Attr, Attrs};
use crate::wire::enum_with_unknown;
use crate::wire::sock_diag::{Request, SkMemInfo, SockType};
use crate::{family, Error, Field, Result};

/// Show flags (`PACKET_SHOW_*`): which attributes the reply carries.
pub mod show {
    /// `PACKET_SHOW_INFO`
    pub const INFO: u32 = 0x01;
    /// `PACKET_SHOW_MCLIST`
    pub const MCLIST: u32 = 0x02;
    /// `PACKET_SHOW_RING_CFG`
    pub const RING_CFG: u32 = 0x04;
    /// `PACKET_SHOW_FANOUT`
    pub const FANOUT: u32 = 0x08;
    /// `PACKET_SHOW_MEMINFO`
    pub const MEMINFO: u32 = 0x10;
    /// `PACKET_SHOW_FILTER` (empty without CAP_NET_ADMIN)
    pub const FILTER: u32 = 0x20;
}

/// Response attribute types (`PACKET_DIAG_*`). Type 0 is real.
pub mod attr_kind {
    /// `PACKET_DIAG_INFO`: `struct packet_diag_info`.
    pub const INFO: u16 = 0;
    /// `PACKET_DIAG_MCLIST`: packed `struct packet_diag_mclist`.
    pub const MCLIST: u16 = 1;
    /// `PACKET_DIAG_RX_RING`
    pub const RX_RING: u16 = 2;
    /// `PACKET_DIAG_TX_RING`
    pub const TX_RING: u16 = 3;
    /// `PACKET_DIAG_FANOUT`: `id | type << 16`.
    pub const FANOUT: u16 = 4;
    /// `PACKET_DIAG_UID`
    pub const UID: u16 = 5;
    /// `PACKET_DIAG_MEMINFO`: a `SK_MEMINFO` array.
    pub const MEMINFO: u16 = 6;
    /// `PACKET_DIAG_FILTER`: classic BPF `struct sock_filter[]`.
    pub const FILTER: u16 = 7;
}

/// `ETH_P_ALL`: the protocol of a socket that sees every frame.
pub const ETH_P_ALL: u16 = 0x0003;

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

/// Size of `struct packet_diag_req`.
pub const REQ_LEN: usize = req_field::COOKIE_HI.end;

/// `struct packet_diag_req`: always a dump of every packet socket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[doc(alias = "packet_diag_req")]
pub struct ReqRepr {
    /// [`show`] flags.
    pub show: u32,
}

impl ReqRepr {
    /// A dump of every packet socket with the `show` attributes.
    pub const fn dump(show: u32) -> ReqRepr {
        ReqRepr { show }
    }
}

impl Request for ReqRepr {
    fn payload_len(&self) -> usize {
        REQ_LEN
    }

    fn emit_payload(&self, buf: &mut [u8]) -> Result<()> {
        let buf = buf.get_mut(..REQ_LEN).ok_or(Error::BufferTooSmall)?;
        buf[req_field::FAMILY] = family::PACKET;
        // Any other protocol is EINVAL.
        buf[req_field::PROTOCOL] = 0;
        buf[req_field::PAD].fill(0);
        NativeEndian::write_u32(&mut buf[req_field::INO], 0);
        NativeEndian::write_u32(&mut buf[req_field::SHOW], self.show);
        NativeEndian::write_u32(&mut buf[req_field::COOKIE_LO], u32::MAX);
        NativeEndian::write_u32(&mut buf[req_field::COOKIE_HI], u32::MAX);
        Ok(())
    }

    fn is_dump(&self) -> bool {
        true
    }
}

mod msg_field {
    use crate::Field;
    pub const FAMILY: usize = 0;
    pub const TYPE: usize = 1;
    pub const NUM: Field = 2..4;
    pub const INO: Field = 4..8;
    pub const COOKIE_LO: Field = 8..12;
    pub const COOKIE_HI: Field = 12..16;
}

/// Size of `struct packet_diag_msg`; attributes follow it.
pub const MSG_LEN: usize = msg_field::COOKIE_HI.end;

/// A checked, zero-copy view of a `packet_diag_msg` and its attributes.
#[derive(Debug, Clone, Copy)]
#[doc(alias = "packet_diag_msg")]
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
        if self.buffer[msg_field::FAMILY] != family::PACKET {
            return Err(Error::BadFamily);
        }
        Ok(())
    }

    /// Gives the buffer back.
    pub fn into_inner(self) -> &'a [u8] {
        self.buffer
    }
    /// `pdiag_type`: SOCK_RAW or SOCK_DGRAM.
    pub fn sock_type(&self) -> SockType {
        SockType::from(self.buffer[msg_field::TYPE])
    }
    /// `pdiag_num`: the ethertype the socket receives, host order.
    pub fn protocol(&self) -> u16 {
        NativeEndian::read_u16(&self.buffer[msg_field::NUM])
    }
    /// `pdiag_ino`
    pub fn inode(&self) -> u32 {
        NativeEndian::read_u32(&self.buffer[msg_field::INO])
    }
    /// `pdiag_cookie`, low word first.
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

fn u32_at(p: &[u8], f: Field) -> u32 {
    NativeEndian::read_u32(&p[f])
}

mod info_field {
    use crate::Field;
    pub const INDEX: Field = 0..4;
    pub const VERSION: Field = 4..8;
    pub const RESERVE: Field = 8..12;
    pub const COPY_THRESH: Field = 12..16;
    pub const TSTAMP: Field = 16..20;
    pub const FLAGS: Field = 20..24;
}

/// Size of `struct packet_diag_info`.
pub const INFO_LEN: usize = info_field::FLAGS.end;

/// Bits of [`Info::flags`] (`PDI_*`).
pub mod info_flag {
    /// `PDI_RUNNING`: bound and receiving.
    pub const RUNNING: u32 = 0x1;
    /// `PDI_AUXDATA`
    pub const AUXDATA: u32 = 0x2;
    /// `PDI_ORIGDEV`
    pub const ORIGDEV: u32 = 0x4;
    /// `PDI_VNETHDR`
    pub const VNETHDR: u32 = 0x8;
    /// `PDI_LOSS`
    pub const LOSS: u32 = 0x10;
}

/// `struct packet_diag_info`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[doc(alias = "packet_diag_info")]
pub struct Info {
    /// `pdi_index`: bound interface, 0 for all.
    pub ifindex: u32,
    /// `pdi_version`: TPACKET_V1 (0), V2 (1), V3 (2).
    pub version: u32,
    /// `pdi_reserve`
    pub reserve: u32,
    /// `pdi_copy_thresh`
    pub copy_thresh: u32,
    /// `pdi_tstamp`
    pub tstamp: u32,
    /// `pdi_flags` ([`info_flag`] bits).
    pub flags: u32,
}

impl Info {
    fn parse(a: &Attr<'_>) -> Result<Info> {
        // The kernel may grow the struct; the fields we know stay in place.
        let p = a.payload();
        if p.len() < INFO_LEN {
            return Err(Error::BadAttribute);
        }
        Ok(Info {
            ifindex: u32_at(p, info_field::INDEX),
            version: u32_at(p, info_field::VERSION),
            reserve: u32_at(p, info_field::RESERVE),
            copy_thresh: u32_at(p, info_field::COPY_THRESH),
            tstamp: u32_at(p, info_field::TSTAMP),
            flags: u32_at(p, info_field::FLAGS),
        })
    }
}

mod ring_field {
    use crate::Field;
    pub const BLOCK_SIZE: Field = 0..4;
    pub const BLOCK_NR: Field = 4..8;
    pub const FRAME_SIZE: Field = 8..12;
    pub const FRAME_NR: Field = 12..16;
    pub const RETIRE_TMO: Field = 16..20;
    pub const SIZEOF_PRIV: Field = 20..24;
    pub const FEATURES: Field = 24..28;
}

/// Size of `struct packet_diag_ring`.
pub const RING_LEN: usize = ring_field::FEATURES.end;

/// `struct packet_diag_ring`: an mmap ring's geometry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[doc(alias = "packet_diag_ring")]
#[allow(missing_docs)]
pub struct Ring {
    pub block_size: u32,
    pub block_nr: u32,
    pub frame_size: u32,
    pub frame_nr: u32,
    pub retire_tmo: u32,
    pub sizeof_priv: u32,
    pub features: u32,
}

impl Ring {
    fn parse(a: &Attr<'_>) -> Result<Ring> {
        let p = a.payload();
        if p.len() < RING_LEN {
            return Err(Error::BadAttribute);
        }
        Ok(Ring {
            block_size: u32_at(p, ring_field::BLOCK_SIZE),
            block_nr: u32_at(p, ring_field::BLOCK_NR),
            frame_size: u32_at(p, ring_field::FRAME_SIZE),
            frame_nr: u32_at(p, ring_field::FRAME_NR),
            retire_tmo: u32_at(p, ring_field::RETIRE_TMO),
            sizeof_priv: u32_at(p, ring_field::SIZEOF_PRIV),
            features: u32_at(p, ring_field::FEATURES),
        })
    }
}

enum_with_unknown! {
    /// Fanout modes (`PACKET_FANOUT_*`), the high half of `PACKET_DIAG_FANOUT`.
    pub enum FanoutType(u16) {
        /// `PACKET_FANOUT_HASH`
        Hash = 0,
        /// `PACKET_FANOUT_LB`
        Lb = 1,
        /// `PACKET_FANOUT_CPU`
        Cpu = 2,
        /// `PACKET_FANOUT_ROLLOVER`
        Rollover = 3,
        /// `PACKET_FANOUT_RND`
        Random = 4,
        /// `PACKET_FANOUT_QM`
        QueueMapping = 5,
        /// `PACKET_FANOUT_CBPF`
        Cbpf = 6,
        /// `PACKET_FANOUT_EBPF`
        Ebpf = 7,
    }
}

/// `PACKET_DIAG_FANOUT` split into its group id and mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fanout {
    /// The fanout group id (low 16 bits).
    pub id: u16,
    /// The mode (bits 16..24; flags above are kept in `raw`).
    pub mode: FanoutType,
    /// The attribute as sent.
    pub raw: u32,
}

impl Fanout {
    fn from_raw(raw: u32) -> Fanout {
        Fanout {
            id: raw as u16,
            mode: FanoutType::from((raw >> 16) as u16),
            raw,
        }
    }
}

mod mc_field {
    use crate::Field;
    pub const INDEX: Field = 0..4;
    pub const COUNT: Field = 4..8;
    pub const TYPE: Field = 8..10;
    pub const ALEN: Field = 10..12;
    pub const ADDR: Field = 12..44;
}

/// Size of `struct packet_diag_mclist` (MAX_ADDR_LEN is 32).
pub const MCLIST_ENTRY_LEN: usize = mc_field::ADDR.end;

/// One `struct packet_diag_mclist` entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[doc(alias = "packet_diag_mclist")]
pub struct McEntry<'a> {
    /// `pdmc_index`: the interface.
    pub ifindex: u32,
    /// `pdmc_count`: how often it was added.
    pub count: u32,
    /// `pdmc_type`: PACKET_MR_MULTICAST (0), PROMISC (1), ALLMULTI (2), UNICAST (3).
    pub mr_type: u16,
    /// The address, `pdmc_alen` bytes (at most 32).
    pub addr: &'a [u8],
}

/// A checked run of `packet_diag_mclist` entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct McList<'a>(&'a [u8]);

impl<'a> McList<'a> {
    /// Validates that `payload` holds whole entries.
    pub fn new_checked(payload: &'a [u8]) -> Result<McList<'a>> {
        if !payload.len().is_multiple_of(MCLIST_ENTRY_LEN) {
            return Err(Error::BadAttribute);
        }
        Ok(McList(payload))
    }

    /// How many entries there are.
    pub fn len(&self) -> usize {
        self.0.len() / MCLIST_ENTRY_LEN
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The entries in order; an address length above 32 is cut to 32.
    pub fn iter(&self) -> impl Iterator<Item = McEntry<'a>> + 'a {
        self.0.chunks_exact(MCLIST_ENTRY_LEN).map(|e| {
            let addr = &e[mc_field::ADDR];
            let alen = (NativeEndian::read_u16(&e[mc_field::ALEN]) as usize).min(addr.len());
            McEntry {
                ifindex: u32_at(e, mc_field::INDEX),
                count: u32_at(e, mc_field::COUNT),
                mr_type: NativeEndian::read_u16(&e[mc_field::TYPE]),
                addr: &addr[..alen],
            }
        })
    }
}

/// One classic BPF instruction (`struct sock_filter`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[doc(alias = "sock_filter")]
#[allow(missing_docs)]
pub struct FilterOp {
    pub code: u16,
    pub jt: u8,
    pub jf: u8,
    pub k: u32,
}

/// Size of `struct sock_filter`.
pub const FILTER_OP_LEN: usize = 8;

/// A checked classic BPF program (`PACKET_DIAG_FILTER`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Filter<'a>(&'a [u8]);

impl<'a> Filter<'a> {
    /// Validates that `payload` holds whole instructions.
    pub fn new_checked(payload: &'a [u8]) -> Result<Filter<'a>> {
        if !payload.len().is_multiple_of(FILTER_OP_LEN) {
            return Err(Error::BadAttribute);
        }
        Ok(Filter(payload))
    }

    /// How many instructions there are.
    pub fn len(&self) -> usize {
        self.0.len() / FILTER_OP_LEN
    }

    /// True for an empty program (what an unprivileged reader gets).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The instructions in order.
    pub fn iter(&self) -> impl Iterator<Item = FilterOp> + 'a {
        self.0.chunks_exact(FILTER_OP_LEN).map(|op| FilterOp {
            code: NativeEndian::read_u16(&op[0..2]),
            jt: op[2],
            jf: op[3],
            k: NativeEndian::read_u32(&op[4..8]),
        })
    }
}

/// One packet socket as plain values; attributes not sent are `None`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PacketRecord<'a> {
    /// SOCK_RAW or SOCK_DGRAM.
    pub sock_type: SockType,
    /// The ethertype, host order; [`ETH_P_ALL`] for every frame.
    pub protocol: u16,
    /// The socket's inode.
    pub inode: u32,
    /// The kernel's socket cookie.
    pub cookie: u64,
    /// `PACKET_DIAG_INFO`
    pub info: Option<Info>,
    /// `PACKET_DIAG_MCLIST`
    pub mclist: Option<McList<'a>>,
    /// `PACKET_DIAG_RX_RING`
    pub rx_ring: Option<Ring>,
    /// `PACKET_DIAG_TX_RING`
    pub tx_ring: Option<Ring>,
    /// `PACKET_DIAG_FANOUT`
    pub fanout: Option<Fanout>,
    /// `PACKET_DIAG_UID`
    pub uid: Option<u32>,
    /// `PACKET_DIAG_MEMINFO`
    pub meminfo: Option<SkMemInfo<'a>>,
    /// `PACKET_DIAG_FILTER`
    pub filter: Option<Filter<'a>>,
    /// Every attribute, decoded or not, as received.
    pub attrs: &'a [u8],
}

impl<'a> PacketRecord<'a> {
    /// Decodes the fixed part and the attributes this codec knows; an
    /// unknown attribute is skipped (it stays in `attrs`).
    pub fn parse(view: &MsgView<'a>) -> Result<PacketRecord<'a>> {
        let mut rec = PacketRecord {
            sock_type: view.sock_type(),
            protocol: view.protocol(),
            inode: view.inode(),
            cookie: view.cookie(),
            info: None,
            mclist: None,
            rx_ring: None,
            tx_ring: None,
            fanout: None,
            uid: None,
            meminfo: None,
            filter: None,
            attrs: &view.buffer[MSG_LEN..],
        };
        for a in view.attrs() {
            let a = a?;
            match a.kind() {
                attr_kind::INFO => rec.info = Some(Info::parse(&a)?),
                attr_kind::MCLIST => rec.mclist = Some(McList::new_checked(a.payload())?),
                attr_kind::RX_RING => rec.rx_ring = Some(Ring::parse(&a)?),
                attr_kind::TX_RING => rec.tx_ring = Some(Ring::parse(&a)?),
                attr_kind::FANOUT => rec.fanout = Some(Fanout::from_raw(a.u32_ne()?)),
                attr_kind::UID => rec.uid = Some(a.u32_ne()?),
                attr_kind::MEMINFO => rec.meminfo = Some(SkMemInfo::new_checked(a.payload())?),
                attr_kind::FILTER => rec.filter = Some(Filter::new_checked(a.payload())?),
                _ => {}
            }
        }
        Ok(rec)
    }

    /// Decodes one `packet_diag_msg` payload.
    pub fn parse_bytes(payload: &'a [u8]) -> Result<PacketRecord<'a>> {
        PacketRecord::parse(&MsgView::new_checked(payload)?)
    }

    /// The bound interface (0: all), from INFO.
    pub fn ifindex(&self) -> u32 {
        self.info.map_or(0, |i| i.ifindex)
    }

    /// ss's receive queue: `SK_MEMINFO_RMEM_ALLOC`, 0 without MEMINFO.
    pub fn rqueue(&self) -> u32 {
        self.meminfo
            .and_then(|m| m.get(crate::wire::sock_diag::idx::RMEM_ALLOC))
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

    fn words<const N: usize>(values: [u32; N]) -> [u8; 64] {
        let mut out = [0u8; 64];
        for (i, v) in values.iter().enumerate() {
            out[i * 4..i * 4 + 4].copy_from_slice(&v.to_ne_bytes());
        }
        out
    }

    /// A SOCK_RAW ETH_P_IP socket bound to ifindex 1, running, uid 1000,
    /// with an rx ring, fanout group 7 in cpu mode, 9 meminfo entries, one
    /// multicast entry, a 2-instruction filter and an unknown attribute.
    fn message() -> ([u8; 256], usize) {
        let mut b = [0u8; 256];
        b[0] = family::PACKET;
        b[1] = 3;
        b[2..4].copy_from_slice(&0x0800u16.to_ne_bytes());
        b[4..8].copy_from_slice(&555u32.to_ne_bytes());
        b[8..12].copy_from_slice(&0x10u32.to_ne_bytes());
        b[12..16].copy_from_slice(&0u32.to_ne_bytes());
        let mut at = MSG_LEN;
        push_attr(
            &mut b,
            &mut at,
            attr_kind::INFO,
            &words([1, 2, 0, 128, 0, info_flag::RUNNING | info_flag::AUXDATA])[..INFO_LEN],
        );
        let mut mc = [0u8; MCLIST_ENTRY_LEN];
        mc[0..4].copy_from_slice(&1u32.to_ne_bytes());
        mc[4..8].copy_from_slice(&2u32.to_ne_bytes());
        mc[8..10].copy_from_slice(&0u16.to_ne_bytes());
        mc[10..12].copy_from_slice(&6u16.to_ne_bytes());
        mc[12..18].copy_from_slice(&[0x01, 0x00, 0x5e, 0, 0, 1]);
        push_attr(&mut b, &mut at, attr_kind::MCLIST, &mc);
        push_attr(
            &mut b,
            &mut at,
            attr_kind::RX_RING,
            &words([4096, 4, 2048, 8, 60, 0, 1])[..RING_LEN],
        );
        push_attr(
            &mut b,
            &mut at,
            attr_kind::FANOUT,
            &(7u32 | (2 << 16)).to_ne_bytes(),
        );
        push_attr(&mut b, &mut at, attr_kind::UID, &1000u32.to_ne_bytes());
        push_attr(
            &mut b,
            &mut at,
            attr_kind::MEMINFO,
            &words([768, 212992, 0, 212992, 0, 0, 0, 0, 3])[..36],
        );
        let mut filter = [0u8; 16];
        filter[0..2].copy_from_slice(&0x28u16.to_ne_bytes());
        filter[4..8].copy_from_slice(&12u32.to_ne_bytes());
        filter[8..10].copy_from_slice(&0x06u16.to_ne_bytes());
        filter[12..16].copy_from_slice(&0xffffu32.to_ne_bytes());
        push_attr(&mut b, &mut at, attr_kind::FILTER, &filter);
        push_attr(&mut b, &mut at, 42, &[9]);
        (b, at)
    }

    #[test]
    fn test_parse() {
        let (b, len) = message();
        let rec = PacketRecord::parse_bytes(&b[..len]).unwrap();
        assert_eq!((rec.sock_type, rec.protocol), (SockType::Raw, 0x0800));
        assert_eq!((rec.inode, rec.cookie), (555, 0x10));
        let info = rec.info.unwrap();
        assert_eq!((info.ifindex, info.version, info.copy_thresh), (1, 2, 128));
        assert_eq!(info.flags, info_flag::RUNNING | info_flag::AUXDATA);
        assert_eq!(rec.ifindex(), 1);
        let mc = rec.mclist.unwrap();
        assert_eq!(mc.len(), 1);
        let e = mc.iter().next().unwrap();
        assert_eq!((e.ifindex, e.count, e.mr_type), (1, 2, 0));
        assert_eq!(e.addr, &[0x01, 0x00, 0x5e, 0, 0, 1]);
        let ring = rec.rx_ring.unwrap();
        assert_eq!(
            (ring.block_size, ring.frame_nr, ring.features),
            (4096, 8, 1)
        );
        assert_eq!(rec.tx_ring, None);
        let fanout = rec.fanout.unwrap();
        assert_eq!((fanout.id, fanout.mode), (7, FanoutType::Cpu));
        assert_eq!(rec.uid, Some(1000));
        assert_eq!(rec.rqueue(), 768);
        assert_eq!(rec.meminfo.unwrap().get(8), Some(3));
        let ops: [FilterOp; 2] = {
            let mut it = rec.filter.unwrap().iter();
            [it.next().unwrap(), it.next().unwrap()]
        };
        assert_eq!(
            ops,
            [
                FilterOp {
                    code: 0x28,
                    jt: 0,
                    jf: 0,
                    k: 12
                },
                FilterOp {
                    code: 0x06,
                    jt: 0,
                    jf: 0,
                    k: 0xffff
                }
            ]
        );
        let unknown = Attrs::new(rec.attrs)
            .map(Result::unwrap)
            .find(|a| a.kind() == 42)
            .unwrap();
        assert_eq!(unknown.payload(), &[9]);
        assert_eq!(FanoutType::from(99), FanoutType::Unknown(99));
    }

    #[test]
    fn test_minimal() {
        // A message without attributes: everything optional is absent.
        let mut b = [0u8; MSG_LEN];
        b[0] = family::PACKET;
        b[1] = 2;
        b[2..4].copy_from_slice(&ETH_P_ALL.to_ne_bytes());
        let rec = PacketRecord::parse_bytes(&b).unwrap();
        assert_eq!((rec.sock_type, rec.protocol), (SockType::Dgram, ETH_P_ALL));
        assert_eq!((rec.info, rec.uid, rec.meminfo), (None, None, None));
        assert_eq!((rec.ifindex(), rec.rqueue()), (0, 0));
    }

    #[test]
    fn test_malformed() {
        let (mut b, len) = message();
        b[0] = family::NETLINK;
        assert_eq!(PacketRecord::parse_bytes(&b[..len]), Err(Error::BadFamily));
        for kind in [
            attr_kind::INFO,
            attr_kind::MCLIST,
            attr_kind::RX_RING,
            attr_kind::TX_RING,
            attr_kind::FANOUT,
            attr_kind::UID,
            attr_kind::MEMINFO,
            attr_kind::FILTER,
        ] {
            let mut b = [0u8; MSG_LEN + 8];
            b[0] = family::PACKET;
            let mut at = MSG_LEN;
            push_attr(&mut b, &mut at, kind, &[1, 2, 3]);
            assert_eq!(
                PacketRecord::parse_bytes(&b[..at]),
                Err(Error::BadAttribute),
                "attribute {kind}"
            );
        }
    }

    #[test]
    fn test_truncated() {
        let (b, len) = message();
        let mut ends = [0usize; 16];
        let mut n = 0;
        ends[n] = MSG_LEN;
        n += 1;
        for a in Attrs::new(&b[MSG_LEN..len]) {
            let a = a.unwrap();
            let end = ends[n - 1] + ((a.len() + 3) & !3);
            // The last attribute may omit its padding.
            ends[n] = end;
            n += 1;
        }
        for cut in 0..=len {
            let r = PacketRecord::parse_bytes(&b[..cut]);
            // The last attribute is 5 bytes: its padding may be cut.
            let whole = ends[..n].contains(&cut) || cut >= len - 3;
            assert_eq!(r.is_ok(), whole, "prefix {cut}");
        }
    }

    #[test]
    fn test_emit() {
        let req = ReqRepr::dump(show::INFO | show::MEMINFO);
        let mut buf = [0xa5u8; 40];
        assert_eq!(emit_request(&mut buf, 2, &req), Ok(36));
        let mut want = [0xa5u8; 40];
        want[0..4].copy_from_slice(&36u32.to_ne_bytes());
        want[4..6].copy_from_slice(&20u16.to_ne_bytes());
        want[6..8].copy_from_slice(&0x301u16.to_ne_bytes());
        want[8..12].copy_from_slice(&2u32.to_ne_bytes());
        want[12..16].copy_from_slice(&0u32.to_ne_bytes());
        want[16] = family::PACKET;
        want[17] = 0;
        want[18..20].copy_from_slice(&[0, 0]);
        want[20..24].copy_from_slice(&0u32.to_ne_bytes());
        want[24..28].copy_from_slice(&0x11u32.to_ne_bytes());
        want[28..36].copy_from_slice(&[0xff; 8]);
        assert_eq!(buf, want);
        for short in 0..36 {
            assert_eq!(
                emit_request(&mut buf[..short], 2, &req),
                Err(Error::BufferTooSmall)
            );
        }
    }
}
