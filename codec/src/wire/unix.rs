//! UNIX domain sockets: `unix_diag_req` and `unix_diag_msg` from
//! `linux/unix_diag.h`, served by `net/unix/diag.c`.
//!
//! Everything here is host order; unix sockets have no network-order fields.

use byteorder::{ByteOrder, NativeEndian};

use crate::wire::attr::{Attr, Attrs};
use crate::wire::inet::TcpState;
use crate::wire::sock_diag::{Request, SkMemInfo, SockType};
use crate::{family, Error, Result};

/// Show flags (`UDIAG_SHOW_*`): which attributes the reply carries.
pub mod show {
    /// `UDIAG_SHOW_NAME`
    pub const NAME: u32 = 0x01;
    /// `UDIAG_SHOW_VFS`
    pub const VFS: u32 = 0x02;
    /// `UDIAG_SHOW_PEER`
    pub const PEER: u32 = 0x04;
    /// `UDIAG_SHOW_ICONS`
    pub const ICONS: u32 = 0x08;
    /// `UDIAG_SHOW_RQLEN`
    pub const RQLEN: u32 = 0x10;
    /// `UDIAG_SHOW_MEMINFO`
    pub const MEMINFO: u32 = 0x20;
    /// `UDIAG_SHOW_UID`
    pub const UID: u32 = 0x40;
}

/// Response attribute types (`UNIX_DIAG_*`). Type 0 is real.
pub mod attr_kind {
    /// `UNIX_DIAG_NAME`: the `sun_path` bytes.
    pub const NAME: u16 = 0;
    /// `UNIX_DIAG_VFS`: inode and device of a path name.
    pub const VFS: u16 = 1;
    /// `UNIX_DIAG_PEER`: the peer's inode.
    pub const PEER: u16 = 2;
    /// `UNIX_DIAG_ICONS`: inodes of pending connections.
    pub const ICONS: u16 = 3;
    /// `UNIX_DIAG_RQLEN`: receive / send queue.
    pub const RQLEN: u16 = 4;
    /// `UNIX_DIAG_MEMINFO`
    pub const MEMINFO: u16 = 5;
    /// `UNIX_DIAG_SHUTDOWN`
    pub const SHUTDOWN: u16 = 6;
    /// `UNIX_DIAG_UID`
    pub const UID: u16 = 7;
}

mod req_field {
    use crate::Field;
    pub const FAMILY: usize = 0;
    pub const PROTOCOL: usize = 1;
    pub const PAD: Field = 2..4;
    pub const STATES: Field = 4..8;
    pub const INO: Field = 8..12;
    pub const SHOW: Field = 12..16;
    pub const COOKIE_LO: Field = 16..20;
    pub const COOKIE_HI: Field = 20..24;
}

/// Size of `struct unix_diag_req`.
pub const REQ_LEN: usize = req_field::COOKIE_HI.end;

/// `struct unix_diag_req`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[doc(alias = "unix_diag_req")]
pub struct ReqRepr {
    /// Bitmask of `1 << state`.
    pub states: u32,
    /// Inode for an exact lookup; ignored in dumps.
    pub inode: u32,
    /// [`show`] flags.
    pub show: u32,
    /// Cookie for an exact lookup; `u64::MAX` for none.
    pub cookie: u64,
    /// A dump rather than an exact lookup.
    pub dump: bool,
}

impl ReqRepr {
    /// A dump of every unix socket in `states` with the `show` attributes.
    pub const fn dump(states: u32, show: u32) -> ReqRepr {
        ReqRepr {
            states,
            inode: 0,
            show,
            cookie: u64::MAX,
            dump: true,
        }
    }

