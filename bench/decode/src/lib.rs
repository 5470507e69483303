//! Datagrams for the decode benchmark, captured from the running kernel:
//! [`capture`] opens a known set of sockets and keeps every datagram of a
//! TCP and a unix dump, asked for as `sockdiag -tan` and `sockdiag -xa` ask.
//! Both decoders then read the same bytes.

use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::os::unix::net::UnixStream;

use rustix::net::netlink::{self, SocketAddrNetlink};
use rustix::net::{AddressFamily, RecvFlags, SendFlags, SocketFlags, SocketType};
use sockdiag_codec::family;
use sockdiag_codec::filter::states::StateSet;
use sockdiag_codec::wire::datagram::{Body, Messages};
use sockdiag_codec::wire::sock_diag::{self, Request};
use sockdiag_codec::wire::{inet, unix};

/// The sockets a capture holds open, so the kernel has something to list.
pub struct Farm {
    _listener: TcpListener,
    _tcp: Vec<(TcpStream, TcpStream)>,
    _unix: Vec<(UnixStream, UnixStream)>,
}

impl Farm {
    /// `tcp` loopback connections (two sockets each) and `unix` socket
    /// pairs.
    pub fn new(tcp: usize, unix: usize) -> Farm {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind");
        let addr = listener.local_addr().expect("local_addr");
        let tcp = (0..tcp)
            .map(|_| {
                let client = TcpStream::connect(addr).expect("connect");
                (client, listener.accept().expect("accept").0)
            })
            .collect();
        let unix = (0..unix)
            .map(|_| UnixStream::pair().expect("socketpair"))
            .collect();
        Farm {
            _listener: listener,
            _tcp: tcp,
            _unix: unix,
        }
    }
}

/// The datagrams of one dump, `NLMSG_DONE` included.
pub struct Dump {
    pub datagrams: Vec<Vec<u8>>,
    /// Diag records in them (what a decoder must produce).
    pub records: usize,
}

/// Every datagram the kernel answers `request` with.
pub fn capture<R: Request>(request: &R) -> Dump {
    let fd = sock_diag_socket().expect("a sock_diag socket");
    rustix::net::connect(&fd, &SocketAddrNetlink::new(0, 0)).expect("connect to the kernel");
    let mut req = [0u8; 256];
    let len = sock_diag::emit_request(&mut req, 1, request).expect("request fits");
    rustix::net::send(&fd, &req[..len], SendFlags::empty()).expect("send");
    let mut datagrams = Vec::new();
    let mut records = 0;
    let mut buf = vec![0u8; 32 * 1024];
    loop {
        let (n, _, _) = rustix::net::recvfrom(&fd, &mut buf, RecvFlags::empty()).expect("recv");
        let datagram = buf[..n].to_vec();
        let mut done = false;
        for msg in Messages::new(&datagram) {
            match msg.expect("the kernel's own datagram decodes").body {
                Body::Inet(_) | Body::Unix(_) => records += 1,
                Body::Done { errno: 0 } => done = true,
                other => panic!("the dump failed: {other:?}"),
            }
        }
        datagrams.push(datagram);
        if done {
            return Dump { datagrams, records };
        }
    }
}

/// A NETLINK_SOCK_DIAG socket in this thread's network namespace, as the
/// runner opens it (the benchmark and the floors).
pub fn sock_diag_socket() -> rustix::io::Result<rustix::fd::OwnedFd> {
    rustix::net::socket_with(
        AddressFamily::NETLINK,
        SocketType::RAW,
        SocketFlags::CLOEXEC,
        Some(netlink::SOCK_DIAG),
    )
}

/// `sockdiag -tan`'s request for IPv4.
pub fn tcp_request() -> inet::ReqRepr {
    inet::ReqRepr::dump(family::INET, inet::proto::TCP, StateSet::ALL.0)
}

/// `sockdiag -xa`'s request.
pub fn unix_request() -> unix::ReqRepr {
    let show =
        unix::show::NAME | unix::show::PEER | unix::show::RQLEN | unix::show::UID | unix::show::VFS;
    unix::ReqRepr::dump(StateSet::ALL.0, show)
}
