//! The command line, as an ss user types it: clustered short options
//! (`-tuwxan`), long forms, then `state`/`exclude` clauses and a filter
//! expression in any number of words.

use std::ffi::OsString;

use sockdiag_codec::expr::{Expr, ParseOptions};
use sockdiag_codec::select::StateSet;

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
    /// The filter expression; empty matches everything.
    pub filter: Expr,
    pub header: bool,
    pub extended: bool,
    pub json: bool,
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
  -F, --filter FILE  read the filter expression from FILE ('-': stdin)
  -h, --help         this text              -V, --version   version

No table option: all four. States: established syn-sent syn-recv fin-wait-1
fin-wait-2 time-wait closed close-wait last-ack listening closing, and the
groups all connected synchronized bucket big.
FILTER: ss's expressions: sport/dport = != < <= > >= :PORT, src/dst ADDR[/LEN][:PORT],
dev, fwmark, cgroup, autobound; and or not ( ); run in the kernel for IP tables.
Example: sockdiag -tl sport = :8081   (Recv-Q: accept queue, Send-Q: backlog)";

fn usage(msg: impl Into<String>) -> Exit {
    Exit::Usage(msg.into())
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
    let mut filter_file: Option<OsString> = None;

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
            Short('F') | Long("filter") => {
                if filter_file.is_some() {
                    return Err(usage("more than one filter file"));
                }
                filter_file = Some(parser.value().map_err(|e| usage(e.to_string()))?);
            }
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
    let resolver = crate::resolve::SysResolver {
        tcp: tables.contains(&Table::Tcp),
        udp: tables.contains(&Table::Udp),
    };
    let parse_opts = ParseOptions {
        unix: unix_by_name,
        resolve: &resolver,
    };
    let filter = Expr::parse(&text, &parse_opts).map_err(|e| {
        let word = text.get(e.offset..e.offset + e.len).unwrap_or("");
        if word.is_empty() {
            usage(format!("filter: at the end: expected {}", e.expected))
        } else {
            usage(format!(
                "filter: '{word}' (byte {}): expected {}",
                e.offset, e.expected
            ))
        }
    })?;
    // With -x, ss reads addresses and ports as unix names and then lists
    // the unix table only.
    if unix_by_name && filter.has_host_conditions() {
        tables.retain(|&t| t == Table::Unix);
    }

    Ok(Options {
        tables,
        ipv4,
        ipv6,
        states,
        filter,
        header,
        extended,
        json,
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
        assert!(usage_err(&["-p"]).contains("-p"));
        assert!(usage_err(&["--bogus"]).contains("--bogus"));
    }
}
