#![doc = include_str!("../README.md")]
#![no_std]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod capture;
pub mod error;
pub mod etc;
pub mod filter;
#[cfg(feature = "format")]
pub mod format;
pub mod http;
pub mod netns;
pub mod proc;
pub mod wire;

pub use error::{Error, Result};

/// A byte range inside a fixed-layout structure: the one source of offsets.
pub type Field = core::ops::Range<usize>;

/// Address families as the kernel numbers them (`AF_*` in `linux/socket.h`).
pub mod family {
    /// `AF_UNSPEC`: in the legacy TCP request, both IP families.
    pub const UNSPEC: u8 = 0;
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
