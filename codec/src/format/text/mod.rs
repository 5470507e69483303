//! Text output in ss's columns and spellings, one file per kind of socket,
//! written to any `core::fmt::Write`. No syscall is needed to format a
//! record, so this lives in the codec where it is fuzzed; the runner only
//! looks up names and moves bytes.

use core::fmt::{self, Write};

mod inet;
mod netlink;
mod packet;
mod proc;
mod skmem;
mod tcp;
mod tipc;
mod unix;
mod vsock;
mod xdp;

pub use inet::{has_detail_line, write_detail_line, write_inet};
pub use netlink::{write_netlink, write_proc_netlink};
pub use packet::{write_packet, write_proc_packet};
pub use proc::write_proc_inet;
pub use skmem::write_skmem;
pub use tipc::write_tipc;
pub use unix::write_unix;
pub use vsock::write_vsock;
pub use xdp::write_xdp;

/// ss's `-e` shutdown marker: `<->` open both ways, `-` for a closed side.
fn write_shutdown<W: Write>(w: &mut W, shutdown: Option<u8>) -> fmt::Result {
    match shutdown {
        Some(m) => write!(
            w,
            " {}-{}",
            if m & 1 != 0 { '-' } else { '<' },
            if m & 2 != 0 { '-' } else { '>' }
        ),
        None => Ok(()),
    }
}

/// Records the JSON tests share with the text tests.
#[cfg(test)]
pub(crate) mod tests {
    pub(crate) use super::netlink::tests::netlink_rec;
    pub(crate) use super::packet::tests::packet_rec;
    pub(crate) use super::tipc::tests::tipc_rec;
    pub(crate) use super::vsock::tests::vsock_rec;
    pub(crate) use super::xdp::tests::xdp_payload;
}
