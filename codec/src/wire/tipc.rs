//! TIPC sockets: `tipc_sock_diag_req` from `linux/tipc_sockets_diag.h` and
//! the `TIPC_NLA_SOCK_*` attributes of `linux/tipc_netlink.h`, served by
//! `net/tipc/diag.c` through `tipc_sk_fill_sock_diag()` in
//! `net/tipc/socket.c` (modules `tipc` and `tipc_diag`).
//!
//! Unlike every other family, a reply has no fixed struct: right after the
//! netlink header comes one attribute, TIPC_NLA_SOCK, nesting the rest. Its
//! first byte is a length, not a family, so a datagram walker must be told
//! it is reading TIPC replies ([`crate::wire::datagram::Messages::for_family`]). A
//! socket the state filter rejects still gets a message, with an empty
//! payload. Everything is host order; nests come without NLA_F_NESTED.

use byteorder::{ByteOrder, NativeEndian};

use crate::wire::attr::{self, Attr, Attrs};
use crate::wire::inet::TcpState;
use crate::wire::sock_diag::{Request, SockType};
use crate::{family, Error, Result};

/// Top-level attribute types (`TIPC_NLA_*`); a diag reply holds only SOCK.
pub mod top_kind {
    /// `TIPC_NLA_SOCK`: the nest holding one socket.
    pub const SOCK: u16 = 2;
}

/// Attributes inside TIPC_NLA_SOCK (`TIPC_NLA_SOCK_*`).
pub mod attr_kind {
    /// `TIPC_NLA_SOCK_ADDR`: the own node address.
    pub const ADDR: u16 = 1;
    /// `TIPC_NLA_SOCK_REF`: the socket's port id.
    pub const REF: u16 = 2;
    /// `TIPC_NLA_SOCK_CON`: nest, the peer of a connected socket.
    pub const CON: u16 = 3;
    /// `TIPC_NLA_SOCK_HAS_PUBL`: flag, the socket published a name.
    pub const HAS_PUBL: u16 = 4;
    /// `TIPC_NLA_SOCK_STAT`: nest of queue counters.
    pub const STAT: u16 = 5;
    /// `TIPC_NLA_SOCK_TYPE`: `sk_type`.
    pub const TYPE: u16 = 6;
    /// `TIPC_NLA_SOCK_INO`
    pub const INO: u16 = 7;
    /// `TIPC_NLA_SOCK_UID`
    pub const UID: u16 = 8;
    /// `TIPC_NLA_SOCK_TIPC_STATE`: `sk_state`, a TCP state number.
    pub const TIPC_STATE: u16 = 9;
    /// `TIPC_NLA_SOCK_COOKIE`: u64.
    pub const COOKIE: u16 = 10;
    /// `TIPC_NLA_SOCK_PAD`: alignment filler before COOKIE.
    pub const PAD: u16 = 11;
    /// `TIPC_NLA_SOCK_GROUP`: nest, the communication group joined.
    pub const GROUP: u16 = 12;
}

/// Attributes inside TIPC_NLA_SOCK_CON (`TIPC_NLA_CON_*`).
pub mod con_kind {
    /// `TIPC_NLA_CON_FLAG`: flag, connected through a service name.
    pub const FLAG: u16 = 1;
    /// `TIPC_NLA_CON_NODE`: the peer's node.
    pub const NODE: u16 = 2;
    /// `TIPC_NLA_CON_SOCK`: the peer's port id.
    pub const SOCK: u16 = 3;
    /// `TIPC_NLA_CON_TYPE`: the service type connected to.
    pub const TYPE: u16 = 4;
    /// `TIPC_NLA_CON_INST`: the service instance connected to.
    pub const INST: u16 = 5;
}

/// Attributes inside TIPC_NLA_SOCK_STAT (`TIPC_NLA_SOCK_STAT_*`); this
/// enum starts at 0.
pub mod stat_kind {
    /// `TIPC_NLA_SOCK_STAT_RCVQ`: messages in the receive queue.
    pub const RCVQ: u16 = 0;
    /// `TIPC_NLA_SOCK_STAT_SENDQ`: messages in the send queue.
    pub const SENDQ: u16 = 1;
    /// `TIPC_NLA_SOCK_STAT_LINK_CONG`: flag, a link is congested.
    pub const LINK_CONG: u16 = 2;
    /// `TIPC_NLA_SOCK_STAT_CONN_CONG`: flag, the connection is congested.
    pub const CONN_CONG: u16 = 3;
    /// `TIPC_NLA_SOCK_STAT_DROP`: dropped messages.
    pub const DROP: u16 = 4;
}

