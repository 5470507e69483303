//! IPv4 and IPv6 sockets: `inet_diag_req_v2`, `inet_diag_sockid` and
//! `inet_diag_msg` from `linux/inet_diag.h`, served by `net/ipv4/inet_diag.c`
//! and the per-protocol `tcp_diag`, `udp_diag` and `raw_diag` modules.
//!
//! Netlink fields are host order; ports and addresses in the socket id are
//! network order. The cookie is two host-order `u32` words, low half first.

use core::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use byteorder::{ByteOrder, NativeEndian, NetworkEndian};

use crate::wire::attr::{self, Attrs};
use crate::wire::enum_with_unknown;
use crate::wire::sock_diag::Request;
use crate::{family, Error, Result};

/// IP protocol numbers a request can name (`IPPROTO_*`).
pub mod proto {
    /// `IPPROTO_TCP`
    pub const TCP: u32 = 6;
    /// `IPPROTO_UDP`
    pub const UDP: u32 = 17;
    /// `IPPROTO_DCCP`: Linux 6.16 removed DCCP, and `dccp_diag` with it.
    pub const DCCP: u32 = 33;
    /// `IPPROTO_SCTP`
    pub const SCTP: u32 = 132;
    /// `IPPROTO_UDPLITE`
    pub const UDPLITE: u32 = 136;
    /// `IPPROTO_RAW`: selects `raw_diag`.
    pub const RAW: u32 = 255;
    /// `IPPROTO_MPTCP`: above 255, so it travels in `INET_DIAG_REQ_PROTOCOL`.
    pub const MPTCP: u32 = 262;
}

/// Response attribute types (`INET_DIAG_*`). Request bit `ext` n asks for
/// attribute n + 1.
pub mod attr_kind {
    /// `INET_DIAG_MEMINFO`
    pub const MEMINFO: u16 = 1;
    /// `INET_DIAG_INFO`: `tcp_info` and friends.
    pub const INFO: u16 = 2;
    /// `INET_DIAG_VEGASINFO`
    pub const VEGASINFO: u16 = 3;
    /// `INET_DIAG_CONG`
    pub const CONG: u16 = 4;
    /// `INET_DIAG_TOS`
    pub const TOS: u16 = 5;
    /// `INET_DIAG_TCLASS`
    pub const TCLASS: u16 = 6;
    /// `INET_DIAG_SKMEMINFO`
    pub const SKMEMINFO: u16 = 7;
    /// `INET_DIAG_SHUTDOWN`: sent always; bit 0 receive, bit 1 send.
    pub const SHUTDOWN: u16 = 8;
    /// `INET_DIAG_DCTCPINFO` (asked for with the VEGASINFO bit).
    pub const DCTCPINFO: u16 = 9;
    /// `INET_DIAG_PROTOCOL`: raw sockets' protocol.
    pub const PROTOCOL: u16 = 10;
    /// `INET_DIAG_SKV6ONLY`
    pub const SKV6ONLY: u16 = 11;
    /// `INET_DIAG_LOCALS`: SCTP local addresses.
    pub const LOCALS: u16 = 12;
    /// `INET_DIAG_PEERS`: SCTP peer addresses.
    pub const PEERS: u16 = 13;
    /// `INET_DIAG_PAD`: alignment filler.
    pub const PAD: u16 = 14;
    /// `INET_DIAG_MARK` (CAP_NET_ADMIN only).
    pub const MARK: u16 = 15;
    /// `INET_DIAG_BBRINFO` (asked for with the VEGASINFO bit).
    pub const BBRINFO: u16 = 16;
    /// `INET_DIAG_CLASS_ID` (asked for with the TCLASS bit).
    pub const CLASS_ID: u16 = 17;
    /// `INET_DIAG_MD5SIG` (with the INFO bit, CAP_NET_ADMIN only).
    pub const MD5SIG: u16 = 18;
    /// `INET_DIAG_ULP_INFO` (with the INFO bit).
    pub const ULP_INFO: u16 = 19;
    /// `INET_DIAG_SK_BPF_STORAGES`
    pub const SK_BPF_STORAGES: u16 = 20;
    /// `INET_DIAG_CGROUP_ID`
    pub const CGROUP_ID: u16 = 21;
    /// `INET_DIAG_SOCKOPT`
    pub const SOCKOPT: u16 = 22;
}

