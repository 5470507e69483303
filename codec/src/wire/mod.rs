//! What the kernel sends and takes: one module per kernel header, each a
//! field table, checked zero-copy views and plain `Repr`s.

pub mod attr;
pub mod datagram;
pub mod inet;
pub mod inet_attr;
pub mod mptcp;
pub mod netlink_diag;
pub mod nlmsg;
pub mod packet;
pub mod sock_diag;
pub mod tcp_info;
pub mod tls;
pub mod unix;
