//! The /proc fallback against ss: with ss's variables (`PROC_NET_TCP`,
//! ...) pointing at this kernel's own /proc/net files, both read the tables
//! from /proc instead of asking the kernel, and must print the same
//! sockets the same way; sockdiag must also replay such a listing from a
//! capture, say on stderr what /proc cannot show, and refuse a file that
//! is not a /proc table with one line naming it.
//!
//! The tests' own sockets are compared exactly (queues too); the whole
//! listing is compared as in differential.rs, retried while the system's
//! sockets move.

use std::ffi::{OsStr, OsString};
use std::io::Write;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, TcpStream, UdpSocket};
use std::os::fd::{AsFd, OwnedFd};
use std::os::unix::net::{UnixDatagram, UnixStream};

use rustix::net::netlink::SocketAddrNetlink;
use rustix::net::{AddressFamily, Protocol, SocketFlags, SocketType};
use serde_json::Value;
use sockdiag_tests::{
    abstract_addr, assert_same_lines, describe_differences, inode, show, sockdiag, sockdiag_env,
    squash, ss_env, tcp_listener, unique_name, unix_connect, unix_listener, wait_for, Owned, Run,
    Sock, TempDir,
};
use socket2::{SockAddr, Type};

/// Every variable of ss's that names a /proc/net file, pointing at this
/// kernel's own file.
fn proc_vars() -> Vec<(&'static str, OsString)> {
    [
        ("PROC_NET_TCP", "tcp"),
        ("PROC_NET_TCP6", "tcp6"),
        ("PROC_NET_UDP", "udp"),
        ("PROC_NET_UDP6", "udp6"),
        ("PROC_NET_RAW", "raw"),
        ("PROC_NET_RAW6", "raw6"),
        ("PROC_NET_UNIX", "unix"),
        ("PROC_NET_PACKET", "packet"),
        ("PROC_NET_NETLINK", "netlink"),
    ]
    .into_iter()
    .map(|(var, file)| (var, OsString::from(format!("/proc/net/{file}"))))
    .collect()
}

fn env_of<'a>(vars: &'a [(&'static str, OsString)]) -> Vec<(&'static str, &'a OsStr)> {
    vars.iter().map(|(k, v)| (*k, v.as_os_str())).collect()
}

/// The lines of a `-H` run, squashed and sorted.
fn lines(run: &Run) -> Vec<String> {
    let mut v: Vec<String> = run.stdout.lines().map(squash).collect();
    v.sort();
    v
}

/// ss 6.1 has no `--netlink`: its way to the same table is `-f netlink`.
fn ss_args<'a>(args: &[&'a str]) -> Vec<&'a str> {
    args.iter()
        .flat_map(|&a| match a {
            "--netlink" => vec!["-f", "netlink"],
            a => vec![a],
        })
        .collect()
}

/// The listings the issue names, with -n (ss resolves names through
/// services and DNS, which is not what is compared here) and -H.
const LISTINGS: [&[&str]; 5] = [
    &["-tanH"],
    &["-uanH"],
    &["-xaH"],
    &["-0nH"],
    &["--netlink", "-nH"],
];

/// A TCP listener with two connections in its accept queue and one
/// accepted, TCP on [::1], UDP with a datagram queued and a connected one,
/// unix sockets of every type (an unconnected datagram one too), a raw
/// packet socket and a netlink socket; kept open until dropped.
struct Sockets {
    owned: Owned,
    tcp_port: u16,
    packet_inode: u64,
    netlink_port: u32,
    _dir: TempDir,
    _keep: Vec<Box<dyn AsFd + Send>>,
}

/// Ethertype 0x88b5 is reserved for experiments: no frame reaches it, so
/// the packet socket's queue stays 0.
const PACKET_PROTO: u16 = 0x88b5;

