//! An arbitrary request description, emitted (into buffers of any length)
//! and parsed back with the codec's request views: every field must come
//! back, and a short buffer must be `BufferTooSmall`, never a panic. The
//! legacy TCP request also carries an arbitrary program, kept byte for byte.
//! (Netlink and packet requests have no parser of their own yet.)
#![no_main]

use core::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use sockdiag_codec::filter::bytecode::FilteredReq;
use sockdiag_codec::wire::nlmsg::{self, Packet};
use sockdiag_codec::wire::sock_diag::{emit_request, Request};
use sockdiag_codec::wire::{inet, inet_legacy, tipc, unix, vsock, xdp};
use sockdiag_codec::{family, Error};

#[derive(Debug, Arbitrary)]
struct SockId {
    sport: u16,
    dport: u16,
    src: [u8; 16],
    dst: [u8; 16],
    ifindex: u32,
    cookie: u64,
}

#[derive(Debug, Arbitrary)]
enum Req {
    Inet {
        v6: bool,
        protocol: u32,
        ext: u8,
        raw_protocol: u8,
        states: u32,
        id: SockId,
        dump: bool,
    },
    /// The legacy TCP request; `family` 0 is AF_UNSPEC (both), 1 AF_INET,
    /// anything else AF_INET6.
    Legacy {
        family: u8,
        ext: u8,
        states: u32,
        id: SockId,
        dump: bool,
        bytecode: Vec<u8>,
    },
    Unix {
        states: u32,
        inode: u32,
        show: u32,
        cookie: u64,
        dump: bool,
    },
    Vsock {
        states: u32,
    },
    Xdp {
        show: u32,
    },
    Tipc {
        states: u32,
    },
}

#[derive(Debug, Arbitrary)]
struct Input {
    req: Req,
    seq: u32,
    buf_len: u8,
}

fn addr(v6: bool, raw: [u8; 16]) -> IpAddr {
    if v6 {
        IpAddr::V6(Ipv6Addr::from(raw))
    } else {
        IpAddr::V4(Ipv4Addr::new(raw[0], raw[1], raw[2], raw[3]))
    }
}

impl SockId {
    /// The codec's socket id, with addresses of the request's family.
    fn to_repr(&self, v6: bool) -> inet::SockId {
        inet::SockId {
            sport: self.sport,
            dport: self.dport,
            src: addr(v6, self.src),
            dst: addr(v6, self.dst),
            ifindex: self.ifindex,
            cookie: self.cookie,
        }
    }
}

/// Emits into a buffer of `buf_len` bytes and, when it fits, returns the
/// parsed header flags and payload.
fn emit<R: Request>(req: &R, seq: u32, buf: &mut [u8]) -> Option<(u16, Vec<u8>)> {
    let want = nlmsg::HEADER_LEN + req.payload_len();
    match emit_request(buf, seq, req) {
        Ok(len) => {
            assert_eq!(len, want);
            let p = Packet::new_checked(&buf[..len]).unwrap();
            assert_eq!(p.len() as usize, len);
            assert_eq!(p.msg_type(), req.msg_type());
            assert_eq!(p.seq(), seq);
            assert_eq!(p.pid(), 0);
            Some((p.flags(), p.payload().to_vec()))
        }
        Err(e) => {
            assert_eq!(e, Error::BufferTooSmall);
            assert!(buf.len() < want);
            None
        }
    }
}

fuzz_target!(|input: Input| {
    let mut buf = vec![0xa5u8; usize::from(input.buf_len)];
    match input.req {
        Req::Inet {
            v6,
            protocol,
            ext,
            raw_protocol,
            states,
            id,
            dump,
        } => {
            let req = inet::ReqRepr {
                family: if v6 { family::INET6 } else { family::INET },
                protocol,
                ext,
                raw_protocol,
                states,
                id: id.to_repr(v6),
                dump,
            };
            if let Some((flags, payload)) = emit(&req, input.seq, &mut buf) {
                assert_eq!(inet::ReqRepr::parse(&payload, flags), Ok(req));
                assert_eq!(unix::ReqRepr::parse(&payload, flags), Err(Error::BadFamily));
            }
        }
        Req::Legacy {
            family: fam,
            ext,
            states,
            id,
            dump,
            bytecode,
        } => {
            // A dump of both families reads its addresses back as IPv6.
            let (fam, v6) = match fam {
                0 => (family::UNSPEC, true),
                1 => (family::INET, false),
                _ => (family::INET6, true),
            };
            let req = inet_legacy::ReqRepr {
                family: fam,
                ext,
                states,
                id: id.to_repr(v6),
                dump,
            };
            assert_eq!(req.msg_type(), inet_legacy::TCPDIAG_GETSOCK);
            // Any bytes as the program: the request carries them as they
            // are, in one attribute.
            if bytecode.len() > usize::from(u16::MAX) - 4 {
                return;
            }
            let filtered = FilteredReq {
                req,
                bytecode: &bytecode,
                bpf_storages: false,
            };
            let mut big = vec![0xa5u8; usize::from(input.buf_len) + bytecode.len()];
            for buf in [&mut buf[..], &mut big[..]] {
                if let Some((flags, payload)) = emit(&filtered, input.seq, buf) {
                    assert_eq!(inet_legacy::ReqRepr::parse(&payload, flags), Ok(req));
                    let program = &payload[inet_legacy::REQ_LEN..];
                    if !bytecode.is_empty() {
                        assert_eq!(&program[4..4 + bytecode.len()], &bytecode[..]);
                    }
                }
            }
            if let Some((flags, payload)) = emit(&req, input.seq, &mut buf) {
                assert_eq!(inet_legacy::ReqRepr::parse(&payload, flags), Ok(req));
                assert_eq!(payload.len(), inet_legacy::REQ_LEN);
            }
        }
        Req::Unix {
            states,
            inode,
            show,
            cookie,
            dump,
        } => {
            let req = unix::ReqRepr {
                states,
                inode,
                show,
                cookie,
                dump,
            };
            if let Some((flags, payload)) = emit(&req, input.seq, &mut buf) {
                assert_eq!(unix::ReqRepr::parse(&payload, flags), Ok(req));
            }
        }
        Req::Vsock { states } => {
            let req = vsock::ReqRepr::dump(states);
            if let Some((flags, payload)) = emit(&req, input.seq, &mut buf) {
                assert_eq!(flags, nlmsg::flags::REQUEST | nlmsg::flags::DUMP);
                assert_eq!(vsock::ReqRepr::parse(&payload), Ok(req));
                assert_eq!(xdp::ReqRepr::parse(&payload), Err(Error::BadFamily));
            }
        }
        Req::Xdp { show } => {
            let req = xdp::ReqRepr::dump(show);
            if let Some((flags, payload)) = emit(&req, input.seq, &mut buf) {
                assert_eq!(flags, nlmsg::flags::REQUEST | nlmsg::flags::DUMP);
                assert_eq!(xdp::ReqRepr::parse(&payload), Ok(req));
                assert_eq!(tipc::ReqRepr::parse(&payload), Err(Error::BadFamily));
            }
        }
        Req::Tipc { states } => {
            let req = tipc::ReqRepr::dump(states);
            if let Some((flags, payload)) = emit(&req, input.seq, &mut buf) {
                assert_eq!(flags, nlmsg::flags::REQUEST | nlmsg::flags::DUMP);
                assert_eq!(tipc::ReqRepr::parse(&payload), Ok(req));
                assert_eq!(vsock::ReqRepr::parse(&payload), Err(Error::Truncated));
            }
        }
    }
});
