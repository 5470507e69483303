//! The printer: every decoded record passes the user-space filter (the
//! states, the expression, the unix and packet types), then gets the names
//! only the host knows (interfaces, cgroups, processes) and is written as
//! a text line or a JSON object, as it arrives.

use std::io::Write;

use sockdiag_codec::filter::socket::Entry;
use sockdiag_codec::format::columns::{write_header, Layout};
use sockdiag_codec::format::json::JsonArray;
use sockdiag_codec::format::line::Line;
use sockdiag_codec::format::text;
use sockdiag_codec::proc::inet::{ProcInet, Table as ProcLayout};
use sockdiag_codec::proc::netlink::ProcNetlink;
use sockdiag_codec::proc::packet::ProcPacket;
use sockdiag_codec::proc::unix::ProcUnix;
use sockdiag_codec::wire::datagram::Body;
use sockdiag_codec::wire::inet::InetRecord;
use sockdiag_codec::wire::netlink_diag::NetlinkRecord;
use sockdiag_codec::wire::packet::PacketRecord;
use sockdiag_codec::wire::sock_diag::SockType;
use sockdiag_codec::wire::tipc::TipcRecord;
use sockdiag_codec::wire::unix::UnixRecord;
use sockdiag_codec::wire::vsock::VsockRecord;
use sockdiag_codec::wire::xdp::XdpRecord;
use sockdiag_codec::Error as CodecError;

use crate::cli::selection::Db;
use crate::cli::Options;
use crate::error::Error;
use crate::host::cgroups::Cgroups;
use crate::host::ifnames::IfNames;
use crate::host::procs::{self, ProcIndex};
use crate::host::services::ephemeral_range;
use crate::output::out::Out;
use crate::tables::RecordKind;

/// The line description the options give, with the holders of `inode`
/// when `-p` asked for them (`procs`).
fn line<'x>(
    opts: &Options,
    procs: Option<&'x ProcIndex>,
    layout: Layout,
    inode: u32,
    users: &'x mut [Option<procs::Users<'x>>; 2],
) -> Line<'x> {
    let d = &opts.details;
    let mut line = Line {
        layout,
        timer: d.timer,
        tos: d.tos,
        memory: d.memory,
        info: d.info,
        numeric: d.numeric,
        oneline: opts.oneline,
        tipcinfo: d.tipcinfo,
        ..Line::PLAIN
    };
    if let Some(index) = procs {
        let [text, json] = users;
        line.process = text.insert(index.text(inode));
        line.process_json = json.insert(index.json(inode));
    }
    line
}

/// Like ss, the command of the process whose pid is a netlink port id,
/// unless -n; `buf` is reused for /proc/PID/stat.
fn netlink_owner<'b>(opts: &Options, portid: u32, buf: &'b mut Vec<u8>) -> Option<&'b str> {
    if !opts.details.numeric && (portid as i32) > 0 {
        procs::comm_of(portid, buf)
    } else {
        None
    }
}

/// Formats records as they are decoded.
pub struct Printer<'o, W: Write> {
    out: Out<W>,
    opts: &'o Options,
    layout: Layout,
    json: Option<JsonArray>,
    ifnames: IfNames,
    cgroups: Cgroups,
    /// `-p`: socket holders, indexed once before the first dump.
    procs: Option<ProcIndex>,
    /// Reused for netlink port owners' /proc/PID/stat.
    stat_buf: Vec<u8>,
    /// ss's user-space `autobound`: a local port in this range.
    ephemeral: (u16, u16),
}