/// Request attribute types (`INET_DIAG_REQ_*`).
pub mod req_attr {
    /// `INET_DIAG_REQ_BYTECODE`
    pub const BYTECODE: u16 = 1;
    /// `INET_DIAG_REQ_SK_BPF_STORAGES`: which maps' socket storage to send
    /// (see [`crate::wire::sk_storage`]).
    pub const SK_BPF_STORAGES: u16 = 2;
    /// `INET_DIAG_REQ_PROTOCOL`: a `u32` protocol overriding the `u8` field.
    pub const PROTOCOL: u16 = 3;
}

/// The `ext` bit that asks for response attribute `kind`.
pub const fn ext_bit(kind: u16) -> u8 {
    if kind >= 1 && kind <= 8 {
        1 << (kind - 1)
    } else {
        0
    }
}

/// `INET_DIAG_NOCOOKIE`: both cookie words all ones.
pub const NO_COOKIE: u64 = u64::MAX;

enum_with_unknown! {
    /// TCP states as the kernel numbers them (`include/net/tcp_states.h`);
    /// UDP and RAW reuse them (CLOSE = unconnected, ESTABLISHED = connected).
    pub enum TcpState(u8) {
        /// `TCP_ESTABLISHED`
        Established = 1,
        /// `TCP_SYN_SENT`
        SynSent = 2,
        /// `TCP_SYN_RECV`
        SynRecv = 3,
        /// `TCP_FIN_WAIT1`
        FinWait1 = 4,
        /// `TCP_FIN_WAIT2`
        FinWait2 = 5,
        /// `TCP_TIME_WAIT`
        TimeWait = 6,
        /// `TCP_CLOSE`
        Close = 7,
        /// `TCP_CLOSE_WAIT`
        CloseWait = 8,
        /// `TCP_LAST_ACK`
        LastAck = 9,
        /// `TCP_LISTEN`
        Listen = 10,
        /// `TCP_CLOSING`
        Closing = 11,
        /// `TCP_NEW_SYN_RECV`: a request socket.
        NewSynRecv = 12,
        /// `TCP_BOUND_INACTIVE`: bound, neither listening nor connecting.
        BoundInactive = 13,
    }
}

impl TcpState {
    /// The state's bit in a request's `idiag_states` mask (0 for numbers
    /// that do not fit one).
    pub const fn mask(self) -> u32 {
        let raw = self.raw();
        if raw < 32 {
            1 << raw
        } else {
            0
        }
    }
}

enum_with_unknown! {
    /// Which timer runs on the socket (`idiag_timer`).
    pub enum Timer(u8) {
        /// 0: none.
        Off = 0,
        /// 1: retransmit (also request sockets).
        Retransmit = 1,
        /// 2: keepalive or FIN_WAIT2.
        Keepalive = 2,
        /// 3: TIME_WAIT.
        TimeWait = 3,
        /// 4: zero-window probe.
        Probe = 4,
        /// 5: delayed ACK (6.16).
        Delack = 5,
    }
}

mod id_field {
    use crate::Field;
    pub const SPORT: Field = 0..2;
    pub const DPORT: Field = 2..4;
    pub const SRC: Field = 4..20;
    pub const DST: Field = 20..36;
    pub const IF: Field = 36..40;
    pub const COOKIE_LO: Field = 40..44;
    pub const COOKIE_HI: Field = 44..48;
}

/// Size of `struct inet_diag_sockid`.
pub const SOCKID_LEN: usize = id_field::COOKIE_HI.end;

/// `struct inet_diag_sockid`: the socket's two ends, its interface and its
/// cookie.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[doc(alias = "inet_diag_sockid")]
pub struct SockId {
    /// Local port (`idiag_sport`); for RAW sockets the protocol number.
    pub sport: u16,
    /// Remote port (`idiag_dport`).
    pub dport: u16,
    /// Local address.
    pub src: IpAddr,
    /// Remote address.
    pub dst: IpAddr,
    /// Bound interface index (`idiag_if`), 0 for none.
    pub ifindex: u32,
    /// The kernel's socket cookie; [`NO_COOKIE`] as a request wildcard.
    pub cookie: u64,
}

impl SockId {
    /// An id that matches any socket of `family` in a dump.
    pub const fn any(family: u8) -> SockId {
        let addr = if family == crate::family::INET6 {
            IpAddr::V6(Ipv6Addr::UNSPECIFIED)
        } else {
            IpAddr::V4(Ipv4Addr::UNSPECIFIED)
        };
        SockId {
            sport: 0,
            dport: 0,
            src: addr,
            dst: addr,
            ifindex: 0,
            cookie: NO_COOKIE,
        }
    }

