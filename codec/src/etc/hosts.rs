//! `/etc/hosts` (hosts(5)): `address canonical_name [alias...]`, the
//! `files` source of `gethostbyaddr` (ss's `-r`) and `gethostbyname2`
//! (host names in a filter: `src localhost`).

use core::net::IpAddr;

use super::{rest_from, words};

/// One line of `/etc/hosts`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Host<'a> {
    /// The address.
    pub addr: IpAddr,
    /// The canonical name, the one a reverse lookup gives.
    pub name: &'a str,
    /// The names after it, space-separated.
    aliases: &'a str,
}

impl<'a> Host<'a> {
    /// Parses one line; `None` for a comment, a blank line, or a line the
    /// C library would skip (an address that does not parse, no name).
    /// A scoped IPv6 address (`fe80::1%eth0`) is skipped too: a socket
    /// address has no scope to match it with.
    pub fn parse(line: &'a str) -> Option<Host<'a>> {
        let mut w = words(line);
        let addr = w.next()?.parse().ok()?;
        let name = w.next()?;
        let aliases = rest_from(line, w.next());
        Some(Host {
            addr,
            name,
            aliases,
        })
    }

    /// The aliases.
    pub fn aliases(&self) -> impl Iterator<Item = &'a str> + 'a {
        self.aliases.split_ascii_whitespace()
    }

    /// True when `name` is the canonical name or an alias; host names
    /// compare without regard to case, as the C library compares them.
    pub fn is_named(&self, name: &str) -> bool {
        self.name.eq_ignore_ascii_case(name) || self.aliases().any(|a| a.eq_ignore_ascii_case(name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::net::{Ipv4Addr, Ipv6Addr};

    #[test]
    fn test_parse() {
        let h = Host::parse("127.0.0.1\tlocalhost").unwrap();
        assert_eq!(
            (h.addr, h.name),
            (IpAddr::V4(Ipv4Addr::LOCALHOST), "localhost")
        );
        assert_eq!(h.aliases().count(), 0);
        let h = Host::parse("::1  ip6-localhost ip6-loopback  # v6").unwrap();
        assert_eq!(h.addr, IpAddr::V6(Ipv6Addr::LOCALHOST));
        assert_eq!(h.name, "ip6-localhost");
        assert!(h.is_named("IP6-Loopback") && !h.is_named("v6"));
    }

    #[test]
    fn test_malformed() {
        for line in [
            "",
            "# 127.0.0.1 localhost",
            "127.0.0.1",
            "localhost 127.0.0.1",
            "127.0.0.256 x",
            "fe80::1%eth0 x",
            "127.1 short",
        ] {
            assert_eq!(Host::parse(line), None, "{line:?}");
        }
    }
}
