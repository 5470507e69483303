//! `-e` and `--tos` members set through socket options: SO_MARK shows as
//! `fwmark:`, IP_TOS / IPV6_TCLASS as `tos:` / `tclass:`, and the socket's
//! cgroup as ss's path.

use std::io::ErrorKind;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, TcpListener, TcpStream};

use sockdiag_tests::{sockdiag, ss, tcp_listener};
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

/// Whether this process may set SO_MARK, i.e. has CAP_NET_ADMIN, which
/// the kernel also asks before it sends MARK and MD5SIG.
fn net_admin() -> bool {
    let probe = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
    match probe.set_mark(1) {
        Ok(()) => true,
        Err(e) if e.kind() == ErrorKind::PermissionDenied => false,
        Err(e) => panic!("SO_MARK: {e}"),
    }
}

/// Sets a TCP-MD5 key for peer `127.0.0.1` on `sock` (`struct
/// tcp_md5sig`: a sockaddr_storage, flags, prefix length, key length,
/// ifindex, 80 key bytes).
fn set_md5_key(sock: &TcpListener, key: &[u8]) {
    use std::os::fd::AsRawFd;
    let mut sig = [0u8; 216];
    sig[0..2].copy_from_slice(&(libc::AF_INET as u16).to_ne_bytes());
    sig[4..8].copy_from_slice(&[127, 0, 0, 1]);
    sig[130..132].copy_from_slice(&(key.len() as u16).to_ne_bytes());
    sig[136..136 + key.len()].copy_from_slice(key);
    // SAFETY: the buffer is a complete struct tcp_md5sig.
    let rc = unsafe {
        libc::setsockopt(
            sock.as_raw_fd(),
            libc::IPPROTO_TCP,
            libc::TCP_MD5SIG,
            sig.as_ptr().cast(),
            sig.len() as libc::socklen_t,
        )
    };
    assert_eq!(rc, 0, "TCP_MD5SIG: {}", std::io::Error::last_os_error());
}

#[test]
fn md5_keys_as_ss_prints_them() {
    let (listener, port) = tcp_listener(IpAddr::V4(Ipv4Addr::LOCALHOST), 1);
    set_md5_key(&listener, b"s3cr,t");
    let filter = format!("sport = :{port}");
    let run = sockdiag(&["-tli", "-H", &filter]);
    let out = run.success();
    let token = out.split_whitespace().find(|w| w.starts_with("md5keys:"));
    if net_admin() {
        // ss escapes the comma as octal, as print_escape_buf does.
        assert_eq!(token, Some("md5keys:127.0.0.1/32=s3cr\\054t"), "{run}");
        // ss 6.1 writes the key bytes straight to stdout, ahead of its
        // buffered line, so its token ends at '=' and the key shows up
        // elsewhere; both parts must be there.
        let theirs = ss(&["-tli", "-H", &filter]);
        let ss_token = theirs
            .stdout
            .split_whitespace()
            .find(|w| w.starts_with("md5keys:"));
        assert_eq!(ss_token, Some("md5keys:127.0.0.1/32="), "{theirs}");
        assert!(theirs.stdout.contains("s3cr\\054t"), "{theirs}");
    } else {
        assert_eq!(token, None, "no MD5SIG without CAP_NET_ADMIN: {run}");
    }
}