    // Hinted for x86-64's static build (-inline-threshold=5,
    // .cargo/config.toml): once per record.
    /// Reads an id of `family` from its 48 bytes.
    #[cfg_attr(target_arch = "x86_64", inline)]
    pub(crate) fn parse(bytes: &[u8], family: u8) -> Result<SockId> {
        if bytes.len() < SOCKID_LEN {
            return Err(Error::Truncated);
        }
        let addr = |field: crate::Field| -> Result<IpAddr> {
            let raw = &bytes[field];
            match family {
                crate::family::INET => Ok(IpAddr::V4(Ipv4Addr::from(NetworkEndian::read_u32(raw)))),
                crate::family::INET6 => {
                    Ok(IpAddr::V6(Ipv6Addr::from(NetworkEndian::read_u128(raw))))
                }
                _ => Err(Error::BadFamily),
            }
        };
        let lo = NativeEndian::read_u32(&bytes[id_field::COOKIE_LO]) as u64;
        let hi = NativeEndian::read_u32(&bytes[id_field::COOKIE_HI]) as u64;
        Ok(SockId {
            sport: NetworkEndian::read_u16(&bytes[id_field::SPORT]),
            dport: NetworkEndian::read_u16(&bytes[id_field::DPORT]),
            src: addr(id_field::SRC)?,
            dst: addr(id_field::DST)?,
            ifindex: NativeEndian::read_u32(&bytes[id_field::IF]),
            cookie: lo | (hi << 32),
        })
    }

    /// Writes the id into exactly `SOCKID_LEN` bytes.
    pub(crate) fn emit(&self, bytes: &mut [u8]) {
        let put_addr = |out: &mut [u8], addr: IpAddr| match addr {
            // IPv4 uses word 0 only; the other three must be zero.
            IpAddr::V4(a) => {
                NetworkEndian::write_u32(&mut out[0..4], a.into());
                out[4..16].fill(0);
            }
            IpAddr::V6(a) => NetworkEndian::write_u128(out, a.into()),
        };
        NetworkEndian::write_u16(&mut bytes[id_field::SPORT], self.sport);
        NetworkEndian::write_u16(&mut bytes[id_field::DPORT], self.dport);
        put_addr(&mut bytes[id_field::SRC], self.src);
        put_addr(&mut bytes[id_field::DST], self.dst);
        NativeEndian::write_u32(&mut bytes[id_field::IF], self.ifindex);
        NativeEndian::write_u32(&mut bytes[id_field::COOKIE_LO], self.cookie as u32);
        NativeEndian::write_u32(&mut bytes[id_field::COOKIE_HI], (self.cookie >> 32) as u32);
    }
}

mod req_field {
    use crate::Field;
    pub const FAMILY: usize = 0;
    pub const PROTOCOL: usize = 1;
    pub const EXT: usize = 2;
    pub const RAW_PROTOCOL: usize = 3;
    pub const STATES: Field = 4..8;
    pub const ID: Field = 8..8 + super::SOCKID_LEN;
}

/// Size of `struct inet_diag_req_v2`.
pub const REQ_LEN: usize = req_field::ID.end;

/// `struct inet_diag_req_v2`, plus the request attribute that carries a
/// protocol above 255.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[doc(alias = "inet_diag_req_v2")]
pub struct ReqRepr {
    /// `AF_INET` or `AF_INET6`: one family per request.
    pub family: u8,
    /// An [`proto`] number.
    pub protocol: u32,
    /// Bits asking for response attributes (see [`ext_bit`]).
    pub ext: u8,
    /// RAW only: the protocol to select, 0 for every raw socket.
    pub raw_protocol: u8,
    /// Bitmask of `1 << state`.
    pub states: u32,
    /// Ports (0 = any) and cookie; addresses are not filtered in dumps.
    pub id: SockId,
    /// A dump (`NLM_F_DUMP`) rather than an exact lookup.
    pub dump: bool,
}

impl ReqRepr {
    /// A dump of every socket of `family` and `protocol` in `states`.
    pub const fn dump(family: u8, protocol: u32, states: u32) -> ReqRepr {
        ReqRepr {
            family,
            protocol,
            ext: 0,
            raw_protocol: 0,
            states,
            id: SockId::any(family),
            dump: true,
        }
    }

    /// The exact lookup of the socket `rec` of the `protocol` table, as
    /// `SOCK_DESTROY` takes it: the id as the dump gave it, cookie
    /// included (a socket that took the same addresses since is another
    /// socket, and the kernel refuses it), and for RAW the socket's
    /// protocol.
    pub const fn exact(rec: &InetRecord<'_>, protocol: u32) -> ReqRepr {
        ReqRepr {
            family: rec.family,
            protocol,
            ext: 0,
            raw_protocol: match rec.protocol {
                Some(p) => p,
                None => 0,
            },
            states: 0,
            id: rec.id,
            dump: false,
        }
    }

