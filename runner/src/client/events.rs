//! Destroy events as a library stream: the multicast socket `-E` reads
//! (`kernel/events.rs`), each datagram's sockets handed to a callback.

use sockdiag_codec::family;
use sockdiag_codec::wire::datagram::{Body, Messages};
use sockdiag_codec::wire::inet::InetRecord;
use sockdiag_codec::wire::sock_diag::SOCK_DIAG_BY_FAMILY;

use crate::error::Error;
use crate::kernel::events::{group, EventSocket, Received};
use crate::kernel::netns::Netns;
use crate::kernel::socket::RECV_BUF;

/// What one receive brought.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// This many sockets were destroyed (each handed to the callback).
    Destroyed(usize),
    /// The kernel dropped events since the last receive (its queue for
    /// this socket was full): `Some(n)` when it could count them.
    Lost(Option<u32>),
}

/// A subscription to one namespace's destroy events, from
/// [`Client::events`](super::Client::events).
pub struct Events {
    sock: EventSocket,
    buf: Vec<u8>,
}

impl Events {
    pub(crate) fn open(netns: Netns, tcp: bool) -> Result<Events, Error> {
        let groups = [group::of(family::INET, tcp), group::of(family::INET6, tcp)];
        Ok(Events {
            sock: EventSocket::open_in(netns, &groups)?,
            buf: vec![0; RECV_BUF],
        })
    }

    /// Blocks until the kernel sends events, hands each destroyed socket
    /// to `each` (borrowed, as [`Client::for_each`](super::Client::for_each)
    /// does), and says what came.
    pub fn next(&mut self, mut each: impl FnMut(&InetRecord<'_>)) -> Result<Event, Error> {
        let datagram = match self.sock.recv(&mut self.buf)? {
            Received::Datagram(d) => d,
            Received::Overrun => return Ok(Event::Lost(self.sock.lost())),
        };
        let mut n = 0;
        for message in Messages::new(datagram) {
            let message = message.map_err(Error::Malformed)?;
            if message.header.msg_type != SOCK_DIAG_BY_FAMILY {
                continue;
            }
            let Body::Inet(rec) = message.body else {
                return Err(Error::Malformed(sockdiag_codec::Error::BadFamily));
            };
            each(&rec);
            n += 1;
        }
        Ok(Event::Destroyed(n))
    }
}
