//! The accept-queue counters of `/proc/net/netstat` (the kernel's
//! `net/ipv4/proc.c`, `netstat_seq_show`): `TcpExt: ListenOverflows`
//! (connections refused because an accept queue was full) and
//! `ListenDrops` (every drop at a listener, overflows included). The file
//! pairs a header line of names with a line of values per group; both
//! counters are per network namespace.
//!
//! Lines are fed one at a time, as for `sockstat`. A value that is not a
//! number leaves its counter absent rather than 0, and a value line
//! without its header line counts nothing.

/// The counters read, each absent until its line was seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ListenCounters {
    /// `TcpExt: ListenOverflows`
    pub overflows: Option<u64>,
    /// `TcpExt: ListenDrops`
    pub drops: Option<u64>,
    /// Columns of the two names in the last `TcpExt:` header line.
    columns: Option<(Option<usize>, Option<usize>)>,
}

impl ListenCounters {
    /// Takes one line of /proc/net/netstat; only `TcpExt:` lines matter.
    pub fn feed(&mut self, line: &str) {
        let Some(rest) = line.strip_prefix("TcpExt:") else {
            return;
        };
        match self.columns.take() {
            // A header line names the columns of the value line after it.
            None => {
                let column = |name: &str| rest.split_whitespace().position(|w| w == name);
                self.columns = Some((column("ListenOverflows"), column("ListenDrops")));
            }
            Some((overflows, drops)) => {
                let value = |col: Option<usize>| {
                    col.and_then(|c| rest.split_whitespace().nth(c)?.parse().ok())
                };
                self.overflows = value(overflows);
                self.drops = value(drops);
            }
        }
    }

    /// Reads every line of the file's text.
    pub fn parse(text: &str) -> ListenCounters {
        let mut counters = ListenCounters::default();
        text.lines().for_each(|l| counters.feed(l));
        counters
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NETSTAT: &str = "\
TcpExt: SyncookiesSent TW DelayedACKs ListenOverflows ListenDrops TCPHPHits
TcpExt: 0 333 46 17 19 837
IpExt: InNoRoutes InOctets
IpExt: 0 1355528071
";

    #[test]
    fn test_parse() {
        let c = ListenCounters::parse(NETSTAT);
        assert_eq!((c.overflows, c.drops), (Some(17), Some(19)));
    }

    #[test]
    fn test_missing() {
        // A kernel without the counters, junk values, a lone value line.
        let c = ListenCounters::parse("TcpExt: TW\nTcpExt: 3\n");
        assert_eq!((c.overflows, c.drops), (None, None));
        let c = ListenCounters::parse("TcpExt: ListenOverflows ListenDrops\nTcpExt: x 4\n");
        assert_eq!((c.overflows, c.drops), (None, Some(4)));
        let c = ListenCounters::parse("TcpExt: 1 2\n");
        assert_eq!((c.overflows, c.drops), (None, None));
    }

    #[test]
    fn test_truncated() {
        // Every prefix of the file: no panic, and a counter is either
        // absent or its full value.
        for cut in 0..=NETSTAT.len() {
            let c = ListenCounters::parse(&NETSTAT[..cut]);
            assert!(
                matches!(c.overflows, None | Some(17) | Some(1)),
                "{cut}: {c:?}"
            );
            assert!(matches!(c.drops, None | Some(19) | Some(1)), "{cut}: {c:?}");
        }
    }
}
