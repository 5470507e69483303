//! UDP sockets: unconnected ones are UNCONN and shown only with -l or -a;
//! connected ones are ESTAB.

use std::net::UdpSocket;

use sockdiag_tests::{sockdiag, Sock};

/// The lines whose local port is `port` (a port from bind to port 0, so
/// no other UDP socket has it).
fn with_local_port(args: &[&str], port: u16) -> Vec<Sock> {
    let run = sockdiag(args);
    run.success();
    run.socks()
        .into_iter()
        .filter(|s| s.local_port() == Some(port))
        .collect()
}

fn udp_line(state: &str, local: String, peer: String) -> Sock {
    Sock {
        netid: String::new(),
        state: state.into(),
        recv_q: 0,
        send_q: 0,
        local,
        peer,
    }
}

#[test]
fn bound_socket_is_unconn() {
    let sock = UdpSocket::bind("127.0.0.1:0").expect("bind");
    let port = sock.local_addr().unwrap().port();

    let want = udp_line("UNCONN", format!("127.0.0.1:{port}"), "0.0.0.0:*".into());
    assert_eq!(with_local_port(&["-ulnH"], port), [want]);
    // The default state filter leaves unconnected sockets out.
    assert_eq!(with_local_port(&["-unH"], port), []);
}

#[test]
fn connected_socket_is_estab() {
    let server = UdpSocket::bind("127.0.0.1:0").expect("bind");
    let client = UdpSocket::bind("127.0.0.1:0").expect("bind");
    client
        .connect(server.local_addr().unwrap())
        .expect("connect");
    let (s, c) = (
        server.local_addr().unwrap().port(),
        client.local_addr().unwrap().port(),
    );
    let line = |state| udp_line(state, format!("127.0.0.1:{c}"), format!("127.0.0.1:{s}"));

    // For UDP, ss's default is the one state ESTAB, so like ss sockdiag
    // prints no State column then; -a shows it.
    assert_eq!(with_local_port(&["-unH"], c), [line("")]);
    assert_eq!(with_local_port(&["-unaH"], c), [line("ESTAB")]);
    // The unconnected end stays out of the default listing.
    assert_eq!(with_local_port(&["-unH"], s), []);
}
