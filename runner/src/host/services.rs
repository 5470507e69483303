//! Names for ports, as ss prints them without `-n` and reads them in a
//! filter: service names from /etc/services (ss's `getservbyport` and
//! `getservbyname`), a raw socket's protocol from /etc/protocols
//! (`getprotobynumber`), and the ephemeral port range ss never names. Each
//! file is read once, on first need; a missing or unreadable file means
//! numbers, as the C library has no entry then either.
//!
//! Plus what a filter expression names that only the system knows:
//! interfaces (`dev = lo`, from sysfs, or asked through a socket of
//! the namespace being listed), cgroup paths (`cgroup =
//! /system.slice`, the directory's inode on the cgroup v2 mount, which is
//! the cgroup id on 64-bit kernels) and hosts (`src localhost`).

use std::borrow::Cow;
use std::cell::RefCell;
use std::fs;
use std::os::fd::BorrowedFd;
use std::os::unix::fs::MetadataExt;

use sockdiag_codec::capture::{Kind, ProcText};
use sockdiag_codec::etc::protocols::Protocol;
use sockdiag_codec::etc::services::Service;
use sockdiag_codec::family;
use sockdiag_codec::filter::parse::{HostAddrs, Resolve};

use crate::host::context::Host;
use crate::host::hosts::Hosts;

/// The text of `file` at `path`, asked through `host`: a replay answers
/// with the recording machine's text, and a capture without it with none
/// (numbers, as for a missing file). The file is recorded whole, once, not
/// the names a run used: one record per file, the parsers unchanged, and
/// it answers any later name, a filter's `sport = :ssh` or `src myhost`
/// as well as the printing (what a `--snapshot` needs).
pub fn etc_text(host: &Host, file: ProcText, path: &str) -> String {
    host.text(Kind::ProcText, 0, file.into(), || {
        fs::read(path).ok().map(Cow::Owned)
    })
    .unwrap_or_default()
}

/// Where a name lies in a table's text: start and length.
type TextRange = (u32, u32);

/// The service table, sorted by port with the file's order kept among the
/// entries of one port (the C library returns the first).
#[derive(Debug, Default)]
pub struct Services {
    /// (port, protocol, name).
    entries: Vec<(u16, TextRange, TextRange)>,
    text: String,
}

fn range(text: &mut String, s: &str) -> TextRange {
    let start = text.len() as u32;
    text.push_str(s);
    (start, s.len() as u32)
}

fn get(text: &str, (start, len): TextRange) -> &str {
    text.get(start as usize..(start + len) as usize)
        .unwrap_or("")
}

impl Services {
    /// Reads /etc/services through `host`; empty when it cannot be read.
    pub fn load(host: &Host) -> Services {
        Services::parse(&etc_text(host, ProcText::Services, "/etc/services"))
    }

    fn parse(file: &str) -> Services {
        let mut s = Services::default();
        for svc in file.lines().filter_map(Service::parse) {
            let proto = range(&mut s.text, svc.protocol);
            let name = range(&mut s.text, svc.name);
            s.entries.push((svc.port, proto, name));
        }
        // By port, then by the protocol's offset in `text`, which grows in
        // the file's order: the first entry of a port stays first.
        crate::sort::sort_by_key(&mut s.entries, |&e| e);
        s
    }

    /// The name of `port` for `protocol` (`None`: any protocol, as ss
    /// asks for SCTP and MPTCP when no TCP or UDP table came first).
    pub fn name(&self, port: u16, protocol: Option<&str>) -> Option<&str> {
        let start = self.entries.partition_point(|e| e.0 < port);
        self.entries[start..]
            .iter()
            .take_while(|e| e.0 == port)
            .find(|e| protocol.is_none_or(|p| get(&self.text, e.1) == p))
            .map(|e| get(&self.text, e.2))
    }
}

/// ss's names of the IP protocols, for a raw socket's "port": the name in
/// /etc/protocols, else `ipproto-N`.
#[derive(Debug)]
pub struct Protocols(Vec<String>);

impl Protocols {
    pub fn load(host: &Host) -> Protocols {
        Protocols::parse(&etc_text(host, ProcText::Protocols, "/etc/protocols"))
    }

    fn parse(file: &str) -> Protocols {
        let mut names: Vec<Option<String>> = vec![None; 256];
        for p in file.lines().filter_map(Protocol::parse) {
            names[usize::from(p.number)].get_or_insert_with(|| p.name.to_string());
        }
        let names = names
            .into_iter()
            .enumerate()
            .map(|(n, name)| name.unwrap_or_else(|| format!("ipproto-{n}")))
            .collect();
        Protocols(names)
    }

    pub fn name(&self, number: u16) -> Option<&str> {
        self.0.get(usize::from(number)).map(String::as_str)
    }
}

