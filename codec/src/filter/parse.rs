//! Reading an ss filter expression from text, token for token as ss 6.1's
//! grammar (`misc/ssfilter.y`) reads it; names only the system knows
//! (services, interfaces, cgroups) go through a [`Resolve`].

use heapless::Vec;

use crate::family;
use crate::filter::expr::{Expr, HostCond, Node, NodeId, Pred, MAX_NODES};
use crate::filter::socket::End;

/// Why an expression was refused: where, and what was expected there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParseError {
    /// Byte offset of the offending word in the input (its length at the
    /// end of input).
    pub offset: usize,
    /// Length of the offending word (0 at the end of input).
    pub len: usize,
    /// What was expected there.
    pub expected: &'static str,
}

impl core::error::Error for ParseError {}

impl core::fmt::Display for ParseError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "at byte {}: expected {}", self.offset, self.expected)
    }
}

/// Most addresses one host name stands for in an expression.
pub const MAX_HOST_ADDRS: usize = 8;

/// The addresses of a host name, in the order a lookup gave them.
pub type HostAddrs = Vec<core::net::IpAddr, MAX_HOST_ADDRS>;

/// Names the codec cannot resolve without the system: service names,
/// host names, interface names and cgroup paths. Every method defaults to
/// "unknown".
pub trait Resolve {
    /// The port of a service name (`/etc/services`).
    fn service(&self, _name: &str) -> Option<u16> {
        None
    }
    /// The addresses of a host name (`/etc/hosts`, as ss's
    /// `gethostbyname2`: IPv4 ones first), pushed into `found` until it is
    /// full.
    fn host(&self, _name: &str, _found: &mut HostAddrs) {}
    /// The index of an interface name.
    fn device(&self, _name: &str) -> Option<u32> {
        None
    }
    /// The id of a cgroup v2 path.
    fn cgroup(&self, _path: &str) -> Option<u64> {
        None
    }
}

/// A resolver that knows no names: numbers only.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoResolve;

impl Resolve for NoResolve {}

/// How to read an expression.
#[derive(Clone, Copy)]
pub struct ParseOptions<'r> {
    /// Unix mode, as ss with `-x`: `src`, `dst`, `sport`, `dport` values are
    /// unix name patterns.
    pub unix: bool,
    /// Resolves names that are not numbers.
    pub resolve: &'r dyn Resolve,
}

impl ParseOptions<'static> {
    /// Inet mode, numbers only.
    pub const fn inet() -> ParseOptions<'static> {
        ParseOptions {
            unix: false,
            resolve: &NoResolve,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tok {
    Not,
    And,
    Or,
    Open,
    Close,
    Src,
    Dst,
    Sport,
    Dport,
    Dev,
    Fwmark,
    Cgroup,
    Autobound,
    Ge,
    Le,
    Ne,
    Eq,
    Gt,
    Lt,
    Word,
}

fn classify(w: &str) -> Tok {
    match w {
        "!" | "not" => Tok::Not,
        "&" | "&&" | "and" => Tok::And,
        "|" | "||" | "or" => Tok::Or,
        "(" => Tok::Open,
        ")" => Tok::Close,
        "dst" => Tok::Dst,
        "src" => Tok::Src,
        "dport" => Tok::Dport,
        "sport" => Tok::Sport,
        "dev" => Tok::Dev,
        "fwmark" => Tok::Fwmark,
        "cgroup" => Tok::Cgroup,
        ">=" | "ge" | "geq" => Tok::Ge,
        "<=" | "le" | "leq" => Tok::Le,
        "!=" | "ne" | "neq" => Tok::Ne,
        "=" | "==" | "eq" => Tok::Eq,
        ">" | "gt" => Tok::Gt,
        "<" | "lt" => Tok::Lt,
        "autobound" => Tok::Autobound,
        _ => Tok::Word,
    }
}

/// A word of the input and where it starts.
#[derive(Debug, Clone, Copy)]
struct Word<'a> {
    text: &'a str,
    at: usize,
    tok: Tok,
}

