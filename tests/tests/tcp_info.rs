//! `-i` and `-m` on live loopback connections, checked against what the
//! socket itself reports through getsockopt: TCP_INFO, TCP_CONGESTION,
//! SO_RCVBUF and SO_SNDBUF.

use std::io::{Read, Write};
use std::net::{IpAddr, Ipv4Addr, TcpListener, TcpStream};
use std::os::fd::AsRawFd;

use serde_json::Value;
use sockdiag_tests::{sockdiag, tcp_listener, wait_for};
use socket2::SockRef;

/// The fields of TCP_INFO that do not move on an idle connection.
#[derive(Debug, PartialEq, Eq, Clone, Copy)]
struct Stable {
    state: u8,
    options: u8,
    snd_wscale: u8,
    rcv_wscale: u8,
    snd_mss: u32,
    rcv_mss: u32,
    advmss: u32,
    pmtu: u32,
}

fn getsockopt_tcp_info(s: &TcpStream) -> Stable {
    // SAFETY: tcp_info is plain data; the kernel writes at most `len`
    // bytes into it and reports how many.
    let mut info: libc::tcp_info = unsafe { std::mem::zeroed() };
    let mut len = std::mem::size_of::<libc::tcp_info>() as libc::socklen_t;
    let rc = unsafe {
        libc::getsockopt(
            s.as_raw_fd(),
            libc::IPPROTO_TCP,
            libc::TCP_INFO,
            (&mut info as *mut libc::tcp_info).cast(),
            &mut len,
        )
    };
    assert_eq!(
        rc,
        0,
        "getsockopt(TCP_INFO): {}",
        std::io::Error::last_os_error()
    );
    // The wscale bitfields: snd in the low nibble on little-endian ABIs.
    let b = info.tcpi_snd_rcv_wscale;
    let (snd, rcv) = if cfg!(target_endian = "big") {
        (b >> 4, b & 0xf)
    } else {
        (b & 0xf, b >> 4)
    };
    Stable {
        state: info.tcpi_state,
        options: info.tcpi_options,
        snd_wscale: snd,
        rcv_wscale: rcv,
        snd_mss: info.tcpi_snd_mss,
        rcv_mss: info.tcpi_rcv_mss,
        advmss: info.tcpi_advmss,
        pmtu: info.tcpi_pmtu,
    }
}

/// A connected pair with a little data exchanged both ways, then idle.
fn connection() -> (TcpListener, TcpStream, TcpStream, u16) {
    let (listener, port) = tcp_listener(IpAddr::V4(Ipv4Addr::LOCALHOST), 8);
    let mut client = TcpStream::connect(listener.local_addr().unwrap()).expect("connect");
    let (mut server, _) = listener.accept().expect("accept");
    client.write_all(&[7u8; 5000]).unwrap();
    let mut buf = [0u8; 5000];
    server.read_exact(&mut buf).unwrap();
    server.write_all(b"ok").unwrap();
    client.read_exact(&mut buf[..2]).unwrap();
    (listener, client, server, port)
}

/// The JSON object of the client end (peer port = the listener's port).
fn client_object(args: &[&str], port: u16) -> Value {
    let filter = format!("dport = :{port}");
    let run = sockdiag(&[args, &["-j", &filter]].concat());
    let v: Value = serde_json::from_str(run.success()).unwrap_or_else(|e| panic!("{e}: {run}"));
    let objects = v.as_array().expect("an array");
    assert_eq!(objects.len(), 1, "one client socket:\n{run}");
    objects[0].clone()
}

/// The detail line (after the tab) of the one socket the filter selects.
fn detail_line(args: &[&str], filter: &str) -> String {
    let run = sockdiag(&[args, &["-H", filter]].concat());
    let out = run.success();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "a socket line and its detail line:\n{run}");
    lines[1]
        .strip_prefix('\t')
        .unwrap_or_else(|| panic!("detail line starts with a tab:\n{run}"))
        .to_string()
}

