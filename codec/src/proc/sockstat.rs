//! `ss -s`: the socket summary's counters, from the text of
//! `/proc/net/sockstat`, `/proc/net/sockstat6` and the `Tcp:` lines of
//! `/proc/net/snmp` (`crate::format::summary` prints them in ss's layout).
//! No dump is needed: the kernel keeps these counters.
//!
//! Lines are fed one at a time so the runner can stream the files; words
//! that do not parse count as 0, as ss's `sscanf` leaves them.

/// The counters ss prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[allow(missing_docs)]
pub struct Summary {
    /// `sockets: used`
    pub sockets: i64,
    /// `TCP: inuse` (hashed IPv4 sockets)
    pub tcp4_inuse: i64,
    pub tcp_orphans: i64,
    pub tcp_timewait: i64,
    /// `TCP: alloc`: every TCP socket, both families.
    pub tcp_alloc: i64,
    pub tcp_mem: i64,
    pub tcp6_inuse: i64,
    pub udp4: i64,
    pub udp6: i64,
    pub raw4: i64,
    pub raw6: i64,
    pub frag4: i64,
    pub frag4_mem: i64,
    pub frag6: i64,
    pub frag6_mem: i64,
    /// `Tcp: CurrEstab` from /proc/net/snmp (ESTABLISHED and CLOSE-WAIT).
    pub tcp_estab: i64,
    /// Column of CurrEstab in the snmp `Tcp:` header, once seen.
    pub(crate) snmp_column: Option<usize>,
}

/// The value words of a `ID: name value name value ...` line.
fn values(rest: &str) -> impl Iterator<Item = i64> + '_ {
    rest.split_whitespace()
        .skip(1)
        .step_by(2)
        .map(|w| w.parse().unwrap_or(0))
}

impl Summary {
    /// Takes one line of /proc/net/sockstat or /proc/net/sockstat6.
    pub fn feed_sockstat(&mut self, line: &str) {
        let Some((id, rest)) = line.split_once(' ') else {
            return;
        };
        let mut v = values(rest);
        let mut next = || v.next().unwrap_or(0);
        match id {
            "sockets:" => self.sockets = next(),
            "TCP:" => {
                self.tcp4_inuse = next();
                self.tcp_orphans = next();
                self.tcp_timewait = next();
                self.tcp_alloc = next();
                self.tcp_mem = next();
            }
            "TCP6:" => self.tcp6_inuse = next(),
            "UDP:" => self.udp4 = next(),
            "UDP6:" => self.udp6 = next(),
            "RAW:" => self.raw4 = next(),
            "RAW6:" => self.raw6 = next(),
            "FRAG:" => {
                self.frag4 = next();
                self.frag4_mem = next();
            }
            "FRAG6:" => {
                self.frag6 = next();
                self.frag6_mem = next();
            }
            _ => {}
        }
    }

    /// Takes one line of /proc/net/snmp; only the `Tcp:` header and value
    /// lines matter.
    pub fn feed_snmp(&mut self, line: &str) {
        let Some(rest) = line.strip_prefix("Tcp:") else {
            return;
        };
        let mut words = rest.split_whitespace();
        match self.snmp_column {
            None => self.snmp_column = words.position(|w| w == "CurrEstab"),
            Some(col) => {
                self.tcp_estab = words.nth(col).and_then(|w| w.parse().ok()).unwrap_or(0);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SOCKSTAT: &str = "sockets: used 18
TCP: inuse 3 orphan 1 tw 2 alloc 5 mem 214
UDP: inuse 4 mem 0
UDPLITE: inuse 0
RAW: inuse 1
FRAG: inuse 0 memory 0
";
    const SOCKSTAT6: &str = "TCP6: inuse 1
UDP6: inuse 2
UDPLITE6: inuse 0
RAW6: inuse 0
FRAG6: inuse 1 memory 1024
";
    const SNMP: &str = "Ip: Forwarding DefaultTTL
Ip: 1 64
Tcp: RtoAlgorithm RtoMin RtoMax MaxConn ActiveOpens PassiveOpens AttemptFails EstabResets CurrEstab InSegs
Tcp: 1 200 120000 -1 6997 6951 1 3952 2 50735
Udp: InDatagrams
Udp: 5
";

    fn summary() -> Summary {
        let mut s = Summary::default();
        SOCKSTAT
            .lines()
            .chain(SOCKSTAT6.lines())
            .for_each(|l| s.feed_sockstat(l));
        SNMP.lines().for_each(|l| s.feed_snmp(l));
        s
    }

    #[test]
    fn test_parse() {
        let s = summary();
        assert_eq!(s.sockets, 18);
        assert_eq!(
            (s.tcp4_inuse, s.tcp_orphans, s.tcp_timewait, s.tcp_alloc),
            (3, 1, 2, 5)
        );
        assert_eq!(
            (s.tcp6_inuse, s.udp4, s.udp6, s.raw4, s.raw6),
            (1, 4, 2, 1, 0)
        );
        assert_eq!((s.frag6, s.frag6_mem), (1, 1024));
        assert_eq!(s.tcp_estab, 2);
    }

    #[test]
    fn test_truncated() {
        // Cut lines and junk leave zeros, never a panic.
        let mut s = Summary::default();
        for l in ["TCP: inuse", "TCP:", "sockets:", "", "FRAG: inuse x memory"] {
            s.feed_sockstat(l);
        }
        s.feed_snmp("Tcp: CurrEstab");
        s.feed_snmp("Tcp:");
        assert_eq!(s.tcp4_inuse, 0);
        assert_eq!(s.tcp_estab, 0);
    }
}
