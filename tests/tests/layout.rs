//! ss's layout, character for character: in a network namespace of the
//! test's own, holding sockets of many shapes (service ports, a long IPv6
//! address, long unix names), every listing sockdiag prints must equal
//! ss's, with and without `-n`, once ss 6.1's output is put as ss 7 prints
//! it (no trailing spaces; the Process column named only with `-p`).

use std::io::Write;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::os::fd::AsFd;
use std::os::unix::net::{UnixDatagram, UnixStream};

use sockdiag_tests::{
    abstract_addr, as_ss7, unix_connect, unix_listener, wait_for, Netns, TempDir,
};
use socket2::{Domain, SockAddr, Socket, Type};

/// An address long enough to widen the address columns.
const LONG_V6: &str = "fd00:1234:5678:9abc:def0:1234:5678:9abc";

/// A listener with a chosen backlog on `addr`.
fn listen(addr: SocketAddr, backlog: i32, v6only: bool) -> TcpListener {
    let sock = Socket::new(Domain::for_address(addr), Type::STREAM, None).expect("socket");
    if addr.is_ipv6() {
        sock.set_only_v6(v6only).expect("IPV6_V6ONLY");
    }
    sock.set_reuse_address(true).expect("SO_REUSEADDR");
    sock.bind(&addr.into())
        .unwrap_or_else(|e| panic!("bind {addr}: {e}"));
    sock.listen(backlog).expect("listen");
    sock.into()
}

/// The sockets of the namespace, kept open until dropped.
struct Zoo {
    ns: Netns,
    _dir: TempDir,
    _keep: Vec<Box<dyn AsFd + Send>>,
}