/// Attributes inside TIPC_NLA_SOCK_GROUP (`TIPC_NLA_SOCK_GROUP_*`); this
/// enum starts at 0.
pub mod group_kind {
    /// `TIPC_NLA_SOCK_GROUP_ID`: the group's service type.
    pub const ID: u16 = 0;
    /// `TIPC_NLA_SOCK_GROUP_OPEN`: flag.
    pub const OPEN: u16 = 1;
    /// `TIPC_NLA_SOCK_GROUP_NODE_SCOPE`: flag.
    pub const NODE_SCOPE: u16 = 2;
    /// `TIPC_NLA_SOCK_GROUP_CLUSTER_SCOPE`: flag.
    pub const CLUSTER_SCOPE: u16 = 3;
    /// `TIPC_NLA_SOCK_GROUP_INSTANCE`: the member's instance.
    pub const INSTANCE: u16 = 4;
    /// `TIPC_NLA_SOCK_GROUP_BC_SEND_NEXT`: next broadcast sequence number.
    pub const BC_SEND_NEXT: u16 = 5;
}

mod req_field {
    use crate::Field;
    pub const FAMILY: usize = 0;
    pub const PROTOCOL: usize = 1;
    pub const PAD: Field = 2..4;
    pub const STATES: Field = 4..8;
}

/// Size of `struct tipc_sock_diag_req`.
pub const REQ_LEN: usize = req_field::STATES.end;

/// `struct tipc_sock_diag_req`: always a dump of the sockets in `states`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[doc(alias = "tipc_sock_diag_req")]
pub struct ReqRepr {
    /// Bitmask of `1 << state` (TCP state numbers).
    pub states: u32,
}

impl ReqRepr {
    /// A dump of every TIPC socket in `states`.
    pub const fn dump(states: u32) -> ReqRepr {
        ReqRepr { states }
    }

    /// Reads a request back from the payload of a `SOCK_DIAG_BY_FAMILY`
    /// message.
    pub fn parse(payload: &[u8]) -> Result<ReqRepr> {
        let payload = payload.get(..REQ_LEN).ok_or(Error::Truncated)?;
        if payload[req_field::FAMILY] != family::TIPC {
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
        buf[req_field::FAMILY] = family::TIPC;
        buf[req_field::PROTOCOL] = 0;
        buf[req_field::PAD].fill(0);
        NativeEndian::write_u32(&mut buf[req_field::STATES], self.states);
        Ok(())
    }

    fn is_dump(&self) -> bool {
        // Without NLM_F_DUMP the kernel answers EOPNOTSUPP.
        true
    }
}

/// A checked, zero-copy view of one reply payload: the TIPC_NLA_SOCK nest.
#[derive(Debug, Clone, Copy)]
pub struct MsgView<'a> {
    /// The nest's payload: the socket's attributes.
    sock: &'a [u8],
}

impl<'a> MsgView<'a> {
    /// Finds the TIPC_NLA_SOCK nest among the top-level attributes of a
    /// non-empty payload; other top-level attributes are skipped. A payload
    /// without it is [`Error::BadAttribute`].
    pub fn new_checked(payload: &'a [u8]) -> Result<MsgView<'a>> {
        if payload.is_empty() {
            return Err(Error::Truncated);
        }
        for a in Attrs::new(payload) {
            let a = a?;
            if a.kind() == top_kind::SOCK {
                return Ok(MsgView { sock: a.payload() });
            }
        }
        Err(Error::BadAttribute)
    }

    /// The socket's attributes.
    pub fn attrs(&self) -> Attrs<'a> {
        Attrs::new(self.sock)
    }

    /// The nest's payload, as received.
    pub fn sock_attrs(&self) -> &'a [u8] {
        self.sock
    }
}

/// A flag attribute carries no payload.
fn flag(a: &Attr<'_>) -> Result<bool> {
    if a.is_empty() {
        Ok(true)
    } else {
        Err(Error::BadAttribute)
    }
}