impl Sockets {
    fn open() -> Sockets {
        let dir = TempDir::new();
        let mut owned = Owned::new();
        let mut keep: Vec<Box<dyn AsFd + Send>> = Vec::new();
        let v4 = IpAddr::V4(Ipv4Addr::LOCALHOST);
        let v6 = IpAddr::V6(Ipv6Addr::LOCALHOST);

        let (listener, tcp_port) = tcp_listener(v4, 5);
        owned.port("tcp", tcp_port);
        let client = TcpStream::connect((v4, tcp_port)).expect("connect");
        let (server, _) = listener.accept().expect("accept");
        for _ in 0..2 {
            keep.push(Box::new(
                TcpStream::connect((v4, tcp_port)).expect("connect"),
            ));
        }
        keep.extend([boxed(client), boxed(server), boxed(listener)]);
        let (listener6, port6) = tcp_listener(v6, 3);
        owned.port("tcp", port6);
        let client6 = TcpStream::connect((v6, port6)).expect("connect");
        keep.extend([boxed(client6), boxed(listener6)]);

        let unconn = UdpSocket::bind((v4, 0)).expect("bind");
        let connected = UdpSocket::bind((v4, 0)).expect("bind");
        connected
            .connect(unconn.local_addr().unwrap())
            .expect("connect");
        connected.send(b"queued").expect("send");
        let udp6 = UdpSocket::bind((v6, 0)).expect("bind");
        for s in [unconn, connected, udp6] {
            owned.port("udp", s.local_addr().unwrap().port());
            keep.push(Box::new(s));
        }

        let mut unix = |sock: Box<dyn AsFd + Send>| {
            owned.inode(inode(&sock));
            keep.push(sock);
        };
        let path = SockAddr::unix(dir.path().join("fallback.sock")).unwrap();
        let listener = unix_listener(Type::STREAM, &path, 5);
        unix(boxed(unix_connect(Type::STREAM, &path)));
        unix(boxed(listener));
        let (a, b) = UnixStream::pair().expect("socketpair");
        unix(boxed(a));
        unix(boxed(b));
        // Unconnected: ESTAB to ss's /proc reading, when addresses show.
        let bound = UnixDatagram::bind(dir.path().join("fallback.dgram")).expect("bind");
        unix(boxed(bound));
        unix(boxed(UnixDatagram::unbound().expect("socket")));
        let name = abstract_addr(&unique_name());
        let listener = unix_listener(Type::SEQPACKET, &name, 2);
        let client = unix_connect(Type::SEQPACKET, &name);
        let (server, _) = listener.accept().expect("accept");
        unix(boxed(client));
        unix(boxed(server));
        unix(boxed(listener));

        let protocol = rustix::net::RawProtocol::new(u32::from(PACKET_PROTO.to_be())).unwrap();
        let packet = rustix::net::socket_with(
            AddressFamily::PACKET,
            SocketType::RAW,
            SocketFlags::CLOEXEC,
            Some(Protocol::from_raw(protocol)),
        )
        .expect("an AF_PACKET socket needs CAP_NET_RAW: run the tests as root, as CI does");
        let packet_inode = inode(&packet);
        keep.push(boxed(packet));
        let (netlink, netlink_port) = netlink_socket();
        keep.push(boxed(netlink));

        let sockets = Sockets {
            owned,
            tcp_port,
            packet_inode,
            netlink_port,
            _dir: dir,
            _keep: keep,
        };
        // The last handshakes and the datagram land after the calls return.
        wait_for("the sockets to settle", || {
            let mine = sockets.owned.select(sockdiag(&["-tuanH"]).socks());
            // By address too: the kernel may give both listeners one port.
            let queue = |address: &str, port: u16| {
                let local = format!("{address}:{port}");
                mine.iter()
                    .find(|s| s.state == "LISTEN" && s.local == local)
                    .map(|s| s.recv_q)
            };
            let queued =
                queue("127.0.0.1", sockets.tcp_port) == Some(2) && queue("[::1]", port6) == Some(1);
            let datagram = mine.iter().any(|s| s.netid == "udp" && s.recv_q > 0);
            match queued && datagram {
                true => Ok(()),
                false => Err(show(&mine)),
            }
        });
        sockets
    }

    /// Whether a squashed line is one of these sockets.
    fn mine(&self, line: &str) -> bool {
        let packet = format!("[{PACKET_PROTO}]:*");
        let netlink = format!("0:{}", self.netlink_port as i32);
        let words: Vec<&str> = line.split(' ').collect();
        if words.contains(&packet.as_str()) || words.contains(&netlink.as_str()) {
            return true;
        }
        let sock = std::panic::catch_unwind(|| Sock::parse(line));
        sock.is_ok_and(|s| self.owned.contains(&s))
    }
}

fn boxed(sock: impl AsFd + Send + 'static) -> Box<dyn AsFd + Send> {
    Box::new(sock)
}

