//! `-K`: closes every socket the query and the filter select, and prints
//! the ones closed, as ss does. Each selected record of the dump gets a
//! SOCK_DESTROY for its exact id (cookie included) on a second sock_diag
//! socket while the dump goes on; the kernel answers with an
//! acknowledgement or the reason it would not.

use sockdiag_codec::format::names::inet_netid;
use sockdiag_codec::wire::datagram::{Body, Messages};
use sockdiag_codec::wire::inet::{proto, InetRecord, ReqRepr};
use sockdiag_codec::wire::sock_diag::emit_destroy;

use crate::error::Error;
use crate::kernel::socket::{DiagSocket, RECV_BUF};

const ENOENT: i32 = 2;
const EOPNOTSUPP: i32 = 95;

/// What became of one socket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Closed {
    /// The kernel closed it.
    Yes,
    /// It was gone already, or its protocol cannot be closed (ss skips
    /// both quietly; the second is counted and said at the end).
    No,
}

/// The socket SOCK_DESTROY goes out on, and what was left open.
pub struct Killer {
    sock: DiagSocket,
    seq: u32,
    buf: Vec<u8>,
    /// Sockets of protocols the kernel cannot close (SCTP, MPTCP), by
    /// table protocol.
    pub left_open: Vec<(u32, usize)>,
}

impl Killer {
    pub fn open() -> Result<Killer, Error> {
        Ok(Killer {
            sock: DiagSocket::open()?,
            seq: 0,
            buf: vec![0; RECV_BUF],
            left_open: Vec::new(),
        })
    }

    /// Closes the socket `rec` of the `protocol` table.
    pub fn close(&mut self, rec: &InetRecord<'_>, protocol: u32) -> Result<Closed, Error> {
        self.seq = self.seq.wrapping_add(1);
        let mut req = [0u8; 128];
        let len = emit_destroy(&mut req, self.seq, &ReqRepr::exact(rec, protocol))
            .map_err(Error::Request)?;
        self.sock.send(&req[..len])?;
        let errno = loop {
            let datagram = self.sock.recv(&mut self.buf)?;
            let answer = Messages::new(datagram).find_map(|m| match m {
                Ok(m) if m.header.seq != self.seq => None,
                Ok(m) => match m.body {
                    Body::Error { errno } => Some(Ok(errno)),
                    _ => None,
                },
                Err(e) => Some(Err(Error::Malformed(e))),
            });
            if let Some(a) = answer {
                break a?;
            }
        };
        match errno {
            0 => Ok(Closed::Yes),
            ENOENT => Ok(Closed::No),
            EOPNOTSUPP if !matches!(protocol, proto::TCP | proto::UDP | proto::RAW) => {
                match self.left_open.iter_mut().find(|(p, _)| *p == protocol) {
                    Some((_, n)) => *n += 1,
                    None => self.left_open.push((protocol, 1)),
                }
                Ok(Closed::No)
            }
            e => Err(Error::Kill {
                protocol: inet_netid(protocol),
                errno: e,
            }),
        }
    }
}
