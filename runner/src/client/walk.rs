//! The walk of one table, shared by the listing and the library: both IP
//! families in one request when the table and the kernel allow it, else
//! request by request, with the /proc fallback where a diag module is
//! missing. Records go to a [`Records`] sink as they are decoded.

use sockdiag_codec::wire::conversation::Outcome;
use sockdiag_codec::wire::datagram::Body;
use sockdiag_codec::wire::inet::InetRecord;

use crate::error::Error;
use crate::kernel::dump::{dump, replies};
use crate::kernel::source::Source;
use crate::tables::{raw_proc, Query, RecordKind, Table};

const ENOENT: i32 = 2;

/// Where a walk's records go: the listing's printer, or a library caller.
pub(crate) trait Records {
    /// A record of the kernel's dump of a table of `kind`, asked for
    /// `family` (`AF_UNSPEC`: both IP families).
    fn record(&mut self, kind: RecordKind, family: u8, body: &Body<'_>) -> Result<(), Error>;
    /// A socket read from /proc, where the kernel has no diag module:
    /// only what /proc says (no queues' attributes, no protocol table).
    fn proc_inet(&mut self, rec: &InetRecord<'_>) -> Result<(), Error>;
    /// A dump of `table` ended in `outcome`; where that says a module is
    /// missing, the listing reads `families` (this request's and those
    /// after it) from /proc instead and says how that ended. `None`: the
    /// walk goes on as without it (the library's sink).
    fn fallback(
        &mut self,
        _src: &mut Source,
        _table: Table,
        _outcome: &Outcome,
        _families: &[u8],
    ) -> Result<Option<Outcome>, Error> {
        Ok(None)
    }
}

pub(crate) fn is_enoent(outcome: &Outcome) -> bool {
    matches!(outcome, Outcome::Failed(ENOENT) | Outcome::Refused(ENOENT))
}

/// Dumps `table` for `query` into `sink`; returns how the last request
/// ended (a failed request stops the walk, unless the sink's
/// [`Records::fallback`] reads what it lacks from /proc). `per_family`: one request per
/// family and no /proc (`-K`, which closes each socket by its family's
/// exact id, and cannot close what /proc shows). The sink is `dyn`: one
/// copy of the walk serves the printer, `-K` and the library, where a
/// copy per sink cost the s390x binary 3 KB.
pub(crate) fn walk(
    src: &mut Source,
    buf: &mut [u8],
    table: Table,
    query: &Query<'_>,
    per_family: bool,
    sink: &mut dyn Records,
) -> Result<Outcome, Error> {
    if !per_family {
        // A snapshot also holds each family's own answer, for a later
        // query of one family.
        let outcome = one_walk(src, buf, table, query, sink)?;
        if let (Some(outcome), false) = (outcome, src.records_snapshot()) {
            return Ok(outcome);
        }
    }
    for (at, request) in table.requests(query).enumerate() {
        let family = request.family();
        let mut outcome = dump(src, buf, &request, family, |body| {
            sink.record(table.kind(), family, body)
        })?;
        if !per_family {
            let rest = query.families.get(at..).unwrap_or_default();
            if let Some(outcome) = sink.fallback(src, table, &outcome, rest)? {
                return Ok(outcome);
            }
        }
        // Many kernels ship without raw_diag; ss then reads /proc, and a
        // user of ss expects the same list.
        if table == Table::Raw
            && is_enoent(&outcome)
            && !per_family
            && raw_proc::list(src, sink, family)?
        {
            outcome = Outcome::Done;
        }
        if outcome != Outcome::Done {
            return Ok(outcome);
        }
    }
    Ok(Outcome::Done)
}

/// Dumps both IP families of the table with one request, when it has one;
/// `None` when the per-family requests must ask instead: the table has no
/// such request, a capture being decoded asked per family, or the reply
/// failed before any record. A kernel without the legacy request refuses
/// it (EINVAL, or EOPNOTSUPP without the compat handler); any other failure
/// is left to the per-family requests too, so that what is said about it
/// stays the same as without this request.
fn one_walk(
    src: &mut Source,
    buf: &mut [u8],
    table: Table,
    query: &Query<'_>,
    sink: &mut dyn Records,
) -> Result<Option<Outcome>, Error> {
    let (Some(request), Some(first)) = (table.one_walk(query), table.requests(query).next()) else {
        return Ok(None);
    };
    let Some(seq) = src.offer(&request, &first)? else {
        return Ok(None);
    };
    let family = request.family();
    let mut records = 0usize;
    let outcome = replies(src, buf, seq, family, |body| {
        records += 1;
        sink.record(table.kind(), family, body)
    })?;
    if outcome != Outcome::Done && records == 0 {
        return Ok(None);
    }
    Ok(Some(outcome))
}
