//! The one dumper: sends a request and drives the codec's conversation
//! over the datagrams that answer it, handing each socket to the caller
//! (the printer) as it is decoded.

use sockdiag_codec::wire::conversation::{Conversation, Outcome, Reply};
use sockdiag_codec::wire::datagram::Body;
use sockdiag_codec::wire::sock_diag::Request;

use crate::error::Error;
use crate::kernel::source::Source;

/// Sends one dump request for `family` and streams its records through
/// `each`; returns how the reply ended. The family says how the replies
/// are walked (a TIPC reply has no family byte).
pub fn dump<R: Request>(
    src: &mut Source,
    buf: &mut [u8],
    request: &R,
    family: u8,
    each: impl FnMut(&Body<'_>) -> Result<(), Error>,
) -> Result<Outcome, Error> {
    let seq = src.send(request)?;
    replies(src, buf, seq, family, each)
}

/// Streams the records answering request `seq`, already sent, a dump of
/// `family`, through `each`; returns how the reply ended.
pub fn replies(
    src: &mut Source,
    buf: &mut [u8],
    seq: u32,
    family: u8,
    mut each: impl FnMut(&Body<'_>) -> Result<(), Error>,
) -> Result<Outcome, Error> {
    replies_each(src, buf, seq, family, &mut each)
}

/// [`replies`], compiled once for all its callers: the loop is the same
/// whatever is done with each record.
fn replies_each(
    src: &mut Source,
    buf: &mut [u8],
    seq: u32,
    family: u8,
    each: &mut dyn FnMut(&Body<'_>) -> Result<(), Error>,
) -> Result<Outcome, Error> {
    let mut conversation = Conversation::for_family(seq, family);
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
