//! The netlink and packet tables, table selection (`-A`, `-f`, `--netlink`,
//! `-0`), `-p`, `-s` and a unix socket's file inode, against the running
//! kernel with ss as the witness.
//!
//! Every check picks the test's own sockets out of the listing (by port id,
//! inode or port): other tests and other programs open sockets meanwhile.

use std::net::{IpAddr, Ipv4Addr};
use std::os::fd::{AsFd, AsRawFd, OwnedFd};
use std::os::unix::fs::MetadataExt;

use rustix::net::netlink::SocketAddrNetlink;
use rustix::net::{AddressFamily, Protocol, SocketFlags, SocketType};
use serde_json::Value;
use sockdiag_tests::{
    inode, sockdiag, squash, ss, tcp_listener, unix_listener, wait_for, Run, TempDir,
};
use socket2::{SockAddr, Type};

/// The squashed lines of a run's stdout that `keep` selects.
fn rows(run: &Run, keep: impl Fn(&str) -> bool) -> Vec<String> {
    run.stdout.lines().map(squash).filter(|l| keep(l)).collect()
}

/// The object of a `-j` run's array whose inode is `ino`.
fn json_object(run: &Run, ino: u64) -> Value {
    let array: Value = serde_json::from_str(run.success()).expect("JSON");
    array
        .as_array()
        .expect("a JSON array")
        .iter()
        .find(|o| o["inode"] == ino)
        .cloned()
        .unwrap_or_else(|| panic!("no object with inode {ino}:\n{run}"))
}