#[test]
fn stable_tcp_info_fields_equal_getsockopt() {
    let (_listener, client, _server, port) = connection();
    // Read, list, read again: a field that moved in between is retried.
    let (before, object, line, after) = wait_for("an idle connection", || {
        let before = getsockopt_tcp_info(&client);
        let object = client_object(&["-ti"], port);
        let line = detail_line(&["-tino"], &format!("dport = :{port}"));
        let after = getsockopt_tcp_info(&client);
        if before == after {
            Ok((before, object, line, after))
        } else {
            Err(format!("{before:?} then {after:?}"))
        }
    });
    let t = &object["tcp_info"];
    let seen = Stable {
        state: t["state"].as_u64().unwrap() as u8,
        options: t["options"].as_u64().unwrap() as u8,
        snd_wscale: t["snd_wscale"].as_u64().unwrap() as u8,
        rcv_wscale: t["rcv_wscale"].as_u64().unwrap() as u8,
        snd_mss: t["snd_mss"].as_u64().unwrap() as u32,
        rcv_mss: t["rcv_mss"].as_u64().unwrap() as u32,
        advmss: t["advmss"].as_u64().unwrap() as u32,
        pmtu: t["pmtu"].as_u64().unwrap() as u32,
    };
    assert_eq!(seen, after, "JSON tcp_info vs getsockopt: {object}");
    assert_eq!(before.state, 1, "ESTABLISHED");
    // The kernel sends its whole struct: 280 bytes on 6.18, at least 104.
    assert!(t["bytes"].as_u64().unwrap() >= 104);

    // The text line carries the same numbers in ss's words.
    let words: Vec<&str> = line.split_whitespace().collect();
    for want in [
        format!("wscale:{},{}", after.snd_wscale, after.rcv_wscale),
        format!("mss:{}", after.snd_mss),
        format!("pmtu:{}", after.pmtu),
        format!("rcvmss:{}", after.rcv_mss),
        format!("advmss:{}", after.advmss),
    ] {
        assert!(words.contains(&want.as_str()), "{want} in {line:?}");
    }
    // -o shows the negotiated options: timestamps and SACK on loopback.
    assert_eq!(after.options & 3, 3);
    assert!(words.contains(&"ts") && words.contains(&"sack"), "{line:?}");
    let no_o = detail_line(&["-ti"], &format!("dport = :{port}"));
    assert!(!no_o.split_whitespace().any(|w| w == "ts"), "{no_o:?}");
}

#[test]
fn congestion_name_equals_getsockopt() {
    let (_listener, client, _server, port) = connection();
    let sock = SockRef::from(&client);
    // Change it, so a default would not pass by accident.
    let before = sock.tcp_congestion().unwrap();
    let want: &[u8] = if before.starts_with(b"reno") {
        b"cubic"
    } else {
        b"reno"
    };
    sock.set_tcp_congestion(want).expect("set TCP_CONGESTION");
    let name = sock.tcp_congestion().unwrap();
    let name = String::from_utf8_lossy(&name)
        .trim_end_matches('\0')
        .to_string();
    assert_eq!(name.as_bytes(), want);

    let object = client_object(&["-ti"], port);
    assert_eq!(object["congestion"], name.as_str(), "{object}");
    let line = detail_line(&["-ti"], &format!("dport = :{port}"));
    assert!(
        line.split_whitespace().any(|w| w == name),
        "{name} in {line:?}"
    );
}

#[test]
fn skmem_buffers_equal_getsockopt() {
    let (_listener, client, _server, port) = connection();
    let sock = SockRef::from(&client);
    sock.set_recv_buffer_size(40_000).unwrap();
    sock.set_send_buffer_size(50_000).unwrap();
    // The kernel doubles what was asked for; getsockopt says what it kept.
    let rb = sock.recv_buffer_size().unwrap();
    let tb = sock.send_buffer_size().unwrap();
    assert_eq!((rb, tb), (80_000, 100_000));

    let object = client_object(&["-tm"], port);
    assert_eq!(object["skmem"]["rcvbuf"], rb, "{object}");
    assert_eq!(object["skmem"]["sndbuf"], tb, "{object}");
    let line = detail_line(&["-tm"], &format!("dport = :{port}"));
    let skmem = line
        .split_whitespace()
        .find(|w| w.starts_with("skmem:("))
        .unwrap_or_else(|| panic!("skmem in {line:?}"));
    let parts: Vec<&str> = skmem["skmem:(".len()..skmem.len() - 1].split(',').collect();
    assert_eq!(parts[1], format!("rb{rb}"), "{skmem}");
    assert_eq!(parts[3], format!("tb{tb}"), "{skmem}");
    assert_eq!(parts.len(), 9, "r rb t tb f w o bl d: {skmem}");
    // -m alone: memory only, no tcp_info words.
    assert!(!line.contains("mss:"), "{line:?}");
}

#[test]
fn listener_unacked_and_no_sacked() {
    // A listener's tcp_info carries its accept queue as unacked and its
    // backlog as sacked; ss prints the first and leaves the second out.
    let (listener, port) = tcp_listener(IpAddr::V4(Ipv4Addr::LOCALHOST), 9);
    let _c: Vec<TcpStream> = (0..2)
        .map(|_| TcpStream::connect(listener.local_addr().unwrap()).unwrap())
        .collect();
    let filter = format!("sport = :{port}");
    let line = wait_for("two connections queued", || {
        let line = detail_line(&["-tli"], &filter);
        if line.split_whitespace().any(|w| w == "unacked:2") {
            Ok(line)
        } else {
            Err(line)
        }
    });
    assert!(!line.contains("sacked:"), "{line:?}");
}
