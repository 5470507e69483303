//! TCP listeners and connections on loopback, as `sockdiag -t` shows them.

use std::collections::BTreeSet;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, TcpStream};

use sockdiag_codec::capture::{Capture, Kind};
use sockdiag_codec::wire::inet_legacy::TCPDIAG_GETSOCK;
use sockdiag_codec::wire::nlmsg::Packet;
use sockdiag_tests::{show, sockdiag, ss, tcp_listener, wait_for, Key, Owned, Sock, TempDir};

/// The header of a listing without the Netid column, split on whitespace
/// (as in ss 7, the Process column is named only with -p).
const HEADER: [&str; 7] = [
    "State",
    "Recv-Q",
    "Send-Q",
    "Local",
    "Address:Port",
    "Peer",
    "Address:Port",
];

/// A listener with listen(7) and three connections nobody accepted: ss
/// shows the accept queue as Recv-Q (3) and the backlog as Send-Q (7).
fn listener_backlog(ip: IpAddr, local: &str) {
    let (listener, port) = tcp_listener(ip, 7);
    let clients: Vec<TcpStream> = (0..3)
        .map(|_| TcpStream::connect(listener.local_addr().unwrap()).expect("connect"))
        .collect();
    let filter = format!("sport = :{port}");
    // The handshake's last ACK reaches the listener after connect returns.
    wait_for("three connections in the accept queue", || {
        let run = sockdiag(&["-tlnH", &filter]);
        match run.socks().first() {
            Some(listener) if listener.recv_q == 3 => Ok(()),
            _ => Err(run.to_string()),
        }
    });

    let want = Sock {
        netid: String::new(),
        state: "LISTEN".into(),
        recv_q: 3,
        send_q: 7,
        local: format!("{local}:{port}"),
        // A v4 wildcard, and a v6 one: binding a specific v6 address makes
        // the socket v6-only, which ss shows as [::] rather than *.
        peer: if ip.is_ipv4() { "0.0.0.0:*" } else { "[::]:*" }.into(),
    };
    let port_word = format!(":{port}");
    for words in [
        vec!["sport", "=", port_word.as_str()],
        vec![filter.as_str()],
    ] {
        let with_header = sockdiag(&[&["-tln"], &words[..]].concat());
        let lines: Vec<&str> = with_header.success().lines().collect();
        assert_eq!(lines.len(), 2, "a header and one line:\n{with_header}");
        let titles: Vec<&str> = lines[0].split_whitespace().collect();
        assert_eq!(titles, HEADER, "{with_header}");
        assert_eq!(Sock::parse(lines[1]), want, "{with_header}");

        let no_header = sockdiag(&[&["-tlnH"], &words[..]].concat());
        assert_eq!(no_header.success().lines().count(), 1, "{no_header}");
        assert_eq!(
            no_header.socks(),
            std::slice::from_ref(&want),
            "{no_header}"
        );
    }
    drop(clients);
}

#[test]
fn listener_backlog_ipv4() {
    listener_backlog(IpAddr::V4(Ipv4Addr::LOCALHOST), "127.0.0.1");
}

#[test]
fn listener_backlog_ipv6() {
    listener_backlog(IpAddr::V6(Ipv6Addr::LOCALHOST), "[::1]");
}

#[test]
fn header_names_the_columns() {
    // One table: no Netid column. Several tables: Netid first.
    let run = sockdiag(&["-tn"]);
    let first = run.success().lines().next().expect("a header line");
    assert_eq!(first.split_whitespace().collect::<Vec<_>>(), HEADER);

    let run = sockdiag(&["-tun"]);
    let first = run.success().lines().next().expect("a header line");
    let titles: Vec<&str> = first.split_whitespace().collect();
    assert_eq!(titles[0], "Netid");
    assert_eq!(titles[1..], HEADER);

    // -H: no header, whatever the listing holds.
    for args in [["-tnH"], ["-tunaH"]] {
        let run = sockdiag(&args);
        let out = run.success();
        assert!(
            out.lines().all(|l| !l.contains("Recv-Q")),
            "-H printed a header:\n{run}"
        );
    }
}