impl Zoo {
    fn open() -> Zoo {
        let ns = Netns::new();
        ns.ip(&[
            "-n",
            ns.name(),
            "addr",
            "add",
            &format!("{LONG_V6}/128"),
            "dev",
            "lo",
            "nodad",
        ]);
        // The kernel installs the address's local route from a work queue,
        // even without DAD: a connect before it is there fails with
        // "Network is unreachable".
        wait_for("the local route of the long IPv6 address", || {
            let out = std::process::Command::new("ip")
                .args([
                    "-n",
                    ns.name(),
                    "-6",
                    "route",
                    "show",
                    "table",
                    "local",
                    LONG_V6,
                ])
                .output()
                .map_err(|e| e.to_string())?;
            let text = String::from_utf8_lossy(&out.stdout).into_owned();
            if text.starts_with("local ") {
                Ok(())
            } else {
                Err(text)
            }
        });
        let dir = TempDir::new();
        let long_path = dir
            .path()
            .join("a-rather-long-unix-socket-name-to-widen-the-local-address-column.sock");
        let dgram_path = dir.path().join("d.sock");
        let keep = ns.open(move || {
            let mut keep: Vec<Box<dyn AsFd + Send>> = Vec::new();
            let v4 = IpAddr::V4(Ipv4Addr::LOCALHOST);
            let long: IpAddr = LONG_V6.parse().unwrap();
            // Ports with service names (ssh, https, http-alt) and one
            // without; connections on ephemeral ports, which ss never
            // names.
            let ssh = listen(SocketAddr::new(v4, 22), 5, false);
            let https = listen(
                SocketAddr::new(IpAddr::V6(Ipv6Addr::UNSPECIFIED), 443),
                7,
                false,
            );
            let alt = listen(SocketAddr::new(long, 8080), 3, true);
            let plain = listen(SocketAddr::new(v4, 12345), 128, false);
            let c1 = TcpStream::connect((v4, 22)).expect("connect");
            let c2 = TcpStream::connect((v4, 22)).expect("connect");
            let (s1, _) = ssh.accept().expect("accept");
            let c3 = TcpStream::connect((v4, 443)).expect("connect");
            let (s3, _) = https.accept().expect("accept");
            let c4 = TcpStream::connect((long, 8080)).expect("connect");
            let (s4, _) = alt.accept().expect("accept");
            let mut c5 = TcpStream::connect((v4, 12345)).expect("connect");
            c5.write_all(b"unread bytes").expect("write");
            let (s5, _) = plain.accept().expect("accept");
            for s in [c1, c2, s1, c3, s3, c4, s4, c5, s5] {
                keep.push(Box::new(s));
            }
            for l in [ssh, https, alt, plain] {
                keep.push(Box::new(l));
            }
            // UDP: domain, ntp on [::1], an unconnected socket and a
            // connected one with a datagram queued.
            let dns = UdpSocket::bind((v4, 53)).expect("bind :53");
            let ntp = UdpSocket::bind((Ipv6Addr::LOCALHOST, 123)).expect("bind :123");
            let any = UdpSocket::bind((v4, 0)).expect("bind");
            let connected = UdpSocket::bind((v4, 0)).expect("bind");
            connected
                .connect(dns.local_addr().unwrap())
                .expect("connect");
            connected.send(b"queued").expect("send");
            for s in [dns, ntp, any, connected] {
                keep.push(Box::new(s));
            }
            // Unix: a long path listener with a connection, a long abstract
            // name, a socketpair, a bound datagram socket.
            let path = SockAddr::unix(&long_path).unwrap();
            let listener = unix_listener(Type::STREAM, &path, 4);
            keep.push(Box::new(unix_connect(Type::STREAM, &path)));
            keep.push(Box::new(listener));
            let name = abstract_addr(&format!(
                "{}-an-abstract-name-just-as-long",
                std::process::id()
            ));
            let abstract_listener = unix_listener(Type::SEQPACKET, &name, 2);
            keep.push(Box::new(unix_connect(Type::SEQPACKET, &name)));
            keep.push(Box::new(abstract_listener));
            let (a, b) = UnixStream::pair().expect("socketpair");
            keep.push(Box::new(a));
            keep.push(Box::new(b));
            keep.push(Box::new(UnixDatagram::bind(&dgram_path).expect("bind")));
            keep
        });
        let zoo = Zoo {
            ns,
            _dir: dir,
            _keep: keep,
        };
        // The handshakes and the queued datagram land after the calls
        // return.
        wait_for("the namespace's sockets to settle", || {
            let run = zoo.ns.sockdiag(&["-tuanH"]);
            let rows: Vec<Vec<&str>> = run
                .stdout
                .lines()
                .map(|l| l.split_whitespace().collect())
                .collect();
            let has = |state: &str, recv_q: &str, local: &str| {
                rows.iter()
                    .any(|w| w.len() > 4 && w[1] == state && w[2] == recv_q && w[4] == local)
            };
            let queued = rows
                .iter()
                .any(|w| w.len() > 4 && w[4] == "127.0.0.1:53" && w[2] != "0");
            let waiting = has("LISTEN", "1", "127.0.0.1:22");
            let unread = has("ESTAB", "12", "127.0.0.1:12345");
            if queued && waiting && unread && rows.len() == 18 {
                Ok(())
            } else {
                Err(run.to_string())
            }
        });
        zoo
    }
}

