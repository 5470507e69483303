//! Evaluating an expression on a decoded socket, in user space: on an inet
//! socket with the kernel's semantics (so it agrees with the compiled
//! program), on unix, netlink and packet sockets as ss does.

use heapless::Vec;

use crate::filter::expr::{Expr, Node, NodeId, Pred};
use crate::filter::glob::fnmatch;
use crate::filter::socket::{host_matches, End, Entry};
use crate::wire::unix::{UnixName, UnixRecord};

impl Expr {
    fn eval_with(&self, id: NodeId, leaf: &mut dyn FnMut(&Pred) -> bool) -> bool {
        match self.node(id) {
            Some(Node::Pred(p)) => leaf(&p),
            Some(Node::Not(a)) => !self.eval_with(a, leaf),
            Some(Node::And(a, b)) => self.eval_with(a, leaf) && self.eval_with(b, leaf),
            Some(Node::Or(a, b)) => self.eval_with(a, leaf) || self.eval_with(b, leaf),
            None => false,
        }
    }

    /// Evaluates the expression on an inet socket with the kernel's
    /// semantics, so that it agrees with the compiled program on every
    /// entry. A unix pattern never matches an inet socket.
    pub fn eval(&self, e: &Entry) -> bool {
        let Some(root) = self.root else { return true };
        self.eval_with(root, &mut |p| match *p {
            Pred::Host { end, cond } => host_matches(
                cond.family,
                cond.prefix_len,
                cond.port.map_or(-1, |p| p as i32),
                &cond.addr,
                end,
                e,
            ),
            Pred::PortCmp { end, ge, port } => {
                let port = port.clamp(0, 0xffff);
                let mine = i32::from(if end == End::Src { e.sport } else { e.dport });
                if ge {
                    mine >= port
                } else {
                    mine <= port
                }
            }
            Pred::Auto => e.autobound,
            Pred::Dev(i) => e.ifindex == i,
            Pred::Mark { mark, mask } => e.mark & mask == mark,
            Pred::Cgroup(id) => e.cgroup_id == id,
            Pred::UnixPath { .. } => false,
        })
    }

    /// Evaluates the expression on a unix socket as ss does: a port is the
    /// socket's inode (local) or its peer's (remote); an address never
    /// matches; a pattern matches the name as ss prints it (`@` for the
    /// NULs of an abstract name), while the remote name is always empty;
    /// `autobound` means unnamed or an autobind name (`@` and five hex
    /// digits); interface, mark and cgroup are 0.
    pub fn eval_unix(&self, rec: &UnixRecord<'_>) -> bool {
        let Some(root) = self.root else { return true };
        let mut name: Vec<u8, 128> = Vec::new();
        match rec.name {
            UnixName::Unnamed => {}
            UnixName::Path(p) => p.iter().take(127).for_each(|&b| {
                let _ = name.push(b);
            }),
            UnixName::Abstract(a) => {
                let _ = name.push(b'@');
                a.iter().take(126).for_each(|&b| {
                    let _ = name.push(if b == 0 { b'@' } else { b });
                });
            }
        }
        let unnamed = rec.name == UnixName::Unnamed;
        let inode = i64::from(rec.inode);
        let peer = i64::from(rec.peer.unwrap_or(0));
        self.eval_with(root, &mut |p| match *p {
            Pred::Auto => {
                unnamed
                    || (name.len() == 6
                        && name[0] == b'@'
                        && name[1..]
                            .iter()
                            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(b)))
            }
            Pred::UnixPath { end, start, stop } => {
                let pat = self
                    .patterns
                    .get(usize::from(start)..usize::from(stop))
                    .unwrap_or(&[]);
                let subject: &[u8] = if end == End::Src { &name } else { &[] };
                fnmatch(pat, subject)
            }
            // Ports are the inodes; no mark, interface or cgroup.
            _ => ports_only(p, inode, peer),
        })
    }

    /// Evaluates the expression on a socket that has ports but no
    /// addresses, as ss does for netlink (local: the port id, remote: -1)
    /// and packet sockets (local: the interface index, remote: 0): a host
    /// condition matches on its port alone when it names no address;
    /// `autobound` and unix patterns never match; interface, mark and
    /// cgroup are 0.
    pub fn eval_ports(&self, local: i64, remote: i64) -> bool {
        let Some(root) = self.root else { return true };
        self.eval_with(root, &mut |p| ports_only(p, local, remote))
    }
}

