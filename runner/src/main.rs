//! sockdiag: ss's socket listing for systems that have no ss.
//!
//! Thin by design: parse the command line, ask the kernel, and hand every
//! datagram to sockdiag-codec, which decodes and formats it. Records are
//! printed as they arrive; nothing is allocated per socket.

mod cgroups;
mod cli;
mod ifnames;
mod netlink;
mod procs;
mod query;
mod resolve;
mod source;
mod summary;

use std::fmt;
use std::io::{self, Write};
use std::process::ExitCode;

use sockdiag_codec::filter::bytecode::{self, FilteredReq};
use sockdiag_codec::filter::socket::Entry;
use sockdiag_codec::format::columns::{write_header, Layout};
use sockdiag_codec::format::json::JsonArray;
use sockdiag_codec::format::line::Line;
use sockdiag_codec::format::{names, text};
use sockdiag_codec::wire::datagram::{Body, Messages};
use sockdiag_codec::wire::inet::{self, InetRecord};
use sockdiag_codec::wire::netlink_diag::NetlinkRecord;
use sockdiag_codec::wire::packet::PacketRecord;
use sockdiag_codec::wire::sock_diag::{Request, SockType};
use sockdiag_codec::wire::unix::{self, UnixRecord};
use sockdiag_codec::wire::{netlink_diag as nl, packet};
use sockdiag_codec::Error as CodecError;

use cli::{Exit, Options, Table};
use netlink::NetError;
use query::Db;
use source::{Source, SourceError};

/// A failure that ends the run.
enum Fatal {
    Net(NetError),
    /// The kernel's reply did not decode.
    Malformed(CodecError),
    /// A reply that answers some other request.
    Sequence {
        got: u32,
        want: u32,
    },
    /// A /proc table line that could not be read or decoded.
    Proc(&'static str, usize, CodecError),
    /// Writing the output failed (a closed pipe ends quietly).
    Output(io::Error),
    /// The capture file of --decode or --dump-raw, in one line.
    Capture(String),
}

impl fmt::Display for Fatal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Fatal::Net(e) => e.fmt(f),
            Fatal::Malformed(e) => write!(f, "malformed reply from the kernel: {e}"),
            Fatal::Sequence { got, want } => {
                write!(f, "reply with sequence number {got}, expected {want}")
            }
            Fatal::Proc(path, line, e) => write!(f, "{path}: line {line}: {e}"),
            Fatal::Output(e) => write!(f, "cannot write output: {e}"),
            Fatal::Capture(msg) => f.write_str(msg),
        }
    }
}

impl From<NetError> for Fatal {
    fn from(e: NetError) -> Fatal {
        Fatal::Net(e)
    }
}

impl From<SourceError> for Fatal {
    fn from(e: SourceError) -> Fatal {
        match e {
            SourceError::Net(e) => Fatal::Net(e),
            SourceError::Capture(msg) => Fatal::Capture(msg),
        }
    }
}

/// Buffered stdout behind `fmt::Write`. Records are formatted into a
/// fixed buffer, a piece at a time (a separator, a number: mostly a few
/// bytes), and handed to the writer once a record ends and a chunk has
/// gathered. An io error is kept for [`Out::check`], which `fmt::Error`
/// cannot carry.
struct Out<W: Write> {
    inner: W,
    buf: Box<[u8]>,
    len: usize,
    error: Option<io::Error>,
}

/// Bytes gathered before a write to stdout.
const OUT_CHUNK: usize = 64 * 1024;

/// Copies a short piece with fixed-size moves (two overlapping ones cover
/// any length in a range): a memcpy call per piece costs more than the
/// copy, with musl's memcpy above all.
#[inline]
fn copy_small(dst: &mut [u8], src: &[u8]) {
    let n = src.len();
    match n {
        0 => {}
        1..=3 => {
            dst[0] = src[0];
            dst[n / 2] = src[n / 2];
            dst[n - 1] = src[n - 1];
        }
        4..=7 => {
            dst[..4].copy_from_slice(&src[..4]);
            dst[n - 4..n].copy_from_slice(&src[n - 4..]);
        }
        8..=16 => {
            dst[..8].copy_from_slice(&src[..8]);
            dst[n - 8..n].copy_from_slice(&src[n - 8..]);
        }
        _ => dst[..n].copy_from_slice(src),
    }
}

