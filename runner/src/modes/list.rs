//! The ss listing: the summary if asked, then every selected table dumped
//! in ss's order, each record printed as it is decoded; a table the kernel
//! cannot dump is one line on stderr while the others still print.

use std::io;
use std::path::PathBuf;

use sockdiag_codec::filter::bytecode::{self, CompileError};
use sockdiag_codec::wire::conversation::Outcome;

use crate::cli::Options;
use crate::error::Error;
use crate::kernel::dump::dump;
use crate::kernel::socket::NetError;
use crate::kernel::socket::RECV_BUF;
use crate::kernel::source::Source;
use crate::output::printer::Printer;
use crate::output::summary;
use crate::tables::explain::explain;
use crate::tables::proc::{self, Listed, ProcEnv, Why};
use crate::tables::{Query, Table};

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
    let env = ProcEnv::from_env();
    let mut all_ok = true;
    for &table in &opts.tables {
        let end = match list_table(&mut src, &mut buf, &mut printer, table, &query, &env) {
            Ok(end) => end,
            Err(e) => {
                // What was printed before the failure stays printed.
                let _ = printer.flush();
                return Err(e);
            }
        };
        let line = match end {
            TableEnd::Dumped(outcome) => {
                if table.missing_is_silent(opts.selection.explicit(table), &outcome) {
                    continue;
                }
                let line = explain(table, &outcome);
                all_ok &= line.is_none();
                line
            }
            // The fallback answered: a note, and the run still succeeds.
            TableEnd::FromProc { why, read } => proc::note(table, why, &read, &query),
            TableEnd::NoSockDiag => {
                // As with a missing module, what was not asked for by
                // name is not worth a word.
                if table.missing_is_silent(opts.selection.explicit(table), &Outcome::Failed(ENOENT))
                {
                    continue;
                }
                all_ok = false;
                Some(format!("{}: {}", table.name(), NetError::NoSockDiag))
            }
            TableEnd::Unreadable { why, path, error } => {
                all_ok = false;
                let missing = match why {
                    Why::Missing(_) | Why::NoSockDiag => "the kernel cannot dump it, and ",
                    Why::Variable(_) | Why::Recorded => "",
                };
                Some(format!(
                    "{}: {missing}{} cannot be read: {error}",
                    table.name(),
                    path.display()
                ))
            }
        };
        if let Some(line) = line {
            // Keep stdout and stderr in order for a reader of both.
            printer.flush()?;
            eprintln!("sockdiag: {line}");
        }
    }
    printer.close()?;
    src.finish()?;
    printer.flush()?;
    Ok(all_ok)
}

/// How one table's listing ended.
enum TableEnd {
    /// The kernel answered (or refused) the dump.
    Dumped(Outcome),
    /// /proc answered: these files were read.
    FromProc { why: Why, read: Vec<PathBuf> },
    /// The kernel has no sock_diag and the table has no /proc file.
    NoSockDiag,
    /// The table had to come from /proc, and this file could not be read.
    Unreadable {
        why: Why,
        path: PathBuf,
        error: io::Error,
    },
}

/// Why a table is not asked of the kernel at all: a variable of ss's
/// points at its /proc file, the kernel has no sock_diag, or the capture
/// being decoded read it from /proc.
fn proc_first(src: &mut Source, table: Table, env: &ProcEnv) -> Result<Option<Why>, Error> {
    let Some((first, _)) = proc::files(table) else {
        return Ok(None);
    };
    if src.is_replay() {
        return Ok(src.proc_is_next(first).then_some(Why::Recorded));
    }
    if let Some(var) = env.forced_by(table) {
        return Ok(Some(Why::Variable(var)));
    }
    Ok((!src.has_sock_diag()?).then_some(Why::NoSockDiag))
}

/// What a failed dump says is missing, when /proc can stand in: the
/// module (or, when sock_diag has no handler for IP at all, inet_diag).
fn missing(table: Table, outcome: &Outcome) -> Option<&'static str> {
    const EPROTONOSUPPORT: i32 = 93;
    proc::files(table)?;
    match *outcome {
        Outcome::Refused(ENOENT | EPROTONOSUPPORT) if table.is_inet() => Some("inet_diag"),
        Outcome::Refused(ENOENT | EPROTONOSUPPORT) | Outcome::Failed(ENOENT | EPROTONOSUPPORT) => {
            Some(table.module().0)
        }
        _ => None,
    }
}

/// Lists one table: from /proc when it must, else request by request (an
/// IP table: each family in turn) through the printer; when a dump shows
/// the module missing, the families not yet listed come from /proc.
fn list_table<W: io::Write>(
    src: &mut Source,
    buf: &mut [u8],
    printer: &mut Printer<'_, W>,
    table: Table,
    query: &Query<'_>,
    env: &ProcEnv,
) -> Result<TableEnd, Error> {
    // The states rule the table out: neither the kernel nor /proc is asked.
    if table.requests(query).next().is_none() {
        return Ok(TableEnd::Dumped(Outcome::Done));
    }
    let from_proc = |src: &mut Source, printer: &mut Printer<'_, W>, why, families: &[u8]| {
        Ok(match proc::list(src, printer, table, families, env)? {
            Listed::Read(read) => TableEnd::FromProc { why, read },
            Listed::Unreadable(path, error) => TableEnd::Unreadable { why, path, error },
        })
    };
    if let Some(why) = proc_first(src, table, env)? {
        return from_proc(src, printer, why, query.families);
    }
    if !src.has_sock_diag()? {
        return Ok(TableEnd::NoSockDiag);
    }
    for (at, request) in table.requests(query).enumerate() {
        let family = request.family();
        let outcome = dump(src, buf, &request, family, |body| {
            printer.record(table.kind(), family, body)
        })?;
        if let Some(missing) = missing(table, &outcome) {
            let rest = query.families.get(at..).unwrap_or_default();
            return from_proc(src, printer, Why::Missing(missing), rest);
        }
        if outcome != Outcome::Done {
            return Ok(TableEnd::Dumped(outcome));
        }
    }
    Ok(TableEnd::Dumped(Outcome::Done))
}
