//! `sockdiag -tinmeo` against `ss -tinmeo` on sockets this test owns: the
//! same sockets, and on each the same words, leaving out only those that
//! move between two runs (the `last*` ages and the timer's time left).

use std::io::{Read, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, Shutdown, SocketAddr, TcpStream};

use sockdiag_tests::{describe_differences, sockdiag, ss, tcp_listener, wait_for, Run};
use socket2::{Domain, Protocol, SockRef, Socket, Type};

/// One socket: its line and its detail line joined, words with the moving
/// values blanked, so two listings can be compared as sorted lists.
fn records(run: &Run) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for line in run.stdout.lines() {
        let words = line.split_whitespace().map(|w| {
            for age in ["lastsnd:", "lastrcv:", "lastack:"] {
                if w.starts_with(age) {
                    return format!("{age}N");
                }
            }
            match w.strip_prefix("timer:(").and_then(|t| t.split_once(',')) {
                Some((name, rest)) => {
                    let retrans = rest.rsplit_once(',').map_or("", |r| r.1);
                    format!("timer:({name},T,{retrans}")
                }
                None => w.to_string(),
            }
        });
        let text: Vec<String> = words.collect();
        match (line.starts_with('\t'), out.last_mut()) {
            (true, Some(last)) => {
                last.push_str(" ||");
                for w in text {
                    last.push(' ');
                    last.push_str(&w);
                }
            }
            _ => out.push(text.join(" ")),
        }
    }
    out.sort();
    out
}

fn compare(flags: &str, filters: &[String]) {
    wait_for(&format!("sockdiag {flags} to match ss"), || {
        let mut mine = Vec::new();
        let mut theirs = Vec::new();
        for f in filters {
            let a = sockdiag(&[flags, "-H", f]);
            let b = ss(&[flags, "-H", f]);
            a.success();
            b.success();
            mine.extend(records(&a));
            theirs.extend(records(&b));
        }
        assert!(mine.len() >= 2, "the test's sockets are listed: {mine:?}");
        if flags.contains('m') {
            let detailed = mine.iter().filter(|r| r.contains("|| skmem:(")).count();
            assert!(detailed >= 2, "detail lines with memory: {mine:?}");
        }
        if flags.contains('i') {
            assert!(mine.iter().any(|r| r.contains(" cwnd:")), "{mine:?}");
        }
        match describe_differences(&mine, &theirs) {
            None => Ok(()),
            Some(d) => Err(d),
        }
    });
}

fn exchange(a: &mut TcpStream, b: &mut TcpStream, n: usize) {
    let data = vec![3u8; n];
    a.write_all(&data).unwrap();
    let mut got = vec![0u8; n];
    b.read_exact(&mut got).unwrap();
}

#[test]
fn tinmeo_matches_ss_v4() {
    let (listener, port) = tcp_listener(IpAddr::V4(Ipv4Addr::LOCALHOST), 4);
    let addr = listener.local_addr().unwrap();
    let mut client = TcpStream::connect(addr).unwrap();
    let (mut server, _) = listener.accept().unwrap();
    exchange(&mut client, &mut server, 70_000);
    exchange(&mut server, &mut client, 300);
    // A half-closed connection (FIN-WAIT-2 / CLOSE-WAIT) and one waiting
    // in the accept queue.
    let half = TcpStream::connect(addr).unwrap();
    let (_half_server, _) = listener.accept().unwrap();
    half.shutdown(Shutdown::Write).unwrap();
    let _queued = TcpStream::connect(addr).unwrap();
    SockRef::from(&server).set_keepalive(true).unwrap();
    let filters = [format!("sport = :{port}"), format!("dport = :{port}")];
    compare("-tinmeo", &filters);
    compare("-tinmeo", &filters);
    // Rates in ss's k/M/G units without -n, and --tos members.
    compare("-timeo", &filters);
    compare("-tinm", &filters);
    let filters_tos = [format!("sport = :{port}")];
    wait_for("--tos to match", || {
        let a = records(&sockdiag(&["-tn", "--tos", "-H", &filters_tos[0]]));
        let b = records(&ss(&["-tn", "--tos", "-H", &filters_tos[0]]));
        describe_differences(&a, &b).map_or(Ok(()), Err)
    });
}

#[test]
fn tinmeo_matches_ss_v6_with_tclass() {
    let (listener, port) = tcp_listener(IpAddr::V6(Ipv6Addr::LOCALHOST), 4);
    let mut client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    SockRef::from(&client).set_tclass_v6(0x20).unwrap();
    let (mut server, _) = listener.accept().unwrap();
    exchange(&mut client, &mut server, 5000);
    let filters = [format!("sport = :{port}"), format!("dport = :{port}")];
    compare("-tinmeo", &filters);
    wait_for("--tos to match", || {
        let f = format!("dport = :{port}");
        let a = records(&sockdiag(&["-tinmeo", "--tos", "-H", &f]));
        let b = records(&ss(&["-tinmeo", "--tos", "-H", &f]));
        describe_differences(&a, &b).map_or(Ok(()), Err)
    });
}

/// An MPTCP connection's TCP subflows carry ULP info: `-ti` shows
/// `tcp-ulp-mptcp flags: token: seq: sfseq: ssnoff: maplen:` as ss does.
#[test]
#[cfg_attr(
    not(sockdiag_mptcp),
    ignore = "needs a kernel that makes MPTCP sockets (CONFIG_MPTCP, net.mptcp.enabled=1)"
)]
fn mptcp_subflows_match_ss() {
    let addr: SocketAddr = "127.0.0.1:0".parse().unwrap();
    let listener = Socket::new(Domain::IPV4, Type::STREAM, Some(Protocol::MPTCP))
        .unwrap_or_else(|e| panic!("MPTCP socket: {e}"));
    listener.bind(&addr.into()).unwrap();
    listener.listen(4).unwrap();
    let port = listener.local_addr().unwrap().as_socket().unwrap().port();
    let client = Socket::new(Domain::IPV4, Type::STREAM, Some(Protocol::MPTCP)).unwrap();
    client.connect(&listener.local_addr().unwrap()).unwrap();
    let (server, _) = listener.accept().unwrap();
    let (mut client, mut server) = (TcpStream::from(client), TcpStream::from(server));
    exchange(&mut client, &mut server, 5000);
    exchange(&mut server, &mut client, 2);
    let filters = [format!("sport = :{port}"), format!("dport = :{port}")];
    compare("-tin", &filters);
    let run = sockdiag(&["-tinH", &filters[1]]);
    assert!(run.success().contains(" tcp-ulp-mptcp flags:M"), "{run}");
}
