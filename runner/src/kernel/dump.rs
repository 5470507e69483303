//! The one dumper: sends a request and drives the codec's conversation
//! over the datagrams that answer it, handing each socket to the caller
//! (the printer) as it is decoded.

use sockdiag_codec::wire::conversation::{Conversation, Outcome, Reply};
use sockdiag_codec::wire::datagram::Body;
use sockdiag_codec::wire::sock_diag::Request;

use crate::error::Error;
use crate::kernel::source::Source;

/// Sends one dump request and streams its records through `each`; returns
/// how the reply ended.
pub fn dump<R: Request>(
    src: &mut Source,
    buf: &mut [u8],
    request: &R,
    each: impl FnMut(&Body<'_>) -> Result<(), Error>,
) -> Result<Outcome, Error> {
    let seq = src.send(request)?;
    replies(src, buf, seq, each)
}

/// Streams the records answering request `seq`, already sent, through
/// `each`; returns how the reply ended.
pub fn replies(
    src: &mut Source,
    buf: &mut [u8],
    seq: u32,
    mut each: impl FnMut(&Body<'_>) -> Result<(), Error>,
) -> Result<Outcome, Error> {
    replies_each(src, buf, seq, &mut each)
}

/// [`replies`], compiled once for all its callers: the loop is the same
/// whatever is done with each record.
fn replies_each(
    src: &mut Source,
    buf: &mut [u8],
    seq: u32,
    each: &mut dyn FnMut(&Body<'_>) -> Result<(), Error>,
) -> Result<Outcome, Error> {
    let mut conversation = Conversation::new(seq);
    loop {
        let datagram = src.recv(buf)?;
        for reply in conversation.replies(datagram) {
            match reply? {
                Reply::Socket(body) => each(&body)?,
                Reply::End(outcome) => return Ok(outcome),
            }
        }
    }
}
