#![doc = include_str!("../README.md")]
#![no_std]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

//! # The contract
//!
//! Every view type (`nlmsg::Packet`, `attr::Attr`, `inet::MsgView`, ...)
//! follows one rule, borrowed from smoltcp: `new_checked` validates every
//! length once, and after it returned `Ok` no accessor can panic or read out
//! of bounds. All length decisions live in `check_len`; accessors only index.
//! Emitters take the caller's buffer and return `Error::BufferTooSmall`
//! instead of panicking.

pub mod attr;
pub mod bytecode;
pub mod capture;
pub mod dump;
pub mod error;
pub mod expr;
pub mod format;
pub mod inet;
pub mod inet_attr;
pub mod mptcp;
pub mod netlink;
pub mod nlmsg;
pub mod packet;
pub mod procnet;
pub mod select;
pub mod sock_diag;
pub mod sockstat;
pub mod tcp;
pub mod tls;
pub mod unix;

/// Kernel messages of the families added after the first layout; the
/// re-laid crate keeps every wire module here.
pub mod wire {
    pub mod tipc;
    pub mod vsock;
    pub mod xdp;
}

/// The kernel's /proc text tables; the re-laid crate keeps every /proc
/// parser here.
pub mod proc {
    pub mod columns;
    pub mod netlink;
    pub mod packet;
    pub mod unix;
}

pub use error::{Error, Result};

/// A byte range inside a fixed-layout structure: the one source of offsets.
pub type Field = core::ops::Range<usize>;

/// Address families as the kernel numbers them (`AF_*` in `linux/socket.h`).
pub mod family {
    /// `AF_UNIX`
    pub const UNIX: u8 = 1;
    /// `AF_INET`
    pub const INET: u8 = 2;
    /// `AF_INET6`
    pub const INET6: u8 = 10;
    /// `AF_NETLINK`
    pub const NETLINK: u8 = 16;
    /// `AF_PACKET`
    pub const PACKET: u8 = 17;
    /// `AF_TIPC`
    pub const TIPC: u8 = 30;
    /// `AF_VSOCK`
    pub const VSOCK: u8 = 40;
    /// `AF_XDP`
    pub const XDP: u8 = 44;
}

/// Netlink aligns every message and attribute to 4 bytes (`NLMSG_ALIGN`).
/// Saturates instead of overflowing: a length near `usize::MAX` can only come
/// from a corrupt message, and the caller's bounds check rejects it anyway.
#[inline]
pub(crate) const fn align4(len: usize) -> usize {
    match len.checked_add(3) {
        Some(l) => l & !3,
        None => usize::MAX & !3,
    }
}
