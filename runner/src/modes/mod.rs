//! What a run does. Today one mode, the ss listing; the modes to come
//! (events `-E`, watch, wait, metrics, serve, kill `-K`) each get a file
//! here, built from the same rooms: cli for their options, tables for
//! what to ask, kernel for asking, output for printing.

pub mod diag_dump;
pub mod kill;
pub mod list;

use crate::cli::Options;
use crate::error::Error;

/// Runs what the command line asks for. `Ok(false)`: something was
/// missing (said on stderr), the rest done.
pub fn run(opts: &Options) -> Result<bool, Error> {
    match &opts.diag_dump {
        Some(path) => diag_dump::run(opts, path),
        None => list::run(opts),
    }
}
