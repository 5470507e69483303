//! The library: a blocking [`Client`] over one sock_diag socket, asked
//! with a [`Query`] and answering with [`Record`]s borrowed from its
//! receive buffer. It walks tables exactly as the `sockdiag` listing does
//! (the listing calls the same walk), so the library and the command
//! agree on every row.

use std::ffi::OsStr;

use sockdiag_codec::filter::socket::Entry;
use sockdiag_codec::wire::conversation::Outcome;
use sockdiag_codec::wire::datagram::Body;
use sockdiag_codec::wire::inet::InetRecord;

use crate::error::Error;
use crate::host::services::ephemeral_range;
use crate::kernel::netns::{self, Netns, Scope, Target};
use crate::kernel::socket::RECV_BUF;
use crate::kernel::source::Source;
use crate::modes::kill::{Closed, Killer};
use crate::tables::explain::explain;
use crate::tables::RecordKind;

pub use sockdiag_codec::filter::states::StateSet;

mod events;
mod query;
mod record;
pub(crate) mod walk;

pub use events::{Event, Events};
pub use query::Query;
pub use record::{OwnedInet, Record};

use walk::Records;

/// A sock_diag socket in one network namespace, with its receive buffer.
///
/// Records are handed to a callback rather than returned by an iterator:
/// each borrows the datagram in the client's buffer, which the next
/// receive overwrites, and a callback lets that borrow end before the
/// next receive without a lending-iterator trait or unsafe code. Nothing
/// is allocated per record; [`Record::to_owned_inet`] copies one out.
///
/// A client receives every dump in the caller's process. (The `sockdiag`
/// command receives a long dump in a forked second process while it
/// decodes; a library must not make processes its caller did not ask for.)
pub struct Client {
    src: Source,
    buf: Vec<u8>,
    /// The namespace's ephemeral port range (the filter's `autobound`).
    ephemeral: (u16, u16),
    netns: Netns,
}

impl Client {
    /// A client in the calling thread's network namespace.
    pub fn new() -> Result<Client, Error> {
        Client::within(Netns::own())
    }

    /// A client in another network namespace, named as `ip netns` names
    /// it (`NAME`), by a namespace file's path (`/proc/PID/ns/net`), or
    /// `pid:PID`. Entering one needs CAP_SYS_ADMIN.
    pub fn in_namespace(namespace: impl AsRef<OsStr>) -> Result<Client, Error> {
        let target = Target::parse(namespace.as_ref()).map_err(Error::Argument)?;
        Client::within(netns::open(&target)?)
    }

    /// A client in each network namespace of the host, the caller's own
    /// first, as `sockdiag --all-netns` finds them (named ones by name,
    /// then the others by their lowest process). Namespaces that cannot
    /// be entered are left out, their errors returned beside.
    pub fn every_namespace() -> Result<(Vec<Client>, Vec<Error>), Error> {
        let selected = netns::select(&Scope::All)?;
        let mut errors: Vec<Error> = selected.errors.into_iter().map(Error::Netns).collect();
        let mut clients = Vec::new();
        for ns in selected.namespaces {
            match Client::within(ns) {
                Ok(client) => clients.push(client),
                Err(Error::Netns(e)) if !e.is_fatal() => errors.push(Error::Netns(e)),
                Err(e) => return Err(e),
            }
        }
        Ok((clients, errors))
    }

    /// The name of the client's namespace under /run/netns, `None` for
    /// the caller's own and for unnamed ones.
    pub fn namespace(&self) -> Option<&str> {
        self.netns.name.as_deref()
    }

    fn within(netns: Netns) -> Result<Client, Error> {
        let ephemeral = netns.within(ephemeral_range)?;
        Ok(Client {
            src: Source::kernel(netns.try_clone()?)?,
            buf: vec![0; RECV_BUF],
            ephemeral,
            netns,
        })
    }

