//! The modes over time in other network namespaces: `metrics` labels each
//! listener and counter with its namespace (`-N`, `--all-netns`) and
//! passes promtool; `watch --all-netns` reports a block per namespace
//! naming it; `wait -N` sees a listener only its namespace has; `-E` hears
//! a namespace's closes with `-N` and, led by the namespace, with
//! `--all-netns`; `serve --all-netns`, which keeps each namespace's
//! socket and /proc files open between scrapes, shows a namespace made
//! after its first scrape, fresh counters of one it kept, and none of one
//! deleted. Every namespace is removed when the test ends.

use std::net::TcpStream;
use std::time::{Duration, Instant};

use serde_json::Value;
use sockdiag_tests::netns::NamedNetns;
use sockdiag_tests::process::{http_get, serve, Spawned};
use sockdiag_tests::{queued, sockdiag, tcp_listener, Queued};

/// [`queued`] in the namespace `ns`.
fn queued_in(ns: &NamedNetns, waiting: usize, backlog: i32) -> Queued {
    ns.run(|| queued(waiting, backlog))
}

/// The value of `metric`'s sample whose labels include every one of
/// `labels`.
fn sample(text: &str, metric: &str, labels: &[String]) -> Option<u64> {
    text.lines()
        .filter(|l| l.starts_with(&format!("{metric}{{")))
        .filter(|l| labels.iter().all(|want| l.contains(want.as_str())))
        .find_map(|l| l.rsplit(' ').next()?.parse().ok())
}

#[test]
fn metrics_label_each_namespace() {
    let ns = NamedNetns::new();
    let q = queued_in(&ns, 3, 9);
    let netns = format!("netns=\"{}\"", ns.name);
    let port = format!("port=\"{}\"", q.port);
    for args in [
        vec!["metrics", "-N", ns.name.as_str()],
        vec!["metrics", "--all-netns"],
    ] {
        let run = sockdiag(&args);
        let text = run.success();
        let labels = [netns.clone(), port.clone()];
        assert_eq!(
            sample(text, "sockdiag_tcp_listen_queue_length", &labels),
            Some(3),
            "{args:?}\n{text}"
        );
        assert_eq!(
            sample(text, "sockdiag_tcp_listen_queue_limit", &labels),
            Some(9),
            "{args:?}\n{text}"
        );
        // The namespace's own counters: one listener, its own LISTEN count.
        assert_eq!(
            sample(
                text,
                "sockdiag_sockets",
                &[netns.clone(), "state=\"LISTEN\"".into()]
            ),
            Some(1),
            "{args:?}\n{text}"
        );
        assert!(
            text.contains(&format!(
                "sockdiag_netns_tcp_listen_overflows_total{{{netns}}} "
            )),
            "{text}"
        );
    }
    // -N covers that namespace alone.
    let run = sockdiag(&["metrics", "-N", &ns.name]);
    let text = run.success();
    assert!(
        text.lines()
            .filter(|l| l.starts_with("sockdiag_sockets{"))
            .all(|l| l.contains(&netns)),
        "{text}"
    );
}

#[test]
fn serve_follows_namespaces_between_scrapes() {
    let kept = NamedNetns::new();
    let _a = queued_in(&kept, 1, 7);
    let (_server, addr) = serve(&["--all-netns"]);
    let scrape = || {
        let r = http_get(addr, "/metrics").expect("an answer");
        assert_eq!(r.status, 200, "{}", r.body);
        r.body
    };
    let in_ns = |ns: &NamedNetns| format!("netns=\"{}\"", ns.name);
    let tcp_all = |text: &str| {
        let labels = [in_ns(&kept), "state=\"all\"".into()];
        sample(text, "sockdiag_sockets", &labels).expect("the kept namespace's TCP count")
    };
    let first = scrape();
    assert_eq!(
        sample(&first, "sockdiag_tcp_listen_queue_limit", &[in_ns(&kept)]),
        Some(7),
        "{first}"
    );
    let before = tcp_all(&first);

    // A namespace made after the first scrape is in the next one; one more
    // socket in the kept namespace shows in its counters, read again
    // through the files opened at the first scrape.
    let added = NamedNetns::new();
    let _b = queued_in(&added, 2, 9);
    let _more = kept.run(|| tcp_listener("127.0.0.1".parse().unwrap(), 1));
    let second = scrape();
    let labels = [in_ns(&added)];
    assert_eq!(
        sample(&second, "sockdiag_tcp_listen_queue_length", &labels),
        Some(2),
        "{second}"
    );
    assert_eq!(tcp_all(&second), before + 1, "{second}");

    // Deleted, it is gone from the next scrape.
    let gone = in_ns(&added);
    drop(_b);
    drop(added);
    let third = scrape();
    assert!(!third.contains(&gone), "{third}");
    assert!(third.contains(&in_ns(&kept)), "{third}");
}

