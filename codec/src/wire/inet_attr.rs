//! The per-socket detail attributes of an `inet_diag_msg` reply
//! (`INET_DIAG_*` types 1 to 22 in `linux/inet_diag.h`): memory, TOS,
//! congestion-control info, socket options, SCTP addresses, and the
//! protocol's own INFO structure ([`crate::wire::tcp_info`], [`crate::wire::mptcp`]).
//!
//! [`InetRecord`] decodes only what every listing needs; a caller that
//! prints details asks for [`InetRecord::details`], which walks the
//! attributes once more and checks every known one. Unknown types stay
//! reachable as (type, bytes) through [`InetDetails::unknown`].

use byteorder::{ByteOrder, NativeEndian, NetworkEndian};
use core::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use crate::wire::attr::Attrs;
use crate::wire::inet::{attr_kind, proto, InetRecord};
use crate::wire::mptcp::MptcpInfo;
use crate::wire::sock_diag::SkMemInfo;
use crate::wire::tcp_info::{Md5Sigs, TcpInfo};
use crate::wire::tls::{c_str, UlpInfo};
use crate::{family, Error, Result};

/// `struct inet_diag_meminfo` (`INET_DIAG_MEMINFO`), bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[doc(alias = "inet_diag_meminfo")]
pub struct MemInfo {
    /// `idiag_rmem`: receive queue.
    pub rmem: u32,
    /// `idiag_wmem`: send queue (`sk_wmem_queued`).
    pub wmem: u32,
    /// `idiag_fmem`: forward-allocated.
    pub fmem: u32,
    /// `idiag_tmem`: in flight (`sk_wmem_alloc`).
    pub tmem: u32,
}

/// `struct tcpvegas_info` (`INET_DIAG_VEGASINFO`), also sent by other
/// delay-based algorithms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[doc(alias = "tcpvegas_info")]
pub struct VegasInfo {
    /// `tcpv_enabled`
    pub enabled: u32,
    /// `tcpv_rttcnt`: RTT samples this round.
    pub rttcnt: u32,
    /// `tcpv_rtt`: microseconds (0x7fffffff: none).
    pub rtt: u32,
    /// `tcpv_minrtt`: microseconds.
    pub minrtt: u32,
}

/// `struct tcp_dctcp_info` (`INET_DIAG_DCTCPINFO`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[doc(alias = "tcp_dctcp_info")]
pub struct DctcpInfo {
    /// `dctcp_enabled`: 0 means DCTCP fell back (no ECN).
    pub enabled: u16,
    /// `dctcp_ce_state`
    pub ce_state: u16,
    /// `dctcp_alpha`
    pub alpha: u32,
    /// `dctcp_ab_ecn`: bytes acked with ECE.
    pub ab_ecn: u32,
    /// `dctcp_ab_tot`: bytes acked.
    pub ab_tot: u32,
}

/// `struct tcp_bbr_info` (`INET_DIAG_BBRINFO`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[doc(alias = "tcp_bbr_info")]
pub struct BbrInfo {
    /// `bbr_bw_hi << 32 | bbr_bw_lo`: bandwidth estimate, bytes/s.
    pub bw: u64,
    /// `bbr_min_rtt`, microseconds.
    pub min_rtt: u32,
    /// `bbr_pacing_gain`, fixed point (<< 8).
    pub pacing_gain: u32,
    /// `bbr_cwnd_gain`, fixed point (<< 8).
    pub cwnd_gain: u32,
}

/// `struct inet_diag_sockopt` (`INET_DIAG_SOCKOPT`, 5.10): two bytes of C
/// bitfields, kept here with bit n = the n-th field whatever the ABI.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[doc(alias = "inet_diag_sockopt")]
pub struct SockOpt(pub u16);

