//! sockdiag against ss, the witness: the same sockets in the same states
//! at the same addresses, for every table at once.

use std::io::Write;
use std::net::{
    IpAddr, Ipv4Addr, Ipv6Addr, Shutdown, SocketAddr, TcpListener, TcpStream, UdpSocket,
};
use std::os::fd::AsFd;
use std::os::unix::net::{UnixDatagram, UnixStream};

use sockdiag_tests::{
    abstract_addr, assert_same_lines, describe_differences, inode, show, sockdiag, ss,
    tcp_listener, unique_name, unix_connect, unix_listener, wait_for, Key, Owned, Run, Sock,
    TempDir,
};
use socket2::{Domain, SockAddr, Socket, Type};

/// Sockets of every table and many shapes, kept open until dropped.
struct Zoo {
    owned: Owned,
    _dir: TempDir,
    _keep: Vec<Box<dyn AsFd + Send>>,
}

impl Zoo {
    fn open() -> Zoo {
        let dir = TempDir::new();
        let mut owned = Owned::new();
        let mut keep: Vec<Box<dyn AsFd + Send>> = Vec::new();
        let v4 = IpAddr::V4(Ipv4Addr::LOCALHOST);
        let v6 = IpAddr::V6(Ipv6Addr::LOCALHOST);

        // Of TCP only the listeners' ports are claimed: every connection
        // has one at an end, and a client's port may be shared with other
        // sockets.

        // TCP on 127.0.0.1: three connections in the accept queue, one
        // accepted, one half closed (FIN-WAIT-2 and CLOSE-WAIT).
        let (listener, port) = tcp_listener(v4, 7);
        owned.port("tcp", port);
        let connect = || TcpStream::connect((v4, port)).expect("connect");
        let (client, half) = (connect(), connect());
        let (server, _) = listener.accept().expect("accept");
        let (half_server, _) = listener.accept().expect("accept");
        half.shutdown(Shutdown::Write).expect("shutdown");
        for _ in 0..3 {
            keep.push(Box::new(connect()));
        }
        keep.extend([client, server, half, half_server].map(boxed));
        keep.push(Box::new(listener));

        // TCP on [::1], on the dual-stack wildcard (a v4 client shows as
        // [::ffff:127.0.0.1]) and on a v6-only wildcard.
        for (ip, client_ip, v6only) in [
            (v6, v6, false),
            (IpAddr::V6(Ipv6Addr::UNSPECIFIED), v4, false),
            (IpAddr::V6(Ipv6Addr::UNSPECIFIED), v6, true),
        ] {
            let (listener, port) = if v6only {
                v6only_listener()
            } else {
                tcp_listener(ip, 3)
            };
            owned.port("tcp", port);
            let client = TcpStream::connect((client_ip, port)).expect("connect");
            let (server, _) = listener.accept().expect("accept");
            keep.extend([boxed(client), boxed(server), boxed(listener)]);
        }

        // UDP: unconnected with a datagram queued, connected, and on v6.
        let unconn = UdpSocket::bind((v4, 0)).expect("bind");
        let connected = UdpSocket::bind((v4, 0)).expect("bind");
        connected
            .connect(unconn.local_addr().unwrap())
            .expect("connect");
        connected.send(b"queued").expect("send");
        let udp6 = UdpSocket::bind((v6, 0)).expect("bind");
        let dual = UdpSocket::bind((Ipv6Addr::UNSPECIFIED, 0)).expect("bind");
        for s in [unconn, connected, udp6, dual] {
            owned.port("udp", s.local_addr().unwrap().port());
            keep.push(Box::new(s));
        }

        // Unix: a path listener with two pending connections, an abstract
        // one with one (and a name with an embedded NUL, shown as @), a
        // stream socketpair, a bound datagram socket with a datagram
        // queued, a datagram pair, and a seqpacket connection.
        let mut unix = |sock: Box<dyn AsFd + Send>| {
            owned.inode(inode(&sock));
            keep.push(sock);
        };
        let path = SockAddr::unix(dir.path().join("zoo.sock")).unwrap();
        let listener = unix_listener(Type::STREAM, &path, 5);
        unix(boxed(unix_connect(Type::STREAM, &path)));
        unix(boxed(unix_connect(Type::STREAM, &path)));
        unix(boxed(listener));
        let name = abstract_addr(&format!("{}\0tail", unique_name()));
        let listener = unix_listener(Type::STREAM, &name, 4);
        unix(boxed(unix_connect(Type::STREAM, &name)));
        unix(boxed(listener));
        let (a, b) = UnixStream::pair().expect("socketpair");
        unix(boxed(a));
        unix(boxed(b));
        let dgram_path = dir.path().join("zoo.dgram");
        let bound = UnixDatagram::bind(&dgram_path).expect("bind");
        let sender = UnixDatagram::unbound().expect("socket");
        sender.send_to(b"queued", &dgram_path).expect("send_to");
        unix(boxed(bound));
        unix(boxed(sender));
        let (a, b) = UnixDatagram::pair().expect("socketpair");
        unix(boxed(a));
        unix(boxed(b));
        let name = abstract_addr(&unique_name());
        let listener = unix_listener(Type::SEQPACKET, &name, 2);
        let mut client = unix_connect(Type::SEQPACKET, &name);
        let (server, _) = listener.accept().expect("accept");
        client.write_all(b"unread").expect("write");
        unix(boxed(client));
        unix(boxed(server));
        unix(boxed(listener));

        let zoo = Zoo {
            owned,
            _dir: dir,
            _keep: keep,
        };
        // The kernel finishes handshakes, FINs and loopback deliveries
        // after the calls return; wait until the listing shows them.
        wait_for("the zoo to settle", || {
            let mine = zoo.owned.select(sockdiag(&["-tuxanH"]).socks());
            let full_queue = mine.iter().any(|s| s.state == "LISTEN" && s.recv_q == 3);
            let fin_seen = mine.iter().any(|s| s.state == "FIN-WAIT-2");
            let datagram = mine.iter().any(|s| s.netid == "udp" && s.recv_q > 0);
            if full_queue && fin_seen && datagram {
                Ok(())
            } else {
                Err(show(&mine))
            }
        });
        zoo
    }
}

