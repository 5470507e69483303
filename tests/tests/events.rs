//! `sockdiag -E`: the test's own TCP (IPv4, IPv6) and UDP sockets show up
//! once each as they close, with their ports and, with `-i`, tcp_info;
//! each event reaches a pipe while sockdiag runs; a filter leaves out what
//! it should; SIGINT, SIGTERM and a closed stdout end it with exit 0.

use std::io::{Read, Write};
use std::net::{IpAddr, TcpStream, UdpSocket};
use std::time::Duration;

use serde_json::Value;
use sockdiag_tests::process::Spawned;
use sockdiag_tests::tcp_listener;

const WAIT: Duration = Duration::from_secs(5);

/// Closes UDP sockets until one shows in the stream: sockdiag has then
/// joined the groups, and whatever the test closes next is seen. Every
/// line before it is dropped.
fn until_listening(events: &mut Spawned, json: bool) {
    for _ in 0..50 {
        let probe = UdpSocket::bind("127.0.0.1:0").unwrap();
        let port = probe.local_addr().unwrap().port();
        drop(probe);
        let needle = if json {
            format!("\"local_port\":{port},")
        } else {
            format!("127.0.0.1:{port} ")
        };
        if let Some(l) = events.line(Duration::from_millis(100)) {
            if l.contains(&needle) {
                return;
            }
            // Not ours yet; read on without another probe for a while.
            if (0..20).any(|_| {
                events
                    .line(Duration::from_millis(20))
                    .is_some_and(|l| l.contains(&needle))
            }) {
                return;
            }
        }
    }
    panic!(
        "{}: never saw its probe; seen:\n{}",
        events.command,
        events.seen.join("\n")
    );
}

/// Opens a TCP connection to a listener on `ip`, moves `data` each way,
/// closes everything; returns (listener port, client port).
fn tcp_conversation(ip: IpAddr, data: &[u8]) -> (u16, u16) {
    let (listener, port) = tcp_listener(ip, 8);
    let mut client = TcpStream::connect((ip, port)).unwrap();
    let client_port = client.local_addr().unwrap().port();
    let (mut server, _) = listener.accept().unwrap();
    client.write_all(data).unwrap();
    let mut got = vec![0; data.len()];
    server.read_exact(&mut got).unwrap();
    server.write_all(b"ok").unwrap();
    let mut reply = [0; 2];
    client.read_exact(&mut reply).unwrap();
    drop(client);
    drop(server);
    drop(listener);
    (port, client_port)
}

/// The JSON events with `local_port` `port` and `peer_port` `peer`.
fn events_of(lines: &[Value], port: u16, peer: u16) -> Vec<&Value> {
    lines
        .iter()
        .filter(|v| v["local_port"] == port && v["peer_port"] == peer)
        .collect()
}

#[test]
fn each_close_shows_once_with_ports_and_tcp_info() {
    let mut events = Spawned::sockdiag(&["-E", "-j", "-i"]);
    until_listening(&mut events, true);
    let (v4, v4_client) = tcp_conversation("127.0.0.1".parse().unwrap(), b"hello");
    let (v6, v6_client) = tcp_conversation("::1".parse().unwrap(), b"hello, six");
    let udp = UdpSocket::bind("[::1]:0").unwrap();
    let udp_port = udp.local_addr().unwrap().port();
    drop(udp);
    // Read until the last close has arrived, then a moment for strays.
    let mut lines = Vec::new();
    let want_last = format!("\"local_port\":{udp_port},");
    loop {
        let l = events.line_where(WAIT, |_| true);
        let last = l.contains(&want_last);
        lines.push(serde_json::from_str::<Value>(&l).unwrap_or_else(|e| panic!("{e}: {l}")));
        if last {
            break;
        }
    }
    while let Some(l) = events.line(Duration::from_millis(300)) {
        lines.push(serde_json::from_str(&l).unwrap());
    }
    for (family, port, client, sent, received) in
        [("v4", v4, v4_client, 5, 2), ("v6", v6, v6_client, 10, 2)]
    {
        // The client, the accepted socket and the listener: once each.
        let client_side = events_of(&lines, client, port);
        let server_side = events_of(&lines, port, client);
        let listener = events_of(&lines, port, 0);
        assert_eq!(
            (client_side.len(), server_side.len(), listener.len()),
            (1, 1, 1),
            "{family}: {lines:#?}"
        );
        let c = client_side[0];
        assert_eq!(c["netid"], "tcp");
        assert!(
            c["timestamp"].as_str().is_some_and(|t| t.ends_with('Z')),
            "{c}"
        );
        // Data bytes each way (SYN and FIN count in bytes_acked and
        // bytes_received, but a FIN may or may not have arrived first).
        let info = &c["tcp_info"];
        assert_eq!(info["bytes_sent"].as_u64(), Some(sent), "{family}: {c}");
        assert_eq!(info["data_segs_out"].as_u64(), Some(1), "{family}: {c}");
        let got = info["bytes_received"].as_u64().unwrap_or(0);
        assert!(got == received || got == received + 1, "{family}: {c}");
        let s = server_side[0];
        assert_eq!(
            s["tcp_info"]["bytes_sent"].as_u64(),
            Some(received),
            "{family}: {s}"
        );
        let got = s["tcp_info"]["bytes_received"].as_u64().unwrap_or(0);
        assert!(got == sent || got == sent + 1, "{family}: {s}");
    }
    let udp_events: Vec<_> = lines
        .iter()
        .filter(|v| v["local_port"] == udp_port)
        .collect();
    assert_eq!(udp_events.len(), 1, "{lines:#?}");
    assert_eq!(udp_events[0]["netid"], "udp");
    assert_eq!(udp_events[0]["local_address"], "::1");
    assert!(udp_events[0].get("tcp_info").is_none());
}

