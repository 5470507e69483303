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
            answers.entries.push(Entry {
                kind: r.kind,
                netns: c.netns,
                key: c.key,
                value: c.value,
            });
        }
        Ok(answers)
    }

    fn get(&self, kind: Kind, netns: u64, key: u64) -> Option<&'static [u8]> {
        let e = self
            .entries
            .iter()
            .find(|e| (e.kind, e.netns, e.key) == (kind, netns, key))?;
        Some(e.value)
    }
}