struct Parser<'a, 'r> {
    input: &'a str,
    pos: usize,
    peeked: Option<Option<Word<'a>>>,
    opts: ParseOptions<'r>,
    expr: Expr,
}

const CONDITION: &str =
    "a condition (sport, dport, src, dst, dev, fwmark, cgroup, autobound), '(' or '!'";

impl<'a> Parser<'a, '_> {
    fn lex(&mut self) -> Option<Word<'a>> {
        let bytes = self.input.as_bytes();
        let sep = |b: u8| b == b' ' || b == b'\t';
        while self.pos < bytes.len() && sep(bytes[self.pos]) {
            self.pos += 1;
        }
        if self.pos >= bytes.len() {
            return None;
        }
        let at = self.pos;
        while self.pos < bytes.len() && !sep(bytes[self.pos]) {
            self.pos += 1;
        }
        // Splitting at ASCII bytes keeps UTF-8 boundaries.
        let text = self.input.get(at..self.pos).unwrap_or("");
        Some(Word {
            text,
            at,
            tok: classify(text),
        })
    }

    fn peek(&mut self) -> Option<Word<'a>> {
        if self.peeked.is_none() {
            self.peeked = Some(self.lex());
        }
        self.peeked.flatten()
    }

    fn next(&mut self) -> Option<Word<'a>> {
        match self.peeked.take() {
            Some(w) => w,
            None => self.lex(),
        }
    }

    fn error(&self, w: Option<Word<'a>>, expected: &'static str) -> ParseError {
        match w {
            Some(w) => ParseError {
                offset: w.at,
                len: w.text.len(),
                expected,
            },
            None => ParseError {
                offset: self.input.len(),
                len: 0,
                expected,
            },
        }
    }

    fn push(&mut self, node: Node, at: Option<Word<'a>>) -> Result<NodeId, ParseError> {
        let id = self.expr.nodes.len();
        self.expr.nodes.push(node).map_err(|_| {
            self.error(
                at,
                "a shorter expression (at most 64 conditions and operators)",
            )
        })?;
        Ok(id as NodeId)
    }

    fn exprlist(&mut self, depth: usize) -> Result<NodeId, ParseError> {
        let mut left = self.expr_one(depth)?;
        loop {
            let w = self.peek();
            let Some(word) = w else { return Ok(left) };
            match word.tok {
                Tok::Close => return Ok(left),
                Tok::Or | Tok::And => {
                    self.next();
                    let right = self.expr_one(depth)?;
                    let node = if word.tok == Tok::Or {
                        Node::Or(left, right)
                    } else {
                        Node::And(left, right)
                    };
                    left = self.push(node, w)?;
                }
                _ => {
                    let right = self.expr_one(depth)?;
                    left = self.push(Node::And(left, right), w)?;
                }
            }
        }
    }

    fn expr_one(&mut self, depth: usize) -> Result<NodeId, ParseError> {
        let w = self.next();
        if depth > MAX_NODES {
            return Err(self.error(w, "less nesting (at most 64 levels)"));
        }
        let Some(word) = w else {
            return Err(self.error(w, CONDITION));
        };
        let pred = match word.tok {
            Tok::Open => {
                let inner = self.exprlist(depth + 1)?;
                let close = self.next();
                if close.map(|c| c.tok) != Some(Tok::Close) {
                    return Err(self.error(close, "')', '&', '|' or another condition"));
                }
                return Ok(inner);
            }
            Tok::Not => {
                let inner = self.expr_one(depth + 1)?;
                return self.push(Node::Not(inner), w);
            }
            Tok::Src | Tok::Dst => {
                let end = if word.tok == Tok::Src {
                    End::Src
                } else {
                    End::Dst
                };
                let mut v = self.next();
                if v.map(|v| v.tok) == Some(Tok::Eq) {
                    v = self.next();
                }
                let v = self.value(v, "an address such as 127.0.0.1/8:80, [::1]:22 or *")?;
                match self.host(end, v, false)? {
                    Host::Cond(p) => p,
                    Host::Named(name, cond) => return self.named_host(end, v, name, cond),
                }
            }
            Tok::Sport | Tok::Dport => {
                let end = if word.tok == Tok::Sport {
                    End::Src
                } else {
                    End::Dst
                };
                let mut op = self.peek();
                let tok = op.map(|o| o.tok);
                if matches!(
                    tok,
                    Some(Tok::Eq | Tok::Ne | Tok::Ge | Tok::Le | Tok::Gt | Tok::Lt)
                ) {
                    self.next();
                } else {
                    op = None;
                }
                let v = self.next();
                let v = self.value(v, "a port such as :80, 80 or :*")?;
                let cmp = |this: &mut Self, ge: bool| -> Result<Node, ParseError> {
                    // ss leaves the port unset in unix mode; `:*` would
                    // compare with -1, which the kernel reads as 65535.
                    let port = match (this.opts.unix, this.port_any(v)) {
                        (true, _) => -1,
                        (false, Ok(Some(p))) => p as i32,
                        (false, Ok(None)) => {
                            return Err(this.error(Some(v), "a port number to compare with"))
                        }
                        (false, Err(e)) => return Err(e),
                    };
                    this.expr.host_conds = true;
                    Ok(Node::Pred(Pred::PortCmp { end, ge, port }))
                };
                let node = match op.map(|o| o.tok) {
                    Some(Tok::Ge) => cmp(self, true)?,
                    Some(Tok::Le) => cmp(self, false)?,
                    Some(Tok::Gt) => {
                        let n = cmp(self, false)?;
                        Node::Not(self.push(n, w)?)
                    }
                    Some(Tok::Lt) => {
                        let n = cmp(self, true)?;
                        Node::Not(self.push(n, w)?)
                    }
                    Some(Tok::Ne) => {
                        let p = self.port_cond(end, v)?;
                        Node::Not(self.push(Node::Pred(p), w)?)
                    }
                    _ => Node::Pred(self.port_cond(end, v)?),
                };
                return self.push(node, w);
            }
            Tok::Dev | Tok::Fwmark | Tok::Cgroup => {
                let mut v = self.next();
                let mut negate = false;
                match v.map(|v| v.tok) {
                    Some(Tok::Eq) => v = self.next(),
                    Some(Tok::Ne) => {
                        negate = true;
                        v = self.next();
                    }
                    _ => {}
                }
                let pred = match word.tok {
                    Tok::Dev => {
                        let v = self.value(v, "an interface name or index")?;
                        let i = self
                            .opts
                            .resolve
                            .device(v.text)
                            .or_else(|| number(v.text).and_then(|n| u32::try_from(n).ok()));
                        Pred::Dev(i.ok_or_else(|| {
                            self.error(Some(v), "a known interface name or an index")
                        })?)
                    }
                    Tok::Fwmark => {
                        let v = self.value(v, "a mark such as 0x10 or 0x10/0xff")?;
                        let bad = || self.error(Some(v), "a mark such as 0x10 or 0x10/0xff");
                        let u32_of = |s: &str| number(s).and_then(|n| u32::try_from(n).ok());
                        let (mark, mask) = match v.text.split_once('/') {
                            Some((m, k)) => {
                                (u32_of(m).ok_or_else(bad)?, u32_of(k).ok_or_else(bad)?)
                            }
                            None => (u32_of(v.text).ok_or_else(bad)?, u32::MAX),
                        };
                        Pred::Mark { mark, mask }
                    }
                    _ => {
                        let v = self.value(v, "a cgroup id or path")?;
                        let id = number(v.text).or_else(|| self.opts.resolve.cgroup(v.text));
                        Pred::Cgroup(id.ok_or_else(|| {
                            self.error(Some(v), "a cgroup id or an existing cgroup path")
                        })?)
                    }
                };
                if negate {
                    let p = self.push(Node::Pred(pred), w)?;
                    return self.push(Node::Not(p), w);
                }
                pred
            }
            Tok::Autobound => Pred::Auto,
            _ => {
                let hint = if word.text.starts_with(['(', ')', '!']) || word.text.contains('=') {
                    "a condition; ss needs spaces around parentheses and operators"
                } else {
                    CONDITION
                };
                return Err(self.error(w, hint));
            }
        };
        self.push(Node::Pred(pred), w)
    }

    /// The value word after a keyword: anything but an operator.
    fn value(&self, v: Option<Word<'a>>, expected: &'static str) -> Result<Word<'a>, ParseError> {
        match v {
            Some(w) if w.tok == Tok::Word => Ok(w),
            _ => Err(self.error(v, expected)),
        }
    }

    /// A port text (`80`, `0x50`, `ssh`), `None` for `*` or empty (any).
    fn port_any(&self, v: Word<'a>) -> Result<Option<u32>, ParseError> {
        let text = v.text.strip_prefix(':').unwrap_or(v.text);
        self.port_text(v, text)
    }

    fn port_text(&self, v: Word<'a>, text: &str) -> Result<Option<u32>, ParseError> {
        if text.is_empty() || text.starts_with('*') {
            return Ok(None);
        }
        let port = number(text)
            .filter(|&n| n <= i32::MAX as u64)
            .map(|n| n as u32)
            .or_else(|| self.opts.resolve.service(text).map(u32::from));
        port.map(Some)
            .ok_or_else(|| self.error(Some(v), "a port number (or a known service name)"))
    }

    /// `sport = PORT` (or `dport`): a host condition with any address.
    fn port_cond(&mut self, end: End, v: Word<'a>) -> Result<Pred, ParseError> {
        match self.host(end, v, true)? {
            Host::Cond(p) => Ok(p),
            Host::Named(..) => Err(self.error(Some(v), "a port such as :80, 80 or :*")),
        }
    }

    /// ss's `parse_hostcond`: a unix pattern in unix mode, else an address
    /// with optional prefix and port (`is_port`: the word is only a port).
    /// An address that is no number is a host name, resolved by the caller.
    fn host(&mut self, end: End, v: Word<'a>, is_port: bool) -> Result<Host<'a>, ParseError> {
        self.expr.host_conds = true;
        if self.opts.unix {
            let start = self.expr.patterns.len();
            unescape(v.text, &mut self.expr.patterns).map_err(|_| {
                self.error(Some(v), "shorter unix path patterns (512 bytes in all)")
            })?;
            let stop = self.expr.patterns.len();
            return Ok(Host::Cond(Pred::UnixPath {
                end,
                start: start as u16,
                stop: stop as u16,
            }));
        }
        let mut cond = HostCond {
            family: 0,
            prefix_len: 0,
            port: None,
            addr: [0; 16],
        };
        if is_port {
            cond.port = self.port_any(v)?;
            return Ok(Host::Cond(Pred::Host { end, cond }));
        }
        let text = v.text;
        let (addr, port): (&str, Option<&str>) = if let Some(rest) = text.strip_prefix('[') {
            let Some((inner, after)) = rest.split_once(']') else {
                return Err(self.error(Some(v), "']' closing the IPv6 address"));
            };
            (inner, Some(after))
        } else if let Some(after) = text.strip_prefix('*') {
            ("", Some(after))
        } else {
            // The port follows the last ':' after any '/'.
            let from = text.find('/').unwrap_or(0);
            match text[from..].rfind(':') {
                Some(i) => (&text[..from + i], Some(&text[from + i..])),
                None => (text, None),
            }
        };
        if let Some(p) = port {
            // As in ss, the colon is optional after `]` or `*`.
            cond.port = self.port_text(v, p.strip_prefix(':').unwrap_or(p))?;
        }
        if addr.is_empty() || addr.starts_with('*') {
            return Ok(Host::Cond(Pred::Host { end, cond }));
        }
        match prefix(addr) {
            Some((family, bytes, plen)) => {
                cond.family = family;
                cond.addr = bytes;
                cond.prefix_len = plen;
                Ok(Host::Cond(Pred::Host { end, cond }))
            }
            // As iproute2's get_prefix_1: a word with a '/' or a ':' (an
            // IPv6 address) was meant as a number.
            None if addr.contains(['/', ':'])
                || addr.bytes().all(|b| b.is_ascii_digit() || b == b'.') =>
            {
                Err(self.error(Some(v), ADDRESS))
            }
            None => Ok(Host::Named(addr, cond)),
        }
    }

    /// A host name: each of its addresses, any of which matches (the port
    /// applies to every one), as ss's `get_dns_host`.
    fn named_host(
        &mut self,
        end: End,
        v: Word<'a>,
        name: &str,
        cond: HostCond,
    ) -> Result<NodeId, ParseError> {
        let mut addrs = HostAddrs::new();
        self.opts.resolve.host(name, &mut addrs);
        let mut node = None;
        for a in &addrs {
            let mut c = cond;
            match a {
                core::net::IpAddr::V4(v4) => {
                    c.family = family::INET;
                    c.addr[..4].copy_from_slice(&v4.octets());
                    c.prefix_len = 32;
                }
                core::net::IpAddr::V6(v6) => {
                    c.family = family::INET6;
                    c.addr = v6.octets();
                    c.prefix_len = 128;
                }
            }
            let id = self.push(Node::Pred(Pred::Host { end, cond: c }), Some(v))?;
            node = Some(match node {
                None => id,
                Some(left) => self.push(Node::Or(left, id), Some(v))?,
            });
        }
        node.ok_or_else(|| self.error(Some(v), ADDRESS))
    }
}