    /// Reads a request back from the payload of a `SOCK_DIAG_BY_FAMILY`
    /// message and its header `flags`.
    pub fn parse(payload: &[u8], flags: u16) -> Result<ReqRepr> {
        if payload.len() < REQ_LEN {
            return Err(Error::Truncated);
        }
        if payload[req_field::FAMILY] != family::UNIX {
            return Err(Error::BadFamily);
        }
        let lo = NativeEndian::read_u32(&payload[req_field::COOKIE_LO]) as u64;
        let hi = NativeEndian::read_u32(&payload[req_field::COOKIE_HI]) as u64;
        Ok(ReqRepr {
            states: NativeEndian::read_u32(&payload[req_field::STATES]),
            inode: NativeEndian::read_u32(&payload[req_field::INO]),
            show: NativeEndian::read_u32(&payload[req_field::SHOW]),
            cookie: lo | (hi << 32),
            dump: flags & crate::wire::nlmsg::flags::DUMP == crate::wire::nlmsg::flags::DUMP,
        })
    }
}

impl Request for ReqRepr {
    fn payload_len(&self) -> usize {
        REQ_LEN
    }

    fn emit_payload(&self, buf: &mut [u8]) -> Result<()> {
        if buf.len() < REQ_LEN {
            return Err(Error::BufferTooSmall);
        }
        buf[req_field::FAMILY] = family::UNIX;
        buf[req_field::PROTOCOL] = 0;
        buf[req_field::PAD].fill(0);
        NativeEndian::write_u32(&mut buf[req_field::STATES], self.states);
        NativeEndian::write_u32(&mut buf[req_field::INO], self.inode);
        NativeEndian::write_u32(&mut buf[req_field::SHOW], self.show);
        NativeEndian::write_u32(&mut buf[req_field::COOKIE_LO], self.cookie as u32);
        NativeEndian::write_u32(&mut buf[req_field::COOKIE_HI], (self.cookie >> 32) as u32);
        Ok(())
    }

    fn is_dump(&self) -> bool {
        self.dump
    }
}

mod msg_field {
    use crate::Field;
    pub const FAMILY: usize = 0;
    pub const TYPE: usize = 1;
    pub const STATE: usize = 2;
    pub const PAD: usize = 3;
    pub const INO: Field = 4..8;
    pub const COOKIE_LO: Field = 8..12;
    pub const COOKIE_HI: Field = 12..16;
}

/// Size of `struct unix_diag_msg`; attributes follow it.
pub const MSG_LEN: usize = msg_field::COOKIE_HI.end;

/// A checked, zero-copy view of a `unix_diag_msg` and its attributes.
#[derive(Debug, Clone, Copy)]
#[doc(alias = "unix_diag_msg")]
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
        if self.buffer[msg_field::FAMILY] != family::UNIX {
            return Err(Error::BadFamily);
        }
        Ok(())
    }

    /// Gives the buffer back.
    pub fn into_inner(self) -> &'a [u8] {
        self.buffer
    }
    /// `udiag_type`
    pub fn sock_type(&self) -> SockType {
        SockType::from(self.buffer[msg_field::TYPE])
    }
    /// `udiag_state`
    pub fn state(&self) -> TcpState {
        TcpState::from(self.buffer[msg_field::STATE])
    }
    /// `udiag_ino`
    pub fn inode(&self) -> u32 {
        NativeEndian::read_u32(&self.buffer[msg_field::INO])
    }
    /// `udiag_cookie`, low word first.
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

