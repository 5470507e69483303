//! What ss's command line selects, as values: state sets (`state NAME`,
//! `exclude NAME`, `-l`, `-a`) and the port conditions (`sport = :N`,
//! `dport = :N`) that a dump request can push into the kernel.
//!
//! This is ss's vocabulary, not a kernel header; it lives in the codec so the
//! parsing can be fuzzed and reused without std.

use crate::inet::{InetRecord, TcpState};
use crate::unix::UnixRecord;

/// A set of socket states: bit `n` is kernel state `n` (the same mask a
/// request's `idiag_states` takes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct StateSet(pub u32);

const fn bit(s: TcpState) -> u32 {
    s.mask()
}

impl StateSet {
    /// Every state ss knows (`SS_ALL`: bits 0, "unknown", to 11, CLOSING).
    /// Request sockets (NEW_SYN_RECV, 12) come with the SYN-RECV bit, and
    /// BOUND_INACTIVE (13) is left out, as ss leaves it out.
    pub const ALL: StateSet = StateSet((1 << 12) - 1);
    /// ss's default (`SS_CONN`): everything but listening, unconnected,
    /// TIME-WAIT and SYN-RECV.
    pub const CONNECTED: StateSet = StateSet(
        StateSet::ALL.0
            & !(bit(TcpState::Listen)
                | bit(TcpState::Close)
                | bit(TcpState::TimeWait)
                | bit(TcpState::SynRecv)),
    );
    /// What `-l` selects: listeners, and unconnected datagram sockets.
    pub const LISTENING: StateSet = StateSet(bit(TcpState::Listen) | bit(TcpState::Close));
    /// The default of ss's UDP and RAW tables alone (`ss -u`): connected.
    pub const ESTABLISHED: StateSet = StateSet(bit(TcpState::Established));

    /// True when exactly one state is selected; ss then drops the State
    /// column, which would repeat it on every line.
    pub const fn is_single(self) -> bool {
        self.0.is_power_of_two()
    }

    /// True when `state` is in the set.
    pub const fn contains(self, state: TcpState) -> bool {
        self.0 & state.mask() != 0
    }

    /// The set a `state`/`exclude` word names, with ss's spellings and
    /// groups; `None` for an unknown word.
    pub fn from_name(name: &str) -> Option<StateSet> {
        let one = |s: TcpState| Some(StateSet(bit(s)));
        let lower = |want: &str| name.eq_ignore_ascii_case(want);
        if lower("all") {
            return Some(StateSet::ALL);
        }
        if lower("connected") {
            return Some(StateSet(
                StateSet::ALL.0 & !(bit(TcpState::Listen) | bit(TcpState::Close)),
            ));
        }
        if lower("synchronized") {
            return Some(StateSet(
                StateSet::ALL.0
                    & !(bit(TcpState::Listen) | bit(TcpState::Close) | bit(TcpState::SynSent)),
            ));
        }
        if lower("bucket") {
            return Some(StateSet(bit(TcpState::SynRecv) | bit(TcpState::TimeWait)));
        }
        if lower("big") {
            return Some(StateSet(
                StateSet::ALL.0 & !(bit(TcpState::SynRecv) | bit(TcpState::TimeWait)),
            ));
        }
        const NAMES: [(&str, TcpState); 15] = [
            ("unknown", TcpState::Unknown(0)),
            ("established", TcpState::Established),
            ("syn-sent", TcpState::SynSent),
            ("syn-recv", TcpState::SynRecv),
            ("syn-rcv", TcpState::SynRecv),
            ("fin-wait-1", TcpState::FinWait1),
            ("fin-wait-2", TcpState::FinWait2),
            ("time-wait", TcpState::TimeWait),
            ("closed", TcpState::Close),
            ("close", TcpState::Close),
            ("unconnected", TcpState::Close),
            ("close-wait", TcpState::CloseWait),
            ("last-ack", TcpState::LastAck),
            ("listening", TcpState::Listen),
            ("closing", TcpState::Closing),
        ];
        NAMES
            .iter()
            .find(|(n, _)| lower(n))
            .and_then(|&(_, s)| one(s))
    }
}

/// A port condition in a filter expression: `sport = :N` or `dport = :N`.
///
/// Several conditions are a conjunction; two different values for the same
/// end can never match, which `never` records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PortFilter {
    /// Required local port.
    pub sport: Option<u16>,
    /// Required remote port.
    pub dport: Option<u16>,
    /// The conditions contradict each other: nothing matches.
    pub never: bool,
}

/// Why a filter expression was refused, naming the word at fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FilterError<'a> {
    /// The word that could not be taken (empty at the end of input).
    pub word: &'a str,
    /// What was wrong or expected there.
    pub reason: &'static str,
}