impl<'o, W: Write> Printer<'o, W> {
    /// A printer for the listing `opts` asks for, writing to `out`; `-p`'s
    /// process index is built here, before the first dump.
    pub fn new(out: W, opts: &'o Options) -> Printer<'o, W> {
        Printer {
            out: Out::new(out),
            opts,
            layout: Layout {
                netid: opts.show_netid(),
                state: !opts.states.is_single(),
                extended: opts.extended,
            },
            json: opts.json.then(JsonArray::new),
            ifnames: IfNames::default(),
            cgroups: Cgroups::default(),
            procs: opts.processes.then(ProcIndex::build),
            stat_buf: Vec::new(),
            ephemeral: ephemeral_range(),
        }
    }

    /// The header line, unless `-H` or `-j`.
    pub fn header(&mut self) -> Result<(), Error> {
        if self.opts.header && !self.opts.json {
            let r = write_header(&mut self.out, &self.layout);
            self.out.check(r)?;
        }
        Ok(())
    }

    /// Closes the JSON array, if any.
    pub fn close(&mut self) -> Result<(), Error> {
        if let Some(j) = &mut self.json {
            let r = j.finish(&mut self.out);
            self.out.check(r)?;
        }
        Ok(())
    }

    /// Writes out what is buffered, so a line on stderr comes after it.
    pub fn flush(&mut self) -> Result<(), Error> {
        self.out.flush()
    }

    /// One record of a table of `kind`, from a request for `family`. A
    /// record of another kind or family answers no question asked:
    /// printing or skipping it would both mislead.
    pub fn record(&mut self, kind: RecordKind, family: u8, body: &Body<'_>) -> Result<(), Error> {
        match (kind, body) {
            (RecordKind::Inet { protocol }, Body::Inet(rec)) if rec.family == family => {
                self.inet(protocol, rec)
            }
            (RecordKind::Unix, Body::Unix(rec)) => self.unix(rec),
            (RecordKind::Netlink, Body::Netlink(rec)) => self.netlink(rec),
            (RecordKind::Packet, Body::Packet(rec)) => self.packet(rec),
            (RecordKind::Vsock, Body::Vsock(rec)) => self.vsock(rec),
            (RecordKind::Xdp, Body::Xdp(rec)) => self.xdp(rec),
            (RecordKind::Tipc, Body::Tipc(rec)) => self.tipc(rec),
            _ => Err(Error::Malformed(CodecError::BadFamily)),
        }
    }

    /// Whether an inet record passes the listing's states and expression.
    /// The kernel ignores states for RAW, and /proc has no bytecode; ss
    /// also runs the expression again on what the kernel sent, with its
    /// own `autobound` (an ephemeral port); so does sockdiag.
    fn inet_wanted(&self, rec: &InetRecord<'_>) -> bool {
        let (lo, hi) = self.ephemeral;
        let auto = (lo..=hi).contains(&rec.id.sport);
        self.opts.states.contains(rec.state)
            && self.opts.filter.eval(&Entry::from_record(rec, auto))
    }

    /// Prints one inet record of the `protocol` table.
    fn inet(&mut self, protocol: u32, rec: &InetRecord<'_>) -> Result<(), Error> {
        if !self.inet_wanted(rec) {
            return Ok(());
        }
        let d = &self.opts.details;
        // Details are checked only when something prints them, so a plain
        // listing stays as cheap as before.
        let details = if d.info || d.memory || d.tos || self.opts.json {
            Some(rec.details(protocol).map_err(Error::Malformed)?)
        } else {
            None
        };
        let ifname = self.ifnames.name(rec.id.ifindex);
        let cgroup = match rec.cgroup_id {
            Some(id) if self.opts.extended && id != 0 && self.json.is_none() => {
                self.cgroups.path(id)
            }
            _ => None,
        };
        let mut users = [None, None];
        let mut line = line(
            self.opts,
            self.procs.as_ref(),
            self.layout,
            rec.inode,
            &mut users,
        );
        line.protocol = protocol;
        line.ifname = ifname;
        line.cgroup = cgroup;
        let r = match &mut self.json {
            Some(j) => j.inet(&mut self.out, &line, rec, details.as_ref()),
            None => text::write_inet(&mut self.out, &line, rec, details.as_ref()),
        };
        self.out.check(r)
    }

    /// Prints one line of /proc/net/{tcp,udp,raw}{,6} (file layout
    /// `layout`) of the `protocol` table, as ss prints it there.
    pub fn proc_inet(
        &mut self,
        protocol: u32,
        row: &ProcInet,
        layout: ProcLayout,
        user_hz: u32,
    ) -> Result<(), Error> {
        let rec = &row.record;
        if !self.inet_wanted(rec) {
            return Ok(());
        }
        let mut users = [None, None];
        let mut line = line(
            self.opts,
            self.procs.as_ref(),
            self.layout,
            rec.inode,
            &mut users,
        );
        line.protocol = protocol;
        let r = match &mut self.json {
            Some(j) => j.proc_inet(&mut self.out, &line, row),
            None => text::write_proc_inet(&mut self.out, &line, row, layout, user_hz),
        };
        self.out.check(r)
    }

    /// The unix tables asked for, by a socket's type; ss counts any type
    /// but stream and seqpacket as datagram.
    fn unix_db(sock_type: SockType) -> Db {
        match sock_type {
            SockType::Stream => Db::UnixStream,
            SockType::SeqPacket => Db::UnixSeq,
            _ => Db::UnixDgram,
        }
    }

    /// Whether a line of /proc/net/unix passes the listing's tables, states
    /// (as ss reads the line's state) and expression.
    pub fn unix_wanted(&self, row: &ProcUnix<'_>) -> bool {
        let rec = UnixRecord {
            state: row.ss_state(),
            ..row.record
        };
        self.opts.selection.has(Self::unix_db(rec.sock_type))
            && self.opts.states.contains(rec.state)
            && self.opts.filter.eval_unix(&rec)
    }

    /// Prints one line of /proc/net/unix that [`Printer::unix_wanted`]
    /// let through, in the state ss shows: no queues and no peer, which
    /// /proc does not hold.
    pub fn proc_unix(&mut self, row: &ProcUnix<'_>) -> Result<(), Error> {
        let state = row.ss_state();
        let rec = UnixRecord {
            state,
            ..row.record
        };
        let mut users = [None, None];
        let line = line(
            self.opts,
            self.procs.as_ref(),
            self.layout,
            rec.inode,
            &mut users,
        );
        let r = match &mut self.json {
            Some(j) => j.proc_unix(&mut self.out, &line, row, state),
            None => text::write_unix(&mut self.out, &line, &rec),
        };
        self.out.check(r)
    }

    /// Prints one line of /proc/net/packet.
    pub fn proc_packet(&mut self, row: &ProcPacket) -> Result<(), Error> {
        if !self.packet_wanted(row.record.sock_type, row.ifindex) {
            return Ok(());
        }
        let ifname = match row.ifindex {
            0 => None,
            i => self.ifnames.name(i),
        };
        let mut users = [None, None];
        let mut line = line(
            self.opts,
            self.procs.as_ref(),
            self.layout,
            row.record.inode,
            &mut users,
        );
        line.ifname = ifname;
        let r = match &mut self.json {
            Some(j) => j.proc_packet(&mut self.out, &line, row),
            None => text::write_proc_packet(&mut self.out, &line, row),
        };
        self.out.check(r)
    }

    /// Prints one line of /proc/net/netlink.
    pub fn proc_netlink(&mut self, row: &ProcNetlink) -> Result<(), Error> {
        let rec = &row.record;
        if !self.opts.filter.eval_ports(i64::from(rec.portid), -1) {
            return Ok(());
        }
        let owner = netlink_owner(self.opts, rec.portid, &mut self.stat_buf);
        let mut users = [None, None];
        let mut line = line(
            self.opts,
            self.procs.as_ref(),
            self.layout,
            rec.inode,
            &mut users,
        );
        line.owner = owner;
        let r = match &mut self.json {
            Some(j) => j.proc_netlink(&mut self.out, &line, row),
            None => text::write_proc_netlink(&mut self.out, &line, row),
        };
        self.out.check(r)
    }

    fn unix(&mut self, rec: &UnixRecord<'_>) -> Result<(), Error> {
        if !self.opts.selection.has(Self::unix_db(rec.sock_type))
            || !self.opts.states.contains(rec.state)
            || !self.opts.filter.eval_unix(rec)
        {
            return Ok(());
        }
        let mut users = [None, None];
        let line = line(
            self.opts,
            self.procs.as_ref(),
            self.layout,
            rec.inode,
            &mut users,
        );
        let r = match &mut self.json {
            Some(j) => j.unix(&mut self.out, &line, rec),
            None => text::write_unix(&mut self.out, &line, rec),
        };
        self.out.check(r)
    }

    fn netlink(&mut self, rec: &NetlinkRecord<'_>) -> Result<(), Error> {
        // As in ss, `sport` compares the port id, and a netlink socket has
        // no remote port for `dport` to match.
        if !self.opts.filter.eval_ports(i64::from(rec.portid), -1) {
            return Ok(());
        }
        let owner = netlink_owner(self.opts, rec.portid, &mut self.stat_buf);
        let mut users = [None, None];
        let mut line = line(
            self.opts,
            self.procs.as_ref(),
            self.layout,
            rec.inode,
            &mut users,
        );
        line.owner = owner;
        // ss shows no users:(...) for netlink sockets (the port already
        // names the process); JSON carries them.
        let r = match &mut self.json {
            Some(j) => j.netlink(&mut self.out, &line, rec),
            None => text::write_netlink(&mut self.out, &line, rec),
        };
        self.out.check(r)
    }

    fn packet(&mut self, rec: &PacketRecord<'_>) -> Result<(), Error> {
        if !self.packet_wanted(rec.sock_type, rec.ifindex()) {
            return Ok(());
        }
        let ifname = match rec.ifindex() {
            0 => None,
            i => self.ifnames.name(i),
        };
        let mut users = [None, None];
        let mut line = line(
            self.opts,
            self.procs.as_ref(),
            self.layout,
            rec.inode,
            &mut users,
        );
        line.ifname = ifname;
        let r = match &mut self.json {
            Some(j) => j.packet(&mut self.out, &line, rec),
            None => text::write_packet(&mut self.out, &line, rec),
        };
        self.out.check(r)
    }

    fn vsock(&mut self, rec: &VsockRecord<'_>) -> Result<(), Error> {
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
                .opts
                .filter
                .eval_ports(i64::from(rec.src.port), i64::from(rec.dst.port))
        {
            return Ok(());
        }
        let mut users = [None, None];
        let line = line(
            self.opts,
            self.procs.as_ref(),
            self.layout,
            rec.inode,
            &mut users,
        );
        let r = match &mut self.json {
            Some(j) => j.vsock(&mut self.out, &line, rec),
            None => text::write_vsock(&mut self.out, &line, rec),
        };
        self.out.check(r)
    }

    fn xdp(&mut self, rec: &XdpRecord<'_>) -> Result<(), Error> {
        // As ss: the expression sees the queue as the local port.
        let (ifindex, queue) = rec.info.map_or((0, 0), |i| (i.ifindex, i.queue_id));
        if !self.opts.filter.eval_ports(i64::from(queue), 0) {
            return Ok(());
        }
        let ifname = match ifindex {
            0 => None,
            i => self.ifnames.name(i),
        };
        let mut users = [None, None];
        let mut line = line(
            self.opts,
            self.procs.as_ref(),
            self.layout,
            rec.inode,
            &mut users,
        );
        line.ifname = ifname;
        let r = match &mut self.json {
            Some(j) => j.xdp(&mut self.out, &line, rec),
            None => text::write_xdp(&mut self.out, &line, rec),
        };
        self.out.check(r)
    }

    fn tipc(&mut self, rec: &TipcRecord<'_>) -> Result<(), Error> {
        // The kernel filtered the states (what it rejected came as an
        // empty message, which the walker skips); ss runs no expression on
        // TIPC sockets, so neither does sockdiag.
        let mut users = [None, None];
        let line = line(
            self.opts,
            self.procs.as_ref(),
            self.layout,
            rec.inode.unwrap_or(0),
            &mut users,
        );
        let r = match &mut self.json {
            Some(j) => j.tipc(&mut self.out, &line, rec),
            None => text::write_tipc(&mut self.out, &line, rec),
        };
        self.out.check(r)
    }

    /// Whether a packet socket passes the listing's tables and expression:
    /// as in ss, `sport` compares the interface index and `dport` a
    /// remote port that is always 0. (ss's /proc path forgets the type;
    /// here `-A packet_raw` means raw sockets, from /proc too.)
    fn packet_wanted(&self, sock_type: SockType, ifindex: u32) -> bool {
        let db = if sock_type == SockType::Raw {
            Db::PacketRaw
        } else {
            Db::PacketDgram
        };
        self.opts.selection.has(db) && self.opts.filter.eval_ports(i64::from(ifindex), 0)
    }
}
