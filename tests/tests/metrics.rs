//! `sockdiag metrics` and `sockdiag serve`: the exposition passes
//! `promtool check metrics` and shows the test listener's queue and limit;
//! `--textfile` is written whole; `--max-series` cuts and says so; a real
//! Prometheus server scrapes `serve` and its query API returns the
//! listener's queue length and limit; garbage requests, a slow client and
//! 500 concurrent connections leave `serve` answering.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use sockdiag_tests::process::{free_port, http_exchange, http_get, serve, Spawned};
use sockdiag_tests::{queued, sockdiag, TempDir};

/// The value of the sample of `metric` whose labels include `port`.
fn sample(text: &str, metric: &str, port: u16) -> Option<u64> {
    let label = format!("port=\"{port}\"");
    text.lines()
        .filter(|l| l.starts_with(&format!("{metric}{{")) && l.contains(&label))
        .find_map(|l| l.rsplit(' ').next()?.parse().ok())
}

/// Runs `promtool check metrics` on `text`; its complaints, if any.
fn promtool(text: &str) -> Result<(), String> {
    let mut child = Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("promtool: {e}"))?;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    if out.status.success() && said.trim().is_empty() {
        Ok(())
    } else {
        Err(said)
    }
}

#[test]
#[cfg_attr(
    not(sockdiag_prometheus),
    ignore = "needs promtool (apt-get install prometheus)"
)]
fn exposition_passes_promtool_with_exact_values() {
    let q = queued(3, 7);
    let run = sockdiag(&["metrics"]);
    let text = run.success();
    promtool(text).unwrap_or_else(|e| panic!("promtool: {e}\n{text}"));
    assert_eq!(
        sample(text, "sockdiag_tcp_listen_queue_length", q.port),
        Some(3),
        "{text}"
    );
    assert_eq!(
        sample(text, "sockdiag_tcp_listen_queue_limit", q.port),
        Some(7),
        "{text}"
    );
    assert_eq!(
        sample(text, "sockdiag_tcp_listen_drops_total", q.port),
        Some(0),
        "{text}"
    );
    for family in [
        "sockdiag_netns_tcp_listen_overflows_total",
        "sockdiag_netns_tcp_listen_drops_total",
        "sockdiag_sockets",
        "sockdiag_scrape_duration_seconds",
        "sockdiag_scrape_errors",
        "sockdiag_series_cut",
        "sockdiag_build_info",
    ] {
        assert!(
            text.contains(&format!("\n# TYPE {family} ")),
            "{family}: {text}"
        );
    }
}

#[test]
fn textfile_is_written_whole_and_the_cut_is_counted() {
    let (a, b) = (queued(1, 4), queued(2, 4));
    let dir = TempDir::new();
    let path = dir.path().join("sockdiag.prom");
    let filter = format!("sport = :{} or sport = :{}", a.port, b.port);
    let path_arg = path.to_str().unwrap();
    let run = sockdiag(&[
        "metrics",
        "--textfile",
        path_arg,
        "--max-series",
        "3",
        &filter,
    ]);
    assert!(run.success().is_empty(), "{run}");
    let text = std::fs::read_to_string(&path).unwrap();
    // One listener's three series fit; the other's are cut.
    assert!(text.contains("\nsockdiag_series_cut 3\n"), "{text}");
    let kept = [a.port, b.port]
        .iter()
        .filter(|&&p| sample(&text, "sockdiag_tcp_listen_queue_length", p).is_some())
        .count();
    assert_eq!(kept, 1, "{text}");
    // Nothing but the file is left in the directory.
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["sockdiag.prom"]);
    let run = sockdiag(&["metrics", "--textfile", "/nonexistent/x.prom"]);
    assert_eq!(run.code, Some(1), "{run}");
    assert!(
        run.stderr.starts_with("sockdiag: /nonexistent/x.prom: "),
        "{run}"
    );
}

#[test]
fn serve_answers_and_refuses() {
    let q = queued(2, 9);
    let (mut server, addr) = serve(&["--sample", "20ms"]);
    let ok = http_get(addr, "/metrics").expect("an answer");
    assert_eq!(ok.status, 200);
    assert_eq!(
        sample(&ok.body, "sockdiag_tcp_listen_queue_length", q.port),
        Some(2),
        "{}",
        ok.body
    );
    assert_eq!(
        sample(&ok.body, "sockdiag_tcp_listen_queue_peak", q.port),
        Some(2),
        "{}",
        ok.body
    );
    assert_eq!(http_get(addr, "/").map(|r| r.status), Some(404));
    let t = Duration::from_secs(5);
    let post = http_exchange(addr, b"POST /metrics HTTP/1.1\r\n\r\n", t);
    assert_eq!(post.map(|r| r.status), Some(405));
    let mut oversized = b"GET /metrics HTTP/1.1\r\nX: ".to_vec();
    oversized.resize(20_000, b'a');
    for garbage in [
        &b"\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03"[..],
        b"GET /metrics\r\n\r\n",
        b"GET /metrics HTTP/9.9\r\n\r\n",
        b"GET /metrics HTTP/1.1\r\n folded\r\n\r\n",
        b"\x00\x00\x00\x00",
        &oversized,
    ] {
        let r = http_exchange(addr, garbage, t);
        assert_eq!(r.map(|r| r.status), Some(400), "{garbage:?}");
    }
    assert_eq!(http_get(addr, "/metrics").map(|r| r.status), Some(200));
    assert!(server.running());
    server.signal(15);
    let status = server.wait_for_exit(t).expect("exits on SIGTERM");
    assert_eq!(status.code(), Some(0));
}

