//! TCP listeners and connections on loopback, as `sockdiag -t` shows them.

use std::collections::BTreeSet;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, TcpStream};

use sockdiag_tests::{sockdiag, ss, tcp_listener, wait_for, Key, Sock};

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