/// Which names a table's ports get, as ss's `dg_proto` decides: TCP and
/// UDP their services, RAW its protocol; SCTP and MPTCP whatever the last
/// of RAW, UDP and TCP listed before them set (ss keeps the variable), or
/// any protocol's service when none was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PortKind {
    Service(Option<&'static str>),
    Protocol,
}

/// Port names for one listing, read on first need.
#[derive(Debug)]
pub struct PortNames {
    services: Option<Services>,
    protocols: Option<Protocols>,
    /// ss names no port in this range: /etc/services has many names there
    /// that would only mislead.
    ephemeral: (u16, u16),
}

impl PortNames {
    pub fn new(ephemeral: (u16, u16)) -> PortNames {
        PortNames {
            services: None,
            protocols: None,
            ephemeral,
        }
    }

    /// The namespace being listed has this ephemeral range.
    pub fn set_ephemeral(&mut self, range: (u16, u16)) {
        self.ephemeral = range;
    }

    /// Reads the table `kind` needs through `host`, if not yet read.
    pub fn load(&mut self, kind: PortKind, host: &Host) {
        match kind {
            PortKind::Protocol => {
                self.protocols.get_or_insert_with(|| Protocols::load(host));
            }
            PortKind::Service(_) => {
                self.services.get_or_insert_with(|| Services::load(host));
            }
        }
    }

    /// The name ss prints for `port` of a socket of `kind`, if any (after
    /// [`PortNames::load`]); port 0 prints as `*` and needs none.
    pub fn name(&self, kind: PortKind, port: u16) -> Option<&str> {
        if port == 0 {
            return None;
        }
        match kind {
            PortKind::Protocol => self.protocols.as_ref()?.name(port),
            PortKind::Service(protocol) => {
                let (lo, hi) = self.ephemeral;
                if (lo..=hi).contains(&port) {
                    return None;
                }
                self.services.as_ref()?.name(port, protocol)
            }
        }
    }
}

/// Resolves names for the tables being listed: a service name is looked
/// up for TCP when TCP is listed, for UDP when UDP is, as in ss; host names
/// in the families listed (`family`: the one `-4` or `-6` chose). The
/// files are asked through `host`.
pub struct SysResolver {
    pub tcp: bool,
    pub udp: bool,
    pub family: Option<u8>,
    pub host: Host,
}

impl Resolve for SysResolver {
    fn service(&self, name: &str) -> Option<u16> {
        let text = etc_text(&self.host, ProcText::Services, "/etc/services");
        let find = |proto: &str| {
            text.lines()
                .filter_map(Service::parse)
                .find(|s| s.protocol == proto && s.is_named(name))
                .map(|s| s.port)
        };
        let udp = self.udp.then(|| find("udp")).flatten();
        let tcp = self.tcp.then(|| find("tcp")).flatten();
        match (udp, tcp) {
            // ss: "ambiguous port"; refuse rather than guess.
            (Some(u), Some(t)) if u != t => None,
            (u, t) => u.or(t),
        }
    }

    fn host(&self, name: &str, found: &mut HostAddrs) {
        let hosts = Hosts::load(&self.host);
        // ss asks for IPv4 addresses first, then IPv6 ones.
        for v6 in [false, true] {
            let family = if v6 { family::INET6 } else { family::INET };
            if self.family.is_some_and(|f| f != family) {
                continue;
            }
            for addr in hosts.addresses(name) {
                if addr.is_ipv6() == v6 && !found.contains(&addr) {
                    // More addresses than a filter holds: the first ones.
                    let _ = found.push(addr);
                }
            }
        }
    }

    fn device(&self, name: &str) -> Option<u32> {
        // Asked of the kernel, as ss's if_nametoindex does: sysfs shows the
        // namespace of whoever mounted it, not necessarily this one.
        let index = self.host.key_of(Kind::IfName, 0, name.as_bytes(), || {
            use rustix::net::{socket_with, AddressFamily, SocketFlags, SocketType};
            let socket = socket_with(
                AddressFamily::NETLINK,
                SocketType::RAW,
                SocketFlags::CLOEXEC,
                None,
            )
            .ok()?;
            rustix::net::netdevice::name_to_index(&socket, name)
                .ok()
                .map(u64::from)
        })?;
        u32::try_from(index).ok()
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
/// through a socket of it (SIOCGIFINDEX), asked through the host as
/// namespace `netns`'s (a replay has no socket), the rest as
/// [`SysResolver`]. A name it does not have resolves to [`NO_DEVICE`] and
/// is noted in `unknown`, for the caller to decide.
pub struct NetnsResolver<'a> {
    pub sys: &'a SysResolver,
    pub socket: Option<BorrowedFd<'a>>,
    pub netns: u64,
    pub unknown: RefCell<Vec<String>>,
}

impl Resolve for NetnsResolver<'_> {
    fn service(&self, name: &str) -> Option<u16> {
        self.sys.service(name)
    }

    fn host(&self, name: &str, found: &mut HostAddrs) {
        self.sys.host(name, found)
    }