    fn protocol_attr(&self) -> bool {
        self.protocol > 0xff
    }

    /// Reads a request back from the payload of a `SOCK_DIAG_BY_FAMILY`
    /// message and its header `flags`: the view a recorded or a fuzzed
    /// request is checked through. `INET_DIAG_REQ_PROTOCOL` wins over the
    /// `u8` field; other request attributes are skipped.
    pub fn parse(payload: &[u8], flags: u16) -> Result<ReqRepr> {
        if payload.len() < REQ_LEN {
            return Err(Error::Truncated);
        }
        let family = payload[req_field::FAMILY];
        let mut protocol = u32::from(payload[req_field::PROTOCOL]);
        for a in Attrs::new(&payload[REQ_LEN..]) {
            let a = a?;
            if a.kind() == req_attr::PROTOCOL {
                protocol = a.u32_ne()?;
            }
        }
        Ok(ReqRepr {
            family,
            protocol,
            ext: payload[req_field::EXT],
            raw_protocol: payload[req_field::RAW_PROTOCOL],
            states: NativeEndian::read_u32(&payload[req_field::STATES]),
            id: SockId::parse(&payload[req_field::ID], family)?,
            dump: flags & crate::wire::nlmsg::flags::DUMP == crate::wire::nlmsg::flags::DUMP,
        })
    }
}

impl Request for ReqRepr {
    fn payload_len(&self) -> usize {
        REQ_LEN
            + if self.protocol_attr() {
                attr::buffer_len(4)
            } else {
                0
            }
    }

    fn emit_payload(&self, buf: &mut [u8]) -> Result<()> {
        if buf.len() < self.payload_len() {
            return Err(Error::BufferTooSmall);
        }
        buf[req_field::FAMILY] = self.family;
        // A protocol above 255 goes in the attribute; 0 here makes a kernel
        // that ignores the attribute answer ENOENT instead of dumping the
        // protocol that shares the low byte (MPTCP's would be TCP).
        buf[req_field::PROTOCOL] = if self.protocol_attr() {
            0
        } else {
            self.protocol as u8
        };
        buf[req_field::EXT] = self.ext;
        buf[req_field::RAW_PROTOCOL] = self.raw_protocol;
        NativeEndian::write_u32(&mut buf[req_field::STATES], self.states);
        self.id.emit(&mut buf[req_field::ID]);
        if self.protocol_attr() {
            attr::emit(
                &mut buf[REQ_LEN..],
                req_attr::PROTOCOL,
                &self.protocol.to_ne_bytes(),
            )?;
        }
        Ok(())
    }

    fn is_dump(&self) -> bool {
        self.dump
    }
}

mod msg_field {
    use crate::Field;
    pub const FAMILY: usize = 0;
    pub const STATE: usize = 1;
    pub const TIMER: usize = 2;
    pub const RETRANS: usize = 3;
    pub const ID: Field = 4..4 + super::SOCKID_LEN;
    pub const EXPIRES: Field = ID.end..ID.end + 4;
    pub const RQUEUE: Field = EXPIRES.end..EXPIRES.end + 4;
    pub const WQUEUE: Field = RQUEUE.end..RQUEUE.end + 4;
    pub const UID: Field = WQUEUE.end..WQUEUE.end + 4;
    pub const INODE: Field = UID.end..UID.end + 4;
}

/// Size of `struct inet_diag_msg`; attributes follow it.
pub const MSG_LEN: usize = msg_field::INODE.end;