impl PortFilter {
    /// True when no condition was given.
    pub fn is_empty(&self) -> bool {
        self.sport.is_none() && self.dport.is_none() && !self.never
    }

    fn require(slot: &mut Option<u16>, never: &mut bool, port: u16) {
        match *slot {
            Some(p) if p != port => *never = true,
            _ => *slot = Some(port),
        }
    }

    /// Parses the words after the options (ss's filter expression), limited
    /// to conjunctions of port equalities; anything else is refused with the
    /// word that is not supported yet.
    pub fn parse<'a>(words: &[&'a str]) -> Result<PortFilter, FilterError<'a>> {
        let mut filter = PortFilter::default();
        let mut depth = 0usize;
        let mut tokens = Tokens::new(words);
        while let Some(tok) = tokens.next() {
            match tok {
                "(" => depth += 1,
                ")" => {
                    depth = depth.checked_sub(1).ok_or(FilterError {
                        word: tok,
                        reason: "unbalanced ')'",
                    })?
                }
                "and" | "&&" | "&" => {}
                "sport" | "dport" => {
                    let op = tokens.next().unwrap_or("");
                    if !matches!(op, "=" | "==" | "eq") {
                        let reason = if matches!(
                            op,
                            "!=" | "ne" | "<" | "<=" | ">" | ">=" | "lt" | "le" | "gt" | "ge"
                        ) {
                            "not supported yet: only '=' compares ports"
                        } else {
                            "expected '=' after sport/dport"
                        };
                        return Err(FilterError { word: op, reason });
                    }
                    let value = tokens.next().unwrap_or("");
                    let digits = value.strip_prefix(':').unwrap_or(value);
                    let port: Option<u16> = match digits {
                        "*" => None,
                        _ => Some(digits.parse().map_err(|_| FilterError {
                            word: value,
                            reason: "expected a port number as :N (names are not resolved)",
                        })?),
                    };
                    if let Some(port) = port {
                        let slot = if tok == "sport" {
                            &mut filter.sport
                        } else {
                            &mut filter.dport
                        };
                        PortFilter::require(slot, &mut filter.never, port);
                    }
                }
                "or" | "||" | "|" | "not" | "!" | "src" | "dst" | "dev" | "fwmark" | "cgroup"
                | "autobound" => {
                    return Err(FilterError {
                        word: tok,
                        reason:
                            "not supported yet: filters take sport/dport = :PORT joined by 'and'",
                    })
                }
                "state" | "exclude" | "excl" => {
                    return Err(FilterError {
                        word: tok,
                        reason: "state clauses must come before the filter",
                    })
                }
                _ => {
                    return Err(FilterError {
                        word: tok,
                        reason: "unknown filter word",
                    })
                }
            }
        }
        if depth != 0 {
            return Err(FilterError {
                word: "",
                reason: "unbalanced '('",
            });
        }
        Ok(filter)
    }

    /// Whether an inet socket passes (ports compare with the socket id's).
    pub fn matches_inet(&self, rec: &InetRecord<'_>) -> bool {
        !self.never
            && self.sport.is_none_or(|p| p == rec.id.sport)
            && self.dport.is_none_or(|p| p == rec.id.dport)
    }

    /// Whether a unix socket passes, the way ss reads port conditions for
    /// unix sockets. When unix was asked for by name (`-x`), ss compares a
    /// port condition with the socket's name, which never looks like a port,
    /// so nothing matches. Otherwise (unix listed among all tables) a unix
    /// socket's "ports" are its inode (local) and its peer's inode.
    pub fn matches_unix(&self, rec: &UnixRecord<'_>, unix_by_name: bool) -> bool {
        if unix_by_name && (self.sport.is_some() || self.dport.is_some()) {
            return false;
        }
        !self.never
            && self.sport.is_none_or(|p| u32::from(p) == rec.inode)
            && self
                .dport
                .is_none_or(|p| u32::from(p) == rec.peer.unwrap_or(0))
    }
}

/// Splits argv words into filter tokens: ss accepts `sport = :80` as three
/// words or one, and parentheses glued to their neighbours.
struct Tokens<'w, 'a> {
    words: core::slice::Iter<'w, &'a str>,
    current: &'a str,
}

impl<'w, 'a> Tokens<'w, 'a> {
    fn new(words: &'w [&'a str]) -> Self {
        Tokens {
            words: words.iter(),
            current: "",
        }
    }
}

