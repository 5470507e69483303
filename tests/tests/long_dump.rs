//! A dump longer than 64 KiB is received by a second process while
//! sockdiag decodes (runner/src/kernel/reader.rs): the listing is ss's,
//! one process is made per long dump, and none for a short one.
//!
//! Its own test binary, so that its thousands of descriptors do not count
//! against the other tests' limit.

use std::ffi::OsStr;
use std::net::{IpAddr, TcpStream};
use std::os::unix::net::UnixStream;

use sockdiag_tests::{assert_same_lines, sockdiag_bin, squash, tcp_listener, Netns, TempDir};

/// 3,001 TCP sockets (about 100 bytes each in a dump) and 3,000 unix
/// ones: each table's dump is several 32 KiB datagrams.
const PAIRS: usize = 1500;

/// The table's lines after the header, squashed.
fn normal(stdout: &str) -> Vec<String> {
    stdout.lines().skip(1).map(squash).collect()
}

/// Runs sockdiag with `args` in `ns` under strace, and returns its
/// output and how many processes it made.
fn traced(ns: &Netns, args: &[&str]) -> (String, usize) {
    let dir = TempDir::new();
    let trace = dir.path().join("trace");
    let bin = sockdiag_bin();
    let mut full: Vec<&OsStr> = ["-f", "-qq", "-e", "trace=fork,vfork,clone,clone3", "-o"]
        .map(OsStr::new)
        .to_vec();
    full.extend([trace.as_os_str(), bin.as_os_str()]);
    full.extend(args.iter().map(OsStr::new));
    let run = ns.run(OsStr::new("strace"), &full, &[]);
    let stdout = run.success().to_owned();
    let trace = std::fs::read_to_string(&trace).expect("strace's output");
    let made = trace
        .lines()
        .filter(|l| ["fork(", "clone(", "clone3("].iter().any(|c| l.contains(c)))
        .count();
    (stdout, made)
}

#[test]
#[cfg_attr(
    not(sockdiag_strace),
    ignore = "needs strace (tests/build.rs says so when it is missing)"
)]
fn long_dumps_match_ss_with_one_process_each() {
    let ns = Netns::new();
    let _held = ns.open(|| {
        let (listener, port) = tcp_listener(IpAddr::from([127, 0, 0, 1]), 4096);
        let tcp: Vec<(TcpStream, TcpStream)> = (0..PAIRS)
            .map(|_| {
                let client = TcpStream::connect(("127.0.0.1", port)).expect("connect");
                (client, listener.accept().expect("accept").0)
            })
            .collect();
        let unix: Vec<(UnixStream, UnixStream)> = (0..PAIRS)
            .map(|_| UnixStream::pair().expect("socketpair"))
            .collect();
        (listener, tcp, unix)
    });
    for args in [["-tan"], ["-xa"]] {
        let (ours, made) = traced(&ns, &args);
        let theirs = ns.ss(&args);
        let (ours, theirs) = (normal(&ours), normal(theirs.success()));
        let want = match args[0] {
            "-tan" => 2 * PAIRS + 1,
            _ => 2 * PAIRS,
        };
        assert_eq!(ours.len(), want, "{args:?}");
        assert_same_lines(&format!("sockdiag {args:?}"), &ours, &theirs);
        assert_eq!(made, 1, "{args:?}: processes made");
    }
}

#[test]
#[cfg_attr(
    not(sockdiag_strace),
    ignore = "needs strace (tests/build.rs says so when it is missing)"
)]
fn short_dumps_make_no_process() {
    let ns = Netns::new();
    let _held = ns.open(|| tcp_listener(IpAddr::from([127, 0, 0, 1]), 8));
    let (ours, made) = traced(&ns, &["-tan"]);
    assert_eq!(normal(&ours).len(), 1, "{ours}");
    assert_eq!(made, 0);
}