impl<W: Write> fmt::Write for Out<W> {
    // Inlined where the codec calls it directly with a literal or a
    // number's digits: most pieces of a line.
    #[inline]
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let bytes = s.as_bytes();
        if bytes.len() > self.buf.len() - self.len {
            // A record longer than what is left: send what is gathered,
            // and a piece longer than the buffer directly.
            self.drain().map_err(|e| {
                self.error = Some(e);
                fmt::Error
            })?;
            if bytes.len() > self.buf.len() {
                return self.inner.write_all(bytes).map_err(|e| {
                    self.error = Some(e);
                    fmt::Error
                });
            }
        }
        copy_small(&mut self.buf[self.len..], bytes);
        self.len += bytes.len();
        Ok(())
    }
}

impl<W: Write> Out<W> {
    fn new(inner: W) -> Out<W> {
        Out {
            inner,
            // Room for a chunk and the record that crosses its end.
            buf: vec![0; OUT_CHUNK + 16 * 1024].into_boxed_slice(),
            len: 0,
            error: None,
        }
    }

    /// Ends a record: a write or formatting error is fatal, and a full
    /// chunk goes out.
    fn check(&mut self, r: fmt::Result) -> Result<(), Fatal> {
        r.map_err(|_| {
            Fatal::Output(
                self.error
                    .take()
                    .unwrap_or_else(|| io::Error::other("formatting failed")),
            )
        })?;
        if self.len >= OUT_CHUNK {
            self.drain().map_err(Fatal::Output)?;
        }
        Ok(())
    }

    fn drain(&mut self) -> io::Result<()> {
        let n = std::mem::take(&mut self.len);
        self.inner.write_all(&self.buf[..n])
    }

    fn flush(&mut self) -> Result<(), Fatal> {
        self.drain().map_err(Fatal::Output)?;
        self.inner.flush().map_err(Fatal::Output)
    }
}

#[cfg(test)]
mod out_tests {
    use super::*;
    use std::fmt::Write as _;

    /// Every piece length, across the chunk boundary and beyond the
    /// buffer, arrives whole and in order.
    #[test]
    fn pieces_arrive_in_order() {
        let mut out = Out::new(Vec::new());
        let mut want = Vec::new();
        let text: String = (0..200_000)
            .map(|i| char::from(b'a' + (i % 26) as u8))
            .collect();
        let mut at = 0;
        for n in (0..40).chain([100, 5000, 90_000]).cycle().take(400) {
            let piece = &text[at % 100_000..at % 100_000 + n];
            out.write_str(piece).unwrap();
            want.extend_from_slice(piece.as_bytes());
            assert!(out.check(Ok(())).is_ok());
            at += 7;
        }
        assert!(out.flush().is_ok());
        assert_eq!(out.inner, want);
    }
}

/// Formats records as they are decoded.
struct Printer<'o, W: Write> {
    out: Out<W>,
    opts: &'o Options,
    layout: Layout,
    json: Option<JsonArray>,
    ifnames: ifnames::IfNames,
    cgroups: cgroups::Cgroups,
    /// `-p`: socket holders, indexed once before the first dump.
    procs: Option<procs::ProcIndex>,
    /// Reused for netlink port owners' /proc/PID/stat.
    stat_buf: Vec<u8>,
    /// ss's user-space `autobound`: a local port in this range.
    ephemeral: (u16, u16),
}

/// What a line adds from outside the record: the switches, and the holders
/// of `inode` when `-p` asked for them.
fn extras<'x>(
    opts: &Options,
    layout: Layout,
    procs: Option<&'x procs::ProcIndex>,
    inode: u32,
    users: &'x mut [Option<procs::Users<'x>>; 2],
) -> Line<'x> {
    let d = &opts.details;
    let mut e = Line {
        layout,
        timer: d.timer,
        tos: d.tos,
        memory: d.memory,
        info: d.info,
        numeric: d.numeric,
        oneline: opts.oneline,
        ..Line::PLAIN
    };
    if let Some(index) = procs {
        let [text, json] = users;
        e.process = text.insert(index.text(inode));
        e.process_json = json.insert(index.json(inode));
    }
    e
}

