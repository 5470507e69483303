//! The socket as a filter sees it: what the kernel's `inet_diag_entry`
//! holds (`net/ipv4/inet_diag.c`), and the kernel's host-condition test
//! over it. Both evaluators, the compiled program and the expression, read
//! this one model, so they cannot disagree on what a socket is.

use crate::family;
use crate::wire::inet::InetRecord;

/// Which end of a socket a condition tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    /// The local end (`src`, `sport`).
    Src,
    /// The remote end (`dst`, `dport`).
    Dst,
}

/// What the kernel's `inet_diag_entry` holds about one socket: everything a
/// program (and an [`Expr`](crate::filter::expr::Expr)) can test.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[doc(alias = "inet_diag_entry")]
pub struct Entry {
    /// `AF_INET` or `AF_INET6`.
    pub family: u8,
    /// Local address, network order; IPv4 uses the first 4 bytes.
    pub src: [u8; 16],
    /// Remote address, network order; IPv4 uses the first 4 bytes.
    pub dst: [u8; 16],
    /// Local port (`inet_num`; a raw socket's protocol).
    pub sport: u16,
    /// Remote port.
    pub dport: u16,
    /// `sk_bound_dev_if`
    pub ifindex: u32,
    /// The port was picked by the kernel (no `SOCK_BINDPORT_LOCK`); true
    /// for TIME-WAIT and request sockets, which carry no lock bits.
    pub autobound: bool,
    /// `sk_mark`
    pub mark: u32,
    /// cgroup v2 id.
    pub cgroup_id: u64,
}

impl Entry {
    /// The entry of a decoded record. The kernel's lock bit does not travel
    /// in a reply, so the caller says whether the port counts as autobound
    /// (ss: the port lies in `ip_local_port_range`). A mark or cgroup the
    /// kernel did not send counts as 0, as in ss.
    pub fn from_record(rec: &InetRecord<'_>, autobound: bool) -> Entry {
        let bytes = |a: core::net::IpAddr| {
            let mut out = [0u8; 16];
            match a {
                core::net::IpAddr::V4(v4) => out[..4].copy_from_slice(&v4.octets()),
                core::net::IpAddr::V6(v6) => out = v6.octets(),
            }
            out
        };
        Entry {
            family: rec.family,
            src: bytes(rec.id.src),
            dst: bytes(rec.id.dst),
            sport: rec.id.sport,
            dport: rec.id.dport,
            ifindex: rec.id.ifindex,
            autobound,
            mark: rec.mark.unwrap_or(0),
            cgroup_id: rec.cgroup_id.unwrap_or(0),
        }
    }
}

/// The kernel's test of an S_COND/D_COND host condition (`inet_diag_bc_run`):
/// port (-1 any), then family, with an AF_INET condition also matching a
/// v4-mapped address of an AF_INET6 socket, then the prefix.
pub(crate) fn host_matches(
    fam: u8,
    prefix: u8,
    port: i32,
    addr: &[u8; 16],
    end: End,
    e: &Entry,
) -> bool {
    let (sock_port, sock_addr) = match end {
        End::Src => (e.sport, &e.src),
        End::Dst => (e.dport, &e.dst),
    };
    if port != -1 && port != i32::from(sock_port) {
        return false;
    }
    if fam != 0 && fam != e.family {
        let mapped = sock_addr[..10].iter().all(|&b| b == 0) && sock_addr[10..12] == [0xff, 0xff];
        return e.family == family::INET6
            && fam == family::INET
            && mapped
            && prefix_match(&sock_addr[12..], addr, prefix);
    }
    prefix == 0 || prefix_match(sock_addr, addr, prefix)
}

/// `bitstring_match`: the first `bits` bits of `a` and `b` agree.
fn prefix_match(a: &[u8], b: &[u8], bits: u8) -> bool {
    let bytes = usize::from(bits / 8);
    let rest = bits % 8;
    if a.get(..bytes) != b.get(..bytes) {
        return false;
    }
    if rest == 0 {
        return true;
    }
    let mask = 0xffu8 << (8 - rest);
    (byte_at(a, bytes) ^ byte_at(b, bytes)) & mask == 0
}

fn byte_at(b: &[u8], i: usize) -> u8 {
    b.get(i).copied().unwrap_or(0)
}
