//! sockdiag: ss's socket listing for systems that have no ss.
//!
//! Thin by design: parse the command line, ask the kernel, and hand every
//! datagram to sockdiag-codec, which decodes and formats it. Records are
//! printed as they arrive; nothing is allocated per socket.

mod cli;
mod ifnames;
mod netlink;
mod source;

use std::fmt;
use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

use sockdiag_codec::dump::{Body, Messages};
use sockdiag_codec::format::{self, JsonArray, Layout};
use sockdiag_codec::inet::{self, InetRecord};
use sockdiag_codec::nlmsg::Request;
use sockdiag_codec::unix::{self, UnixRecord};
use sockdiag_codec::Error as CodecError;

use cli::{Exit, Options, Table};
use netlink::NetError;
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

/// Buffered stdout behind `fmt::Write`, keeping the io error that a
/// `fmt::Error` cannot carry.
struct Out<W: Write> {
    inner: W,
    error: Option<io::Error>,
}

impl<W: Write> fmt::Write for Out<W> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.inner.write_all(s.as_bytes()).map_err(|e| {
            self.error = Some(e);
            fmt::Error
        })
    }
}

impl<W: Write> Out<W> {
    fn check(&mut self, r: fmt::Result) -> Result<(), Fatal> {
        r.map_err(|_| {
            Fatal::Output(
                self.error
                    .take()
                    .unwrap_or_else(|| io::Error::other("formatting failed")),
            )
        })
    }

    fn flush(&mut self) -> Result<(), Fatal> {
        self.inner.flush().map_err(Fatal::Output)
    }
}

/// Formats records as they are decoded.
struct Printer<'o, W: Write> {
    out: Out<W>,
    opts: &'o Options,
    layout: Layout,
    json: Option<JsonArray>,
    ifnames: ifnames::IfNames,
}

impl<W: Write> Printer<'_, W> {
    fn inet(&mut self, netid: &str, rec: &InetRecord<'_>) -> Result<(), Fatal> {
        // The kernel ignores states for RAW, and filtering again costs
        // nothing, so every record passes the same test ss applies.
        if !self.opts.states.contains(rec.state) || !self.opts.ports.matches_inet(rec) {
            return Ok(());
        }
        let ifname = self.ifnames.name(rec.id.ifindex);
        let r = match &mut self.json {
            Some(j) => j.inet(&mut self.out, netid, rec, ifname),
            None => format::write_inet(&mut self.out, &self.layout, netid, rec, ifname),
        };
        self.out.check(r)
    }

    fn unix(&mut self, rec: &UnixRecord<'_>) -> Result<(), Fatal> {
        if !self.opts.states.contains(rec.state)
            || !self.opts.ports.matches_unix(rec, self.opts.unix_by_name)
        {
            return Ok(());
        }
        let r = match &mut self.json {
            Some(j) => j.unix(&mut self.out, rec),
            None => format::write_unix(&mut self.out, &self.layout, rec),
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
    }
}

fn table_name(table: Table) -> &'static str {
    match table {
        Table::Tcp => "tcp",
        Table::Udp => "udp",
        Table::Raw => "raw",
        Table::Unix => "unix",
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
            .and_then(sockdiag_codec::procnet::parse_line)
            .map_err(|e| Fatal::Proc(path, number + 1, e))?;
        if let Some(rec) = rec {
            p.inet(format::inet_netid(inet::proto::RAW), &rec)?;
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
        ENOENT if refused && table != Table::Unix => format!(
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
    let req = unix::ReqRepr::dump(p.opts.states.0, show);
    dump(src, buf, &req, |body| match body {
        Body::Unix(rec) => p.unix(rec),
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
        _ => inet::proto::RAW,
    };
    let netid = format::inet_netid(protocol);
    let ports = p.opts.ports;
    // Contradicting port conditions match nothing: no dump at all.
    if ports.never {
        return Ok(Outcome::Done);
    }
    for family in p.opts.families() {
        let mut req = inet::ReqRepr::dump(family, protocol, p.opts.states.0);
        // Port conditions go into the socket id so the kernel skips
        // everything else.
        req.id.sport = ports.sport.unwrap_or(0);
        req.id.dport = ports.dport.unwrap_or(0);
        let mut outcome = dump(src, buf, &req, |body| match body {
            Body::Inet(rec) if rec.family == family => p.inet(netid, rec),
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
    let mut src = Source::open(opts.decode.as_deref(), opts.dump_raw.as_deref())?;
    let mut buf = vec![0u8; netlink::RECV_BUF];
    let stdout = io::stdout().lock();
    let mut p = Printer {
        out: Out {
            inner: BufWriter::with_capacity(64 * 1024, stdout),
            error: None,
        },
        opts,
        layout: Layout {
            netid: opts.show_netid(),
            state: !opts.states.is_single(),
            extended: opts.extended,
        },
        json: opts.json.then(JsonArray::new),
        ifnames: ifnames::IfNames::default(),
    };
    if opts.header && !opts.json {
        let r = format::write_header(&mut p.out, &p.layout);
        p.out.check(r)?;
    }
    let mut all_ok = true;
    for &table in &opts.tables {
        let outcome = match table {
            Table::Unix => unix_table(&mut src, &mut buf, &mut p)?,
            _ => inet_table(&mut src, &mut buf, &mut p, table)?,
        };
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
        let perm = explain(Table::Raw, &Outcome::Refused(1)).unwrap();
        assert_eq!(perm, "raw: permission denied by the kernel");
        let other = explain(Table::Tcp, &Outcome::Refused(22)).unwrap();
        assert!(other.contains("Invalid argument"), "{other}");
        for msg in [udp, inet, unix, perm, other] {
            assert!(!msg.contains('\n'), "one line: {msg}");
        }
    }
}
