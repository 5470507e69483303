//! The one seam every host lookup goes through: interface names, cgroup
//! paths, socket holders, netlink port owners and /proc texts are each a
//! (kind, namespace, key) question. Live, this machine answers it; a
//! recording run also writes the answer into its capture (once per
//! question); a replay of a version 2 capture answers from the capture
//! and never looks at the machine it runs on.

use std::borrow::Cow;
use std::cell::RefCell;
use std::rc::Rc;

use sockdiag_codec::capture::{Context, Holders, Kind, Record};

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
        match self {
            Host::Live => live(),
            Host::Replay(answers) => answers.get(kind, netns, key).map(Cow::Borrowed),
            Host::Record(recorder) => {
                let value = live();
                if let Some(v) = &value {
                    recorder.borrow_mut().context(kind, netns, key, v);
                }
                value
            }
        }
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

    /// Every answer of `kind` in a replayed capture, in file order.
    pub fn all(&self, kind: Kind) -> impl Iterator<Item = (u64, &'static [u8])> + '_ {
        let entries: &[Entry] = match self {
            Host::Replay(a) => &a.entries,
            _ => &[],
        };
        let kind = u16::from(kind);
        entries
            .iter()
            .filter(move |e| e.kind == kind)
            .map(|e| (e.key, e.value))
    }
}

struct Entry {
    kind: u16,
    netns: u64,
    key: u64,
    value: &'static [u8],
    offset: usize,
}

/// The context records of a capture, sorted for lookup.
pub struct Answers {
    entries: Vec<Entry>,
}

/// Why a capture's context records were refused: the record's offset and
/// the codec's error, or two answers to one question.
pub enum AnswersError {
    Malformed(usize, sockdiag_codec::Error),
    Contradicts(usize),
}

impl Answers {
    /// Collects the context records; a malformed one, or one that answers
    /// a question another already answered differently, is an error.
    pub fn collect(
        records: impl Iterator<Item = Record<'static>>,
    ) -> Result<Answers, AnswersError> {
        let mut entries = Vec::new();
        for r in records.filter(|r| r.kind.is_context() && r.kind != Kind::Header) {
            let bad = |e| AnswersError::Malformed(r.offset, e);
            let c = Context::parse(r.data).map_err(bad)?;
            if r.kind == Kind::Holders {
                Holders::new(c.value).try_for_each(|h| h.map(drop)).map_err(bad)?;
            }
            entries.push(Entry {
                kind: r.kind.into(),
                netns: c.netns,
                key: c.key,
                value: c.value,
                offset: r.offset,
            });
        }
        // Stable: the file's order stays among equal questions.
        entries.sort_by_key(|e| (e.kind, e.netns, e.key));
        for pair in entries.windows(2) {
            let (a, b) = (&pair[0], &pair[1]);
            if (a.kind, a.netns, a.key) == (b.kind, b.netns, b.key) && a.value != b.value {
                return Err(AnswersError::Contradicts(a.offset.max(b.offset)));
            }
        }
        Ok(Answers { entries })
    }

    fn get(&self, kind: Kind, netns: u64, key: u64) -> Option<&'static [u8]> {
        let want = (u16::from(kind), netns, key);
        let at = self
            .entries
            .binary_search_by_key(&want, |e| (e.kind, e.netns, e.key))
            .ok()?;
        Some(self.entries.get(at)?.value)
    }
}
