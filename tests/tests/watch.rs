//! `sockdiag watch`: a listener whose accept queue the test fills to K and
//! drains within one interval reports peak K and a current queue of 0;
//! connections refused by a full backlog raise `drops` and the
//! namespace's ListenOverflows.

use std::net::{TcpListener, TcpStream};
use std::time::Duration;

use serde_json::Value;
use sockdiag_tests::process::Spawned;
use sockdiag_tests::tcp_listener;

/// Runs `watch -j` on `port` for `intervals` intervals of 500 ms while
/// `act` runs, and returns each interval's object.
fn watch(port: u16, intervals: u32, act: impl FnOnce()) -> Vec<Value> {
    let filter = format!("sport = :{port}");
    let count = intervals.to_string();
    let mut w = Spawned::sockdiag(&[
        "watch",
        "-j",
        "--interval",
        "500ms",
        "--count",
        &count,
        &filter,
    ]);
    // The first interval's line says it is sampling.
    let first = w.line_where(Duration::from_secs(5), |_| true);
    act();
    let mut reports = vec![first];
    while let Some(l) = w.line(Duration::from_secs(3)) {
        reports.push(l);
    }
    let status = w
        .wait_for_exit(Duration::from_secs(3))
        .expect("--count ends it");
    assert_eq!(status.code(), Some(0), "{}", w.stderr_now());
    assert_eq!(reports.len(), intervals as usize, "{reports:#?}");
    reports
        .iter()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

/// The row of the one listener in an interval's object.
fn row(report: &Value) -> &Value {
    let listeners = report["listeners"].as_array().expect("listeners");
    assert_eq!(listeners.len(), 1, "{report}");
    &listeners[0]
}

#[test]
fn peak_of_a_queue_filled_and_drained() {
    const K: usize = 5;
    let (listener, port) = tcp_listener("127.0.0.1".parse().unwrap(), 16);
    let reports = watch(port, 3, || {
        let clients: Vec<TcpStream> = (0..K)
            .map(|_| TcpStream::connect(("127.0.0.1", port)).unwrap())
            .collect();
        // Long enough for several 10 ms samples, short against 500 ms.
        std::thread::sleep(Duration::from_millis(120));
        let accepted: Vec<_> = (0..K).map(|_| listener.accept().unwrap()).collect();
        drop((clients, accepted));
    });
    let rows: Vec<&Value> = reports.iter().map(row).collect();
    assert!(
        rows.iter()
            .all(|r| r["send_q"] == 16 && r["local_port"] == port),
        "{rows:#?}"
    );
    // The interval of the burst: peak K, drained by its end.
    let burst: Vec<&&Value> = rows.iter().filter(|r| r["recv_q_peak"] == K).collect();
    assert_eq!(burst.len(), 1, "{rows:#?}");
    assert_eq!(burst[0]["recv_q"], 0, "{rows:#?}");
    assert!(
        rows.iter()
            .all(|r| r["recv_q_peak"] == K || r["recv_q_peak"] == 0),
        "{rows:#?}"
    );
    assert!(rows.iter().all(|r| r["drops"] == 0), "{rows:#?}");
}

#[test]
fn a_full_backlog_raises_drops() {
    // Backlog 1: the queue holds two, later handshakes are dropped.
    let (listener, port) = tcp_listener("127.0.0.1".parse().unwrap(), 1);
    let mut clients = Vec::new();
    let reports = watch(port, 2, || {
        for _ in 0..6 {
            let s =
                socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
            s.set_nonblocking(true).unwrap();
            let addr: std::net::SocketAddr = ([127, 0, 0, 1], port).into();
            let _ = s.connect(&addr.into());
            clients.push(s);
        }
        std::thread::sleep(Duration::from_millis(200));
    });
    let drops: u64 = reports
        .iter()
        .map(|r| row(r)["drops"].as_u64().unwrap())
        .sum();
    assert!(drops > 0, "{reports:#?}");
    let overflows: u64 = reports
        .iter()
        .map(|r| r["listen_overflows"].as_u64().unwrap())
        .sum();
    assert!(overflows >= drops.min(1), "{reports:#?}");
    let last = row(reports.last().unwrap());
    assert_eq!(
        (last["recv_q"].as_u64(), last["send_q"].as_u64()),
        (Some(2), Some(1)),
        "{reports:#?}"
    );
    drop((listener, clients));
}

#[test]
fn text_rows() {
    let listener = TcpListener::bind("[::1]:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let filter = format!("sport = :{port}");
    let run =
        sockdiag_tests::sockdiag(&["watch", "-6", "--interval", "0.1", "--count", "2", &filter]);
    let out = run.success();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 5, "{run}");
    assert!(
        lines[0].contains("Recv-Q-Peak") && lines[0].ends_with("Local Address:Port"),
        "{run}"
    );
    assert!(
        lines[1].starts_with("# ") && lines[1].contains(" ListenOverflows +"),
        "{run}"
    );
    let words: Vec<&str> = lines[2].split_whitespace().collect();
    assert_eq!(
        words,
        ["0", "0", "128", "0", &format!("[::1]:{port}")],
        "{run}"
    );
}
