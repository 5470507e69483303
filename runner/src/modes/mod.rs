//! What a run does: `list.rs` is the ss listing; `events.rs` is `-E`;
//! `watch.rs`, `wait.rs`, `metrics.rs` and `serve.rs` are the subcommands.
//! Each is built from the same rooms: cli for its options, tables for what
//! to ask, kernel for asking, output for printing. `stop.rs` is how the
//! long-running ones wait and end, `namespaces.rs` what they open in each
//! network namespace they cover; `kill.rs` is `-K`, `diag_dump.rs` reads
//! and writes ss's `-D` files.

use crate::cli::{Mode, Options};
use crate::error::Error;

pub mod diag_dump;
pub mod events;
pub mod kill;
pub mod list;
pub mod metrics;
mod namespaces;
pub mod serve;
mod stop;
pub mod wait;
pub mod watch;

/// Runs what `opts` asks for. `Ok(false)`: exit 1, the reason said on
/// stderr (a missing table, a `wait` that timed out).
pub fn run(opts: &Options) -> Result<bool, Error> {
    match &opts.mode {
        Mode::List => match &opts.diag_dump {
            Some(path) => diag_dump::run(opts, path),
            None => list::run(opts),
        },
        Mode::Events => events::run(opts),
        Mode::Wait(w) => wait::run(opts, w),
        Mode::Watch(w) => watch::run(opts, w),
        Mode::Metrics(m) => metrics::run(opts, m),
        Mode::Serve(s) => serve::run(opts, s),
    }
}

/// The wall-clock time, for the timestamps of the streams (`-E -j`,
/// `watch`); a clock set before 1970 reads as the epoch.
fn now() -> sockdiag_codec::format::time::Timestamp {
    let since = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    sockdiag_codec::format::time::Timestamp {
        secs: since.as_secs(),
        micros: since.subsec_micros(),
    }
}
