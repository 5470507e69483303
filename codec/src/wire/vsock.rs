//! AF_VSOCK sockets (virtual machine sockets): `vsock_diag_req` and
//! `vsock_diag_msg` from `linux/vm_sockets_diag.h`, served by
//! `net/vmw_vsock/diag.c` (module `vsock_diag`).
//!
//! Everything is host order. The kernel answers dumps only, and its replies
//! carry no attributes: the 32-byte message is the whole socket.

use byteorder::{ByteOrder, NativeEndian};

use crate::wire::attr::Attrs;
use crate::wire::inet::TcpState;
use crate::wire::sock_diag::{Request, SockType};
use crate::{family, Error, Result};

/// `VMADDR_CID_ANY` / `VMADDR_PORT_ANY`: an unbound CID or port, which ss
/// prints as `*`.
pub const ANY: u32 = u32::MAX;

/// Well-known CIDs (`VMADDR_CID_*` in `linux/vm_sockets.h`).
pub mod cid {
    /// `VMADDR_CID_HYPERVISOR`
    pub const HYPERVISOR: u32 = 0;
    /// `VMADDR_CID_LOCAL`: the loopback transport (`vsock_loopback`).
    pub const LOCAL: u32 = 1;
    /// `VMADDR_CID_HOST`
    pub const HOST: u32 = 2;
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

/// Size of `struct vsock_diag_req`.
pub const REQ_LEN: usize = req_field::COOKIE_HI.end;

/// `struct vsock_diag_req`: always a dump of the sockets in `states`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[doc(alias = "vsock_diag_req")]
pub struct ReqRepr {
    /// Bitmask of `1 << state` (TCP state numbers).
    pub states: u32,
}

impl ReqRepr {
    /// A dump of every vsock socket in `states`.
    pub const fn dump(states: u32) -> ReqRepr {
        ReqRepr { states }
    }

    /// Reads a request back from the payload of a `SOCK_DIAG_BY_FAMILY`
    /// message: the view a recorded or fuzzed request is checked through.
    pub fn parse(payload: &[u8]) -> Result<ReqRepr> {
        let payload = payload.get(..REQ_LEN).ok_or(Error::Truncated)?;
        if payload[req_field::FAMILY] != family::VSOCK {
            return Err(Error::BadFamily);
        }
        Ok(ReqRepr {
            states: NativeEndian::read_u32(&payload[req_field::STATES]),
        })
    }
}

impl Request for ReqRepr {
    fn payload_len(&self) -> usize {
        REQ_LEN
    }

    fn emit_payload(&self, buf: &mut [u8]) -> Result<()> {
        let buf = buf.get_mut(..REQ_LEN).ok_or(Error::BufferTooSmall)?;
        buf[req_field::FAMILY] = family::VSOCK;
        buf[req_field::PROTOCOL] = 0;
        buf[req_field::PAD].fill(0);
        NativeEndian::write_u32(&mut buf[req_field::STATES], self.states);
        // The header reserves inode and show ("must be 0"); the kernel
        // ignores the cookie, which says "none" as in the other families.
        NativeEndian::write_u32(&mut buf[req_field::INO], 0);
        NativeEndian::write_u32(&mut buf[req_field::SHOW], 0);
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
    pub const STATE: usize = 2;
    pub const SHUTDOWN: usize = 3;
    pub const SRC_CID: Field = 4..8;
    pub const SRC_PORT: Field = 8..12;
    pub const DST_CID: Field = 12..16;
    pub const DST_PORT: Field = 16..20;
    pub const INO: Field = 20..24;
    pub const COOKIE_LO: Field = 24..28;
    pub const COOKIE_HI: Field = 28..32;
}

/// Size of `struct vsock_diag_msg`.
pub const MSG_LEN: usize = msg_field::COOKIE_HI.end;

/// A checked, zero-copy view of a `vsock_diag_msg`.
#[derive(Debug, Clone, Copy)]
#[doc(alias = "vsock_diag_msg")]
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

    /// The fixed part must fit and name AF_VSOCK.
    pub fn check_len(&self) -> Result<()> {
        if self.buffer.len() < MSG_LEN {
            return Err(Error::Truncated);
        }
        if self.buffer[msg_field::FAMILY] != family::VSOCK {
            return Err(Error::BadFamily);
        }
        Ok(())
    }

