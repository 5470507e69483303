//! The raw table from /proc: kernels built without `raw_diag` answer a raw
//! dump with ENOENT, and ss then reads `/proc/net/raw{,6}`; so does
//! sockdiag, through the same printer or library caller (and the capture, with `--dump-raw`).

use sockdiag_codec::family;
use sockdiag_codec::proc::inet::parse_line;
use sockdiag_codec::Error as CodecError;

use crate::client::walk::Records;
use crate::error::Error;
use crate::kernel::source::Source;

/// Lists the raw sockets of `family` from /proc/net/raw{,6}. Returns false
/// when there is no such file (no /proc), so the caller reports the missing
/// raw_diag instead.
pub(crate) fn list(src: &mut Source, p: &mut dyn Records, family: u8) -> Result<bool, Error> {
    let ipv6 = family == family::INET6;
    let path = if ipv6 {
        "/proc/net/raw6"
    } else {
        "/proc/net/raw"
    };
    let Some(text) = src.proc_raw(ipv6)? else {
        return Ok(false);
    };
    // The kernel writes ASCII; a bad byte is reported on its line.
    for (number, line) in text.split(|&b| b == b'\n').enumerate() {
        if line.is_empty() {
            continue;
        }
        let rec = std::str::from_utf8(line)
            .map_err(|_| CodecError::BadText)
            .and_then(parse_line)
            .map_err(|error| Error::ProcLine {
                path,
                line: number + 1,
                error,
            })?;
        if let Some(rec) = rec {
            p.proc_inet(&rec)?;
        }
    }
    Ok(true)
}
