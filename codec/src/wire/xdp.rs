//! AF_XDP sockets: `xdp_diag_req`, `xdp_diag_msg` and the `XDP_DIAG_*`
//! attributes from `linux/xdp_diag.h`, served by `net/xdp/xsk_diag.c`
//! (module `xsk_diag`).
//!
//! Everything is host order. The kernel answers dumps only; which
//! attributes come is chosen by the request's show flags.

use byteorder::{ByteOrder, NativeEndian};

use crate::wire::attr::{Attr, Attrs};
use crate::wire::sock_diag::{Request, SkMemInfo};
use crate::{family, Error, Field, Result};

/// Show flags (`XDP_SHOW_*`): which attributes the reply carries.
pub mod show {
    /// `XDP_SHOW_INFO`: INFO and UID.
    pub const INFO: u32 = 1 << 0;
    /// `XDP_SHOW_RING_CFG`: RX_RING and TX_RING.
    pub const RING_CFG: u32 = 1 << 1;
    /// `XDP_SHOW_UMEM`: UMEM and the fill and completion rings.
    pub const UMEM: u32 = 1 << 2;
    /// `XDP_SHOW_MEMINFO`
    pub const MEMINFO: u32 = 1 << 3;
    /// `XDP_SHOW_STATS` (Linux 5.9)
    pub const STATS: u32 = 1 << 4;
}

/// Response attribute types (`XDP_DIAG_*`).
pub mod attr_kind {
    /// `XDP_DIAG_INFO`: `struct xdp_diag_info`.
    pub const INFO: u16 = 1;
    /// `XDP_DIAG_UID`
    pub const UID: u16 = 2;
    /// `XDP_DIAG_RX_RING`: `struct xdp_diag_ring`.
    pub const RX_RING: u16 = 3;
    /// `XDP_DIAG_TX_RING`
    pub const TX_RING: u16 = 4;
    /// `XDP_DIAG_UMEM`: `struct xdp_diag_umem`.
    pub const UMEM: u16 = 5;
    /// `XDP_DIAG_UMEM_FILL_RING`
    pub const UMEM_FILL_RING: u16 = 6;
    /// `XDP_DIAG_UMEM_COMPLETION_RING`
    pub const UMEM_COMPLETION_RING: u16 = 7;
    /// `XDP_DIAG_MEMINFO`: a `SK_MEMINFO` array.
    pub const MEMINFO: u16 = 8;
    /// `XDP_DIAG_STATS`: `struct xdp_diag_stats`.
    pub const STATS: u16 = 9;
}

/// Bits of [`Umem::flags`] (`XDP_DU_F_*`).
pub mod umem_flag {
    /// `XDP_DU_F_ZEROCOPY`: the driver runs the UMEM in zero-copy mode.
    pub const ZEROCOPY: u32 = 1 << 0;
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

/// Size of `struct xdp_diag_req`.
pub const REQ_LEN: usize = req_field::COOKIE_HI.end;

/// `struct xdp_diag_req`: always a dump of every XDP socket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[doc(alias = "xdp_diag_req")]
pub struct ReqRepr {
    /// [`show`] flags.
    pub show: u32,
}

impl ReqRepr {
    /// A dump of every XDP socket with the `show` attributes.
    pub const fn dump(show: u32) -> ReqRepr {
        ReqRepr { show }
    }

    /// Reads a request back from the payload of a `SOCK_DIAG_BY_FAMILY`
    /// message.
    pub fn parse(payload: &[u8]) -> Result<ReqRepr> {
        let payload = payload.get(..REQ_LEN).ok_or(Error::Truncated)?;
        if payload[req_field::FAMILY] != family::XDP {
            return Err(Error::BadFamily);
        }
        Ok(ReqRepr {
            show: NativeEndian::read_u32(&payload[req_field::SHOW]),
        })
    }
}

impl Request for ReqRepr {
    fn payload_len(&self) -> usize {
        REQ_LEN
    }

