//! Any bytes as the replies to requests, through the conversation state
//! machine the runner drives: a `--dump-raw` capture (each request's
//! sequence number, then its datagrams), or else the whole input as one
//! datagram answering the sequence number of its first message. Beyond
//! "no panic": a conversation yields no socket after its end, an end is
//! what `outcome()` reports, and a datagram fed after the end is refused.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sockdiag_codec::capture::{Capture, Kind};
use sockdiag_codec::wire::conversation::{Conversation, ConversationError, Reply};
use sockdiag_codec::wire::datagram::Body;
use sockdiag_codec::wire::nlmsg::Packet;

/// Feeds one datagram; returns whether the conversation is over.
fn feed(conversation: &mut Conversation, datagram: &[u8]) -> bool {
    let was_over = conversation.is_over();
    let mut ended = None;
    let mut failed = false;
    for reply in conversation.replies(datagram) {
        assert!(ended.is_none() && !failed, "nothing after the end");
        match reply {
            Ok(Reply::Socket(body)) => {
                assert!(!matches!(body, Body::Error { .. } | Body::Done { .. }));
            }
            Ok(Reply::End(outcome)) => ended = Some(outcome),
            Err(e) => {
                assert_eq!(was_over, e == ConversationError::Over);
                failed = true;
            }
        }
    }
    if let Some(outcome) = ended {
        assert_eq!(conversation.outcome(), Some(outcome));
    }
    if ended.is_some() || failed {
        assert!(conversation.is_over());
    }
    conversation.is_over()
}

fuzz_target!(|data: &[u8]| {
    let Ok(cap) = Capture::new_checked(data) else {
        let seq = Packet::new_checked(data).map_or(0, |p| p.seq());
        let mut conversation = Conversation::new(seq);
        if feed(&mut conversation, data) {
            // Over: one more datagram is refused once.
            let mut late = conversation.replies(data);
            assert_eq!(late.next(), Some(Err(ConversationError::Over)));
            assert_eq!(late.next(), None);
        }
        return;
    };
    let mut conversation: Option<Conversation> = None;
    for rec in cap.records() {
        let Ok(rec) = rec else { break };
        match rec.kind {
            Kind::Request => {
                let seq = Packet::new_checked(rec.data).map_or(0, |p| p.seq());
                conversation = Some(Conversation::new(seq));
            }
            Kind::Datagram => {
                if let Some(c) = &mut conversation {
                    feed(c, rec.data);
                }
            }
            _ => {}
        }
    }
});
