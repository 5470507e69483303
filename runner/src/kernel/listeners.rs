//! The accept queues of TCP listeners, as `watch`, `metrics` and `serve`
//! read them: one LISTEN-only request per family (the kernel then walks
//! its listener table alone, however many connections the host has), with
//! SKMEMINFO for each listener's drop counter and the command line's filter
//! program; the same filter again in user space, as the listing does.

use std::net::IpAddr;

use sockdiag_codec::family;
use sockdiag_codec::filter::bytecode::FilteredReq;
use sockdiag_codec::filter::expr::Expr;
use sockdiag_codec::filter::socket::Entry;
use sockdiag_codec::filter::states::StateSet;
use sockdiag_codec::wire::conversation::Outcome;
use sockdiag_codec::wire::datagram::{Body, Messages};
use sockdiag_codec::wire::inet::{self, attr_kind, ext_bit, proto, InetRecord, SockId, TcpState};
use sockdiag_codec::wire::inet_legacy;
use sockdiag_codec::wire::sock_diag::idx;

use crate::cli::Options;
use crate::error::Error;
use crate::kernel::dump::{dump, replies};
use crate::kernel::source::Source;
use crate::tables::explain::explain;
use crate::tables::Table;

/// One TCP listener's accept queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Listener {
    /// `AF_INET` or `AF_INET6`.
    pub family: u8,
    pub address: IpAddr,
    pub port: u16,
    /// The kernel's socket cookie: tells SO_REUSEPORT shards apart.
    pub cookie: u64,
    /// The interface it is bound to (0: none), for an exact lookup.
    pub ifindex: u32,
    /// Connections waiting to be accepted.
    pub queue: u32,
    /// The backlog limit given to listen().
    pub limit: u32,
    /// Connections the listener dropped since it was created
    /// (`SK_MEMINFO_DROPS`, from 4.7).
    pub drops: Option<u32>,
}

impl Listener {
    /// The order listeners are reported in: family, address, port, then
    /// cookie, so SO_REUSEPORT shards follow one another in creation
    /// order.
    pub fn order(&self) -> (u8, IpAddr, u16, u64) {
        (self.family, self.address, self.port, self.cookie)
    }
}

/// A listener dump's end: an error naming the module unless it is done.
fn check(outcome: &Outcome) -> Result<(), Error> {
    if *outcome == Outcome::Done {
        return Ok(());
    }
    let msg = explain(Table::Tcp, outcome)
        .unwrap_or_else(|| "the kernel refused the listener dump".into());
    Err(Error::Dump(msg))
}

/// A listener record as a [`Listener`].
fn listener_of(rec: &InetRecord<'_>, family: u8) -> Result<Listener, Error> {
    let details = rec.details(proto::TCP).map_err(Error::Malformed)?;
    Ok(Listener {
        family,
        address: rec.id.src,
        port: rec.id.sport,
        cookie: rec.id.cookie,
        ifindex: rec.id.ifindex,
        queue: rec.rqueue,
        limit: rec.wqueue,
        drops: details.skmem.and_then(|m| m.get(idx::DROPS)),
    })
}

/// Where `listener` goes in `list`, kept in [`Listener::order`] by its
/// callers (a binary search; no sort is instantiated): `Ok` for the
/// index of the same listener, `Err` for where to insert it.
pub fn position<T>(
    list: &[T],
    listener: &Listener,
    of: impl Fn(&T) -> &Listener,
) -> Result<usize, usize> {
    let key = listener.order();
    list.binary_search_by(|t| of(t).order().cmp(&key))
}

/// The listeners of one namespace: what `Source` reaches.
pub struct ListenerQuery<'a> {
    pub opts: &'a Options,
    /// The filter as the namespace asked names its interfaces.
    pub filter: &'a Expr,
    /// The filter program (empty: none).
    pub program: &'a [u8],
    /// ss's `autobound` range.
    pub ephemeral: (u16, u16),
}

