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

use super::{line, netns_first, Printer};
use crate::cli::selection::Db;
use crate::error::Error;
use crate::host::procs;

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
        match (&mut self.json, &mut self.table) {
            (Some(j), _) => {
                let r = j.proc_inet(&mut self.out, &line, row);
                self.out.check(r)
            }
            (None, Some(t)) => t.row(&mut self.out, |r| {
                netns_first(r, netns_cell)?;
                text::write_proc_inet(r, &line, row, layout, user_hz)
            }),
            (None, None) => Ok(()),
        }
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
        match (&mut self.json, &mut self.table) {
            (Some(j), _) => {
                let r = j.proc_unix(&mut self.out, &line, row, state);
                self.out.check(r)
            }
            (None, Some(t)) => t.row(&mut self.out, |r| {
                netns_first(r, netns_cell)?;
                text::write_unix(r, &line, &rec)
            }),
            (None, None) => Ok(()),
        }
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
        match (&mut self.json, &mut self.table) {
            (Some(j), _) => {
                let r = j.proc_packet(&mut self.out, &line, row);
                self.out.check(r)
            }
            (None, Some(t)) => t.row(&mut self.out, |r| {
                netns_first(r, netns_cell)?;
                text::write_proc_packet(r, &line, row)
            }),
            (None, None) => Ok(()),
        }
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
        match (&mut self.json, &mut self.table) {
            (Some(j), _) => {
                let r = j.proc_netlink(&mut self.out, &line, row);
                self.out.check(r)
            }
            (None, Some(t)) => t.row(&mut self.out, |r| {
                netns_first(r, netns_cell)?;
                text::write_proc_netlink(r, &line, row)
            }),
            (None, None) => Ok(()),
        }
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
        match (&mut self.json, &mut self.table) {
            (Some(j), _) => {
                let r = j.vsock(&mut self.out, &line, rec);
                self.out.check(r)
            }
            (None, Some(t)) => t.row(&mut self.out, |r| {
                netns_first(r, netns_cell)?;
                text::write_vsock(r, &line, rec)
            }),
            (None, None) => Ok(()),
        }
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
        match (&mut self.json, &mut self.table) {
            (Some(j), _) => {
                let r = j.xdp(&mut self.out, &line, rec);
                self.out.check(r)
            }
            (None, Some(t)) => t.row(&mut self.out, |r| {
                netns_first(r, netns_cell)?;
                text::write_xdp(r, &line, rec)
            }),
            (None, None) => Ok(()),
        }
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
        match (&mut self.json, &mut self.table) {
            (Some(j), _) => {
                let r = j.tipc(&mut self.out, &line, rec);
                self.out.check(r)
            }
            (None, Some(t)) => t.row(&mut self.out, |r| {
                netns_first(r, netns_cell)?;
                text::write_tipc(r, &line, rec)
            }),
            (None, None) => Ok(()),
        }
    }
}
