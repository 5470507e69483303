//! The ss listing: the summary if asked, then every selected table dumped
//! in ss's order, each record printed as it is decoded; a table the kernel
//! cannot dump is one line on stderr while the others still print.

use std::io;

use sockdiag_codec::filter::bytecode::{self, CompileError};
use sockdiag_codec::wire::conversation::Outcome;

use crate::cli::Options;
use crate::error::Error;
use crate::kernel::dump::{dump, replies};
use crate::kernel::socket::RECV_BUF;
use crate::kernel::source::Source;
use crate::output::printer::Printer;
use crate::output::summary;
use crate::tables::explain::explain;
use crate::tables::{raw_proc, Query, Table};

const ENOENT: i32 = 2;

/// Runs the listing `opts` asks for. `Ok(false)`: something was missing
/// (said on stderr), the rest printed.
pub fn run(opts: &Options) -> Result<bool, Error> {
    if opts.summary {
        let mut text = String::new();
        // Writing into a String cannot fail.
        let _ = summary::read()?.write(&mut text);
        print!("{text}");
        if opts.summary_only {
            return Ok(true);
        }
    }
    let mut src = Source::open(opts.decode.as_deref(), opts.dump_raw.as_deref())?;
    let mut buf = vec![0u8; RECV_BUF];
    let mut printer = Printer::new(io::stdout().lock(), opts);
    printer.header()?;
    // The kernel runs the filter; an expression it cannot run at all (a
    // unix pattern, which leaves the unix table alone listed) is left to
    // the user-space test. Any other failure would silently run the
    // listing unfiltered in the kernel: it is an error.
    let mut program = [0u8; bytecode::MAX_PROGRAM_LEN];
    let len = match bytecode::compile(&opts.filter, &mut program) {
        Ok(len) => len,
        Err(CompileError::UserSpaceOnly) => 0,
        Err(e) => return Err(Error::FilterTooLarge(e)),
    };
    let families = opts.families();
    let query = Query {
        states: opts.states,
        families: &families,
        bytecode: &program[..len],
        extended: opts.extended,
        json: opts.json,
        memory: opts.details.memory,
        info: opts.details.info,
        tos: opts.details.tos,
    };
    let mut all_ok = true;
    for &table in &opts.tables {
        let outcome = list_table(&mut src, &mut buf, &mut printer, table, &query)?;
        if table.missing_is_silent(opts.selection.explicit(table), &outcome) {
            continue;
        }
        if let Some(msg) = explain(table, &outcome) {
            // Keep stdout and stderr in order for a reader of both.
            printer.flush()?;
            eprintln!("sockdiag: {msg}");
            all_ok = false;
        }
    }
    printer.close()?;
    src.finish()?;
    printer.flush()?;
    Ok(all_ok)
}

/// Dumps one table through the printer: both IP families in one walk
/// when the table and the kernel can, else request by request (an IP
/// table: each family in turn), stopping at the first request that fails.
fn list_table<W: io::Write>(
    src: &mut Source,
    buf: &mut [u8],
    printer: &mut Printer<'_, W>,
    table: Table,
    query: &Query<'_>,
) -> Result<Outcome, Error> {
    if let Some(outcome) = list_in_one_walk(src, buf, printer, table, query)? {
        return Ok(outcome);
    }
    for request in table.requests(query) {
        let family = request.family();
        let mut outcome = dump(src, buf, &request, |body| {
            printer.record(table.kind(), family, body)
        })?;
        // Many kernels ship without raw_diag; ss then reads /proc, and a
        // user of ss expects the same list.
        if table == Table::Raw
            && matches!(outcome, Outcome::Failed(ENOENT) | Outcome::Refused(ENOENT))
            && raw_proc::list(src, printer, family)?
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
fn list_in_one_walk<W: io::Write>(
    src: &mut Source,
    buf: &mut [u8],
    printer: &mut Printer<'_, W>,
    table: Table,
    query: &Query<'_>,
) -> Result<Option<Outcome>, Error> {
    let (Some(request), Some(first)) = (table.one_walk(query), table.requests(query).next()) else {
        return Ok(None);
    };
    let Some(seq) = src.offer(&request, &first)? else {
        return Ok(None);
    };
    let family = request.family();
    let mut records = 0usize;
    let outcome = replies(src, buf, seq, |body| {
        records += 1;
        printer.record(table.kind(), family, body)
    })?;
    if outcome != Outcome::Done && records == 0 {
        return Ok(None);
    }
    Ok(Some(outcome))
}
