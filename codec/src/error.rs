//! The one error type of the codec: small, `Copy`, and allocation-free, so a
//! decoder can return it from any depth and a caller can match on it.

use core::fmt;

/// Everything that can go wrong while encoding or decoding.
///
/// Every malformed input maps to one of these; the codec never panics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Error {
    /// The buffer ends before the structure it should hold.
    Truncated,
    /// A length field is impossible: shorter than its own header, or longer
    /// than the bytes that follow it.
    BadLength,
    /// An attribute payload does not have the size its type requires.
    BadAttribute,
    /// The caller's output buffer is too small for what is being emitted.
    BufferTooSmall,
    /// A caller's fixed-capacity collection is full; nothing was dropped,
    /// decoding stopped at the record that did not fit.
    CapacityExceeded,
    /// A message names an address family that does not fit where it appears
    /// (for example an `inet_diag_msg` claiming AF_UNIX).
    BadFamily,
    /// A text line (a /proc table row) with a field that does not parse.
    BadText,
    /// A capture file without the capture magic: not a `--dump-raw` file.
    NotACapture,
    /// A capture written on a host of the other byte order; its netlink
    /// payloads are in that host's order and cannot be decoded here.
    ForeignByteOrder,
    /// A capture file of a format version this codec does not know.
    UnsupportedVersion,
}

impl Error {
    /// A short, static description, usable without an allocator.
    pub const fn as_str(self) -> &'static str {
        match self {
            Error::Truncated => "truncated message",
            Error::BadLength => "impossible length field",
            Error::BadAttribute => "attribute payload of the wrong size",
            Error::BufferTooSmall => "output buffer too small",
            Error::CapacityExceeded => "output collection full",
            Error::BadFamily => "unexpected address family",
            Error::BadText => "malformed text field",
            Error::NotACapture => "not a sockdiag capture file (bad magic)",
            Error::ForeignByteOrder => {
                "capture written on a host of the other byte order; decode it on such a host"
            }
            Error::UnsupportedVersion => "capture file of an unknown format version",
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl core::error::Error for Error {}

/// The codec's result type.
pub type Result<T> = core::result::Result<T, Error>;
