//! `watch`'s report of one interval: a row per TCP listener (its accept
//! queue now and at its peak, its backlog limit, the connections it
//! dropped) and the namespace's `ListenOverflows` and `ListenDrops`
//! increases, as a text block or one JSON Lines object.

use core::fmt::{self, Write};
use core::net::{IpAddr, SocketAddr};

use crate::format::json::JsonArray;
use crate::format::line::Line;
use crate::format::netns::Cell;
use crate::format::number::Decimal;
use crate::format::time::Timestamp;
use crate::netns::Netns;

/// One listener over one interval.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WatchRow {
    /// The listener's address.
    pub address: IpAddr,
    /// Its port.
    pub port: u16,
    /// The accept queue at the interval's last sample.
    pub recv_q: u32,
    /// The longest accept queue any sample of the interval saw.
    pub recv_q_peak: u32,
    /// The backlog limit.
    pub send_q: u32,
    /// Connections the listener dropped during the interval
    /// (`SK_MEMINFO_DROPS` increase); `None` when the kernel does not
    /// count them (before 4.7).
    pub drops: Option<u64>,
}

/// The namespace's counters over one interval (`None`: not readable).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct WatchTotals {
    /// `TcpExt: ListenOverflows` increase.
    pub listen_overflows: Option<u64>,
    /// `TcpExt: ListenDrops` increase.
    pub listen_drops: Option<u64>,
}

/// Widths of the number columns (a queue up to 4,294,967,295 fits).
const NUMBER: usize = 10;

fn right<W: Write>(w: &mut W, v: Option<u64>) -> fmt::Result {
    let digits = v.map(Decimal::new);
    let text = digits.as_ref().map_or("-", Decimal::as_str);
    for _ in text.len()..NUMBER {
        w.write_char(' ')?;
    }
    w.write_str(text)
}

/// The column titles, one line.
pub fn write_header<W: Write>(w: &mut W) -> fmt::Result {
    w.write_str("    Recv-Q  Recv-Q-Peak    Send-Q     Drops  Local Address:Port\n")
}

/// The line that starts an interval's block: when it ended, the namespace
/// when every one is watched (`netns CELL`), and the namespace's counters.
pub fn write_interval<W: Write>(
    w: &mut W,
    at: Timestamp,
    netns: Option<&Netns<'_>>,
    totals: &WatchTotals,
) -> fmt::Result {
    write!(w, "# {at}")?;
    if let Some(ns) = netns {
        write!(w, " netns {}", Cell(ns))?;
    }
    for (name, v) in [
        ("ListenOverflows", totals.listen_overflows),
        ("ListenDrops", totals.listen_drops),
    ] {
        match v {
            Some(v) => write!(w, " {name} +{v}")?,
            None => write!(w, " {name} -")?,
        }
    }
    w.write_char('\n')
}

/// One listener's text row.
pub fn write_row<W: Write>(w: &mut W, row: &WatchRow) -> fmt::Result {
    right(w, Some(row.recv_q.into()))?;
    w.write_str("   ")?;
    right(w, Some(row.recv_q_peak.into()))?;
    right(w, Some(row.send_q.into()))?;
    right(w, row.drops)?;
    writeln!(w, "  {}", SocketAddr::new(row.address, row.port))
}

