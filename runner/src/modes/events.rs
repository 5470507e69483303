//! `-E`: every TCP and UDP socket as the kernel destroys it, from the
//! sock_diag destroy groups, through the same filter and printer as the
//! listing; each event is written out at once. With `-j`, JSON Lines with
//! a timestamp: a flow log of closed connections.

use std::io;
use std::os::fd::AsFd;
use std::time::{SystemTime, UNIX_EPOCH};

use sockdiag_codec::format::time::Timestamp;
use sockdiag_codec::wire::datagram::{Body, Messages};
use sockdiag_codec::wire::sock_diag::SOCK_DIAG_BY_FAMILY;
use sockdiag_codec::Error as CodecError;

use crate::cli::Options;
use crate::error::Error;
use crate::kernel::events::{group, EventSocket, Received};
use crate::kernel::socket::RECV_BUF;
use crate::modes::stop::{Stop, Wake};
use crate::output::printer::Printer;
use crate::tables::Table;

/// The destroy groups the selected tables and families need.
fn groups(opts: &Options) -> Vec<u32> {
    let mut groups = Vec::new();
    for &family in &opts.families() {
        for table in &opts.tables {
            groups.push(group::of(family, *table == Table::Tcp));
        }
    }
    groups
}

/// The time now, for the JSON stream.
fn now() -> Timestamp {
    let since = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    Timestamp {
        secs: since.as_secs(),
        micros: since.subsec_micros(),
    }
}

/// Runs until SIGINT, SIGTERM or a closed stdout; an error reading the
/// events ends the run.
pub fn run(opts: &Options) -> Result<bool, Error> {
    let stop = Stop::install().map_err(Error::Output)?;
    let mut sock = EventSocket::open(&groups(opts))?;
    let mut buf = vec![0u8; RECV_BUF];
    let mut printer = Printer::new(io::stdout().lock(), opts, None);
    printer.header()?;
    printer.flush()?;
    loop {
        match stop.wait(&[sock.as_fd()], None).map_err(Error::Output)? {
            Wake::Ready(_) => {}
            Wake::Timeout => continue,
            Wake::Signal | Wake::OutputClosed => break,
        }
        let datagram = match sock.recv(&mut buf)? {
            Received::Datagram(d) => d,
            Received::Overrun => {
                printer.flush()?;
                match sock.lost() {
                    Some(n) => eprintln!(
                        "sockdiag: -E: the kernel dropped {n} events (receive buffer full); listening on"
                    ),
                    None => eprintln!(
                        "sockdiag: -E: the kernel dropped events (receive buffer full; \
                         how many is unknown without netlink_diag); listening on"
                    ),
                }
                continue;
            }
        };
        if opts.json {
            printer.set_json_lead(format_args!("\"timestamp\":\"{}\",", now()));
        }
        for message in Messages::new(datagram) {
            let message = message.map_err(Error::Malformed)?;
            if message.header.msg_type != SOCK_DIAG_BY_FAMILY {
                continue;
            }
            let Body::Inet(rec) = message.body else {
                return Err(Error::Malformed(CodecError::BadFamily));
            };
            // The kernel names the protocol of every destroyed socket; the
            // printer needs it to read INFO.
            let protocol = rec
                .protocol
                .ok_or(Error::Malformed(CodecError::BadAttribute))?;
            printer.inet(Some(u32::from(protocol)), &rec)?;
        }
        printer.flush()?;
    }
    printer.close()?;
    printer.flush()?;
    Ok(true)
}
