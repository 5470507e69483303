//! The command line, as an ss user types it: clustered short options
//! (`-tuwxan`), long forms, then `state`/`exclude` clauses and a filter
//! expression in any number of words.

use std::ffi::OsString;
use std::path::PathBuf;

use sockdiag_codec::filter::expr::Expr;
use sockdiag_codec::filter::parse::{ParseOptions, Resolve};
use sockdiag_codec::filter::states::StateSet;

use crate::cli::mode::{parse_duration, parse_listen_addr, subcommand, ModeArgs};
use crate::cli::selection::{Db, Selection, SelectionBuilder};
use crate::host::context::Host;
use crate::host::procs::{selinux_enabled, Contexts};
use crate::host::services::{DevicesLater, NamesLater, SysResolver};
use crate::kernel::netns::{Scope, Target};
use crate::tables::Table;

pub mod mode;
pub mod selection;
pub mod unsupported;
mod usage;

pub use mode::Mode;

pub use usage::USAGE;

/// Everything the command line asked for.
#[derive(Debug, Clone)]
pub struct Options {
    /// What the run does: the listing, `-E`, or a subcommand.
    pub mode: Mode,
    /// The tables to dump, in the order ss prints them.
    pub tables: Vec<Table>,
    /// Which tables, unix and packet types and families, by ss's rules.
    pub selection: Selection,
    /// The states asked for (`-l`, `-a`, `state`, `exclude`).
    pub states: StateSet,
    /// The filter expression; empty matches everything. With `-N` or
    /// `--all-netns` its interface names are resolved in each namespace
    /// ([`Options::filter_in`]).
    pub filter: Expr,
    /// The expression's text, words and `-F` file joined.
    pub filter_text: String,
    /// The column header (`-H` leaves it out).
    pub header: bool,
    /// `-Q`: no Recv-Q and Send-Q columns.
    pub no_queues: bool,
    /// `-e`: extended details.
    pub extended: bool,
    /// `-j`: JSON instead of columns.
    pub json: bool,
    /// Per-socket details: -o, -i, -m, --tos, --tipcinfo and -n.
    pub details: Details,
    /// `-p`: the processes that hold each socket.
    pub processes: bool,
    /// `-T`: and each of their threads (implies `-p`).
    pub threads: bool,
    /// `-Z`, `-z`: their SELinux contexts (imply `-p`).
    pub contexts: Contexts,
    /// `-O`: details on the socket's own line.
    pub oneline: bool,
    /// `-s`: the summary first; `summary_only` when nothing else was asked.
    pub summary: bool,
    /// `-s` alone: the summary and nothing else.
    pub summary_only: bool,
    /// `--dump-raw FILE`: also record every request and reply to FILE.
    pub dump_raw: Option<PathBuf>,
    /// `--decode FILE`: read the replies from FILE instead of the kernel.
    pub decode: Option<PathBuf>,
    /// `--snapshot FILE`: a `--dump-raw` of every table, state, extension
    /// and host context, printing nothing; `--decode` then answers any
    /// query from it.
    pub snapshot: bool,
    /// `-K`: close the selected sockets, print the ones closed.
    pub kill: bool,
    /// `-D FILE`: write the TCP table's replies to FILE as ss does.
    pub diag_dump: Option<PathBuf>,
    /// `--bpf-maps` (every map: empty) or `--bpf-map-id` (these maps): the
    /// sockets' BPF storage.
    pub bpf_maps: Option<Vec<u32>>,
    /// `-N` and `--all-netns`: which network namespaces to list.
    pub netns: Scope,
}

