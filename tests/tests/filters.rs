//! `state`, `exclude`, `-l`, `-a`, `sport` and `dport` select the same
//! sockets as in ss.

use std::collections::BTreeMap;
use std::io::Read;
use std::net::{IpAddr, Ipv4Addr, Shutdown, TcpListener, TcpStream};

use sockdiag_tests::{assert_same_lines, show, sockdiag, ss, tcp_listener, wait_for, Owned, Sock};

/// TCP sockets in many states, all with the listener's port P at one end.
struct Zoo {
    port: u16,
    owned: Owned,
    _keep: (TcpListener, Vec<TcpStream>),
}

/// How many lines are in each state.
type Census<'a> = BTreeMap<&'a str, usize>;

/// The states of the zoo's sockets.
const ZOO: [(&str, usize); 5] = [
    ("CLOSE-WAIT", 1),
    ("ESTAB", 4),
    ("FIN-WAIT-2", 1),
    ("LISTEN", 1),
    ("TIME-WAIT", 1),
];

fn census(socks: &[Sock]) -> Census<'_> {
    let mut counts = Census::new();
    for s in socks {
        *counts.entry(s.state.as_str()).or_default() += 1;
    }
    counts
}

impl Zoo {
    fn open() -> Zoo {
        let (listener, port) = tcp_listener(IpAddr::V4(Ipv4Addr::LOCALHOST), 8);
        let connect = || TcpStream::connect(("127.0.0.1", port)).expect("connect");
        let mut keep = Vec::new();

        // ESTAB at both ends.
        let client = connect();
        let (server, _) = listener.accept().expect("accept");
        keep.extend([client, server]);

        // The client shuts its side: FIN-WAIT-2 there, CLOSE-WAIT here.
        let client = connect();
        let (server, _) = listener.accept().expect("accept");
        client.shutdown(Shutdown::Write).expect("shutdown");
        keep.extend([client, server]);

        // The server closes first, then the client: TIME-WAIT at the
        // server's end, nothing left at the client's. The client waits for
        // the server's FIN (end of file), or both would close at once and
        // both ends would be left in TIME-WAIT.
        let mut client = connect();
        let (server, client_addr) = listener.accept().expect("accept");
        let time_wait = (server.local_addr().unwrap(), client_addr);
        drop(server);
        assert_eq!(client.read(&mut [0; 1]).expect("read"), 0, "end of file");
        drop(client);

        // Connected but never accepted: ESTAB at both ends, the server's
        // in the accept queue. Last, so that no accept above takes it.
        keep.push(connect());

        let mut owned = Owned::new();
        owned.port("tcp", port).time_wait(time_wait.0, time_wait.1);
        let want = Census::from(ZOO);
        // FINs, ACKs and the last handshake step land after the calls return.
        wait_for("the zoo's states", || {
            let mine = owned.select(sockdiag(&["-tanH"]).socks());
            let queued = mine.iter().any(|s| s.state == "LISTEN" && s.recv_q == 1);
            if census(&mine) == want && queued {
                Ok(())
            } else {
                Err(show(&mine))
            }
        });
        Zoo {
            port,
            owned,
            _keep: (listener, keep),
        }
    }

    /// The zoo's lines that sockdiag prints for `args`, after checking that
    /// ss selects the same sockets.
    #[track_caller]
    fn select(&self, args: &[&str]) -> Vec<Sock> {
        let args = [&["-tnH"], args].concat();
        let ours = sockdiag(&args);
        ours.success();
        let witness = ss(&args);
        assert_eq!(witness.code, Some(0), "{witness}");
        let ours = self.owned.select(ours.socks());
        let theirs = self.owned.select(witness.socks());
        assert_same_lines(&format!("sockdiag {args:?}"), &ours, &theirs);
        ours
    }
}

#[test]
fn state_and_port_filters_match_ss() {
    let zoo = Zoo::open();
    let sport = format!("sport = :{}", zoo.port);
    let dport = format!("dport = :{}", zoo.port);
    let everything = Census::from(ZOO);
    let mut all_but_listen = everything.clone();
    all_but_listen.remove("LISTEN");
    // With one state selected, ss prints no State column: the state is ""
    // then.
    let cases: Vec<(Vec<&str>, Census)> = vec![
        (vec!["state", "listening"], Census::from([("", 1)])),
        (vec!["state", "established"], Census::from([("", 4)])),
        (vec!["-a", "exclude", "listening"], all_but_listen.clone()),
        (vec!["state", "connected"], all_but_listen.clone()),
        // No SYN-SENT here, so the same as connected.
        (vec!["state", "synchronized"], all_but_listen),
        (vec!["state", "all"], everything.clone()),
        // The default states leave out LISTEN and TIME-WAIT. The server
        // ends have port P locally, the client ends remotely.
        (
            vec![&sport],
            Census::from([("CLOSE-WAIT", 1), ("ESTAB", 2)]),
        ),
        (
            vec![&dport],
            Census::from([("ESTAB", 2), ("FIN-WAIT-2", 1)]),
        ),
        (
            vec!["state", "established", &sport],
            Census::from([("", 2)]),
        ),
        (vec!["-l"], Census::from([("LISTEN", 1)])),
        (vec!["-a"], everything),
    ];
    for (args, want) in cases {
        let got = zoo.select(&args);
        assert_eq!(census(&got), want, "sockdiag -tnH {args:?}: {got:#?}");
    }
}

/// ss prints no State column when the filter selects exactly one state.
#[test]
fn single_state_drops_the_state_column() {
    let (_listener, port) = tcp_listener(IpAddr::V4(Ipv4Addr::LOCALHOST), 4);
    let args = [
        "-tnH",
        "state",
        "listening",
        "sport",
        "=",
        &format!(":{port}"),
    ];
    let witness = ss(&args);
    let want = format!("0 4 127.0.0.1:{port} 0.0.0.0:*");
    let words = |out: &str| out.split_whitespace().collect::<Vec<_>>().join(" ");
    assert_eq!(words(witness.success()), want, "{witness}");
    let ours = sockdiag(&args);
    assert_eq!(words(ours.success()), want, "{ours}");
}
