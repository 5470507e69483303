//! The printer's rows that netlink's four classic tables do not give: the
//! lines of /proc's socket tables (the fallback) and the vsock, XDP and
//! TIPC tables. The same filters, names and namespace cells as the rest.

use std::io::Write;

use sockdiag_codec::format::text;
use sockdiag_codec::proc::inet::{ProcInet, Table as ProcLayout};
use sockdiag_codec::proc::netlink::ProcNetlink;
use sockdiag_codec::proc::packet::ProcPacket;
use sockdiag_codec::proc::unix::ProcUnix;
use sockdiag_codec::wire::sock_diag::SockType;
use sockdiag_codec::wire::tipc::TipcRecord;
use sockdiag_codec::wire::unix::UnixRecord;
use sockdiag_codec::wire::vsock::VsockRecord;
use sockdiag_codec::wire::xdp::XdpRecord;

use sockdiag_codec::format::json::JsonArray;
use sockdiag_codec::format::line::Line;

use super::{line, netns_first, Printer};
use crate::cli::selection::Db;
use crate::error::Error;
use crate::host::procs;
use crate::output::out::Out;
use crate::output::table::Table;

impl<W: Write> Printer<'_, W> {
    /// Counts a selected row; false when the mode only counts.
    fn prints(&mut self) -> bool {
        self.matched += 1;
        !self.count_only
    }

    /// Prints one line of `/proc/net/{tcp,udp,raw}{,6}` of the `protocol`
    /// table, read with `layout`'s columns; `user_hz` is its timers' unit.
    #[inline(never)]
    pub fn proc_inet(
        &mut self,
        protocol: u32,
        row: &ProcInet,
        layout: ProcLayout,
        user_hz: u32,
    ) -> Result<(), Error> {
        if !self.selects_inet(&row.record) || !self.prints() {
            return Ok(());
        }
        self.write_other(Row::ProcInet(row, layout, user_hz, protocol))
    }

    /// Whether the listing selects a line of /proc/net/unix, read with
    /// ss's states.
    pub fn unix_wanted(&self, row: &ProcUnix<'_>) -> bool {
        let rec = UnixRecord {
            state: row.ss_state(),
            ..row.record
        };
        self.selects_unix(&rec)
    }

    /// Prints one line of /proc/net/unix that [`Printer::unix_wanted`]
    /// selected.
    #[inline(never)]
    pub fn proc_unix(&mut self, row: &ProcUnix<'_>) -> Result<(), Error> {
        if !self.prints() {
            return Ok(());
        }
        let rec = UnixRecord {
            state: row.ss_state(),
            ..row.record
        };
        self.write_other(Row::ProcUnix(row, &rec))
    }

    /// Prints one line of /proc/net/packet.
    #[inline(never)]
    pub fn proc_packet(&mut self, row: &ProcPacket) -> Result<(), Error> {
        if !self.selects_packet(row.record.sock_type, row.ifindex) || !self.prints() {
            return Ok(());
        }
        self.write_other(Row::ProcPacket(row))
    }

    /// Prints one line of /proc/net/netlink.
    #[inline(never)]
    pub fn proc_netlink(&mut self, row: &ProcNetlink) -> Result<(), Error> {
        // As in ss, `sport` compares the port id.
        if !self.filter().eval_ports(i64::from(row.record.portid), -1) || !self.prints() {
            return Ok(());
        }
        self.write_other(Row::ProcNetlink(row))
    }

    #[inline(never)]
    pub(super) fn vsock(&mut self, rec: &VsockRecord<'_>) -> Result<(), Error> {
        // As ss: a stream or datagram socket only if its table was asked
        // for (any other type always shows), and the expression sees the
        // two ports.
        let skip = match rec.sock_type {
            SockType::Stream => !self.opts.selection.has(Db::VsockStream),
            SockType::Dgram => !self.opts.selection.has(Db::VsockDgram),
            _ => false,
        };
        if skip
            || !self.opts.states.contains(rec.state)
            || !self
                .filter()
                .eval_ports(i64::from(rec.src.port), i64::from(rec.dst.port))
            || !self.prints()
        {
            return Ok(());
        }
        self.write_other(Row::Vsock(rec))
    }

    #[inline(never)]
    pub(super) fn xdp(&mut self, rec: &XdpRecord<'_>) -> Result<(), Error> {
        // As ss: the expression sees the queue as the local port.
        let queue = rec.info.map_or(0, |i| i.queue_id);
        if !self.filter().eval_ports(i64::from(queue), 0) || !self.prints() {
            return Ok(());
        }
        self.write_other(Row::Xdp(rec))
    }

    #[inline(never)]
    pub(super) fn tipc(&mut self, rec: &TipcRecord<'_>) -> Result<(), Error> {
        // The kernel filtered the states (what it rejected came as an
        // empty message, which the walker skips); ss runs no expression on
        // TIPC sockets, so neither does sockdiag.
        if !self.prints() {
            return Ok(());
        }
        self.write_other(Row::Tipc(rec))
    }

    /// Describes and writes a selected row: one copy, out of line, of
    /// what the seven kinds share (the line, its names, the writer).
    #[inline(never)]
    fn write_other(&mut self, row: Row<'_, '_>) -> Result<(), Error> {
        let netns_cell = self.netns_cell();
        let netns = self.netns_info();
        let (inode, ifindex) = match row {
            Row::ProcInet(row, ..) => (row.record.inode, 0),
            Row::ProcUnix(_, rec) => (rec.inode, 0),
            Row::ProcPacket(row) => (row.record.inode, row.ifindex),
            Row::ProcNetlink(row) => (row.record.inode, 0),
            Row::Vsock(rec) => (rec.inode, 0),
            Row::Xdp(rec) => (rec.inode, rec.info.map_or(0, |i| i.ifindex)),
            Row::Tipc(rec) => (rec.inode.unwrap_or(0), 0),
        };
        let ifname = match ifindex {
            0 => None,
            i => self.ns.ifnames.name(i),
        };
        // Like ss, name the process whose pid is a netlink port id, unless
        // -n.
        let owner = match row {
            Row::ProcNetlink(row)
                if !self.opts.details.numeric && (row.record.portid as i32) > 0 =>
            {
                procs::comm_of(row.record.portid, &mut self.stat_buf)
            }
            _ => None,
        };
        let mut users = [None, None];
        let mut line = line(
            self.opts,
            self.procs.as_ref(),
            netns,
            self.layout,
            inode,
            &mut users,
        );
        line.ifname = ifname;
        line.owner = owner;
        match row {
            Row::ProcInet(row, _, _, protocol) => {
                let rec = &row.record;
                line.protocol = protocol;
                if !self.opts.details.numeric {
                    let (ports, kind) = (&self.ports, self.port_kind);
                    line.services = [rec.id.sport, rec.id.dport].map(|p| ports.name(kind, p));
                }
                if let Some(hosts) = &self.hosts {
                    line.hosts = [rec.id.src, rec.id.dst].map(|a| hosts.name(a));
                }
            }
            // ss shows no users:(...) for netlink sockets; JSON carries
            // them.
            Row::ProcNetlink(_) => line.process = None,
            _ => {}
        }
        write_row(
            &mut self.json,
            &mut self.table,
            &mut self.out,
            netns_cell,
            &line,
            row,
        )
    }
}