/// A predicate on a socket known only by two numbers (ss's `lport` and
/// `rport`): a host condition matches on its port alone when it names no
/// address; `autobound` and unix patterns never match; interface, mark
/// (0 & mask is 0) and cgroup are 0.
fn ports_only(p: &Pred, local: i64, remote: i64) -> bool {
    match *p {
        Pred::Host { end, cond } => {
            let mine = if end == End::Src { local } else { remote };
            cond.port.is_none_or(|port| i64::from(port) == mine) && cond.prefix_len == 0
        }
        Pred::PortCmp { end, ge, port } => {
            let mine = if end == End::Src { local } else { remote };
            if ge {
                mine >= i64::from(port)
            } else {
                mine <= i64::from(port)
            }
        }
        Pred::Auto | Pred::UnixPath { .. } => false,
        Pred::Dev(i) => i == 0,
        Pred::Mark { mark, .. } => mark == 0,
        Pred::Cgroup(id) => id == 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::filter::parse::{NoResolve, ParseOptions};

    #[test]
    fn test_eval_ports() {
        let e = parse("sport = :42 and not dport = :7");
        assert!(e.eval_ports(42, -1));
        assert!(!e.eval_ports(43, -1));
        assert!(!e.eval_ports(42, 7));
        assert!(!parse("src 127.0.0.1").eval_ports(42, -1));
        assert!(parse("dport < :5").eval_ports(1, -1));
        assert!(!parse("autobound").eval_ports(1, -1));
    }

    fn parse(s: &str) -> Expr {
        Expr::parse(s, &ParseOptions::inet()).unwrap_or_else(|e| panic!("{s:?}: {e}"))
    }

    #[test]
    fn test_eval_unix() {
        use crate::wire::inet::TcpState;
        use crate::wire::sock_diag::SockType;
        let opts = ParseOptions {
            unix: true,
            resolve: &NoResolve,
        };
        let rec = UnixRecord {
            name: UnixName::Path(b"/run/a.sock"),
            peer: Some(40),
            ..UnixRecord::new(SockType::Stream, TcpState::Established, 30)
        };
        let unix = |s: &str| Expr::parse(s, &opts).unwrap();
        assert!(unix("src /run/*").eval_unix(&rec));
        assert!(unix("src /run/?.sock").eval_unix(&rec));
        assert!(unix("src /run/[a-c].sock").eval_unix(&rec));
        assert!(!unix("src /run/[!a].sock").eval_unix(&rec));
        assert!(!unix("src /tmp/*").eval_unix(&rec));
        assert!(unix("dst *").eval_unix(&rec), "the remote name is empty");
        assert!(!unix("dst /run/*").eval_unix(&rec));
        assert!(
            !unix("sport = :30").eval_unix(&rec),
            "with -x a port is a name pattern"
        );
        assert!(unix("src \\/run/a.sock").eval_unix(&rec));
        assert!(unix("src = /run/a.so*").has_host_conditions());
        // Without -x, ports compare inodes.
        let inet = |s: &str| Expr::parse(s, &ParseOptions::inet()).unwrap();
        assert!(inet("sport = :30 dport = :40").eval_unix(&rec));
        assert!(inet("sport > :29 and dport < :41").eval_unix(&rec));
        assert!(!inet("src 127.0.0.1").eval_unix(&rec));
        assert!(!inet("autobound").eval_unix(&rec));
        let auto = UnixRecord {
            name: UnixName::Abstract(b"0a1f3"),
            ..rec
        };
        assert!(inet("autobound").eval_unix(&auto));
        let abs = UnixRecord {
            name: UnixName::Abstract(b"x\0y"),
            ..rec
        };
        assert!(unix("src @x@y").eval_unix(&abs));
        let unnamed = UnixRecord {
            name: UnixName::Unnamed,
            ..rec
        };
        assert!(inet("autobound").eval_unix(&unnamed));
        assert!(unix("src *").eval_unix(&unnamed) && !unix("src ?*").eval_unix(&unnamed));
        assert!(
            !unix("src /run/*").eval(&Entry::default()),
            "patterns never match inet sockets"
        );
    }
}