    fn emit_payload(&self, buf: &mut [u8]) -> Result<()> {
        let buf = buf.get_mut(..REQ_LEN).ok_or(Error::BufferTooSmall)?;
        buf[req_field::FAMILY] = family::XDP;
        buf[req_field::PROTOCOL] = 0;
        buf[req_field::PAD].fill(0);
        // There is no exact lookup: inode and cookie are ignored.
        NativeEndian::write_u32(&mut buf[req_field::INO], 0);
        NativeEndian::write_u32(&mut buf[req_field::SHOW], self.show);
        NativeEndian::write_u32(&mut buf[req_field::COOKIE_LO], u32::MAX);
        NativeEndian::write_u32(&mut buf[req_field::COOKIE_HI], u32::MAX);
        Ok(())
    }

    fn is_dump(&self) -> bool {
        // Without NLM_F_DUMP the kernel answers EOPNOTSUPP.
        true
    }
}

mod msg_field {
    use crate::Field;
    pub const FAMILY: usize = 0;
    pub const TYPE: usize = 1;
    pub const PAD: Field = 2..4;
    pub const INO: Field = 4..8;
    pub const COOKIE_LO: Field = 8..12;
    pub const COOKIE_HI: Field = 12..16;
}

/// Size of `struct xdp_diag_msg`; attributes follow it.
pub const MSG_LEN: usize = msg_field::COOKIE_HI.end;

/// A checked, zero-copy view of an `xdp_diag_msg` and its attributes.
#[derive(Debug, Clone, Copy)]
#[doc(alias = "xdp_diag_msg")]
pub struct MsgView<'a> {
    buffer: &'a [u8],
}

impl<'a> MsgView<'a> {
    /// Wraps a buffer without any check; accessors may panic until
    /// [`check_len`](Self::check_len) returned `Ok`.
    pub const fn new_unchecked(buffer: &'a [u8]) -> MsgView<'a> {
        MsgView { buffer }
    }

    /// Wraps a payload and validates it, so no accessor can panic.
    pub fn new_checked(buffer: &'a [u8]) -> Result<MsgView<'a>> {
        let view = MsgView::new_unchecked(buffer);
        view.check_len()?;
        Ok(view)
    }

    /// The fixed part must fit and name AF_XDP.
    pub fn check_len(&self) -> Result<()> {
        if self.buffer.len() < MSG_LEN {
            return Err(Error::Truncated);
        }
        if self.buffer[msg_field::FAMILY] != family::XDP {
            return Err(Error::BadFamily);
        }
        Ok(())
    }

    /// The payload the view wraps.
    pub fn into_inner(self) -> &'a [u8] {
        self.buffer
    }

    /// `xdiag_type`: SOCK_RAW (3) for every XDP socket.
    pub fn sock_type(&self) -> u8 {
        self.buffer[msg_field::TYPE]
    }
    /// `xdiag_ino`
    pub fn inode(&self) -> u32 {
        NativeEndian::read_u32(&self.buffer[msg_field::INO])
    }
    /// `xdiag_cookie`, low word first.
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

/// The payload of `a` when it holds at least `len` bytes: a newer kernel
/// may grow a struct, and the fields this codec knows stay in place.
fn struct_payload<'a>(a: &Attr<'a>, len: usize) -> Result<&'a [u8]> {
    let p = a.payload();
    if p.len() < len {
        return Err(Error::BadAttribute);
    }
    Ok(p)
}

fn u32_at(p: &[u8], f: Field) -> u32 {
    NativeEndian::read_u32(&p[f])
}

fn u64_at(p: &[u8], f: Field) -> u64 {
    NativeEndian::read_u64(&p[f])
}

mod info_field {
    use crate::Field;
    pub const IFINDEX: Field = 0..4;
    pub const QUEUE_ID: Field = 4..8;
}

/// Size of `struct xdp_diag_info`.
pub const INFO_LEN: usize = info_field::QUEUE_ID.end;

/// `struct xdp_diag_info`: where the socket is bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[doc(alias = "xdp_diag_info")]
pub struct Info {
    /// The interface, 0 when the device is gone.
    pub ifindex: u32,
    /// The receive queue of that interface.
    pub queue_id: u32,
}

impl Info {
    fn parse(a: &Attr<'_>) -> Result<Info> {
        let p = struct_payload(a, INFO_LEN)?;
        Ok(Info {
            ifindex: u32_at(p, info_field::IFINDEX),
            queue_id: u32_at(p, info_field::QUEUE_ID),
        })
    }
}

