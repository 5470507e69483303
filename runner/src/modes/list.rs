//! The ss listing: the summary if asked, then every selected table dumped
//! in ss's order, each record printed as it is decoded; a table the kernel
//! cannot dump is one line on stderr while the others still print.

use std::io;

use sockdiag_codec::filter::bytecode::{self, CompileError};
use sockdiag_codec::wire::conversation::Outcome;

use crate::cli::Options;
use crate::error::Error;
use crate::kernel::dump::dump;
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
    let program = kernel_filter(opts)?;
    let families = opts.families();
    let query = query(opts, &families, &program);
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

/// The filter program the kernel runs for the inet tables (empty: none).
/// An expression it cannot run at all (a unix pattern, which leaves the
/// unix table alone listed) is left to the user-space test. Any other
/// failure would silently run the listing unfiltered in the kernel: it is
/// an error.
pub fn kernel_filter(opts: &Options) -> Result<Vec<u8>, Error> {
    let mut program = [0u8; bytecode::MAX_PROGRAM_LEN];
    let len = match bytecode::compile(&opts.filter, &mut program) {
        Ok(len) => len,
        Err(CompileError::UserSpaceOnly) => 0,
        Err(e) => return Err(Error::FilterTooLarge(e)),
    };
    Ok(program[..len].to_vec())
}

/// What the command line asks every table for.
pub fn query<'a>(opts: &Options, families: &'a [u8], program: &'a [u8]) -> Query<'a> {
    Query {
        states: opts.states,
        families,
        bytecode: program,
        extended: opts.extended,
        json: opts.json,
        memory: opts.details.memory,
        info: opts.details.info,
        tos: opts.details.tos,
    }
}

/// Dumps one table, request by request (an IP table: each family in
/// turn), through the printer; stops at the first request that fails.
pub fn list_table<W: io::Write>(
    src: &mut Source,
    buf: &mut [u8],
    printer: &mut Printer<'_, W>,
    table: Table,
    query: &Query<'_>,
) -> Result<Outcome, Error> {
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
