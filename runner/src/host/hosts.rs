//! Host names from /etc/hosts: for `-r` (ss's `gethostbyaddr`: the first
//! line with the address gives its canonical name) and for host names in a
//! filter (`gethostbyname2`: every address of the name). Read once, on
//! first need; a missing file knows no names. An IPv4-mapped IPv6 address
//! is looked up as its IPv4 address, as iproute2 does.

use std::net::IpAddr;

use sockdiag_codec::capture::ProcText;
use sockdiag_codec::etc::hosts::Host;

use crate::host::context;
use crate::host::services::etc_text;

/// The addresses and names of /etc/hosts.
#[derive(Debug, Default)]
pub struct Hosts {
    /// (address, canonical name, aliases), in the file's order.
    lines: Vec<(IpAddr, String, Vec<String>)>,
    /// Address to canonical name (the first line's), sorted by address: a
    /// binary search costs no more than a hash lookup on a file this size
    /// and needs no hasher in the binary.
    by_addr: Vec<(IpAddr, usize)>,
}

impl Hosts {
    /// Reads /etc/hosts through `host`; empty when it cannot be read.
    pub fn load(host: &context::Host) -> Hosts {
        Hosts::parse(&etc_text(host, ProcText::Hosts, "/etc/hosts"))
    }

    fn parse(file: &str) -> Hosts {
        let mut hosts = Hosts::default();
        for h in file.lines().filter_map(Host::parse) {
            let at = hosts.lines.len();
            hosts.by_addr.push((h.addr, at));
            let aliases = h.aliases().map(String::from).collect();
            hosts.lines.push((h.addr, h.name.to_string(), aliases));
        }
        // Line numbers are unique, so the order is total and the first
        // entry of an address is its first line.
        crate::sort::sort_by_key(&mut hosts.by_addr, |&e| e);
        hosts.by_addr.dedup_by_key(|e| e.0);
        hosts
    }

    /// The canonical name of `addr`, if a line has it.
    pub fn name(&self, addr: IpAddr) -> Option<&str> {
        let addr = match addr {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(addr, IpAddr::V4),
            v4 => v4,
        };
        let i = self.by_addr.binary_search_by_key(&addr, |e| e.0).ok()?;
        let &(_, at) = self.by_addr.get(i)?;
        self.lines.get(at).map(|l| l.1.as_str())
    }

    /// Every address of `name`, canonical or alias, in the file's order;
    /// names compare without regard to case, as the C library compares them.
    pub fn addresses<'a>(&'a self, name: &'a str) -> impl Iterator<Item = IpAddr> + 'a {
        self.lines
            .iter()
            .filter(move |(_, canonical, aliases)| {
                canonical.eq_ignore_ascii_case(name)
                    || aliases.iter().any(|a| a.eq_ignore_ascii_case(name))
            })
            .map(|l| l.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_addresses() {
        let h = Hosts::parse(
            "127.0.0.1 localhost\n127.0.0.1 other\n::1 ip6-localhost localhost6\n\
             10.0.0.1 Box box.lan\n10.0.0.2 box\n",
        );
        assert_eq!(h.name("127.0.0.1".parse().unwrap()), Some("localhost"));
        assert_eq!(
            h.name("::ffff:127.0.0.1".parse().unwrap()),
            Some("localhost")
        );
        assert_eq!(h.name("::1".parse().unwrap()), Some("ip6-localhost"));
        assert_eq!(h.name("10.9.9.9".parse().unwrap()), None);
        let box_addrs: Vec<IpAddr> = h.addresses("BOX").collect();
        assert_eq!(
            box_addrs,
            [
                "10.0.0.1".parse::<IpAddr>().unwrap(),
                "10.0.0.2".parse().unwrap()
            ]
        );
        assert_eq!(h.addresses("localhost6").count(), 1);
        assert_eq!(Hosts::parse("").addresses("localhost").count(), 0);
    }
}