/// ss's per-socket detail options.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Details {
    /// `-o`: timers.
    pub timer: bool,
    /// `-i`: tcp_info, congestion control.
    pub info: bool,
    /// `-m`: socket memory (skmem).
    pub memory: bool,
    /// `--tos`: TOS, TCLASS, class id.
    pub tos: bool,
    /// `-n`: ports, netlink and packet protocols as numbers, rates with all
    /// their digits.
    pub numeric: bool,
    /// `--tipcinfo`: a TIPC socket's type, congestion, drops and service.
    pub tipcinfo: bool,
    /// `-r`: host names for addresses.
    pub resolve: bool,
    /// `--cgroup`: an inet socket's cgroup path.
    pub cgroup: bool,
    /// `--inet-sockopt`: an inet socket's option flags.
    pub sockopt: bool,
    /// `-b`: a packet socket's BPF filter.
    pub bpf: bool,
}

/// How parsing ended without options to run.
#[derive(Debug)]
pub enum Exit {
    /// `--help` or `--version`: print this on stdout, exit 0.
    Info(String),
    /// A usage error: one line naming the problem, exit 2.
    Usage(String),
    /// Nothing to show (ss: "no socket tables to show with such filter"):
    /// this line on stderr, exit 0.
    Nothing(&'static str),
    /// The system cannot do what was asked: this line on stderr, exit 1.
    Fail(String),
}

fn usage(msg: impl Into<String>) -> Exit {
    Exit::Usage(msg.into())
}

fn file_value(parser: &mut lexopt::Parser, option: &str) -> Result<PathBuf, Exit> {
    parser
        .value()
        .map(PathBuf::from)
        .map_err(|_| usage(format!("{option} needs a file name")))
}

/// Parses the arguments after the program name.
pub fn parse<I>(args: I) -> Result<Options, Exit>
where
    I: IntoIterator,
    I::Item: Into<OsString>,
{
    use lexopt::prelude::*;

    // A subcommand is the first word; `serve` takes its address next.
    let mut args: Vec<OsString> = args.into_iter().map(Into::into).collect();
    let word = args.first().and_then(|a| a.to_str()).and_then(subcommand);
    let mut serve_addr = None;
    if let Some(word) = word {
        args.remove(0);
        if word == "serve" {
            match args.first().and_then(|a| a.to_str()) {
                Some(a) if !a.starts_with('-') => {
                    serve_addr = Some(parse_listen_addr(a).map_err(usage)?);
                    args.remove(0);
                }
                _ => {}
            }
        }
    }
    let mut mode_args = ModeArgs::default();
    let duration = |v: Result<OsString, lexopt::Error>, option: &str| -> Result<_, Exit> {
        let v = v.map_err(|_| usage(format!("{option} needs a duration")))?;
        let text = v.to_string_lossy();
        parse_duration(&text).map_err(|e| usage(format!("{option}: {e}")))
    };
    let number = |v: Result<OsString, lexopt::Error>, option: &str| -> Result<u64, Exit> {
        let v = v.map_err(|_| usage(format!("{option} needs a number")))?;
        let text = v.to_string_lossy();
        text.parse()
            .ok()
            .filter(|&n| n > 0)
            .ok_or_else(|| usage(format!("{option}: '{text}' is not a number above 0")))
    };

    let mut parser = lexopt::Parser::from_args(args);
    use sockdiag_codec::family as af;
    let (mut dump_raw, mut decode, mut diag_dump) = (None, None, None);

    let mut q = SelectionBuilder::default();
    let (mut header, mut extended, mut json) = (true, false, false);
    let (mut processes, mut oneline, mut summary) = (false, false, false);
    let (mut kill, mut no_queues, mut threads) = (false, false, false);
    let mut contexts = Contexts::default();
    let (mut bpf_all, mut bpf_ids) = (false, Vec::new());
    let mut words: Vec<String> = Vec::new();
    let mut filter_file: Option<OsString> = None;
    let mut details = Details::default();
    let (mut one_netns, mut all_netns) = (None, false);
    let mut snapshot = false;

    let text = |v: Result<OsString, lexopt::Error>| -> Result<String, Exit> {
        v.map_err(|e| usage(e.to_string()))?
            .into_string()
            .map_err(|v| usage(format!("argument {v:?} is not valid UTF-8")))
    };
    loop {
        let arg = match parser.next() {
            Ok(Some(arg)) => arg,
            Ok(None) => break,
            Err(e) => return Err(usage(e.to_string())),
        };
        match arg {
            Short('t') | Long("tcp") => q.table(Db::Tcp),
            Short('u') | Long("udp") => q.table(Db::Udp),
            Short('w') | Long("raw") => q.table(Db::Raw),
            Short('M') | Long("mptcp") => q.table(Db::Mptcp),
            Short('S') | Long("sctp") => q.table(Db::Sctp),
            Short('d') | Long("dccp") => q.table(Db::Dccp),
            Short('x') | Long("unix") => q.family(af::UNIX),
            Short('0') | Long("packet") => q.family(af::PACKET),
            Long("netlink") => q.family(af::NETLINK),
            Long("vsock") => q.family(af::VSOCK),
            Long("tipc") => q.family(af::TIPC),
            Long("xdp") => q.family(af::XDP),
            Short('4') | Long("ipv4") => q.family(af::INET),
            Short('6') | Long("ipv6") => q.family(af::INET6),
            Short('f') | Long("family") => match text(parser.value())?.as_str() {
                // As in ss, `-f help` shows the usage.
                "help" => return Err(Exit::Info(USAGE.to_string())),
                name => q.family_name(name).map_err(usage)?,
            },
            Short('A') | Long("query") | Long("socket") => {
                q.query(&text(parser.value())?).map_err(usage)?
            }
            // -l and -a each set the state selection; as in ss, the last
            // one wins.
            Short('l') | Long("listening") => q.state_filter = StateSet::LISTENING.0,
            Short('a') | Long("all") => q.state_filter = StateSet::ALL.0,
            Short('B') | Long("bound-inactive") => q.state_filter = StateSet::BOUND_INACTIVE.0,
            Short('n') | Long("numeric") => details.numeric = true,
            Short('r') | Long("resolve") => details.resolve = true,
            Short('o') | Long("options") => details.timer = true,
            Short('i') | Long("info") => details.info = true,
            Short('m') | Long("memory") => details.memory = true,
            Long("tos") => details.tos = true,
            Long("tipcinfo") => details.tipcinfo = true,
            Long("cgroup") => details.cgroup = true,
            Long("inet-sockopt") => details.sockopt = true,
            Short('b') | Long("bpf") => details.bpf = true,
            Long("bpf-maps") => bpf_all = true,
            Long("bpf-map-id") => {
                let v = text(parser.value())?;
                let id = v.parse().map_err(|_| {
                    usage(format!("--bpf-map-id: '{v}' is not a map id (a number)"))
                })?;
                bpf_ids.push(id);
            }
            Short('p') | Long("processes") => processes = true,
            Short('T') | Long("threads") => {
                processes = true;
                threads = true;
            }
            Short('Z') | Long("context") => {
                processes = true;
                contexts.process = true;
            }
            Short('z') | Long("contexts") => {
                processes = true;
                contexts.process = true;
                contexts.socket = true;
            }
            Short('O') | Long("oneline") => oneline = true,
            Short('s') | Long("summary") => summary = true,
            Short('H') | Long("no-header") => header = false,
            Short('Q') | Long("no-queues") => no_queues = true,
            Short('e') | Long("extended") => extended = true,
            Short('K') | Long("kill") => kill = true,
            Short('j') | Long("json") => json = true,
            Short('F') | Long("filter") => {
                if filter_file.is_some() {
                    return Err(usage("more than one filter file"));
                }
                filter_file = Some(parser.value().map_err(|e| usage(e.to_string()))?);
            }
            Short('E') | Long("events") => mode_args.events = true,
            Long("sample") => mode_args.sample = Some(duration(parser.value(), "--sample")?),
            Long("interval") => mode_args.interval = Some(duration(parser.value(), "--interval")?),
            Long("timeout") => mode_args.timeout = Some(duration(parser.value(), "--timeout")?),
            Long("count") => mode_args.count = Some(number(parser.value(), "--count")?),
            Long("max-series") => {
                let n = number(parser.value(), "--max-series")?;
                mode_args.max_series = Some(usize::try_from(n).unwrap_or(usize::MAX));
            }
            Long("gone") => mode_args.gone = true,
            Long("textfile") => mode_args.textfile = Some(file_value(&mut parser, "--textfile")?),
            // As in ss, the last -N wins.
            Short('N') | Long("net") => {
                let value = parser
                    .value()
                    .map_err(|_| usage("-N needs a namespace name, path or pid:PID"))?;
                one_netns = Some(Target::parse(&value).map_err(usage)?);
            }
            Long("all-netns") => all_netns = true,
            Long("dump-raw") => dump_raw = Some(file_value(&mut parser, "--dump-raw")?),
            Long("decode") => decode = Some(file_value(&mut parser, "--decode")?),
            Long("snapshot") => {
                dump_raw = Some(file_value(&mut parser, "--snapshot")?);
                snapshot = true;
            }
            Short('D') | Long("diag") => diag_dump = Some(file_value(&mut parser, "-D")?),
            Short('h') | Long("help") => return Err(Exit::Info(USAGE.to_string())),
            Short('V') | Short('v') | Long("version") => {
                return Err(Exit::Info(format!(
                    "sockdiag {}",
                    env!("CARGO_PKG_VERSION")
                )))
            }
            Value(v) => match v.into_string() {
                Ok(s) => words.push(s),
                Err(v) => return Err(usage(format!("argument {v:?} is not valid UTF-8"))),
            },
            other => match unsupported::refusal(&other) {
                Some(line) => return Err(Exit::Fail(line)),
                None => return Err(usage(other.unexpected().to_string())),
            },
        }
    }

    // As ss: one or the other.
    let bpf_maps = match (bpf_all, bpf_ids.is_empty()) {
        (true, false) => return Err(usage("--bpf-maps and --bpf-map-id cannot be used together")),
        (true, true) => Some(Vec::new()),
        (false, false) => Some(bpf_ids),
        (false, true) => None,
    };
    // A capture answers -Z with the contexts of the machine it was taken
    // on; this one's SELinux does not matter then.
    if contexts != Contexts::default() && decode.is_none() && !selinux_enabled() {
        return Err(Exit::Fail(
            "-Z, -z: SELinux is not enabled on this system (no /sys/fs/selinux): \
             there are no security contexts to show"
                .into(),
        ));
    }
    if snapshot {
        // Everything a later query could ask for, whatever else was given.
        if !words.is_empty() || decode.is_some() || kill || diag_dump.is_some() {
            return Err(usage(
                "--snapshot captures every socket: no filter, --decode, -K or -D",
            ));
        }
        q.query("all").map_err(usage)?;
        q.state_filter = StateSet::ALL.0;
        (extended, processes, summary) = (true, true, true);
        // Every thread's holders, which a later -T shows; a later -p
        // without -T keeps the processes' own (thread id = pid).
        threads = true;
        // Text output with names looks up what a query may print: cgroup
        // paths (not in JSON) and netlink port owners (not with -n).
        (json, details.numeric) = (false, false);
        details.info = true;
        details.memory = true;
        details.tos = true;
        details.cgroup = true;
        // The contexts a later -Z or -z query shows (none to record
        // without SELinux).
        if selinux_enabled() {
            contexts = Contexts {
                process: true,
                socket: true,
            };
        }
    }
    let netns = match (one_netns, all_netns) {
        (Some(_), true) => return Err(usage("-N and --all-netns exclude each other")),
        (Some(_), false) if decode.is_some() => {
            return Err(usage(
                "-N: --decode lists the namespace of the --dump-raw run",
            ))
        }
        (Some(target), false) => Scope::One(target),
        (None, true) => Scope::All,
        (None, false) => Scope::Own,
    };
    if diag_dump.is_some() && netns != Scope::Own {
        return Err(usage(
            "-D writes the TCP table of sockdiag's own network namespace; not with -N or --all-netns",
        ));
    }

    let mut states = StateSet(q.state_filter);
    let mut rest: &[String] = &words;
    let mut saw_state = false;
    while let [keyword, tail @ ..] = rest {
        let include = match keyword.as_str() {
            "state" => true,
            "exclude" | "excl" => false,
            _ => break,
        };
        let Some((name, tail)) = tail.split_first() else {
            return Err(usage(format!("'{keyword}' needs a state name")));
        };
        let set =
            StateSet::from_name(name).ok_or_else(|| usage(format!("wrong state name: {name}")))?;
        // The first clause replaces the -l/-a/default set, as in ss.
        if !saw_state {
            states = if include { StateSet(0) } else { StateSet::ALL };
            saw_state = true;
        }
        states = if include {
            StateSet(states.0 | set.0)
        } else {
            StateSet(states.0 & !set.0)
        };
        rest = tail;
    }
    q.state_filter = states.0;
    let selection = q.finish();
    let mut states = selection.states;
    if states.0 == 0 {
        return Err(Exit::Nothing("no socket states to show with such filter"));
    }
    let mut tables = selection.tables();
    if kill {
        tables = kill_tables(&selection, tables, decode.is_some())?;
    }
    if diag_dump.is_some() && !tables.contains(&Table::Tcp) {
        return Err(Exit::Nothing("tcpdiag dump requested and no tcp in filter"));
    }
    if tables.is_empty() {
        return Err(Exit::Nothing("no socket tables to show with such filter"));
    }
    let mode = mode_args.finish(word, serve_addr).map_err(usage)?;
    mode.restrict(&mut tables, &mut states, &selection, saw_state)
        .map_err(usage)?;
    if mode != Mode::List {
        let name = mode.name();
        for (option, given) in [
            ("-s", summary),
            ("--dump-raw", dump_raw.is_some()),
            ("--decode", decode.is_some()),
            ("--snapshot", snapshot),
        ] {
            if given {
                return Err(usage(format!("{option} does not apply to {name}")));
            }
        }
    }
    let unix_by_name = selection.unix_named();
    // ss reads the words first, then the file's lines, as one token
    // stream; a line starting with '#' (or, in ss, '0') is skipped.
    let mut text = rest.join(" ");
    if let Some(path) = &filter_file {
        let content = if path == "-" {
            std::io::read_to_string(std::io::stdin())
        } else {
            std::fs::read_to_string(path)
        }
        .map_err(|e| {
            usage(format!(
                "cannot read filter file {}: {e}",
                path.to_string_lossy()
            ))
        })?;
        for line in content.lines().filter(|l| !l.starts_with(['#', '0'])) {
            text.push(' ');
            text.push_str(line);
        }
    }
    let resolver = resolver_for(&tables, &selection.inet_families(), Host::Live);
    // Another namespace's interfaces are known only inside it.
    let filter = match netns {
        _ if decode.is_some() => {
            parse_filter(&text, unix_by_name, &NamesLater(DevicesLater(&resolver)))
        }
        Scope::Own => parse_filter(&text, unix_by_name, &resolver),
        _ => parse_filter(&text, unix_by_name, &DevicesLater(&resolver)),
    }
    .map_err(usage)?;
    // With -x, ss reads addresses and ports as unix names and then lists
    // the unix table only.
    if unix_by_name && filter.has_host_conditions() {
        tables.retain(|&t| t == Table::Unix);
    }

    Ok(Options {
        mode,
        summary_only: summary && selection.defaulted && text.trim().is_empty(),
        filter_text: text,
        netns,
        tables,
        selection,
        states,
        filter,
        header,
        no_queues,
        extended,
        json,
        details,
        processes,
        threads,
        contexts,
        oneline,
        summary,
        dump_raw,
        decode,
        snapshot,
        kill,
        diag_dump,
        bpf_maps,
    })
}

/// The tables `-K` works on: the kernel closes IP sockets only (TCP, UDP,
/// RAW; SCTP and MPTCP refuse). Other tables asked for by name are an
/// error; from a listing of everything they are left out, since none of
/// their sockets would be closed.
fn kill_tables(
    selection: &Selection,
    tables: Vec<Table>,
    decode: bool,
) -> Result<Vec<Table>, Exit> {
    if decode {
        return Err(usage(
            "-K closes sockets in the kernel; it cannot be used with --decode",
        ));
    }
    if let Some(t) = tables
        .iter()
        .find(|&&t| !t.is_inet() && selection.explicit(t))
    {
        return Err(usage(format!(
            "-K closes IP sockets only (TCP, UDP, RAW); the kernel cannot close {} sockets",
            t.name()
        )));
    }
    Ok(tables.into_iter().filter(|t| t.is_inet()).collect())
}

/// The resolver of names in a filter over `tables` of `inet_families`.
fn resolver_for(tables: &[Table], inet_families: &[u8], host: Host) -> SysResolver {
    SysResolver {
        host,
        tcp: tables.contains(&Table::Tcp),
        udp: tables.contains(&Table::Udp),
        // -4 or -6 alone: host names stand for addresses of that family.
        family: match inet_families {
            [one] => Some(*one),
            _ => None,
        },
    }
}

/// Parses a filter expression; the error is one line naming the word.
fn parse_filter(text: &str, unix: bool, resolve: &dyn Resolve) -> Result<Expr, String> {
    let parse_opts = ParseOptions { unix, resolve };
    Expr::parse(text, &parse_opts).map_err(|e| {
        let word = text.get(e.offset..e.offset + e.len).unwrap_or("");
        if word.is_empty() {
            format!("filter: at the end: expected {}", e.expected)
        } else {
            format!(
                "filter: '{word}' (byte {}): expected {}",
                e.offset, e.expected
            )
        }
    })
}

impl Options {
    /// The filter again, with the system's names resolved by `resolve`
    /// (a namespace's interfaces). It parsed once, so it parses again.
    pub fn filter_in(&self, resolve: &dyn Resolve) -> Result<Expr, String> {
        parse_filter(&self.filter_text, self.selection.unix_named(), resolve)
    }