/// A row of the tables above, for the one path that writes it as text or
/// as JSON (one copy of the row writer for all seven).
#[derive(Clone, Copy)]
enum Row<'r, 'a> {
    /// The line, its layout, its timers' unit and its table's protocol.
    ProcInet(&'r ProcInet, ProcLayout, u32, u32),
    /// The line, and its record with ss's state.
    ProcUnix(&'r ProcUnix<'a>, &'r UnixRecord<'a>),
    ProcPacket(&'r ProcPacket),
    ProcNetlink(&'r ProcNetlink),
    Vsock(&'r VsockRecord<'a>),
    Xdp(&'r XdpRecord<'a>),
    Tipc(&'r TipcRecord<'a>),
}

fn write_row<W: Write>(
    json: &mut Option<JsonArray>,
    table: &mut Option<Table>,
    out: &mut Out<W>,
    netns_cell: Option<&str>,
    line: &Line<'_>,
    row: Row<'_, '_>,
) -> Result<(), Error> {
    match (json, table) {
        (Some(j), _) => {
            let r = match row {
                Row::ProcInet(row, ..) => j.proc_inet(out, line, row),
                Row::ProcUnix(row, rec) => j.proc_unix(out, line, row, rec.state),
                Row::ProcPacket(row) => j.proc_packet(out, line, row),
                Row::ProcNetlink(row) => j.proc_netlink(out, line, row),
                Row::Vsock(rec) => j.vsock(out, line, rec),
                Row::Xdp(rec) => j.xdp(out, line, rec),
                Row::Tipc(rec) => j.tipc(out, line, rec),
            };
            out.check(r)
        }
        (None, Some(t)) => t.row(out, |r| {
            netns_first(r, netns_cell)?;
            match row {
                Row::ProcInet(row, layout, user_hz, _) => {
                    text::write_proc_inet(r, line, row, layout, user_hz)
                }
                Row::ProcUnix(_, rec) => text::write_unix(r, line, rec),
                Row::ProcPacket(row) => text::write_proc_packet(r, line, row),
                Row::ProcNetlink(row) => text::write_proc_netlink(r, line, row),
                Row::Vsock(rec) => text::write_vsock(r, line, rec),
                Row::Xdp(rec) => text::write_xdp(r, line, rec),
                Row::Tipc(rec) => text::write_tipc(r, line, rec),
            }
        }),
        (None, None) => Ok(()),
    }
}
