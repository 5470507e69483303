//! A netlink socket's line as ss prints it: Netid `nl`, always `UNCONN`,
//! queues from MEMINFO, `protocol:port` on the local side, the destination
//! `group:port` of a connected socket or `*` on the peer side.

use core::fmt::{self, Write};

use crate::format::columns::{write_lead, Cells, Column};
use crate::format::line::Line;
use crate::format::names::netlink_proto_name;
use crate::format::text::skmem::write_skmem;
use crate::proc::netlink::ProcNetlink;
use crate::wire::inet::TcpState;
use crate::wire::netlink_diag::{NetlinkRecord, NetlinkState};

/// A netlink protocol as ss prints it: the name, or the number with `-n`
/// or when the table has none.
struct NetlinkProtocol {
    protocol: u8,
    numeric: bool,
}

impl fmt::Display for NetlinkProtocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match netlink_proto_name(self.protocol) {
            Some(name) if !self.numeric => f.write_str(name),
            _ => write!(f, "{}", self.protocol),
        }
    }
}

/// A netlink port id as ss prints it: `*` for -1, `kernel` for 0, and
/// `comm/pid` when a process of that pid exists (`owner`); port ids are
/// C ints to ss, so large ones show as negative numbers.
struct NetlinkPort<'a> {
    portid: u32,
    owner: Option<&'a str>,
    numeric: bool,
}

impl fmt::Display for NetlinkPort<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let pid = self.portid as i32;
        match (pid, self.owner) {
            (-1, _) => f.write_char('*'),
            (0, _) if !self.numeric => f.write_str("kernel"),
            (_, Some(comm)) if !self.numeric && pid > 0 => write!(f, "{comm}/{pid}"),
            _ => write!(f, "{pid}"),
        }
    }
}

/// Writes one netlink socket as a table row. `line.owner` is the command
/// name of the process whose pid equals the port id, if any. ss shows no
/// processes for netlink sockets (the port already names one): the
/// runner passes `-Z`'s context in `line.process` instead.
pub fn write_netlink<W: Cells>(w: &mut W, line: &Line<'_>, rec: &NetlinkRecord<'_>) -> fmt::Result {
    write_columns(w, line, rec, rec.rqueue(), rec.wqueue())?;
    if line.layout.extended {
        let groups = rec.groups.map_or(0, |g| g.low32());
        // ss 6.1 prints sk and cb as 0: the diag message has neither.
        write!(w, " sk=0 cb=0 groups=0x{groups:08x}")?;
    }
    if let Some(m) = rec.meminfo.filter(|_| line.memory) {
        w.write_char('\t')?;
        write_skmem(w, &m)?;
    }
    Ok(())
}

/// Writes one line of /proc/net/netlink as ss prints it: the queues from
/// the row, and with `-e` the row's socket address, dump flag and groups
/// (ss has no memory to show here).
pub fn write_proc_netlink<W: Cells>(w: &mut W, line: &Line<'_>, row: &ProcNetlink) -> fmt::Result {
    write_columns(w, line, &row.record, row.rmem, row.wmem)?;
    if line.layout.extended {
        write!(
            w,
            " sk={:x} cb={:x} groups=0x{:08x}",
            row.sk, row.dump, row.groups
        )?;
    }
    Ok(())
}