impl ListenerQuery<'_> {
    /// Hands every listener to `each`, with whether it matches the filter
    /// (with a filter program, the kernel sends only those that may): both
    /// IP families in one walk of the kernel's listener table when the
    /// kernel has the legacy request, else family by family. The walk, not
    /// the listeners, is what a dump costs: every bucket of the host's
    /// listener table, whatever the namespace holds (16,384 buckets, about
    /// 50 us, on a 24 GiB host), so one walk halves the cost of a scrape
    /// over many namespaces. A dump the kernel refuses (no tcp_diag) is an
    /// error naming the module.
    pub fn sample(
        &self,
        src: &mut Source,
        buf: &mut [u8],
        mut each: impl FnMut(Listener, bool),
    ) -> Result<(), Error> {
        self.sample_each(src, buf, &mut each)
    }

    /// [`ListenerQuery::sample`], compiled once for all its callers.
    fn sample_each(
        &self,
        src: &mut Source,
        buf: &mut [u8],
        each: &mut dyn FnMut(Listener, bool),
    ) -> Result<(), Error> {
        let families = self.opts.families();
        if families == [family::INET, family::INET6] && self.sample_in_one_walk(src, buf, each)? {
            return Ok(());
        }
        for family in families {
            let request = self.request(family);
            let outcome = dump(src, buf, &request, family, |body| {
                self.pass(body, Some(family), each)
            })?;
            check(&outcome)?;
        }
        Ok(())
    }

    /// The LISTEN-only request for one family, with each listener's
    /// SKMEMINFO and the filter program.
    fn request(&self, family: u8) -> FilteredReq<'_, inet::ReqRepr> {
        let mut req = inet::ReqRepr::dump(family, proto::TCP, StateSet::LISTEN.0);
        req.ext = ext_bit(attr_kind::SKMEMINFO);
        FilteredReq {
            req,
            bytecode: self.program,
            bpf_storages: false,
        }
    }

    /// Both families with the legacy request; `false` when it must be
    /// asked per family instead: a capture asked that way, or the kernel
    /// refused it before any record (no compat handler).
    fn sample_in_one_walk(
        &self,
        src: &mut Source,
        buf: &mut [u8],
        each: &mut dyn FnMut(Listener, bool),
    ) -> Result<bool, Error> {
        let mut req = inet_legacy::ReqRepr::dump(StateSet::LISTEN.0);
        req.ext = ext_bit(attr_kind::SKMEMINFO);
        let request = FilteredReq {
            req,
            bytecode: self.program,
            bpf_storages: false,
        };
        let Some(seq) = src.offer(&request, &self.request(family::INET))? else {
            return Ok(false);
        };
        let mut records = 0usize;
        let outcome = replies(src, buf, seq, family::UNSPEC, |body| {
            records += 1;
            self.pass(body, None, each)
        })?;
        if outcome != Outcome::Done && records == 0 {
            return Ok(false);
        }
        check(&outcome)?;
        Ok(true)
    }

    /// Hands a dumped record to `each` if it is a listener of `family`
    /// (`None`: of either IP family).
    fn pass(
        &self,
        body: &Body<'_>,
        family: Option<u8>,
        each: &mut dyn FnMut(Listener, bool),
    ) -> Result<(), Error> {
        let Body::Inet(rec) = body else {
            return Ok(());
        };
        let wanted = match family {
            Some(f) => rec.family == f,
            None => rec.family == family::INET || rec.family == family::INET6,
        };
        if !wanted || rec.state != TcpState::Listen {
            return Ok(());
        }
        let (lo, hi) = self.ephemeral;
        let auto = (lo..=hi).contains(&rec.id.sport);
        let matches = self.filter.eval(&Entry::from_record(rec, auto));
        each(listener_of(rec, rec.family)?, matches);
        Ok(())
    }

    /// `listener` again, by an exact lookup of its address, port, interface
    /// and cookie: one message back and no table walk, the cheap way to
    /// sample a few known listeners often. `None` when the kernel has no
    /// such listener any more (or, for an SO_REUSEPORT group, picked
    /// another shard): the caller then dumps.
    pub fn lookup(
        &self,
        src: &mut Source,
        buf: &mut [u8],
        listener: &Listener,
    ) -> Result<Option<Listener>, Error> {
        let family = listener.family;
        let mut req = inet::ReqRepr::dump(family, proto::TCP, StateSet::LISTEN.0);
        req.ext = ext_bit(attr_kind::SKMEMINFO);
        req.dump = false;
        req.id = SockId {
            sport: listener.port,
            src: listener.address,
            ifindex: listener.ifindex,
            cookie: listener.cookie,
            ..SockId::any(family)
        };
        let seq = src.send(&req)?;
        // The answer is one message, the record or an error; no DONE.
        let datagram = src.recv(buf)?;
        for message in Messages::new(datagram) {
            let message = message.map_err(Error::Malformed)?;
            if message.header.seq != seq {
                continue;
            }
            return Ok(match message.body {
                Body::Inet(rec)
                    if rec.state == TcpState::Listen && rec.id.cookie == listener.cookie =>
                {
                    Some(listener_of(&rec, family)?)
                }
                _ => None,
            });
        }
        Ok(None)
    }
}
