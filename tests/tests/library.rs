//! The library through its public API only, against the running kernel:
//! the seed's question (a listener's queue and limit), a filter the
//! kernel runs, borrowed and owned records, errors as the enum. Each test
//! works in a namespace of its own, so only its sockets answer.

use std::net::{IpAddr, SocketAddr, TcpStream};

use sockdiag::{Client, Error, Query, Record, StateSet, Table};
use sockdiag_tests::{queued, tcp_listener, Netns};

#[test]
fn listener_queue_and_limit() {
    let ns = Netns::new();
    let waiting = ns.open(|| queued(3, 7));
    let mut client = Client::in_namespace(ns.name()).expect("client in the test's namespace");
    let query = Query::new(Table::Tcp)
        .states(StateSet::LISTEN)
        .filter(&format!("sport = :{}", waiting.port))
        .expect("filter");
    let mut found = Vec::new();
    client
        .for_each(&query, |r| {
            let l = r.inet().expect("an inet record");
            found.push((l.id.src, l.id.sport, l.rqueue, l.wqueue));
        })
        .expect("dump");
    let lo = IpAddr::from([127, 0, 0, 1]);
    assert_eq!(found, vec![(lo, waiting.port, 3, 7)]);
}

#[test]
fn filter_runs_in_the_kernel() {
    let ns = Netns::new();
    let (listeners, ports) = ns.open(|| {
        let lo = IpAddr::from([127, 0, 0, 1]);
        let (a, pa) = tcp_listener(lo, 5);
        let (b, pb) = tcp_listener(lo, 6);
        ((a, b), (pa, pb))
    });
    let mut client = Client::in_namespace(ns.name()).expect("client");
    let all = Query::new(Table::Tcp).states(StateSet::LISTEN);
    let mut every = client.collect(&all).expect("dump");
    every.sort_by_key(|l| l.local());
    let mut want = vec![ports.0, ports.1];
    want.sort();
    assert_eq!(
        every.iter().map(|l| l.local().port()).collect::<Vec<_>>(),
        want
    );
    // One of the two, by a filter on port and address, compiled to
    // bytecode that goes out with the request.
    let one = all
        .clone()
        .filter(&format!("sport = :{} and src 127.0.0.0/8", ports.1))
        .expect("filter");
    let got = client.collect(&one).expect("dump");
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].local(), SocketAddr::from(([127, 0, 0, 1], ports.1)));
    assert_eq!(got[0].record().wqueue, 6);
    drop(listeners);
}

#[test]
fn borrowed_and_owned_records() {
    let ns = Netns::new();
    let (_listener, _client, _server, port) = ns.open(|| {
        let (l, port) = tcp_listener(IpAddr::from([127, 0, 0, 1]), 4);
        let c = TcpStream::connect(("127.0.0.1", port)).expect("connect");
        let (s, _) = l.accept().expect("accept");
        (l, c, s, port)
    });
    let mut client = Client::in_namespace(ns.name()).expect("client");
    let query = Query::new(Table::Tcp)
        .states(StateSet::ESTABLISHED)
        .info()
        .filter(&format!("dport = :{port}"))
        .expect("filter");
    let mut borrowed = Vec::new();
    let mut owned = Vec::new();
    client
        .for_each(&query, |r: &Record<'_>| {
            let rec = r.inet().expect("inet");
            borrowed.push((rec.id.dport, rec.attrs.len()));
            owned.push(r.to_owned_inet().expect("inet"));
        })
        .expect("dump");
    assert_eq!(borrowed.len(), 1);
    assert_eq!(borrowed[0].0, port);
    let copy = &owned[0];
    // The copy holds every attribute the borrowed record had.
    assert_eq!(copy.record().attrs.len(), borrowed[0].1);
    assert_eq!(copy.remote(), SocketAddr::from(([127, 0, 0, 1], port)));
    assert!(copy.rtt().is_some(), "tcp_info asked, rtt read");
}

#[test]
fn errors_are_the_enum() {
    let bad = Query::new(Table::Tcp).filter("sport = ");
    assert!(matches!(bad, Err(Error::Filter(_))), "{bad:?}");
    let unix = Query::new(Table::Unix).filter("sport = :1");
    assert!(matches!(unix, Err(Error::Filter(_))), "{unix:?}");
    let missing = Client::in_namespace("sockdiag-no-such-namespace");
    let Err(e) = missing else {
        panic!("a client in a namespace that does not exist");
    };
    assert!(matches!(e, Error::Netns(_)), "{e:?}");
    assert_eq!(
        e.to_string(),
        "netns sockdiag-no-such-namespace: no such network namespace in /run/netns or /var/run/netns"
    );
    // A std error: it boxes and prints.
    let boxed: Box<dyn std::error::Error> = Box::new(e);
    assert!(boxed.to_string().starts_with("netns "));
}

#[test]
fn kill_closes_what_the_query_selects() {
    let ns = Netns::new();
    let (_listener, mut client_side, _server, port) = ns.open(|| {
        let (l, port) = tcp_listener(IpAddr::from([127, 0, 0, 1]), 4);
        let c = TcpStream::connect(("127.0.0.1", port)).expect("connect");
        let (s, _) = l.accept().expect("accept");
        (l, c, s, port)
    });
    let mut client = Client::in_namespace(ns.name()).expect("client");
    // The client's end only: its remote port is the listener's.
    let query = Query::new(Table::Tcp)
        .states(StateSet::ESTABLISHED)
        .filter(&format!("dport = :{port}"))
        .expect("filter");
    assert_eq!(client.kill(&query).expect("kill"), 1);
    assert_eq!(client.collect(&query).expect("dump"), vec![]);
    // The kernel aborted it: a read says so.
    use std::io::Read;
    let err = client_side
        .read(&mut [0u8; 1])
        .expect_err("a closed socket");
    assert_eq!(err.raw_os_error(), Some(103), "ECONNABORTED: {err}");
    let unix = client.kill(&Query::new(Table::Unix));
    assert!(matches!(unix, Err(Error::Argument(_))), "{unix:?}");
}