/// A `u32` attribute that holds a kernel `u8` (`sk_type`, `sk_state`).
fn u8_in_u32(a: &Attr<'_>) -> Result<u8> {
    u8::try_from(a.u32_ne()?).map_err(|_| Error::BadAttribute)
}

/// TIPC_NLA_SOCK_CON: the other end of a connected socket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Connection {
    /// `TIPC_NLA_CON_NODE`
    pub node: Option<u32>,
    /// `TIPC_NLA_CON_SOCK`: the peer's port id.
    pub sock: Option<u32>,
    /// `TIPC_NLA_CON_FLAG`: connected through a service name, which
    /// `name_type` and `name_instance` give.
    pub by_name: bool,
    /// `TIPC_NLA_CON_TYPE`
    pub name_type: Option<u32>,
    /// `TIPC_NLA_CON_INST`
    pub name_instance: Option<u32>,
}

impl Connection {
    fn parse(nest: &[u8]) -> Result<Connection> {
        let mut con = Connection::default();
        for a in Attrs::new(nest) {
            let a = a?;
            match a.kind() {
                con_kind::FLAG => con.by_name = flag(&a)?,
                con_kind::NODE => con.node = Some(a.u32_ne()?),
                con_kind::SOCK => con.sock = Some(a.u32_ne()?),
                con_kind::TYPE => con.name_type = Some(a.u32_ne()?),
                con_kind::INST => con.name_instance = Some(a.u32_ne()?),
                _ => {}
            }
        }
        Ok(con)
    }
}

/// TIPC_NLA_SOCK_STAT: queue lengths (in messages) and congestion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Stat {
    /// `TIPC_NLA_SOCK_STAT_RCVQ`
    pub rcvq: Option<u32>,
    /// `TIPC_NLA_SOCK_STAT_SENDQ`
    pub sendq: Option<u32>,
    /// `TIPC_NLA_SOCK_STAT_LINK_CONG`
    pub link_cong: bool,
    /// `TIPC_NLA_SOCK_STAT_CONN_CONG`
    pub conn_cong: bool,
    /// `TIPC_NLA_SOCK_STAT_DROP`
    pub drop: Option<u32>,
}

impl Stat {
    fn parse(nest: &[u8]) -> Result<Stat> {
        let mut stat = Stat::default();
        for a in Attrs::new(nest) {
            let a = a?;
            match a.kind() {
                stat_kind::RCVQ => stat.rcvq = Some(a.u32_ne()?),
                stat_kind::SENDQ => stat.sendq = Some(a.u32_ne()?),
                stat_kind::LINK_CONG => stat.link_cong = flag(&a)?,
                stat_kind::CONN_CONG => stat.conn_cong = flag(&a)?,
                stat_kind::DROP => stat.drop = Some(a.u32_ne()?),
                _ => {}
            }
        }
        Ok(stat)
    }
}

/// TIPC_NLA_SOCK_GROUP: the communication group the socket joined.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Group {
    /// `TIPC_NLA_SOCK_GROUP_ID`: the group's service type.
    pub id: Option<u32>,
    /// `TIPC_NLA_SOCK_GROUP_INSTANCE`
    pub instance: Option<u32>,
    /// `TIPC_NLA_SOCK_GROUP_BC_SEND_NEXT`
    pub bc_send_next: Option<u32>,
    /// `TIPC_NLA_SOCK_GROUP_OPEN`
    pub open: bool,
    /// `TIPC_NLA_SOCK_GROUP_NODE_SCOPE`
    pub node_scope: bool,
    /// `TIPC_NLA_SOCK_GROUP_CLUSTER_SCOPE`
    pub cluster_scope: bool,
}

impl Group {
    fn parse(nest: &[u8]) -> Result<Group> {
        let mut group = Group::default();
        for a in Attrs::new(nest) {
            let a = a?;
            match a.kind() {
                group_kind::ID => group.id = Some(a.u32_ne()?),
                group_kind::OPEN => group.open = flag(&a)?,
                group_kind::NODE_SCOPE => group.node_scope = flag(&a)?,
                group_kind::CLUSTER_SCOPE => group.cluster_scope = flag(&a)?,
                group_kind::INSTANCE => group.instance = Some(a.u32_ne()?),
                group_kind::BC_SEND_NEXT => group.bc_send_next = Some(a.u32_ne()?),
                _ => {}
            }
        }
        Ok(group)
    }
}

