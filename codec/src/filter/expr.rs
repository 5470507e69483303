//! The tree of an ss filter expression (`misc/ssfilter.y` in iproute2):
//! a fixed-capacity arena of nodes, built by [`super::parse`], evaluated by
//! [`super::eval`] and compiled to kernel bytecode by [`super::bytecode`].
//!
//! The grammar is ss 6.1's, token for token: words are split on spaces and
//! tabs only (`sport=:80` or `(sport` are single words, and errors, as in
//! ss), `and`/`or` are left-associative with equal precedence (`a or b and
//! c` is `(a or b) and c`), a missing operator means `and`, `!`/`not`
//! binds to the next condition. Conditions: `sport`/`dport` with `=`
//! (`==`, `eq`, or nothing), `!=` (`ne`, `neq`), `<` (`lt`), `<=` (`le`,
//! `leq`), `>` (`gt`), `>=` (`ge`, `geq`) and a port `:N`, `N` or `:*`;
//! `src`/`dst` \[`=`\] `ADDR[/LEN][:PORT]`, `[IPV6[/LEN]][:PORT]`, `*`,
//! `*:PORT` or `:PORT`; `dev`, `fwmark` (`VALUE[/MASK]`) and `cgroup` with
//! `=`/`!=`; `autobound`. Numbers take C's prefixes (`0x1f`, `017`).

use heapless::Vec;

use crate::filter::socket::End;

/// Most nodes (conditions and operators) an expression may hold.
pub const MAX_NODES: usize = 64;
/// Most bytes all unix path patterns of one expression may hold.
pub const MAX_PATTERN_BYTES: usize = 512;

/// Index of a node in an [`Expr`].
pub type NodeId = u8;

/// `struct inet_diag_hostcond`: an address prefix and a port.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HostCond {
    /// AF_UNSPEC (0: any address), AF_INET or AF_INET6.
    pub family: u8,
    /// Prefix length in bits; 0 matches any address.
    pub prefix_len: u8,
    /// `None`: any port. ss reads a C `int`, so values above 65535 are
    /// taken (they match no inet socket, but can be a unix inode).
    pub port: Option<u32>,
    /// Network order; IPv4 uses the first 4 bytes.
    pub addr: [u8; 16],
}

/// One condition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pred {
    /// `src`/`dst`, and `sport = :N`/`dport = :N` (a host condition with any
    /// address), as ss builds them.
    Host {
        /// Which end.
        end: End,
        /// What it must match.
        cond: HostCond,
    },
    /// `sport >= N` (ge) or `sport <= N`; `<` and `>` are their negations.
    PortCmp {
        /// Which end.
        end: End,
        /// `>=` rather than `<=`.
        ge: bool,
        /// The port; -1 in unix mode, where ss leaves it unset. An inet
        /// socket's port is compared with it clamped to 0..=65535, which is
        /// what the compiled op carries (ss truncates it to 16 bits
        /// instead); a unix inode is compared with it as it is.
        port: i32,
    },
    /// `autobound`: the kernel picked the local port.
    Auto,
    /// `dev = IFINDEX`
    Dev(u32),
    /// `fwmark = MARK/MASK`: `(sk_mark & mask) == mark`.
    Mark {
        /// Value after masking.
        mark: u32,
        /// Bits compared.
        mask: u32,
    },
    /// `cgroup = ID` (cgroup v2 id).
    Cgroup(u64),
    /// A unix name pattern (ss's fnmatch), in unix mode (`-x`); the range
    /// indexes the expression's pattern bytes.
    UnixPath {
        /// Which end.
        end: End,
        /// Start of the pattern bytes.
        start: u16,
        /// End of the pattern bytes.
        stop: u16,
    },
}

/// A node of the tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Node {
    /// A condition.
    Pred(Pred),
    /// `!a`
    Not(NodeId),
    /// `a & b`
    And(NodeId, NodeId),
    /// `a | b`
    Or(NodeId, NodeId),
}

/// A parsed filter expression; the empty expression matches everything.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expr {
    pub(super) nodes: Vec<Node, MAX_NODES>,
    pub(super) root: Option<NodeId>,
    pub(super) patterns: Vec<u8, MAX_PATTERN_BYTES>,
    pub(super) host_conds: bool,
}

impl Default for Expr {
    fn default() -> Expr {
        Expr {
            nodes: Vec::new(),
            root: None,
            patterns: Vec::new(),
            host_conds: false,
        }
    }
}

impl Expr {
    /// True for the empty expression, which matches every socket.
    pub fn is_empty(&self) -> bool {
        self.root.is_none()
    }

    /// The root node, `None` for the empty expression.
    pub fn root(&self) -> Option<NodeId> {
        self.root
    }

    /// One node.
    pub fn node(&self, id: NodeId) -> Option<Node> {
        self.nodes.get(usize::from(id)).copied()
    }

    /// True when the expression holds an address or port condition. In
    /// unix mode ss then shows the unix table only.
    pub fn has_host_conditions(&self) -> bool {
        self.host_conds
    }

    /// True when the expression holds `autobound`: only then does its
    /// evaluation need the namespace's ephemeral port range.
    pub fn has_autobound(&self) -> bool {
        self.nodes
            .iter()
            .any(|n| matches!(n, Node::Pred(Pred::Auto)))
    }

    /// True when the expression holds a unix name pattern, which only user
    /// space can test.
    pub fn has_unix_patterns(&self) -> bool {
        self.nodes
            .iter()
            .any(|n| matches!(n, Node::Pred(Pred::UnixPath { .. })))
    }
}