/// The descriptors and resident memory of process `pid`.
fn usage(pid: u32) -> (usize, u64) {
    let fds = std::fs::read_dir(format!("/proc/{pid}/fd"))
        .unwrap()
        .count();
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let rss = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap();
    (fds, rss)
}

#[test]
fn serve_survives_a_slow_client_and_500_connections() {
    let (server, addr) = serve(&[]);
    // A slow client: half a request line, then silence.
    let mut slow = TcpStream::connect(addr).unwrap();
    slow.write_all(b"GET /met").unwrap();
    // 500 connections at once, idle.
    let flood: Vec<TcpStream> = (0..500)
        .map(|_| TcpStream::connect(addr).unwrap())
        .collect();
    // Served while they wait: idle ones give way to new ones.
    let started = Instant::now();
    let r = http_get(addr, "/metrics").expect("an answer during the flood");
    assert_eq!(r.status, 200);
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    let (fds, rss_kib) = usage(server.pid());
    assert!(fds < 200, "{fds} descriptors");
    assert!(rss_kib < 32 * 1024, "{rss_kib} KiB resident");
    drop(flood);
    assert_eq!(http_get(addr, "/metrics").map(|r| r.status), Some(200));
    // The slow client was evicted by the flood (closed, or reset when its
    // bytes were not read yet), or times out with 408: either way its
    // connection ends within the request timeout.
    slow.set_read_timeout(Some(Duration::from_secs(15)))
        .unwrap();
    let mut rest = Vec::new();
    let ended = match slow.read_to_end(&mut rest) {
        Ok(_) => true,
        Err(e) => e.kind() == std::io::ErrorKind::ConnectionReset,
    };
    assert!(ended, "the slow connection was never closed");
    let text = String::from_utf8_lossy(&rest);
    assert!(
        text.is_empty() || text.starts_with("HTTP/1.1 408 "),
        "{text}"
    );
}

/// A Prometheus server on loopback with a private data directory,
/// scraping `target` every second; killed with its directory at the end.
struct Prometheus {
    _process: Spawned,
    _dir: TempDir,
    api: SocketAddr,
}

impl Prometheus {
    fn start(target: SocketAddr) -> Prometheus {
        let dir = TempDir::new();
        let config = dir.path().join("prometheus.yml");
        std::fs::write(
            &config,
            format!(
                "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n\
                 scrape_configs:\n  - job_name: sockdiag\n    static_configs:\n      - targets: ['{target}']\n"
            ),
        )
        .unwrap();
        let api: SocketAddr = ([127, 0, 0, 1], free_port()).into();
        let process = Spawned::start(
            "prometheus",
            &[
                format!("--config.file={}", config.display()),
                format!("--storage.tsdb.path={}", dir.path().join("data").display()),
                format!("--web.listen-address={api}"),
            ],
        );
        Prometheus {
            _process: process,
            _dir: dir,
            api,
        }
    }

    /// The value of an instant query's single result, if it has one.
    fn query(&self, promql: &str) -> Option<f64> {
        let mut encoded = String::new();
        for b in promql.bytes() {
            match b {
                b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'_' => encoded.push(b as char),
                _ => encoded.push_str(&format!("%{b:02X}")),
            }
        }
        let r = http_get(self.api, &format!("/api/v1/query?query={encoded}"))?;
        let v: Value = serde_json::from_str(&r.body).ok()?;
        let result = v["data"]["result"].as_array()?;
        match result.as_slice() {
            [one] => one["value"][1].as_str()?.parse().ok(),
            _ => None,
        }
    }
}

#[test]
#[cfg_attr(
    not(sockdiag_prometheus),
    ignore = "needs prometheus (apt-get install prometheus)"
)]
fn prometheus_scrapes_serve() {
    let q = queued(4, 11);
    let (_server, addr) = serve(&[]);
    let prometheus = Prometheus::start(addr);
    let length = format!("sockdiag_tcp_listen_queue_length{{port=\"{}\"}}", q.port);
    let limit = format!("sockdiag_tcp_listen_queue_limit{{port=\"{}\"}}", q.port);
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut seen = (None, None);
    while Instant::now() < deadline {
        seen = (prometheus.query(&length), prometheus.query(&limit));
        if seen == (Some(4.0), Some(11.0)) {
            return;
        }
        std::thread::sleep(Duration::from_millis(250));
    }
    panic!(
        "Prometheus never returned queue 4 and limit 11 for port {}: {seen:?}",
        q.port
    );
}