/// One TIPC socket as plain values; attributes not sent are `None` (flags:
/// false).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TipcRecord<'a> {
    /// `TIPC_NLA_SOCK_ADDR`: the own node address (ss's local address).
    pub node: Option<u32>,
    /// `TIPC_NLA_SOCK_REF`: the port id (ss's local port).
    pub port: Option<u32>,
    /// `TIPC_NLA_SOCK_CON`: the peer, for a connected socket.
    pub con: Option<Connection>,
    /// `TIPC_NLA_SOCK_HAS_PUBL`: an unconnected socket with a published name.
    pub has_publ: bool,
    /// `TIPC_NLA_SOCK_STAT`
    pub stat: Option<Stat>,
    /// `TIPC_NLA_SOCK_TYPE`: stream, dgram, seqpacket or SOCK_RDM
    /// (`Unknown(4)`).
    pub sock_type: Option<SockType>,
    /// `TIPC_NLA_SOCK_TIPC_STATE`: OPEN shows as CLOSE, CONNECTING as
    /// SYN_SENT, DISCONNECTING as CLOSE_WAIT.
    pub state: Option<TcpState>,
    /// `TIPC_NLA_SOCK_INO`
    pub inode: Option<u32>,
    /// `TIPC_NLA_SOCK_UID`
    pub uid: Option<u32>,
    /// `TIPC_NLA_SOCK_COOKIE`: the kernel reads its two cookie words as one
    /// host `u64`, so on big-endian hosts the halves come swapped compared
    /// with the other families' cookies.
    pub cookie: Option<u64>,
    /// `TIPC_NLA_SOCK_GROUP`
    pub group: Option<Group>,
    /// The TIPC_NLA_SOCK nest's payload, every attribute as received.
    pub attrs: &'a [u8],
}