impl<W: Write> Printer<'_, W> {
    /// Prints one inet record of the `protocol` table; `None` for a record
    /// read from /proc, which carries no attributes and, as in ss, gets no
    /// detail line.
    fn inet(
        &mut self,
        _netid: &str,
        protocol: Option<u32>,
        rec: &InetRecord<'_>,
    ) -> Result<(), Fatal> {
        // The kernel ignores states for RAW, and /proc has no bytecode. ss
        // also runs the expression again on what the kernel sent, with its
        // own `autobound` (an ephemeral port); so does sockdiag.
        let (lo, hi) = self.ephemeral;
        let auto = (lo..=hi).contains(&rec.id.sport);
        if !self.opts.states.contains(rec.state)
            || !self.opts.filter.eval(&Entry::from_record(rec, auto))
        {
            return Ok(());
        }
        let ifname = self.ifnames.name(rec.id.ifindex);
        let d = &self.opts.details;
        // Details are checked only when something prints them, so a plain
        // listing stays as cheap as before.
        let details = match protocol {
            Some(proto) if d.info || d.memory || d.tos || self.opts.json => {
                Some(rec.details(proto).map_err(Fatal::Malformed)?)
            }
            _ => None,
        };
        let mut users = [None, None];
        // ss prints a /proc line with no -e or -o members either.
        let layout = Layout {
            extended: self.layout.extended && protocol.is_some(),
            ..self.layout
        };
        let mut extras = extras(
            self.opts,
            layout,
            self.procs.as_ref(),
            rec.inode,
            &mut users,
        );
        extras.protocol = protocol.unwrap_or(inet::proto::RAW);
        extras.ifname = ifname;
        extras.cgroup = match rec.cgroup_id {
            Some(id) if self.opts.extended && id != 0 && self.json.is_none() => {
                self.cgroups.path(id)
            }
            _ => None,
        };
        extras.timer &= protocol.is_some();
        let r = match &mut self.json {
            Some(j) => j.inet(&mut self.out, &extras, rec, details.as_ref()),
            None => text::write_inet(&mut self.out, &extras, rec, details.as_ref()),
        };
        self.out.check(r)
    }

    fn unix(&mut self, rec: &UnixRecord<'_>) -> Result<(), Fatal> {
        let db = match rec.sock_type {
            SockType::Stream => Db::UnixStream,
            SockType::SeqPacket => Db::UnixSeq,
            // ss counts any other type as a datagram socket.
            _ => Db::UnixDgram,
        };
        if !self.opts.selection.has(db)
            || !self.opts.states.contains(rec.state)
            || !self.opts.filter.eval_unix(rec)
        {
            return Ok(());
        }
        let mut users = [None, None];
        let extras = extras(
            self.opts,
            self.layout,
            self.procs.as_ref(),
            rec.inode,
            &mut users,
        );
        let r = match &mut self.json {
            Some(j) => j.unix(&mut self.out, &extras, rec),
            None => text::write_unix(&mut self.out, &extras, rec),
        };
        self.out.check(r)
    }

    fn netlink(&mut self, rec: &NetlinkRecord<'_>) -> Result<(), Fatal> {
        // As in ss, `sport` compares the port id, and a netlink socket has
        // no remote port for `dport` to match.
        if !self.opts.filter.eval_ports(i64::from(rec.portid), -1) {
            return Ok(());
        }
        let pid = rec.portid as i32;
        // Like ss, name the process whose pid is the port id, unless -n.
        let owner = if !self.opts.details.numeric && pid > 0 {
            procs::comm_of(rec.portid, &mut self.stat_buf)
        } else {
            None
        };
        let mut users = [None, None];
        let mut extras = extras(
            self.opts,
            self.layout,
            self.procs.as_ref(),
            rec.inode,
            &mut users,
        );
        extras.owner = owner;
        let r = match &mut self.json {
            Some(j) => j.netlink(&mut self.out, &extras, rec),
            // ss shows no users:(...) for netlink sockets (the port already
            // names the process); JSON carries them.
            None => text::write_netlink(&mut self.out, &extras, rec),
        };
        self.out.check(r)
    }

    fn packet(&mut self, rec: &PacketRecord<'_>) -> Result<(), Fatal> {
        let db = if rec.sock_type == SockType::Raw {
            Db::PacketRaw
        } else {
            Db::PacketDgram
        };
        // As in ss, `sport` compares the interface index and `dport` a
        // remote port that is always 0.
        if !self.opts.selection.has(db) || !self.opts.filter.eval_ports(i64::from(rec.ifindex()), 0)
        {
            return Ok(());
        }
        let ifname = match rec.ifindex() {
            0 => None,
            i => self.ifnames.name(i),
        };
        let mut users = [None, None];
        let mut extras = extras(
            self.opts,
            self.layout,
            self.procs.as_ref(),
            rec.inode,
            &mut users,
        );
        extras.ifname = ifname;
        let r = match &mut self.json {
            Some(j) => j.packet(&mut self.out, &extras, rec),
            None => text::write_packet(&mut self.out, &extras, rec),
        };
        self.out.check(r)
    }
}

