//! The README's table "ss options and sockdiag" is true: it lists every
//! option of ss 7.1; each spelling of an option it calls supported runs
//! (no usage error, no refusal); each one it does not is refused with the
//! reason the table gives. Runs happen in a namespace of the test's own, so
//! `-K` can only meet the test's sockets.

use std::path::PathBuf;

use sockdiag_tests::{Netns, Run, TempDir};

/// Every option of ss 7.1 (`misc/ss.c`'s `long_opts`, and the short ones
/// of its getopt string), short and long spelling.
const SS_OPTIONS: [(Option<char>, &str); 46] = [
    (Some('h'), "help"),
    (Some('V'), "version"),
    (Some('H'), "no-header"),
    (Some('Q'), "no-queues"),
    (Some('O'), "oneline"),
    (Some('n'), "numeric"),
    (Some('r'), "resolve"),
    (Some('a'), "all"),
    (Some('l'), "listening"),
    (Some('B'), "bound-inactive"),
    (Some('o'), "options"),
    (Some('e'), "extended"),
    (Some('m'), "memory"),
    (Some('p'), "processes"),
    (Some('T'), "threads"),
    (Some('i'), "info"),
    (None, "tos"),
    (None, "cgroup"),
    (None, "tipcinfo"),
    (Some('K'), "kill"),
    (Some('s'), "summary"),
    (Some('E'), "events"),
    (Some('Z'), "context"),
    (Some('z'), "contexts"),
    (Some('N'), "net"),
    (Some('b'), "bpf"),
    (Some('4'), "ipv4"),
    (Some('6'), "ipv6"),
    (Some('0'), "packet"),
    (Some('t'), "tcp"),
    (Some('u'), "udp"),
    (Some('d'), "dccp"),
    (Some('w'), "raw"),
    (Some('x'), "unix"),
    (Some('S'), "sctp"),
    (None, "tipc"),
    (None, "vsock"),
    (None, "xdp"),
    (Some('M'), "mptcp"),
    (None, "inet-sockopt"),
    (Some('f'), "family"),
    (Some('A'), "query"),
    (Some('D'), "diag"),
    (Some('F'), "filter"),
    (None, "bpf-maps"),
    (None, "bpf-map-id"),
];

/// One row of the README's table.
#[derive(Debug)]
struct Row {
    /// Every spelling in the first column: `-t`, `--tcp`.
    spellings: Vec<String>,
    /// `None` when supported, else the reason.
    refusal: Option<String>,
}

fn readme_rows() -> Vec<Row> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../README.md");
    let text = std::fs::read_to_string(&path).expect("README.md");
    let section = text
        .split("\n## ss options and sockdiag\n")
        .nth(1)
        .expect("a section \"ss options and sockdiag\"");
    let section = section.split("\n## ").next().unwrap();
    let mut rows = Vec::new();
    for line in section.lines().filter(|l| l.starts_with("| `")) {
        let cells: Vec<&str> = line.trim_matches('|').split(" | ").collect();
        assert_eq!(cells.len(), 2, "two cells: {line}");
        let spellings = cells[0]
            .split(", ")
            .map(|s| s.trim().trim_matches('`').to_string())
            .collect();
        let status = cells[1].trim();
        let refusal = match status.strip_prefix("not supported: ") {
            Some(reason) => Some(reason.to_string()),
            None => {
                assert!(status.starts_with("supported"), "status of {line}");
                None
            }
        };
        rows.push(Row { spellings, refusal });
    }
    rows
}

/// Arguments that run `spelling` harmlessly, and whether a run that fails
/// for want of something on this machine (a diag module, SELinux) still
/// counts as the option being accepted: the reason it names.
fn invocation(spelling: &str, dir: &TempDir) -> (Vec<String>, Option<&'static str>) {
    let file = |name: &str| dir.path().join(name).to_string_lossy().into_owned();
    let filter_file = file("filter");
    std::fs::write(&filter_file, "sport = :1\n").unwrap();
    let args: Vec<String> = match spelling {
        "-f" => vec!["-f".into(), "inet".into()],
        "--family" => vec!["--family=inet".into()],
        "-A" => vec!["-A".into(), "tcp".into()],
        "--query" | "--socket" => vec![format!("{spelling}=tcp")],
        "-D" => vec!["-t".into(), "-D".into(), file("dump")],
        "--diag" => vec!["-t".into(), format!("--diag={}", file("dump2"))],
        "-F" => vec!["-F".into(), filter_file],
        "-N" => vec!["-N".into(), "/proc/self/ns/net".into()],
        "--net" => vec!["--net=/proc/self/ns/net".into()],
        "--filter" => vec![format!("--filter={filter_file}")],
        "--bpf-map-id" => vec!["-t".into(), "--bpf-map-id=1".into()],
        "-K" | "--kill" => vec!["-t".into(), spelling.into(), "sport = :1".into()],
        s => vec![s.into()],
    };
    let tolerated = match spelling {
        "-S" | "--sctp" => Some("sctp_diag"),
        "-M" | "--mptcp" => Some("mptcp_diag"),
        // This machine's kernel has none of these diag modules (the guest
        // lists them; tests/initramfs).
        "-d" | "--dccp" => Some("dccp_diag"),
        "--tipc" | "--tipcinfo" => Some("tipc_diag"),
        "--vsock" => Some("vsock_diag"),
        "--xdp" => Some("xsk_diag"),
        "-Z" | "--context" | "-z" | "--contexts" => Some("SELinux is not enabled"),
        _ => None,
    };
    (args, tolerated)
}

#[test]
fn readme_lists_every_ss_option() {
    let rows = readme_rows();
    let listed: Vec<&String> = rows.iter().flat_map(|r| &r.spellings).collect();
    for (short, long) in SS_OPTIONS {
        let long = format!("--{long}");
        assert!(
            listed.contains(&&long),
            "{long} is not in the README's table"
        );
        if let Some(c) = short {
            let short = format!("-{c}");
            assert!(
                listed.contains(&&short),
                "{short} is not in the README's table"
            );
        }
    }
}

#[track_caller]
fn accepted(run: &Run, tolerated: Option<&str>) {
    let refused = run.stderr.contains("invalid option")
        || run.stderr.contains("not yet")
        || run.code == Some(2);
    assert!(!refused, "an option the README calls supported:\n{run}");
    match (run.code, tolerated) {
        (Some(0), _) => {}
        (Some(1), Some(why)) if run.stderr.contains(why) => {}
        _ => panic!("{run}"),
    }
}

#[test]
fn supported_options_run_and_others_say_why() {
    let ns = Netns::new();
    let dir = TempDir::new();
    for row in readme_rows() {
        for spelling in &row.spellings {
            match &row.refusal {
                // Runs until a signal or a closed stdout, which
                // tests/events.rs sends it.
                None if spelling == "-E" || spelling == "--events" => {}
                None => {
                    let (args, tolerated) = invocation(spelling, &dir);
                    accepted(&ns.sockdiag(&args), tolerated);
                }
                Some(reason) => {
                    let run = ns.sockdiag(&[spelling]);
                    assert_eq!(run.code, Some(1), "{run}");
                    assert!(
                        run.stderr.contains(reason.as_str()) && run.stderr.lines().count() == 1,
                        "the README's reason {reason:?}:\n{run}"
                    );
                }
            }
        }
    }
}
