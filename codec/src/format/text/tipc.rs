//! A TIPC socket's line as ss prints it: Netid `ti_st`, `ti_dg`, `ti_rd` or
//! `ti_sq`, the message queues, `node:port` on the local side and the
//! connected peer's `node:port` (or `-`) on the other; `-e`'s owner, inode
//! and cookie come before `-p`'s processes, and `--tipcinfo` adds the type,
//! congestion, drops, whether a name is published, and the service a
//! connection was made to.

use core::fmt;

use crate::format::columns::{write_lead, Cells, Column};
use crate::format::line::Line;
use crate::format::names::{sock_type_name, tipc_netid};
use crate::wire::inet::TcpState;
use crate::wire::sock_diag::SockType;
use crate::wire::tipc::TipcRecord;

/// A node or port id, 0 when the kernel left it out.
fn number(v: Option<u32>) -> u32 {
    v.unwrap_or(0)
}

/// Writes one TIPC socket as a table line.
pub fn write_tipc<W: Cells>(w: &mut W, line: &Line<'_>, rec: &TipcRecord<'_>) -> fmt::Result {
    let layout = &line.layout;
    let sock_type = rec.sock_type.unwrap_or(SockType::Unknown(0));
    let state = rec.state.unwrap_or(TcpState::Unknown(0));
    write_lead(w, tipc_netid(sock_type), state, rec.rqueue(), rec.wqueue())?;
    write!(w, "{}:", number(rec.node))?;
    w.cell(Column::LocalPort)?;
    write!(w, "{}", number(rec.port))?;
    w.cell(Column::Peer)?;
    match rec.con {
        Some(con) => {
            write!(w, "{}:", number(con.node))?;
            w.cell(Column::PeerPort)?;
            write!(w, "{}", number(con.sock))?;
        }
        None => w.write_char('-')?,
    }
    if layout.extended {
        let uid = number(rec.uid);
        if uid != 0 {
            write!(w, " uid:{uid}")?;
        }
        write!(
            w,
            " ino:{} sk:{:x}",
            number(rec.inode),
            rec.cookie.unwrap_or(0)
        )?;
    }
    w.cell(Column::Process)?;
    if let Some(process) = line.process {
        write!(w, "{process}")?;
    }
    w.cell(Column::Details)?;
    if line.tipcinfo {
        let stat = rec.stat.unwrap_or_default();
        let cong = if stat.link_cong {
            "link"
        } else if stat.conn_cong {
            "conn"
        } else {
            "none"
        };
        // ss's spacing, doubled blanks included.
        write!(
            w,
            "{}type:{} cong:{cong}  drop:{} ",
            if line.oneline { " " } else { "\n " },
            sock_type_name(sock_type),
            stat.drop.unwrap_or(0) as i32
        )?;
        if rec.has_publ {
            w.write_str(" publ")?;
        }
        if let Some(con) = rec.con.filter(|c| c.by_name) {
            write!(
                w,
                " via {{{},{}}} ",
                number(con.name_type),
                number(con.name_instance)
            )?;
        }
    }
    Ok(())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::format::columns::tests::{row, squash};
    use crate::format::columns::Layout;
    use crate::wire::tipc::{Connection, Stat};
    use heapless::String;

    /// A connected stream socket: node 0x1001001, port 7, peer port 8
    /// reached through service {1000,1}, 3 messages queued, owner 1000.
    pub(crate) fn tipc_rec() -> TipcRecord<'static> {
        TipcRecord {
            node: Some(0x0100_1001),
            port: Some(7),
            con: Some(Connection {
                node: Some(0x0100_1001),
                sock: Some(8),
                by_name: true,
                name_type: Some(1000),
                name_instance: Some(1),
            }),
            has_publ: false,
            stat: Some(Stat {
                rcvq: Some(3),
                sendq: Some(0),
                link_cong: false,
                conn_cong: true,
                drop: Some(2),
            }),
            sock_type: Some(SockType::Stream),
            state: Some(TcpState::Established),
            inode: Some(55),
            uid: Some(1000),
            cookie: Some(0x40),
            group: None,
            attrs: &[],
        }
    }

    fn text(line: &Line<'_>, rec: &TipcRecord<'_>) -> String<2048> {
        row(line.layout, |w| write_tipc(w, line, rec))
    }

    #[test]
    fn test_tipc_line() {
        let line = Line {
            layout: Layout {
                netid: true,
                state: true,
                extended: false,
                ..Layout::default()
            },
            ..Line::PLAIN
        };
        let rec = tipc_rec();
        assert_eq!(
            squash(&text(&line, &rec)),
            "ti_st ESTAB 3 0 16781313:7 16781313:8"
        );
        let extended = Line {
            layout: Layout {
                extended: true,
                process: true,
                ..line.layout
            },
            tipcinfo: true,
            process: Some(&" users:((\"t\",pid=5,fd=3))"),
            ..line
        };
        assert_eq!(
            text(&extended, &rec).split_once(":8").unwrap().1,
            " uid:1000 ino:55 sk:40 users:((\"t\",pid=5,fd=3))\n \
             type:STREAM cong:conn  drop:2  via {1000,1} "
        );
        // An unconnected RDM socket with a published name.
        let rdm = TipcRecord {
            con: None,
            has_publ: true,
            stat: None,
            sock_type: Some(SockType::Unknown(4)),
            state: Some(TcpState::Close),
            ..tipc_rec()
        };
        let one = Line {
            oneline: true,
            process: None,
            ..extended
        };
        assert_eq!(
            squash(&text(&one, &rdm)),
            "ti_rd UNCONN 0 0 16781313:7 - uid:1000 ino:55 sk:40 type:RDM cong:none drop:0 publ"
        );
    }
}
