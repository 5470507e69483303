//! The printer: every decoded record passes the user-space filter (the
//! states, the expression, the unix and packet types), then gets the names
//! only the host knows (interfaces, cgroups, processes) and is written as
//! a text line or a JSON object, as it arrives. With `--all-netns` each
//! line starts with its namespace's cell and each object names it.

use std::borrow::Cow;
use std::fmt;
use std::io::Write;

use sockdiag_codec::capture::Kind;
use sockdiag_codec::filter::expr::Expr;
use sockdiag_codec::filter::socket::Entry;
use sockdiag_codec::format::columns::{Cells, Column, Layout};
use sockdiag_codec::format::json::JsonArray;
use sockdiag_codec::format::line::Line;
use sockdiag_codec::format::text;
use sockdiag_codec::netns::Netns as NetnsInfo;
use sockdiag_codec::wire::datagram::Body;
use sockdiag_codec::wire::inet::{self, InetRecord, TcpState};
use sockdiag_codec::wire::inet_attr::InetDetails;
use sockdiag_codec::wire::netlink_diag::NetlinkRecord;
use sockdiag_codec::wire::packet::PacketRecord;
use sockdiag_codec::wire::sk_storage;
use sockdiag_codec::wire::sock_diag::SockType;
use sockdiag_codec::wire::unix::UnixRecord;
use sockdiag_codec::Error as CodecError;

use crate::cli::selection::Db;
use crate::cli::{Mode, Options};
use crate::error::Error;
use crate::host::cgroups::Cgroups;
use crate::host::context::Host;
use crate::host::hosts::Hosts;
use crate::host::ifnames::IfNames;
use crate::host::procs::{self, ProcIndex};
use crate::host::services::ephemeral_range;
use crate::host::services::{PortKind, PortNames};
use crate::output::out::Out;
use crate::output::table::Table;
use crate::tables::{RecordKind, Table as TableId};

mod other_rows;

/// The line description the options give, with the holders of `inode`
/// when `-p` asked for them (`procs`) and the namespace when every one is
/// listed.
fn line<'x>(
    opts: &'x Options,
    procs: Option<&'x ProcIndex>,
    netns: Option<&'x NetnsInfo<'x>>,
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
        cgroups: d.cgroup,
        sockopt: d.sockopt,
        bpf: d.bpf,
        bpf_maps: opts.bpf_maps.as_deref(),
        netns,
        tipcinfo: d.tipcinfo,
        ..Line::PLAIN
    };
    if let Some(index) = procs {
        let [text, json] = users;
        line.process = Some(text.insert(index.text(inode)));
        line.process_json = Some(json.insert(index.json(inode)));
    }
    line
}

/// A row's first cell when every namespace is listed: the namespace's.
fn netns_first(row: &mut impl Cells, cell: Option<&str>) -> fmt::Result {
    if let Some(cell) = cell {
        row.cell(Column::Netns)?;
        row.write_str(cell)?;
    }
    Ok(())
}

/// What the printer needs of the network namespace being listed.
pub struct Namespace<'n> {
    /// What `--all-netns` calls it, for JSON, and its text cell; `None`
    /// when one namespace is listed.
    pub label: Option<(&'n NetnsInfo<'n>, &'n str)>,
    /// Its interfaces' names.
    pub ifnames: IfNames,
    /// ss's user-space `autobound`: a local port in this range (each
    /// namespace has its own).
    pub ephemeral: (u16, u16),
    /// The filter with its interface names resolved in this namespace;
    /// `None`: the command line's.
    pub filter: Option<Expr>,
}

