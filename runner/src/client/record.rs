//! What a [`Client`](super::Client) hands back: each socket as the codec
//! decoded it, borrowed from the receive buffer, and an owned copy of an
//! inet socket for callers that keep it past the callback.

use std::time::Duration;

use sockdiag_codec::wire::inet::{proto, InetRecord};
use sockdiag_codec::wire::inet_attr::Info;
use sockdiag_codec::wire::netlink_diag::NetlinkRecord;
use sockdiag_codec::wire::packet::PacketRecord;
use sockdiag_codec::wire::unix::UnixRecord;

/// One socket of a dump, borrowed from the client's receive buffer: valid
/// inside the callback only ([`Record::to_owned_inet`] keeps one).
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum Record<'a> {
    /// A TCP, UDP, raw, SCTP or MPTCP socket: for a listener, `rqueue` is
    /// its accept queue and `wqueue` its backlog limit.
    Inet(&'a InetRecord<'a>),
    /// A unix socket.
    Unix(&'a UnixRecord<'a>),
    /// A netlink socket.
    Netlink(&'a NetlinkRecord<'a>),
    /// A packet socket.
    Packet(&'a PacketRecord<'a>),
}

impl<'a> Record<'a> {
    /// The inet record, if this is one.
    pub fn inet(&self) -> Option<&'a InetRecord<'a>> {
        match *self {
            Record::Inet(rec) => Some(rec),
            _ => None,
        }
    }

    /// An owned copy of an inet record (its attributes copied); `None`
    /// for the other kinds.
    pub fn to_owned_inet(&self) -> Option<OwnedInet> {
        self.inet().map(OwnedInet::from)
    }
}

/// An inet socket copied out of the receive buffer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnedInet {
    /// The record's fixed part (its `attrs` empty: see [`OwnedInet::record`]).
    head: InetRecord<'static>,
    attrs: Vec<u8>,
}

impl From<&InetRecord<'_>> for OwnedInet {
    fn from(rec: &InetRecord<'_>) -> OwnedInet {
        OwnedInet {
            head: InetRecord { attrs: &[], ..*rec },
            attrs: rec.attrs.to_vec(),
        }
    }
}

impl OwnedInet {
    /// The record again, as the codec decoded it, attributes included.
    pub fn record(&self) -> InetRecord<'_> {
        InetRecord {
            attrs: &self.attrs,
            ..self.head
        }
    }

    /// The local address and port.
    pub fn local(&self) -> std::net::SocketAddr {
        (self.head.id.src, self.head.id.sport).into()
    }

    /// The remote address and port (unspecified for a listener).
    pub fn remote(&self) -> std::net::SocketAddr {
        (self.head.id.dst, self.head.id.dport).into()
    }

    /// The smoothed round-trip time from `tcp_info`, when the query asked
    /// for [`Query::info`](super::Query::info) and this is a TCP socket.
    pub fn rtt(&self) -> Option<Duration> {
        match self.record().details(proto::TCP).ok()?.info? {
            Info::Tcp(info) => Some(Duration::from_micros(info.rtt().into())),
            _ => None,
        }
    }
}