#[test]
fn text_with_info_and_a_filter() {
    let (listener, port) = tcp_listener("127.0.0.1".parse().unwrap(), 8);
    let filter = format!("sport = :{port} or dport = :{port}");
    let mut events = Spawned::sockdiag(&["-E", "-H", "-n", "-i", "-t", &filter]);
    // The filter keeps the probe out: wait for the subscription with
    // connections the filter lets through, then drop what they printed.
    let connection = || {
        let warmup = TcpStream::connect(("127.0.0.1", port)).unwrap();
        drop(listener.accept().unwrap());
        drop(warmup);
    };
    let joined = (0..50).any(|_| {
        connection();
        events.line(Duration::from_millis(100)).is_some()
    });
    assert!(joined, "{}: no event for port {port}", events.command);
    while events.line(Duration::from_millis(300)).is_some() {}
    // One more connection to the port; another port's, UDP's; the
    // listener's own close.
    connection();
    let (other, _) = tcp_conversation("127.0.0.1".parse().unwrap(), b"no");
    let udp = UdpSocket::bind(("127.0.0.1", 0)).unwrap();
    drop(udp);
    drop(listener);
    let mut mine = Vec::new();
    while let Some(l) = events.line(Duration::from_millis(1500)) {
        mine.push(l);
    }
    let text = mine.join("\n");
    assert!(!text.contains(&format!(":{other} ")), "{text}");
    assert!(!text.contains("udp"), "{text}");
    let socket_lines: Vec<&String> = mine.iter().filter(|l| !l.starts_with('\t')).collect();
    // The client and the accepted socket, the listener.
    assert_eq!(socket_lines.len(), 3, "{text}");
    assert!(
        socket_lines.iter().all(|l| l.contains(&format!(":{port}"))),
        "{text}"
    );
    // -i: each connection's tcp_info on its detail line.
    let details = mine
        .iter()
        .filter(|l| l.starts_with('\t') && l.contains("rto:"))
        .count();
    assert_eq!(details, 3, "{text}");
}

#[test]
fn ends_cleanly_on_signals_and_closed_stdout() {
    for signal in [2, 15] {
        let mut events = Spawned::sockdiag(&["-E"]);
        // The header arrives before the first event: it is running.
        events.line_where(WAIT, |l| l.starts_with("Netid"));
        events.signal(signal);
        let status = events.wait_for_exit(WAIT).expect("exits on the signal");
        assert_eq!(status.code(), Some(0), "signal {signal}: {status:?}");
    }
    let mut events = Spawned::sockdiag_unread(&["-E", "-H"]);
    std::thread::sleep(Duration::from_millis(200));
    events.close_stdout();
    // No event is needed: the closed pipe wakes it.
    let status = events
        .wait_for_exit(WAIT)
        .expect("exits when stdout closes");
    assert_eq!(
        status.code(),
        Some(0),
        "{status:?}: {}",
        events.stderr_now()
    );
}
