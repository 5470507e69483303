//! The one seam every host lookup goes through: interface names, cgroup
//! paths, socket holders, netlink port owners and /proc texts are each a
//! (kind, namespace, key) question. Live, this machine answers it; a
//! recording run also writes the answer into its capture (once per
//! question); a replay of a version 2 capture answers from the capture
//! and never looks at the machine it runs on.

use std::borrow::Cow;
use std::cell::RefCell;
use std::rc::Rc;

use sockdiag_codec::capture::{Context, Holders, Kind, ProcText, Record};

use crate::kernel::source::Recorder;

/// Where host lookups are answered.
#[derive(Clone, Default)]
pub enum Host {
    /// By this machine.
    #[default]
    Live,
    /// By this machine, each answer also written to the capture.
    Record(Rc<RefCell<Recorder>>),
    /// By the capture being decoded.
    Replay(Rc<Answers>),
}

impl Host {
    /// The answer to `key` of `kind` in namespace `netns` (its inode, 0
    /// when one namespace is listed). `live` asks this machine; a replay
    /// never calls it, and a question the capture lacks has no answer.
    pub fn answer<'a>(
        &self,
        kind: Kind,
        netns: u64,
        key: u64,
        live: impl FnOnce() -> Option<Cow<'a, [u8]>>,
    ) -> Option<Cow<'a, [u8]>> {
        // Kept small: a copy is made for every lookup; the work is in the
        // two calls, made once.
        if let Some(replayed) = self.replayed(kind, netns, key) {
            return replayed.map(Cow::Borrowed);
        }
        let value = live();
        self.record(kind, netns, key, value.as_deref());
        value
    }

    /// `Some(answer)` when replaying.
    fn replayed(&self, kind: Kind, netns: u64, key: u64) -> Option<Option<&'static [u8]>> {
        match self {
            Host::Replay(answers) => Some(answers.get(kind, netns, key)),
            _ => None,
        }
    }

    fn record(&self, kind: Kind, netns: u64, key: u64, value: Option<&[u8]>) {
        if let (Host::Record(recorder), Some(v)) = (self, value) {
            recorder.borrow_mut().context(kind, netns, key, v);
        }
    }

    /// The key whose answer of `kind` in `netns` is `value` (an interface
    /// name's index, for a filter's `dev NAME`): a replay finds it among
    /// the answers; else `live` finds it and the answer is recorded.
    pub fn key_of(
        &self,
        kind: Kind,
        netns: u64,
        value: &[u8],
        live: impl FnOnce() -> Option<u64>,
    ) -> Option<u64> {
        if let Host::Replay(answers) = self {
            return answers.key_of(kind, netns, value);
        }
        let key = live()?;
        self.record(kind, netns, key, Some(value));
        Some(key)
    }

    /// Records the answer `value` makes, when recording; for answers this
    /// machine's index gives and a replay builds its own index from.
    pub fn note(&self, kind: Kind, netns: u64, key: u64, value: impl FnOnce() -> Vec<u8>) {
        if let Host::Record(recorder) = self {
            recorder.borrow_mut().context(kind, netns, key, &value());
        }
    }

    /// The answer as text (a name or a path).
    pub fn text<'a>(
        &self,
        kind: Kind,
        netns: u64,
        key: u64,
        live: impl FnOnce() -> Option<Cow<'a, [u8]>>,
    ) -> Option<String> {
        let value = self.answer(kind, netns, key, live)?;
        Some(String::from_utf8_lossy(&value).into_owned())
    }

    /// Whether answers come from a capture.
    pub fn is_replay(&self) -> bool {
        matches!(self, Host::Replay(_))
    }

    /// The holders records of a replayed capture (inode, value), in file
    /// order.
    pub fn holders(&self) -> &[(u64, &'static [u8])] {
        match self {
            Host::Replay(a) => &a.holders,
            _ => &[],
        }
    }
}

struct Entry {
    kind: Kind,
    netns: u64,
    key: u64,
    value: &'static [u8],
}

