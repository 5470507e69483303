//! The library's examples (runner/examples/), built as `cargo build
//! --examples` builds them and run against sockets this test opens in
//! namespaces of its own; their output is checked line by line.

use std::net::{IpAddr, TcpStream};
use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;
use std::time::Duration;

use sockdiag_tests::process::Spawned;
use sockdiag_tests::{queued, tcp_listener, Netns};

/// The examples' directory, built once per test process in the profile
/// the tests were built in.
fn examples() -> PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let mut cmd = Command::new(&cargo);
        cmd.args(["build", "-p", "sockdiag", "--examples"]);
        if !cfg!(debug_assertions) {
            cmd.arg("--release");
        }
        let out = cmd.output().expect("cargo build --examples");
        assert!(
            out.status.success(),
            "building the examples failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let exe = std::env::current_exe().expect("the test binary's path");
        let profile = exe
            .parent()
            .and_then(|d| d.parent())
            .expect("<target>/<profile>/deps");
        profile.join("examples")
    })
    .clone()
}

fn example(name: &str) -> PathBuf {
    examples().join(name)
}

#[test]
fn backlog_prints_queue_and_limit() {
    let ns = Netns::new();
    let waiting = ns.open(|| queued(2, 5));
    let run = ns.run(
        example("backlog").as_os_str(),
        &[waiting.port.to_string()],
        &[],
    );
    assert_eq!(
        run.success(),
        format!("127.0.0.1:{} queue 2 limit 5\n", waiting.port)
    );
}

#[test]
fn rtt_prints_each_connection() {
    let ns = Netns::new();
    let (_listener, clients, port) = ns.open(|| {
        let (l, port) = tcp_listener(IpAddr::from([127, 0, 0, 1]), 8);
        let clients: Vec<TcpStream> = (0..2)
            .map(|_| TcpStream::connect(("127.0.0.1", port)).expect("connect"))
            .collect();
        (l, clients, port)
    });
    let run = ns.run(example("rtt").as_os_str(), &[port.to_string()], &[]);
    let mut locals: Vec<u16> = clients
        .iter()
        .map(|c| c.local_addr().expect("local").port())
        .collect();
    locals.sort();
    let lines: Vec<&str> = run.success().lines().collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    for (line, local) in lines.iter().zip(locals) {
        let head = format!("127.0.0.1:{local} -> 127.0.0.1:{port} rtt ");
        let rtt = line
            .strip_prefix(&head)
            .and_then(|r| r.strip_suffix("us"))
            .unwrap_or_else(|| panic!("{line:?} is not {head:?}Nus"));
        let micros: u64 = rtt.parse().expect("rtt in microseconds");
        assert!(micros > 0, "{line}");
    }
}

#[test]
fn destroyed_prints_closed_sockets() {
    let ns = Netns::new();
    let program = example("destroyed");
    let mut events = Spawned::start(
        "ip",
        &[
            "netns".as_ref(),
            "exec".as_ref(),
            ns.name().as_ref(),
            program.as_os_str(),
            "2".as_ref(),
        ],
    );
    let wait = Duration::from_secs(5);
    assert_eq!(events.line(wait).as_deref(), Some("listening"));
    let ports =
        ns.open(|| [8, 9].map(|backlog| tcp_listener(IpAddr::from([127, 0, 0, 1]), backlog).1));
    // The kernel announces a destroyed socket from a work queue after an
    // RCU grace period (listeners are freed under RCU), so two closes in a
    // row may be announced in either order: compare them as a set.
    let mut seen: Vec<Option<String>> = ports.iter().map(|_| events.line(wait)).collect();
    let mut want: Vec<Option<String>> = ports
        .iter()
        .map(|port| Some(format!("127.0.0.1:{port} -> 0.0.0.0:0")))
        .collect();
    seen.sort();
    want.sort();
    assert_eq!(seen, want);
    let status = events.wait_for_exit(wait).expect("exits after 2 events");
    assert!(status.success(), "{status}");
}

#[test]
fn namespaces_prints_every_namespaces_listeners() {
    let ns = Netns::new();
    let waiting = ns.open(|| queued(1, 3));
    let run = sockdiag_tests::run(example("namespaces").as_os_str(), &[] as &[&str]);
    // Other programs' namespaces may come and go meanwhile (the example
    // says so on stderr and goes on); this test's own is there throughout.
    assert_eq!(run.code, Some(0), "{run}");
    let prefix = format!("{} ", ns.name());
    assert!(!run.stderr.contains(ns.name()), "{run}");
    let ours: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| l.starts_with(&prefix))
        .collect();
    assert_eq!(
        ours,
        [format!(
            "{} 127.0.0.1:{} queue 1 limit 3",
            ns.name(),
            waiting.port
        )]
    );
}
