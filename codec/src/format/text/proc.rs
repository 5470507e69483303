//! An inet socket read from `/proc/net/{tcp,udp,raw}{,6}`, as ss prints
//! it there (`tcp_show_line()` and `dgram_show_line()` in ss.c): the same
//! columns as a netlink record, and for TCP only `-o`'s timer, `-e`'s
//! owner, inode and socket address, and `-i`'s few values the file holds,
//! all on the one line. A UDP or RAW line gets nothing after the columns;
//! `-m` and `--tos` print nothing for any of them.

use core::fmt::{self, Write};

use crate::format::columns::Cells;

use crate::format::line::Line;
use crate::format::number::SignificantDigits;
use crate::format::text::inet::{write_columns, write_timer};
use crate::proc::inet::{ProcInet, Table};

/// `%g` of `ticks / user_hz`, as ss turns clock ticks into seconds.
fn seconds(ticks: u64, user_hz: u32) -> SignificantDigits {
    SignificantDigits {
        value: ticks as f64 / f64::from(user_hz.max(1)),
        digits: 6,
    }
}

/// Writes one /proc row of `table` as a table line; `user_hz` is the
/// unit of its timer columns (`sysconf(_SC_CLK_TCK)`).
pub fn write_proc_inet<W: Cells>(
    w: &mut W,
    line: &Line<'_>,
    row: &ProcInet,
    table: Table,
    user_hz: u32,
) -> fmt::Result {
    let rec = &row.record;
    write_columns(w, line, rec)?;
    if table != Table::Tcp {
        return Ok(());
    }
    if line.timer || line.layout.extended {
        write_timer(w, rec)?;
    }
    if line.layout.extended {
        if rec.uid != 0 {
            write!(w, " uid:{}", rec.uid)?;
        }
        write!(w, " ino:{} sk:{:x}", rec.inode, row.sk.unwrap_or(0))?;
    }
    if line.info {
        write_tcp_columns(w, row, user_hz)?;
    }
    Ok(())
}

/// `-i` from /proc: ss fills its tcp_info from the line's last columns
/// (a TIME_WAIT or SYN_RECV line has none: cwnd 2 and nothing else) and
/// prints what is not 0, then `reordering:0`, which it prints whenever the
/// value is not the kernel's default of 3.
fn write_tcp_columns<W: Write>(w: &mut W, row: &ProcInet, user_hz: u32) -> fmt::Result {
    let hz = u64::from(user_hz);
    let (rto, ato, qack, cwnd, ssthresh) = match row.tcp {
        // ss shows an RTO of exactly 3 s (the initial one) as none.
        Some(t) => (
            if t.rto == 3 * hz { 0 } else { t.rto },
            t.ato,
            t.quick_ack / 2,
            t.cwnd,
            // A listener's column is its fast-open queue limit; ss reads
            // it as ssthresh all the same.
            t.ssthresh.or(t.fastopen_limit).unwrap_or(0),
        ),
        None => (0, 0, 0, 2, 0),
    };
    if rto != 0 {
        write!(w, " rto:{}", seconds(rto, user_hz))?;
    }
    if ato != 0 {
        write!(w, " ato:{}", seconds(ato, user_hz))?;
    }
    if qack != 0 {
        write!(w, " qack:{qack}")?;
    }
    if qack & 1 != 0 {
        w.write_str(" bidir")?;
    }
    if cwnd != 0 {
        write!(w, " cwnd:{cwnd}")?;
    }
    if ssthresh != 0 {
        write!(w, " ssthresh:{}", ssthresh as i32)?;
    }
    if row.record.retrans != 0 {
        write!(w, " retrans:{}/0", row.record.retrans)?;
    }
    w.write_str(" reordering:0")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::columns::tests::{row, squash};
    use crate::format::columns::Layout;
    use crate::proc::inet::USER_HZ;
    use crate::wire::inet::proto;
    use heapless::String;

    /// Lines of /proc/net/tcp and udp as Linux 6.18 writes them (the
    /// pointers hashed): a listener on 0.0.0.0:2024, a connection with a
    /// 200 ms RTO and 40 ms ATO in quick-ack mode, a TIME_WAIT socket, and
    /// a UDP socket.
    const LISTEN: &[u8] = b"   0: 00000000:07E8 00000000:0000 0A 00000000:00000002 00:00000000 \
        00000000     0        0 1137 1 00000000303cfb07 100 0 0 10 0";
    const ESTAB: &[u8] = b"   1: 020000C0:E184 500071CB:01BB 01 00000000:00000000 02:000004DC \
        00000000  1000        0 924081 2 00000000c0f15fb7 20 4 3 34 -1";
    const TIME_WAIT: &[u8] = b"   2: 0100007F:8EB8 0100007F:D91B 06 00000000:00000000 \
        03:00000A28 00000000     0        0 0 3 00000000cf1d0b79";
    const UDP: &[u8] = b" 1187: 00000000:0044 00000000:0000 07 00000000:00000000 00:00000000 \
        00000000     0        0 12345 2 00000000ab12cd34 0";

    fn text(line: &Line<'_>, raw: &[u8], table: Table) -> String<2048> {
        let parsed = ProcInet::parse(raw, table, USER_HZ).unwrap().unwrap();
        row(line.layout, |w| {
            write_proc_inet(w, line, &parsed, table, USER_HZ)
        })
    }

    #[test]
    fn test_proc_tcp_line() {
        let all = Line {
            layout: Layout {
                netid: false,
                state: true,
                extended: true,
                ..Layout::default()
            },
            timer: true,
            info: true,
            memory: true,
            tos: true,
            protocol: proto::TCP,
            ..Line::PLAIN
        };
        // What ss -tanoeimn --tos prints with PROC_NET_TCP set.
        let listen = text(&all, LISTEN, Table::Tcp);
        assert_eq!(
            squash(&listen),
            "LISTEN 2 0 0.0.0.0:2024 0.0.0.0:* ino:1137 sk:303cfb07 rto:1 cwnd:10 reordering:0"
        );
        let estab = text(&all, ESTAB, Table::Tcp);
        assert!(
            estab.ends_with(
                " timer:(keepalive,12sec,0) uid:1000 ino:924081 sk:c0f15fb7 rto:0.2 \
                 ato:0.04 qack:1 bidir cwnd:34 reordering:0"
            ),
            "{estab}"
        );
        let time_wait = text(&all, TIME_WAIT, Table::Tcp);
        assert!(
            time_wait.ends_with(" timer:(timewait,26sec,0) ino:0 sk:cf1d0b79 cwnd:2 reordering:0"),
            "{time_wait}"
        );
        // Without -o, -e or -i, the columns alone.
        let plain = Line {
            layout: Layout {
                extended: false,
                ..all.layout
            },
            timer: false,
            info: false,
            ..all
        };
        assert!(text(&plain, ESTAB, Table::Tcp).ends_with(":443"));
    }

    #[test]
    fn test_proc_dgram_line() {
        // ss prints nothing after a UDP line's columns, whatever is asked.
        let all = Line {
            layout: Layout {
                netid: true,
                state: true,
                extended: true,
                ..Layout::default()
            },
            timer: true,
            info: true,
            protocol: proto::UDP,
            ..Line::PLAIN
        };
        let udp = text(&all, UDP, Table::Udp);
        assert_eq!(squash(&udp), "udp UNCONN 0 0 0.0.0.0:68 0.0.0.0:*");
    }
}
