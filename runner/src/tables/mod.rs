//! The socket tables: one [`Table`] says everything about each, its name,
//! the kernel module and `CONFIG_` option that serve it, the requests that
//! dump it, what kind of record it sends, and whether a missing module is
//! worth a word. A new table is a variant here and a file beside this one.

use sockdiag_codec::filter::bytecode::FilteredReq;
use sockdiag_codec::filter::states::StateSet;
use sockdiag_codec::wire::conversation::Outcome;
use sockdiag_codec::wire::sock_diag::{Request, SOCK_DIAG_BY_FAMILY};
use sockdiag_codec::wire::{
    inet as inet_wire, inet_legacy, netlink_diag, packet as packet_wire, unix as unix_wire,
};
use sockdiag_codec::Result as CodecResult;

pub mod explain;
mod inet;
mod netlink;
mod packet;
pub mod raw_proc;
mod unix;

/// The tables sockdiag can dump, in the order ss prints them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    /// Netlink sockets (`netlink_diag`).
    Netlink,
    /// Packet sockets, `AF_PACKET` (`packet_diag`).
    Packet,
    /// Unix sockets (`unix_diag`).
    Unix,
    /// Raw IP sockets (`raw_diag`, else /proc/net/raw{,6}).
    Raw,
    /// UDP sockets (`udp_diag`).
    Udp,
    /// TCP sockets (`tcp_diag`).
    Tcp,
    /// SCTP sockets (`sctp_diag`).
    Sctp,
    /// MPTCP sockets (`mptcp_diag`).
    Mptcp,
}

/// What kind of record a table sends, which says how it is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordKind {
    /// `inet_diag_msg` of this `IPPROTO_*` table.
    Inet {
        protocol: u32,
    },
    Unix,
    Netlink,
    Packet,
}

/// What a listing asks every table for, from the command line.
#[derive(Debug, Clone, Copy)]
pub struct Query<'a> {
    pub states: StateSet,
    /// The IP families an inet table dumps, in order.
    pub families: &'a [u8],
    /// The filter program for inet tables (empty: none).
    pub bytecode: &'a [u8],
    /// `-e`
    pub extended: bool,
    /// `-j`: every member the kernel can send.
    pub json: bool,
    /// `-m`
    pub memory: bool,
    /// `-i`
    pub info: bool,
    /// `--tos`
    pub tos: bool,
    /// `--bpf-maps`, `--bpf-map-id`: the sockets' BPF map storage.
    pub bpf_storages: bool,
}

/// One dump request of a table.
#[derive(Debug, Clone, Copy)]
pub enum TableRequest<'a> {
    Inet(FilteredReq<'a>),
    /// TCP over both IP families in one walk of the kernel's tables.
    TcpBoth(FilteredReq<'a, inet_legacy::ReqRepr>),
    Unix(unix_wire::ReqRepr),
    Netlink(netlink_diag::ReqRepr),
    Packet(packet_wire::ReqRepr),
}

impl TableRequest<'_> {
    /// The address family the request dumps (its records must carry it);
    /// `AF_UNSPEC` for both IP families.
    pub fn family(&self) -> u8 {
        use sockdiag_codec::family;
        match self {
            TableRequest::Inet(r) => r.req.family,
            TableRequest::TcpBoth(_) => family::UNSPEC,
            TableRequest::Unix(_) => family::UNIX,
            TableRequest::Netlink(_) => family::NETLINK,
            TableRequest::Packet(_) => family::PACKET,
        }
    }
}

impl Request for TableRequest<'_> {
    fn msg_type(&self) -> u16 {
        match self {
            TableRequest::TcpBoth(r) => r.msg_type(),
            _ => SOCK_DIAG_BY_FAMILY,
        }
    }

    fn payload_len(&self) -> usize {
        match self {
            TableRequest::Inet(r) => r.payload_len(),
            TableRequest::TcpBoth(r) => r.payload_len(),
            TableRequest::Unix(r) => r.payload_len(),
            TableRequest::Netlink(r) => r.payload_len(),
            TableRequest::Packet(r) => r.payload_len(),
        }
    }

    fn emit_payload(&self, buf: &mut [u8]) -> CodecResult<()> {
        match self {
            TableRequest::Inet(r) => r.emit_payload(buf),
            TableRequest::TcpBoth(r) => r.emit_payload(buf),
            TableRequest::Unix(r) => r.emit_payload(buf),
            TableRequest::Netlink(r) => r.emit_payload(buf),
            TableRequest::Packet(r) => r.emit_payload(buf),
        }
    }

    fn is_dump(&self) -> bool {
        match self {
            TableRequest::Inet(r) => r.is_dump(),
            TableRequest::TcpBoth(r) => r.is_dump(),
            TableRequest::Unix(r) => r.is_dump(),
            TableRequest::Netlink(r) => r.is_dump(),
            TableRequest::Packet(r) => r.is_dump(),
        }
    }
}

