//! The command line, as an ss user types it: clustered short options
//! (`-tuwxan`), long forms, then `state`/`exclude` clauses and a filter
//! expression in any number of words.

use std::ffi::OsString;
use std::path::PathBuf;

use sockdiag_codec::select::{PortFilter, StateSet};

/// The tables sockdiag can dump, in the order ss prints them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    Unix,
    Raw,
    Udp,
    Tcp,
}

/// Everything the command line asked for.
#[derive(Debug, Clone)]
pub struct Options {
    pub tables: Vec<Table>,
    pub ipv4: bool,
    pub ipv6: bool,
    pub states: StateSet,
    pub ports: PortFilter,
    /// Unix was asked for by name (`-x`); ss then reads port conditions as
    /// name patterns, which match no unix socket.
    pub unix_by_name: bool,
    pub header: bool,
    pub extended: bool,
    pub json: bool,
    /// `--dump-raw FILE`: also record every request and reply to FILE.
    pub dump_raw: Option<PathBuf>,
    /// `--decode FILE`: read the replies from FILE instead of the kernel.
    pub decode: Option<PathBuf>,
}

/// How parsing ended without options to run.
#[derive(Debug)]
pub enum Exit {
    /// `--help` or `--version`: print this on stdout, exit 0.
    Info(String),
    /// A usage error: one line naming the problem, exit 2.
    Usage(String),
}

pub const USAGE: &str = "\
Usage: sockdiag [OPTIONS] [state NAME | exclude NAME]... [FILTER]
List sockets through the kernel's sock_diag interface, like ss.

  -t, --tcp          TCP sockets            -4, --ipv4      IPv4 only
  -u, --udp          UDP sockets            -6, --ipv6      IPv6 only
  -w, --raw          RAW sockets            -l, --listening listening and unconnected
  -x, --unix         UNIX sockets           -a, --all       every state
  -n, --numeric      accepted; names are never resolved
  -e, --extended     uid, inode, cookie, v6only, shutdown
  -H, --no-header    no header line         -j, --json      a JSON array
  -h, --help         this text              -V, --version   version
  --dump-raw FILE    also save every request and reply to FILE
  --decode FILE      print a saved dump instead of asking the kernel
                     (same options as the --dump-raw run)