impl JsonArray {
    /// One interval as one object: `timestamp`, the namespace's
    /// `listen_overflows` and `listen_drops` increases (null when
    /// unreadable), and `listeners`, an array of objects named like the
    /// listing's (`netid`, `local_address`, `local_port`, `recv_q`,
    /// `send_q`) plus `recv_q_peak` and `drops`.
    pub fn watch_interval<W: Write>(
        &mut self,
        w: &mut W,
        at: Timestamp,
        netns: Option<&Netns<'_>>,
        totals: &WatchTotals,
        rows: impl Iterator<Item = WatchRow>,
    ) -> fmt::Result {
        let line = Line {
            netns,
            ..Line::PLAIN
        };
        self.open(w, &line)?;
        let opt = |v: Option<u64>| v.map(Decimal::new);
        write!(w, "\"timestamp\":\"{at}\"")?;
        for (name, v) in [
            ("listen_overflows", totals.listen_overflows),
            ("listen_drops", totals.listen_drops),
        ] {
            let d = opt(v);
            write!(
                w,
                ",\"{name}\":{}",
                d.as_ref().map_or("null", Decimal::as_str)
            )?;
        }
        w.write_str(",\"listeners\":[")?;
        for (i, row) in rows.enumerate() {
            let drops = opt(row.drops);
            write!(
                w,
                "{}{{\"netid\":\"tcp\",\"local_address\":\"{}\",\"local_port\":{},\
                 \"recv_q\":{},\"recv_q_peak\":{},\"send_q\":{},\"drops\":{}}}",
                if i > 0 { "," } else { "" },
                row.address,
                row.port,
                row.recv_q,
                row.recv_q_peak,
                row.send_q,
                drops.as_ref().map_or("null", Decimal::as_str),
            )?;
        }
        w.write_char(']')?;
        self.close(w, &line)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use heapless::String;

    fn row() -> WatchRow {
        WatchRow {
            address: "::1".parse().unwrap(),
            port: 8081,
            recv_q: 0,
            recv_q_peak: 17,
            send_q: 64,
            drops: Some(3),
        }
    }

    #[test]
    fn test_emit() {
        let mut s: String<512> = String::new();
        let at = Timestamp { secs: 0, micros: 5 };
        write_header(&mut s).unwrap();
        write_interval(
            &mut s,
            at,
            None,
            &WatchTotals {
                listen_overflows: Some(2),
                listen_drops: None,
            },
        )
        .unwrap();
        write_row(&mut s, &row()).unwrap();
        write_row(
            &mut s,
            &WatchRow {
                drops: None,
                address: "0.0.0.0".parse().unwrap(),
                ..row()
            },
        )
        .unwrap();
        assert_eq!(
            s.as_str(),
            "    Recv-Q  Recv-Q-Peak    Send-Q     Drops  Local Address:Port\n\
             # 1970-01-01T00:00:00.000005Z ListenOverflows +2 ListenDrops -\n\
             \x20        0           17        64         3  [::1]:8081\n\
             \x20        0           17        64         -  0.0.0.0:8081\n"
        );
    }

    #[test]
    fn test_json() {
        let mut s: String<512> = String::new();
        let at = Timestamp { secs: 0, micros: 0 };
        let totals = WatchTotals {
            listen_overflows: Some(1),
            listen_drops: Some(4),
        };
        let mut j = JsonArray::lines();
        j.watch_interval(&mut s, at, None, &totals, [row()].into_iter())
            .unwrap();
        j.watch_interval(
            &mut s,
            at,
            None,
            &WatchTotals::default(),
            core::iter::empty(),
        )
        .unwrap();
        assert_eq!(
            s.as_str(),
            "{\"timestamp\":\"1970-01-01T00:00:00.000000Z\",\"listen_overflows\":1,\"listen_drops\":4,\
             \"listeners\":[{\"netid\":\"tcp\",\"local_address\":\"::1\",\"local_port\":8081,\
             \"recv_q\":0,\"recv_q_peak\":17,\"send_q\":64,\"drops\":3}]}\n\
             {\"timestamp\":\"1970-01-01T00:00:00.000000Z\",\"listen_overflows\":null,\
             \"listen_drops\":null,\"listeners\":[]}\n"
        );
    }

    #[test]
    fn test_netns() {
        let ns = Netns {
            inode: 7,
            name: Some("blue"),
            ..Netns::default()
        };
        let at = Timestamp { secs: 0, micros: 0 };
        let mut s: String<512> = String::new();
        write_interval(&mut s, at, Some(&ns), &WatchTotals::default()).unwrap();
        assert_eq!(
            s.as_str(),
            "# 1970-01-01T00:00:00.000000Z netns blue ListenOverflows - ListenDrops -\n"
        );
        s.clear();
        JsonArray::lines()
            .watch_interval(
                &mut s,
                at,
                Some(&ns),
                &WatchTotals::default(),
                core::iter::empty(),
            )
            .unwrap();
        assert!(s.starts_with(
            "{\"netns\":\"blue\",\"netns_inode\":7,\"timestamp\":\"1970-01-01T00:00:00.000000Z\","
        ));
    }
}
