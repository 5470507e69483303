//! `/etc/services` (services(5)): `name port/protocol [alias...]`, the
//! table behind `getservbyport` and `getservbyname`, which ss calls to
//! print `0.0.0.0:ssh` and to read `sport = :ssh`.

use super::{rest_from, words};

/// One line of `/etc/services`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Service<'a> {
    /// The official name, the one ss prints.
    pub name: &'a str,
    /// The port.
    pub port: u16,
    /// `tcp`, `udp`, `sctp`, ...
    pub protocol: &'a str,
    /// The other names, as written (space-separated).
    aliases: &'a str,
}

impl<'a> Service<'a> {
    /// Parses one line; `None` for a comment, a blank line, or a line the
    /// C library would skip (no `port/protocol`, a port beyond 65535).
    pub fn parse(line: &'a str) -> Option<Service<'a>> {
        let mut w = words(line);
        let name = w.next()?;
        let (port, protocol) = w.next()?.split_once('/')?;
        if protocol.is_empty() || port.is_empty() || !port.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let port = port.parse().ok()?;
        let aliases = rest_from(line, w.next());
        Some(Service {
            name,
            port,
            protocol,
            aliases,
        })
    }

    /// The other names.
    pub fn aliases(&self) -> impl Iterator<Item = &'a str> + 'a {
        self.aliases.split_ascii_whitespace()
    }

    /// True when `name` is the official name or an alias.
    pub fn is_named(&self, name: &str) -> bool {
        self.name == name || self.aliases().any(|a| a == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_parse() {
        let s = Service::parse("ssh\t\t22/tcp\t\t\t# SSH Remote Login Protocol").unwrap();
        assert_eq!((s.name, s.port, s.protocol), ("ssh", 22, "tcp"));
        assert_eq!(s.aliases().count(), 0);
        let s = Service::parse("http  80/tcp  www www-http # WorldWideWeb").unwrap();
        assert_eq!((s.name, s.port), ("http", 80));
        assert!(s.is_named("www") && s.is_named("www-http") && s.is_named("http"));
        assert!(!s.is_named("WorldWideWeb") && !s.is_named("ww"));
    }

    #[test]
    fn test_malformed() {
        for line in [
            "",
            "   ",
            "# ssh 22/tcp",
            "ssh",
            "ssh 22",
            "ssh /tcp",
            "ssh 22/",
            "ssh 65536/tcp",
            "ssh -1/tcp",
            "ssh 2x/tcp",
            "ssh #22/tcp",
        ] {
            assert_eq!(Service::parse(line), None, "{line:?}");
        }
    }
}