/// How a dump ended: cleanly, or with the kernel's errno.
enum Outcome {
    Done,
    /// `NLMSG_ERROR` at the start: the family itself is not served.
    Refused(i32),
    /// `NLMSG_DONE` with an errno: the protocol is not served.
    Failed(i32),
}

/// Sends one dump request and streams its records through `each`.
fn dump<R: Request>(
    src: &mut Source,
    buf: &mut [u8],
    request: &R,
    mut each: impl FnMut(&Body<'_>) -> Result<(), Fatal>,
) -> Result<Outcome, Fatal> {
    let seq = src.send(request)?;
    loop {
        let datagram = src.recv(buf)?;
        for msg in Messages::new(datagram) {
            let msg = msg.map_err(Fatal::Malformed)?;
            if msg.header.seq != seq {
                return Err(Fatal::Sequence {
                    got: msg.header.seq,
                    want: seq,
                });
            }
            match msg.body {
                Body::Done { errno: 0 } => return Ok(Outcome::Done),
                Body::Done { errno } => return Ok(Outcome::Failed(errno)),
                // An ACK is not the end of a dump.
                Body::Error { errno: 0 } => {}
                Body::Error { errno } => return Ok(Outcome::Refused(errno)),
                body => each(&body)?,
            }
        }
    }
}

/// The kernel pieces behind each table, for naming what is missing.
fn diag_module(table: Table) -> (&'static str, &'static str) {
    match table {
        Table::Tcp => ("tcp_diag", "CONFIG_INET_TCP_DIAG"),
        Table::Udp => ("udp_diag", "CONFIG_INET_UDP_DIAG"),
        Table::Raw => ("raw_diag", "CONFIG_INET_RAW_DIAG"),
        Table::Unix => ("unix_diag", "CONFIG_UNIX_DIAG"),
        Table::Netlink => ("netlink_diag", "CONFIG_NETLINK_DIAG"),
        Table::Packet => ("packet_diag", "CONFIG_PACKET_DIAG"),
        Table::Sctp => ("sctp_diag", "CONFIG_INET_SCTP_DIAG"),
        Table::Mptcp => ("mptcp_diag", "CONFIG_INET_MPTCP_DIAG"),
    }
}

/// True for the tables served through inet_diag.
fn is_inet(table: Table) -> bool {
    matches!(
        table,
        Table::Tcp | Table::Udp | Table::Raw | Table::Sctp | Table::Mptcp
    )
}

fn table_name(table: Table) -> &'static str {
    match table {
        Table::Tcp => "tcp",
        Table::Udp => "udp",
        Table::Raw => "raw",
        Table::Unix => "unix",
        Table::Netlink => "netlink",
        Table::Packet => "packet",
        Table::Sctp => "sctp",
        Table::Mptcp => "mptcp",
    }
}

const ENOENT: i32 = 2;

/// Lists raw sockets of `family` from /proc/net/raw{,6}. Returns false when
/// there is no such file (no /proc), so the caller reports the missing
/// raw_diag instead.
fn proc_raw<W: Write>(src: &mut Source, p: &mut Printer<'_, W>, family: u8) -> Result<bool, Fatal> {
    let ipv6 = family == sockdiag_codec::family::INET6;
    let path = if ipv6 {
        "/proc/net/raw6"
    } else {
        "/proc/net/raw"
    };
    let Some(text) = src.proc_raw(ipv6)? else {
        return Ok(false);
    };
    // The kernel writes ASCII; a bad byte is reported on its line.
    for (number, line) in text.split(|&b| b == b'\n').enumerate() {
        if line.is_empty() {
            continue;
        }
        let rec = std::str::from_utf8(line)
            .map_err(|_| sockdiag_codec::Error::BadText)
            .and_then(sockdiag_codec::proc::inet::parse_line)
            .map_err(|e| Fatal::Proc(path, number + 1, e))?;
        if let Some(rec) = rec {
            p.inet(names::inet_netid(inet::proto::RAW), None, &rec)?;
        }
    }
    Ok(true)
}

