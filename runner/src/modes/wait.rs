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
use crate::kernel::netns::Netns;
use crate::kernel::socket::RECV_BUF;
use crate::kernel::source::Source;
use crate::modes::list::{kernel_filter, list_table, query};
use crate::modes::stop::next_tick;
use crate::output::printer::Printer;
use crate::tables::explain::explain;

/// A duration as the user would write it back.
fn spoken(d: Duration) -> String {
    if d.subsec_nanos() == 0 {
        format!("{}s", d.as_secs())
    } else {
        format!("{}ms", d.as_millis())
    }
}

/// Polls until the condition holds (exit 0) or the timeout passes (one
/// line on stderr, exit 1).
pub fn run(opts: &Options, wait: &Wait) -> Result<bool, Error> {
    let start = Instant::now();
    let deadline = wait.timeout.map(|t| start + t);
    let mut src = Source::kernel(Netns::own())?;
    let mut buf = vec![0u8; RECV_BUF];
    let program = kernel_filter(opts)?;
    let families = opts.families();
    let query = query(opts, &families, &program);
    // Counts, prints nothing (it is a `wait` printer); stdout is its
    // writer only so the listing's printer code serves it too.
    let mut printer = Printer::new(io::stdout().lock(), opts, None);
    loop {
        let before = printer.matched();
        for &table in &opts.tables {
            let outcome = list_table(&mut src, &mut buf, &mut printer, table, &query)?;
            if table.missing_is_silent(opts.selection.explicit(table), &outcome) {
                continue;
            }
            if let Some(msg) = explain(table, &outcome) {
                // Waiting on a table the kernel cannot dump would never end.
                eprintln!("sockdiag: {msg}");
                return Ok(false);
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
