//! `-e` and `--tos` members set through socket options: SO_MARK shows as
//! `fwmark:`, IP_TOS / IPV6_TCLASS as `tos:` / `tclass:`, and the socket's
//! cgroup as ss's path.

use std::io::ErrorKind;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, TcpStream};

use sockdiag_tests::{sockdiag, tcp_listener};
use socket2::{Domain, SockRef, Socket, Type};

/// The one line the filter selects, split on whitespace.
fn words(args: &[&str], filter: &str) -> Vec<String> {
    let run = sockdiag(&[args, &["-H", filter]].concat());
    let out = run.success();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 1, "one socket:\n{run}");
    lines[0].split_whitespace().map(String::from).collect()
}

#[test]
fn mark_shows_with_cap_net_admin() {
    let (listener, port) = tcp_listener(IpAddr::V4(Ipv4Addr::LOCALHOST), 1);
    let sock = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
    let filter = format!("dport = :{port}");
    match sock.set_mark(0x1234) {
        Ok(()) => {
            sock.connect(&listener.local_addr().unwrap().into())
                .unwrap();
            let w = words(&["-te"], &filter);
            assert!(w.iter().any(|x| x == "fwmark:0x1234"), "{w:?}");
        }
        // Without CAP_NET_ADMIN neither SO_MARK nor the MARK attribute is
        // allowed: the line must then carry no fwmark at all.
        Err(e) if e.kind() == ErrorKind::PermissionDenied => {
            sock.connect(&listener.local_addr().unwrap().into())
                .unwrap();
            let w = words(&["-te"], &filter);
            assert!(!w.iter().any(|x| x.starts_with("fwmark:")), "{w:?}");
        }
        Err(e) => panic!("SO_MARK: {e}"),
    }
}

#[test]
fn tos_and_tclass() {
    let (listener, port) = tcp_listener(IpAddr::V6(Ipv6Addr::LOCALHOST), 1);
    let client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    let sock = SockRef::from(&client);
    sock.set_tclass_v6(0x28).unwrap();
    let filter = format!("dport = :{port}");
    let w = words(&["-t", "--tos"], &filter);
    let tail: Vec<&str> = w.iter().rev().take(3).rev().map(String::as_str).collect();
    // ss's order and %#x spelling: 0 stays 0.
    assert_eq!(tail, ["tos:0", "tclass:0x28", "class_id:0"], "{w:?}");

    let (listener4, port4) = tcp_listener(IpAddr::V4(Ipv4Addr::LOCALHOST), 1);
    let c4 = TcpStream::connect(listener4.local_addr().unwrap()).unwrap();
    SockRef::from(&c4).set_tos_v4(0x10).unwrap();
    let w = words(&["-t", "--tos"], &format!("dport = :{port4}"));
    assert!(w.iter().any(|x| x == "tos:0x10"), "{w:?}");
    assert!(
        !w.iter().any(|x| x.starts_with("tclass:")),
        "v4: no TCLASS: {w:?}"
    );
}

#[test]
fn cgroup_path_is_our_own() {
    let (listener, port) = tcp_listener(IpAddr::V4(Ipv4Addr::LOCALHOST), 1);
    let _c = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    // The socket belongs to the cgroup of the process that created it.
    let own = std::fs::read_to_string("/proc/self/cgroup").unwrap();
    let Some(path) = own.lines().find_map(|l| l.strip_prefix("0::")) else {
        panic!("no cgroup v2 line in /proc/self/cgroup: {own}");
    };
    let w = words(&["-te"], &format!("dport = :{port}"));
    assert!(
        w.contains(&format!("cgroup:{path}")),
        "cgroup:{path} in {w:?}"
    );
}