/// One line explaining why a table could not be dumped.
fn explain(table: Table, outcome: &Outcome) -> Option<String> {
    let name = table_name(table);
    let (module, config) = diag_module(table);
    let (errno, refused) = match *outcome {
        Outcome::Done => return None,
        Outcome::Refused(e) => (e, true),
        Outcome::Failed(e) => (e, false),
    };
    const EPERM: i32 = 1;
    const EACCES: i32 = 13;
    Some(match errno {
        // NLMSG_ERROR/ENOENT: sock_diag has no handler for the family, so
        // for IP tables inet_diag itself is missing.
        ENOENT if refused && is_inet(table) => format!(
            "{name}: the kernel cannot dump {name} sockets: inet_diag is missing \
             (CONFIG_INET_DIAG; modprobe inet_diag {module})"
        ),
        ENOENT => format!(
            "{name}: the kernel cannot dump {name} sockets: {module} is missing \
             ({config}; modprobe {module})"
        ),
        EPERM | EACCES => format!("{name}: permission denied by the kernel"),
        e => format!(
            "{name}: the kernel refused the dump: {}",
            io::Error::from_raw_os_error(e)
        ),
    })
}

/// Dumps the unix table through the printer.
fn unix_table<W: Write>(
    src: &mut Source,
    buf: &mut [u8],
    p: &mut Printer<'_, W>,
) -> Result<Outcome, Fatal> {
    // NAME, PEER and RQLEN give ss's columns; UID and VFS are cheap and
    // feed -e and JSON.
    let mut show =
        unix::show::NAME | unix::show::PEER | unix::show::RQLEN | unix::show::UID | unix::show::VFS;
    // Pending-connection lists grow with the backlog; only -e and JSON
    // print them.
    if p.opts.extended || p.opts.json {
        show |= unix::show::ICONS;
    }
    if p.opts.details.memory || p.opts.json {
        show |= unix::show::MEMINFO;
    }
    let req = unix::ReqRepr::dump(p.opts.states.0, show);
    dump(src, buf, &req, |body| match body {
        Body::Unix(rec) => p.unix(rec),
        _ => Err(Fatal::Malformed(CodecError::BadFamily)),
    })
}

/// The `idiag_ext` bits ss sends for its options: `-m` MEMINFO and
/// SKMEMINFO, `-i` INFO, VEGASINFO (which also brings DCTCP and BBR info)
/// and CONG, `--tos` TOS and TCLASS (which also brings CLASS_ID). `-e`
/// needs none: SHUTDOWN, MARK, CGROUP_ID and SOCKOPT always come.
fn ext_bits(d: &cli::Details) -> u8 {
    use inet::{attr_kind as k, ext_bit};
    let mut ext = 0;
    if d.memory {
        ext |= ext_bit(k::MEMINFO) | ext_bit(k::SKMEMINFO);
    }
    if d.info {
        ext |= ext_bit(k::INFO) | ext_bit(k::VEGASINFO) | ext_bit(k::CONG);
    }
    if d.tos {
        ext |= ext_bit(k::TOS) | ext_bit(k::TCLASS);
    }
    ext
}

/// Dumps the netlink table through the printer.
fn netlink_table<W: Write>(
    src: &mut Source,
    buf: &mut [u8],
    p: &mut Printer<'_, W>,
) -> Result<Outcome, Fatal> {
    // Netlink sockets are always UNCONN to ss: other states show nothing.
    if !p.opts.states.contains(inet::TcpState::Close) {
        return Ok(Outcome::Done);
    }
    let req = nl::ReqRepr::dump(nl::show::MEMINFO | nl::show::GROUPS | nl::show::FLAGS);
    dump(src, buf, &req, |body| match body {
        Body::Netlink(rec) => p.netlink(rec),
        _ => Err(Fatal::Malformed(CodecError::BadFamily)),
    })
}

