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
    pub fn proc_inet(
        &mut self,
        protocol: u32,
        row: &ProcInet,
        layout: ProcLayout,
        user_hz: u32,
    ) -> Result<(), Error> {
        let rec = &row.record;
        if !self.selects_inet(rec) || !self.prints() {
            return Ok(());
        }
        let netns_cell = self.netns_cell();
        let mut users = [None, None];
        let mut line = line(
            self.opts,
            self.procs.as_ref(),
            self.netns_info(),
            self.layout,
            rec.inode,
            &mut users,
        );
        line.protocol = protocol;
        if !self.opts.details.numeric {
            let (ports, kind) = (&self.ports, self.port_kind);
            line.services = [rec.id.sport, rec.id.dport].map(|p| ports.name(kind, p));
        }
        if let Some(hosts) = &self.hosts {
            line.hosts = [rec.id.src, rec.id.dst].map(|a| hosts.name(a));
        }
        write_row(
            &mut self.json,
            &mut self.table,
            &mut self.out,
            netns_cell,
            &line,
            Row::ProcInet(row, layout, user_hz),
        )
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
    pub fn proc_unix(&mut self, row: &ProcUnix<'_>) -> Result<(), Error> {
        if !self.prints() {
            return Ok(());
        }
        let state = row.ss_state();
        let rec = UnixRecord {
            state,
            ..row.record
        };
        let netns_cell = self.netns_cell();
        let mut users = [None, None];
        let line = line(
            self.opts,
            self.procs.as_ref(),
            self.netns_info(),
            self.layout,
            rec.inode,
            &mut users,
        );
        write_row(
            &mut self.json,
            &mut self.table,
            &mut self.out,
            netns_cell,
            &line,
            Row::ProcUnix(row, &rec),
        )
    }

    /// Prints one line of /proc/net/packet.
    pub fn proc_packet(&mut self, row: &ProcPacket) -> Result<(), Error> {
        if !self.selects_packet(row.record.sock_type, row.ifindex) || !self.prints() {
            return Ok(());
        }
        let netns_cell = self.netns_cell();
        let netns = self.netns_info();
        let ifname = match row.ifindex {
            0 => None,
            i => self.ns.ifnames.name(i),
        };
        let mut users = [None, None];
        let mut line = line(
            self.opts,
            self.procs.as_ref(),
            netns,
            self.layout,
            row.record.inode,
            &mut users,
        );
        line.ifname = ifname;
        write_row(
            &mut self.json,
            &mut self.table,
            &mut self.out,
            netns_cell,
            &line,
            Row::ProcPacket(row),
        )
    }

    /// Prints one line of /proc/net/netlink.
    pub fn proc_netlink(&mut self, row: &ProcNetlink) -> Result<(), Error> {
        let rec = &row.record;
        // As in ss, `sport` compares the port id.
        if !self.filter().eval_ports(i64::from(rec.portid), -1) || !self.prints() {
            return Ok(());
        }
        let netns_cell = self.netns_cell();
        let netns = self.netns_info();
        // Like ss, name the process whose pid is the port id, unless -n.
        let owner = if !self.opts.details.numeric && (rec.portid as i32) > 0 {
            procs::comm_of(rec.portid, &mut self.stat_buf)
        } else {
            None
        };
        let mut users = [None, None];
        let mut line = line(
            self.opts,
            self.procs.as_ref(),
            netns,
            self.layout,
            rec.inode,
            &mut users,
        );
        line.owner = owner;
        // ss shows no users:(...) for netlink sockets; JSON carries them.
        line.process = None;
        write_row(
            &mut self.json,
            &mut self.table,
            &mut self.out,
            netns_cell,
            &line,
            Row::ProcNetlink(row),
        )
    }

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
        let netns_cell = self.netns_cell();
        let mut users = [None, None];
        let line = line(
            self.opts,
            self.procs.as_ref(),
            self.netns_info(),
            self.layout,
            rec.inode,
            &mut users,
        );
        write_row(
            &mut self.json,
            &mut self.table,
            &mut self.out,
            netns_cell,
            &line,
            Row::Vsock(rec),
        )
    }

    pub(super) fn xdp(&mut self, rec: &XdpRecord<'_>) -> Result<(), Error> {
        // As ss: the expression sees the queue as the local port.
        let (ifindex, queue) = rec.info.map_or((0, 0), |i| (i.ifindex, i.queue_id));
        if !self.filter().eval_ports(i64::from(queue), 0) || !self.prints() {
            return Ok(());
        }
        let netns_cell = self.netns_cell();
        let netns = self.netns_info();
        let ifname = match ifindex {
            0 => None,
            i => self.ns.ifnames.name(i),
        };
        let mut users = [None, None];
        let mut line = line(
            self.opts,
            self.procs.as_ref(),
            netns,
            self.layout,
            rec.inode,
            &mut users,
        );
        line.ifname = ifname;
        write_row(
            &mut self.json,
            &mut self.table,
            &mut self.out,
            netns_cell,
            &line,
            Row::Xdp(rec),
        )
    }

    pub(super) fn tipc(&mut self, rec: &TipcRecord<'_>) -> Result<(), Error> {
        // The kernel filtered the states (what it rejected came as an
        // empty message, which the walker skips); ss runs no expression on
        // TIPC sockets, so neither does sockdiag.
        if !self.prints() {
            return Ok(());
        }
        let netns_cell = self.netns_cell();
        let mut users = [None, None];
        let line = line(
            self.opts,
            self.procs.as_ref(),
            self.netns_info(),
            self.layout,
            rec.inode.unwrap_or(0),
            &mut users,
        );
        write_row(
            &mut self.json,
            &mut self.table,
            &mut self.out,
            netns_cell,
            &line,
            Row::Tipc(rec),
        )
    }
}

/// A row of the tables above, for the one path that writes it as text or
/// as JSON (one copy of the row writer for all seven).
#[derive(Clone, Copy)]
enum Row<'r, 'a> {
    ProcInet(&'r ProcInet, ProcLayout, u32),
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
                Row::ProcInet(row, layout, user_hz) => {
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