/// A NETLINK_ROUTE socket bound by the kernel's autobind, and its port id.
fn netlink_socket() -> (OwnedFd, u32) {
    let fd = rustix::net::socket_with(
        AddressFamily::NETLINK,
        SocketType::RAW,
        SocketFlags::CLOEXEC,
        None,
    )
    .expect("a NETLINK_ROUTE socket");
    rustix::net::bind(&fd, &SocketAddrNetlink::new(0, 0)).expect("bind (autobind)");
    let addr = rustix::net::getsockname(&fd).expect("getsockname");
    let port = SocketAddrNetlink::try_from(addr)
        .expect("a netlink address")
        .pid();
    (fd, port)
}

#[test]
fn own_sockets_from_proc_match_ss() {
    let sockets = Sockets::open();
    let vars = proc_vars();
    let env = env_of(&vars);
    let pick =
        |run: &Run| -> Vec<String> { lines(run).into_iter().filter(|l| sockets.mine(l)).collect() };
    for args in LISTINGS {
        // The other tests here open and close a packet socket of the same
        // protocol, which `mine` cannot tell from this one's (a /proc
        // line has no inode): one clean comparison out of five.
        for attempt in 1..=5 {
            let ours = sockdiag_env(args, &env);
            // Nothing asked for is lost: no word on stderr, and success.
            ours.success();
            let theirs = ss_env(&ss_args(args), &env);
            assert_eq!(theirs.code, Some(0), "{theirs}");
            let (ours, theirs) = (pick(&ours), pick(&theirs));
            assert!(!ours.is_empty(), "{args:?}: none of the test's sockets");
            if describe_differences(&ours, &theirs).is_none() {
                break;
            }
            if attempt == 5 {
                assert_same_lines(&format!("{args:?} from /proc"), &ours, &theirs);
            }
        }
    }
    // The seed's question from /proc: the accept queue, and the backlog
    // limit /proc does not hold (0 in the text, as in ss).
    let listen = sockdiag_env(&["-tlnH", &format!("sport = :{}", sockets.tcp_port)], &env);
    assert_eq!(
        lines(&listen),
        [format!(
            "LISTEN 2 0 127.0.0.1:{} 0.0.0.0:*",
            sockets.tcp_port
        )],
        "{listen}"
    );
    // In JSON the unknown backlog is no member at all, never 0.
    let json = sockdiag_env(&["-tlnj", &format!("sport = :{}", sockets.tcp_port)], &env);
    let array: Value = serde_json::from_str(json.success()).expect("JSON");
    let object = &array[0];
    assert_eq!(object["recv_q"], 2, "{object}");
    assert_eq!(object["from_proc"], true, "{object}");
    assert!(object.get("send_q").is_none(), "{object}");
    // The packet socket's row carries its inode with -e, as ss's does.
    let packet = sockdiag_env(&["-0eOnH"], &env);
    let mark = format!(" ino:{} sk:0", sockets.packet_inode);
    assert!(
        lines(&packet).iter().any(|l| l.ends_with(&mark)),
        "{packet}"
    );
}

#[test]
fn whole_listings_from_proc_match_ss() {
    let _sockets = Sockets::open();
    let vars = proc_vars();
    let env = env_of(&vars);
    for args in LISTINGS {
        // The system's sockets come and go between the two runs: one clean
        // comparison out of five is required.
        let mut failures = Vec::new();
        for _ in 0..5 {
            let ours = sockdiag_env(args, &env);
            ours.success();
            let theirs = ss_env(&ss_args(args), &env);
            match describe_differences(&lines(&ours), &lines(&theirs)) {
                None => break,
                Some(diff) => failures.push(diff),
            }
        }
        assert!(
            failures.len() < 5,
            "{args:?} from /proc differs from ss in every try:\n{}",
            failures.join("--- next try:\n")
        );
    }
}

/// Runs `args` with `env` through sockdiag and ss until their lines are
/// equal, at most five times: a connection's handshake may land in the
/// accept queue between the two runs (seen under load).
fn same_as_ss_in_five_tries(args: &[&str], env: &[(&str, &OsStr)]) {
    let mut tries = Vec::new();
    for _ in 0..5 {
        let ours = sockdiag_env(args, env);
        assert_eq!(ours.code, Some(0), "{ours}");
        let theirs = ss_env(args, env);
        if lines(&ours) == lines(&theirs) {
            return;
        }
        tries.push(format!("{ours}\n{theirs}"));
    }
    panic!("{}", tries.join("--- next try:\n"));
}