    /// The resolver of the command line's names, for [`Options::filter_in`],
    /// asking the files through `host`.
    pub fn resolver(&self, host: &Host) -> SysResolver {
        resolver_for(&self.tables, &self.selection.inet_families(), host.clone())
    }

    /// ss shows the Netid column when more than one table is listed; unix
    /// counts as three (stream, datagram, seqpacket).
    pub fn show_netid(&self) -> bool {
        self.selection.show_netid()
    }

    /// The IP families to dump, in ss's order.
    pub fn families(&self) -> Vec<u8> {
        self.selection.inet_families()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(args: &[&str]) -> Options {
        parse(args.iter().copied()).unwrap()
    }

    fn usage_err(args: &[&str]) -> String {
        match parse(args.iter().copied()) {
            Err(Exit::Usage(m)) => m,
            other => panic!("expected a usage error, got {other:?}"),
        }
    }

    #[test]
    fn clusters_and_defaults() {
        let o = opts(&["-tuwxanH"]);
        assert_eq!(o.tables, [Table::Unix, Table::Raw, Table::Udp, Table::Tcp]);
        assert!(o.details.numeric);
        assert_eq!(o.states, StateSet::ALL);
        assert!(!o.header);
        assert!(opts(&[]).show_netid());
        let o = opts(&["-t"]);
        assert_eq!(o.states, StateSet::CONNECTED);
        assert!(!o.show_netid());
        assert!(opts(&["-x"]).show_netid());
        assert_eq!(
            opts(&["-4"]).tables,
            [
                Table::Raw,
                Table::Udp,
                Table::Tcp,
                Table::Dccp,
                Table::Sctp,
                Table::Mptcp
            ]
        );
        assert_eq!(
            opts(&["-6", "-t"]).families(),
            [sockdiag_codec::family::INET6]
        );
    }

    #[test]
    fn tables_and_switches() {
        let o = opts(&["-0", "-a", "-pOms"]);
        assert_eq!(o.tables, [Table::Packet]);
        assert!(o.processes && o.oneline && o.details.memory && o.summary && !o.summary_only);
        assert!(opts(&["-s"]).summary_only);
        assert!(!opts(&["-s", "-t"]).summary_only);
        assert_eq!(opts(&["--netlink"]).tables, [Table::Netlink]);
        assert_eq!(opts(&["-f", "link"]).tables, [Table::Packet]);
        assert_eq!(opts(&["--family=unix"]).tables, [Table::Unix]);
        assert_eq!(opts(&["-M"]).tables, [Table::Mptcp]);
        assert_eq!(opts(&["-S"]).tables, [Table::Sctp]);
        let o = opts(&["-A", "tcp,netlink", "-a"]);
        assert_eq!(o.tables, [Table::Netlink, Table::Tcp]);
        assert_eq!(o.states, StateSet::ALL);
        assert_eq!(opts(&["--query=unix,!unix_dgram"]).tables, [Table::Unix]);
        assert!(usage_err(&["-A", "tcp,nope"]).contains("'nope'"));
        assert!(usage_err(&["-f", "bogus"]).contains("'bogus'"));
        // The tables of ss's that this kernel may lack: named, they are
        // dumped (and their missing module said).
        assert_eq!(opts(&["-f", "vsock"]).tables, [Table::Vsock]);
        assert_eq!(opts(&["--vsock"]).tables, [Table::Vsock]);
        assert_eq!(opts(&["--tipc"]).tables, [Table::Tipc]);
        assert_eq!(opts(&["--xdp"]).tables, [Table::Xdp]);
        assert_eq!(opts(&["-d"]).tables, [Table::Dccp]);
        assert_eq!(opts(&["--dccp"]).tables, [Table::Dccp]);
        assert_eq!(
            opts(&["-A", "v_str,v_dgr,tipc,xdp,dccp"]).tables,
            [Table::Dccp, Table::Vsock, Table::Tipc, Table::Xdp]
        );
        assert!(usage_err(&["-A"]).contains("-A"));
        assert!(matches!(
            parse(["-A", "tcp,!tcp"]),
            Err(Exit::Nothing(m)) if m.contains("no socket tables")
        ));
    }

    #[test]
    fn state_clauses() {
        let o = opts(&["-t", "state", "established", "state", "listening"]);
        assert_eq!(o.states, StateSet((1 << 1) | (1 << 10)));
        let o = opts(&["-ta", "exclude", "listening"]);
        assert_eq!(o.states, StateSet(StateSet::ALL.0 & !(1 << 10)));
        assert!(usage_err(&["state", "bogus"]).contains("bogus"));
        assert!(usage_err(&["state"]).contains("state"));
    }

    /// `--snapshot` asks for everything whatever else is given, and
    /// takes no filter.
    #[test]
    fn snapshot() {
        let o = opts(&["--snapshot", "s.cap", "-t", "-j", "-n"]);
        assert!(o.snapshot && o.dump_raw.as_deref() == Some(std::path::Path::new("s.cap")));
        assert_eq!(o.states, StateSet::ALL);
        assert_eq!(o.tables, opts(&["-A", "all"]).tables);
        assert!(o.extended && o.processes && o.summary && !o.summary_only && !o.json);
        let d = o.details;
        assert!(d.info && d.memory && d.tos && d.cgroup && !d.numeric);
        for refused in [
            &["--snapshot", "s", "sport", "=", ":22"][..],
            &["--snapshot", "s", "-K"],
        ] {
            assert!(usage_err(refused).contains("--snapshot captures every socket"));
        }
    }

    #[test]
    fn details() {
        let o = opts(&["-tinmo", "--tos", "--tipcinfo"]);
        let want = Details {
            timer: true,
            info: true,
            memory: true,
            tos: true,
            numeric: true,
            tipcinfo: true,
            ..Details::default()
        };
        assert_eq!(o.details, want);
        assert_eq!(opts(&["-t"]).details, Details::default());
    }

    #[test]
    fn filters() {
        let o = opts(&["-tl", "sport", "=", ":8081"]);
        assert!(!o.filter.is_empty());
        assert_eq!(o.states, StateSet::LISTENING);
        let o = opts(&[
            "-t",
            "state",
            "listening",
            "sport = :22 or",
            "dport",
            "<",
            ":9",
        ]);
        assert!(!o.filter.is_empty());
        let e = usage_err(&["sport = :1 or"]);
        assert!(
            e.contains("at the end") && e.contains("expected a condition"),
            "{e}"
        );
        let e = usage_err(&["sport", "=", ":http-nonexistent"]);
        assert!(e.contains("':http-nonexistent' (byte 8)"), "{e}");
        let e = usage_err(&["(sport", "=", ":1)"]);
        assert!(
            e.contains("'(sport' (byte 0)") && e.contains("spaces"),
            "{e}"
        );
        // With -x an address condition leaves the unix table alone.
        assert_eq!(opts(&["-xt", "src", "/run/*"]).tables, [Table::Unix]);
        assert_eq!(
            opts(&["-xt", "autobound"]).tables,
            [Table::Unix, Table::Tcp]
        );
        // -Z needs SELinux, and says so where there is none.
        match parse(["-Z"]) {
            Err(Exit::Fail(m)) => assert!(m.contains("SELinux") && !selinux_enabled()),
            Ok(o) => assert!(o.contexts.process && o.processes && selinux_enabled()),
            other => panic!("-Z: {other:?}"),
        }
        // A capture carries the contexts of the machine it was taken on.
        let o = opts(&["-tpZ", "--decode", "x.cap"]);
        assert!(o.contexts.process && o.processes);
        assert!(usage_err(&["--bogus"]).contains("--bogus"));
        let o = opts(&["-t", "--dump-raw", "a.cap", "--decode=b.cap"]);
        assert_eq!(o.dump_raw, Some(PathBuf::from("a.cap")));
        assert_eq!(o.decode, Some(PathBuf::from("b.cap")));
        assert!(usage_err(&["--decode"]).contains("--decode needs a file name"));
    }

    #[test]
    fn namespaces() {
        assert_eq!(opts(&["-t"]).netns, Scope::Own);
        assert_eq!(
            opts(&["-N", "blue", "-t"]).netns,
            Scope::One(Target::Name("blue".into()))
        );
        assert_eq!(
            opts(&["--net=pid:7", "-N", "/run/netns/red"]).netns,
            Scope::One(Target::Path("/run/netns/red".into()))
        );
        assert_eq!(opts(&["--all-netns", "-tl"]).netns, Scope::All);
        assert_eq!(
            opts(&["--all-netns", "--decode", "x.cap"]).netns,
            Scope::All
        );
        assert!(usage_err(&["-N", "x", "--all-netns"]).contains("exclude each other"));
        assert!(usage_err(&["-N", "x", "--decode", "y"]).contains("--decode"));
        assert!(usage_err(&["-N", "pid:x"]).contains("pid:PID"));
        assert!(usage_err(&["-N"]).contains("-N needs"));
        // Another namespace's interface is not looked up here.
        let o = opts(&["--all-netns", "dev", "=", "no-such-if0"]);
        assert!(!o.filter.is_empty());
        assert!(usage_err(&["dev", "=", "no-such-if0"]).contains("no-such-if0"));
    }
}