/// Replaces what changes between two runs a moment apart: times since the
/// last packet and timer countdowns.
fn steady(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = ["lastsnd:", "lastrcv:", "lastack:", "timer:(", " dev:"]
        .iter()
        .filter_map(|k| rest.find(k).map(|i| (i, *k)))
        .min()
    {
        let (i, key) = at;
        out.push_str(&rest[..i + key.len()]);
        out.push('#');
        rest = &rest[i + key.len()..];
        let end = match key {
            "timer:(" => rest.find(')').unwrap_or(rest.len()),
            _ => rest.find(|c: char| c.is_whitespace()).unwrap_or(rest.len()),
        };
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// The header, then the records (a line and the indented lines that
/// continue it) sorted: sockdiag lists TCP over both IP families in the
/// kernel's walk order, ss IPv4 before IPv6. Each record still has to
/// match character for character, and the widths are measured over the
/// same set of rows whatever their order.
fn records_sorted(text: &str, has_header: bool) -> String {
    let mut lines = text.lines();
    let header = match has_header {
        true => lines.next().map(|h| format!("{h}\n")).unwrap_or_default(),
        false => String::new(),
    };
    let mut records: Vec<String> = Vec::new();
    for line in lines {
        match records.last_mut() {
            Some(r) if line.starts_with([' ', '\t']) => {
                r.push_str(line);
                r.push('\n');
            }
            _ => records.push(format!("{line}\n")),
        }
    }
    records.sort();
    header + &records.concat()
}

/// The two outputs, line by line, where they differ.
fn diff(ss: &str, ours: &str) -> String {
    let (a, b): (Vec<&str>, Vec<&str>) = (ss.lines().collect(), ours.lines().collect());
    let mut text = String::new();
    for i in 0..a.len().max(b.len()) {
        let (x, y) = (a.get(i).copied(), b.get(i).copied());
        if x != y {
            text.push_str(&format!(
                "line {}:\n  ss:       {:?}\n  sockdiag: {:?}\n",
                i + 1,
                x.unwrap_or("(none)"),
                y.unwrap_or("(none)")
            ));
        }
    }
    text
}

/// Runs `args` with both tools in the zoo and compares every character.
#[track_caller]
fn same_as_ss(zoo: &Zoo, args: &[&str]) {
    let processes = args
        .iter()
        .any(|a| a.starts_with('-') && !a.starts_with("--") && a.contains('p'));
    let witness = zoo.ns.ss(args);
    assert_eq!(witness.code, Some(0), "{witness}");
    let ours = zoo.ns.sockdiag(args);
    assert_eq!(ours.code, Some(0), "{ours}");
    assert!(ours.stderr.is_empty(), "{ours}");
    let has_header = !args
        .iter()
        .any(|a| a.starts_with('-') && !a.starts_with("--") && a.contains('H'));
    let want = records_sorted(&steady(&as_ss7(&witness.stdout, !processes)), has_header);
    let got = records_sorted(&steady(&ours.stdout), has_header);
    assert!(
        ours.stdout.lines().all(|l| !l.ends_with(' ')),
        "a line ends in spaces:\n{ours}"
    );
    assert!(
        want == got,
        "sockdiag {args:?} differs from ss:\n{}--- ss:\n{}--- sockdiag:\n{}",
        diff(&want, &got),
        witness.stdout,
        ours.stdout
    );
}

#[test]
fn listings_equal_ss_character_for_character() {
    let zoo = Zoo::open();
    for args in [
        ["-tln"].as_slice(),
        &["-tl"],
        &["-tan"],
        &["-ta"],
        &["-uan"],
        &["-ua"],
        &["-xa"],
        &["-xan"],
        &["-tlnp"],
        &["-tlp"],
        &["-tinm"],
        &["-tim"],
        &["-e"],
        &["-en"],
        &["-tuxaen"],
        &["-tanoO"],
        &["-tuxanH"],
        &["-6", "-tuan"],
        &["-4tuan"],
    ] {
        same_as_ss(&zoo, args);
    }
}

#[test]
fn names_follow_etc_services() {
    let zoo = Zoo::open();
    let named = zoo.ns.sockdiag(&["-tlH"]);
    let numeric = zoo.ns.sockdiag(&["-tlnH"]);
    // The witness names these ports only if /etc/services does.
    let services = std::fs::read_to_string("/etc/services").unwrap_or_default();
    for (port, name) in [("22", "ssh"), ("443", "https"), ("8080", "http-alt")] {
        let listed = services.lines().any(|l| {
            l.split_whitespace()
                .take(2)
                .eq([name, &format!("{port}/tcp")])
        });
        assert_eq!(
            named.stdout.contains(&format!(":{name} ")),
            listed,
            "{name}:\n{named}"
        );
        assert!(numeric.stdout.contains(&format!(":{port} ")), "{numeric}");
    }
    assert!(
        named.stdout.contains(":12345 "),
        "no name for 12345:\n{named}"
    );
}
