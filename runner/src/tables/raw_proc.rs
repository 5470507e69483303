//! The raw table from /proc for the library's walk: kernels built without
//! `raw_diag` answer a raw dump with ENOENT, and ss then reads
//! `/proc/net/raw{,6}`; so does the walk, through the same line reader as
//! the listing's fallback (and the capture, with `--dump-raw`).

use std::path::PathBuf;

use sockdiag_codec::family;
use sockdiag_codec::proc::inet::{ProcInet, Table as InetLayout, USER_HZ};
use sockdiag_codec::proc::ProcFile;

use crate::client::walk::Records;
use crate::error::Error;
use crate::kernel::source::Source;

/// Lists the raw sockets of `family` from the namespace's
/// /proc/net/raw{,6}. Returns false when there is no such file (no /proc),
/// so the caller reports the missing raw_diag instead.
pub(crate) fn list(src: &mut Source, p: &mut dyn Records, family: u8) -> Result<bool, Error> {
    let file = if family == family::INET6 {
        ProcFile::Raw6
    } else {
        ProcFile::Raw
    };
    let path = PathBuf::from(src.proc_net()).join(file.name());
    let read = src.proc_lines(file, &path, &mut |n, line| {
        // A raw line has no timer columns: the clock tick is not needed.
        let row =
            ProcInet::parse(line, InetLayout::Raw, USER_HZ).map_err(|error| Error::ProcLine {
                path: path.clone(),
                line: n,
                error,
            })?;
        match row {
            Some(row) => p.proc_inet(&row.record),
            None => Ok(()),
        }
    })?;
    Ok(read.is_ok())
}
