//! One request's replies as a state machine. The kernel answers a dump
//! with datagrams of records, then `NLMSG_DONE` (carrying 0, or `-errno`
//! when no module serves the protocol), or refuses the request with
//! `NLMSG_ERROR` (`af_netlink.c`, `sock_diag.c`). Every message must carry
//! the request's sequence number; an `NLMSG_ERROR` of 0 is an ACK, not an
//! end.
//!
//! The caller owns the I/O: it sends the request, then hands each datagram
//! it receives to [`Conversation::replies`] until the conversation is over.

use core::fmt;

use crate::wire::datagram::{Body, Messages};
use crate::Error;

/// How a reply ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Outcome {
    /// `NLMSG_DONE` with 0: every record was sent.
    Done,
    /// `NLMSG_ERROR` with this (positive) errno: the request was refused,
    /// for example ENOENT when sock_diag has no handler for the family.
    Refused(i32),
    /// `NLMSG_DONE` with this (positive) errno: the dump failed, for
    /// example ENOENT when no diag module serves the protocol.
    Failed(i32),
}

/// One step of a reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reply<'a> {
    /// A socket record (never [`Body::Error`] or [`Body::Done`]).
    Socket(Body<'a>),
    /// The reply is over; the rest of the datagram, if any, is ignored.
    End(Outcome),
}

/// Why a conversation broke off. After one, it is over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConversationError {
    /// A message did not decode; nothing after it can be trusted.
    Malformed(Error),
    /// A message answers another request.
    Sequence {
        /// The sequence number it carried.
        got: u32,
        /// The request's.
        want: u32,
    },
    /// A datagram was fed after the reply had ended or broken off.
    Over,
}

impl fmt::Display for ConversationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConversationError::Malformed(e) => e.fmt(f),
            ConversationError::Sequence { got, want } => {
                write!(f, "reply with sequence number {got}, expected {want}")
            }
            ConversationError::Over => f.write_str("a datagram after the end of the reply"),
        }
    }
}

impl core::error::Error for ConversationError {}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Waiting,
    Ended(Outcome),
    Broken,
}

/// The replies to the request sent with sequence number `seq`.
#[derive(Debug, Clone)]
pub struct Conversation {
    seq: u32,
    state: State,
    /// The family the request dumps, when its replies must be walked as
    /// that family's ([`Messages::for_family`]); 0 otherwise.
    family: u8,
}

impl Conversation {
    /// A conversation waiting for the replies to request `seq`.
    pub const fn new(seq: u32) -> Conversation {
        Conversation::for_family(seq, 0)
    }

    /// A conversation waiting for the replies to request `seq`, a dump of
    /// `family`: needed for AF_TIPC, whose replies carry no family byte
    /// (see [`Messages::for_family`]); any other family walks as
    /// [`Conversation::new`].
    pub const fn for_family(seq: u32, family: u8) -> Conversation {
        Conversation {
            seq,
            state: State::Waiting,
            family,
        }
    }

    /// The request's sequence number.
    pub const fn seq(&self) -> u32 {
        self.seq
    }

    /// How the reply ended, once it has.
    pub fn outcome(&self) -> Option<Outcome> {
        match self.state {
            State::Ended(outcome) => Some(outcome),
            _ => None,
        }
    }

    /// True once the reply ended or broke off: no datagram may follow.
    pub fn is_over(&self) -> bool {
        self.state != State::Waiting
    }

    /// Walks one received datagram. The iterator yields each socket, then
    /// [`Reply::End`] if the reply ends in this datagram; an error ends it
    /// too. A datagram fed to a conversation that is over yields
    /// [`ConversationError::Over`] once.
    pub fn replies<'c, 'a>(&'c mut self, datagram: &'a [u8]) -> Replies<'c, 'a> {
        Replies {
            late: self.is_over(),
            messages: Messages::for_family(datagram, self.family),
            conversation: self,
        }
    }
}

/// The replies in one datagram; see [`Conversation::replies`].
#[derive(Debug)]
pub struct Replies<'c, 'a> {
    conversation: &'c mut Conversation,
    messages: Messages<'a>,
    late: bool,
}

