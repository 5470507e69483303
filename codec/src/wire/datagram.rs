//! Walking one received datagram: the netlink messages it packs, each turned
//! into a typed [`Body`]. [`super::conversation`] follows a request's
//! replies over several datagrams to their end on top of this walk.

use heapless::Vec;

use crate::wire::inet::InetRecord;
use crate::wire::inet_legacy::TCPDIAG_GETSOCK;
use crate::wire::netlink_diag::NetlinkRecord;
use crate::wire::nlmsg::{self, kind, HeaderRepr, Packet};
use crate::wire::packet::PacketRecord;
use crate::wire::sock_diag::SOCK_DIAG_BY_FAMILY;
use crate::wire::unix::UnixRecord;
use crate::wire::{tipc::TipcRecord, vsock::VsockRecord, xdp::XdpRecord};
use crate::{align4, family, Result};

/// What one message carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Body<'a> {
    /// An IPv4 or IPv6 socket.
    Inet(InetRecord<'a>),
    /// A unix socket.
    Unix(UnixRecord<'a>),
    /// A netlink socket.
    Netlink(NetlinkRecord<'a>),
    /// A packet (AF_PACKET) socket.
    Packet(PacketRecord<'a>),
    /// A vsock socket.
    Vsock(VsockRecord<'a>),
    /// An AF_XDP socket.
    Xdp(XdpRecord<'a>),
    /// A TIPC socket (only from [`Messages::for_family`]).
    Tipc(TipcRecord<'a>),
    /// A diag record of a family this codec does not decode: the family
    /// byte and the raw payload.
    OtherDiag {
        /// The `*_diag_msg` family byte.
        family: u8,
        /// The whole payload after the netlink header.
        payload: &'a [u8],
    },
    /// `NLMSG_ERROR`: positive errno, 0 for an ACK.
    Error {
        /// The errno, positive.
        errno: i32,
    },
    /// `NLMSG_DONE`: the dump is over; errno 0 or the reason it failed
    /// (ENOENT: no diag module for the protocol).
    Done {
        /// The errno, positive.
        errno: i32,
    },
}

/// One decoded message with its header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Message<'a> {
    /// The netlink header (seq is the request's).
    pub header: HeaderRepr,
    /// What it carries.
    pub body: Body<'a>,
}

/// Decodes the message at the start of `buf` (already checked). `tipc`:
/// the request was AF_TIPC's, whose replies carry no family byte.
#[inline]
fn decode<'a>(packet: &Packet<&'a [u8]>, tipc: bool) -> Result<Option<Message<'a>>> {
    let header = HeaderRepr::parse(packet);
    let payload = packet.payload();
    let body = match header.msg_type {
        kind::ERROR | kind::DONE => {
            let errno = nlmsg::parse_errno(payload, header.msg_type)?;
            if header.msg_type == kind::ERROR {
                Body::Error { errno }
            } else {
                Body::Done { errno }
            }
        }
        // The kernel's placeholder for a socket its state filter rejected.
        SOCK_DIAG_BY_FAMILY if tipc && payload.is_empty() => return Ok(None),
        SOCK_DIAG_BY_FAMILY if tipc => Body::Tipc(TipcRecord::parse_bytes(payload)?),
        // The legacy TCP request's replies: inet_diag_msg records only.
        TCPDIAG_GETSOCK => Body::Inet(InetRecord::parse_bytes(payload)?),
        SOCK_DIAG_BY_FAMILY => match payload.first() {
            Some(&family::INET) | Some(&family::INET6) => {
                Body::Inet(InetRecord::parse_bytes(payload)?)
            }
            Some(&family::UNIX) => Body::Unix(UnixRecord::parse_bytes(payload)?),
            Some(&family::NETLINK) => Body::Netlink(NetlinkRecord::parse_bytes(payload)?),
            Some(&family::PACKET) => Body::Packet(PacketRecord::parse_bytes(payload)?),
            Some(&family::VSOCK) => Body::Vsock(VsockRecord::parse_bytes(payload)?),
            Some(&family::XDP) => Body::Xdp(XdpRecord::parse_bytes(payload)?),
            Some(&other) => Body::OtherDiag {
                family: other,
                payload,
            },
            None => return Err(crate::Error::Truncated),
        },
        // NOOP, OVERRUN and anything unknown carry no socket.
        _ => return Ok(None),
    };
    Ok(Some(Message { header, body }))
}

/// Iterates over the messages in one datagram, skipping types that carry no
/// socket. Yields `Err` once on the first malformed message, then stops:
/// after a bad length nothing that follows can be trusted.
#[derive(Debug, Clone)]
pub struct Messages<'a> {
    rest: &'a [u8],
    failed: bool,
    tipc: bool,
}

impl<'a> Messages<'a> {
    /// Iterates over the messages packed in `datagram`, telling each
    /// record's family by its first byte.
    pub const fn new(datagram: &'a [u8]) -> Messages<'a> {
        Messages {
            rest: datagram,
            failed: false,
            tipc: false,
        }
    }

    /// Iterates over the replies to a dump request for `family`. Only TIPC
    /// needs this: its replies start with an attribute, not a family byte,
    /// and a socket its state filter rejected comes as an empty message,
    /// which is skipped. Other families decode as with [`Messages::new`].
    pub const fn for_family(datagram: &'a [u8], family: u8) -> Messages<'a> {
        Messages {
            rest: datagram,
            failed: false,
            tipc: family == family::TIPC,
        }
    }
}

impl<'a> Iterator for Messages<'a> {
    type Item = Result<Message<'a>>;

    // Inlined into the conversation: a record is moved, not copied, on
    // its way out.
    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        while !self.failed && !self.rest.is_empty() {
            let rest: &'a [u8] = self.rest;
            let step = match Packet::new_checked(rest) {
                Ok(p) => align4(p.len() as usize).min(rest.len()),
                Err(e) => {
                    self.failed = true;
                    return Some(Err(e));
                }
            };
            let packet = Packet::new_unchecked(rest);
            self.rest = &rest[step..];
            match decode(&packet, self.tipc) {
                Ok(Some(msg)) => return Some(Ok(msg)),
                Ok(None) => continue,
                Err(e) => {
                    self.failed = true;
                    return Some(Err(e));
                }
            }
        }
        None
    }
}

/// Decodes every message of `datagram` into `out` and returns how many were
/// added. When `out` fills up, returns [`crate::Error::CapacityExceeded`]:
/// the messages that fit stay in `out` and nothing is dropped silently. To
/// go on, drain `out` and continue with
/// `Messages::new(datagram).skip(n)`, where `n` counts the messages taken
/// so far.
pub fn decode_into<'a, const N: usize>(
    datagram: &'a [u8],
    out: &mut Vec<Message<'a>, N>,
) -> Result<usize> {
    let mut added = 0;
    for msg in Messages::new(datagram) {
        out.push(msg?).map_err(|_| crate::Error::CapacityExceeded)?;
        added += 1;
    }
    Ok(added)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::inet::TcpState;
    use crate::wire::sock_diag::SockType;
    use crate::Error;

    /// Appends one netlink message to `buf` at `at`, padding to 4.
    fn push_msg(buf: &mut [u8], at: &mut usize, msg_type: u16, seq: u32, payload: &[u8]) {
        let len = 16 + payload.len();
        buf[*at..*at + 4].copy_from_slice(&(len as u32).to_ne_bytes());
        buf[*at + 4..*at + 6].copy_from_slice(&msg_type.to_ne_bytes());
        buf[*at + 6..*at + 8].copy_from_slice(&nlmsg::flags::MULTI.to_ne_bytes());
        buf[*at + 8..*at + 12].copy_from_slice(&seq.to_ne_bytes());
        buf[*at + 12..*at + 16].copy_from_slice(&777u32.to_ne_bytes());
        buf[*at + 16..*at + len].copy_from_slice(payload);
        *at += (len + 3) & !3;
    }

    fn inet_payload(state: u8, sport: u16) -> [u8; 72] {
        let mut b = [0u8; 72];
        b[0] = family::INET;
        b[1] = state;
        b[4..6].copy_from_slice(&sport.to_be_bytes());
        b
    }

    /// A datagram as the kernel packs it: two TCP records, a NOOP, a unix
    /// record, a netlink record, a packet record, a vsock record, an XDP
    /// record, one of a family this codec does not know (AF_SMC) and DONE.
    fn datagram() -> ([u8; 512], usize) {
        let mut buf = [0u8; 512];
        let mut at = 0;
        push_msg(
            &mut buf,
            &mut at,
            SOCK_DIAG_BY_FAMILY,
            5,
            &inet_payload(10, 22),
        );
        push_msg(
            &mut buf,
            &mut at,
            SOCK_DIAG_BY_FAMILY,
            5,
            &inet_payload(1, 40000),
        );
        push_msg(&mut buf, &mut at, kind::NOOP, 5, &[]);
        let mut unix = [0u8; 16];
        unix[0] = family::UNIX;
        unix[1] = 2;
        unix[2] = 7;
        push_msg(&mut buf, &mut at, SOCK_DIAG_BY_FAMILY, 5, &unix);
        let mut netlink = [0u8; 28];
        netlink[0] = family::NETLINK;
        netlink[1] = 3;
        netlink[4..8].copy_from_slice(&4242u32.to_ne_bytes());
        push_msg(&mut buf, &mut at, SOCK_DIAG_BY_FAMILY, 5, &netlink);
        let mut packet = [0u8; 16];
        packet[0] = family::PACKET;
        packet[1] = 3;
        packet[2..4].copy_from_slice(&0x88b5u16.to_ne_bytes());
        push_msg(&mut buf, &mut at, SOCK_DIAG_BY_FAMILY, 5, &packet);
        let mut vsock = [0u8; 32];
        vsock[0] = family::VSOCK;
        vsock[1] = 1;
        vsock[2] = 10;
        vsock[8..12].copy_from_slice(&1024u32.to_ne_bytes());
        push_msg(&mut buf, &mut at, SOCK_DIAG_BY_FAMILY, 5, &vsock);
        let mut xdp = [0u8; 16];
        xdp[0] = family::XDP;
        xdp[1] = 3;
        xdp[4..8].copy_from_slice(&99u32.to_ne_bytes());
        push_msg(&mut buf, &mut at, SOCK_DIAG_BY_FAMILY, 5, &xdp);
        push_msg(&mut buf, &mut at, SOCK_DIAG_BY_FAMILY, 5, &[43, 1, 0]);
        push_msg(&mut buf, &mut at, kind::DONE, 5, &0i32.to_ne_bytes());
        (buf, at)
    }

    /// A TIPC dump as net/tipc/diag.c sends it: a socket (one nest holding
    /// REF and TIPC_STATE), the empty message left for a socket the state
    /// filter rejected, another socket, DONE.
    fn tipc_datagram() -> ([u8; 128], usize) {
        let mut buf = [0u8; 128];
        let mut at = 0;
        for (port, state) in [(7u32, 10u32), (0, 0), (8, 1)] {
            if port == 0 {
                push_msg(&mut buf, &mut at, SOCK_DIAG_BY_FAMILY, 6, &[]);
                continue;
            }
            let mut nest = [0u8; 20];
            nest[0..2].copy_from_slice(&20u16.to_ne_bytes());
            nest[2..4].copy_from_slice(&2u16.to_ne_bytes());
            nest[4..6].copy_from_slice(&8u16.to_ne_bytes());
            nest[6..8].copy_from_slice(&2u16.to_ne_bytes());
            nest[8..12].copy_from_slice(&port.to_ne_bytes());
            nest[12..14].copy_from_slice(&8u16.to_ne_bytes());
            nest[14..16].copy_from_slice(&9u16.to_ne_bytes());
            nest[16..20].copy_from_slice(&state.to_ne_bytes());
            push_msg(&mut buf, &mut at, SOCK_DIAG_BY_FAMILY, 6, &nest);
        }
        push_msg(&mut buf, &mut at, kind::DONE, 6, &0i32.to_ne_bytes());
        (buf, at)
    }

    #[test]
    fn test_parse() {
        let (buf, len) = datagram();
        let mut it = Messages::new(&buf[..len]);
        let m = it.next().unwrap().unwrap();
        assert_eq!(m.header.seq, 5);
        match m.body {
            Body::Inet(r) => assert_eq!((r.state, r.id.sport), (TcpState::Listen, 22)),
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            it.next(),
            Some(Ok(Message {
                body: Body::Inet(_),
                ..
            }))
        ));
        match it.next().unwrap().unwrap().body {
            Body::Unix(u) => assert_eq!(u.state, TcpState::Close),
            other => panic!("{other:?}"),
        }
        match it.next().unwrap().unwrap().body {
            Body::Netlink(n) => assert_eq!((n.sock_type, n.portid), (SockType::Raw, 4242)),
            other => panic!("{other:?}"),
        }
        match it.next().unwrap().unwrap().body {
            Body::Packet(p) => assert_eq!((p.sock_type, p.protocol), (SockType::Raw, 0x88b5)),
            other => panic!("{other:?}"),
        }
        match it.next().unwrap().unwrap().body {
            Body::Vsock(v) => assert_eq!((v.state, v.src.port), (TcpState::Listen, 1024)),
            other => panic!("{other:?}"),
        }
        match it.next().unwrap().unwrap().body {
            Body::Xdp(x) => assert_eq!((x.sock_type, x.inode), (3, 99)),
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            it.next().unwrap().unwrap().body,
            Body::OtherDiag {
                family: 43,
                payload: [43, 1, 0]
            }
        ));
        assert!(matches!(
            it.next().unwrap().unwrap().body,
            Body::Done { errno: 0 }
        ));
        assert!(it.next().is_none());
    }

    /// The legacy TCP request's replies: both families under type 18, in
    /// the kernel's walk order; a record of another family there is an
    /// error, not a socket.
    #[test]
    fn test_legacy_replies() {
        let mut buf = [0u8; 256];
        let mut at = 0;
        let mut v6 = inet_payload(1, 443);
        v6[0] = family::INET6;
        push_msg(&mut buf, &mut at, TCPDIAG_GETSOCK, 4, &inet_payload(10, 22));
        push_msg(&mut buf, &mut at, TCPDIAG_GETSOCK, 4, &v6);
        push_msg(&mut buf, &mut at, kind::DONE, 4, &0i32.to_ne_bytes());
        let mut it = Messages::new(&buf[..at]).map(|m| m.unwrap().body);
        match (it.next(), it.next()) {
            (Some(Body::Inet(a)), Some(Body::Inet(b))) => {
                assert_eq!((a.family, a.id.sport), (family::INET, 22));
                assert_eq!((b.family, b.id.sport), (family::INET6, 443));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(it.next(), Some(Body::Done { errno: 0 }));
        let mut at = 0;
        let mut unix = [0u8; 72];
        unix[0] = family::UNIX;
        push_msg(&mut buf, &mut at, TCPDIAG_GETSOCK, 4, &unix);
        assert_eq!(
            Messages::new(&buf[..at]).next(),
            Some(Err(Error::BadFamily))
        );
        let mut at = 0;
        push_msg(&mut buf, &mut at, TCPDIAG_GETSOCK, 4, &[]);
        assert_eq!(
            Messages::new(&buf[..at]).next(),
            Some(Err(Error::Truncated))
        );
    }

    #[test]
    fn test_tipc() {
        let (buf, len) = tipc_datagram();
        let ports: [Option<u32>; 2] = {
            let mut it = Messages::for_family(&buf[..len], family::TIPC).map(|m| m.unwrap().body);
            let mut port = || match it.next() {
                Some(Body::Tipc(t)) => t.port,
                other => panic!("{other:?}"),
            };
            [port(), port()]
        };
        assert_eq!(ports, [Some(7), Some(8)]);
        let mut it = Messages::for_family(&buf[..len], family::TIPC).skip(2);
        assert_eq!(it.next().unwrap().unwrap().body, Body::Done { errno: 0 });
        assert!(it.next().is_none());
        // Walked without the hint, a TIPC reply's first byte, a byte of
        // the nest's length, passes for a family: the walker cannot tell.
        let length_byte = 20u16.to_ne_bytes()[0];
        assert!(matches!(
            Messages::new(&buf[..len]).next(),
            Some(Ok(Message {
                body: Body::OtherDiag { family, .. },
                ..
            })) if family == length_byte
        ));
        // Other families are not affected by the hint.
        let (buf, len) = datagram();
        assert!(Messages::for_family(&buf[..len], family::INET).eq(Messages::new(&buf[..len])));
        for cut in 0..len {
            let mut it = Messages::for_family(&buf[..cut], family::TIPC);
            assert!(
                it.by_ref().filter(Result::is_err).count() <= 1,
                "prefix {cut}"
            );
        }
    }

    #[test]
    fn test_error_and_done() {
        let mut buf = [0u8; 128];
        let mut at = 0;
        let mut err = [0u8; 20];
        err[0..4].copy_from_slice(&(-22i32).to_ne_bytes());
        push_msg(&mut buf, &mut at, kind::ERROR, 1, &err);
        push_msg(&mut buf, &mut at, kind::DONE, 1, &(-2i32).to_ne_bytes());
        push_msg(&mut buf, &mut at, kind::DONE, 1, &[]);
        let got: [Body; 3] = {
            let mut it = Messages::new(&buf[..at]).map(|m| m.unwrap().body);
            [it.next().unwrap(), it.next().unwrap(), it.next().unwrap()]
        };
        assert_eq!(
            got,
            [
                Body::Error { errno: 22 },
                Body::Done { errno: 2 },
                Body::Done { errno: 0 }
            ]
        );
    }

    #[test]
    fn test_truncated() {
        // Every prefix is handled without a panic, and a prefix that cuts a
        // message yields an error instead of a record.
        let (buf, len) = datagram();
        for cut in 0..=len {
            let mut ok = 0;
            let mut errs = 0;
            for m in Messages::new(&buf[..cut]) {
                match m {
                    Ok(_) => ok += 1,
                    Err(_) => errs += 1,
                }
            }
            assert!(errs <= 1, "prefix {cut}");
            if cut == len {
                assert_eq!((ok, errs), (9, 0));
            }
        }
        // A cut inside the first record is an error, not a silent skip.
        let first = Messages::new(&buf[..50]).next().unwrap();
        assert_eq!(first.unwrap_err(), Error::Truncated);
    }

    #[test]
    fn test_malformed() {
        let mut buf = [0u8; 64];
        let mut at = 0;
        push_msg(&mut buf, &mut at, kind::DONE, 1, &0i32.to_ne_bytes());
        // nlmsg_len 8: shorter than its own header; must not loop forever.
        buf[0..4].copy_from_slice(&8u32.to_ne_bytes());
        let mut it = Messages::new(&buf[..at]);
        assert_eq!(it.next(), Some(Err(Error::BadLength)));
        assert_eq!(it.next(), None);
        // A diag message with no payload at all.
        let mut at = 0;
        push_msg(&mut buf, &mut at, SOCK_DIAG_BY_FAMILY, 1, &[]);
        assert_eq!(
            Messages::new(&buf[..at]).next(),
            Some(Err(Error::Truncated))
        );
    }

    #[test]
    fn test_decode_into() {
        let (buf, len) = datagram();
        let mut out: Vec<Message, 9> = Vec::new();
        assert_eq!(decode_into(&buf[..len], &mut out), Ok(9));
        let mut small: Vec<Message, 3> = Vec::new();
        assert_eq!(
            decode_into(&buf[..len], &mut small),
            Err(Error::CapacityExceeded)
        );
        assert_eq!(
            small.len(),
            3,
            "what fit is kept; nothing is dropped silently"
        );
    }
}