/// What a host condition's word names.
enum Host<'a> {
    /// An address, a prefix, a port or a unix pattern.
    Cond(Pred),
    /// A host name to resolve, and the rest of the condition (its port).
    Named(&'a str, HostCond),
}

const ADDRESS: &str = "an IPv4 address (10.0.0.0/8, 10/255.0.0.0), an IPv6 address in brackets, \
                       or a host name /etc/hosts knows";

/// An address and its prefix length, as iproute2's `get_prefix_1` reads
/// them: IPv4 with 1 to 4 parts (`10/8` is 10.0.0.0/8) each in C's bases,
/// IPv6, or `any`, `all`, `default` (every address); the length in bits or
/// as a dotted IPv4 netmask (`/255.255.0.0`).
fn prefix(text: &str) -> Option<(u8, [u8; 16], u8)> {
    let (addr, len) = match text.split_once('/') {
        Some((a, l)) => (a, Some(l)),
        None => (text, None),
    };
    let mut bytes = [0u8; 16];
    let (fam, max) = if matches!(addr, "any" | "all" | "default") {
        // Every address: no prefix can follow.
        return len.is_none().then_some((0, bytes, 0));
    } else if addr.contains(':') {
        bytes = addr.parse::<core::net::Ipv6Addr>().ok()?.octets();
        (family::INET6, 128)
    } else {
        bytes[..4].copy_from_slice(&ipv4_parts(addr)?);
        (family::INET, 32)
    };
    let plen = match len {
        None => max,
        Some(l) => number(l)
            .or_else(|| ipv4_parts(l).and_then(mask_bits))
            .filter(|&n| n <= u64::from(max))? as u8,
    };
    Some((fam, bytes, plen))
}

