//! ss's raw dump file: what `ss -D FILE` (and `sockdiag -D FILE`) writes,
//! the TCP table's replies as the kernel sent them, and what ss reads back
//! in place of a TCP dump when the `TCPDIAG_FILE` variable names a file
//! (PROTOCOL.md, "ss's raw dump files"). No header: netlink messages one
//! after the other, each padded to 4 bytes, in the writing host's byte
//! order, a batch per request ending in `NLMSG_DONE`.
//!
//! Read a message at a time, so memory stays flat however long the file
//! is; every message is checked by the codec like one from the kernel.

use std::fs::File;
use std::io::{BufReader, ErrorKind, Read, Write};
use std::path::{Path, PathBuf};

use sockdiag_codec::wire::datagram::{Body, Messages};
use sockdiag_codec::wire::inet::proto;
use sockdiag_codec::wire::nlmsg::HEADER_LEN;

use crate::error::Error;
use crate::output::printer::Printer;

/// The variable ss reads the file name from.
pub const ENV: &str = "TCPDIAG_FILE";

/// The sequence number ss puts in its requests (`MAGIC_SEQ`), which every
/// reply in its files carries.
pub const SS_SEQ: u32 = 123_456;

/// Longest message taken from a file: the kernel's dump datagrams are at
/// most 32 KiB, and a length beyond this is a damaged file.
const MAX_MESSAGE: usize = 64 * 1024;

/// What went wrong with a raw dump file; each names the file.
#[derive(Debug)]
pub struct DiagFileError {
    pub path: PathBuf,
    pub what: String,
}

impl std::fmt::Display for DiagFileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}: {}", ENV, self.path.display(), self.what)
    }
}

fn fail(path: &Path, what: String) -> Error {
    Error::DiagFile(DiagFileError {
        path: path.to_owned(),
        what,
    })
}

/// Whether the file at `path` starts as ss's raw dump does, with a netlink
/// message a dump answers (a sockdiag capture starts with its magic):
/// how `--decode` tells the two apart by content.
pub fn is_diag_file(path: &Path) -> bool {
    let mut head = [0u8; HEADER_LEN];
    let read = File::open(path).and_then(|mut f| f.read_exact(&mut head));
    let len = u32::from_ne_bytes([head[0], head[1], head[2], head[3]]) as usize;
    let kind = u16::from_ne_bytes([head[4], head[5]]);
    // NLMSG_ERROR, NLMSG_DONE, TCPDIAG_GETSOCK, SOCK_DIAG_BY_FAMILY.
    read.is_ok() && (HEADER_LEN..=MAX_MESSAGE).contains(&len) && matches!(kind, 2 | 3 | 18 | 20)
}

/// Prints the TCP sockets of the file at `path`. As ss, no state or
/// family is selected (the file holds what the writing run asked for),
/// only the filter expression; unlike ss 6.1, which stops at the first
/// `NLMSG_DONE` and so shows only the IPv4 half of a two-family dump,
/// every batch is read.
pub fn list<W: Write>(path: &Path, printer: &mut Printer<'_, W>) -> Result<(), Error> {
    let file = File::open(path).map_err(|e| fail(path, format!("cannot open: {e}")))?;
    let mut file = BufReader::new(file);
    let mut msg = Vec::with_capacity(4096);
    let mut offset = 0usize;
    loop {
        msg.resize(HEADER_LEN, 0);
        match file.read_exact(&mut msg) {
            Ok(()) => {}
            Err(e) if e.kind() == ErrorKind::UnexpectedEof => {
                return match offset {
                    0 => Err(fail(path, "is empty: no netlink message".into())),
                    _ => Ok(()),
                };
            }
            Err(e) => return Err(fail(path, format!("cannot read: {e}"))),
        }
        let len = u32::from_ne_bytes([msg[0], msg[1], msg[2], msg[3]]) as usize;
        let padded = (len + 3) & !3;
        if !(HEADER_LEN..=MAX_MESSAGE).contains(&len) {
            return Err(fail(
                path,
                format!("message at byte {offset} has an impossible length {len}"),
            ));
        }
        msg.resize(padded, 0);
        file.read_exact(&mut msg[HEADER_LEN..])
            .map_err(|e| fail(path, format!("message at byte {offset} is cut short: {e}")))?;
        for m in Messages::new(&msg) {
            let m = m.map_err(|e| fail(path, format!("message at byte {offset}: {e}")))?;
            match m.body {
                Body::Inet(rec) if printer.matches_inet(&rec) => {
                    printer.print_inet(Some(proto::TCP), &rec)?;
                }
                Body::Error { errno } if errno != 0 => {
                    return Err(fail(
                        path,
                        format!(
                            "the dump recorded at byte {offset} failed: {}",
                            std::io::Error::from_raw_os_error(errno)
                        ),
                    ));
                }
                _ => {}
            }
        }
        offset += padded;
    }
}