#[test]
fn established_pair_both_ends() {
    let (listener, a) = tcp_listener(IpAddr::V4(Ipv4Addr::LOCALHOST), 8);
    let client = TcpStream::connect(("127.0.0.1", a)).expect("connect");
    let (server, _) = listener.accept().expect("accept");
    let b = client.local_addr().unwrap().port();
    assert_eq!(server.peer_addr().unwrap().port(), b);

    let estab = |local: u16, peer: u16| Key {
        netid: String::new(),
        state: "ESTAB".into(),
        local: format!("127.0.0.1:{local}"),
        peer: format!("127.0.0.1:{peer}"),
    };
    let server_end = estab(a, b);
    let client_end = estab(b, a);

    // Only the listener's port A is ours alone: the kernel may give the
    // client's port B to other connections too (to other peers), so every
    // listing is cut down to the lines with A at one end.
    let ours = |socks: Vec<Sock>| -> BTreeSet<Key> {
        socks
            .iter()
            .filter(|s| [s.local_port(), s.peer_port()].contains(&Some(a)))
            .map(Sock::key)
            .collect()
    };
    let both = BTreeSet::from([server_end.clone(), client_end.clone()]);
    assert_eq!(ours(sockdiag(&["-tnH"]).socks()), both);

    // B is the local port at one end and the peer port at the other.
    for (filter, want) in [
        (format!("sport = :{b}"), &client_end),
        (format!("dport = :{b}"), &server_end),
    ] {
        let run = sockdiag(&["-tnH", &filter]);
        let got = ours(run.socks());
        assert_eq!(got, BTreeSet::from([want.clone()]), "{run}");
        let witness = ss(&["-tnH", &filter]);
        assert_eq!(got, ours(witness.socks()), "ss disagrees:\n{witness}");
    }
    drop((client, server));
}

/// Without -4 or -6, TCP is dumped with one request that walks the
/// kernel's tables once for both families (the legacy TCPDIAG_GETSOCK),
/// and lists exactly what the two per-family requests list, each socket
/// once: IPv4, IPv6, a dual-stack listener with an IPv4 client (shown
/// v4-mapped), a v6-only listener, with and without a filter program.
#[test]
fn one_walk_lists_what_two_requests_list() {
    let v4 = IpAddr::V4(Ipv4Addr::LOCALHOST);
    let v6 = IpAddr::V6(Ipv6Addr::LOCALHOST);
    let any6 = IpAddr::V6(Ipv6Addr::UNSPECIFIED);
    let mut owned = Owned::new();
    let mut keep = Vec::new();
    let mut ports = Vec::new();
    for (ip, client_ip) in [(v4, v4), (v6, v6), (any6, v4), (v6, v6)] {
        let (listener, port) = tcp_listener(ip, 4);
        owned.port("tcp", port);
        ports.push(port);
        let client = TcpStream::connect((client_ip, port)).expect("connect");
        let (server, _) = listener.accept().expect("accept");
        keep.push((listener, client, server));
    }
    // 4 listeners, 4 connections seen from both ends.
    let listing = |args: &[&str]| owned.select(sockdiag(args).socks());
    wait_for("every connection at both ends", || {
        let mine = listing(&["-tanH"]);
        let estab = mine.iter().filter(|s| s.state == "ESTAB").count();
        if mine.len() == 12 && estab == 8 {
            Ok(())
        } else {
            Err(show(&mine))
        }
    });

    let dir = TempDir::new();
    let file = dir.path().join("one-walk.cap");
    let one_walk = sockdiag(&["-tanH", "--dump-raw", file.to_str().unwrap()]);
    one_walk.success();
    let bytes = std::fs::read(&file).unwrap();
    let requests: Vec<u16> = Capture::new_checked(&bytes)
        .unwrap()
        .records()
        .map(Result::unwrap)
        .filter(|r| r.kind == Kind::Request)
        .map(|r| Packet::new_checked(r.data).unwrap().msg_type())
        .collect();
    assert_eq!(requests, [TCPDIAG_GETSOCK], "one legacy request");

    // The dual-stack listener and its server end, the IPv6 client of the
    // second listener, and every socket at 127.0.0.1 (the first pair and
    // the dual-stack listener's client; an IPv4 prefix matches
    // v4-mapped addresses too, here the server end again).
    let filter = format!(
        "sport = :{} or dport = :{} or src 127.0.0.1",
        ports[2], ports[1]
    );
    for extra in [None, Some(filter.as_str())] {
        let args = |family: &'static str| -> Vec<&str> {
            let mut a = vec!["-tanH"];
            a.extend((!family.is_empty()).then_some(family));
            a.extend(extra);
            a
        };
        let both = listing(&args(""));
        let mut per_family = listing(&args("-4"));
        per_family.extend(listing(&args("-6")));
        per_family.sort();
        assert_eq!(
            both,
            per_family,
            "{extra:?}: one walk\n{}\nper family\n{}",
            show(&both),
            show(&per_family)
        );
        let want = if extra.is_some() { 7 } else { 12 };
        assert_eq!(both.len(), want, "{extra:?}:\n{}", show(&both));
    }
    drop(keep);
}