/// A NETLINK_ROUTE socket bound by the kernel's autobind, and its port id.
fn netlink_socket() -> (OwnedFd, u32) {
    let fd = rustix::net::socket_with(
        AddressFamily::NETLINK,
        SocketType::RAW,
        SocketFlags::CLOEXEC,
        // NETLINK_ROUTE is protocol 0.
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

/// The command name of this process, as /proc/self/stat gives it.
fn own_comm() -> String {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap();
    let open = stat.find('(').unwrap();
    let close = stat[open..].find(')').unwrap() + open;
    stat[open + 1..close].to_string()
}

#[test]
fn own_netlink_socket_appears() {
    let (fd, port) = netlink_socket();
    let ino = inode(&fd);
    // ss prints port ids as C ints.
    let local = format!("0:{}", port as i32);
    let want = vec![format!("UNCONN 0 0 {local} *")];
    let ours = |l: &str| l.split(' ').nth(3) == Some(local.as_str());
    for args in [
        &["-f", "netlink", "-anH"][..],
        &["--family=netlink", "-anH"],
        &["--netlink", "-anH"],
        &["-A", "netlink", "-anH"],
        &["-anH", "--query=netlink"],
    ] {
        let run = sockdiag(args);
        run.success();
        assert_eq!(rows(&run, ours), want, "{run}");
    }
    // ss's own view of the same socket.
    let witness = ss(&["-A", "netlink", "-anH"]);
    assert_eq!(rows(&witness, ours), want, "{witness}");
    // -A alone starts from connected states, which leave netlink out (ss
    // does the same).
    for run in [
        sockdiag(&["-A", "netlink", "-nH"]),
        ss(&["-A", "netlink", "-nH"]),
    ] {
        assert_eq!(rows(&run, ours), Vec::<String>::new(), "{run}");
    }

    // Without -n, as ss: the protocol's name and the process whose pid is
    // the port id (the first autobind of a process takes its pid).
    if port == std::process::id() {
        let named = format!("rtnl:{}/{port}", own_comm());
        let named_rows = |run: &Run| rows(run, |l| l.split(' ').nth(3) == Some(named.as_str()));
        let run = sockdiag(&["--netlink", "-aH"]);
        assert_eq!(named_rows(&run), [format!("UNCONN 0 0 {named} *")], "{run}");
        assert_eq!(named_rows(&ss(&["-f", "netlink", "-aH"])), named_rows(&run));
    }

    // JSON carries the port id, the inode and, with -p, the holder.
    let run = sockdiag(&["--netlink", "-ajp"]);
    let object = json_object(&run, ino);
    assert_eq!(object["portid"], port, "{object}");
    assert_eq!(object["protocol"], 0, "{object}");
    assert_eq!(object["protocol_name"], "rtnl", "{object}");
    assert_eq!(object["connected"], false, "{object}");
    let users = object["users"].as_array().expect("users");
    let me = serde_json::json!({
        "comm": own_comm(),
        "pid": std::process::id(),
        "fd": fd.as_raw_fd(),
    });
    assert!(users.contains(&me), "{object}");
}

#[test]
fn packet_socket_appears_with_its_protocol() {
    // Ethertype 0x88b5 is reserved for experiments: no frame reaches it,
    // so the queues stay 0.
    const PROTO: u16 = 0x88b5;
    let protocol = rustix::net::RawProtocol::new(u32::from(PROTO.to_be())).unwrap();
    let fd = rustix::net::socket_with(
        AddressFamily::PACKET,
        SocketType::RAW,
        SocketFlags::CLOEXEC,
        Some(Protocol::from_raw(protocol)),
    )
    .expect("an AF_PACKET socket needs CAP_NET_RAW: run the tests as root, as CI does");
    let ino = inode(&fd);

    // The inode only shows with -e; -O keeps ss's detail line on the row.
    let mark = format!(" ino:{ino} ");
    let ours = |l: &str| l.contains(&mark);
    let run = sockdiag(&["-0", "-eOH"]);
    run.success();
    let found = rows(&run, ours);
    assert_eq!(found.len(), 1, "{run}");
    let row = &found[0];
    assert!(
        row.starts_with(&format!("p_raw 0 0 [{}]:* * ino:{ino} sk:", PROTO)),
        "{row}"
    );
    assert!(
        row.ends_with(" ver:0 cpy_thresh:0 flags( running )"),
        "{row}"
    );
    // ss names the protocol the same way, with and without -n, -p, -O.
    for args in [
        &["-0", "-eOH"][..],
        &["-0", "-enOH"],
        &["-0", "-epOH"],
        &["--packet", "-aeOH"],
        &["-f", "link", "-eOH"],
    ] {
        let theirs = wait_for("the same row from sockdiag and ss", || {
            let (a, b) = (sockdiag(args), ss(args));
            let (a, b) = (rows(&a, ours), rows(&b, ours));
            if a == b && a.len() == 1 {
                Ok(a)
            } else {
                Err(format!("{args:?}\nsockdiag: {a:?}\nss:       {b:?}"))
            }
        });
        assert_eq!(theirs.len(), 1);
    }
    // Without -O the details go on an indented line, as in ss.
    let run = sockdiag(&["-0", "-eH"]);
    let lines: Vec<&str> = run.stdout.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.contains(&mark))
        .unwrap_or_else(|| panic!("{run}"));
    assert_eq!(lines[at + 1], "\tver:0 cpy_thresh:0 flags( running )");

    // -A picks raw or datagram packet sockets; the ETH_P_ALL-less socket is
    // raw.
    let raw = sockdiag(&["-A", "packet_raw", "-aeOH"]);
    assert_eq!(rows(&raw, ours).len(), 1, "{raw}");
    let dgram = sockdiag(&["-A", "packet_dgram", "-aeOH"]);
    assert_eq!(rows(&dgram, ours), Vec::<String>::new(), "{dgram}");

    // JSON: the protocol as a number, and the holder with -p.
    let run = sockdiag(&["-0", "-jp"]);
    let object = json_object(&run, ino);
    assert_eq!(object["netid"], "p_raw", "{object}");
    assert_eq!(object["protocol"], PROTO, "{object}");
    assert_eq!(object["ifindex"], 0, "{object}");
    assert_eq!(object["users"][0]["pid"], std::process::id(), "{object}");
    assert_eq!(object["users"][0]["fd"], fd.as_fd().as_raw_fd(), "{object}");
}

#[test]
fn processes_of_a_listener() {
    let (listener, port) = tcp_listener(IpAddr::V4(Ipv4Addr::LOCALHOST), 4);
    let fd = listener.as_raw_fd();
    let filter = format!("sport = :{port}");
    let want = format!(
        "LISTEN 0 4 127.0.0.1:{port} 0.0.0.0:* users:((\"{}\",pid={},fd={fd}))",
        own_comm(),
        std::process::id()
    );
    // A child being spawned by another test holds our descriptors until its
    // exec closes them; poll until only ours are left.
    wait_for("our listener with its holder", || {
        let run = sockdiag(&["-tlpnH", &filter]);
        let got = rows(&run, |_| true);
        if got == [want.clone()] {
            Ok(())
        } else {
            Err(run.to_string())
        }
    });
    // ss agrees, row for row.
    wait_for("the same row from ss", || {
        let (a, b) = (sockdiag(&["-tlpnH", &filter]), ss(&["-tlpnH", &filter]));
        let (a, b) = (rows(&a, |_| true), rows(&b, |_| true));
        if a == b && a == [want.clone()] {
            Ok(())
        } else {
            Err(format!("sockdiag: {a:?}\nss:       {b:?}"))
        }
    });
}

#[test]
fn unix_rows_with_processes_and_file_inode() {
    let dir = TempDir::new();
    let path = dir.path().join("p.sock");
    let listener = unix_listener(Type::STREAM, &SockAddr::unix(&path).unwrap(), 2);
    let ino = inode(&listener);
    let mark = format!(" {ino} ");
    let ours = |l: &str| l.contains(&mark);
    let name = path.to_str().unwrap();
    let want = format!(
        "u_str LISTEN 0 2 {name} {ino} * 0 users:((\"{}\",pid={},fd={}))",
        own_comm(),
        std::process::id(),
        listener.as_raw_fd()
    );
    wait_for("the same -xlp row from sockdiag and ss", || {
        let (a, b) = (sockdiag(&["-xlpH"]), ss(&["-xlpH"]));
        let (a, b) = (rows(&a, ours), rows(&b, ours));
        if a == b && a == [want.clone()] {
            Ok(())
        } else {
            Err(format!("sockdiag: {a:?}\nss:       {b:?}"))
        }
    });
    // -e shows the inode of the file the socket is bound to: what stat()
    // says of the path (not the socket's own inode).
    let file_ino = std::fs::metadata(&path).unwrap().ino();
    assert_ne!(file_ino, ino);
    let run = sockdiag(&["-xleH"]);
    let found = rows(&run, ours);
    assert_eq!(found.len(), 1, "{run}");
    assert!(
        found[0].contains(&format!(" ino:{file_ino} dev:")),
        "{}",
        found[0]
    );
    // -m adds the socket's memory, as in ss.
    let run = sockdiag(&["-xlmH"]);
    let found = rows(&run, ours);
    assert!(
        found.len() == 1 && found[0].contains(" skmem:(r0,rb"),
        "{run}"
    );
}

#[test]
fn every_query_name_is_accepted() {
    for name in [
        "all",
        "inet",
        "inet6",
        "tcp",
        "udp",
        "raw",
        "unix",
        "unix_dgram",
        "unix_stream",
        "unix_seqpacket",
        "packet",
        "packet_raw",
        "packet_dgram",
        "netlink",
        "mptcp",
        "sctp",
        "tcp,udp,!udp",
        "dccp",
        "vsock",
        "vsock_stream",
        "v_str",
        "vsock_dgram",
        "v_dgr",
        "tipc",
        "xdp",
    ] {
        let run = sockdiag(&["-A", name, "-anH"]);
        match run.code {
            Some(0) => assert_eq!(run.stderr, "", "{run}"),
            // A kernel without a diag module answers in one line naming it;
            // this machine may lack sctp_diag, and Linux 6.18 has no DCCP
            // and here no vsock_diag, tipc_diag or xsk_diag.
            Some(1) => {
                assert_eq!(run.stderr.lines().count(), 1, "{run}");
                let modules = [
                    "sctp_diag",
                    "dccp_diag",
                    "vsock_diag",
                    "tipc_diag",
                    "xsk_diag",
                ];
                assert!(modules.iter().any(|m| run.stderr.contains(m)), "{run}");
            }
            _ => panic!("-A {name}: {run}"),
        }
    }
    for bad in ["bogus", "tcp,bogus", "!nope"] {
        let run = sockdiag(&["-A", bad]);
        assert_eq!(run.code, Some(2), "{run}");
        let first = run.stderr.lines().next().unwrap_or("");
        let word = bad.rsplit(',').next().unwrap();
        assert!(first.contains(&format!("'{word}'")), "{run}");
        assert!(run.stderr.contains("Usage"), "{run}");
        assert_eq!(run.stdout, "", "{run}");
    }
    let run = sockdiag(&["-f", "bogus"]);
    assert_eq!(run.code, Some(2), "{run}");
}

#[test]
fn a_missing_table_is_one_line_and_the_others_print() {
    // This kernel may or may not have sctp_diag; either way the TCP
    // listener prints and an error, if any, is one line naming the module.
    let (_listener, port) = tcp_listener(IpAddr::V4(Ipv4Addr::LOCALHOST), 3);
    let run = sockdiag(&["-t", "-S", "-lnH"]);
    let port_word = format!("127.0.0.1:{port}");
    assert!(run.stdout.lines().any(|l| l.contains(&port_word)), "{run}");
    match run.code {
        Some(0) => assert_eq!(run.stderr, ""),
        Some(1) => {
            assert_eq!(run.stderr.lines().count(), 1, "{run}");
            assert!(run.stderr.contains("sctp: "), "{run}");
            assert!(run.stderr.contains("sctp_diag"), "{run}");
        }
        _ => panic!("{run}"),
    }
    // Without -S, SCTP comes only with the full listing, and a missing
    // module is not worth a message (ss says nothing either).
    let run = sockdiag(&["-4", "-lnH"]);
    assert_eq!(run.code, Some(0), "{run}");
    assert_eq!(run.stderr, "", "{run}");
}

#[test]
fn summary_matches_ss() {
    // The counters move while other tests run: poll until one pair of
    // reads agrees.
    wait_for("sockdiag -s and ss -s to agree", || {
        let (a, b) = (sockdiag(&["-s"]), ss(&["-s"]));
        if a.code == Some(0) && a.stdout == b.stdout {
            Ok(())
        } else {
            Err(format!("sockdiag:\n{}\nss:\n{}", a.stdout, b.stdout))
        }
    });
    // With a table option, the table follows the summary.
    let (_listener, port) = tcp_listener(IpAddr::V4(Ipv4Addr::LOCALHOST), 2);
    let run = sockdiag(&["-s", "-tlnH", &format!("sport = :{port}")]);
    let out = run.success();
    assert!(out.starts_with("Total: "), "{run}");
    assert!(out.trim_end().ends_with("0.0.0.0:*"), "{run}");
}