/// iproute2's `get_addr_ipv4`: up to four dot-separated parts, each 0 to
/// 255 in C's bases, missing ones 0.
fn ipv4_parts(text: &str) -> Option<[u8; 4]> {
    let mut out = [0u8; 4];
    let mut parts = text.split('.');
    for slot in out.iter_mut() {
        match parts.next() {
            Some(p) => *slot = u8::try_from(number(p)?).ok()?,
            None => break,
        }
    }
    parts.next().is_none().then_some(out)
}

/// The prefix length of a netmask, `None` for a mask that is not one run
/// of ones (iproute2's `mask2bits`).
fn mask_bits(mask: [u8; 4]) -> Option<u64> {
    let m = u32::from_be_bytes(mask);
    let host = !m;
    (host & host.wrapping_add(1) == 0).then(|| u64::from(m.leading_ones()))
}

/// An unsigned number the way C's `strtoul(s, _, 0)` reads it, whole word:
/// `0x` hex, leading `0` octal, else decimal.
fn number(s: &str) -> Option<u64> {
    let (digits, radix) = if let Some(h) = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        (h, 16)
    } else if s.len() > 1 && s.starts_with('0') {
        (&s[1..], 8)
    } else {
        (s, 10)
    };
    if digits.is_empty() || !digits.bytes().all(|b| (b as char).is_digit(radix)) {
        return None;
    }
    u64::from_str_radix(digits, radix).ok()
}