mod ring_field {
    use crate::Field;
    pub const ENTRIES: Field = 0..4;
}

/// Size of `struct xdp_diag_ring`.
pub const RING_LEN: usize = ring_field::ENTRIES.end;

/// `struct xdp_diag_ring`: a descriptor ring's size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[doc(alias = "xdp_diag_ring")]
pub struct Ring {
    /// Number of descriptors.
    pub entries: u32,
}

impl Ring {
    fn parse(a: &Attr<'_>) -> Result<Ring> {
        let p = struct_payload(a, RING_LEN)?;
        Ok(Ring {
            entries: u32_at(p, ring_field::ENTRIES),
        })
    }
}

mod umem_field {
    use crate::Field;
    pub const SIZE: Field = 0..8;
    pub const ID: Field = 8..12;
    pub const NUM_PAGES: Field = 12..16;
    pub const CHUNK_SIZE: Field = 16..20;
    pub const HEADROOM: Field = 20..24;
    pub const IFINDEX: Field = 24..28;
    pub const QUEUE_ID: Field = 28..32;
    pub const FLAGS: Field = 32..36;
    pub const REFS: Field = 36..40;
}

/// Size of `struct xdp_diag_umem`.
pub const UMEM_LEN: usize = umem_field::REFS.end;

/// `struct xdp_diag_umem`: the packet buffer area the socket uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[doc(alias = "xdp_diag_umem")]
pub struct Umem {
    /// Bytes in the area.
    pub size: u64,
    /// The kernel's UMEM id (shared UMEMs share it).
    pub id: u32,
    /// Pages pinned for it.
    pub num_pages: u32,
    /// Bytes per frame.
    pub chunk_size: u32,
    /// Headroom reserved in each frame.
    pub headroom: u32,
    /// Interface of the buffer pool, 0 before bind.
    pub ifindex: u32,
    /// Queue of the buffer pool.
    pub queue_id: u32,
    /// [`umem_flag`] bits.
    pub flags: u32,
    /// Sockets sharing the UMEM.
    pub refs: u32,
}

impl Umem {
    fn parse(a: &Attr<'_>) -> Result<Umem> {
        let p = struct_payload(a, UMEM_LEN)?;
        Ok(Umem {
            size: u64_at(p, umem_field::SIZE),
            id: u32_at(p, umem_field::ID),
            num_pages: u32_at(p, umem_field::NUM_PAGES),
            chunk_size: u32_at(p, umem_field::CHUNK_SIZE),
            headroom: u32_at(p, umem_field::HEADROOM),
            ifindex: u32_at(p, umem_field::IFINDEX),
            queue_id: u32_at(p, umem_field::QUEUE_ID),
            flags: u32_at(p, umem_field::FLAGS),
            refs: u32_at(p, umem_field::REFS),
        })
    }

    /// True when the driver runs the UMEM in zero-copy mode.
    pub fn zero_copy(&self) -> bool {
        self.flags & umem_flag::ZEROCOPY != 0
    }
}

mod stats_field {
    use crate::Field;
    pub const RX_DROPPED: Field = 0..8;
    pub const RX_INVALID: Field = 8..16;
    pub const RX_FULL: Field = 16..24;
    pub const FILL_RING_EMPTY: Field = 24..32;
    pub const TX_INVALID: Field = 32..40;
    pub const TX_RING_EMPTY: Field = 40..48;
}

/// Size of `struct xdp_diag_stats`.
pub const STATS_LEN: usize = stats_field::TX_RING_EMPTY.end;

/// `struct xdp_diag_stats`: packet and descriptor counters, read where
/// they lie (a checked view: six `u64`s would make every decoded message
/// of every family bigger).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[doc(alias = "xdp_diag_stats")]
pub struct Stats<'a>(&'a [u8]);