    /// The payload the view wraps.
    pub fn into_inner(self) -> &'a [u8] {
        self.buffer
    }

    /// `vdiag_type`: SOCK_STREAM, SOCK_DGRAM or SOCK_SEQPACKET.
    pub fn sock_type(&self) -> SockType {
        SockType::from(self.buffer[msg_field::TYPE])
    }
    /// `vdiag_state`: a TCP state number.
    pub fn state(&self) -> TcpState {
        TcpState::from(self.buffer[msg_field::STATE])
    }
    /// `vdiag_shutdown`: bit 0 receive, bit 1 send.
    pub fn shutdown(&self) -> u8 {
        self.buffer[msg_field::SHUTDOWN]
    }
    /// `vdiag_src_cid`
    pub fn src_cid(&self) -> u32 {
        NativeEndian::read_u32(&self.buffer[msg_field::SRC_CID])
    }
    /// `vdiag_src_port`
    pub fn src_port(&self) -> u32 {
        NativeEndian::read_u32(&self.buffer[msg_field::SRC_PORT])
    }
    /// `vdiag_dst_cid`
    pub fn dst_cid(&self) -> u32 {
        NativeEndian::read_u32(&self.buffer[msg_field::DST_CID])
    }
    /// `vdiag_dst_port`
    pub fn dst_port(&self) -> u32 {
        NativeEndian::read_u32(&self.buffer[msg_field::DST_PORT])
    }
    /// `vdiag_ino`
    pub fn inode(&self) -> u32 {
        NativeEndian::read_u32(&self.buffer[msg_field::INO])
    }
    /// `vdiag_cookie`, low word first.
    pub fn cookie(&self) -> u64 {
        let lo = NativeEndian::read_u32(&self.buffer[msg_field::COOKIE_LO]) as u64;
        let hi = NativeEndian::read_u32(&self.buffer[msg_field::COOKIE_HI]) as u64;
        lo | (hi << 32)
    }
    /// Whatever follows the fixed part: nothing from any kernel so far.
    pub fn attrs(&self) -> Attrs<'a> {
        Attrs::new(&self.buffer[MSG_LEN..])
    }
}

/// One end of a vsock connection: context id and port, [`ANY`] for either
/// when unbound.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct VsockAddr {
    /// The context id (`svm_cid`).
    pub cid: u32,
    /// The port (`svm_port`).
    pub port: u32,
}

/// One vsock socket as plain values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VsockRecord<'a> {
    /// Stream, datagram or seqpacket.
    pub sock_type: SockType,
    /// CLOSE (unbound or unconnected), LISTEN, SYN_SENT, ESTABLISHED or
    /// CLOSING.
    pub state: TcpState,
    /// `sk_shutdown`: bit 0 receive, bit 1 send.
    pub shutdown: u8,
    /// The local end.
    pub src: VsockAddr,
    /// The remote end.
    pub dst: VsockAddr,
    /// The socket's inode.
    pub inode: u32,
    /// The kernel's socket cookie.
    pub cookie: u64,
    /// Bytes after the fixed part, kept as received (none so far).
    pub attrs: &'a [u8],
}