/// Formats records as they are decoded.
pub struct Printer<'o, W: Write> {
    out: Out<W>,
    opts: &'o Options,
    layout: Layout,
    json: Option<JsonArray>,
    /// The text table (unless `-j`).
    table: Option<Table>,
    /// The namespace being listed.
    ns: Namespace<'o>,
    cgroups: Cgroups,
    /// `-p`: socket holders, indexed once before the first dump.
    procs: Option<ProcIndex>,
    /// Reused for netlink port owners' /proc/PID/stat.
    stat_buf: Vec<u8>,
    /// Where netlink port owners are looked up.
    host: Host,
    /// JSON members written first in each object (`-E`'s timestamp).
    json_lead: String,
    /// Records that passed the filter so far.
    matched: u64,
    /// `wait`: count what passes the filter, print nothing.
    count_only: bool,
    /// Service and protocol names of ports (unless `-n` or `-j`), and which
    /// the table being listed gets.
    ports: PortNames,
    port_kind: PortKind,
    /// `-r`: host names.
    hosts: Option<Hosts>,
    /// The TCP table is being listed: a CLOSE socket is a bound-inactive
    /// one (the kernel sends no other), which `-B` asks for.
    tcp: bool,
}

impl<'o, W: Write> Printer<'o, W> {
    /// A printer for the listing `opts` asks for, writing to `out`, with a
    /// leading Netns column when every namespace is listed (`netns`);
    /// `-p`'s process index is built here, before the first dump. Socket
    /// inodes are unique across namespaces, so one index serves them all.
    pub fn new(out: W, opts: &'o Options, netns: bool) -> Printer<'o, W> {
        Printer::through(out, opts, netns, Host::Live)
    }

    /// As [`Printer::new`], with the host lookups asked through `host`.
    pub fn through(out: W, opts: &'o Options, netns: bool, host: Host) -> Printer<'o, W> {
        let layout = Layout {
            netns,
            netid: opts.show_netid(),
            state: !opts.states.is_single(),
            no_queues: opts.no_queues,
            process: opts.processes,
            extended: opts.extended,
        };
        let hosts = (opts.details.resolve && !opts.json).then(|| Hosts::load(&host));
        Printer {
            out: Out::new(out),
            opts,
            layout,
            // A stream of events is read as it comes: JSON Lines.
            json: opts.json.then(|| match opts.mode {
                Mode::Events => JsonArray::lines(),
                _ => JsonArray::new(),
            }),
            table: (!opts.json).then(|| Table::new(layout)),
            ns: Namespace {
                label: None,
                ifnames: IfNames::default(),
                // The caller's own, until a listed namespace is entered.
                ephemeral: ephemeral_range(),
                filter: None,
            },
            cgroups: Cgroups::through(host.clone()),
            procs: opts
                .processes
                .then(|| ProcIndex::through(host.clone(), opts.threads, opts.contexts)),
            host,
            stat_buf: Vec::new(),
            json_lead: String::new(),
            matched: 0,
            count_only: matches!(opts.mode, Mode::Wait(_)),
            ports: PortNames::new((1024, 4999)),
            port_kind: PortKind::Service(None),
            hosts,
            tcp: false,
        }
    }

    /// Formats every record as usual and writes none (`--snapshot`).
    /// Reads every file a later query's names may need (without `-n`,
    /// with `-r`, a filter naming them), so the capture holds them.
    pub fn discard(&mut self) {
        self.out.discard = true;
        self.ports.load(PortKind::Service(None), &self.host);
        self.ports.load(PortKind::Protocol, &self.host);
        self.hosts = Some(Hosts::load(&self.host));
    }

    /// A table's records come next: ss names their ports by the table
    /// (`dg_proto`), SCTP and MPTCP keeping what the table before set.
    pub fn begin_table(&mut self, table: TableId) {
        self.tcp = table == TableId::Tcp;
        self.port_kind = match table {
            TableId::Tcp => PortKind::Service(Some("tcp")),
            TableId::Udp => PortKind::Service(Some("udp")),
            TableId::Raw => PortKind::Protocol,
            _ => self.port_kind,
        };
        if !self.opts.details.numeric && !self.opts.json && table.is_inet() {
            self.ports.load(self.port_kind, &self.host);
        }
    }

    /// How many records passed the filter so far (and were printed,
    /// unless the mode is `wait`, which only counts them).
    pub fn matched(&self) -> u64 {
        self.matched
    }

    /// JSON members written first in every inet object from now on, each
    /// followed by a comma (`"timestamp":"...",`).
    pub fn set_json_lead(&mut self, members: std::fmt::Arguments<'_>) {
        use std::fmt::Write as _;
        self.json_lead.clear();
        // Writing into a String cannot fail.
        let _ = self.json_lead.write_fmt(members);
    }

    /// The header line, unless `-H` or `-j`.
    pub fn header(&mut self) -> Result<(), Error> {
        match &mut self.table {
            Some(t) if self.opts.header => t.header(&mut self.out),
            _ => Ok(()),
        }
    }

    /// Prints what the table holds (the header) and every row from now
    /// on as it comes, with the widths measured so far: a stream (`-E`)
    /// cannot wait for its end to lay out its columns.
    pub fn stream(&mut self) -> Result<(), Error> {
        match &mut self.table {
            Some(t) => t.print(&mut self.out),
            None => Ok(()),
        }
    }

    /// The records that follow are of namespace `ns`.
    pub fn enter(&mut self, ns: Namespace<'o>) {
        self.ports.set_ephemeral(ns.ephemeral);
        self.ns = ns;
    }

    /// Gives back the namespace entered last, for a caller that moves
    /// between namespaces (`-E --all-netns`).
    pub fn leave(&mut self) -> Namespace<'o> {
        let none = Namespace {
            label: None,
            ifnames: IfNames::default(),
            ephemeral: (0, 0),
            filter: None,
        };
        std::mem::replace(&mut self.ns, none)
    }

    /// The filter of the namespace being listed.
    fn filter(&self) -> &Expr {
        self.ns.filter.as_ref().unwrap_or(&self.opts.filter)
    }

    /// A text row's Netns cell, when every namespace is listed.
    fn netns_cell(&self) -> Option<&'o str> {
        self.ns.label.map(|(_, cell)| cell)
    }

