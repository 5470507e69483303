//! `ss -s`: the socket summary, from the text of `/proc/net/sockstat`,
//! `/proc/net/sockstat6` and the `Tcp:` lines of `/proc/net/snmp`, printed
//! in ss's layout. No dump is needed: the kernel keeps these counters.
//!
//! Lines are fed one at a time so the runner can stream the files; words
//! that do not parse count as 0, as ss's `sscanf` leaves them.

use core::fmt::{self, Write};

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
    snmp_column: Option<usize>,
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

    /// Writes the summary exactly as ss 6.1 lays it out.
    pub fn write<W: Write>(&self, w: &mut W) -> fmt::Result {
        let s = self;
        // The counters are the kernel's, but they arrive as text: sums
        // saturate rather than overflow on a value no kernel sends.
        let add = |a: i64, b: i64| a.saturating_add(b);
        let sub = |a: i64, b: i64| a.saturating_sub(b);
        writeln!(w, "Total: {}", s.sockets)?;
        writeln!(
            w,
            "TCP:   {} (estab {}, closed {}, orphaned {}, timewait {})",
            add(s.tcp_alloc, s.tcp_timewait),
            s.tcp_estab,
            sub(
                s.tcp_alloc,
                sub(add(s.tcp4_inuse, s.tcp6_inuse), s.tcp_timewait)
            ),
            s.tcp_orphans,
            s.tcp_timewait
        )?;
        writeln!(w)?;
        writeln!(w, "Transport Total     IP        IPv6")?;
        let rows = [
            ("RAW", s.raw4, s.raw6),
            ("UDP", s.udp4, s.udp6),
            ("TCP", s.tcp4_inuse, s.tcp6_inuse),
            (
                "INET",
                add(add(s.raw4, s.udp4), s.tcp4_inuse),
                add(add(s.raw6, s.udp6), s.tcp6_inuse),
            ),
            ("FRAG", s.frag4, s.frag6),
        ];
        for (name, v4, v6) in rows {
            writeln!(w, "{name}\t  {:<9} {:<9} {:<9}", add(v4, v6), v4, v6)?;
        }
        writeln!(w)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use heapless::String;

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
    fn test_emit() {
        let mut out: String<512> = String::new();
        summary().write(&mut out).unwrap();
        assert_eq!(
            out.as_str(),
            "Total: 18\n\
             TCP:   7 (estab 2, closed 3, orphaned 1, timewait 2)\n\
             \n\
             Transport Total     IP        IPv6\n\
             RAW\t  1         1         0        \n\
             UDP\t  6         4         2        \n\
             TCP\t  4         3         1        \n\
             INET\t  11        8         3        \n\
             FRAG\t  1         0         1        \n\
             \n"
        );
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

    /// Found by the `sockstat` fuzz target: counters near `i64::MAX` made
    /// the sums overflow (a panic in a debug build, a wrong figure in a
    /// release one). The fixture is the fuzzer's input as it was found.
    #[test]
    fn test_fuzz_add_overflow() {
        let input = include_bytes!("../../tests/fixtures/fuzz-sockstat-add-overflow.bin");
        let text = core::str::from_utf8(input).unwrap();
        let mut s = Summary::default();
        for line in text.lines() {
            s.feed_sockstat(line);
            s.feed_snmp(line);
        }
        let mut out: String<1024> = String::new();
        s.write(&mut out).unwrap();
        // Sums saturate instead of wrapping into nonsense.
        let huge = Summary {
            tcp_alloc: i64::MAX,
            tcp_timewait: 5,
            tcp4_inuse: i64::MIN,
            ..Summary::default()
        };
        out.clear();
        huge.write(&mut out).unwrap();
        assert!(
            out.starts_with("Total: 0\nTCP:   9223372036854775807 "),
            "{out}"
        );
    }
}