impl<'a> Stats<'a> {
    /// Accepts a payload of at least [`STATS_LEN`] bytes.
    pub fn new_checked(payload: &'a [u8]) -> Result<Stats<'a>> {
        if payload.len() < STATS_LEN {
            return Err(Error::BadAttribute);
        }
        Ok(Stats(payload))
    }

    /// `n_rx_dropped`: frames dropped for lack of room.
    pub fn rx_dropped(&self) -> u64 {
        u64_at(self.0, stats_field::RX_DROPPED)
    }
    /// `n_rx_invalid`: invalid descriptors on the RX ring.
    pub fn rx_invalid(&self) -> u64 {
        u64_at(self.0, stats_field::RX_INVALID)
    }
    /// `n_rx_full`: times the RX ring was full.
    pub fn rx_full(&self) -> u64 {
        u64_at(self.0, stats_field::RX_FULL)
    }
    /// `n_fill_ring_empty`: times the fill ring was empty.
    pub fn fill_ring_empty(&self) -> u64 {
        u64_at(self.0, stats_field::FILL_RING_EMPTY)
    }
    /// `n_tx_invalid`: invalid descriptors on the TX ring.
    pub fn tx_invalid(&self) -> u64 {
        u64_at(self.0, stats_field::TX_INVALID)
    }
    /// `n_tx_ring_empty`: times the TX ring was empty.
    pub fn tx_ring_empty(&self) -> u64 {
        u64_at(self.0, stats_field::TX_RING_EMPTY)
    }
}

/// One XDP socket as plain values; attributes not sent are `None`.
///
/// Which sockets a dump lists depends on the kernel: `xsk_diag_fill()`
/// refuses unbound ones in current trees (newer kernels skip them, some
/// end the dump at the first), while the first versions listed them with
/// whatever attributes they had.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct XdpRecord<'a> {
    /// SOCK_RAW (3).
    pub sock_type: u8,
    /// The socket's inode.
    pub inode: u32,
    /// The kernel's socket cookie.
    pub cookie: u64,
    /// `XDP_DIAG_INFO`: interface and queue.
    pub info: Option<Info>,
    /// `XDP_DIAG_UID`
    pub uid: Option<u32>,
    /// `XDP_DIAG_RX_RING`
    pub rx_ring: Option<Ring>,
    /// `XDP_DIAG_TX_RING`
    pub tx_ring: Option<Ring>,
    /// `XDP_DIAG_UMEM`
    pub umem: Option<Umem>,
    /// `XDP_DIAG_UMEM_FILL_RING`
    pub fill_ring: Option<Ring>,
    /// `XDP_DIAG_UMEM_COMPLETION_RING`
    pub completion_ring: Option<Ring>,
    /// `XDP_DIAG_MEMINFO`
    pub meminfo: Option<SkMemInfo<'a>>,
    /// `XDP_DIAG_STATS`
    pub stats: Option<Stats<'a>>,
    /// Every attribute, decoded or not, as received.
    pub attrs: &'a [u8],
}

