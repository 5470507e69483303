//! `-D FILE`: ss's raw dump. The TCP table is dumped as the command line
//! asks (states, families, extensions, and the filter, which ss would not
//! read), and every datagram the kernel sends is written to FILE (`-`:
//! stdout) as it came, nothing else printed. ss reads such a file back
//! through `TCPDIAG_FILE`, and so does sockdiag (`kernel::diag_file`).

use std::fs::File;
use std::io::{self, Write};
use std::path::Path;

use sockdiag_codec::wire::conversation::{Conversation, Outcome, Reply};

use crate::cli::Options;
use crate::error::Error;
use crate::kernel::diag_file::{DiagFileError, SS_SEQ};
use crate::kernel::netns::Netns;
use crate::kernel::socket::{DiagSocket, RECV_BUF};
use crate::kernel::source::Source;
use crate::modes::list::{compile, query};
use crate::tables::explain::explain;
use crate::tables::Table;

fn write_error(path: &Path, e: io::Error) -> Error {
    Error::DiagFile(DiagFileError {
        path: path.to_owned(),
        what: format!("cannot write: {e}"),
    })
}

/// Writes the raw dump to `path`. `Ok(false)`: the kernel would not dump
/// the table (said on stderr).
pub fn run(opts: &Options, path: &Path) -> Result<bool, Error> {
    let mut out: Box<dyn Write> = if path == Path::new("-") {
        Box::new(io::stdout().lock())
    } else {
        let file = File::create(path).map_err(|e| {
            Error::DiagFile(DiagFileError {
                path: path.to_owned(),
                what: format!("cannot create: {e}"),
            })
        })?;
        Box::new(io::BufWriter::new(file))
    };
    let mut src = Source::open(
        opts.decode.as_deref(),
        opts.dump_raw.as_deref(),
        opts.snapshot,
    )?;
    src.use_socket(Some(DiagSocket::open()?), Netns::own());
    let mut buf = vec![0u8; RECV_BUF];
    let program = compile(&opts.filter)?;
    let families = opts.families();
    let query = query(opts, &program, &families);
    let mut outcome = Outcome::Done;
    for request in Table::Tcp.requests(&query) {
        let mut conversation = Conversation::new(src.send_as(&request, SS_SEQ)?);
        outcome = loop {
            let datagram = src.recv(&mut buf)?;
            out.write_all(datagram).map_err(|e| write_error(path, e))?;
            let end = conversation.replies(datagram).find_map(|r| match r {
                Ok(Reply::End(o)) => Some(Ok(o)),
                Ok(Reply::Socket(_)) => None,
                Err(e) => Some(Err(Error::from(e))),
            });
            if let Some(end) = end {
                break end?;
            }
        };
        if outcome != Outcome::Done {
            break;
        }
    }
    out.flush().map_err(|e| write_error(path, e))?;
    src.finish()?;
    match explain(Table::Tcp, &outcome) {
        Some(msg) => {
            eprintln!("sockdiag: {msg}");
            Ok(false)
        }
        None => Ok(true),
    }
}
