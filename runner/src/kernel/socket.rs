//! The one place that talks to the kernel: a NETLINK_SOCK_DIAG socket, one
//! request at a time, and datagrams checked before anyone decodes them.

use std::io;
use std::os::fd::OwnedFd;

use rustix::io::Errno;
use rustix::net::netlink::{self, SocketAddrNetlink};
use rustix::net::{AddressFamily, RecvFlags, SendFlags, SocketFlags, SocketType};

/// The kernel sends at most 32 KiB minus overhead per dump datagram; a
/// smaller buffer would truncate and lose records.
pub const RECV_BUF: usize = 32 * 1024;

/// Why a datagram or a socket could not be used.
#[derive(Debug)]
pub enum NetError {
    /// The kernel has no NETLINK_SOCK_DIAG family.
    NoSockDiag,
    /// A syscall failed.
    Sys(&'static str, Errno),
    /// A datagram longer than the receive buffer (records would be lost).
    Truncated(usize),
    /// A request before any namespace's socket was opened.
    NoSocket,
}

impl std::fmt::Display for NetError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NetError::NoSockDiag => f.write_str(
                "the kernel has no sock_diag netlink support \
                 (CONFIG_SOCK_DIAG not built in, or module sock_diag not loaded)",
            ),
            NetError::Sys(what, e) => write!(f, "{what}: {}", io::Error::from(*e)),
            NetError::NoSocket => f.write_str("no sock_diag socket was opened"),
            NetError::Truncated(n) => {
                write!(
                    f,
                    "kernel sent a {n}-byte datagram, larger than the {RECV_BUF}-byte buffer"
                )
            }
        }
    }
}

/// A sock_diag socket connected to the kernel.
pub struct DiagSocket {
    fd: OwnedFd,
}

fn retry<T>(mut f: impl FnMut() -> rustix::io::Result<T>) -> rustix::io::Result<T> {
    loop {
        match f() {
            Err(Errno::INTR) => continue,
            other => return other,
        }
    }
}

/// A NETLINK_SOCK_DIAG socket, not yet bound or connected: the dump
/// socket and the destroy-event socket both start here.
pub(crate) fn open_sock_diag() -> Result<OwnedFd, NetError> {
    rustix::net::socket_with(
        AddressFamily::NETLINK,
        SocketType::RAW,
        SocketFlags::CLOEXEC,
        Some(netlink::SOCK_DIAG),
    )
    .map_err(|e| match e {
        Errno::PROTONOSUPPORT | Errno::AFNOSUPPORT => NetError::NoSockDiag,
        e => NetError::Sys("cannot open a sock_diag netlink socket", e),
    })
}

impl DiagSocket {
    pub fn open() -> Result<DiagSocket, NetError> {
        let fd = open_sock_diag()?;
        // Connected to the kernel (port 0), the socket refuses unicasts from
        // other processes' netlink sockets.
        rustix::net::connect(&fd, &SocketAddrNetlink::new(0, 0))
            .map_err(|e| NetError::Sys("cannot connect the netlink socket", e))?;
        Ok(DiagSocket { fd })
    }

    /// The socket, for ioctls that answer about its namespace
    /// (interface names).
    pub fn as_fd(&self) -> std::os::fd::BorrowedFd<'_> {
        use std::os::fd::AsFd;
        self.fd.as_fd()
    }

    /// Sends one framed request.
    pub fn send(&self, request: &[u8]) -> Result<(), NetError> {
        let sent = retry(|| rustix::net::send(&self.fd, request, SendFlags::empty()))
            .map_err(|e| NetError::Sys("cannot send the request to the kernel", e))?;
        if sent != request.len() {
            return Err(NetError::Sys("short send to the kernel", Errno::MSGSIZE));
        }
        Ok(())
    }

    /// Receives one datagram from the kernel into `buf` and returns its
    /// bytes. Datagrams from any other sender are dropped: they are not
    /// replies, and connect() should already keep them out.
    pub fn recv<'b>(&self, buf: &'b mut [u8]) -> Result<&'b [u8], NetError> {
        loop {
            let (n, full, from) =
                retry(|| rustix::net::recvfrom(&self.fd, &mut *buf, RecvFlags::TRUNC))
                    .map_err(|e| NetError::Sys("cannot receive from the kernel", e))?;
            if full > n {
                return Err(NetError::Truncated(full));
            }
            let from_kernel = from
                .and_then(|a| SocketAddrNetlink::try_from(a).ok())
                .is_some_and(|a| a.pid() == 0);
            if from_kernel {
                return Ok(&buf[..n]);
            }
        }
    }
}