/// The columns, up to the process, then starts the detail cell.
fn write_columns<W: Cells>(
    w: &mut W,
    line: &Line<'_>,
    rec: &NetlinkRecord<'_>,
    rqueue: u32,
    wqueue: u32,
) -> fmt::Result {
    write_lead(w, "nl", TcpState::Close, rqueue, wqueue)?;
    let protocol = NetlinkProtocol {
        protocol: rec.protocol,
        numeric: line.numeric,
    };
    write!(w, "{protocol}:")?;
    w.cell(Column::LocalPort)?;
    let port = NetlinkPort {
        portid: rec.portid,
        owner: line.owner,
        numeric: line.numeric,
    };
    write!(w, "{port}")?;
    w.cell(Column::Peer)?;
    if rec.state == NetlinkState::Connected {
        write!(w, "{}:", rec.dst_group as i32)?;
        w.cell(Column::PeerPort)?;
        write!(w, "{}", rec.dst_portid as i32)?;
    } else {
        w.write_char('*')?;
    }
    // ss's -Z: the context of the process the port names (the runner puts
    // it here; -p's holders it leaves out).
    w.cell(Column::Process)?;
    if let Some(process) = line.process {
        write!(w, "{process}")?;
    }
    w.cell(Column::Details)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::format::columns::tests::{row, squash};
    use crate::format::columns::Layout;

    /// A NETLINK_SOCK_DIAG socket of `portid`, 9 meminfo entries, group 1.
    pub(crate) fn netlink_rec(buf: &mut [u8; 96], state: u8, portid: u32) -> NetlinkRecord<'_> {
        buf.fill(0);
        buf[0] = crate::family::NETLINK;
        buf[1] = 3;
        buf[2] = 4;
        buf[3] = state;
        buf[4..8].copy_from_slice(&portid.to_ne_bytes());
        buf[8..12].copy_from_slice(&0u32.to_ne_bytes());
        buf[12..16].copy_from_slice(&0u32.to_ne_bytes());
        buf[16..20].copy_from_slice(&99u32.to_ne_bytes());
        // MEMINFO (type 0) with 9 entries, then GROUPS (type 1) = group 1.
        buf[28..30].copy_from_slice(&40u16.to_ne_bytes());
        buf[30..32].copy_from_slice(&0u16.to_ne_bytes());
        for i in 0..9u32 {
            let at = 32 + i as usize * 4;
            buf[at..at + 4].copy_from_slice(&(i * 10).to_ne_bytes());
        }
        buf[68..70].copy_from_slice(&12u16.to_ne_bytes());
        buf[70..72].copy_from_slice(&1u16.to_ne_bytes());
        buf[72..80].copy_from_slice(&1u64.to_ne_bytes());
        NetlinkRecord::parse_bytes(&buf[..80]).unwrap()
    }

    #[test]
    fn test_netlink_line() {
        let layout = Layout {
            netid: true,
            state: true,
            ..Layout::default()
        };
        let plain = Line {
            layout,
            ..Line::PLAIN
        };
        let mut buf = [0u8; 96];
        let r = netlink_rec(&mut buf, 0, 4242);
        let owned = Line {
            owner: Some("ss"),
            ..plain
        };
        let s = row(owned.layout, |w| write_netlink(w, &owned, &r));
        assert_eq!(squash(&s), "nl UNCONN 0 20 tcpdiag:ss/4242 *");
        let numeric = Line {
            layout: Layout::default(),
            numeric: true,
            memory: true,
            ..owned
        };
        let s = row(numeric.layout, |w| write_netlink(w, &numeric, &r));
        assert_eq!(
            squash(&s),
            "0 20 4:4242 * skmem:(r0,rb10,t20,tb30,f40,w50,o60,bl70,d80)"
        );
        let mut buf = [0u8; 96];
        let r = netlink_rec(&mut buf, 1, 0x9c0f_a1ec);
        let ext = Line {
            layout: Layout {
                extended: true,
                ..layout
            },
            ..plain
        };
        let s = row(ext.layout, |w| write_netlink(w, &ext, &r));
        assert_eq!(
            squash(&s),
            "nl UNCONN 0 20 tcpdiag:-1676697108 0:0 sk=0 cb=0 groups=0x00000001"
        );
        let mut buf = [0u8; 96];
        let r = netlink_rec(&mut buf, 0, 0);
        let s = row(plain.layout, |w| write_netlink(w, &plain, &r));
        assert_eq!(squash(&s), "nl UNCONN 0 20 tcpdiag:kernel *");
        let mut buf = [0u8; 96];
        let r = netlink_rec(&mut buf, 0, u32::MAX);
        let s = row(plain.layout, |w| write_netlink(w, &plain, &r));
        assert_eq!(squash(&s), "nl UNCONN 0 20 tcpdiag:* *");
    }
}