impl<'a> XdpRecord<'a> {
    /// Decodes the fixed part and the attributes this codec knows; an
    /// unknown attribute is skipped (it stays in `attrs`), a known one that
    /// is too short is an error.
    pub fn parse(view: &MsgView<'a>) -> Result<XdpRecord<'a>> {
        let mut rec = XdpRecord {
            sock_type: view.sock_type(),
            inode: view.inode(),
            cookie: view.cookie(),
            info: None,
            uid: None,
            rx_ring: None,
            tx_ring: None,
            umem: None,
            fill_ring: None,
            completion_ring: None,
            meminfo: None,
            stats: None,
            attrs: &view.buffer[MSG_LEN..],
        };
        for a in view.attrs() {
            let a = a?;
            match a.kind() {
                attr_kind::INFO => rec.info = Some(Info::parse(&a)?),
                attr_kind::UID => rec.uid = Some(a.u32_ne()?),
                attr_kind::RX_RING => rec.rx_ring = Some(Ring::parse(&a)?),
                attr_kind::TX_RING => rec.tx_ring = Some(Ring::parse(&a)?),
                attr_kind::UMEM => rec.umem = Some(Umem::parse(&a)?),
                attr_kind::UMEM_FILL_RING => rec.fill_ring = Some(Ring::parse(&a)?),
                attr_kind::UMEM_COMPLETION_RING => rec.completion_ring = Some(Ring::parse(&a)?),
                attr_kind::MEMINFO => rec.meminfo = Some(SkMemInfo::new_checked(a.payload())?),
                attr_kind::STATS => rec.stats = Some(Stats::new_checked(a.payload())?),
                _ => {}
            }
        }
        Ok(rec)
    }

    /// Decodes one `xdp_diag_msg` payload.
    pub fn parse_bytes(payload: &'a [u8]) -> Result<XdpRecord<'a>> {
        XdpRecord::parse(&MsgView::new_checked(payload)?)
    }

    /// ss's receive queue: `SK_MEMINFO_RMEM_ALLOC`, 0 without MEMINFO.
    pub fn rqueue(&self) -> u32 {
        self.meminfo
            .and_then(|m| m.get(crate::wire::sock_diag::idx::RMEM_ALLOC))
            .unwrap_or(0)
    }

    /// Bytes [`XdpRecord::emit`] writes: the fixed part and `attrs`.
    pub fn buffer_len(&self) -> usize {
        MSG_LEN.saturating_add(self.attrs.len())
    }

    /// Writes the record as an `xdp_diag_msg` payload into the front of
    /// `buf` and returns its length. Attributes are copied from `attrs`; the
    /// typed fields are not encoded again.
    pub fn emit(&self, buf: &mut [u8]) -> Result<usize> {
        let len = self.buffer_len();
        let buf = buf.get_mut(..len).ok_or(Error::BufferTooSmall)?;
        buf[msg_field::FAMILY] = family::XDP;
        buf[msg_field::TYPE] = self.sock_type;
        buf[msg_field::PAD].fill(0);
        NativeEndian::write_u32(&mut buf[msg_field::INO], self.inode);
        NativeEndian::write_u32(&mut buf[msg_field::COOKIE_LO], self.cookie as u32);
        NativeEndian::write_u32(&mut buf[msg_field::COOKIE_HI], (self.cookie >> 32) as u32);
        buf[MSG_LEN..].copy_from_slice(self.attrs);
        Ok(len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::nlmsg;
    use crate::wire::sock_diag::emit_request;

    fn push_attr(buf: &mut [u8], at: &mut usize, kind: u16, payload: &[u8]) {
        let len = 4 + payload.len();
        buf[*at..*at + 2].copy_from_slice(&(len as u16).to_ne_bytes());
        buf[*at + 2..*at + 4].copy_from_slice(&kind.to_ne_bytes());
        buf[*at + 4..*at + len].copy_from_slice(payload);
        // nla_put() zeroes the padding.
        buf[*at + len..(*at + len + 3) & !3].fill(0);
        *at += (len + 3) & !3;
    }

    fn words<const N: usize>(values: [u32; N]) -> [u8; 64] {
        let mut out = [0u8; 64];
        for (i, v) in values.iter().enumerate() {
            out[i * 4..i * 4 + 4].copy_from_slice(&v.to_ne_bytes());
        }
        out
    }

    /// What `xsk_diag_fill()` in net/xdp/xsk_diag.c sends for a bound
    /// socket when asked for everything (ss's show flags), in its order:
    /// INFO (ifindex 2, queue 0), UID 1000, RX and TX rings of 2048,
    /// UMEM (4 MiB, id 3, 1024 pages, 2048-byte chunks, zero-copy, 1 user),
    /// the fill and completion rings (4096), 9 meminfo entries, STATS; then
    /// an attribute type from a future kernel. Built field by field from the
    /// structs in linux/xdp_diag.h with host-order words.
    fn message() -> ([u8; 320], usize) {
        let mut b = [0xa5u8; 320];
        b[0] = family::XDP;
        b[1] = 3;
        b[2..4].copy_from_slice(&[0, 0]);
        b[4..8].copy_from_slice(&777u32.to_ne_bytes());
        b[8..12].copy_from_slice(&0x33u32.to_ne_bytes());
        b[12..16].copy_from_slice(&0u32.to_ne_bytes());
        let mut at = MSG_LEN;
        push_attr(&mut b, &mut at, attr_kind::INFO, &words([2, 0])[..INFO_LEN]);
        push_attr(&mut b, &mut at, attr_kind::UID, &1000u32.to_ne_bytes());
        push_attr(&mut b, &mut at, attr_kind::RX_RING, &2048u32.to_ne_bytes());
        push_attr(&mut b, &mut at, attr_kind::TX_RING, &2048u32.to_ne_bytes());
        let mut umem = [0u8; UMEM_LEN];
        umem[0..8].copy_from_slice(&(4u64 << 20).to_ne_bytes());
        umem[8..40].copy_from_slice(&words([3, 1024, 2048, 0, 2, 0, umem_flag::ZEROCOPY, 1])[..32]);
        push_attr(&mut b, &mut at, attr_kind::UMEM, &umem);
        push_attr(
            &mut b,
            &mut at,
            attr_kind::UMEM_FILL_RING,
            &4096u32.to_ne_bytes(),
        );
        push_attr(
            &mut b,
            &mut at,
            attr_kind::UMEM_COMPLETION_RING,
            &4096u32.to_ne_bytes(),
        );
        push_attr(
            &mut b,
            &mut at,
            attr_kind::MEMINFO,
            &words([0, 212992, 768, 212992, 0, 0, 0, 0, 5])[..36],
        );
        let mut stats = [0u8; STATS_LEN];
        for (i, v) in [11u64, 12, 13, 14, 15, 1 << 40].iter().enumerate() {
            stats[i * 8..i * 8 + 8].copy_from_slice(&v.to_ne_bytes());
        }
        push_attr(&mut b, &mut at, attr_kind::STATS, &stats);
        push_attr(&mut b, &mut at, 77, &[1, 2, 3]);
        (b, at)
    }

    #[test]
    fn test_parse() {
        let (b, len) = message();
        let view = MsgView::new_checked(&b[..len]).unwrap();
        assert_eq!(
            (view.sock_type(), view.inode(), view.cookie()),
            (3, 777, 0x33)
        );
        let rec = XdpRecord::parse(&view).unwrap();
        assert_eq!(
            rec.info,
            Some(Info {
                ifindex: 2,
                queue_id: 0
            })
        );
        assert_eq!(rec.uid, Some(1000));
        assert_eq!(rec.rx_ring, Some(Ring { entries: 2048 }));
        assert_eq!(rec.tx_ring, Some(Ring { entries: 2048 }));
        let umem = rec.umem.unwrap();
        assert_eq!(
            umem,
            Umem {
                size: 4 << 20,
                id: 3,
                num_pages: 1024,
                chunk_size: 2048,
                headroom: 0,
                ifindex: 2,
                queue_id: 0,
                flags: umem_flag::ZEROCOPY,
                refs: 1
            }
        );
        assert!(umem.zero_copy());
        assert_eq!(rec.fill_ring, Some(Ring { entries: 4096 }));
        assert_eq!(rec.completion_ring, Some(Ring { entries: 4096 }));
        assert_eq!(rec.meminfo.unwrap().get(8), Some(5));
        assert_eq!(rec.rqueue(), 0);
        let stats = rec.stats.unwrap();
        assert_eq!(
            (stats.rx_dropped(), stats.rx_invalid(), stats.rx_full()),
            (11, 12, 13)
        );
        assert_eq!((stats.fill_ring_empty(), stats.tx_invalid()), (14, 15));
        assert_eq!(stats.tx_ring_empty(), 1 << 40);
        let unknown = Attrs::new(rec.attrs)
            .map(Result::unwrap)
            .find(|a| a.kind() == 77)
            .unwrap();
        assert_eq!(unknown.payload(), &[1, 2, 3]);
    }

    #[test]
    fn test_minimal() {
        // Nothing asked for: the fixed part alone, every attribute absent.
        let (b, _) = message();
        let rec = XdpRecord::parse_bytes(&b[..MSG_LEN]).unwrap();
        assert_eq!(
            (rec.info, rec.uid, rec.umem, rec.stats),
            (None, None, None, None)
        );
        assert_eq!((rec.rx_ring, rec.meminfo), (None, None));
        assert_eq!(rec.rqueue(), 0);
    }

    #[test]
    fn test_larger_structs() {
        // A kernel that grew xdp_diag_info by a word: the known part holds.
        let mut b = [0u8; MSG_LEN + 16];
        b[0] = family::XDP;
        let mut at = MSG_LEN;
        push_attr(&mut b, &mut at, attr_kind::INFO, &words([5, 7, 9])[..12]);
        let rec = XdpRecord::parse_bytes(&b[..at]).unwrap();
        assert_eq!(
            rec.info,
            Some(Info {
                ifindex: 5,
                queue_id: 7
            })
        );
    }

    #[test]
    fn test_malformed() {
        let (mut b, len) = message();
        b[0] = family::PACKET;
        assert_eq!(XdpRecord::parse_bytes(&b[..len]), Err(Error::BadFamily));
        for kind in [
            attr_kind::INFO,
            attr_kind::UID,
            attr_kind::RX_RING,
            attr_kind::TX_RING,
            attr_kind::UMEM,
            attr_kind::UMEM_FILL_RING,
            attr_kind::UMEM_COMPLETION_RING,
            attr_kind::MEMINFO,
            attr_kind::STATS,
        ] {
            let mut b = [0u8; MSG_LEN + 8];
            b[0] = family::XDP;
            let mut at = MSG_LEN;
            push_attr(&mut b, &mut at, kind, &[1, 2, 3]);
            assert_eq!(
                XdpRecord::parse_bytes(&b[..at]),
                Err(Error::BadAttribute),
                "attribute {kind}"
            );
        }
    }

    #[test]
    fn test_truncated() {
        let (b, len) = message();
        let mut ends = [0usize; 16];
        let mut n = 1;
        ends[0] = MSG_LEN;
        for a in Attrs::new(&b[MSG_LEN..len]) {
            ends[n] = ends[n - 1] + ((a.unwrap().len() + 3) & !3);
            n += 1;
        }
        for cut in 0..=len {
            let r = XdpRecord::parse_bytes(&b[..cut]);
            // The last attribute is 7 bytes: its padding may be cut.
            let whole = ends[..n].contains(&cut) || cut == len - 1;
            assert_eq!(r.is_ok(), whole, "prefix {cut}: {r:?}");
        }
    }

    #[test]
    fn test_emit() {
        let req =
            ReqRepr::dump(show::INFO | show::RING_CFG | show::UMEM | show::MEMINFO | show::STATS);
        let mut buf = [0xa5u8; 40];
        assert_eq!(emit_request(&mut buf, 4, &req), Ok(36));
        let mut want = [0xa5u8; 40];
        want[0..4].copy_from_slice(&36u32.to_ne_bytes());
        want[4..6].copy_from_slice(&20u16.to_ne_bytes());
        want[6..8].copy_from_slice(&0x301u16.to_ne_bytes());
        want[8..12].copy_from_slice(&4u32.to_ne_bytes());
        want[12..16].copy_from_slice(&0u32.to_ne_bytes());
        want[16] = family::XDP;
        want[17] = 0;
        want[18..20].copy_from_slice(&[0, 0]);
        want[20..24].copy_from_slice(&0u32.to_ne_bytes());
        want[24..28].copy_from_slice(&0x1fu32.to_ne_bytes());
        want[28..36].copy_from_slice(&[0xff; 8]);
        assert_eq!(buf, want);
        for short in 0..36 {
            assert_eq!(
                emit_request(&mut buf[..short], 4, &req),
                Err(Error::BufferTooSmall)
            );
        }
        let packet = nlmsg::Packet::new_checked(&want[..36]).unwrap();
        assert_eq!(ReqRepr::parse(packet.payload()), Ok(req));
        assert_eq!(
            ReqRepr::parse(&packet.payload()[..REQ_LEN - 1]),
            Err(Error::Truncated)
        );
        let mut bad = want;
        bad[16] = family::VSOCK;
        assert_eq!(ReqRepr::parse(&bad[16..36]), Err(Error::BadFamily));
    }

    #[test]
    fn test_record_emit() {
        let (b, len) = message();
        let rec = XdpRecord::parse_bytes(&b[..len]).unwrap();
        let mut out = [0xa5u8; 320];
        assert_eq!(rec.emit(&mut out), Ok(len));
        assert_eq!(&out[..len], &b[..len]);
        assert_eq!(XdpRecord::parse_bytes(&out[..len]), Ok(rec));
        for short in 0..len {
            assert_eq!(rec.emit(&mut out[..short]), Err(Error::BufferTooSmall));
        }
    }
}