#[test]
fn watch_reports_a_block_per_namespace() {
    let ns = NamedNetns::new();
    let q = queued_in(&ns, 2, 5);
    let run = sockdiag(&[
        "watch",
        "--all-netns",
        "-j",
        "--sample",
        "50ms",
        "--interval",
        "200ms",
        "--count",
        "1",
    ]);
    let text = run.success();
    let objects: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let mine: Vec<&Value> = objects
        .iter()
        .filter(|o| o["netns"] == ns.name.as_str())
        .collect();
    assert_eq!(mine.len(), 1, "{text}");
    let rows = mine[0]["listeners"].as_array().unwrap();
    assert_eq!(rows.len(), 1, "{text}");
    assert_eq!(rows[0]["local_port"], q.port);
    assert_eq!(rows[0]["recv_q"], 2);
    assert_eq!(rows[0]["recv_q_peak"], 2);
    assert_eq!(rows[0]["send_q"], 5);
    // Text: the interval line names the namespace.
    let run = sockdiag(&[
        "watch",
        "-N",
        &ns.name,
        "--interval",
        "100ms",
        "--count",
        "1",
    ]);
    let text = run.success();
    assert!(text.contains(&format!("127.0.0.1:{}", q.port)), "{text}");
}

#[test]
fn wait_sees_only_its_namespace() {
    let ns = NamedNetns::new();
    let q = queued_in(&ns, 0, 4);
    let filter = format!(":{}", q.port);
    let run = sockdiag(&["wait", "-N", &ns.name, "-tl", "sport", "=", &filter]);
    assert_eq!(run.code, Some(0), "{run}");
    // The caller's own namespace has no such listener.
    let run = sockdiag(&["wait", "--timeout", "200ms", "-tl", "sport", "=", &filter]);
    assert_eq!(run.code, Some(1), "{run}");
}

/// Opens and closes a TCP connection inside `ns`; its client port.
fn close_a_connection_in(ns: &NamedNetns) -> u16 {
    ns.run(|| {
        let (listener, port) = tcp_listener("127.0.0.1".parse().unwrap(), 4);
        let client = TcpStream::connect(("127.0.0.1", port)).unwrap();
        let client_port = client.local_addr().unwrap().port();
        let (server, _) = listener.accept().unwrap();
        drop((client, server, listener));
        client_port
    })
}

#[test]
fn events_of_another_namespace() {
    let ns = NamedNetns::new();
    for all in [false, true] {
        let mut args = vec!["-E", "-j", "-t"];
        match all {
            true => args.push("--all-netns"),
            false => args.extend(["-N", ns.name.as_str()]),
        }
        let mut events = Spawned::sockdiag(&args);
        // Closes until one shows: sockdiag has joined the groups by then.
        let found = (0..50)
            .find_map(|_| {
                let port = close_a_connection_in(&ns);
                let needle = format!("\"local_port\":{port},");
                let deadline = Instant::now() + Duration::from_millis(200);
                while let Some(left) = deadline.checked_duration_since(Instant::now()) {
                    match events.line(left) {
                        Some(l) if l.contains(&needle) => return Some(l),
                        Some(_) => {}
                        None => break,
                    }
                }
                None
            })
            .unwrap_or_else(|| {
                panic!(
                    "{}: never saw a close in {}; seen:\n{}",
                    events.command,
                    ns.name,
                    events.seen.join("\n")
                )
            });
        let v: Value = serde_json::from_str(&found).unwrap();
        assert!(v["timestamp"].is_string(), "{found}");
        if all {
            assert_eq!(v["netns"], ns.name.as_str(), "{found}");
        } else {
            assert!(v.get("netns").is_none(), "{found}");
        }
    }
}