/// A unix socket's address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UnixName<'a> {
    /// No name: unbound, or a socketpair end.
    Unnamed,
    /// A filesystem path, without its trailing NUL.
    Path(&'a [u8]),
    /// An abstract name: the bytes after the leading NUL (may hold NULs).
    Abstract(&'a [u8]),
}

impl<'a> UnixName<'a> {
    fn parse(sun_path: &'a [u8]) -> UnixName<'a> {
        match sun_path.split_first() {
            None => UnixName::Unnamed,
            Some((0, rest)) => UnixName::Abstract(rest),
            // A path is a C string: it ends at the first NUL.
            Some(_) => {
                let end = sun_path
                    .iter()
                    .position(|&b| b == 0)
                    .unwrap_or(sun_path.len());
                UnixName::Path(&sun_path[..end])
            }
        }
    }
}

/// One unix socket as plain values; attributes not requested are `None`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnixRecord<'a> {
    /// Stream, datagram or seqpacket.
    pub sock_type: SockType,
    /// LISTEN, ESTABLISHED, CLOSE (unconnected) or SYN_SENT.
    pub state: TcpState,
    /// The socket's inode.
    pub inode: u32,
    /// The kernel's socket cookie.
    pub cookie: u64,
    /// `UNIX_DIAG_NAME` (Unnamed when absent or empty).
    pub name: UnixName<'a>,
    /// `UNIX_DIAG_VFS`: (inode, device) of the bound file.
    pub vfs: Option<(u32, u32)>,
    /// `UNIX_DIAG_PEER`: the peer's inode.
    pub peer: Option<u32>,
    /// `UNIX_DIAG_RQLEN`: (receive queue, send queue); for a listener
    /// (pending connections, backlog limit).
    pub rqlen: Option<(u32, u32)>,
    /// `UNIX_DIAG_ICONS`: inodes of connections waiting on a listener.
    pub icons: Option<Inodes<'a>>,
    /// `UNIX_DIAG_MEMINFO`: the `SK_MEMINFO` array, any length.
    pub meminfo: Option<SkMemInfo<'a>>,
    /// `UNIX_DIAG_SHUTDOWN`
    pub shutdown: Option<u8>,
    /// `UNIX_DIAG_UID`
    pub uid: Option<u32>,
    /// Every attribute, decoded or not, as received.
    pub attrs: &'a [u8],
}

/// A checked run of host-order `u32` inodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Inodes<'a>(&'a [u8]);

impl<'a> Inodes<'a> {
    /// Validates that `bytes` holds whole `u32`s.
    pub fn new_checked(bytes: &'a [u8]) -> Result<Inodes<'a>> {
        if !bytes.len().is_multiple_of(4) {
            return Err(Error::BadAttribute);
        }
        Ok(Inodes(bytes))
    }

    /// How many inodes there are.
    pub fn len(&self) -> usize {
        self.0.len() / 4
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The inodes in order.
    pub fn iter(&self) -> impl Iterator<Item = u32> + 'a {
        self.0.chunks_exact(4).map(NativeEndian::read_u32)
    }
}

fn u32_pair(a: &Attr<'_>) -> Result<(u32, u32)> {
    let p = a.payload();
    if p.len() != 8 {
        return Err(Error::BadAttribute);
    }
    Ok((
        NativeEndian::read_u32(&p[0..4]),
        NativeEndian::read_u32(&p[4..8]),
    ))
}

impl<'a> UnixRecord<'a> {
    /// A record with a type, state and inode and nothing else: unnamed, no
    /// cookie, no attributes.
    pub const fn new(sock_type: SockType, state: TcpState, inode: u32) -> UnixRecord<'a> {
        UnixRecord {
            sock_type,
            state,
            inode,
            cookie: 0,
            name: UnixName::Unnamed,
            vfs: None,
            peer: None,
            rqlen: None,
            icons: None,
            meminfo: None,
            shutdown: None,
            uid: None,
            attrs: &[],
        }
    }

    /// Decodes the fixed part and the attributes this codec knows; an
    /// unknown attribute is skipped (it stays in `attrs`).
    pub fn parse(view: &MsgView<'a>) -> Result<UnixRecord<'a>> {
        let mut rec = UnixRecord {
            cookie: view.cookie(),
            attrs: &view.buffer[MSG_LEN..],
            ..UnixRecord::new(view.sock_type(), view.state(), view.inode())
        };
        for a in view.attrs() {
            let a = a?;
            match a.kind() {
                attr_kind::NAME => rec.name = UnixName::parse(a.payload()),
                attr_kind::VFS => rec.vfs = Some(u32_pair(&a)?),
                attr_kind::PEER => rec.peer = Some(a.u32_ne()?),
                attr_kind::RQLEN => rec.rqlen = Some(u32_pair(&a)?),
                attr_kind::ICONS => rec.icons = Some(Inodes::new_checked(a.payload())?),
                attr_kind::MEMINFO => rec.meminfo = Some(SkMemInfo::new_checked(a.payload())?),
                attr_kind::SHUTDOWN => rec.shutdown = Some(a.u8()?),
                attr_kind::UID => rec.uid = Some(a.u32_ne()?),
                _ => {}
            }
        }
        Ok(rec)
    }

    /// Decodes one `unix_diag_msg` payload.
    pub fn parse_bytes(payload: &'a [u8]) -> Result<UnixRecord<'a>> {
        UnixRecord::parse(&MsgView::new_checked(payload)?)
    }

    /// Bytes [`UnixRecord::emit`] writes: the fixed part and `attrs`.
    pub fn buffer_len(&self) -> usize {
        MSG_LEN.saturating_add(self.attrs.len())
    }

    /// Writes the record as a `unix_diag_msg` payload into the front of
    /// `buf` and returns its length. Attributes are copied from `attrs`; the
    /// typed attribute fields are not encoded again.
    pub fn emit(&self, buf: &mut [u8]) -> Result<usize> {
        let len = self.buffer_len();
        let buf = buf.get_mut(..len).ok_or(Error::BufferTooSmall)?;
        buf[msg_field::FAMILY] = family::UNIX;
        buf[msg_field::TYPE] = self.sock_type.raw();
        buf[msg_field::STATE] = self.state.raw();
        buf[msg_field::PAD] = 0;
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
    use crate::wire::sock_diag::emit_request;

    fn push_attr(buf: &mut [u8], at: &mut usize, kind: u16, payload: &[u8]) {
        let len = 4 + payload.len();
        buf[*at..*at + 2].copy_from_slice(&(len as u16).to_ne_bytes());
        buf[*at + 2..*at + 4].copy_from_slice(&kind.to_ne_bytes());
        buf[*at + 4..*at + len].copy_from_slice(payload);
        *at += (len + 3) & !3;
    }

    /// A stream listener on "/run/x.sock" with 2 pending of 5, UID 1000.
    fn listener() -> ([u8; 96], usize) {
        let mut b = [0u8; 96];
        b[0] = family::UNIX;
        b[1] = 1;
        b[2] = 10;
        b[4..8].copy_from_slice(&31337u32.to_ne_bytes());
        b[8..12].copy_from_slice(&9u32.to_ne_bytes());
        b[12..16].copy_from_slice(&1u32.to_ne_bytes());
        let mut at = MSG_LEN;
        push_attr(&mut b, &mut at, attr_kind::NAME, b"/run/x.sock\0");
        let mut pair = [0u8; 8];
        pair[0..4].copy_from_slice(&2u32.to_ne_bytes());
        pair[4..8].copy_from_slice(&5u32.to_ne_bytes());
        push_attr(&mut b, &mut at, attr_kind::RQLEN, &pair);
        push_attr(&mut b, &mut at, attr_kind::UID, &1000u32.to_ne_bytes());
        let mut icons = [0u8; 8];
        icons[0..4].copy_from_slice(&41u32.to_ne_bytes());
        icons[4..8].copy_from_slice(&42u32.to_ne_bytes());
        push_attr(&mut b, &mut at, attr_kind::ICONS, &icons);
        (b, at)
    }

    #[test]
    fn test_parse() {
        let (b, len) = listener();
        let rec = UnixRecord::parse_bytes(&b[..len]).unwrap();
        assert_eq!(rec.sock_type, SockType::Stream);
        assert_eq!(rec.state, TcpState::Listen);
        assert_eq!(rec.inode, 31337);
        assert_eq!(rec.cookie, (1 << 32) | 9);
        assert_eq!(rec.name, UnixName::Path(b"/run/x.sock"));
        assert_eq!(rec.rqlen, Some((2, 5)));
        assert_eq!(rec.uid, Some(1000));
        assert_eq!(rec.peer, None);
        let icons = rec.icons.unwrap();
        assert_eq!(icons.len(), 2);
        assert!(icons.iter().eq([41, 42]));
        assert_eq!(Inodes::new_checked(&[0; 5]), Err(Error::BadAttribute));
    }

    #[test]
    fn test_every_attribute() {
        // A connected stream socket: VFS, PEER, 7 meminfo entries (an older
        // kernel), SHUTDOWN, UID and a type from a future kernel.
        let mut b = [0u8; 128];
        b[0] = family::UNIX;
        b[1] = 1;
        b[2] = 1;
        b[4..8].copy_from_slice(&500u32.to_ne_bytes());
        let mut at = MSG_LEN;
        let mut vfs = [0u8; 8];
        vfs[0..4].copy_from_slice(&1234u32.to_ne_bytes());
        vfs[4..8].copy_from_slice(&((254u32 << 20) | 3).to_ne_bytes());
        push_attr(&mut b, &mut at, attr_kind::VFS, &vfs);
        push_attr(&mut b, &mut at, attr_kind::PEER, &501u32.to_ne_bytes());
        let mut mem = [0u8; 28];
        for i in 0..7u32 {
            mem[i as usize * 4..i as usize * 4 + 4].copy_from_slice(&(i + 10).to_ne_bytes());
        }
        push_attr(&mut b, &mut at, attr_kind::MEMINFO, &mem);
        push_attr(&mut b, &mut at, attr_kind::SHUTDOWN, &[2]);
        push_attr(&mut b, &mut at, attr_kind::UID, &0u32.to_ne_bytes());
        push_attr(&mut b, &mut at, 31, &[7, 7]);
        let rec = UnixRecord::parse_bytes(&b[..at]).unwrap();
        assert_eq!(rec.vfs, Some((1234, (254 << 20) | 3)));
        assert_eq!(rec.peer, Some(501));
        let mem = rec.meminfo.unwrap();
        assert_eq!((mem.len(), mem.get(0), mem.get(6)), (7, Some(10), Some(16)));
        assert_eq!(mem.get(crate::wire::sock_diag::idx::DROPS), None);
        assert_eq!((rec.shutdown, rec.uid), (Some(2), Some(0)));
        assert_eq!((rec.rqlen, rec.icons), (None, None));
        let unknown = Attrs::new(rec.attrs)
            .map(Result::unwrap)
            .find(|a| a.kind() == 31)
            .unwrap();
        assert_eq!(unknown.payload(), &[7, 7]);
        // Each known attribute with a short payload is an error value.
        for kind in [
            attr_kind::VFS,
            attr_kind::PEER,
            attr_kind::ICONS,
            attr_kind::RQLEN,
            attr_kind::MEMINFO,
            attr_kind::UID,
        ] {
            let mut b = [0u8; MSG_LEN + 8];
            b[0] = family::UNIX;
            let mut at = MSG_LEN;
            push_attr(&mut b, &mut at, kind, &[1, 2, 3]);
            assert_eq!(
                UnixRecord::parse_bytes(&b[..at]),
                Err(Error::BadAttribute),
                "attribute {kind}"
            );
        }
        let mut b = [0u8; MSG_LEN + 8];
        b[0] = family::UNIX;
        let mut at = MSG_LEN;
        push_attr(&mut b, &mut at, attr_kind::SHUTDOWN, &[]);
        assert_eq!(UnixRecord::parse_bytes(&b[..at]), Err(Error::BadAttribute));
    }

    #[test]
    fn test_names() {
        assert_eq!(UnixName::parse(b""), UnixName::Unnamed);
        assert_eq!(UnixName::parse(b"\0ab\0c"), UnixName::Abstract(b"ab\0c"));
        assert_eq!(UnixName::parse(b"/tmp/s"), UnixName::Path(b"/tmp/s"));
        assert_eq!(
            UnixName::parse(b"/tmp/s\0\0junk"),
            UnixName::Path(b"/tmp/s")
        );
    }

    #[test]
    fn test_malformed() {
        let (mut b, len) = listener();
        b[0] = family::INET;
        assert_eq!(
            UnixRecord::parse_bytes(&b[..len]).unwrap_err(),
            Error::BadFamily
        );
        let mut b = [0u8; MSG_LEN + 8];
        b[0] = family::UNIX;
        b[16..18].copy_from_slice(&6u16.to_ne_bytes());
        b[18..20].copy_from_slice(&attr_kind::PEER.to_ne_bytes());
        assert_eq!(
            UnixRecord::parse_bytes(&b).unwrap_err(),
            Error::BadAttribute
        );
    }

    #[test]
    fn test_truncated() {
        let (b, len) = listener();
        let boundaries = [MSG_LEN, 32, 44, 52];
        for cut in 0..len {
            let r = UnixRecord::parse_bytes(&b[..cut]);
            assert_eq!(r.is_ok(), boundaries.contains(&cut), "prefix {cut}");
        }
    }

    #[test]
    fn test_emit() {
        let req = ReqRepr::dump(u32::MAX, show::NAME | show::PEER | show::RQLEN);
        let mut buf = [0xa5u8; 48];
        assert_eq!(emit_request(&mut buf, 3, &req), Ok(40));
        let mut want = [0xa5u8; 48];
        want[0..4].copy_from_slice(&40u32.to_ne_bytes());
        want[4..6].copy_from_slice(&20u16.to_ne_bytes());
        want[6..8].copy_from_slice(&0x301u16.to_ne_bytes());
        want[8..12].copy_from_slice(&3u32.to_ne_bytes());
        want[12..16].copy_from_slice(&0u32.to_ne_bytes());
        want[16] = 1;
        want[17] = 0;
        want[18..20].copy_from_slice(&[0, 0]);
        want[20..24].copy_from_slice(&u32::MAX.to_ne_bytes());
        want[24..28].copy_from_slice(&0u32.to_ne_bytes());
        want[28..32].copy_from_slice(&0x15u32.to_ne_bytes());
        want[32..40].copy_from_slice(&[0xff; 8]);
        assert_eq!(buf, want);
        for short in 0..40 {
            assert_eq!(
                emit_request(&mut buf[..short], 3, &req),
                Err(Error::BufferTooSmall)
            );
        }
    }

    #[test]
    fn test_record_emit() {
        let (b, len) = listener();
        let rec = UnixRecord::parse_bytes(&b[..len]).unwrap();
        let mut out = [0xa5u8; 96];
        assert_eq!(rec.emit(&mut out), Ok(len));
        assert_eq!(&out[..len], &b[..len]);
        assert_eq!(UnixRecord::parse_bytes(&out[..len]), Ok(rec));
        for short in 0..len {
            assert_eq!(rec.emit(&mut out[..short]), Err(Error::BufferTooSmall));
        }
    }

    #[test]
    fn test_request_parse() {
        let mut req = ReqRepr::dump(0x5, show::NAME | show::UID);
        req.cookie = 0x1_0000_0002;
        let mut buf = [0xa5u8; 64];
        let len = emit_request(&mut buf, 3, &req).unwrap();
        let packet = crate::wire::nlmsg::Packet::new_checked(&buf[..len]).unwrap();
        assert_eq!(ReqRepr::parse(packet.payload(), packet.flags()), Ok(req));
        assert_eq!(
            ReqRepr::parse(&packet.payload()[..REQ_LEN - 1], packet.flags()),
            Err(Error::Truncated)
        );
        let mut bad = buf;
        bad[16] = family::INET;
        assert_eq!(
            ReqRepr::parse(&bad[16..len], packet.flags()),
            Err(Error::BadFamily)
        );
    }
}