impl<'a> TipcRecord<'a> {
    /// Decodes every attribute this codec knows; an unknown one is skipped
    /// (it stays in `attrs`), a known one of the wrong size is an error.
    pub fn parse(view: &MsgView<'a>) -> Result<TipcRecord<'a>> {
        let mut rec = TipcRecord {
            node: None,
            port: None,
            con: None,
            has_publ: false,
            stat: None,
            sock_type: None,
            state: None,
            inode: None,
            uid: None,
            cookie: None,
            group: None,
            attrs: view.sock,
        };
        for a in view.attrs() {
            let a = a?;
            match a.kind() {
                attr_kind::ADDR => rec.node = Some(a.u32_ne()?),
                attr_kind::REF => rec.port = Some(a.u32_ne()?),
                attr_kind::CON => rec.con = Some(Connection::parse(a.payload())?),
                attr_kind::HAS_PUBL => rec.has_publ = flag(&a)?,
                attr_kind::STAT => rec.stat = Some(Stat::parse(a.payload())?),
                attr_kind::TYPE => rec.sock_type = Some(SockType::from(u8_in_u32(&a)?)),
                attr_kind::INO => rec.inode = Some(a.u32_ne()?),
                attr_kind::UID => rec.uid = Some(a.u32_ne()?),
                attr_kind::TIPC_STATE => rec.state = Some(TcpState::from(u8_in_u32(&a)?)),
                attr_kind::COOKIE => rec.cookie = Some(a.u64_ne()?),
                attr_kind::GROUP => rec.group = Some(Group::parse(a.payload())?),
                _ => {}
            }
        }
        Ok(rec)
    }

    /// Decodes one reply payload (it must not be empty). Out of line: TIPC
    /// is rare, and its nests would bloat every dump's message loop.
    #[inline(never)]
    pub fn parse_bytes(payload: &'a [u8]) -> Result<TipcRecord<'a>> {
        TipcRecord::parse(&MsgView::new_checked(payload)?)
    }

    /// Messages in the receive queue (ss's Recv-Q), 0 without STAT.
    pub fn rqueue(&self) -> u32 {
        self.stat.and_then(|s| s.rcvq).unwrap_or(0)
    }

    /// Messages in the send queue (ss's Send-Q), 0 without STAT.
    pub fn wqueue(&self) -> u32 {
        self.stat.and_then(|s| s.sendq).unwrap_or(0)
    }

    /// Bytes [`TipcRecord::emit`] writes: the nest's header and `attrs`.
    pub fn buffer_len(&self) -> usize {
        attr::buffer_len(self.attrs.len())
    }

    /// Writes the record as a reply payload (one TIPC_NLA_SOCK nest holding
    /// `attrs`, without NLA_F_NESTED as the kernel sends it) into the front
    /// of `buf` and returns its length.
    pub fn emit(&self, buf: &mut [u8]) -> Result<usize> {
        attr::emit(buf, top_kind::SOCK, self.attrs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::nlmsg;
    use crate::wire::sock_diag::emit_request;

    /// Appends an attribute at `at`, zeroing its padding as nla_put() does.
    fn push_attr(buf: &mut [u8], at: &mut usize, kind: u16, payload: &[u8]) {
        let len = 4 + payload.len();
        buf[*at..*at + 2].copy_from_slice(&(len as u16).to_ne_bytes());
        buf[*at + 2..*at + 4].copy_from_slice(&kind.to_ne_bytes());
        buf[*at + 4..*at + len].copy_from_slice(payload);
        buf[*at + len..(*at + len + 3) & !3].fill(0);
        *at += (len + 3) & !3;
    }

    /// Opens a nest at `at`; [`close`] writes its length.
    fn open(buf: &mut [u8], at: &mut usize, kind: u16) -> usize {
        let start = *at;
        buf[start + 2..start + 4].copy_from_slice(&kind.to_ne_bytes());
        *at += 4;
        start
    }

    fn close(buf: &mut [u8], at: usize, start: usize) {
        buf[start..start + 2].copy_from_slice(&((at - start) as u16).to_ne_bytes());
    }

    /// What `tipc_sk_fill_sock_diag()` in net/tipc/socket.c writes for a
    /// connected SOCK_SEQPACKET socket of node 0x1001001, port 0x9b2d, that
    /// connected by service name {1000, 7} to port 42 on node 0x1001002, in
    /// its order: REF, ADDR, CON {NODE, SOCK, FLAG, TYPE, INST}, TYPE,
    /// TIPC_STATE, INO, UID, PAD, COOKIE, STAT {RCVQ, SENDQ, DROP,
    /// CONN_CONG}, GROUP {ID, INSTANCE, BC_SEND_NEXT, CLUSTER_SCOPE, OPEN};
    /// then an attribute from a future kernel. Built from the enums in
    /// linux/tipc_netlink.h with host-order values.
    fn message() -> ([u8; 256], usize) {
        let mut b = [0xa5u8; 256];
        let mut at = 0;
        let sock = open(&mut b, &mut at, top_kind::SOCK);
        push_attr(&mut b, &mut at, attr_kind::REF, &0x9b2du32.to_ne_bytes());
        push_attr(
            &mut b,
            &mut at,
            attr_kind::ADDR,
            &0x0100_1001u32.to_ne_bytes(),
        );
        let con = open(&mut b, &mut at, attr_kind::CON);
        push_attr(
            &mut b,
            &mut at,
            con_kind::NODE,
            &0x0100_1002u32.to_ne_bytes(),
        );
        push_attr(&mut b, &mut at, con_kind::SOCK, &42u32.to_ne_bytes());
        push_attr(&mut b, &mut at, con_kind::FLAG, &[]);
        push_attr(&mut b, &mut at, con_kind::TYPE, &1000u32.to_ne_bytes());
        push_attr(&mut b, &mut at, con_kind::INST, &7u32.to_ne_bytes());
        close(&mut b, at, con);
        push_attr(&mut b, &mut at, attr_kind::TYPE, &5u32.to_ne_bytes());
        push_attr(&mut b, &mut at, attr_kind::TIPC_STATE, &1u32.to_ne_bytes());
        push_attr(&mut b, &mut at, attr_kind::INO, &31337u32.to_ne_bytes());
        push_attr(&mut b, &mut at, attr_kind::UID, &1000u32.to_ne_bytes());
        push_attr(&mut b, &mut at, attr_kind::PAD, &[]);
        push_attr(
            &mut b,
            &mut at,
            attr_kind::COOKIE,
            &0x2_0000_0011u64.to_ne_bytes(),
        );
        let stat = open(&mut b, &mut at, attr_kind::STAT);
        push_attr(&mut b, &mut at, stat_kind::RCVQ, &3u32.to_ne_bytes());
        push_attr(&mut b, &mut at, stat_kind::SENDQ, &1u32.to_ne_bytes());
        push_attr(&mut b, &mut at, stat_kind::DROP, &9u32.to_ne_bytes());
        push_attr(&mut b, &mut at, stat_kind::CONN_CONG, &[]);
        close(&mut b, at, stat);
        let group = open(&mut b, &mut at, attr_kind::GROUP);
        push_attr(&mut b, &mut at, group_kind::ID, &4711u32.to_ne_bytes());
        push_attr(&mut b, &mut at, group_kind::INSTANCE, &17u32.to_ne_bytes());
        push_attr(
            &mut b,
            &mut at,
            group_kind::BC_SEND_NEXT,
            &2u32.to_ne_bytes(),
        );
        push_attr(&mut b, &mut at, group_kind::CLUSTER_SCOPE, &[]);
        push_attr(&mut b, &mut at, group_kind::OPEN, &[]);
        close(&mut b, at, group);
        push_attr(&mut b, &mut at, 30, &[1, 2, 3, 4]);
        close(&mut b, at, sock);
        (b, at)
    }

    #[test]
    fn test_parse() {
        let (b, len) = message();
        let view = MsgView::new_checked(&b[..len]).unwrap();
        assert_eq!(view.sock_attrs().len(), len - 4);
        let rec = TipcRecord::parse(&view).unwrap();
        assert_eq!((rec.node, rec.port), (Some(0x0100_1001), Some(0x9b2d)));
        assert_eq!(
            rec.con,
            Some(Connection {
                node: Some(0x0100_1002),
                sock: Some(42),
                by_name: true,
                name_type: Some(1000),
                name_instance: Some(7),
            })
        );
        assert!(!rec.has_publ);
        assert_eq!(rec.sock_type, Some(SockType::SeqPacket));
        assert_eq!(rec.state, Some(TcpState::Established));
        assert_eq!((rec.inode, rec.uid), (Some(31337), Some(1000)));
        assert_eq!(rec.cookie, Some(0x2_0000_0011));
        assert_eq!(
            rec.stat,
            Some(Stat {
                rcvq: Some(3),
                sendq: Some(1),
                link_cong: false,
                conn_cong: true,
                drop: Some(9),
            })
        );
        assert_eq!((rec.rqueue(), rec.wqueue()), (3, 1));
        assert_eq!(
            rec.group,
            Some(Group {
                id: Some(4711),
                instance: Some(17),
                bc_send_next: Some(2),
                open: true,
                node_scope: false,
                cluster_scope: true,
            })
        );
        let unknown = Attrs::new(rec.attrs)
            .map(Result::unwrap)
            .find(|a| a.kind() == 30)
            .unwrap();
        assert_eq!(unknown.payload(), &[1, 2, 3, 4]);
    }

    #[test]
    fn test_minimal() {
        // An unconnected RDM socket with a published name: no CON, no
        // GROUP, a nest flagged NLA_F_NESTED by some other sender.
        let mut b = [0u8; 64];
        let mut at = 0;
        let sock = open(&mut b, &mut at, top_kind::SOCK | attr::F_NESTED);
        push_attr(&mut b, &mut at, attr_kind::REF, &1u32.to_ne_bytes());
        push_attr(&mut b, &mut at, attr_kind::HAS_PUBL, &[]);
        push_attr(&mut b, &mut at, attr_kind::TYPE, &4u32.to_ne_bytes());
        push_attr(&mut b, &mut at, attr_kind::TIPC_STATE, &7u32.to_ne_bytes());
        close(&mut b, at, sock);
        let rec = TipcRecord::parse_bytes(&b[..at]).unwrap();
        assert!(rec.has_publ);
        assert_eq!(rec.sock_type, Some(SockType::Unknown(4)));
        assert_eq!(rec.state, Some(TcpState::Close));
        assert_eq!(
            (rec.con, rec.stat, rec.group, rec.cookie),
            (None, None, None, None)
        );
        assert_eq!((rec.rqueue(), rec.wqueue()), (0, 0));
    }

    #[test]
    fn test_malformed() {
        assert_eq!(TipcRecord::parse_bytes(&[]).unwrap_err(), Error::Truncated);
        // A payload without TIPC_NLA_SOCK.
        let mut b = [0u8; 8];
        let mut at = 0;
        push_attr(&mut b, &mut at, 1, &7u32.to_ne_bytes());
        assert_eq!(TipcRecord::parse_bytes(&b), Err(Error::BadAttribute));
        // Each known attribute with a payload of the wrong size, inside the
        // socket nest and inside each inner nest.
        let cases: [(&[u16], &[u8]); 7] = [
            (&[attr_kind::ADDR], &[1, 2]),
            (&[attr_kind::HAS_PUBL], &[1]),
            (&[attr_kind::COOKIE], &[1, 2, 3, 4]),
            (&[attr_kind::TYPE], &256u32.to_ne_bytes()),
            (&[attr_kind::CON, con_kind::FLAG], &[0]),
            (&[attr_kind::STAT, stat_kind::DROP], &[0, 0]),
            (&[attr_kind::GROUP, group_kind::ID], &[0]),
        ];
        for (path, payload) in cases {
            let mut b = [0u8; 64];
            let mut at = 0;
            let sock = open(&mut b, &mut at, top_kind::SOCK);
            let inner = (path.len() == 2).then(|| open(&mut b, &mut at, path[0]));
            push_attr(&mut b, &mut at, path[path.len() - 1], payload);
            if let Some(start) = inner {
                close(&mut b, at, start);
            }
            close(&mut b, at, sock);
            assert_eq!(
                TipcRecord::parse_bytes(&b[..at]),
                Err(Error::BadAttribute),
                "{path:?}"
            );
        }
    }

    #[test]
    fn test_truncated() {
        let (b, len) = message();
        // The outer nest spans the payload: every shorter prefix cuts it.
        for cut in 1..len {
            assert!(TipcRecord::parse_bytes(&b[..cut]).is_err(), "prefix {cut}");
        }
        // A nest whose length claims more than the payload holds.
        let mut short = b;
        short[0..2].copy_from_slice(&((len + 4) as u16).to_ne_bytes());
        assert_eq!(
            TipcRecord::parse_bytes(&short[..len]),
            Err(Error::Truncated)
        );
    }

    #[test]
    fn test_emit() {
        let req = ReqRepr::dump(u32::MAX);
        let mut buf = [0xa5u8; 28];
        assert_eq!(emit_request(&mut buf, 6, &req), Ok(24));
        let mut want = [0xa5u8; 28];
        want[0..4].copy_from_slice(&24u32.to_ne_bytes());
        want[4..6].copy_from_slice(&20u16.to_ne_bytes());
        want[6..8].copy_from_slice(&0x301u16.to_ne_bytes());
        want[8..12].copy_from_slice(&6u32.to_ne_bytes());
        want[12..16].copy_from_slice(&0u32.to_ne_bytes());
        want[16] = family::TIPC;
        want[17] = 0;
        want[18..20].copy_from_slice(&[0, 0]);
        want[20..24].copy_from_slice(&u32::MAX.to_ne_bytes());
        assert_eq!(buf, want);
        for short in 0..24 {
            assert_eq!(
                emit_request(&mut buf[..short], 6, &req),
                Err(Error::BufferTooSmall)
            );
        }
        let packet = nlmsg::Packet::new_checked(&want[..24]).unwrap();
        assert_eq!(ReqRepr::parse(packet.payload()), Ok(req));
        assert_eq!(
            ReqRepr::parse(&packet.payload()[..REQ_LEN - 1]),
            Err(Error::Truncated)
        );
        let mut bad = want;
        bad[16] = family::XDP;
        assert_eq!(ReqRepr::parse(&bad[16..24]), Err(Error::BadFamily));
    }

    #[test]
    fn test_record_emit() {
        let (b, len) = message();
        let rec = TipcRecord::parse_bytes(&b[..len]).unwrap();
        let mut out = [0xa5u8; 256];
        assert_eq!(rec.buffer_len(), len);
        assert_eq!(rec.emit(&mut out), Ok(len));
        assert_eq!(&out[..len], &b[..len]);
        assert_eq!(TipcRecord::parse_bytes(&out[..len]), Ok(rec));
        for short in 0..len {
            assert_eq!(rec.emit(&mut out[..short]), Err(Error::BufferTooSmall));
        }
    }
}