/// Dumps the packet table through the printer.
fn packet_table<W: Write>(
    src: &mut Source,
    buf: &mut [u8],
    p: &mut Printer<'_, W>,
) -> Result<Outcome, Fatal> {
    if !p.opts.states.contains(inet::TcpState::Close) {
        return Ok(Outcome::Done);
    }
    // What ss asks for; MCLIST only feeds JSON.
    let mut show = packet::show::INFO
        | packet::show::MEMINFO
        | packet::show::FILTER
        | packet::show::RING_CFG
        | packet::show::FANOUT;
    if p.opts.json {
        show |= packet::show::MCLIST;
    }
    dump(src, buf, &packet::ReqRepr::dump(show), |body| match body {
        Body::Packet(rec) => p.packet(rec),
        _ => Err(Fatal::Malformed(CodecError::BadFamily)),
    })
}

/// Dumps one IP table, each selected family in turn, through the printer.
fn inet_table<W: Write>(
    src: &mut Source,
    buf: &mut [u8],
    p: &mut Printer<'_, W>,
    table: Table,
) -> Result<Outcome, Fatal> {
    let protocol = match table {
        Table::Tcp => inet::proto::TCP,
        Table::Udp => inet::proto::UDP,
        Table::Sctp => inet::proto::SCTP,
        Table::Mptcp => inet::proto::MPTCP,
        _ => inet::proto::RAW,
    };
    let netid = names::inet_netid(protocol);
    // The kernel runs the filter; an expression it cannot run (a unix
    // pattern) is left to the user-space test alone.
    let mut program = [0u8; bytecode::MAX_PROGRAM_LEN];
    let len = bytecode::compile(&p.opts.filter, &mut program).unwrap_or(0);
    for family in p.opts.families() {
        let mut req = inet::ReqRepr::dump(family, protocol, p.opts.states.0);
        req.ext = ext_bits(&p.opts.details);
        let req = FilteredReq {
            req,
            bytecode: &program[..len],
        };
        let mut outcome = dump(src, buf, &req, |body| match body {
            Body::Inet(rec) if rec.family == family => p.inet(netid, Some(protocol), rec),
            // A record of another family answers no question we asked;
            // printing or skipping it would both mislead.
            _ => Err(Fatal::Malformed(CodecError::BadFamily)),
        })?;
        // Many kernels ship without raw_diag; ss then reads /proc, and a
        // user of ss expects the same list.
        if table == Table::Raw
            && matches!(outcome, Outcome::Failed(ENOENT) | Outcome::Refused(ENOENT))
            && proc_raw(src, p, family)?
        {
            outcome = Outcome::Done;
        }
        if !matches!(outcome, Outcome::Done) {
            return Ok(outcome);
        }
    }
    Ok(Outcome::Done)
}

fn run(opts: &Options) -> Result<bool, Fatal> {
    if opts.summary {
        let mut text = String::new();
        match summary::read() {
            Ok(s) => {
                // Writing into a String cannot fail.
                let _ = s.write(&mut text);
                print!("{text}");
            }
            Err(e) => {
                eprintln!("sockdiag: {e}");
                return Ok(false);
            }
        }
        if opts.summary_only {
            return Ok(true);
        }
    }
    let mut src = Source::open(opts.decode.as_deref(), opts.dump_raw.as_deref())?;
    let mut buf = vec![0u8; netlink::RECV_BUF];
    let stdout = io::stdout().lock();
    let mut p = Printer {
        out: Out::new(stdout),
        opts,
        layout: Layout {
            netid: opts.show_netid(),
            state: !opts.states.is_single(),
            extended: opts.extended,
        },
        json: opts.json.then(JsonArray::new),
        ifnames: ifnames::IfNames::default(),
        cgroups: cgroups::Cgroups::default(),
        procs: opts.processes.then(procs::ProcIndex::build),
        stat_buf: Vec::new(),
        ephemeral: resolve::ephemeral_range(),
    };
    if opts.header && !opts.json {
        let r = write_header(&mut p.out, &p.layout);
        p.out.check(r)?;
    }
    let mut all_ok = true;
    for &table in &opts.tables {
        let outcome = match table {
            Table::Unix => unix_table(&mut src, &mut buf, &mut p)?,
            Table::Netlink => netlink_table(&mut src, &mut buf, &mut p)?,
            Table::Packet => packet_table(&mut src, &mut buf, &mut p)?,
            _ => inet_table(&mut src, &mut buf, &mut p, table)?,
        };
        // SCTP and MPTCP come with every listing; like ss, say nothing
        // when their diag module is missing unless they were asked for.
        let optional =
            matches!(table, Table::Sctp | Table::Mptcp) && !opts.selection.explicit(table);
        if optional && matches!(outcome, Outcome::Failed(ENOENT) | Outcome::Refused(ENOENT)) {
            continue;
        }
        if let Some(msg) = explain(table, &outcome) {
            // Keep stdout and stderr in order for a reader of both.
            p.out.flush()?;
            eprintln!("sockdiag: {msg}");
            all_ok = false;
        }
    }
    if let Some(j) = &mut p.json {
        let r = j.finish(&mut p.out);
        p.out.check(r)?;
    }
    src.finish()?;
    p.out.flush()?;
    Ok(all_ok)
}