    fn device(&self, name: &str) -> Option<u32> {
        let index = self
            .sys
            .host
            .key_of(Kind::IfName, self.netns, name.as_bytes(), || {
                let socket = self.socket?;
                rustix::net::netdevice::name_to_index(socket, name)
                    .ok()
                    .map(u64::from)
            });
        match index.and_then(|i| u32::try_from(i).ok()) {
            Some(index) => Some(index),
            // Not a name: the parser reads it as an index.
            None if is_index(name) => None,
            None => {
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

    fn host(&self, name: &str, found: &mut HostAddrs) {
        self.0.host(name, found)
    }

    fn device(&self, name: &str) -> Option<u32> {
        // IFNAMSIZ holds 15 bytes and the NUL; an index is read as one.
        (!name.is_empty() && name.len() < 16 && !is_index(name)).then_some(NO_DEVICE)
    }

    fn cgroup(&self, path: &str) -> Option<u64> {
        self.0.cgroup(path)
    }
}

/// The command line's resolver for `--decode`: service and host names
/// are known only once the capture is read, where each namespace's
/// filter parses again through the capture's [`Host`]; here a name stands
/// for a placeholder, so that the command line's syntax is checked.
pub struct NamesLater<'a>(pub DevicesLater<'a>);

impl Resolve for NamesLater<'_> {
    fn service(&self, name: &str) -> Option<u16> {
        (!name.is_empty()).then_some(0)
    }

    fn host(&self, _name: &str, found: &mut HostAddrs) {
        let _ = found.push(std::net::Ipv4Addr::UNSPECIFIED.into());
    }

    fn device(&self, name: &str) -> Option<u32> {
        self.0.device(name)
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

/// Namespace `netns`'s ephemeral range asked through `host`; `live` reads
/// it (inside the namespace, before the question is asked). The answer
/// is the two ports, host order: no text to format and parse again. A
/// capture without it (recorded before the range was) has ss's fallback.
pub fn ephemeral_through(host: &Host, netns: u64, live: impl FnOnce() -> (u16, u16)) -> (u16, u16) {
    let value = host.answer(Kind::ProcText, netns, ProcText::PortRange.into(), || {
        let (lo, hi) = live();
        let [a, b] = lo.to_ne_bytes();
        let [c, d] = hi.to_ne_bytes();
        Some(Cow::Owned(vec![a, b, c, d]))
    });
    match value.as_deref() {
        Some(&[a, b, c, d]) => (u16::from_ne_bytes([a, b]), u16::from_ne_bytes([c, d])),
        _ => (1024, 4999),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SERVICES: &str = "\
# comment
tcpmux\t\t1/tcp\t\t\t\t# TCP port service multiplexer
domain\t\t53/tcp\t\t\t\t# Domain Name Server
domain\t\t53/udp
http\t\t80/tcp\t\twww\t\t# WorldWideWeb HTTP
first\t\t81/udp
second\t\t81/tcp
second-udp\t81/udp
";

    #[test]
    fn services_by_port_as_getservbyport() {
        let s = Services::parse(SERVICES);
        assert_eq!(s.name(53, Some("udp")), Some("domain"));
        assert_eq!(s.name(80, Some("tcp")), Some("http"));
        assert_eq!(s.name(80, Some("udp")), None);
        // The first entry of the port wins, for a protocol or any.
        assert_eq!(s.name(81, Some("udp")), Some("first"));
        assert_eq!(s.name(81, Some("tcp")), Some("second"));
        assert_eq!(s.name(81, None), Some("first"));
        assert_eq!(s.name(2, None), None);
        assert_eq!(Services::parse("").name(80, None), None);
    }

    #[test]
    fn ephemeral_ports_and_raw_protocols() {
        let mut names = PortNames::new((32768, 60999));
        assert_eq!(names.name(PortKind::Protocol, 1), None, "not loaded");
        names.services = Some(Services::parse(SERVICES));
        names.protocols = Some(Protocols::parse("icmp 1 ICMP\nip 0 IP\nicmp2 1\n"));
        let tcp = PortKind::Service(Some("tcp"));
        assert_eq!(names.name(tcp, 80), Some("http"));
        assert_eq!(names.name(tcp, 0), None);
        names.services = Some(Services::parse("x 40000/tcp\n"));
        assert_eq!(names.name(tcp, 40000), None, "ss names no ephemeral port");
        assert_eq!(names.name(PortKind::Protocol, 1), Some("icmp"));
        assert_eq!(names.name(PortKind::Protocol, 2), Some("ipproto-2"));
        assert_eq!(names.name(PortKind::Protocol, 999), None);
    }

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
            family: None,
            host: Host::Live,
        };
        assert_eq!(sys.device("lo"), Some(1), "asked of the kernel");
        assert_eq!(DevicesLater(&sys).device("2"), None);
        assert_eq!(DevicesLater(&sys).device("eth0"), Some(NO_DEVICE));
        assert_eq!(DevicesLater(&sys).device("a-name-too-long0"), None);
    }
}
