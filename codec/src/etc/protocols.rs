//! `/etc/protocols` (protocols(5)): `name number [alias...]`, the table
//! behind `getprotobynumber`, which ss calls to name a raw socket's
//! protocol in its port column (`0.0.0.0:icmp`).

use super::words;

/// One line of `/etc/protocols`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Protocol<'a> {
    /// The official name, the one ss prints.
    pub name: &'a str,
    /// The IP protocol number.
    pub number: u8,
}

impl<'a> Protocol<'a> {
    /// Parses one line; `None` for a comment, a blank line, or a line the
    /// C library would skip (no number, or one beyond 255).
    pub fn parse(line: &'a str) -> Option<Protocol<'a>> {
        let mut w = words(line);
        let name = w.next()?;
        let number = w.next()?;
        if !number.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        Some(Protocol {
            name,
            number: number.parse().ok()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_parse() {
        let p = Protocol::parse("icmp\t1\tICMP\t\t# internet control message protocol").unwrap();
        assert_eq!((p.name, p.number), ("icmp", 1));
        let p = Protocol::parse("ipv6-icmp 58 IPv6-ICMP").unwrap();
        assert_eq!((p.name, p.number), ("ipv6-icmp", 58));
    }

    #[test]
    fn test_malformed() {
        for line in ["", "# ip 0 IP", "ip", "ip x", "ip 256", "ip -1", "ip 1x"] {
            assert_eq!(Protocol::parse(line), None, "{line:?}");
        }
    }
}