impl<'a> Iterator for Tokens<'_, 'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        loop {
            let s = self.current.trim_start();
            if s.is_empty() {
                self.current = self.words.next()?;
                continue;
            }
            let end = match s.as_bytes()[0] {
                b'(' | b')' => 1,
                b'=' | b'!' | b'<' | b'>' | b'&' | b'|' => {
                    let two = s
                        .as_bytes()
                        .get(1)
                        .is_some_and(|&c| matches!(c, b'=' | b'&' | b'|'));
                    if two {
                        2
                    } else {
                        1
                    }
                }
                _ => s
                    .find(|c: char| {
                        c.is_whitespace()
                            || matches!(c, '(' | ')' | '=' | '!' | '<' | '>' | '&' | '|')
                    })
                    .unwrap_or(s.len()),
            };
            let (tok, rest) = s.split_at(end);
            self.current = rest;
            return Some(tok);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_state_names() {
        assert_eq!(StateSet::from_name("established"), Some(StateSet(1 << 1)));
        assert_eq!(StateSet::from_name("LISTENING"), Some(StateSet(1 << 10)));
        assert_eq!(StateSet::from_name("closed"), Some(StateSet(1 << 7)));
        assert_eq!(StateSet::from_name("all"), Some(StateSet(0xfff)));
        assert_eq!(
            StateSet::from_name("bucket"),
            Some(StateSet((1 << 3) | (1 << 6)))
        );
        assert_eq!(
            StateSet::from_name("big"),
            Some(StateSet(0xfff & !((1 << 3) | (1 << 6))))
        );
        assert_eq!(
            StateSet::from_name("connected"),
            Some(StateSet(0xfff & !((1 << 7) | (1 << 10))))
        );
        assert_eq!(
            StateSet::from_name("synchronized"),
            Some(StateSet(0xfff & !((1 << 7) | (1 << 10) | (1 << 2))))
        );
        assert_eq!(StateSet::from_name("listen"), None);
        assert_eq!(StateSet::from_name("unknown"), Some(StateSet(1)));
        assert_eq!(StateSet::CONNECTED.0, 0xb37);
        assert!(StateSet::ESTABLISHED.is_single() && !StateSet::LISTENING.is_single());
        assert_eq!(
            StateSet::CONNECTED.0,
            0xfff & !((1 << 10) | (1 << 7) | (1 << 6) | (1 << 3))
        );
    }

    #[test]
    fn test_parse() {
        let f = PortFilter::parse(&["sport", "=", ":8081"]).unwrap();
        assert_eq!(
            f,
            PortFilter {
                sport: Some(8081),
                dport: None,
                never: false
            }
        );
        let f = PortFilter::parse(&["( sport == :22 and dport eq :40000 )"]).unwrap();
        assert_eq!(
            f,
            PortFilter {
                sport: Some(22),
                dport: Some(40000),
                never: false
            }
        );
        let f = PortFilter::parse(&["sport=:1", "sport", "=", "2"]).unwrap();
        assert!(f.never);
        assert!(PortFilter::parse(&[]).unwrap().is_empty());
        assert!(PortFilter::parse(&["dport = :*"]).unwrap().is_empty());
    }

    #[test]
    fn test_matches() {
        use crate::inet::SockId;
        use crate::unix::SockType;
        let f = PortFilter::parse(&["sport = :80 dport = :4000"]).unwrap();
        let mut id = SockId::any(crate::family::INET);
        id.sport = 80;
        id.dport = 4000;
        let mut rec = InetRecord::new(TcpState::Established, id);
        assert!(f.matches_inet(&rec));
        rec.id.dport = 4001;
        assert!(!f.matches_inet(&rec));
        let unix = UnixRecord {
            peer: Some(4000),
            ..UnixRecord::new(SockType::Stream, TcpState::Established, 80)
        };
        assert!(
            f.matches_unix(&unix, false),
            "inode and peer inode act as ports"
        );
        assert!(!f.matches_unix(&unix, true), "with -x, ports never match");
        assert!(PortFilter::default().matches_unix(&unix, true));
        let never = PortFilter::parse(&["sport = :1 sport = :2"]).unwrap();
        assert!(!never.matches_inet(&rec) && !never.matches_unix(&unix, false));
    }

    #[test]
    fn test_unsupported() {
        let e = PortFilter::parse(&["sport = :22 or sport = :23"]).unwrap_err();
        assert_eq!(e.word, "or");
        let e = PortFilter::parse(&["sport", ">", ":1024"]).unwrap_err();
        assert_eq!(e.word, ">");
        let e = PortFilter::parse(&["sport", "=", ":ssh"]).unwrap_err();
        assert_eq!(e.word, ":ssh");
        let e = PortFilter::parse(&["sport", "="]).unwrap_err();
        assert_eq!(e.word, "");
        assert!(PortFilter::parse(&["(sport = :1"]).is_err());
        assert!(PortFilter::parse(&["sport = :1)"]).is_err());
        assert!(PortFilter::parse(&["sport = :70000"]).is_err());
        assert_eq!(PortFilter::parse(&["bogus"]).unwrap_err().word, "bogus");
    }
}
