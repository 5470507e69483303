//! What the kernel sends and takes: one module per kernel header, each a
//! `field` table, checked zero-copy views and plain `Repr`s.
//!
//! # The `check_len` contract
//!
//! A view over a message or attribute (`nlmsg::Packet`, `attr::Attr`,
//! `inet::MsgView`, `unix::MsgView`, `netlink_diag::MsgView`,
//! `packet::MsgView`, `vsock::MsgView`, `xdp::MsgView`,
//! `tcp_info::TcpInfo`, `mptcp::MptcpInfo`) has `new_unchecked`,
//! `check_len` and `new_checked`. Every length decision lives in
//! `check_len`; once it returned `Ok` (which `new_checked` calls) no
//! accessor can panic or read out of bounds. The views over an array inside
//! one attribute (`sock_diag::SkMemInfo`, `unix::Inodes`, `packet::McList`,
//! `packet::Filter`, `tcp_info::Md5Sigs`, `inet_attr::SockAddrs`,
//! `xdp::Stats`) and `tipc::MsgView`, which finds the one nest a TIPC reply
//! holds, have only `new_checked`: there is no way to hold one that was not
//! checked. Emitters take the caller's buffer and return
//! `Error::BufferTooSmall` instead of panicking.
//!
//! Values the kernel may extend (states, timers, socket types, modes) are
//! enums declared with `enum_with_unknown!` (below): a number
//! this codec does not know is kept as `Unknown(raw)`, never an error.

pub mod attr;
pub mod conversation;
pub mod datagram;
pub mod inet;
pub mod inet_attr;
pub mod inet_legacy;
pub mod mptcp;
pub mod netlink_diag;
pub mod nlmsg;
pub mod packet;
pub mod sk_storage;
pub mod sock_diag;
pub mod tcp_info;
pub mod tipc;
pub mod tls;
pub mod unix;
pub mod vsock;
pub mod xdp;

/// Declares an enum of the values a kernel field is known to take, plus
/// `Unknown(raw)` for every other, with `raw()` and `From` both ways, so a
/// value from a newer kernel is kept as sent rather than refused.
macro_rules! enum_with_unknown {
    (
        $(#[$attr:meta])*
        pub enum $name:ident($ty:ty) {
            $( $(#[$vattr:meta])* $variant:ident = $value:literal ),+ $(,)?
        }
    ) => {
        $(#[$attr])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $( $(#[$vattr])* $variant, )+
            /// A value this codec does not know, kept as sent.
            Unknown($ty),
        }

        impl $name {
            /// The number the kernel uses.
            pub const fn raw(self) -> $ty {
                match self {
                    $( $name::$variant => $value, )+
                    $name::Unknown(raw) => raw,
                }
            }
        }

        impl From<$ty> for $name {
            fn from(raw: $ty) -> $name {
                match raw {
                    $( $value => $name::$variant, )+
                    other => $name::Unknown(other),
                }
            }
        }

        impl From<$name> for $ty {
            fn from(value: $name) -> $ty {
                value.raw()
            }
        }
    };
}
pub(crate) use enum_with_unknown;
