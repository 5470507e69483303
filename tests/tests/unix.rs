//! Unix sockets as `sockdiag -x` shows them: `NAME INODE` on the local
//! side, `* PEER_INODE` on the peer side.

use std::os::unix::net::UnixStream;

use sockdiag_tests::{abstract_addr, inode, sockdiag, unix_connect, unix_listener, Sock, TempDir};
use socket2::{SockAddr, Type};

/// The lines of `sockdiag -xaH` for the socket with this inode.
fn lines_of(inode: u64) -> Vec<Sock> {
    let run = sockdiag(&["-xaH"]);
    run.success();
    run.socks()
        .into_iter()
        .filter(|s| s.inode() == Some(inode))
        .collect()
}

fn unix_line(state: &str, queues: (u64, u64), name: &str, inode: u64, peer: u64) -> Sock {
    Sock {
        netid: "u_str".into(),
        state: state.into(),
        recv_q: queues.0,
        send_q: queues.1,
        local: format!("{name} {inode}"),
        peer: format!("* {peer}"),
    }
}

#[test]
fn path_listener_shows_queue_and_backlog() {
    let dir = TempDir::new();
    let path = dir.path().join("listener.sock");
    let addr = SockAddr::unix(&path).unwrap();
    let listener = unix_listener(Type::STREAM, &addr, 5);
    // A unix connect queues the connection before it returns: no waiting.
    let pending = [
        unix_connect(Type::STREAM, &addr),
        unix_connect(Type::STREAM, &addr),
    ];

    let ino = inode(&listener);
    let name = path.to_str().unwrap();
    assert_eq!(lines_of(ino), [unix_line("LISTEN", (2, 5), name, ino, 0)]);
    drop(pending);
}

#[test]
fn abstract_listener_shows_at_name() {
    let name = sockdiag_tests::unique_name();
    let listener = unix_listener(Type::STREAM, &abstract_addr(&name), 3);

    let ino = inode(&listener);
    let shown = format!("@{name}");
    assert_eq!(lines_of(ino), [unix_line("LISTEN", (0, 3), &shown, ino, 0)]);
}

#[test]
fn socketpair_ends_name_each_other() {
    let (a, b) = UnixStream::pair().expect("socketpair");
    let (ia, ib) = (inode(&a), inode(&b));
    assert_ne!(ia, ib);

    assert_eq!(lines_of(ia), [unix_line("ESTAB", (0, 0), "*", ia, ib)]);
    assert_eq!(lines_of(ib), [unix_line("ESTAB", (0, 0), "*", ib, ia)]);
}