fn boxed(sock: impl AsFd + Send + 'static) -> Box<dyn AsFd + Send> {
    Box::new(sock)
}

/// A TCP listener on [::] with IPV6_V6ONLY, which ss shows as `[::]`.
fn v6only_listener() -> (TcpListener, u16) {
    let sock = Socket::new(Domain::IPV6, Type::STREAM, None).expect("socket");
    sock.set_only_v6(true).expect("IPV6_V6ONLY");
    sock.bind(&SocketAddr::from((Ipv6Addr::UNSPECIFIED, 0)).into())
        .expect("bind");
    sock.listen(3).expect("listen");
    let listener = TcpListener::from(sock);
    let port = listener.local_addr().unwrap().port();
    (listener, port)
}

/// Runs `sockdiag -tuwxanH` and returns its lines. A kernel without
/// raw_diag has sockdiag read the raw table from /proc, as ss does, which
/// loses nothing of this listing: the run succeeds without a word.
fn sockdiag_everything() -> Run {
    let run = sockdiag(&["-tuwxanH"]);
    run.success();
    run
}

#[test]
fn own_sockets_match_ss() {
    let zoo = Zoo::open();
    let ours = sockdiag_everything();
    let witness = ss(&["-tuwxanH"]);
    assert_eq!(witness.code, Some(0), "{witness}");

    // Nothing else touches these sockets, so even the queues must agree.
    let ours = zoo.owned.select(ours.socks());
    let theirs = zoo.owned.select(witness.socks());
    assert_same_lines("the zoo's sockets", &ours, &theirs);
    // Every socket made it into the listing: TCP 11 on 127.0.0.1 (the
    // listener, 2 pairs, 3 queued connections counted at both ends) and 3
    // on each v6 listener (listener and pair); UDP 4; unix stream 3 on the
    // path listener and 2 on the abstract one (the kernel lists no server
    // end before accept, and shows the clients' peer as 0) and the pair;
    // 4 datagram and 3 seqpacket sockets.
    let count = |netid: &str| ours.iter().filter(|s| s.netid == netid).count();
    let counts = ["tcp", "udp", "u_str", "u_dgr", "u_seq"].map(count);
    assert_eq!(
        counts,
        [20, 4, 7, 4, 3],
        "the zoo's lines:\n{}",
        show(&ours)
    );
}

#[test]
fn whole_listing_matches_ss() {
    let _zoo = Zoo::open();
    // The system opens and closes sockets between the two runs (and
    // TIME-WAIT sockets expire), so a mismatch is retried; one clean
    // comparison out of five is required.
    let mut failures = Vec::new();
    for _ in 0..5 {
        let ours = sockdiag_everything();
        let witness = ss(&["-tuwxanH"]);
        assert_eq!(witness.code, Some(0), "{witness}");
        let keys = |run: &Run| -> Vec<Key> { run.socks().iter().map(Sock::key).collect() };
        match describe_differences(&keys(&ours), &keys(&witness)) {
            None => return,
            Some(diff) => failures.push(diff),
        }
    }
    panic!(
        "sockdiag -tuwxanH and ss -tuwxanH differ in every try:\n{}",
        failures.join("--- next try:\n")
    );
}
