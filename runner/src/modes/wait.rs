//! `wait`: block until a socket matches the query and filter (for an init
//! script: `sockdiag wait -tl sport = :8081`), or with `--gone` until none
//! does. Each poll is the listing's own requests, filter program included,
//! printed nowhere: a listener question is a LISTEN-only request, which
//! walks the kernel's listener table alone, so waiting costs next to
//! nothing.

use std::io;
use std::time::{Duration, Instant};

use crate::cli::mode::Wait;
use crate::cli::Options;
use crate::error::Error;
use crate::host::ifnames::IfNames;
use crate::kernel::socket::RECV_BUF;
use crate::modes::list::{compile, kernel_filter, list_table, query, TableEnd};
use crate::modes::namespaces;
use crate::modes::stop::next_tick;
use crate::output::printer::{Namespace, Printer};
use crate::tables::explain::explain;
use crate::tables::proc::ProcEnv;
use sockdiag_codec::wire::conversation::Outcome;
const ENOENT: i32 = 2;

/// A duration as the user would write it back.
fn spoken(d: Duration) -> String {
    if d.subsec_nanos() == 0 {
        format!("{}s", d.as_secs())
    } else {
        format!("{}ms", d.as_millis())
    }
}

/// Polls until the condition holds (exit 0) or the timeout passes (one
/// line on stderr, exit 1). With `-N` or `--all-netns`, a match in any of
/// the namespaces found at the start counts; one that cannot be entered is
/// an error (it could hold the socket waited for).
pub fn run(opts: &Options, wait: &Wait) -> Result<bool, Error> {
    let start = Instant::now();
    let deadline = wait.timeout.map(|t| start + t);
    let (found, problems) = namespaces::select(opts)?;
    if let Some(p) = problems.first() {
        eprintln!("sockdiag: {p}");
        return Ok(false);
    }
    let mut watched = Vec::with_capacity(found.len());
    for covered in &found {
        let opened = covered.open(opts)?;
        let program = match &opened.filter {
            Some(filter) => compile(filter)?,
            None => kernel_filter(opts)?,
        };
        watched.push((opened, program));
    }
    let mut buf = vec![0u8; RECV_BUF];
    let families = opts.families();
    // Counts, prints nothing (it is a `wait` printer); stdout is its
    // writer only so the listing's printer code serves it too.
    let mut printer = Printer::new(io::stdout().lock(), opts, false);
    let env = ProcEnv::from_env();
    loop {
        let before = printer.matched();
        for (opened, program) in &mut watched {
            printer.enter(Namespace {
                label: None,
                // Nothing is printed: no names are needed.
                ifnames: IfNames::default(),
                ephemeral: opened.ephemeral,
                filter: opened.filter.clone(),
            });
            let query = query(opts, program, &families);
            for &table in &opts.tables {
                let end = list_table(
                    &mut opened.src,
                    &mut buf,
                    &mut printer,
                    table,
                    &query,
                    &env,
                    None,
                )?;
                let outcome = match end {
                    TableEnd::Dumped(outcome) => outcome,
                    // /proc answered: its rows were counted.
                    TableEnd::FromProc { .. } => continue,
                    TableEnd::NoSockDiag => Outcome::Failed(ENOENT),
                    TableEnd::Unreadable { path, error, .. } => {
                        eprintln!("sockdiag: {}: {}: {error}", table.name(), path.display());
                        return Ok(false);
                    }
                };
                if table.missing_is_silent(opts.selection.explicit(table), &outcome) {
                    continue;
                }
                if let Some(msg) = explain(table, &outcome) {
                    // Waiting on a table the kernel cannot dump would
                    // never end.
                    eprintln!("sockdiag: {msg}");
                    return Ok(false);
                }
            }
        }
        let any = printer.matched() > before;
        if any != wait.gone {
            return Ok(true);
        }
        let now = Instant::now();
        if let (Some(deadline), Some(timeout)) = (deadline, wait.timeout) {
            if now >= deadline {
                let what = if wait.gone {
                    "a matching socket is still there"
                } else {
                    "no socket matches"
                };
                eprintln!("sockdiag: wait: {what} after {}", spoken(timeout));
                return Ok(false);
            }
        }
        let tick = next_tick(start, wait.sample, now);
        let until = deadline.map_or(tick, |d| d.min(tick));
        std::thread::sleep(until.saturating_duration_since(now));
    }
}
