//! The printer: every decoded record passes the user-space filter (the
//! states, the expression, the unix and packet types), then gets the names
//! only the host knows (interfaces, cgroups, processes) and is written as
//! a text line or a JSON object, as it arrives. With `--all-netns` each
//! line starts with its namespace's cell and each object names it.

use std::io::Write;

use sockdiag_codec::filter::expr::Expr;
use sockdiag_codec::filter::socket::Entry;
use sockdiag_codec::format::columns::{write_header, Layout};
use sockdiag_codec::format::json::JsonArray;
use sockdiag_codec::format::line::Line;
use sockdiag_codec::format::netns::{write_netns_cell, write_netns_header};
use sockdiag_codec::format::text;
use sockdiag_codec::netns::Netns as NetnsInfo;
use sockdiag_codec::wire::datagram::Body;
use sockdiag_codec::wire::inet::{self, InetRecord};
use sockdiag_codec::wire::netlink_diag::NetlinkRecord;
use sockdiag_codec::wire::packet::PacketRecord;
use sockdiag_codec::wire::sock_diag::SockType;
use sockdiag_codec::wire::unix::UnixRecord;
use sockdiag_codec::Error as CodecError;

use crate::cli::selection::Db;
use crate::cli::Options;
use crate::error::Error;
use crate::host::cgroups::Cgroups;
use crate::host::ifnames::IfNames;
use crate::host::procs::{self, ProcIndex};
use crate::output::out::Out;
use crate::tables::RecordKind;

/// The line description the options give, with the holders of `inode`
/// when `-p` asked for them (`procs`) and the namespace when every one is
/// listed.
fn line<'x>(
    opts: &Options,
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
        netns,
        ..Line::PLAIN
    };
    if let Some(index) = procs {
        let [text, json] = users;
        line.process = Some(text.insert(index.text(inode)));
        line.process_json = Some(json.insert(index.json(inode)));
    }
    line
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
    /// The Netns column's width, when every namespace is listed.
    netns_width: Option<usize>,
    /// The namespace being listed.
    ns: Namespace<'o>,
    cgroups: Cgroups,
    /// `-p`: socket holders, indexed once before the first dump.
    procs: Option<ProcIndex>,
    /// Reused for netlink port owners' /proc/PID/stat.
    stat_buf: Vec<u8>,
}

impl<'o, W: Write> Printer<'o, W> {
    /// A printer for the listing `opts` asks for, writing to `out`, with a
    /// Netns column `netns_width` wide when every namespace is listed;
    /// `-p`'s process index is built here, before the first dump. Socket
    /// inodes are unique across namespaces, so one index serves them all.
    pub fn new(out: W, opts: &'o Options, netns_width: Option<usize>) -> Printer<'o, W> {
        Printer {
            out: Out::new(out),
            opts,
            layout: Layout {
                netid: opts.show_netid(),
                state: !opts.states.is_single(),
                extended: opts.extended,
            },
            json: opts.json.then(JsonArray::new),
            netns_width,
            ns: Namespace {
                label: None,
                ifnames: IfNames::default(),
                ephemeral: (1024, 4999),
                filter: None,
            },
            cgroups: Cgroups::default(),
            procs: opts.processes.then(ProcIndex::build),
            stat_buf: Vec::new(),
        }
    }

    /// The header line, unless `-H` or `-j`.
    pub fn header(&mut self) -> Result<(), Error> {
        if self.opts.header && !self.opts.json {
            let mut r = Ok(());
            if let Some(width) = self.netns_width {
                r = write_netns_header(&mut self.out, width);
            }
            let r = r.and_then(|()| write_header(&mut self.out, &self.layout));
            self.out.check(r)?;
        }
        Ok(())
    }

    /// The records that follow are of namespace `ns`.
    pub fn enter(&mut self, ns: Namespace<'o>) {
        self.ns = ns;
    }

    /// The filter of the namespace being listed.
    fn filter(&self) -> &Expr {
        self.ns.filter.as_ref().unwrap_or(&self.opts.filter)
    }

    /// A text line's Netns cell, when every namespace is listed.
    fn netns_cell(&mut self) -> std::fmt::Result {
        match (self.netns_width, self.ns.label) {
            (Some(width), Some((_, cell))) if self.json.is_none() => {
                write_netns_cell(&mut self.out, cell, width)
            }
            _ => Ok(()),
        }
    }

    /// The namespace JSON objects name, when every one is listed.
    fn netns_info(&self) -> Option<&'o NetnsInfo<'o>> {
        self.ns.label.map(|(info, _)| info)
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
            _ => Err(Error::Malformed(CodecError::BadFamily)),
        }
    }

