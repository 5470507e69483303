//! The multicast side of NETLINK_SOCK_DIAG: a socket that joins the
//! destroy groups (`SKNLGRP_INET{,6}_{TCP,UDP}_DESTROY` in
//! `linux/sock_diag.h`) and receives one `inet_diag_msg` per socket the
//! kernel frees, and the count of events an overrun lost, read from the
//! socket's own drop counter through netlink_diag.

use std::os::fd::{AsFd, BorrowedFd, OwnedFd};

use rustix::io::Errno;
use rustix::net::netlink::SocketAddrNetlink;
use rustix::net::RecvFlags;
use sockdiag_codec::wire::datagram::Body;
use sockdiag_codec::wire::netlink_diag::{self, show};
use sockdiag_codec::wire::sock_diag::idx;

use crate::error::Error;
use crate::kernel::dump::dump;
use crate::kernel::netns::Netns;
use crate::kernel::socket::{NetError, RECV_BUF};
use crate::kernel::source::Source;

/// The destroy groups, numbered as `enum sknetlink_groups` numbers them.
pub mod group {
    /// `SKNLGRP_INET_TCP_DESTROY`
    pub const INET_TCP: u32 = 1;
    /// `SKNLGRP_INET_UDP_DESTROY`
    pub const INET_UDP: u32 = 2;
    /// `SKNLGRP_INET6_TCP_DESTROY`
    pub const INET6_TCP: u32 = 3;
    /// `SKNLGRP_INET6_UDP_DESTROY`
    pub const INET6_UDP: u32 = 4;

    /// The group of `family`'s `tcp` or UDP sockets.
    pub const fn of(family: u8, tcp: bool) -> u32 {
        match (family == sockdiag_codec::family::INET6, tcp) {
            (false, true) => INET_TCP,
            (false, false) => INET_UDP,
            (true, true) => INET6_TCP,
            (true, false) => INET6_UDP,
        }
    }
}

/// A burst of destroyed sockets fills the default receive buffer (about
/// 200 KiB, some 500 TCP events) in a millisecond; a larger one rides out
/// a stall of the reader. SO_RCVBUFFORCE passes rmem_max as root.
const EVENT_RCVBUF: usize = 8 << 20;

/// `NETLINK_SOCK_DIAG`, the protocol whose sockets netlink_diag lists
/// for [`EventSocket::lost`].
const NETLINK_SOCK_DIAG: u8 = 4;

/// What one receive brought.
pub enum Received<'b> {
    /// A datagram of events.
    Datagram(&'b [u8]),
    /// The kernel dropped events since the last receive (ENOBUFS).
    Overrun,
}

/// A sock_diag socket that has joined destroy groups.
pub struct EventSocket {
    fd: OwnedFd,
    portid: u32,
    /// The namespace it was opened in, where its drop counter is read
    /// (port ids are per namespace).
    netns: Netns,
    /// The drop counter when last read, to report each overrun's loss.
    drops_seen: Option<u32>,
}

impl EventSocket {
    /// Joins the groups of `groups` (numbers from [`group`]) in namespace
    /// `netns`: the kernel sends a socket's events to the listeners of
    /// its own namespace.
    pub fn open_in(netns: Netns, groups: &[u32]) -> Result<EventSocket, Error> {
        let mut sock = netns
            .within(|| Self::open(groups))
            .map_err(Error::Netns)?
            .map_err(Error::Kernel)?;
        sock.netns = netns;
        sock.drops_seen = sock.read_drops();
        Ok(sock)
    }

    /// Joins the groups of `groups` in the calling thread's namespace.
    fn open(groups: &[u32]) -> Result<EventSocket, NetError> {
        let fd = super::socket::open_sock_diag()?;
        let mask = groups.iter().fold(0u32, |m, g| m | 1 << (g - 1));
        rustix::net::bind(&fd, &SocketAddrNetlink::new(0, mask))
            .map_err(|e| NetError::Sys("cannot join the sock_diag destroy groups", e))?;
        if rustix::net::sockopt::set_socket_recv_buffer_size_force(&fd, EVENT_RCVBUF).is_err() {
            // Without CAP_NET_ADMIN: as much as rmem_max allows.
            let _ = rustix::net::sockopt::set_socket_recv_buffer_size(&fd, EVENT_RCVBUF);
        }
        let portid = rustix::net::getsockname(&fd)
            .ok()
            .and_then(|a| SocketAddrNetlink::try_from(a).ok())
            .map_or(0, |a| a.pid());
        Ok(EventSocket {
            fd,
            portid,
            netns: Netns::own(),
            drops_seen: None,
        })
    }

    /// Receives the next datagram (blocking), or the news of an overrun.
    /// Datagrams not from the kernel are dropped.
    pub fn recv<'b>(&self, buf: &'b mut [u8]) -> Result<Received<'b>, NetError> {
        loop {
            match rustix::net::recvfrom(&self.fd, &mut *buf, RecvFlags::TRUNC) {
                Err(Errno::INTR) => continue,
                Err(Errno::NOBUFS) => return Ok(Received::Overrun),
                Err(e) => return Err(NetError::Sys("cannot receive destroy events", e)),
                Ok((n, full, from)) => {
                    if full > n {
                        return Err(NetError::Truncated(full));
                    }
                    let from_kernel = from
                        .and_then(|a| SocketAddrNetlink::try_from(a).ok())
                        .is_some_and(|a| a.pid() == 0);
                    if from_kernel {
                        return Ok(Received::Datagram(&buf[..n]));
                    }
                }
            }
        }
    }

    /// How many events the kernel dropped since the last call, when the
    /// socket's drop counter can be read (netlink_diag); `None` when not.
    pub fn lost(&mut self) -> Option<u32> {
        let now = self.read_drops()?;
        let before = self.drops_seen.replace(now)?;
        Some(now.wrapping_sub(before))
    }

    /// The socket's `sk_drops`, which the kernel raises for each event it
    /// could not queue, from a netlink_diag dump of sock_diag sockets.
    fn read_drops(&self) -> Option<u32> {
        let mut src = Source::kernel(self.netns.try_clone().ok()?).ok()?;
        let mut buf = vec![0u8; RECV_BUF];
        let request = netlink_diag::ReqRepr {
            protocol: NETLINK_SOCK_DIAG,
            ..netlink_diag::ReqRepr::dump(show::MEMINFO)
        };
        let mut drops = None;
        let outcome = dump(
            &mut src,
            &mut buf,
            &request,
            sockdiag_codec::family::NETLINK,
            |body: &Body<'_>| -> Result<(), Error> {
                if let Body::Netlink(rec) = body {
                    if rec.portid == self.portid {
                        drops = rec.meminfo.and_then(|m| m.get(idx::DROPS));
                    }
                }
                Ok(())
            },
        );
        outcome.ok()?;
        drops
    }
}

impl AsFd for EventSocket {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.fd.as_fd()
    }
}
