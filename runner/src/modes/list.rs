//! The ss listing: the summary if asked, then every selected table dumped
//! in ss's order, each record printed as it is decoded; a table the kernel
//! cannot dump is one line on stderr while the others still print.

use std::io;

use sockdiag_codec::filter::bytecode::{self, CompileError};
use sockdiag_codec::wire::conversation::Outcome;
use sockdiag_codec::wire::datagram::Body;

use crate::cli::Options;
use crate::error::Error;
use crate::kernel::diag_file;
use crate::kernel::dump::dump;
use crate::kernel::socket::RECV_BUF;
use crate::kernel::source::Source;
use crate::modes::kill::{Closed, Killer};
use crate::output::printer::Printer;
use crate::output::summary;
use crate::tables::explain::explain;
use crate::tables::{raw_proc, Query, RecordKind, Table};

const EPERM: i32 = 1;
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
    let mut program = [0u8; bytecode::MAX_PROGRAM_LEN];
    let families = opts.families();
    let query = query(opts, &mut program, &families)?;
    let mut killer = match opts.kill {
        true => Some(Killer::open()?),
        false => None,
    };
    let listed = list_tables(
        opts,
        &mut src,
        &mut buf,
        &mut printer,
        &query,
        killer.as_mut(),
    );
    // What was listed (and, with -K, closed) is printed even when a later
    // table failed.
    printer.close()?;
    printer.flush()?;
    let mut all_ok = listed?;
    for (protocol, n) in killer.iter().flat_map(|k| &k.left_open) {
        let name = sockdiag_codec::format::names::inet_netid(*protocol);
        eprintln!(
            "sockdiag: -K: {n} {name} socket{} left open: the kernel cannot close {name} sockets",
            if *n == 1 { "" } else { "s" }
        );
        all_ok = false;
    }
    src.finish()?;
    Ok(all_ok)
}

/// What every table is asked for: the states, families and extensions of
/// the command line, and the filter compiled into `program`. The kernel
/// runs the filter; an expression it cannot run at all (a unix pattern,
/// which leaves the unix table alone listed) is left to the user-space
/// test. Any other failure would silently run the listing unfiltered in
/// the kernel: it is an error.
pub fn query<'a>(
    opts: &Options,
    program: &'a mut [u8; bytecode::MAX_PROGRAM_LEN],
    families: &'a [u8],
) -> Result<Query<'a>, Error> {
    let len = match bytecode::compile(&opts.filter, program) {
        Ok(len) => len,
        Err(CompileError::UserSpaceOnly) => 0,
        Err(e) => return Err(Error::FilterTooLarge(e)),
    };
    Ok(Query {
        states: opts.states,
        families,
        bytecode: &program[..len],
        extended: opts.extended,
        json: opts.json,
        memory: opts.details.memory,
        info: opts.details.info,
        tos: opts.details.tos,
        bpf_storages: opts.bpf_maps.is_some(),
    })
}

/// Lists every table of the command line in turn. `Ok(false)`: a table
/// could not be dumped (said on stderr).
fn list_tables<W: io::Write>(
    opts: &Options,
    src: &mut Source,
    buf: &mut [u8],
    printer: &mut Printer<'_, W>,
    query: &Query<'_>,
    mut killer: Option<&mut Killer>,
) -> Result<bool, Error> {
    let mut all_ok = true;
    for &table in &opts.tables {
        let outcome = list_table(src, buf, printer, table, query, killer.as_deref_mut())?;
        let named = opts.selection.explicit(table);
        if table.missing_is_silent(named, &outcome) {
            continue;
        }
        // -K reads no /proc: a raw socket found there cannot be closed.
        if killer.is_some() && table == Table::Raw && !named && is_enoent(&outcome) {
            continue;
        }
        if let Some(msg) = explain(table, &outcome) {
            let eperm = matches!(outcome, Outcome::Refused(EPERM) | Outcome::Failed(EPERM));
            if eperm && table.is_inet() && opts.bpf_maps.is_some() {
                eprintln!(
                    "sockdiag: {msg}: the sockets' BPF storage (--bpf-maps, --bpf-map-id) \
                     is shown only to CAP_BPF or CAP_SYS_ADMIN"
                );
            } else {
                eprintln!("sockdiag: {msg}");
            }
            all_ok = false;
        }
    }
    Ok(all_ok)
}

fn is_enoent(outcome: &Outcome) -> bool {
    matches!(outcome, Outcome::Failed(ENOENT) | Outcome::Refused(ENOENT))
}

/// Dumps one table, request by request (an IP table: each family in
/// turn), through the printer; stops at the first request that fails.
/// With a `killer` (`-K`), each selected inet socket is closed first, and
/// printed if it was.
fn list_table<W: io::Write>(
    src: &mut Source,
    buf: &mut [u8],
    printer: &mut Printer<'_, W>,
    table: Table,
    query: &Query<'_>,
    mut killer: Option<&mut Killer>,
) -> Result<Outcome, Error> {
    printer.begin_table(table);
    // ss reads the TCP table from an `ss -D` file when TCPDIAG_FILE names
    // one.
    if table == Table::Tcp {
        if let Some(path) = std::env::var_os(diag_file::ENV) {
            diag_file::list(path.as_ref(), printer)?;
            return Ok(Outcome::Done);
        }
    }
    for request in table.requests(query) {
        let family = request.family();
        let mut outcome = dump(src, buf, &request, |body| {
            match (killer.as_deref_mut(), table.kind(), body) {
                (Some(k), RecordKind::Inet { protocol }, Body::Inet(rec))
                    if rec.family == family =>
                {
                    if printer.selects_inet(rec) && k.close(rec, protocol)? == Closed::Yes {
                        printer.print_inet(Some(protocol), rec)?;
                    }
                    Ok(())
                }
                (_, kind, body) => printer.record(kind, family, body),
            }
        })?;
        // Many kernels ship without raw_diag; ss then reads /proc, and a
        // user of ss expects the same list. Not with -K: those sockets
        // cannot be closed.
        if table == Table::Raw
            && is_enoent(&outcome)
            && killer.is_none()
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
