//! `-K`: the kernel closes what the query and the filter select, and
//! nothing else. Each test works in a namespace of its own, so a filter
//! that went wrong could only close the test's own sockets.

use std::io::{ErrorKind, Read};
use std::net::{Ipv4Addr, TcpStream, UdpSocket};
use std::time::Duration;

use sockdiag_tests::{tcp_listener, Netns, Run};

/// The listener's side of a connection and the client, with the client's
/// port.
struct Pair {
    client: TcpStream,
    server: TcpStream,
    client_port: u16,
}

fn pairs(ns: &Netns, n: usize) -> (std::net::TcpListener, u16, Vec<Pair>) {
    ns.open(|| {
        let (listener, port) = tcp_listener(Ipv4Addr::LOCALHOST.into(), 8);
        let pairs = (0..n)
            .map(|_| {
                let client = TcpStream::connect((Ipv4Addr::LOCALHOST, port)).expect("connect");
                let (server, _) = listener.accept().expect("accept");
                let client_port = client.local_addr().unwrap().port();
                Pair {
                    client,
                    server,
                    client_port,
                }
            })
            .collect();
        (listener, port, pairs)
    })
}

/// What a read on `s` says within a second: the error kind, or `None`
/// while the connection is open and quiet.
fn read_result(s: &mut TcpStream) -> Option<ErrorKind> {
    s.set_read_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    let mut buf = [0u8; 8];
    match s.read(&mut buf) {
        Ok(0) => Some(ErrorKind::UnexpectedEof),
        Ok(_) => None,
        Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => None,
        Err(e) => Some(e.kind()),
    }
}

#[track_caller]
fn ok(run: &Run) -> &str {
    assert!(run.code == Some(0) && run.stderr.is_empty(), "{run}");
    &run.stdout
}

/// The filter selects one of two connections: that one is closed at both
/// ends (the peer gets a reset), is the one line printed, and the other
/// connection and the listener live on.
#[test]
fn kills_only_what_the_filter_selects() {
    let ns = Netns::new();
    let (listener, port, mut pairs) = pairs(&ns, 2);
    let victim = pairs[0].client_port;
    let filter = format!("sport = :{victim}");
    let out = ok(&ns.sockdiag(&["-tnK", &filter])).to_string();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "a header and the socket closed:\n{out}");
    assert!(lines[1].contains(&format!("127.0.0.1:{victim} ")), "{out}");
    // The closed end sees its connection aborted, the peer a reset.
    assert_eq!(
        read_result(&mut pairs[0].client),
        Some(ErrorKind::ConnectionAborted)
    );
    assert_eq!(
        read_result(&mut pairs[0].server),
        Some(ErrorKind::ConnectionReset)
    );
    // Nothing else was touched.
    assert_eq!(read_result(&mut pairs[1].client), None);
    assert_eq!(read_result(&mut pairs[1].server), None);
    let left = ok(&ns.sockdiag(&["-tanH"])).to_string();
    assert_eq!(left.lines().count(), 3, "listener and one pair:\n{left}");
    assert!(!left.contains(&format!(":{victim} ")), "{left}");
    assert!(left.contains(&format!("127.0.0.1:{port} ")), "{left}");
    // Killing it again finds nothing: an empty listing, exit 0.
    let again = ok(&ns.sockdiag(&["-tnKH", &filter])).to_string();
    assert_eq!(again, "");
    drop(listener);
}

/// A UDP socket: its owner's next receive fails with ECONNABORTED; with
/// -j the closed socket is the array.
#[test]
fn kills_udp_and_prints_json() {
    let ns = Netns::new();
    let (sock, port) = ns.open(|| {
        let s = UdpSocket::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind");
        let port = s.local_addr().unwrap().port();
        (s, port)
    });
    let run = ns.sockdiag(&["-uaKj", &format!("sport = :{port}")]);
    let json: serde_json::Value = serde_json::from_str(ok(&run)).expect("JSON");
    let closed = json.as_array().expect("an array");
    assert_eq!(closed.len(), 1, "{run}");
    assert_eq!(closed[0]["local_port"], port);
    assert_eq!(closed[0]["netid"], "udp");
    sock.set_read_timeout(Some(Duration::from_secs(1))).unwrap();
    let err = sock.recv(&mut [0u8; 8]).expect_err("a closed socket");
    assert_eq!(err.raw_os_error(), Some(103), "ECONNABORTED: {err}");
}

/// Without CAP_NET_ADMIN the kernel refuses: the run says so (naming the
/// capability), exits 1, and every socket is still open.
#[test]
fn unprivileged_closes_nothing() {
    let ns = Netns::new();
    let (listener, port, mut pairs) = pairs(&ns, 1);
    let sockdiag = sockdiag_tests::sockdiag_bin();
    // The namespace is entered as root, then the run drops to nobody.
    let run = ns.run(
        "setpriv".as_ref(),
        &[
            "--reuid=nobody".as_ref(),
            "--regid=nogroup".as_ref(),
            "--clear-groups".as_ref(),
            sockdiag.as_os_str(),
            "-tanK".as_ref(),
            format!("sport = :{port} or dport = :{port}").as_ref(),
        ] as &[&std::ffi::OsStr],
        &[],
    );
    assert_eq!(run.code, Some(1), "{run}");
    assert!(
        run.stderr.contains("CAP_NET_ADMIN") && run.stderr.lines().count() == 1,
        "{run}"
    );
    assert_eq!(read_result(&mut pairs[0].client), None);
    assert_eq!(read_result(&mut pairs[0].server), None);
    let all = ok(&ns.sockdiag(&["-tanH"])).to_string();
    assert_eq!(all.lines().count(), 3, "{all}");
    drop(listener);
}

/// Tables the kernel cannot close sockets of are refused by name.
#[test]
fn refuses_other_tables() {
    let run = sockdiag_tests::sockdiag(&["-xK"]);
    assert_eq!(run.code, Some(2), "{run}");
    assert!(run.stderr.contains("unix"), "{run}");
}