/// A checked, zero-copy view of an `inet_diag_msg` and its attributes.
#[derive(Debug, Clone, Copy)]
#[doc(alias = "inet_diag_msg")]
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
        match self.buffer[msg_field::FAMILY] {
            family::INET | family::INET6 => Ok(()),
            _ => Err(Error::BadFamily),
        }
    }

    /// Gives the buffer back.
    pub fn into_inner(self) -> &'a [u8] {
        self.buffer
    }

    /// `idiag_family`
    pub fn family(&self) -> u8 {
        self.buffer[msg_field::FAMILY]
    }
    /// `idiag_state`
    pub fn state(&self) -> TcpState {
        TcpState::from(self.buffer[msg_field::STATE])
    }
    /// `idiag_timer`
    pub fn timer(&self) -> Timer {
        Timer::from(self.buffer[msg_field::TIMER])
    }
    /// `idiag_retrans`
    pub fn retrans(&self) -> u8 {
        self.buffer[msg_field::RETRANS]
    }
    /// `id`; the family was checked, so this cannot fail.
    pub fn id(&self) -> SockId {
        SockId::parse(&self.buffer[msg_field::ID], self.family())
            .unwrap_or(SockId::any(self.family()))
    }
    /// `idiag_expires`: milliseconds until the timer fires.
    pub fn expires(&self) -> u32 {
        NativeEndian::read_u32(&self.buffer[msg_field::EXPIRES])
    }
    /// `idiag_rqueue`
    pub fn rqueue(&self) -> u32 {
        NativeEndian::read_u32(&self.buffer[msg_field::RQUEUE])
    }
    /// `idiag_wqueue`
    pub fn wqueue(&self) -> u32 {
        NativeEndian::read_u32(&self.buffer[msg_field::WQUEUE])
    }
    /// `idiag_uid`
    pub fn uid(&self) -> u32 {
        NativeEndian::read_u32(&self.buffer[msg_field::UID])
    }
    /// `idiag_inode`: 0 for sockets without a file.
    pub fn inode(&self) -> u32 {
        NativeEndian::read_u32(&self.buffer[msg_field::INODE])
    }
    /// The attributes after the fixed part.
    pub fn attrs(&self) -> Attrs<'a> {
        Attrs::new(&self.buffer[MSG_LEN..])
    }
}

/// One IPv4 or IPv6 socket as plain values.
///
/// Attributes this codec decodes are typed fields (absent: `None`); the raw
/// attribute bytes stay in `attrs` for callers that want the others.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InetRecord<'a> {
    /// `AF_INET` or `AF_INET6`.
    pub family: u8,
    /// Socket state.
    pub state: TcpState,
    /// Running timer.
    pub timer: Timer,
    /// Retransmits (timer 1) or probes (timers 2 and 4).
    pub retrans: u8,
    /// Addresses, ports, interface, cookie.
    pub id: SockId,
    /// Milliseconds until the timer fires.
    pub expires: u32,
    /// LISTEN: accept-queue length; other TCP: unread bytes; UDP/RAW:
    /// receive memory.
    pub rqueue: u32,
    /// LISTEN: backlog limit; other TCP: unsent + unacked bytes; UDP/RAW:
    /// send memory.
    pub wqueue: u32,
    /// Owner, mapped into the caller's user namespace.
    pub uid: u32,
    /// Inode of the socket's file, 0 for none.
    pub inode: u32,
    /// `INET_DIAG_SHUTDOWN`: bit 0 receive, bit 1 send.
    pub shutdown: Option<u8>,
    /// `INET_DIAG_PROTOCOL`: the IP protocol of a raw socket.
    pub protocol: Option<u8>,
    /// `INET_DIAG_SKV6ONLY`
    pub v6only: Option<bool>,
    /// `INET_DIAG_MARK`
    pub mark: Option<u32>,
    /// `INET_DIAG_CGROUP_ID`
    pub cgroup_id: Option<u64>,
    /// Every attribute, decoded or not, as received.
    pub attrs: &'a [u8],
}