    /// Dumps what `query` asks for and hands each socket to `each`, in the
    /// kernel's order, as it is decoded. The filter runs in the kernel,
    /// and again here on each record the kernel sent. A table the kernel
    /// cannot dump (its diag module missing) is [`Error::Dump`], naming
    /// the module. The whole reply is always read, so the socket is ready
    /// for the next query: to stop early, ignore the records that follow.
    pub fn for_each(&mut self, query: &Query, each: impl FnMut(&Record<'_>)) -> Result<(), Error> {
        let table = query.table();
        let mut sink = Sink {
            query,
            ephemeral: self.ephemeral,
            each,
        };
        let outcome = walk::walk(
            &mut self.src,
            &mut self.buf,
            table,
            &query.tables_query(),
            false,
            &mut sink,
        )?;
        match outcome {
            Outcome::Done => Ok(()),
            other => Err(Error::Dump(explain(table, &other).unwrap_or_else(|| {
                format!("the kernel refused the {} dump", table.name())
            }))),
        }
    }

    /// Every socket `query` selects, copied out (allocates per socket;
    /// [`Client::for_each`] does not). Inet tables only: the others' records
    /// are skipped.
    pub fn collect(&mut self, query: &Query) -> Result<Vec<OwnedInet>, Error> {
        let mut out = Vec::new();
        self.for_each(query, |r| out.extend(r.to_owned_inet()))?;
        Ok(out)
    }

    /// Closes every socket `query` selects (SOCK_DESTROY, as `ss -K`;
    /// needs CAP_NET_ADMIN and a kernel with CONFIG_INET_DIAG_DESTROY)
    /// and returns how many the kernel closed. Inet tables only.
    pub fn kill(&mut self, query: &Query) -> Result<usize, Error> {
        let protocol = match query.table().kind() {
            RecordKind::Inet { protocol } => protocol,
            _ => {
                return Err(Error::Argument(format!(
                    "cannot close {} sockets",
                    query.table().name()
                )))
            }
        };
        let mut killer = self.netns.within(Killer::open)??;
        let mut selected = Vec::new();
        self.for_each(query, |r| selected.extend(r.to_owned_inet()))?;
        let mut closed = 0;
        for socket in &selected {
            if killer.close(&socket.record(), protocol)? == Closed::Yes {
                closed += 1;
            }
        }
        Ok(closed)
    }

    /// The destroy events of this client's namespace: TCP sockets
    /// (`tcp`) and UDP sockets (`!tcp`) of both IP families as the kernel
    /// frees them. Needs CAP_NET_ADMIN.
    pub fn events(&self, tcp: bool) -> Result<Events, Error> {
        Events::open(self.netns.try_clone()?, tcp)
    }
}

/// A library caller's side of a walk: the record as a [`Record`], after
/// the filter's user-space check.
struct Sink<'q, F> {
    query: &'q Query,
    ephemeral: (u16, u16),
    each: F,
}

impl<F: FnMut(&Record<'_>)> Sink<'_, F> {
    fn inet(&mut self, rec: &InetRecord<'_>) {
        if let Some(filter) = self.query.expr() {
            let (lo, hi) = self.ephemeral;
            let auto = (lo..=hi).contains(&rec.id.sport);
            if !filter.eval(&Entry::from_record(rec, auto)) {
                return;
            }
        }
        if self.query.states_set().contains(rec.state) {
            (self.each)(&Record::Inet(rec));
        }
    }
}

impl<F: FnMut(&Record<'_>)> Records for Sink<'_, F> {
    fn record(&mut self, kind: RecordKind, family: u8, body: &Body<'_>) -> Result<(), Error> {
        use sockdiag_codec::family::UNSPEC;
        match (kind, body) {
            (RecordKind::Inet { .. }, Body::Inet(rec))
                if rec.family == family || family == UNSPEC =>
            {
                self.inet(rec)
            }
            (RecordKind::Unix, Body::Unix(rec)) => (self.each)(&Record::Unix(rec)),
            (RecordKind::Netlink, Body::Netlink(rec)) => (self.each)(&Record::Netlink(rec)),
            (RecordKind::Packet, Body::Packet(rec)) => (self.each)(&Record::Packet(rec)),
            _ => return Err(Error::Malformed(sockdiag_codec::Error::BadFamily)),
        }
        Ok(())
    }

    fn proc_inet(&mut self, rec: &InetRecord<'_>) -> Result<(), Error> {
        self.inet(rec);
        Ok(())
    }
}