/// Bits of [`SockOpt`], in declaration order.
pub mod sockopt {
    /// `IP_RECVERR`
    pub const RECVERR: u16 = 1 << 0;
    /// A connection-oriented (`inet_connection_sock`) socket.
    pub const IS_ICSK: u16 = 1 << 1;
    /// `IP_FREEBIND`
    pub const FREEBIND: u16 = 1 << 2;
    /// `IP_HDRINCL`
    pub const HDRINCL: u16 = 1 << 3;
    /// `IP_MULTICAST_LOOP`
    pub const MC_LOOP: u16 = 1 << 4;
    /// `IP_TRANSPARENT`
    pub const TRANSPARENT: u16 = 1 << 5;
    /// `IP_MULTICAST_ALL`
    pub const MC_ALL: u16 = 1 << 6;
    /// `IP_NODEFRAG`
    pub const NODEFRAG: u16 = 1 << 7;
    /// `IP_BIND_ADDRESS_NO_PORT`
    pub const BIND_ADDRESS_NO_PORT: u16 = 1 << 8;
    /// `IP_RECVERR_RFC4884`
    pub const RECVERR_RFC4884: u16 = 1 << 9;
    /// `TCP_DEFER_ACCEPT` style deferred connect.
    pub const DEFER_CONNECT: u16 = 1 << 10;
    /// ss's names, in bit order.
    pub const NAMES: [&str; 11] = [
        "recverr",
        "is_icsk",
        "freebind",
        "hdrincl",
        "mc_loop",
        "transparent",
        "mc_all",
        "nodefrag",
        "bind_addr_no_port",
        "recverr_rfc4884",
        "defer_connect",
    ];
}

/// Size of `struct sockaddr_storage`, the element of SCTP address lists.
pub const SOCKADDR_STORAGE_LEN: usize = 128;

/// `INET_DIAG_LOCALS` / `INET_DIAG_PEERS` of an SCTP association: an array
/// of `sockaddr_storage`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SockAddrs<'a>(&'a [u8]);

impl<'a> SockAddrs<'a> {
    /// Accepts a whole number of `sockaddr_storage` entries.
    pub fn new_checked(bytes: &'a [u8]) -> Result<SockAddrs<'a>> {
        if bytes.is_empty() || !bytes.len().is_multiple_of(SOCKADDR_STORAGE_LEN) {
            return Err(Error::BadAttribute);
        }
        Ok(SockAddrs(bytes))
    }

    /// Each entry as (address, port); `None` for a family without one.
    pub fn iter(&self) -> impl Iterator<Item = Option<(IpAddr, u16)>> + 'a {
        self.0.chunks_exact(SOCKADDR_STORAGE_LEN).map(|s| {
            let port = NetworkEndian::read_u16(&s[2..4]);
            // ss_family is a host-order u16; sin_addr follows the port,
            // sin6_addr the port and the flow label.
            match NativeEndian::read_u16(&s[0..2]) {
                f if f == u16::from(family::INET) => Some((
                    IpAddr::V4(Ipv4Addr::from(NetworkEndian::read_u32(&s[4..8]))),
                    port,
                )),
                f if f == u16::from(family::INET6) => Some((
                    IpAddr::V6(Ipv6Addr::from(NetworkEndian::read_u128(&s[8..24]))),
                    port,
                )),
                _ => None,
            }
        })
    }
}