impl<'a> InetRecord<'a> {
    /// A record with only a state and a socket id (its addresses give the
    /// family): no queues, owner, timer or attributes. For sources that say
    /// less than a diag message, such as /proc, and for tests.
    pub const fn new(state: TcpState, id: SockId) -> InetRecord<'a> {
        InetRecord {
            family: match id.src {
                IpAddr::V4(_) => family::INET,
                IpAddr::V6(_) => family::INET6,
            },
            state,
            timer: Timer::Off,
            retrans: 0,
            id,
            expires: 0,
            rqueue: 0,
            wqueue: 0,
            uid: 0,
            inode: 0,
            shutdown: None,
            protocol: None,
            v6only: None,
            mark: None,
            cgroup_id: None,
            attrs: &[],
        }
    }

    /// Decodes the fixed part and the attributes this codec knows; an
    /// unknown attribute is skipped, a known one of the wrong size is an
    /// error.
    pub fn parse(view: &MsgView<'a>) -> Result<InetRecord<'a>> {
        let mut rec = InetRecord {
            family: view.family(),
            state: view.state(),
            timer: view.timer(),
            retrans: view.retrans(),
            id: view.id(),
            expires: view.expires(),
            rqueue: view.rqueue(),
            wqueue: view.wqueue(),
            uid: view.uid(),
            inode: view.inode(),
            shutdown: None,
            protocol: None,
            v6only: None,
            mark: None,
            cgroup_id: None,
            attrs: &view.buffer[MSG_LEN..],
        };
        for a in view.attrs() {
            let a = a?;
            match a.kind() {
                attr_kind::SHUTDOWN => rec.shutdown = Some(a.u8()?),
                attr_kind::PROTOCOL => rec.protocol = Some(a.u8()?),
                attr_kind::SKV6ONLY => rec.v6only = Some(a.u8()? != 0),
                attr_kind::MARK => rec.mark = Some(a.u32_ne()?),
                attr_kind::CGROUP_ID => rec.cgroup_id = Some(a.u64_ne()?),
                _ => {}
            }
        }
        Ok(rec)
    }

    /// Decodes one `inet_diag_msg` payload.
    pub fn parse_bytes(payload: &'a [u8]) -> Result<InetRecord<'a>> {
        InetRecord::parse(&MsgView::new_checked(payload)?)
    }

    /// Bytes [`InetRecord::emit`] writes: the fixed part and `attrs`.
    pub fn buffer_len(&self) -> usize {
        MSG_LEN.saturating_add(self.attrs.len())
    }

    /// Writes the record as an `inet_diag_msg` payload into the front of
    /// `buf` and returns its length. Attributes are copied from `attrs`, the
    /// bytes the typed attribute fields were decoded from; those fields are
    /// not encoded again. Addresses must be of `family`.
    pub fn emit(&self, buf: &mut [u8]) -> Result<usize> {
        let len = self.buffer_len();
        let buf = buf.get_mut(..len).ok_or(Error::BufferTooSmall)?;
        let v4 = |a: &IpAddr| a.is_ipv4();
        match self.family {
            family::INET if v4(&self.id.src) && v4(&self.id.dst) => {}
            family::INET6 if !v4(&self.id.src) && !v4(&self.id.dst) => {}
            _ => return Err(Error::BadFamily),
        }
        buf[msg_field::FAMILY] = self.family;
        buf[msg_field::STATE] = self.state.raw();
        buf[msg_field::TIMER] = self.timer.raw();
        buf[msg_field::RETRANS] = self.retrans;
        self.id.emit(&mut buf[msg_field::ID]);
        NativeEndian::write_u32(&mut buf[msg_field::EXPIRES], self.expires);
        NativeEndian::write_u32(&mut buf[msg_field::RQUEUE], self.rqueue);
        NativeEndian::write_u32(&mut buf[msg_field::WQUEUE], self.wqueue);
        NativeEndian::write_u32(&mut buf[msg_field::UID], self.uid);
        NativeEndian::write_u32(&mut buf[msg_field::INODE], self.inode);
        buf[MSG_LEN..].copy_from_slice(self.attrs);
        Ok(len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::nlmsg;
    use crate::wire::sock_diag::emit_request;

    /// An `inet_diag_msg` for a v4 listener 127.0.0.1:8081 with 3 waiting
    /// and backlog 7, followed by SHUTDOWN = 0 and CGROUP_ID = 99, built from
    /// host-order fields so it holds on big-endian hosts too.
    pub(crate) fn listener_v4() -> [u8; MSG_LEN + 8 + 12] {
        let mut b = [0u8; MSG_LEN + 8 + 12];
        b[0] = family::INET;
        b[1] = 10; // LISTEN
        b[4..6].copy_from_slice(&8081u16.to_be_bytes());
        b[8..12].copy_from_slice(&[127, 0, 0, 1]);
        b[44..48].copy_from_slice(&0x1234u32.to_ne_bytes());
        b[48..52].copy_from_slice(&0x5u32.to_ne_bytes());
        b[56..60].copy_from_slice(&3u32.to_ne_bytes());
        b[60..64].copy_from_slice(&7u32.to_ne_bytes());
        b[64..68].copy_from_slice(&1000u32.to_ne_bytes());
        b[68..72].copy_from_slice(&4711u32.to_ne_bytes());
        b[72..74].copy_from_slice(&5u16.to_ne_bytes());
        b[74..76].copy_from_slice(&attr_kind::SHUTDOWN.to_ne_bytes());
        b[76] = 0;
        b[80..82].copy_from_slice(&12u16.to_ne_bytes());
        b[82..84].copy_from_slice(&attr_kind::CGROUP_ID.to_ne_bytes());
        b[84..92].copy_from_slice(&99u64.to_ne_bytes());
        b
    }

    #[test]
    fn test_parse() {
        let b = listener_v4();
        let rec = InetRecord::parse_bytes(&b).unwrap();
        assert_eq!(rec.family, family::INET);
        assert_eq!(rec.state, TcpState::Listen);
        assert_eq!(rec.timer, Timer::Off);
        assert_eq!(rec.id.sport, 8081);
        assert_eq!(rec.id.dport, 0);
        assert_eq!(rec.id.src, IpAddr::V4(Ipv4Addr::LOCALHOST));
        assert_eq!(rec.id.dst, IpAddr::V4(Ipv4Addr::UNSPECIFIED));
        assert_eq!(rec.id.cookie, 0x5_0000_1234);
        assert_eq!(
            (rec.rqueue, rec.wqueue, rec.uid, rec.inode),
            (3, 7, 1000, 4711)
        );
        assert_eq!(rec.shutdown, Some(0));
        assert_eq!(rec.cgroup_id, Some(99));
        assert_eq!(rec.protocol, None);
    }

    #[test]
    fn test_parse_v6() {
        let mut b = [0u8; MSG_LEN];
        b[0] = family::INET6;
        b[1] = 1;
        b[4..6].copy_from_slice(&443u16.to_be_bytes());
        b[6..8].copy_from_slice(&50000u16.to_be_bytes());
        b[8..24].copy_from_slice(&Ipv6Addr::LOCALHOST.octets());
        b[24..40].copy_from_slice(&Ipv4Addr::new(10, 1, 2, 3).to_ipv6_mapped().octets());
        let rec = InetRecord::parse_bytes(&b).unwrap();
        assert_eq!(rec.state, TcpState::Established);
        assert_eq!((rec.id.sport, rec.id.dport), (443, 50000));
        assert_eq!(rec.id.src, IpAddr::V6(Ipv6Addr::LOCALHOST));
        assert_eq!(
            rec.id.dst,
            IpAddr::V6(Ipv4Addr::new(10, 1, 2, 3).to_ipv6_mapped())
        );
        assert_eq!(rec.shutdown, None);
    }

    #[test]
    fn test_unknown_values() {
        let mut b = listener_v4();
        b[1] = 200;
        b[2] = 9;
        // Turn SHUTDOWN into an attribute type nobody knows yet.
        b[74..76].copy_from_slice(&999u16.to_ne_bytes());
        let rec = InetRecord::parse_bytes(&b).unwrap();
        assert_eq!(rec.state, TcpState::Unknown(200));
        assert_eq!(rec.state.raw(), 200);
        assert_eq!(rec.state.mask(), 0);
        assert_eq!(rec.timer, Timer::Unknown(9));
        assert_eq!(rec.shutdown, None);
    }

    #[test]
    fn test_malformed() {
        let mut b = listener_v4();
        b[0] = family::UNIX;
        assert_eq!(InetRecord::parse_bytes(&b).unwrap_err(), Error::BadFamily);
        let mut b = listener_v4();
        // SHUTDOWN with a 2-byte payload
        b[72..74].copy_from_slice(&6u16.to_ne_bytes());
        assert_eq!(
            InetRecord::parse_bytes(&b).unwrap_err(),
            Error::BadAttribute
        );
    }

    #[test]
    fn test_truncated() {
        let b = listener_v4();
        for cut in 0..b.len() {
            // Cutting inside the fixed part or inside an attribute must fail;
            // cutting between attributes (or in the padding of the last one)
            // leaves a shorter valid record.
            let r = InetRecord::parse_bytes(&b[..cut]);
            match cut {
                MSG_LEN | 77..=80 => assert!(r.is_ok(), "prefix {cut}"),
                _ => assert!(r.is_err(), "prefix {cut}"),
            }
        }
    }

    /// The expected request bytes, laid out from PROTOCOL.md by hand.
    #[test]
    fn test_emit() {
        let mut req = ReqRepr::dump(family::INET6, proto::TCP, 1 << 10);
        req.ext = ext_bit(attr_kind::INFO) | ext_bit(attr_kind::SHUTDOWN);
        req.id.sport = 8081;
        req.id.cookie = 0x0000_0002_0000_0001;
        let mut buf = [0xa5u8; 100];
        let len = emit_request(&mut buf, 77, &req).unwrap();
        assert_eq!(len, 16 + 56);
        let mut want = [0xa5u8; 100];
        want[0..4].copy_from_slice(&72u32.to_ne_bytes());
        want[4..6].copy_from_slice(&20u16.to_ne_bytes());
        want[6..8].copy_from_slice(&0x301u16.to_ne_bytes());
        want[8..12].copy_from_slice(&77u32.to_ne_bytes());
        want[12..16].copy_from_slice(&0u32.to_ne_bytes());
        want[16] = 10;
        want[17] = 6;
        want[18] = 0x02 | 0x80;
        want[19] = 0;
        want[20..24].copy_from_slice(&(1u32 << 10).to_ne_bytes());
        want[24..26].copy_from_slice(&[0x1f, 0x91]); // 8081, network order
        want[26..28].copy_from_slice(&[0, 0]);
        want[28..60].fill(0); // src, dst: ::
        want[60..64].copy_from_slice(&0u32.to_ne_bytes());
        want[64..68].copy_from_slice(&1u32.to_ne_bytes());
        want[68..72].copy_from_slice(&2u32.to_ne_bytes());
        assert_eq!(buf, want);
    }

    /// SOCK_DESTROY of a raw socket found by a dump: type 21, REQUEST|ACK,
    /// no DUMP, the record's id and cookie, its protocol, no states.
    #[test]
    fn test_emit_destroy() {
        let mut id = SockId::any(family::INET);
        id.src = IpAddr::V4(core::net::Ipv4Addr::LOCALHOST);
        id.sport = 1;
        id.cookie = 0x0000_0002_0000_0001;
        let rec = InetRecord {
            protocol: Some(1),
            ..InetRecord::new(TcpState::Close, id)
        };
        let req = ReqRepr::exact(&rec, proto::RAW);
        let mut buf = [0xa5u8; 80];
        let len = crate::wire::sock_diag::emit_destroy(&mut buf, 9, &req).unwrap();
        assert_eq!(len, 16 + 56);
        assert_eq!(
            &buf[4..8],
            &[21u16.to_ne_bytes(), 5u16.to_ne_bytes()].concat()[..]
        );
        assert_eq!(
            (buf[16], buf[17], buf[18], buf[19]),
            (family::INET, 255, 0, 1)
        );
        assert_eq!(&buf[20..24], &0u32.to_ne_bytes());
        assert_eq!(&buf[24..26], &[0, 1]);
        assert_eq!(&buf[28..32], &[127, 0, 0, 1]);
        assert_eq!(
            &buf[64..72],
            &[1u32.to_ne_bytes(), 2u32.to_ne_bytes()].concat()[..]
        );
        let back = ReqRepr::parse(&buf[16..len], 5).unwrap();
        assert_eq!(back, req);
    }

    #[test]
    fn test_emit_protocol_attr() {
        let req = ReqRepr::dump(family::INET, proto::MPTCP, u32::MAX);
        let mut buf = [0xa5u8; 80];
        assert_eq!(emit_request(&mut buf, 1, &req), Ok(80));
        assert_eq!(
            buf[17], 0,
            "u8 protocol left 0 when the attribute carries it"
        );
        assert_eq!(&buf[64..72], &[0xff; 8], "no cookie");
        assert_eq!(&buf[72..74], &8u16.to_ne_bytes());
        assert_eq!(&buf[74..76], &3u16.to_ne_bytes());
        assert_eq!(&buf[76..80], &262u32.to_ne_bytes());
        for short in 0..80 {
            assert_eq!(
                emit_request(&mut buf[..short], 1, &req),
                Err(Error::BufferTooSmall)
            );
        }
        assert_eq!(nlmsg::HEADER_LEN + REQ_LEN, 72);
    }

    #[test]
    fn test_record_emit() {
        let b = listener_v4();
        let rec = InetRecord::parse_bytes(&b).unwrap();
        let mut out = [0xa5u8; 100];
        assert_eq!(rec.emit(&mut out), Ok(b.len()));
        assert_eq!(&out[..b.len()], &b[..]);
        assert_eq!(InetRecord::parse_bytes(&out[..b.len()]), Ok(rec));
        for short in 0..b.len() {
            assert_eq!(rec.emit(&mut out[..short]), Err(Error::BufferTooSmall));
        }
        let mixed = InetRecord {
            family: family::INET6,
            ..rec
        };
        assert_eq!(mixed.emit(&mut out), Err(Error::BadFamily));
    }

    #[test]
    fn test_request_parse() {
        for protocol in [proto::TCP, proto::MPTCP] {
            let mut req = ReqRepr::dump(family::INET6, protocol, 1 << 10);
            req.ext = 0xff;
            req.raw_protocol = 9;
            req.id.sport = 8081;
            req.id.src = IpAddr::V6(Ipv6Addr::LOCALHOST);
            let mut buf = [0xa5u8; 100];
            let len = emit_request(&mut buf, 77, &req).unwrap();
            let packet = nlmsg::Packet::new_checked(&buf[..len]).unwrap();
            assert_eq!(ReqRepr::parse(packet.payload(), packet.flags()), Ok(req));
            for cut in 0..REQ_LEN {
                assert_eq!(
                    ReqRepr::parse(&packet.payload()[..cut], packet.flags()),
                    Err(Error::Truncated)
                );
            }
        }
        let mut bytes = [0u8; REQ_LEN];
        bytes[0] = family::UNIX;
        assert_eq!(ReqRepr::parse(&bytes, 0), Err(Error::BadFamily));
    }
}