    /// The namespace JSON objects name, when every one is listed.
    fn netns_info(&self) -> Option<&'o NetnsInfo<'o>> {
        self.ns.label.map(|(info, _)| info)
    }

    /// Prints the rows held, or closes the JSON array.
    pub fn close(&mut self) -> Result<(), Error> {
        if let Some(t) = &mut self.table {
            t.print(&mut self.out)?;
        }
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

    /// One record of a table of `kind`, from a request for `family`
    /// (`AF_UNSPEC`: both IP families). A record of another kind or family
    /// answers no question asked: printing or skipping it would both
    /// mislead.
    pub fn record(&mut self, kind: RecordKind, family: u8, body: &Body<'_>) -> Result<(), Error> {
        match (kind, body) {
            // An inet record is IPv4 or IPv6: the codec checked.
            (RecordKind::Inet { protocol }, Body::Inet(rec))
                if rec.family == family || family == sockdiag_codec::family::UNSPEC =>
            {
                self.inet(Some(protocol), rec)
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

    /// Prints one inet record of the `protocol` table if the listing
    /// selects it; `None` for a record read from /proc, which carries no
    /// attributes and, as in ss, gets no detail line.
    pub fn inet(&mut self, protocol: Option<u32>, rec: &InetRecord<'_>) -> Result<(), Error> {
        if !self.selects_inet(rec) {
            return Ok(());
        }
        self.matched += 1;
        if self.count_only {
            return Ok(());
        }
        self.print_inet(protocol, rec)
    }

    /// Whether the listing selects an inet record: its state, and the
    /// expression. The kernel ignores states for RAW, and /proc has no
    /// bytecode; ss also runs the expression again on what the kernel
    /// sent, so does sockdiag.
    pub fn selects_inet(&self, rec: &InetRecord<'_>) -> bool {
        let states = self.opts.states;
        let bound_inactive =
            self.tcp && rec.state == TcpState::Close && states.contains(TcpState::BoundInactive);
        (states.contains(rec.state) || bound_inactive) && self.matches_inet(rec)
    }

    /// Whether an inet record matches the expression, with ss's own
    /// `autobound` (a local port in the ephemeral range).
    pub fn matches_inet(&self, rec: &InetRecord<'_>) -> bool {
        let (lo, hi) = self.ns.ephemeral;
        let auto = (lo..=hi).contains(&rec.id.sport);
        self.filter().eval(&Entry::from_record(rec, auto))
    }

    /// Prints one inet record, selected or not.
    pub fn print_inet(&mut self, protocol: Option<u32>, rec: &InetRecord<'_>) -> Result<(), Error> {
        let d = &self.opts.details;
        // Details are checked only when something prints them, so a plain
        // listing stays as cheap as before.
        let details = match protocol {
            Some(proto)
                if d.info
                    || d.memory
                    || d.tos
                    || d.cgroup
                    || d.sockopt
                    || self.opts.json
                    || self.opts.bpf_maps.is_some() =>
            {
                let details = rec.details(proto).map_err(Error::Malformed)?;
                // A storage nest the kernel garbled is said, not skipped.
                if let Some(nest) = details.bpf_storages {
                    for s in sk_storage::storages(nest) {
                        s.map_err(Error::Malformed)?;
                    }
                }
                Some(asked_details(self.opts, details))
            }
            _ => None,
        };
        let netns_cell = self.netns_cell();
        let netns = self.netns_info();
        let ifname = self.ns.ifnames.name(rec.id.ifindex);
        let cgroup = match rec.cgroup_id {
            Some(id) if (self.opts.extended || d.cgroup) && id != 0 && self.json.is_none() => {
                self.cgroups.path(id)
            }
            _ => None,
        };
        // ss prints a /proc line with no -e or -o members either.
        let layout = Layout {
            extended: self.layout.extended && protocol.is_some(),
            ..self.layout
        };
        let mut users = [None, None];
        let mut line = line(
            self.opts,
            self.procs.as_ref(),
            netns,
            layout,
            rec.inode,
            &mut users,
        );
        line.timer &= protocol.is_some();
        line.protocol = protocol.unwrap_or(inet::proto::RAW);
        line.ifname = ifname;
        line.cgroup = cgroup;
        line.json_lead = &self.json_lead;
        if !self.opts.details.numeric {
            let (ports, kind) = (&self.ports, self.port_kind);
            line.services = [rec.id.sport, rec.id.dport].map(|p| ports.name(kind, p));
        }
        if let Some(hosts) = &self.hosts {
            line.hosts = [rec.id.src, rec.id.dst].map(|a| hosts.name(a));
        }
        match (&mut self.json, &mut self.table) {
            (Some(j), _) => {
                let r = j.inet(&mut self.out, &line, rec, details.as_ref());
                self.out.check(r)
            }
            (None, Some(t)) => t.row(&mut self.out, |r| {
                netns_first(r, netns_cell)?;
                text::write_inet(r, &line, rec, details.as_ref())
            }),
            (None, None) => Ok(()),
        }
    }

    /// Whether the listing selects a unix socket: its type's table, its
    /// state, and the expression.
    fn selects_unix(&self, rec: &UnixRecord<'_>) -> bool {
        let db = match rec.sock_type {
            SockType::Stream => Db::UnixStream,
            SockType::SeqPacket => Db::UnixSeq,
            // ss counts any other type as a datagram socket.
            _ => Db::UnixDgram,
        };
        self.opts.selection.has(db)
            && self.opts.states.contains(rec.state)
            && self.filter().eval_unix(rec)
    }

    /// Whether the listing selects a packet socket: as in ss, `sport`
    /// compares the interface index and `dport` a remote port that is
    /// always 0.
    fn selects_packet(&self, sock_type: SockType, ifindex: u32) -> bool {
        let db = if sock_type == SockType::Raw {
            Db::PacketRaw
        } else {
            Db::PacketDgram
        };
        self.opts.selection.has(db) && self.filter().eval_ports(i64::from(ifindex), 0)
    }

    fn unix(&mut self, rec: &UnixRecord<'_>) -> Result<(), Error> {
        if !self.selects_unix(rec) {
            return Ok(());
        }
        self.matched += 1;
        if self.count_only {
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
        // What a snapshot holds beyond this query's request is not shown.
        let mut rec = *rec;
        if !(self.opts.extended || self.opts.json) {
            rec.icons = None;
        }
        if !(self.opts.details.memory || self.opts.json) {
            rec.meminfo = None;
        }
        let rec = &rec;
        match (&mut self.json, &mut self.table) {
            (Some(j), _) => {
                let r = j.unix(&mut self.out, &line, rec);
                self.out.check(r)
            }
            (None, Some(t)) => t.row(&mut self.out, |r| {
                netns_first(r, netns_cell)?;
                text::write_unix(r, &line, rec)
            }),
            (None, None) => Ok(()),
        }
    }

    fn netlink(&mut self, rec: &NetlinkRecord<'_>) -> Result<(), Error> {
        // As in ss, `sport` compares the port id, and a netlink socket has
        // no remote port for `dport` to match.
        if !self.filter().eval_ports(i64::from(rec.portid), -1) {
            return Ok(());
        }
        self.matched += 1;
        if self.count_only {
            return Ok(());
        }
        let netns_cell = self.netns_cell();
        let netns = self.netns_info();
        let pid = rec.portid as i32;
        // Like ss, name the process whose pid is the port id, unless -n.
        let mut owner = None;
        if !self.opts.details.numeric && pid > 0 {
            let buf = &mut self.stat_buf;
            owner = self.host.text(Kind::PortOwner, 0, rec.portid.into(), || {
                procs::comm_of(rec.portid, buf).map(|c| Cow::Borrowed(c.as_bytes()))
            });
        }
        let owner = owner.as_deref();
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
        // ss shows no users:(...) for netlink sockets (the port already
        // names the process); JSON carries them. With -Z it shows the
        // context of the process the port id names.
        let host = &self.host;
        let context = self.opts.contexts.process.then(|| {
            // Asked through the host (key: the pid, 0 the kernel's own), so
            // a capture shows the context of the machine it was taken on.
            let ctx = (pid >= 0)
                .then(|| {
                    host.text(Kind::TaskContext, 0, rec.portid.into(), || {
                        let ctx = match pid {
                            0 => std::fs::read("/sys/fs/selinux/initial_contexts/kernel")
                                .ok()
                                .map(|raw| procs::context_text(&raw)),
                            _ => procs::task_context(rec.portid),
                        };
                        ctx.map(|c| Cow::Owned(c.into_bytes()))
                    })
                })
                .flatten();
            format!(" proc_ctx={}", ctx.as_deref().unwrap_or("unavailable"))
        });
        line.process = context.as_ref().map(|c| c as &dyn std::fmt::Display);
        match (&mut self.json, &mut self.table) {
            (Some(j), _) => {
                let r = j.netlink(&mut self.out, &line, rec);
                self.out.check(r)
            }
            (None, Some(t)) => t.row(&mut self.out, |r| {
                netns_first(r, netns_cell)?;
                text::write_netlink(r, &line, rec)
            }),
            (None, None) => Ok(()),
        }
    }

    fn packet(&mut self, rec: &PacketRecord<'_>) -> Result<(), Error> {
        if !self.selects_packet(rec.sock_type, rec.ifindex()) {
            return Ok(());
        }
        self.matched += 1;
        if self.count_only {
            return Ok(());
        }
        let netns_cell = self.netns_cell();
        let netns = self.netns_info();
        let ifname = match rec.ifindex() {
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
        let mut rec = *rec;
        if !self.opts.json {
            rec.mclist = None;
        }
        let rec = &rec;
        match (&mut self.json, &mut self.table) {
            (Some(j), _) => {
                let r = j.packet(&mut self.out, &line, rec);
                self.out.check(r)
            }
            (None, Some(t)) => t.row(&mut self.out, |r| {
                netns_first(r, netns_cell)?;
                text::write_packet(r, &line, rec)
            }),
            (None, None) => Ok(()),
        }
    }
}

/// `details` narrowed to what the query's request asks the kernel for
/// (the `idiag_ext` bits of `-m`, `-i` and `--tos`): a `--snapshot` holds
/// them all, and a query of it prints what the live query would.
fn asked_details<'a>(opts: &Options, mut details: InetDetails<'a>) -> InetDetails<'a> {
    let d = &opts.details;
    if !d.memory {
        (details.meminfo, details.skmem) = (None, None);
    }
    if !d.info {
        (details.info, details.vegas, details.dctcp, details.bbr) = (None, None, None, None);
        details.cong = None;
    }
    if !d.tos {
        (details.tos, details.tclass, details.class_id) = (None, None, None);
    }
    details
}