/// The context records of a capture, in file order; a question asked
/// twice keeps its first answer (a recording asks each once). Holders,
/// one record per socket, are apart: the few other answers are found by
/// a scan, with no sort in the binary.
pub struct Answers {
    entries: Vec<Entry>,
    holders: Vec<(u64, &'static [u8])>,
}

impl Answers {
    /// Collects the context records; a malformed one is an error, with
    /// its offset.
    pub fn collect(
        records: impl Iterator<Item = Record<'static>>,
    ) -> Result<Answers, (usize, sockdiag_codec::Error)> {
        let mut answers = Answers {
            entries: Vec::new(),
            holders: Vec::new(),
        };
        for r in records.filter(|r| r.kind.is_context() && r.kind != Kind::Header) {
            let bad = |e| (r.offset, e);
            let c = Context::parse(r.data).map_err(bad)?;
            if r.kind == Kind::Holders {
                Holders::new(c.value)
                    .try_for_each(|h| h.map(drop))
                    .map_err(bad)?;
                answers.holders.push((c.key, c.value));
                continue;
            }
            // The ephemeral range is two ports: any other size is a
            // damaged record, not a range to guess at.
            if r.kind == Kind::ProcText
                && c.key == u64::from(ProcText::PortRange)
                && c.value.len() != 4
            {
                return Err(bad(sockdiag_codec::Error::BadAttribute));
            }
            answers.entries.push(Entry {
                kind: r.kind,
                netns: c.netns,
                key: c.key,
                value: c.value,
            });
        }
        Ok(answers)
    }

    fn key_of(&self, kind: Kind, netns: u64, value: &[u8]) -> Option<u64> {
        let e = self
            .entries
            .iter()
            .find(|e| (e.kind, e.netns, e.value) == (kind, netns, value))?;
        Some(e.key)
    }

    fn get(&self, kind: Kind, netns: u64, key: u64) -> Option<&'static [u8]> {
        let e = self
            .entries
            .iter()
            .find(|e| (e.kind, e.netns, e.key) == (kind, netns, key))?;
        Some(e.value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(kind: Kind, offset: usize, data: &'static [u8]) -> Record<'static> {
        Record { kind, offset, data }
    }

    fn context(netns: u64, key: u64, value: &[u8]) -> &'static [u8] {
        let mut data = vec![0u8; Context::HEADER_LEN];
        Context { netns, key, value }
            .emit_header(&mut data)
            .unwrap();
        data.extend_from_slice(value);
        data.leak()
    }

    /// A replay answers from the records only, the first answer of a
    /// question winning, and never asks this machine.
    #[test]
    fn replay_answers_from_the_capture() {
        let records = [
            record(Kind::IfName, 16, context(0, 2, b"eth0")),
            record(Kind::IfName, 40, context(0, 2, b"eth9")),
            record(Kind::IfName, 64, context(7, 2, b"veth1")),
            record(Kind::Header, 90, context(0, 1, b"host\0")),
            record(Kind::Datagram, 120, &[]),
        ];
        let answers = Answers::collect(records.into_iter()).ok().unwrap();
        let host = Host::Replay(Rc::new(answers));
        let never = || -> Option<Cow<'static, [u8]>> { panic!("asked this machine") };
        assert_eq!(
            host.text(Kind::IfName, 0, 2, never).as_deref(),
            Some("eth0")
        );
        assert_eq!(
            host.text(Kind::IfName, 7, 2, never).as_deref(),
            Some("veth1")
        );
        assert_eq!(host.text(Kind::IfName, 0, 3, never), None);
        assert_eq!(host.text(Kind::Cgroup, 0, 2, never), None);
        assert!(host.holders().is_empty());
        let never = || -> Option<u64> { panic!("asked this machine") };
        assert_eq!(host.key_of(Kind::IfName, 7, b"veth1", never), Some(2));
        assert_eq!(host.key_of(Kind::IfName, 0, b"veth1", never), None);
        let live = Host::Live;
        let here = || Some(Cow::Borrowed(&b"lo"[..]));
        assert_eq!(live.text(Kind::IfName, 0, 1, here).as_deref(), Some("lo"));
    }

    /// A context record shorter than its fixed part, or a holder cut
    /// short, is refused with its offset.
    #[test]
    fn malformed_context_is_refused() {
        let short = [record(Kind::Cgroup, 48, &[0u8; 15])];
        let err = Answers::collect(short.into_iter()).err().unwrap();
        assert_eq!(err, (48, sockdiag_codec::Error::Truncated));
        let range = [record(Kind::ProcText, 24, context(3, 7, &[1, 2, 3]))];
        assert_eq!(
            Answers::collect(range.into_iter()).err(),
            Some((24, sockdiag_codec::Error::BadAttribute))
        );
        let cut = [record(Kind::Holders, 16, context(0, 9, &[1, 0, 0, 0, 1]))];
        let err = Answers::collect(cut.into_iter()).err().unwrap();
        assert_eq!(err, (16, sockdiag_codec::Error::Truncated));
    }
}
