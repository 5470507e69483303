//! The errors that cross modules and end a run, each a type, each printed
//! as one line.

use std::fmt;
use std::io;

use sockdiag_codec::filter::bytecode::CompileError;
use sockdiag_codec::wire::conversation::ConversationError;
use sockdiag_codec::Error as CodecError;

use crate::kernel::diag_file::DiagFileError;
use crate::kernel::netns::NetnsError;
use crate::kernel::socket::NetError;
use crate::kernel::source::{CaptureError, SourceError};

/// A failure that ends the run (exit code 1, this line on stderr).
#[derive(Debug)]
pub enum Error {
    /// The sock_diag socket.
    Kernel(NetError),
    /// The kernel's reply did not decode.
    Malformed(CodecError),
    /// The replies broke the conversation (a message of another request).
    Reply(ConversationError),
    /// A /proc table line that could not be read or decoded.
    ProcLine {
        /// The file.
        path: &'static str,
        /// Its line, from 1.
        line: usize,
        /// What was wrong with it.
        error: CodecError,
    },
    /// A /proc file that could not be read.
    ProcFile {
        /// The file.
        path: String,
        /// Why.
        error: io::Error,
    },
    /// The filter did not parse again inside a namespace.
    Filter(String),
    /// The filter compiled to a program the kernel cannot take.
    FilterTooLarge(CompileError),
    /// A request that could not be built.
    Request(CodecError),
    /// The capture file of --decode or --dump-raw.
    Capture(CaptureError),
    /// Writing the output failed.
    Output(io::Error),
    /// A dump the kernel refused, in words (the module that would serve it).
    Dump(String),
    /// A file written in place of stdout (`--textfile`).
    File {
        /// The file.
        path: std::path::PathBuf,
        /// Why.
        error: io::Error,
    },
    /// `serve` could not listen on its address.
    Bind {
        /// The address.
        addr: std::net::SocketAddr,
        /// Why.
        error: io::Error,
    },
    /// An `ss -D` file named by TCPDIAG_FILE, or one `-D` writes.
    DiagFile(DiagFileError),
    /// `-K`: the kernel would not close a socket of the `protocol` table.
    Kill {
        /// The table: tcp, udp, raw.
        protocol: &'static str,
        /// Why, positive.
        errno: i32,
    },
    /// A network namespace could not be opened, or (fatal) left.
    Netns(NetnsError),
    /// The library was given an argument it cannot use (a namespace that
    /// is no name, a table that cannot be closed), in words.
    Argument(String),
}

impl Error {
    /// `sockdiag | head -1`: the reader has gone, which is not an error.
    pub fn is_closed_output(&self) -> bool {
        matches!(self, Error::Output(e) if e.kind() == io::ErrorKind::BrokenPipe)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Kernel(e) => e.fmt(f),
            Error::Malformed(e) => write!(f, "malformed reply from the kernel: {e}"),
            Error::Reply(e) => e.fmt(f),
            Error::ProcLine { path, line, error } => write!(f, "{path}: line {line}: {error}"),
            Error::ProcFile { path, error } => write!(f, "{path}: {error}"),
            Error::Filter(e) => f.write_str(e),
            Error::FilterTooLarge(e) => write!(
                f,
                "filter: the kernel cannot run this expression ({e}); shorten it"
            ),
            Error::Request(e) => write!(f, "cannot build the request: {e}"),
            Error::Capture(e) => e.fmt(f),
            Error::Output(e) => write!(f, "cannot write output: {e}"),
            Error::Dump(msg) => f.write_str(msg),
            Error::File { path, error } => write!(f, "{}: {error}", path.display()),
            Error::Bind { addr, error } => write!(f, "serve: cannot listen on {addr}: {error}"),
            Error::DiagFile(e) => e.fmt(f),
            Error::Kill { protocol, errno } => {
                write!(f, "-K: cannot close {protocol} sockets: ")?;
                match *errno {
                    1 => f.write_str("permission denied (closing a socket needs CAP_NET_ADMIN)"),
                    95 => f.write_str("the kernel was built without CONFIG_INET_DIAG_DESTROY"),
                    e => write!(f, "{}", io::Error::from_raw_os_error(e)),
                }
            }
            Error::Netns(e) => e.fmt(f),
            Error::Argument(e) => f.write_str(e),
        }
    }
}

impl std::error::Error for Error {}

impl From<NetError> for Error {
    fn from(e: NetError) -> Error {
        Error::Kernel(e)
    }
}

impl From<SourceError> for Error {
    fn from(e: SourceError) -> Error {
        match e {
            SourceError::Kernel(e) => Error::Kernel(e),
            SourceError::Capture(e) => Error::Capture(e),
            SourceError::Request(e) => Error::Request(e),
            SourceError::Netns(e) => Error::Netns(e),
        }
    }
}

impl From<NetnsError> for Error {
    fn from(e: NetnsError) -> Error {
        Error::Netns(e)
    }
}

impl From<ConversationError> for Error {
    fn from(e: ConversationError) -> Error {
        match e {
            ConversationError::Malformed(e) => Error::Malformed(e),
            other => Error::Reply(other),
        }
    }
}
