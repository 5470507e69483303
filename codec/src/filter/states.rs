//! What ss's command line selects as socket states (`state NAME`,
//! `exclude NAME`, `-l`, `-a`). The filter expression that follows them is
//! [`crate::filter::expr`].
//!
//! This is ss's vocabulary, not a kernel header; it lives in the codec so the
//! parsing can be fuzzed and reused without std.

use crate::wire::inet::TcpState;

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
    /// What `-B` selects (ss 7): TCP sockets bound but inactive.
    pub const BOUND_INACTIVE: StateSet = StateSet(bit(TcpState::BoundInactive));
    /// What `-l` selects: listeners, and unconnected datagram sockets.
    pub const LISTENING: StateSet = StateSet(bit(TcpState::Listen) | bit(TcpState::Close));
    /// TCP listeners alone: a request for these walks only the kernel's
    /// listener table.
    pub const LISTEN: StateSet = StateSet(bit(TcpState::Listen));
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
        const NAMES: [(&str, TcpState); 16] = [
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
            // ss 7: TCP sockets bound but neither listening nor connecting,
            // which the kernel reports as CLOSE when asked with bit 13.
            ("bound-inactive", TcpState::BoundInactive),
        ];
        NAMES
            .iter()
            .find(|(n, _)| lower(n))
            .and_then(|&(_, s)| one(s))
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
        assert_eq!(
            StateSet::from_name("bound-inactive"),
            Some(StateSet(1 << 13))
        );
        assert_eq!(StateSet::CONNECTED.0, 0xb37);
        assert!(StateSet::ESTABLISHED.is_single() && !StateSet::LISTENING.is_single());
        assert_eq!(
            StateSet::CONNECTED.0,
            0xfff & !((1 << 10) | (1 << 7) | (1 << 6) | (1 << 3))
        );
    }
}