impl Table {
    /// The name in ss's `-A` list and in messages.
    pub const fn name(self) -> &'static str {
        match self {
            Table::Tcp => "tcp",
            Table::Udp => "udp",
            Table::Raw => "raw",
            Table::Unix => "unix",
            Table::Netlink => "netlink",
            Table::Packet => "packet",
            Table::Sctp => "sctp",
            Table::Mptcp => "mptcp",
        }
    }

    /// The kernel module and the config option behind the table.
    pub const fn module(self) -> (&'static str, &'static str) {
        match self {
            Table::Tcp => ("tcp_diag", "CONFIG_INET_TCP_DIAG"),
            Table::Udp => ("udp_diag", "CONFIG_INET_UDP_DIAG"),
            Table::Raw => ("raw_diag", "CONFIG_INET_RAW_DIAG"),
            Table::Unix => ("unix_diag", "CONFIG_UNIX_DIAG"),
            Table::Netlink => ("netlink_diag", "CONFIG_NETLINK_DIAG"),
            Table::Packet => ("packet_diag", "CONFIG_PACKET_DIAG"),
            Table::Sctp => ("sctp_diag", "CONFIG_INET_SCTP_DIAG"),
            Table::Mptcp => ("mptcp_diag", "CONFIG_INET_MPTCP_DIAG"),
        }
    }

    /// What kind of record the table sends.
    pub(crate) const fn kind(self) -> RecordKind {
        use inet_wire::proto;
        match self {
            Table::Tcp => RecordKind::Inet {
                protocol: proto::TCP,
            },
            Table::Udp => RecordKind::Inet {
                protocol: proto::UDP,
            },
            Table::Raw => RecordKind::Inet {
                protocol: proto::RAW,
            },
            Table::Sctp => RecordKind::Inet {
                protocol: proto::SCTP,
            },
            Table::Mptcp => RecordKind::Inet {
                protocol: proto::MPTCP,
            },
            Table::Unix => RecordKind::Unix,
            Table::Netlink => RecordKind::Netlink,
            Table::Packet => RecordKind::Packet,
        }
    }

    /// True for the tables served through inet_diag.
    pub const fn is_inet(self) -> bool {
        matches!(self.kind(), RecordKind::Inet { .. })
    }

    /// SCTP and MPTCP come with every listing; like ss, say nothing when
    /// their diag module is missing unless they were asked for by name.
    pub(crate) fn missing_is_silent(self, named: bool, outcome: &Outcome) -> bool {
        const ENOENT: i32 = 2;
        matches!(self, Table::Sctp | Table::Mptcp)
            && !named
            && matches!(outcome, Outcome::Failed(ENOENT) | Outcome::Refused(ENOENT))
    }

    /// The one request that dumps both IP families of the table for
    /// `query` in one walk of the kernel's tables, when there is one: TCP
    /// (the legacy request serves no other protocol) asked for both. The
    /// kernel may refuse it; [`Table::requests`] then asks the same.
    pub(crate) fn one_walk<'a>(self, query: &Query<'a>) -> Option<TableRequest<'a>> {
        match self {
            Table::Tcp => inet::both_families(query).map(TableRequest::TcpBoth),
            _ => None,
        }
    }

    /// The requests that dump the table for `query`, in order: one per IP
    /// family for an inet table, none for a table the states rule out.
    pub(crate) fn requests<'a>(
        self,
        query: &Query<'a>,
    ) -> impl Iterator<Item = TableRequest<'a>> + 'a {
        let query = *query;
        // An inet table sends one request per family; the others one or
        // none.
        let (inet, other) = match self.kind() {
            RecordKind::Inet { protocol } => (Some(inet::requests(&query, protocol)), None),
            RecordKind::Unix => (None, Some(TableRequest::Unix(unix::request(&query)))),
            RecordKind::Netlink => (None, netlink::request(&query).map(TableRequest::Netlink)),
            RecordKind::Packet => (None, packet::request(&query).map(TableRequest::Packet)),
        };
        inet.into_iter().flatten().chain(other)
    }
}