impl<'a> VsockRecord<'a> {
    /// Reads a checked message; trailing bytes must be well-formed
    /// attributes, which are kept in `attrs` undecoded.
    pub fn parse(view: &MsgView<'a>) -> Result<VsockRecord<'a>> {
        for a in view.attrs() {
            a?;
        }
        Ok(VsockRecord {
            sock_type: view.sock_type(),
            state: view.state(),
            shutdown: view.shutdown(),
            src: VsockAddr {
                cid: view.src_cid(),
                port: view.src_port(),
            },
            dst: VsockAddr {
                cid: view.dst_cid(),
                port: view.dst_port(),
            },
            inode: view.inode(),
            cookie: view.cookie(),
            attrs: &view.buffer[MSG_LEN..],
        })
    }

    /// Decodes one `vsock_diag_msg` payload.
    pub fn parse_bytes(payload: &'a [u8]) -> Result<VsockRecord<'a>> {
        VsockRecord::parse(&MsgView::new_checked(payload)?)
    }

    /// Bytes [`VsockRecord::emit`] writes.
    pub fn buffer_len(&self) -> usize {
        MSG_LEN.saturating_add(self.attrs.len())
    }

    /// Writes the record as a `vsock_diag_msg` payload into the front of
    /// `buf` and returns its length.
    pub fn emit(&self, buf: &mut [u8]) -> Result<usize> {
        let len = self.buffer_len();
        let buf = buf.get_mut(..len).ok_or(Error::BufferTooSmall)?;
        buf[msg_field::FAMILY] = family::VSOCK;
        buf[msg_field::TYPE] = self.sock_type.raw();
        buf[msg_field::STATE] = self.state.raw();
        buf[msg_field::SHUTDOWN] = self.shutdown;
        NativeEndian::write_u32(&mut buf[msg_field::SRC_CID], self.src.cid);
        NativeEndian::write_u32(&mut buf[msg_field::SRC_PORT], self.src.port);
        NativeEndian::write_u32(&mut buf[msg_field::DST_CID], self.dst.cid);
        NativeEndian::write_u32(&mut buf[msg_field::DST_PORT], self.dst.port);
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

    /// What `sk_diag_fill()` in net/vmw_vsock/diag.c writes for the
    /// accepted end of a loopback stream connection: local 1:1234, peer
    /// 1:5678, send side shut down, inode 4242, cookie 0x1_0000_0007. Built
    /// field by field from `struct vsock_diag_msg` with host-order words.
    fn message() -> [u8; MSG_LEN] {
        let mut b = [0xa5u8; MSG_LEN];
        b[0] = family::VSOCK;
        b[1] = 1; // SOCK_STREAM
        b[2] = 1; // TCP_ESTABLISHED
        b[3] = 2; // SEND_SHUTDOWN
        b[4..8].copy_from_slice(&cid::LOCAL.to_ne_bytes());
        b[8..12].copy_from_slice(&1234u32.to_ne_bytes());
        b[12..16].copy_from_slice(&cid::LOCAL.to_ne_bytes());
        b[16..20].copy_from_slice(&5678u32.to_ne_bytes());
        b[20..24].copy_from_slice(&4242u32.to_ne_bytes());
        b[24..28].copy_from_slice(&7u32.to_ne_bytes());
        b[28..32].copy_from_slice(&1u32.to_ne_bytes());
        b
    }

    #[test]
    fn test_parse() {
        let b = message();
        let view = MsgView::new_checked(&b[..]).unwrap();
        assert_eq!((view.src_cid(), view.src_port()), (1, 1234));
        assert_eq!((view.dst_cid(), view.dst_port()), (1, 5678));
        let rec = VsockRecord::parse(&view).unwrap();
        assert_eq!(rec.sock_type, SockType::Stream);
        assert_eq!(rec.state, TcpState::Established);
        assert_eq!(rec.shutdown, 2);
        assert_eq!(rec.src, VsockAddr { cid: 1, port: 1234 });
        assert_eq!(rec.dst, VsockAddr { cid: 1, port: 5678 });
        assert_eq!((rec.inode, rec.cookie), (4242, 0x1_0000_0007));
        assert!(rec.attrs.is_empty());
    }

    #[test]
    fn test_listener() {
        // A listener bound to any CID: the peer is all ones, as ss's `*:*`.
        let mut b = message();
        b[1] = 5; // SOCK_SEQPACKET
        b[2] = 10; // TCP_LISTEN
        b[3] = 0;
        b[4..8].copy_from_slice(&ANY.to_ne_bytes());
        b[12..20].copy_from_slice(&[0xff; 8]);
        let rec = VsockRecord::parse_bytes(&b).unwrap();
        assert_eq!(
            (rec.sock_type, rec.state),
            (SockType::SeqPacket, TcpState::Listen)
        );
        assert_eq!(
            rec.src,
            VsockAddr {
                cid: ANY,
                port: 1234
            }
        );
        assert_eq!(
            rec.dst,
            VsockAddr {
                cid: ANY,
                port: ANY
            }
        );
    }

    #[test]
    fn test_unknown_values() {
        let mut b = message();
        b[1] = 9;
        b[2] = 99;
        let rec = VsockRecord::parse_bytes(&b).unwrap();
        assert_eq!(rec.sock_type, SockType::Unknown(9));
        assert_eq!(rec.state, TcpState::Unknown(99));
        // A future attribute is kept, not decoded.
        let mut longer = [0u8; MSG_LEN + 8];
        longer[..MSG_LEN].copy_from_slice(&message());
        longer[MSG_LEN..MSG_LEN + 2].copy_from_slice(&8u16.to_ne_bytes());
        longer[MSG_LEN + 2..MSG_LEN + 4].copy_from_slice(&1u16.to_ne_bytes());
        let rec = VsockRecord::parse_bytes(&longer).unwrap();
        assert_eq!(rec.attrs.len(), 8);
    }

    #[test]
    fn test_malformed() {
        let mut b = message();
        b[0] = family::UNIX;
        assert_eq!(VsockRecord::parse_bytes(&b), Err(Error::BadFamily));
        // Trailing bytes that are no attribute.
        let mut longer = [0u8; MSG_LEN + 4];
        longer[..MSG_LEN].copy_from_slice(&message());
        longer[MSG_LEN..MSG_LEN + 2].copy_from_slice(&2u16.to_ne_bytes());
        assert_eq!(VsockRecord::parse_bytes(&longer), Err(Error::BadLength));
    }

    #[test]
    fn test_truncated() {
        let b = message();
        for cut in 0..MSG_LEN {
            assert_eq!(
                VsockRecord::parse_bytes(&b[..cut]),
                Err(Error::Truncated),
                "prefix {cut}"
            );
        }
        assert!(VsockRecord::parse_bytes(&b).is_ok());
    }

    #[test]
    fn test_emit() {
        let req = ReqRepr::dump(1 << 10 | 1 << 1);
        let mut buf = [0xa5u8; 48];
        assert_eq!(emit_request(&mut buf, 9, &req), Ok(40));
        let mut want = [0xa5u8; 48];
        want[0..4].copy_from_slice(&40u32.to_ne_bytes());
        want[4..6].copy_from_slice(&20u16.to_ne_bytes());
        want[6..8].copy_from_slice(&0x301u16.to_ne_bytes());
        want[8..12].copy_from_slice(&9u32.to_ne_bytes());
        want[12..16].copy_from_slice(&0u32.to_ne_bytes());
        want[16] = family::VSOCK;
        want[17] = 0;
        want[18..20].copy_from_slice(&[0, 0]);
        want[20..24].copy_from_slice(&0x402u32.to_ne_bytes());
        want[24..28].copy_from_slice(&0u32.to_ne_bytes());
        want[28..32].copy_from_slice(&0u32.to_ne_bytes());
        want[32..40].copy_from_slice(&[0xff; 8]);
        assert_eq!(buf, want);
        for short in 0..40 {
            assert_eq!(
                emit_request(&mut buf[..short], 9, &req),
                Err(Error::BufferTooSmall)
            );
        }
        let packet = nlmsg::Packet::new_checked(&want[..40]).unwrap();
        assert_eq!(ReqRepr::parse(packet.payload()), Ok(req));
        assert_eq!(
            ReqRepr::parse(&packet.payload()[..REQ_LEN - 1]),
            Err(Error::Truncated)
        );
        let mut bad = want;
        bad[16] = family::UNIX;
        assert_eq!(ReqRepr::parse(&bad[16..40]), Err(Error::BadFamily));
    }

    #[test]
    fn test_record_emit() {
        let b = message();
        let rec = VsockRecord::parse_bytes(&b).unwrap();
        let mut out = [0xa5u8; MSG_LEN + 4];
        assert_eq!(rec.emit(&mut out), Ok(MSG_LEN));
        assert_eq!(&out[..MSG_LEN], &b[..]);
        assert_eq!(out[MSG_LEN..], [0xa5; 4]);
        for short in 0..MSG_LEN {
            assert_eq!(rec.emit(&mut out[..short]), Err(Error::BufferTooSmall));
        }
    }
}