    /// Prints one inet record of the `protocol` table; `None` for a record
    /// read from /proc, which carries no attributes and, as in ss, gets no
    /// detail line.
    pub fn inet(&mut self, protocol: Option<u32>, rec: &InetRecord<'_>) -> Result<(), Error> {
        // The kernel ignores states for RAW, and /proc has no bytecode. ss
        // also runs the expression again on what the kernel sent, with its
        // own `autobound` (an ephemeral port); so does sockdiag.
        let (lo, hi) = self.ns.ephemeral;
        let auto = (lo..=hi).contains(&rec.id.sport);
        if !self.opts.states.contains(rec.state)
            || !self.filter().eval(&Entry::from_record(rec, auto))
        {
            return Ok(());
        }
        let d = &self.opts.details;
        // Details are checked only when something prints them, so a plain
        // listing stays as cheap as before.
        let details = match protocol {
            Some(proto) if d.info || d.memory || d.tos || self.opts.json => {
                Some(rec.details(proto).map_err(Error::Malformed)?)
            }
            _ => None,
        };
        let r = self.netns_cell();
        self.out.check(r)?;
        let netns = self.netns_info();
        let ifname = self.ns.ifnames.name(rec.id.ifindex);
        let cgroup = match rec.cgroup_id {
            Some(id) if self.opts.extended && id != 0 && self.json.is_none() => {
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
        let r = match &mut self.json {
            Some(j) => j.inet(&mut self.out, &line, rec, details.as_ref()),
            None => text::write_inet(&mut self.out, &line, rec, details.as_ref()),
        };
        self.out.check(r)
    }

    fn unix(&mut self, rec: &UnixRecord<'_>) -> Result<(), Error> {
        let db = match rec.sock_type {
            SockType::Stream => Db::UnixStream,
            SockType::SeqPacket => Db::UnixSeq,
            // ss counts any other type as a datagram socket.
            _ => Db::UnixDgram,
        };
        if !self.opts.selection.has(db)
            || !self.opts.states.contains(rec.state)
            || !self.filter().eval_unix(rec)
        {
            return Ok(());
        }
        let r = self.netns_cell();
        self.out.check(r)?;
        let mut users = [None, None];
        let line = line(
            self.opts,
            self.procs.as_ref(),
            self.netns_info(),
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
        if !self.filter().eval_ports(i64::from(rec.portid), -1) {
            return Ok(());
        }
        let r = self.netns_cell();
        self.out.check(r)?;
        let netns = self.netns_info();
        let pid = rec.portid as i32;
        // Like ss, name the process whose pid is the port id, unless -n.
        let owner = if !self.opts.details.numeric && pid > 0 {
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
        // ss shows no users:(...) for netlink sockets (the port already
        // names the process); JSON carries them.
        let r = match &mut self.json {
            Some(j) => j.netlink(&mut self.out, &line, rec),
            None => text::write_netlink(&mut self.out, &line, rec),
        };
        self.out.check(r)
    }

    fn packet(&mut self, rec: &PacketRecord<'_>) -> Result<(), Error> {
        let db = if rec.sock_type == SockType::Raw {
            Db::PacketRaw
        } else {
            Db::PacketDgram
        };
        // As in ss, `sport` compares the interface index and `dport` a
        // remote port that is always 0.
        if !self.opts.selection.has(db) || !self.filter().eval_ports(i64::from(rec.ifindex()), 0) {
            return Ok(());
        }
        let r = self.netns_cell();
        self.out.check(r)?;
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
        let r = match &mut self.json {
            Some(j) => j.packet(&mut self.out, &line, rec),
            None => text::write_packet(&mut self.out, &line, rec),
        };
        self.out.check(r)
    }
}
