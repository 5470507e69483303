//! The legacy TCP request: `TCPDIAG_GETSOCK` and `struct inet_diag_req`
//! from `linux/inet_diag.h`, which `inet_diag_rcv_msg_compat()` in
//! `net/ipv4/inet_diag.c` turns into a v2 request for TCP.
//!
//! Its use today: the kernel runs the dump with family `AF_UNSPEC`, so one
//! walk of the socket tables returns IPv4 and IPv6 sockets alike, where
//! `inet_diag_req_v2` takes one walk per family. Replies are ordinary
//! `inet_diag_msg` records carrying `TCPDIAG_GETSOCK` as their type.
//! Bytecode (`INET_DIAG_REQ_BYTECODE`) may follow the 60 bytes; the
//! protocol attribute and BPF storages cannot.

use byteorder::{ByteOrder, NativeEndian};

use crate::wire::attr::Attrs;
use crate::wire::inet::{SockId, SOCKID_LEN};
use crate::wire::nlmsg::flags;
use crate::wire::sock_diag::Request;
use crate::{family, Error, Result};

/// `TCPDIAG_GETSOCK`: the request's type, and its replies'.
pub const TCPDIAG_GETSOCK: u16 = 18;

mod field {
    use crate::Field;
    pub const FAMILY: usize = 0;
    pub const SRC_LEN: usize = 1;
    pub const DST_LEN: usize = 2;
    pub const EXT: usize = 3;
    pub const ID: Field = 4..4 + super::SOCKID_LEN;
    pub const STATES: Field = ID.end..ID.end + 4;
    pub const DBS: Field = STATES.end..STATES.end + 4;
}

/// Size of `struct inet_diag_req`.
pub const REQ_LEN: usize = field::DBS.end;

/// `struct inet_diag_req`. Its `idiag_src_len`, `idiag_dst_len` and
/// `idiag_dbs`, which no kernel reads, are sent as 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[doc(alias = "inet_diag_req")]
#[doc(alias = "TCPDIAG_GETSOCK")]
pub struct ReqRepr {
    /// A dump ignores it and returns both families. An exact lookup needs
    /// `AF_INET` or `AF_INET6`. With `AF_UNSPEC` the addresses of `id`,
    /// which no dump reads, are read back as IPv6, so no byte is lost.
    pub family: u8,
    /// Bits asking for response attributes, as in `inet_diag_req_v2`.
    pub ext: u8,
    /// Bitmask of `1 << state`.
    pub states: u32,
    /// Ports (0 = any) and cookie; addresses are not filtered in dumps.
    pub id: SockId,
    /// A dump (`NLM_F_DUMP`) rather than an exact lookup.
    pub dump: bool,
}

impl ReqRepr {
    /// A dump of every TCP socket of both IP families in `states`.
    pub const fn dump(states: u32) -> ReqRepr {
        ReqRepr {
            family: family::UNSPEC,
            ext: 0,
            states,
            id: SockId::any(family::INET6),
            dump: true,
        }
    }

    /// Reads a request back from the payload of a `TCPDIAG_GETSOCK`
    /// message and its header `flags`, as a recorded or fuzzed request is
    /// checked. Request attributes must be well formed and are skipped.
    pub fn parse(payload: &[u8], flags: u16) -> Result<ReqRepr> {
        if payload.len() < REQ_LEN {
            return Err(Error::Truncated);
        }
        let family = payload[field::FAMILY];
        let id_family = match family {
            family::UNSPEC | family::INET6 => family::INET6,
            family::INET => family::INET,
            _ => return Err(Error::BadFamily),
        };
        for a in Attrs::new(&payload[REQ_LEN..]) {
            a?;
        }
        Ok(ReqRepr {
            family,
            ext: payload[field::EXT],
            states: NativeEndian::read_u32(&payload[field::STATES]),
            id: SockId::parse(&payload[field::ID], id_family)?,
            dump: flags & flags::DUMP == flags::DUMP,
        })
    }
}

impl Request for ReqRepr {
    fn msg_type(&self) -> u16 {
        TCPDIAG_GETSOCK
    }

    fn payload_len(&self) -> usize {
        REQ_LEN
    }

    fn emit_payload(&self, buf: &mut [u8]) -> Result<()> {
        let buf = buf.get_mut(..REQ_LEN).ok_or(Error::BufferTooSmall)?;
        buf[field::FAMILY] = self.family;
        buf[field::SRC_LEN] = 0;
        buf[field::DST_LEN] = 0;
        buf[field::EXT] = self.ext;
        self.id.emit(&mut buf[field::ID]);
        NativeEndian::write_u32(&mut buf[field::STATES], self.states);
        NativeEndian::write_u32(&mut buf[field::DBS], 0);
        Ok(())
    }