/// ss's lexer removes one level of backslashes: `\x` is `x`.
fn unescape<const N: usize>(text: &str, out: &mut Vec<u8, N>) -> Result<(), ()> {
    let mut bytes = text.bytes();
    while let Some(b) = bytes.next() {
        let b = if b == b'\\' {
            match bytes.next() {
                Some(n) => n,
                None => break,
            }
        } else {
            b
        };
        out.push(b).map_err(|_| ())?;
    }
    Ok(())
}

impl Expr {
    /// Parses `input` (the words after the options, joined with spaces).
    pub fn parse(input: &str, opts: &ParseOptions<'_>) -> Result<Expr, ParseError> {
        let mut p = Parser {
            input,
            pos: 0,
            peeked: None,
            opts: *opts,
            expr: Expr::default(),
        };
        if p.peek().is_none() {
            return Ok(p.expr);
        }
        let root = p.exprlist(0)?;
        if let Some(w) = p.next() {
            // Only a ')' stops the top-level list early.
            return Err(p.error(Some(w), "a condition, '&' or '|' (this ')' has no '(')"));
        }
        p.expr.root = Some(root);
        Ok(p.expr)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::filter::socket::Entry;

    fn parse(s: &str) -> Expr {
        Expr::parse(s, &ParseOptions::inet()).unwrap_or_else(|e| panic!("{s:?}: {e}"))
    }

    fn err(s: &str) -> ParseError {
        Expr::parse(s, &ParseOptions::inet()).unwrap_err()
    }

    fn entry(sport: u16, dport: u16) -> Entry {
        Entry {
            family: family::INET,
            sport,
            dport,
            ..Entry::default()
        }
    }

    #[test]
    fn test_parse() {
        let e = parse("sport = :80");
        let want = HostCond {
            family: 0,
            prefix_len: 0,
            port: Some(80),
            addr: [0; 16],
        };
        assert_eq!(
            e.node(0),
            Some(Node::Pred(Pred::Host {
                end: End::Src,
                cond: want
            }))
        );
        // Every spelling of the operators.
        for s in [
            "sport == :80",
            "sport eq 80",
            "sport :80",
            "sport = 0x50",
            "sport = 0120",
        ] {
            assert_eq!(parse(s).node(0), parse("sport = :80").node(0), "{s}");
        }
        for (a, b) in [
            ("sport ge :1", "sport >= :1"),
            ("sport geq :1", "sport >= :1"),
            ("dport lt :1", "dport < :1"),
            ("dport gt :1", "dport > :1"),
            ("dport le :1", "dport leq :1"),
            ("dport ne :1", "dport neq :1"),
            ("src = 1.2.3.4", "src 1.2.3.4"),
            ("a & b", "a && b"),
        ]
        .iter()
        .take(7)
        {
            assert_eq!(parse(a), parse(b), "{a}");
        }
        assert!(parse("").is_empty());
        assert!(parse("  \t ").is_empty());
        let e = parse("dst [::ffff:127.0.0.1/128]:22");
        assert!(e.node(0).is_some());
        let e = parse("src 10.0.0.0/8:*");
        let Some(Node::Pred(Pred::Host { cond, .. })) = e.node(0) else {
            panic!()
        };
        assert_eq!(
            (cond.family, cond.prefix_len, cond.port),
            (family::INET, 8, None)
        );
        let e = parse("dst [fe80::1/64]:443");
        let Some(Node::Pred(Pred::Host { cond, .. })) = e.node(0) else {
            panic!()
        };
        assert_eq!(
            (cond.family, cond.prefix_len, cond.port),
            (family::INET6, 64, Some(443))
        );
        let e = parse("src *:8080");
        let Some(Node::Pred(Pred::Host { cond, .. })) = e.node(0) else {
            panic!()
        };
        assert_eq!((cond.family, cond.port), (0, Some(8080)));
        assert_eq!(
            parse("fwmark = 0x10/0xf0").node(0),
            Some(Node::Pred(Pred::Mark {
                mark: 0x10,
                mask: 0xf0
            }))
        );
        assert_eq!(
            parse("fwmark 7").node(0),
            Some(Node::Pred(Pred::Mark {
                mark: 7,
                mask: u32::MAX
            }))
        );
        assert_eq!(
            parse("cgroup = 1234").node(0),
            Some(Node::Pred(Pred::Cgroup(1234)))
        );
        assert_eq!(parse("dev != 2").node(1), Some(Node::Not(0)));
        // iproute2's addresses: parts missing at the end, C's bases, a
        // dotted netmask, every address.
        for (text, addr, plen) in [
            ("dst 193.233.7/24", [193, 233, 7, 0], 24),
            ("src 10/255.0.0.0", [10, 0, 0, 0], 8),
            ("src 0x7f.1", [127, 1, 0, 0], 32),
            ("src 10.1.2.3/255.255.255.255:22", [10, 1, 2, 3], 32),
        ] {
            let Some(Node::Pred(Pred::Host { cond, .. })) = parse(text).node(0) else {
                panic!("{text}")
            };
            assert_eq!(
                (cond.family, &cond.addr[..4], cond.prefix_len),
                (family::INET, &addr[..], plen),
                "{text}"
            );
        }
        let Some(Node::Pred(Pred::Host { cond, .. })) = parse("dst any").node(0) else {
            panic!()
        };
        assert_eq!((cond.family, cond.prefix_len), (0, 0));
    }

    #[test]
    fn test_has_autobound() {
        assert!(parse("sport = :80 | ! autobound").has_autobound());
        assert!(!parse("sport = :80 | dport = :81").has_autobound());
        assert!(!Expr::default().has_autobound());
    }

    #[test]
    fn test_precedence() {
        // Left to right, equal precedence, as ss's grammar builds it.
        let e = parse("sport = :1 or sport = :2 and dport = :3");
        assert!(!e.eval(&entry(1, 4)), "(1 or 2) and 3");
        assert!(e.eval(&entry(1, 3)));
        let e = parse("sport = :1 or ( sport = :2 and dport = :3 )");
        assert!(e.eval(&entry(1, 4)));
        let e = parse("! sport = :1 dport = :2");
        assert!(e.eval(&entry(5, 2)) && !e.eval(&entry(1, 2)));
        let e = parse("not not sport > :10 && dport < :5 || autobound");
        assert!(e.eval(&entry(11, 4)) && !e.eval(&entry(10, 4)));
        assert!(e.eval(&Entry {
            autobound: true,
            ..entry(0, 9)
        }));
    }

    #[test]
    fn test_parse_errors() {
        let e = err("sport = :80 or");
        assert_eq!((e.offset, e.len), (14, 0));
        assert!(e.expected.starts_with("a condition"));
        let e = err("( sport = :80");
        assert_eq!(e.offset, 13);
        assert!(e.expected.contains("')'"));
        let e = err("sport = :80 )");
        assert_eq!((e.offset, e.len), (12, 1));
        let e = err("sport=:80");
        assert_eq!(e.offset, 0);
        assert!(e.expected.contains("spaces"));
        let e = err("dport = :3000000000");
        assert_eq!((e.offset, e.len), (8, 11));
        assert!(e.expected.contains("port number"));
        // As in ss, a port beyond 65535 is taken and matches no inet socket.
        assert!(!parse("dport = :70000").eval(&entry(0, 70000u32 as u16)));
        assert_eq!(err("sport = :ssh").offset, 8);
        assert_eq!(err("src 1.2.3.4/33").offset, 4);
        assert_eq!(err("src ::1").offset, 4, "IPv6 needs brackets, as in ss");
        assert_eq!(err("src [::1").offset, 4);
        for bad in [
            "src 10/255.0.255.0",
            "src 300.1",
            "src 1.2.3.4.5",
            "src 10/0x1x",
            "src any/8",
        ] {
            assert_eq!(err(bad).offset, 4, "{bad}");
        }
        assert!(
            err("src localhost").expected.contains("host name"),
            "no resolver"
        );
        assert_eq!(err("sport =").offset, 7);
        assert_eq!(err("sport = and").offset, 8);
        assert_eq!(err("fwmark = 1/").offset, 9);
        assert_eq!(err("dev = eth0").offset, 6, "no resolver");
        assert_eq!(err("state established").offset, 0);
        assert_eq!(err("()").offset, 0, "one word, as in ss");
        assert_eq!(err("( )").offset, 2);
        // Limits are errors that name them.
        let long = "autobound ".repeat(40);
        assert!(err(&long).expected.contains("64"));
        let deep = "! ".repeat(100) + "autobound";
        assert!(err(&deep).expected.contains("64"));
        let deep = "( ".repeat(100) + "autobound";
        assert!(err(&deep).expected.contains("64"));
    }

    #[test]
    fn test_resolve() {
        struct R;
        impl Resolve for R {
            fn service(&self, n: &str) -> Option<u16> {
                (n == "ssh").then_some(22)
            }
            fn device(&self, n: &str) -> Option<u32> {
                (n == "lo").then_some(1)
            }
            fn cgroup(&self, p: &str) -> Option<u64> {
                (p == "/x").then_some(9)
            }
            fn host(&self, n: &str, found: &mut HostAddrs) {
                if n == "box" {
                    found.push([10, 0, 0, 1].into()).unwrap();
                    found.push(core::net::Ipv6Addr::LOCALHOST.into()).unwrap();
                }
            }
        }
        let opts = ParseOptions {
            unix: false,
            resolve: &R,
        };
        let e = Expr::parse("sport = :ssh dev lo cgroup /x", &opts).unwrap();
        let good = Entry {
            sport: 22,
            ifindex: 1,
            cgroup_id: 9,
            ..Entry::default()
        };
        assert!(e.eval(&good) && !e.eval(&Entry { ifindex: 2, ..good }));
        // A host name: any of its addresses, each with the port.
        let e = Expr::parse("dst box:22", &opts).unwrap();
        let at = |dst: core::net::IpAddr, dport| {
            let mut e = Entry {
                dport,
                ..Entry::default()
            };
            match dst {
                core::net::IpAddr::V4(v4) => {
                    e.family = family::INET;
                    e.dst[..4].copy_from_slice(&v4.octets());
                }
                core::net::IpAddr::V6(v6) => {
                    e.family = family::INET6;
                    e.dst = v6.octets();
                }
            }
            e
        };
        assert!(e.eval(&at([10, 0, 0, 1].into(), 22)));
        assert!(e.eval(&at(core::net::Ipv6Addr::LOCALHOST.into(), 22)));
        assert!(!e.eval(&at([10, 0, 0, 2].into(), 22)));
        assert!(!e.eval(&at([10, 0, 0, 1].into(), 23)));
        assert_eq!(Expr::parse("dst nobox", &opts).unwrap_err().offset, 4);
    }
}