No table option: all four. States: established syn-sent syn-recv fin-wait-1
fin-wait-2 time-wait closed close-wait last-ack listening closing, and the
groups all connected synchronized bucket big.
FILTER: sport = :PORT, dport = :PORT, joined by 'and' (pushed into the kernel).
Example: sockdiag -tl sport = :8081   (Recv-Q: accept queue, Send-Q: backlog)";

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

    let mut parser = lexopt::Parser::from_args(args);
    let mut tables = Vec::new();
    let (mut ipv4, mut ipv6) = (false, false);
    // -l and -a each set the state selection; as in ss, the last one wins.
    let mut preset: Option<StateSet> = None;
    let (mut header, mut extended, mut json) = (true, false, false);
    let mut words: Vec<String> = Vec::new();
    let (mut dump_raw, mut decode) = (None, None);

    let add = |tables: &mut Vec<Table>, t: Table| {
        if !tables.contains(&t) {
            tables.push(t);
        }
    };
    loop {
        let arg = match parser.next() {
            Ok(Some(arg)) => arg,
            Ok(None) => break,
            Err(e) => return Err(usage(e.to_string())),
        };
        match arg {
            Short('t') | Long("tcp") => add(&mut tables, Table::Tcp),
            Short('u') | Long("udp") => add(&mut tables, Table::Udp),
            Short('w') | Long("raw") => add(&mut tables, Table::Raw),
            Short('x') | Long("unix") => add(&mut tables, Table::Unix),
            Short('4') | Long("ipv4") => ipv4 = true,
            Short('6') | Long("ipv6") => ipv6 = true,
            Short('l') | Long("listening") => preset = Some(StateSet::LISTENING),
            Short('a') | Long("all") => preset = Some(StateSet::ALL),
            Short('n') | Long("numeric") => {}
            Short('H') | Long("no-header") => header = false,
            Short('e') | Long("extended") => extended = true,
            Short('j') | Long("json") => json = true,
            Long("dump-raw") => dump_raw = Some(file_value(&mut parser, "--dump-raw")?),
            Long("decode") => decode = Some(file_value(&mut parser, "--decode")?),
            Short('h') | Long("help") => return Err(Exit::Info(USAGE.to_string())),
            Short('V') | Long("version") => {
                return Err(Exit::Info(format!(
                    "sockdiag {}",
                    env!("CARGO_PKG_VERSION")
                )))
            }
            Value(v) => match v.into_string() {
                Ok(s) => words.push(s),
                Err(v) => return Err(usage(format!("argument {v:?} is not valid UTF-8"))),
            },
            other => return Err(usage(other.unexpected().to_string())),
        }
    }

    let unix_by_name = tables.contains(&Table::Unix);
    if tables.is_empty() {
        tables = vec![Table::Unix, Table::Raw, Table::Udp, Table::Tcp];
        // Like ss: -4 or -6 alone means the IP tables only.
        if ipv4 || ipv6 {
            tables.retain(|&t| t != Table::Unix);
        }
    }
    // Print in ss's order whatever order the flags came in.
    tables.sort_by_key(|&t| t as u8);

    let mut states = if let Some(set) = preset {
        set
    } else if tables.iter().all(|&t| matches!(t, Table::Udp | Table::Raw)) {
        // ss's datagram tables on their own default to connected sockets
        // only; any stream table brings the wider connected set.
        StateSet::ESTABLISHED
    } else {
        StateSet::CONNECTED
    };
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
    let refs: Vec<&str> = rest.iter().map(String::as_str).collect();
    let ports = PortFilter::parse(&refs).map_err(|e| {
        if e.word.is_empty() {
            usage(format!("filter: {} at the end", e.reason))
        } else {
            usage(format!("filter: '{}': {}", e.word, e.reason))
        }
    })?;

    Ok(Options {
        tables,
        ipv4,
        ipv6,
        states,
        ports,
        unix_by_name,
        header,
        extended,
        json,
        dump_raw,
        decode,
    })
}

impl Options {
    /// ss shows the Netid column when more than one table is listed; unix
    /// counts as three (stream, datagram, seqpacket).
    pub fn show_netid(&self) -> bool {
        self.tables.len() > 1 || self.tables == [Table::Unix]
    }

    /// The IP families to dump, in ss's order.
    pub fn families(&self) -> Vec<u8> {
        use sockdiag_codec::family::{INET, INET6};
        match (self.ipv4, self.ipv6) {
            (true, false) => vec![INET],
            (false, true) => vec![INET6],
            _ => vec![INET, INET6],
        }
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
        assert_eq!(o.states, StateSet::ALL);
        assert!(!o.header);
        assert!(opts(&[]).show_netid());
        let o = opts(&["-t"]);
        assert_eq!(o.states, StateSet::CONNECTED);
        assert!(!o.show_netid());
        assert!(opts(&["-x"]).show_netid());
        assert_eq!(opts(&["-4"]).tables, [Table::Raw, Table::Udp, Table::Tcp]);
        assert_eq!(
            opts(&["-6", "-t"]).families(),
            [sockdiag_codec::family::INET6]
        );
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

    #[test]
    fn filters() {
        let o = opts(&["-tl", "sport", "=", ":8081"]);
        assert_eq!(o.ports.sport, Some(8081));
        assert_eq!(o.states, StateSet::LISTENING);
        let o = opts(&["-t", "state", "listening", "sport = :22"]);
        assert_eq!(o.ports.sport, Some(22));
        assert!(usage_err(&["sport = :1 or dport = :2"]).contains("'or'"));
        assert!(usage_err(&["-p"]).contains("-p"));
        assert!(usage_err(&["--bogus"]).contains("--bogus"));
        let o = opts(&["-t", "--dump-raw", "a.cap", "--decode=b.cap"]);
        assert_eq!(o.dump_raw, Some(PathBuf::from("a.cap")));
        assert_eq!(o.decode, Some(PathBuf::from("b.cap")));
        assert!(usage_err(&["--decode"]).contains("--decode needs a file name"));
    }
}