    fn is_dump(&self) -> bool {
        self.dump
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::net::{IpAddr, Ipv4Addr, Ipv6Addr};

    use crate::filter::bytecode::FilteredReq;
    use crate::wire::inet::{attr_kind, ext_bit, req_attr, NO_COOKIE};
    use crate::wire::nlmsg::{self, Packet};
    use crate::wire::sock_diag::emit_request;

    /// The request bytes for a dump of both families in LISTEN with
    /// `-i`'s extensions and local port 8081, laid out by hand from
    /// PROTOCOL.md.
    fn listeners_8081() -> [u8; 16 + REQ_LEN] {
        let mut b = [0u8; 16 + REQ_LEN];
        b[0..4].copy_from_slice(&76u32.to_ne_bytes());
        b[4..6].copy_from_slice(&18u16.to_ne_bytes());
        b[6..8].copy_from_slice(&0x301u16.to_ne_bytes());
        b[8..12].copy_from_slice(&9u32.to_ne_bytes());
        b[16] = 0; // AF_UNSPEC
        b[19] = 0x02 | 0x04 | 0x08;
        b[20..22].copy_from_slice(&[0x1f, 0x91]); // 8081, network order
        b[60..64].copy_from_slice(&u32::MAX.to_ne_bytes());
        b[64..68].copy_from_slice(&u32::MAX.to_ne_bytes());
        b[68..72].copy_from_slice(&(1u32 << 10).to_ne_bytes());
        b
    }

    fn listeners_8081_repr() -> ReqRepr {
        let mut req = ReqRepr::dump(1 << 10);
        req.ext =
            ext_bit(attr_kind::INFO) | ext_bit(attr_kind::VEGASINFO) | ext_bit(attr_kind::CONG);
        req.id.sport = 8081;
        req
    }

    #[test]
    fn test_emit() {
        let mut buf = [0xa5u8; 100];
        let len = emit_request(&mut buf, 9, &listeners_8081_repr()).unwrap();
        assert_eq!(len, nlmsg::HEADER_LEN + REQ_LEN);
        assert_eq!(len, 76);
        assert_eq!(&buf[..len], &listeners_8081()[..]);
        assert_eq!(&buf[len..], &[0xa5; 24][..], "nothing past the request");
        for short in 0..len {
            assert_eq!(
                emit_request(&mut buf[..short], 9, &listeners_8081_repr()),
                Err(Error::BufferTooSmall)
            );
        }
    }

    #[test]
    fn test_parse() {
        let b = listeners_8081();
        let packet = Packet::new_checked(&b[..]).unwrap();
        assert_eq!(packet.msg_type(), TCPDIAG_GETSOCK);
        let req = ReqRepr::parse(packet.payload(), packet.flags()).unwrap();
        assert_eq!(req, listeners_8081_repr());
        assert_eq!(req.family, family::UNSPEC);
        assert_eq!(req.id.cookie, NO_COOKIE);
        assert_eq!(req.id.src, IpAddr::V6(Ipv6Addr::UNSPECIFIED));
        assert!(req.dump);
        assert!(
            !ReqRepr::parse(packet.payload(), flags::REQUEST)
                .unwrap()
                .dump
        );
    }

    /// An exact lookup names its family; its addresses come back as such.
    #[test]
    fn test_parse_exact() {
        for (fam, src) in [
            (family::INET, IpAddr::V4(Ipv4Addr::new(10, 1, 2, 3))),
            (family::INET6, IpAddr::V6(Ipv6Addr::LOCALHOST)),
        ] {
            let req = ReqRepr {
                family: fam,
                ext: 0,
                states: u32::MAX,
                id: SockId {
                    sport: 22,
                    dport: 50000,
                    src,
                    dst: src,
                    ifindex: 3,
                    cookie: 0x1234_5678_9abc,
                },
                dump: false,
            };
            let mut buf = [0xa5u8; 100];
            let len = emit_request(&mut buf, 1, &req).unwrap();
            let packet = Packet::new_checked(&buf[..len]).unwrap();
            assert_eq!(packet.flags(), flags::REQUEST);
            assert_eq!(ReqRepr::parse(packet.payload(), packet.flags()), Ok(req));
        }
    }

    #[test]
    fn test_bytecode() {
        let program = [0u8, 4, 8, 0]; // one NOP
        let req = FilteredReq {
            req: listeners_8081_repr(),
            bytecode: &program,
            bpf_storages: false,
        };
        let mut buf = [0xa5u8; 100];
        let len = emit_request(&mut buf, 9, &req).unwrap();
        assert_eq!(len, 16 + REQ_LEN + 4 + program.len());
        let packet = Packet::new_checked(&buf[..len]).unwrap();
        assert_eq!(packet.msg_type(), TCPDIAG_GETSOCK);
        let at = 16 + REQ_LEN;
        assert_eq!(&buf[at..at + 2], &8u16.to_ne_bytes());
        assert_eq!(&buf[at + 2..at + 4], &req_attr::BYTECODE.to_ne_bytes());
        assert_eq!(&buf[at + 4..len], &program);
        assert_eq!(
            ReqRepr::parse(packet.payload(), packet.flags()),
            Ok(listeners_8081_repr())
        );
    }

    #[test]
    fn test_truncated() {
        let b = listeners_8081();
        for cut in 0..REQ_LEN {
            assert_eq!(ReqRepr::parse(&b[16..16 + cut], 0), Err(Error::Truncated));
        }
        // An attribute cut short after the fixed part is refused too.
        let mut long = [0u8; REQ_LEN + 4];
        long[..REQ_LEN].copy_from_slice(&b[16..]);
        long[REQ_LEN..REQ_LEN + 2].copy_from_slice(&8u16.to_ne_bytes());
        assert_eq!(ReqRepr::parse(&long, 0), Err(Error::Truncated));
    }

    #[test]
    fn test_malformed() {
        let mut b = listeners_8081();
        b[16] = family::UNIX;
        assert_eq!(ReqRepr::parse(&b[16..], 0), Err(Error::BadFamily));
    }
}