/// What `INET_DIAG_INFO` holds, by the protocol of the dump.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Info<'a> {
    /// `struct tcp_info`
    Tcp(TcpInfo<'a>),
    /// `struct mptcp_info`
    Mptcp(MptcpInfo<'a>),
    /// Another protocol's structure (SCTP's `sctp_info`), raw.
    Other(&'a [u8]),
}

/// Every detail attribute of one inet socket, checked. Absent attributes
/// are `None`. (SHUTDOWN, PROTOCOL, SKV6ONLY, MARK and CGROUP_ID are on
/// [`InetRecord`] itself.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct InetDetails<'a> {
    /// `INET_DIAG_MEMINFO`
    pub meminfo: Option<MemInfo>,
    /// `INET_DIAG_INFO`
    pub info: Option<Info<'a>>,
    /// `INET_DIAG_VEGASINFO`
    pub vegas: Option<VegasInfo>,
    /// `INET_DIAG_CONG`: the congestion-control name, without its NUL.
    pub cong: Option<&'a [u8]>,
    /// `INET_DIAG_TOS`
    pub tos: Option<u8>,
    /// `INET_DIAG_TCLASS`
    pub tclass: Option<u8>,
    /// `INET_DIAG_SKMEMINFO`
    pub skmem: Option<SkMemInfo<'a>>,
    /// `INET_DIAG_DCTCPINFO`
    pub dctcp: Option<DctcpInfo>,
    /// `INET_DIAG_LOCALS` (SCTP)
    pub locals: Option<SockAddrs<'a>>,
    /// `INET_DIAG_PEERS` (SCTP)
    pub peers: Option<SockAddrs<'a>>,
    /// `INET_DIAG_BBRINFO`
    pub bbr: Option<BbrInfo>,
    /// `INET_DIAG_CLASS_ID`: net_cls class id (or priority).
    pub class_id: Option<u32>,
    /// `INET_DIAG_MD5SIG`
    pub md5sig: Option<Md5Sigs<'a>>,
    /// `INET_DIAG_ULP_INFO`
    pub ulp: Option<UlpInfo<'a>>,
    /// `INET_DIAG_SK_BPF_STORAGES`: the raw nest.
    pub bpf_storages: Option<&'a [u8]>,
    /// `INET_DIAG_SOCKOPT`
    pub sockopt: Option<SockOpt>,
    attrs: &'a [u8],
}

fn u32s<const N: usize>(p: &[u8]) -> Result<[u32; N]> {
    if p.len() < 4 * N {
        return Err(Error::BadAttribute);
    }
    let mut out = [0u32; N];
    for (i, v) in out.iter_mut().enumerate() {
        *v = NativeEndian::read_u32(&p[4 * i..4 * i + 4]);
    }
    Ok(out)
}

/// Reverses each byte's bits on a big-endian ABI, where the first C
/// bitfield is the most significant bit.
fn bitfield_byte(b: u8) -> u8 {
    if cfg!(target_endian = "big") {
        b.reverse_bits()
    } else {
        b
    }
}

/// The attribute types [`InetDetails`] and [`InetRecord`] decode.
const fn is_known(kind: u16) -> bool {
    kind >= attr_kind::MEMINFO && kind <= attr_kind::SOCKOPT
}

impl<'a> InetDetails<'a> {
    /// Decodes the attribute run of a message; `protocol` (an
    /// [`proto`] number: the table that was dumped) says what INFO holds.
    /// A known attribute shorter than its structure is an error; longer
    /// fixed structures from newer kernels are read up to what is known.
    pub fn parse(attrs: &'a [u8], protocol: u32) -> Result<InetDetails<'a>> {
        let mut d = InetDetails {
            attrs,
            ..InetDetails::default()
        };
        for a in Attrs::new(attrs) {
            let a = a?;
            let p = a.payload();
            match a.kind() {
                attr_kind::MEMINFO => {
                    let [rmem, wmem, fmem, tmem] = u32s(p)?;
                    d.meminfo = Some(MemInfo {
                        rmem,
                        wmem,
                        fmem,
                        tmem,
                    });
                }
                attr_kind::INFO => {
                    d.info = Some(match protocol {
                        proto::TCP => Info::Tcp(TcpInfo::new_checked(p)?),
                        proto::MPTCP => Info::Mptcp(MptcpInfo::new_checked(p)?),
                        _ => Info::Other(p),
                    })
                }
                attr_kind::VEGASINFO => {
                    let [enabled, rttcnt, rtt, minrtt] = u32s(p)?;
                    d.vegas = Some(VegasInfo {
                        enabled,
                        rttcnt,
                        rtt,
                        minrtt,
                    });
                }
                attr_kind::CONG => d.cong = Some(c_str(p)?),
                attr_kind::TOS => d.tos = Some(a.u8()?),
                attr_kind::TCLASS => d.tclass = Some(a.u8()?),
                attr_kind::SKMEMINFO => d.skmem = Some(SkMemInfo::new_checked(p)?),
                attr_kind::DCTCPINFO => {
                    let [head, alpha, ab_ecn, ab_tot] = u32s(p)?;
                    // Two u16s share the first word: split them as stored.
                    let head = head.to_ne_bytes();
                    d.dctcp = Some(DctcpInfo {
                        enabled: NativeEndian::read_u16(&head[0..2]),
                        ce_state: NativeEndian::read_u16(&head[2..4]),
                        alpha,
                        ab_ecn,
                        ab_tot,
                    });
                }
                attr_kind::LOCALS => d.locals = Some(SockAddrs::new_checked(p)?),
                attr_kind::PEERS => d.peers = Some(SockAddrs::new_checked(p)?),
                attr_kind::BBRINFO => {
                    let [lo, hi, min_rtt, pacing_gain, cwnd_gain] = u32s(p)?;
                    d.bbr = Some(BbrInfo {
                        bw: u64::from(hi) << 32 | u64::from(lo),
                        min_rtt,
                        pacing_gain,
                        cwnd_gain,
                    });
                }
                attr_kind::CLASS_ID => d.class_id = Some(a.u32_ne()?),
                attr_kind::MD5SIG => d.md5sig = Some(Md5Sigs::new_checked(p)?),
                attr_kind::ULP_INFO => d.ulp = Some(UlpInfo::parse(p)?),
                attr_kind::SK_BPF_STORAGES => d.bpf_storages = Some(p),
                attr_kind::SOCKOPT => match p {
                    [b0, b1, ..] => {
                        d.sockopt = Some(SockOpt(
                            u16::from(bitfield_byte(*b0)) | u16::from(bitfield_byte(*b1)) << 8,
                        ))
                    }
                    _ => return Err(Error::BadAttribute),
                },
                // The fixed ones InetRecord decodes are checked there;
                // PAD carries nothing.
                _ => {}
            }
        }
        Ok(d)
    }

    /// The TCP info, when INFO held one.
    pub fn tcp_info(&self) -> Option<TcpInfo<'a>> {
        match self.info {
            Some(Info::Tcp(t)) => Some(t),
            _ => None,
        }
    }

    /// The MPTCP info, when INFO held one.
    pub fn mptcp_info(&self) -> Option<MptcpInfo<'a>> {
        match self.info {
            Some(Info::Mptcp(m)) => Some(m),
            _ => None,
        }
    }

    /// Attributes of types this codec does not know, as (type, payload).
    /// The walk was checked by `parse`, so it yields no errors.
    pub fn unknown(&self) -> impl Iterator<Item = (u16, &'a [u8])> + 'a {
        Attrs::new(self.attrs)
            .filter_map(|a| a.ok())
            .filter(|a| !is_known(a.kind()))
            .map(|a| (a.kind(), a.payload()))
    }
}

impl<'a> InetRecord<'a> {
    /// Decodes and checks every detail attribute of this record; see
    /// [`InetDetails::parse`].
    pub fn details(&self, protocol: u32) -> Result<InetDetails<'a>> {
        InetDetails::parse(self.attrs, protocol)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::wire::attr;

    /// Emits attributes into `buf`, returning the length used.
    pub(crate) fn emit_all(buf: &mut [u8], list: &[(u16, &[u8])]) -> usize {
        let mut at = 0;
        for (kind, payload) in list {
            at += attr::emit(&mut buf[at..], *kind, payload).unwrap();
        }
        at
    }

    fn words(v: &[u32]) -> [u8; 20] {
        let mut b = [0u8; 20];
        for (i, w) in v.iter().enumerate() {
            b[4 * i..4 * i + 4].copy_from_slice(&w.to_ne_bytes());
        }
        b
    }

    #[test]
    fn test_parse() {
        let mem = words(&[1, 2, 3, 4]);
        let vegas = words(&[1, 5, 700, 600]);
        let bbr = words(&[0x10, 0x1, 99, 739, 512]);
        let mut dctcp = words(&[0, 7, 8, 9]);
        dctcp[0..2].copy_from_slice(&1u16.to_ne_bytes());
        dctcp[2..4].copy_from_slice(&3u16.to_ne_bytes());
        let skmem = words(&[0, 131072, 0, 16384, 0]);
        let tcp = crate::wire::tcp_info::tests::info_6_18();
        let mut sa = [0u8; 128];
        sa[0..2].copy_from_slice(&u16::from(family::INET).to_ne_bytes());
        sa[2..4].copy_from_slice(&9u16.to_be_bytes());
        sa[4..8].copy_from_slice(&[10, 0, 0, 1]);
        let mut buf = [0xa5u8; 1024];
        let n = emit_all(
            &mut buf,
            &[
                (attr_kind::MEMINFO, &mem[..16]),
                (attr_kind::INFO, &tcp),
                (attr_kind::VEGASINFO, &vegas[..16]),
                (attr_kind::CONG, b"cubic\0"),
                (attr_kind::TOS, &[0x10]),
                (attr_kind::TCLASS, &[0x20]),
                (attr_kind::SKMEMINFO, &skmem),
                (attr_kind::SHUTDOWN, &[0]),
                (attr_kind::DCTCPINFO, &dctcp[..16]),
                (attr_kind::LOCALS, &sa),
                (attr_kind::PAD, &[]),
                (attr_kind::BBRINFO, &bbr),
                (attr_kind::CLASS_ID, &7u32.to_ne_bytes()),
                (
                    attr_kind::SOCKOPT,
                    &[
                        if cfg!(target_endian = "big") {
                            0x40
                        } else {
                            0x02
                        },
                        0,
                    ],
                ),
                (40, b"future"),
            ],
        );
        let d = InetDetails::parse(&buf[..n], proto::TCP).unwrap();
        assert_eq!(
            d.meminfo,
            Some(MemInfo {
                rmem: 1,
                wmem: 2,
                fmem: 3,
                tmem: 4
            })
        );
        assert_eq!(d.tcp_info().unwrap().snd_wnd(), Some(229));
        assert_eq!(d.vegas.unwrap().rtt, 700);
        assert_eq!(d.cong, Some(&b"cubic"[..]));
        assert_eq!(
            (d.tos, d.tclass, d.class_id),
            (Some(0x10), Some(0x20), Some(7))
        );
        assert_eq!(
            d.skmem.unwrap().get(crate::wire::sock_diag::idx::SNDBUF),
            Some(16384)
        );
        assert_eq!(
            d.skmem.unwrap().get(crate::wire::sock_diag::idx::BACKLOG),
            None
        );
        let dc = d.dctcp.unwrap();
        assert_eq!((dc.enabled, dc.ce_state, dc.alpha, dc.ab_tot), (1, 3, 7, 9));
        let b = d.bbr.unwrap();
        assert_eq!((b.bw, b.min_rtt, b.pacing_gain), (0x1_0000_0010, 99, 739));
        let local = d.locals.unwrap().iter().next().unwrap();
        assert_eq!(local, Some((IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1)), 9)));
        assert_eq!(d.sockopt, Some(SockOpt(sockopt::IS_ICSK)));
        assert_eq!(d.ulp, None);
        let mut unknown = d.unknown();
        assert_eq!(unknown.next(), Some((40, &b"future"[..])));
        assert_eq!(unknown.next(), None);
        // The same INFO in an MPTCP dump is mptcp_info, in a UDP one raw.
        let m = InetDetails::parse(&buf[..n], proto::MPTCP).unwrap();
        assert!(m.mptcp_info().is_some() && m.tcp_info().is_none());
        let o = InetDetails::parse(&buf[..n], proto::SCTP).unwrap();
        assert_eq!(o.info, Some(Info::Other(&tcp[..])));
    }

    /// Every known attribute with a payload one byte short (or empty) is
    /// an error value, never a panic.
    #[test]
    fn test_truncated() {
        let full: [(u16, usize); 19] = [
            (attr_kind::PROTOCOL, 1),
            (attr_kind::SKV6ONLY, 1),
            (attr_kind::MARK, 4),
            (attr_kind::MEMINFO, 16),
            (attr_kind::INFO, crate::wire::tcp_info::MIN_LEN),
            (attr_kind::VEGASINFO, 16),
            (attr_kind::CONG, 0),
            (attr_kind::TOS, 1),
            (attr_kind::TCLASS, 1),
            (attr_kind::SKMEMINFO, 4),
            (attr_kind::DCTCPINFO, 16),
            (attr_kind::LOCALS, 128),
            (attr_kind::PEERS, 128),
            (attr_kind::BBRINFO, 20),
            (attr_kind::CLASS_ID, 4),
            (attr_kind::MD5SIG, 100),
            (attr_kind::SOCKOPT, 2),
            (attr_kind::SHUTDOWN, 1),
            (attr_kind::CGROUP_ID, 8),
        ];
        let junk = [0x41u8; 300];
        for (kind, len) in full {
            let mut buf = [0u8; 320];
            let short = len.saturating_sub(1);
            let n = emit_all(&mut buf, &[(kind, &junk[..short])]);
            let via_details = InetDetails::parse(&buf[..n], proto::TCP);
            let mut msg = [0u8; crate::wire::inet::MSG_LEN + 320];
            msg[0] = family::INET;
            msg[crate::wire::inet::MSG_LEN..crate::wire::inet::MSG_LEN + n]
                .copy_from_slice(&buf[..n]);
            let via_record = InetRecord::parse_bytes(&msg[..crate::wire::inet::MSG_LEN + n]);
            assert!(
                via_details.is_err() || via_record.is_err(),
                "type {kind} with {short} bytes"
            );
        }
        // MPTCP's INFO too, and a ULP nest whose member is cut.
        let mut buf = [0u8; 64];
        let n = emit_all(&mut buf, &[(attr_kind::INFO, &junk[..39])]);
        assert!(InetDetails::parse(&buf[..n], proto::MPTCP).is_err());
        let n = emit_all(&mut buf, &[(attr_kind::ULP_INFO, &[8, 0, 1, 0, b't'])]);
        assert!(InetDetails::parse(&buf[..n], proto::TCP).is_err());
    }
}