impl<'a> Iterator for Replies<'_, 'a> {
    type Item = Result<Reply<'a>, ConversationError>;

    // Inlined into the caller's loop, like `Messages::next` into this: a
    // record is moved out, not copied at every step.
    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        if self.late {
            self.late = false;
            self.conversation.state = State::Broken;
            return Some(Err(ConversationError::Over));
        }
        let conversation = &mut *self.conversation;
        while conversation.state == State::Waiting {
            let message = match self.messages.next()? {
                Ok(m) => m,
                Err(e) => {
                    conversation.state = State::Broken;
                    return Some(Err(ConversationError::Malformed(e)));
                }
            };
            if message.header.seq != conversation.seq {
                conversation.state = State::Broken;
                return Some(Err(ConversationError::Sequence {
                    got: message.header.seq,
                    want: conversation.seq,
                }));
            }
            let outcome = match message.body {
                Body::Done { errno: 0 } => Outcome::Done,
                Body::Done { errno } => Outcome::Failed(errno),
                // An ACK is not the end of a dump.
                Body::Error { errno: 0 } => continue,
                Body::Error { errno } => Outcome::Refused(errno),
                body => return Some(Ok(Reply::Socket(body))),
            };
            conversation.state = State::Ended(outcome);
            return Some(Ok(Reply::End(outcome)));
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::nlmsg::{flags, kind};
    use crate::wire::sock_diag::SOCK_DIAG_BY_FAMILY;
    use crate::{family, Error};

    /// Appends one netlink message to `buf` at `at`, padding to 4.
    fn push_msg(buf: &mut [u8], at: &mut usize, msg_type: u16, seq: u32, payload: &[u8]) {
        let len = 16 + payload.len();
        buf[*at..*at + 4].copy_from_slice(&(len as u32).to_ne_bytes());
        buf[*at + 4..*at + 6].copy_from_slice(&msg_type.to_ne_bytes());
        buf[*at + 6..*at + 8].copy_from_slice(&flags::MULTI.to_ne_bytes());
        buf[*at + 8..*at + 12].copy_from_slice(&seq.to_ne_bytes());
        buf[*at + 12..*at + 16].copy_from_slice(&0u32.to_ne_bytes());
        buf[*at + 16..*at + len].copy_from_slice(payload);
        *at += (len + 3) & !3;
    }

    fn unix_record() -> [u8; 16] {
        let mut b = [0u8; 16];
        b[0] = family::UNIX;
        b[1] = 1;
        b[2] = 10;
        b
    }

    /// Counts sockets and returns the end, if any, of one datagram.
    fn walk(
        c: &mut Conversation,
        datagram: &[u8],
    ) -> (usize, Option<Result<Outcome, ConversationError>>) {
        let mut sockets = 0;
        for reply in c.replies(datagram) {
            match reply {
                Ok(Reply::Socket(_)) => sockets += 1,
                Ok(Reply::End(o)) => return (sockets, Some(Ok(o))),
                Err(e) => return (sockets, Some(Err(e))),
            }
        }
        (sockets, None)
    }

    #[test]
    fn test_tipc() {
        // A TIPC reply: one TIPC_NLA_SOCK nest holding REF 7, the empty
        // message of a socket the state filter rejected, DONE.
        let mut nest = [0u8; 12];
        nest[0..2].copy_from_slice(&12u16.to_ne_bytes());
        nest[2..4].copy_from_slice(&2u16.to_ne_bytes());
        nest[4..6].copy_from_slice(&8u16.to_ne_bytes());
        nest[6..8].copy_from_slice(&2u16.to_ne_bytes());
        nest[8..12].copy_from_slice(&7u32.to_ne_bytes());
        let mut d = [0u8; 128];
        let mut at = 0;
        push_msg(&mut d, &mut at, SOCK_DIAG_BY_FAMILY, 3, &nest);
        push_msg(&mut d, &mut at, SOCK_DIAG_BY_FAMILY, 3, &[]);
        push_msg(&mut d, &mut at, kind::DONE, 3, &0i32.to_ne_bytes());
        let mut c = Conversation::for_family(3, family::TIPC);
        let mut replies = c.replies(&d[..at]);
        assert!(matches!(
            replies.next(),
            Some(Ok(Reply::Socket(Body::Tipc(t)))) if t.port == Some(7)
        ));
        assert_eq!(replies.next(), Some(Ok(Reply::End(Outcome::Done))));
        assert_eq!(replies.next(), None);
        // Walked as any family's, the nest's length byte reads as a
        // family, and the empty message is malformed.
        let mut c = Conversation::new(3);
        assert_eq!(
            walk(&mut c, &d[..at]),
            (1, Some(Err(ConversationError::Malformed(Error::Truncated))))
        );
        // Other families walk the same with the hint.
        let mut plain = [0u8; 64];
        let mut at = 0;
        push_msg(&mut plain, &mut at, SOCK_DIAG_BY_FAMILY, 4, &unix_record());
        push_msg(&mut plain, &mut at, kind::DONE, 4, &0i32.to_ne_bytes());
        let mut c = Conversation::for_family(4, family::UNIX);
        assert_eq!(walk(&mut c, &plain[..at]), (1, Some(Ok(Outcome::Done))));
    }

    #[test]
    fn test_parse() {
        // Two datagrams: records, then records and DONE; an ACK between.
        let mut first = [0u8; 128];
        let mut at1 = 0;
        push_msg(&mut first, &mut at1, SOCK_DIAG_BY_FAMILY, 7, &unix_record());
        push_msg(&mut first, &mut at1, kind::ERROR, 7, &[0u8; 20]);
        push_msg(&mut first, &mut at1, SOCK_DIAG_BY_FAMILY, 7, &unix_record());
        let mut second = [0u8; 128];
        let mut at2 = 0;
        push_msg(
            &mut second,
            &mut at2,
            SOCK_DIAG_BY_FAMILY,
            7,
            &unix_record(),
        );
        push_msg(&mut second, &mut at2, kind::DONE, 7, &0i32.to_ne_bytes());
        // Whatever follows the end is not read.
        push_msg(
            &mut second,
            &mut at2,
            SOCK_DIAG_BY_FAMILY,
            7,
            &unix_record(),
        );
        let mut c = Conversation::new(7);
        assert_eq!(walk(&mut c, &first[..at1]), (2, None));
        assert!(!c.is_over() && c.outcome().is_none());
        assert_eq!(walk(&mut c, &second[..at2]), (1, Some(Ok(Outcome::Done))));
        assert_eq!(c.outcome(), Some(Outcome::Done));
        assert_eq!(
            walk(&mut c, &second[..at2]),
            (0, Some(Err(ConversationError::Over)))
        );
        assert_eq!(c.outcome(), None);
    }

    #[test]
    fn test_errors_end_it() {
        let mut buf = [0u8; 64];
        let mut at = 0;
        push_msg(&mut buf, &mut at, kind::DONE, 1, &(-2i32).to_ne_bytes());
        let mut c = Conversation::new(1);
        assert_eq!(walk(&mut c, &buf[..at]), (0, Some(Ok(Outcome::Failed(2)))));
        let mut at = 0;
        let mut err = [0u8; 20];
        err[0..4].copy_from_slice(&(-2i32).to_ne_bytes());
        push_msg(&mut buf, &mut at, kind::ERROR, 1, &err);
        let mut c = Conversation::new(1);
        assert_eq!(walk(&mut c, &buf[..at]), (0, Some(Ok(Outcome::Refused(2)))));
        // A message of another request breaks it off.
        let mut c = Conversation::new(2);
        assert_eq!(
            walk(&mut c, &buf[..at]),
            (
                0,
                Some(Err(ConversationError::Sequence { got: 1, want: 2 }))
            )
        );
        assert!(c.is_over());
    }

    #[test]
    fn test_truncated() {
        let mut buf = [0u8; 64];
        let mut at = 0;
        push_msg(&mut buf, &mut at, SOCK_DIAG_BY_FAMILY, 3, &unix_record());
        push_msg(&mut buf, &mut at, kind::DONE, 3, &0i32.to_ne_bytes());
        for cut in 0..at {
            let mut c = Conversation::new(3);
            let (_, end) = walk(&mut c, &buf[..cut]);
            match end {
                None => assert!(!c.is_over(), "prefix {cut}"),
                Some(Err(ConversationError::Malformed(Error::Truncated))) => {
                    assert!(c.is_over())
                }
                other => panic!("prefix {cut}: {other:?}"),
            }
        }
    }
}