#[test]
fn options_proc_cannot_serve_are_named() {
    let sockets = Sockets::open();
    let vars = proc_vars();
    let env = env_of(&vars);
    let filter = format!("sport = :{}", sockets.tcp_port);
    // -o, -e and -i print what ss's /proc path prints: on one line, the
    // timer, owner, inode, socket address and the few tcp_info values.
    // A connection's handshake may land in the accept queue between the
    // two runs (seen under load): one equal pair out of five is required.
    for args in [&["-tanoeiH", &filter][..], &["-tanmH", "--tos", &filter]] {
        same_as_ss_in_five_tries(args, &env);
    }
    let run = sockdiag_env(&["-tanoeim", &filter], &env);
    assert_eq!(
        run.stderr,
        "sockdiag: tcp: PROC_NET_TCP is set: reading /proc/net/tcp and /proc/net/tcp6; \
         the details of -e, -i and -m need tcp_diag\n",
        "{run}"
    );
    let run = sockdiag_env(&["-xae"], &env);
    assert_eq!(
        run.stderr,
        "sockdiag: unix: PROC_NET_UNIX is set: reading /proc/net/unix; \
         the details of -e need unix_diag\n",
        "{run}"
    );
    // PROC_ROOT moves every table with a file, ss's way.
    same_as_ss_in_five_tries(&["-tanH", &filter], &[("PROC_ROOT", OsStr::new("/proc"))]);
}

#[test]
fn a_listing_from_proc_replays_from_its_capture() {
    let sockets = Sockets::open();
    let vars = proc_vars();
    let env = env_of(&vars);
    let dir = TempDir::new();
    let capture = dir.path().join("proc.cap");
    let args = ["-tuxanH", "--dump-raw"];
    let live = sockdiag_env(
        &[args[0].as_ref(), args[1].as_ref(), capture.as_os_str()],
        &env,
    );
    live.success();
    // No variable now: the capture says which tables came from /proc.
    let replay = sockdiag(&["-tuxanH".as_ref(), "--decode".as_ref(), capture.as_os_str()]);
    assert_eq!(replay.stdout, live.stdout);
    assert_eq!(replay.code, Some(0), "{replay}");
    assert!(
        replay
            .stderr
            .lines()
            .all(|l| l.contains("recorded from /proc")),
        "{replay}"
    );
    let mine = sockets.owned.select(replay.socks());
    assert!(mine.iter().any(|s| s.state == "LISTEN"), "{}", show(&mine));
}

#[test]
fn a_file_that_is_no_proc_table_is_one_line() {
    let dir = TempDir::new();
    let bad = dir.path().join("tcp");
    let mut f = std::fs::File::create(&bad).unwrap();
    writeln!(
        f,
        "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode"
    )
    .unwrap();
    writeln!(
        f,
        "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1234 1 0000000000000000 100 0 0 10 0"
    )
    .unwrap();
    writeln!(f, "   1: 0100007F:ZZZZ 00000000:0000 0A").unwrap();
    drop(f);
    let run = sockdiag_env(&["-tan"], &[("PROC_NET_TCP", bad.as_os_str())]);
    assert_eq!(run.code, Some(1), "{run}");
    assert_eq!(
        run.stderr,
        format!(
            "sockdiag: {}: line 3: malformed text field\n",
            bad.display()
        )
    );
    // The good line before the bad one was printed.
    assert!(run.stdout.contains("127.0.0.1:8080"), "{run}");

    // An overlong line is refused, not read into memory whole.
    let long = dir.path().join("long");
    std::fs::write(&long, vec![b'x'; 100_000]).unwrap();
    let run = sockdiag_env(&["-uan"], &[("PROC_NET_UDP", long.as_os_str())]);
    assert_eq!(run.code, Some(1), "{run}");
    assert_eq!(
        run.stderr,
        format!(
            "sockdiag: {}: a line longer than 4096 bytes\n",
            long.display()
        )
    );

    // A file that does not exist: the table cannot be listed.
    let missing = dir.path().join("missing");
    let run = sockdiag_env(&["-xa"], &[("PROC_NET_UNIX", missing.as_os_str())]);
    assert_eq!(run.code, Some(1), "{run}");
    assert!(
        run.stderr.starts_with(&format!(
            "sockdiag: unix: {} cannot be read: ",
            missing.display()
        )),
        "{run}"
    );
    assert_eq!(run.stderr.lines().count(), 1, "{run}");
}
