//! `ss -s`: the summary's counters in ss 6.1's layout.

use core::fmt::{self, Write};

use crate::proc::sockstat::Summary;

impl Summary {
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
