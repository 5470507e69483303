//! The names a filter expression may use that only the system knows:
//! service names (`sport = :ssh`, from /etc/services, as ss's
//! getservbyname), interface names (`dev = lo`, from sysfs, or asked
//! through a socket of the namespace being listed) and cgroup paths
//! (`cgroup = /system.slice`, the directory's inode on the cgroup v2
//! mount, which is the cgroup id on 64-bit kernels). Plus the ephemeral
//! port range that ss's user-space `autobound` test reads.

use std::cell::RefCell;
use std::fs;
use std::os::fd::BorrowedFd;
use std::os::unix::fs::MetadataExt;

use sockdiag_codec::filter::parse::Resolve;

/// Resolves names for the tables being listed (a service name is looked up
/// for TCP when TCP is listed, for UDP when UDP is, as in ss).
pub struct SysResolver {
    pub tcp: bool,
    pub udp: bool,
}

impl Resolve for SysResolver {
    fn service(&self, name: &str) -> Option<u16> {
        let text = fs::read_to_string("/etc/services").ok()?;
        let find = |proto: &str| {
            text.lines().find_map(|line| {
                let line = line.split('#').next().unwrap_or("");
                let mut words = line.split_whitespace();
                let first = words.next()?;
                let (port, p) = words.next()?.split_once('/')?;
                let named = first == name || words.any(|alias| alias == name);
                (named && p == proto).then(|| port.parse().ok()).flatten()
            })
        };
        let udp = self.udp.then(|| find("udp")).flatten();
        let tcp = self.tcp.then(|| find("tcp")).flatten();
        match (udp, tcp) {
            // ss: "ambiguous port"; refuse rather than guess.
            (Some(u), Some(t)) if u != t => None,
            (u, t) => u.or(t),
        }
    }

    fn device(&self, name: &str) -> Option<u32> {
        if name.contains('/') || name.starts_with('.') {
            return None;
        }
        fs::read_to_string(format!("/sys/class/net/{name}/ifindex"))
            .ok()?
            .trim()
            .parse()
            .ok()
    }

    fn cgroup(&self, path: &str) -> Option<u64> {
        let rel = path.trim_start_matches('/');
        if rel.split('/').any(|part| part == "..") {
            return None;
        }
        // The cgroup v2 mount: /sys/fs/cgroup, or /sys/fs/cgroup/unified on
        // hybrid systems.
        let mounts = fs::read_to_string("/proc/mounts").unwrap_or_default();
        let root = mounts
            .lines()
            .map(|l| l.split_whitespace().collect::<Vec<_>>())
            .find(|w| w.get(2) == Some(&"cgroup2"))
            .and_then(|w| w.get(1).map(|m| m.to_string()))
            .unwrap_or_else(|| "/sys/fs/cgroup".into());
        let meta = fs::metadata(format!("{root}/{rel}")).ok()?;
        meta.is_dir().then(|| meta.ino())
    }
}

/// An interface index no interface has: the kernel numbers them from 1 to
/// `i32::MAX`. `dev = NAME` for a name a namespace does not have matches no
/// socket of it, and `not dev = NAME` every one.
pub const NO_DEVICE: u32 = u32::MAX;

/// Resolves a filter's names for one network namespace: interface names
/// through a socket of it (SIOCGIFINDEX), the rest as [`SysResolver`]. A
/// name it does not have resolves to [`NO_DEVICE`] and is noted in
/// `unknown`, for the caller to decide.
pub struct NetnsResolver<'a> {
    pub sys: &'a SysResolver,
    pub socket: BorrowedFd<'a>,
    pub unknown: RefCell<Vec<String>>,
}

impl Resolve for NetnsResolver<'_> {
    fn service(&self, name: &str) -> Option<u16> {
        self.sys.service(name)
    }

    fn device(&self, name: &str) -> Option<u32> {
        match rustix::net::netdevice::name_to_index(self.socket, name) {
            Ok(index) => Some(index),
            // Not a name: the parser reads it as an index.
            Err(_) if is_index(name) => None,
            Err(_) => {
                self.unknown.borrow_mut().push(name.to_string());
                Some(NO_DEVICE)
            }
        }
    }

    fn cgroup(&self, path: &str) -> Option<u64> {
        self.sys.cgroup(path)
    }
}

/// A `dev` value the filter parser reads as an interface index (C's
/// `strtoul` spellings: decimal, `0x` hex, octal).
fn is_index(name: &str) -> bool {
    let hex = name.strip_prefix("0x").or_else(|| name.strip_prefix("0X"));
    match hex {
        Some(h) => !h.is_empty() && h.bytes().all(|b| b.is_ascii_hexdigit()),
        None => !name.is_empty() && name.bytes().all(|b| b.is_ascii_digit()),
    }
}

/// The command line's resolver when the listing is of other namespaces:
/// an interface name is taken as written, to be resolved in each namespace
/// ([`NetnsResolver`]).
pub struct DevicesLater<'a>(pub &'a SysResolver);

impl Resolve for DevicesLater<'_> {
    fn service(&self, name: &str) -> Option<u16> {
        self.0.service(name)
    }

    fn device(&self, name: &str) -> Option<u32> {
        // IFNAMSIZ holds 15 bytes and the NUL; an index is read as one.
        (!name.is_empty() && name.len() < 16 && !is_index(name)).then_some(NO_DEVICE)
    }

    fn cgroup(&self, path: &str) -> Option<u64> {
        self.0.cgroup(path)
    }
}

/// `/proc/sys/net/ipv4/ip_local_port_range`, or ss's fallback 1024-4999.
/// Each namespace has its own: read it inside the one being listed.
pub fn ephemeral_range() -> (u16, u16) {
    fs::read_to_string("/proc/sys/net/ipv4/ip_local_port_range")
        .ok()
        .and_then(|t| {
            let mut w = t.split_whitespace().map(|n| n.parse().ok());
            Some((w.next()??, w.next()??))
        })
        .unwrap_or((1024, 4999))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Under -N and --all-netns an interface index stays an index, and a
    /// name waits for the namespace.
    #[test]
    fn indexes_are_not_names() {
        for index in ["1", "0x1f", "017"] {
            assert!(is_index(index), "{index}");
        }
        for name in ["eth0", "0xg", "", "0x"] {
            assert!(!is_index(name), "{name}");
        }
        let sys = SysResolver {
            tcp: true,
            udp: false,
        };
        assert_eq!(DevicesLater(&sys).device("2"), None);
        assert_eq!(DevicesLater(&sys).device("eth0"), Some(NO_DEVICE));
        assert_eq!(DevicesLater(&sys).device("a-name-too-long0"), None);
    }
}