fn main() -> ExitCode {
    let opts = match cli::parse(std::env::args_os().skip(1)) {
        Ok(o) => o,
        Err(Exit::Info(text)) => {
            println!("{text}");
            return ExitCode::SUCCESS;
        }
        Err(Exit::Usage(msg)) => {
            eprintln!("sockdiag: {msg}");
            eprintln!("{}", cli::USAGE.lines().next().unwrap_or(""));
            return ExitCode::from(2);
        }
        Err(Exit::Nothing(msg)) => {
            eprintln!("sockdiag: {msg}.");
            return ExitCode::SUCCESS;
        }
    };
    match run(&opts) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        // `sockdiag | head -1`: the reader has gone; that is not an error.
        Err(Fatal::Output(e)) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("sockdiag: {e}");
            ExitCode::from(1)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ext_bits_as_ss_sends_them() {
        let none = cli::Details::default();
        assert_eq!(ext_bits(&none), 0);
        let m = cli::Details {
            memory: true,
            ..none
        };
        assert_eq!(ext_bits(&m), 0x01 | 0x40);
        let i = cli::Details { info: true, ..none };
        assert_eq!(ext_bits(&i), 0x02 | 0x04 | 0x08);
        let t = cli::Details { tos: true, ..none };
        assert_eq!(ext_bits(&t), 0x10 | 0x20);
    }

    #[test]
    fn explain_names_the_missing_piece() {
        assert_eq!(explain(Table::Tcp, &Outcome::Done), None);
        let udp = explain(Table::Udp, &Outcome::Failed(ENOENT)).unwrap();
        assert!(
            udp.starts_with("udp: ")
                && udp.contains("udp_diag")
                && udp.contains("CONFIG_INET_UDP_DIAG")
        );
        let inet = explain(Table::Tcp, &Outcome::Refused(ENOENT)).unwrap();
        assert!(inet.contains("inet_diag is missing") && inet.contains("CONFIG_INET_DIAG"));
        let unix = explain(Table::Unix, &Outcome::Refused(ENOENT)).unwrap();
        assert!(unix.contains("unix_diag is missing") && unix.contains("CONFIG_UNIX_DIAG"));
        // Netlink and packet have no inet_diag behind them: a refusal names
        // their own module.
        let nl = explain(Table::Netlink, &Outcome::Refused(ENOENT)).unwrap();
        assert!(nl.starts_with("netlink: ") && nl.contains("netlink_diag is missing"));
        let pk = explain(Table::Packet, &Outcome::Refused(ENOENT)).unwrap();
        assert!(pk.contains("packet_diag is missing") && pk.contains("CONFIG_PACKET_DIAG"));
        let sctp = explain(Table::Sctp, &Outcome::Failed(ENOENT)).unwrap();
        assert!(sctp.contains("sctp_diag") && sctp.contains("CONFIG_INET_SCTP_DIAG"));
        let mptcp = explain(Table::Mptcp, &Outcome::Failed(ENOENT)).unwrap();
        assert!(mptcp.contains("mptcp_diag"));
        let perm = explain(Table::Raw, &Outcome::Refused(1)).unwrap();
        assert_eq!(perm, "raw: permission denied by the kernel");
        let other = explain(Table::Tcp, &Outcome::Refused(22)).unwrap();
        assert!(other.contains("Invalid argument"), "{other}");
        for msg in [udp, inet, unix, nl, pk, sctp, mptcp, perm, other] {
            assert!(!msg.contains('\n'), "one line: {msg}");
        }
    }
}
