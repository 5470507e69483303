//! Text output in ss's columns and spellings, and the JSON form, written to
//! any `core::fmt::Write`. No syscall is needed to format a record, so this
//! lives in the codec where it is fuzzed; the runner only resolves interface
//! names and moves bytes.
//!
//! Columns have fixed widths so records can be printed as they are decoded
//! (ss buffers everything to size its columns; a stream cannot).

use core::fmt::{self, Write};
use core::net::IpAddr;

use crate::inet::{self, InetRecord, TcpState, Timer};
use crate::inet_attr::InetDetails;
use crate::unix::{SockType, UnixName, UnixRecord};

pub mod detail;
pub use detail::Extras;

mod width {
    pub const NETID: usize = 5;
    pub const STATE: usize = 10;
    pub const QUEUE: usize = 6;
    pub const ADDR: usize = 20;
    pub const PORT: usize = 7;
}

/// What a table line carries besides the fixed columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Layout {
    /// Print the Netid column (ss does when more than one table is shown).
    pub netid: bool,
    /// Print the State column (ss drops it when one state is selected).
    pub state: bool,
    /// `-e`: timer, uid, inode, cookie, mark, v6only and shutdown after the
    /// columns (for unix: shutdown, bound file and pending connections).
    pub extended: bool,
}

/// ss's spelling of a state in the State column.
pub const fn state_name(state: TcpState) -> &'static str {
    match state {
        TcpState::Established => "ESTAB",
        TcpState::SynSent => "SYN-SENT",
        TcpState::SynRecv => "SYN-RECV",
        TcpState::FinWait1 => "FIN-WAIT-1",
        TcpState::FinWait2 => "FIN-WAIT-2",
        TcpState::TimeWait => "TIME-WAIT",
        TcpState::Close => "UNCONN",
        TcpState::CloseWait => "CLOSE-WAIT",
        TcpState::LastAck => "LAST-ACK",
        TcpState::Listen => "LISTEN",
        TcpState::Closing => "CLOSING",
        TcpState::NewSynRecv => "NEW-SYN-RECV",
        TcpState::BoundInactive => "BOUND-INACTIVE",
        TcpState::Unknown(_) => "UNKNOWN",
    }
}

/// ss's name for a timer (`-o`).
pub const fn timer_name(timer: Timer) -> &'static str {
    match timer {
        Timer::Off => "off",
        Timer::Retransmit => "on",
        Timer::Keepalive => "keepalive",
        Timer::TimeWait => "timewait",
        Timer::Probe => "persist",
        Timer::Unknown(_) => "unknown",
    }
}

/// The Netid ss prints for an inet table, by the protocol asked for.
pub const fn inet_netid(protocol: u32) -> &'static str {
    match protocol {
        inet::proto::TCP => "tcp",
        inet::proto::UDP => "udp",
        inet::proto::RAW => "raw",
        inet::proto::UDPLITE => "udplite",
        inet::proto::SCTP => "sctp",
        inet::proto::MPTCP => "mptcp",
        _ => "???",
    }
}

/// The Netid ss prints for a unix socket.
pub const fn unix_netid(sock_type: SockType) -> &'static str {
    match sock_type {
        SockType::Stream => "u_str",
        SockType::Dgram => "u_dgr",
        SockType::SeqPacket => "u_seq",
        SockType::Unknown(_) => "u_???",
    }
}

/// Writes a run of bytes that should be text: valid UTF-8 as is, anything
/// else as `?`, so a hostile name cannot break the output encoding.
fn write_lossy<W: Write>(w: &mut W, bytes: &[u8]) -> fmt::Result {
    for chunk in bytes.utf8_chunks() {
        w.write_str(chunk.valid())?;
        if !chunk.invalid().is_empty() {
            w.write_char('?')?;
        }
    }
    Ok(())
}

/// Counts the chars written through it, so a name's display width comes
/// from the same code that writes it.
struct CharCount(usize);

impl Write for CharCount {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.0 += s.chars().count();
        Ok(())
    }
}

/// An address as ss shows it, with the bracket, wildcard and `%ifname`
/// rules, rendered into a fixed buffer so it can be padded.
struct AddrText(heapless::String<80>);

impl AddrText {
    fn inet(addr: IpAddr, ifname: Option<&str>, v6only: bool) -> AddrText {
        let mut s = heapless::String::new();
        // Writing into a fixed string fails only on overflow, which 80 bytes
        // rule out for an address plus a 15-byte interface name; a longer
        // name is cut, not a panic.
        let _ = match addr {
            IpAddr::V4(a) => write!(s, "{a}"),
            // ss shows a dual-stack wildcard as `*`, a v6-only one as `[::]`.
            IpAddr::V6(a) if a.is_unspecified() && !v6only => s.write_char('*'),
            IpAddr::V6(a) => write!(s, "[{a}]"),
        };
        if let Some(name) = ifname {
            let _ = write!(s, "%{name}");
        }
        AddrText(s)
    }
}

fn write_padded_left<W: Write>(w: &mut W, text: &str, width: usize) -> fmt::Result {
    write!(w, "{text:>width$}")
}

/// Writes the header line.
pub fn write_header<W: Write>(w: &mut W, layout: &Layout) -> fmt::Result {
    if layout.netid {
        write!(w, "{:<n$} ", "Netid", n = width::NETID)?;
    }
    if layout.state {
        write!(w, "{:<s$} ", "State", s = width::STATE)?;
    }
    writeln!(
        w,
        "{:<q$} {:<q$} {:>a$}:{:<p$} {:>a$}:Port Process",
        "Recv-Q",
        "Send-Q",
        "Local Address",
        "Port",
        "Peer Address",
        q = width::QUEUE,
        a = width::ADDR,
        p = width::PORT,
    )
}

fn write_lead<W: Write>(
    w: &mut W,
    layout: &Layout,
    netid: &str,
    state: TcpState,
    rq: u32,
    sq: u32,
) -> fmt::Result {
    if layout.netid {
        write!(w, "{netid:<n$} ", n = width::NETID)?;
    }
    if layout.state {
        write!(w, "{:<s$} ", state_name(state), s = width::STATE)?;
    }
    write!(w, "{rq:<q$} {sq:<q$} ", q = width::QUEUE)
}

/// A timer's remaining time as ss prints it: minutes, seconds and
/// milliseconds, dropping the finer units once the coarser ones are large
/// (`200ms`, `1.500ms`, `42sec`, `2min3sec`, `15min`).
pub struct MsTimer(pub u32);

impl fmt::Display for MsTimer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let minutes = self.0 / 60_000;
        let mut secs = self.0 / 1000 % 60;
        let mut ms = self.0 % 1000;
        if minutes > 0 {
            write!(f, "{minutes}min")?;
            ms = 0;
            if minutes > 9 {
                secs = 0;
            }
        }
        if secs > 0 {
            if secs > 9 {
                ms = 0;
            }
            write!(f, "{secs}{}", if ms > 0 { "." } else { "sec" })?;
        }
        if ms > 0 {
            write!(f, "{ms:03}ms")?;
        }
        Ok(())
    }
}

/// A port as ss prints it with `-n`: the number, or `*` for 0.
struct Port(u16);

impl fmt::Display for Port {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 == 0 {
            f.pad("*")
        } else {
            fmt::Display::fmt(&self.0, f)
        }
    }
}

/// Writes one inet socket as a table line. `ifname` is the name of
/// `rec.id.ifindex` when it is non-zero (the runner looks it up).
pub fn write_inet<W: Write>(
    w: &mut W,
    layout: &Layout,
    netid: &str,
    rec: &InetRecord<'_>,
    ifname: Option<&str>,
) -> fmt::Result {
    write_inet_with(w, layout, netid, rec, ifname, &Extras::default(), None, 0)
}

/// [`write_inet`] with ss's optional parts: `extras` says which, `details`
/// are the record's checked attributes (needed for `--tos`, `-m`, `-i`)
/// and `protocol` the table dumped ([`inet::proto`]).
#[allow(clippy::too_many_arguments)]
pub fn write_inet_with<W: Write>(
    w: &mut W,
    layout: &Layout,
    netid: &str,
    rec: &InetRecord<'_>,
    ifname: Option<&str>,
    extras: &Extras<'_>,
    details: Option<&InetDetails<'_>>,
    protocol: u32,
) -> fmt::Result {
    write_lead(w, layout, netid, rec.state, rec.rqueue, rec.wqueue)?;
    let v6only = rec.v6only.unwrap_or(false);
    let local = AddrText::inet(rec.id.src, ifname, v6only);
    let peer = AddrText::inet(rec.id.dst, None, v6only);
    write_padded_left(w, &local.0, width::ADDR)?;
    write!(w, ":{:<p$} ", Port(rec.id.sport), p = width::PORT)?;
    write_padded_left(w, &peer.0, width::ADDR)?;
    write!(w, ":{}", Port(rec.id.dport))?;
    // ss's -e implies -o: the timer comes first.
    if layout.extended || extras.timer {
        detail::write_timer(w, rec)?;
    }
    if layout.extended {
        if rec.uid != 0 {
            write!(w, " uid:{}", rec.uid)?;
        }
        write!(w, " ino:{} sk:{:x}", rec.inode, rec.id.cookie)?;
        if let Some(mark) = rec.mark.filter(|&m| m != 0) {
            write!(w, " fwmark:0x{mark:x}")?;
        }
        detail::write_cgroup(w, rec.cgroup_id, extras.cgroup)?;
        if rec.family == crate::family::INET6 {
            if let Some(v6only) = rec.v6only {
                write!(w, " v6only:{}", u8::from(v6only))?;
            }
        }
        write_shutdown(w, rec.shutdown)?;
    }
    if let Some(d) = details {
        if extras.tos {
            detail::write_tos(w, d)?;
        }
        if detail::has_detail_line(extras, rec, protocol) {
            detail::write_detail_line(w, extras, rec, d, protocol)?;
        }
    }
    w.write_char('\n')
}

/// ss's `-e` shutdown marker: `<->` open both ways, `-` for a closed side.
fn write_shutdown<W: Write>(w: &mut W, shutdown: Option<u8>) -> fmt::Result {
    match shutdown {
        Some(m) => write!(
            w,
            " {}-{}",
            if m & 1 != 0 { '-' } else { '<' },
            if m & 2 != 0 { '-' } else { '>' }
        ),
        None => Ok(()),
    }
}

/// Writes a unix name as ss does: the path, `@` and the abstract name
/// (embedded NULs shown as `@`), or `*`.
fn write_unix_name<W: Write>(w: &mut W, name: &UnixName<'_>) -> fmt::Result {
    match *name {
        UnixName::Unnamed => w.write_char('*'),
        UnixName::Path(p) => write_lossy(w, p),
        UnixName::Abstract(a) => {
            w.write_char('@')?;
            for part in a.split(|&b| b == 0).enumerate() {
                if part.0 > 0 {
                    w.write_char('@')?;
                }
                write_lossy(w, part.1)?;
            }
            Ok(())
        }
    }
}

/// Recv-Q and Send-Q of a unix socket: RQLEN when the kernel sent it.
pub fn unix_queues(rec: &UnixRecord<'_>) -> (u32, u32) {
    rec.rqlen.unwrap_or((0, 0))
}

/// Writes one unix socket as a table line: name and inode on the local
/// side, `*` and the peer's inode on the remote side.
pub fn write_unix<W: Write>(w: &mut W, layout: &Layout, rec: &UnixRecord<'_>) -> fmt::Result {
    let (rq, sq) = unix_queues(rec);
    write_lead(w, layout, unix_netid(rec.sock_type), rec.state, rq, sq)?;
    let mut name_width = CharCount(0);
    write_unix_name(&mut name_width, &rec.name)?;
    let pad = width::ADDR.saturating_sub(name_width.0);
    write!(w, "{:pad$}", "")?;
    write_unix_name(w, &rec.name)?;
    write!(w, " {:<p$} ", rec.inode, p = width::PORT)?;
    write_padded_left(w, "*", width::ADDR)?;
    write!(w, " {}", rec.peer.unwrap_or(0))?;
    if layout.extended {
        // ss shows no uid, inode or cookie for unix sockets here; it shows
        // the shutdown state, the bound file and the pending connections.
        write_shutdown(w, rec.shutdown)?;
        if let Some((ino, dev)) = rec.vfs {
            // The kernel's s_dev packs major << 20 | minor.
            write!(w, " ino:{ino} dev:{}/{}", dev >> 20, dev & 0xf_ffff)?;
        }
        if let Some(icons) = rec.icons.filter(|_| rec.state == TcpState::Listen) {
            w.write_str(" peers:")?;
            for ino in icons.iter() {
                write!(w, " {ino}")?;
            }
        }
    }
    w.write_char('\n')
}

/// Writes `bytes` as the inside of a JSON string: quotes, backslashes and
/// control characters escaped, invalid UTF-8 as U+FFFD.
fn json_str_body<W: Write>(w: &mut W, bytes: &[u8]) -> fmt::Result {
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '"' => w.write_str("\\\"")?,
                '\\' => w.write_str("\\\\")?,
                '\n' => w.write_str("\\n")?,
                c if (c as u32) < 0x20 || c == '\u{7f}' => write!(w, "\\u{:04x}", c as u32)?,
                c => w.write_char(c)?,
            }
        }
        if !chunk.invalid().is_empty() {
            w.write_str("\\ufffd")?;
        }
    }
    Ok(())
}

/// Streams a JSON array of socket objects: `[` before the first, `,`
/// between, `]` at the end, one object per line.
#[derive(Debug, Default)]
pub struct JsonArray {
    started: bool,
}

impl JsonArray {
    /// A new, empty array (nothing written yet).
    pub const fn new() -> JsonArray {
        JsonArray { started: false }
    }

    fn open<W: Write>(&mut self, w: &mut W) -> fmt::Result {
        w.write_str(if self.started { ",\n" } else { "[\n" })?;
        self.started = true;
        Ok(())
    }

    /// Closes the array (`[]` when no object was written).
    pub fn finish<W: Write>(&mut self, w: &mut W) -> fmt::Result {
        w.write_str(if self.started { "\n]\n" } else { "[]\n" })
    }

    /// Writes one inet socket object.
    pub fn inet<W: Write>(
        &mut self,
        w: &mut W,
        netid: &str,
        rec: &InetRecord<'_>,
        ifname: Option<&str>,
    ) -> fmt::Result {
        self.inet_with(w, netid, rec, ifname, None)
    }

    /// [`JsonArray::inet`] plus every member of `details`.
    pub fn inet_with<W: Write>(
        &mut self,
        w: &mut W,
        netid: &str,
        rec: &InetRecord<'_>,
        ifname: Option<&str>,
        details: Option<&InetDetails<'_>>,
    ) -> fmt::Result {
        self.open(w)?;
        write!(
            w,
            "{{\"netid\":\"{netid}\",\"state\":\"{}\",\"recv_q\":{},\"send_q\":{},\
             \"local_address\":\"{}\",\"local_port\":{},\"peer_address\":\"{}\",\"peer_port\":{},\
             \"ifindex\":{}",
            state_name(rec.state),
            rec.rqueue,
            rec.wqueue,
            rec.id.src,
            rec.id.sport,
            rec.id.dst,
            rec.id.dport,
            rec.id.ifindex,
        )?;
        if let Some(name) = ifname {
            w.write_str(",\"interface\":\"")?;
            json_str_body(w, name.as_bytes())?;
            w.write_char('"')?;
        }
        write!(
            w,
            ",\"uid\":{},\"inode\":{},\"cookie\":{},\"timer\":\"{}\",\"expires_ms\":{},\"retrans\":{}",
            rec.uid,
            rec.inode,
            rec.id.cookie,
            timer_name(rec.timer),
            rec.expires,
            rec.retrans
        )?;
        if let Some(v) = rec.shutdown {
            write!(w, ",\"shutdown\":{v}")?;
        }
        if let Some(v) = rec.protocol {
            write!(w, ",\"protocol\":{v}")?;
        }
        if let Some(v) = rec.v6only {
            write!(w, ",\"v6only\":{v}")?;
        }
        if let Some(v) = rec.mark {
            write!(w, ",\"mark\":{v}")?;
        }
        if let Some(v) = rec.cgroup_id {
            write!(w, ",\"cgroup_id\":{v}")?;
        }
        if let Some(d) = details {
            detail::write_json(w, d)?;
        }
        w.write_char('}')
    }

    /// Writes one unix socket object.
    pub fn unix<W: Write>(&mut self, w: &mut W, rec: &UnixRecord<'_>) -> fmt::Result {
        self.open(w)?;
        let (rq, sq) = unix_queues(rec);
        write!(
            w,
            "{{\"netid\":\"{}\",\"state\":\"{}\",\"recv_q\":{rq},\"send_q\":{sq},\"local_address\":\"",
            unix_netid(rec.sock_type),
            state_name(rec.state),
        )?;
        let mut name = JsonEscape(w);
        write_unix_name(&mut name, &rec.name)?;
        let kind = match rec.name {
            UnixName::Unnamed => "unnamed",
            UnixName::Path(_) => "path",
            UnixName::Abstract(_) => "abstract",
        };
        write!(
            w,
            "\",\"name_kind\":\"{kind}\",\"peer_address\":\"*\",\"inode\":{},\"peer_inode\":{},\"cookie\":{}",
            rec.inode,
            rec.peer.unwrap_or(0),
            rec.cookie
        )?;
        if let Some(v) = rec.uid {
            write!(w, ",\"uid\":{v}")?;
        }
        if let Some((ino, dev)) = rec.vfs {
            write!(w, ",\"vfs_inode\":{ino},\"vfs_dev\":{dev}")?;
        }
        if let Some(icons) = rec.icons {
            w.write_str(",\"pending\":[")?;
            for (i, ino) in icons.iter().enumerate() {
                write!(w, "{}{ino}", if i > 0 { "," } else { "" })?;
            }
            w.write_char(']')?;
        }
        if let Some(v) = rec.shutdown {
            write!(w, ",\"shutdown\":{v}")?;
        }
        w.write_char('}')
    }
}

/// Adapts a writer so everything written through it is JSON-escaped.
struct JsonEscape<'w, W: Write>(&'w mut W);

impl<W: Write> Write for JsonEscape<'_, W> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        json_str_body(self.0, s.as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::net::{Ipv4Addr, Ipv6Addr};
    use heapless::String;

    fn rec(family: u8, src: IpAddr, sport: u16, state: TcpState) -> InetRecord<'static> {
        let mut id = inet::SockId::any(family);
        id.src = src;
        id.sport = sport;
        InetRecord {
            rqueue: 3,
            wqueue: 7,
            uid: 1000,
            inode: 4711,
            shutdown: Some(0),
            ..InetRecord::new(state, id)
        }
    }

    fn squash(s: &str) -> String<256> {
        let mut out = String::new();
        for (i, word) in s.split_whitespace().enumerate() {
            if i > 0 {
                out.push(' ').unwrap();
            }
            out.push_str(word).unwrap();
        }
        out
    }

    #[test]
    fn test_inet_line() {
        let r = rec(
            crate::family::INET,
            IpAddr::V4(Ipv4Addr::LOCALHOST),
            8081,
            TcpState::Listen,
        );
        let mut s: String<256> = String::new();
        write_inet(
            &mut s,
            &Layout {
                netid: true,
                state: true,
                extended: true,
            },
            "tcp",
            &r,
            None,
        )
        .unwrap();
        assert!(s.ends_with('\n'));
        assert_eq!(
            squash(&s),
            "tcp LISTEN 3 7 127.0.0.1:8081 0.0.0.0:* uid:1000 ino:4711 sk:ffffffffffffffff <->"
        );
    }

    #[test]
    fn test_v6_wildcards() {
        let any = IpAddr::V6(Ipv6Addr::UNSPECIFIED);
        let mut r = rec(crate::family::INET6, any, 22, TcpState::Listen);
        let mut s: String<256> = String::new();
        write_inet(&mut s, &Layout::default(), "tcp", &r, None).unwrap();
        assert_eq!(
            squash(&s),
            "3 7 *:22 *:*",
            "no State column when one state is shown"
        );
        r.v6only = Some(true);
        r.id.src = IpAddr::V6(Ipv6Addr::LOCALHOST);
        s.clear();
        write_inet(&mut s, &Layout::default(), "tcp", &r, Some("lo")).unwrap();
        assert_eq!(squash(&s), "3 7 [::1]%lo:22 [::]:*");
    }

    #[test]
    fn test_unix_line() {
        let u = UnixRecord {
            cookie: 0x10,
            name: UnixName::Abstract(b"a\0b"),
            rqlen: Some((2, 5)),
            ..UnixRecord::new(SockType::Stream, TcpState::Listen, 99)
        };
        let mut s: String<256> = String::new();
        write_unix(
            &mut s,
            &Layout {
                netid: true,
                state: true,
                extended: false,
            },
            &u,
        )
        .unwrap();
        assert_eq!(squash(&s), "u_str LISTEN 2 5 @a@b 99 * 0");
        let mut j: String<512> = String::new();
        let mut arr = JsonArray::new();
        arr.unix(&mut j, &u).unwrap();
        arr.finish(&mut j).unwrap();
        assert_eq!(
            j.as_str(),
            "[\n{\"netid\":\"u_str\",\"state\":\"LISTEN\",\"recv_q\":2,\"send_q\":5,\"local_address\":\"@a@b\",\
             \"name_kind\":\"abstract\",\"peer_address\":\"*\",\"inode\":99,\"peer_inode\":0,\"cookie\":16}\n]\n"
        );
    }

    #[test]
    fn test_timer() {
        let mut r = rec(
            crate::family::INET,
            IpAddr::V4(Ipv4Addr::LOCALHOST),
            1,
            TcpState::TimeWait,
        );
        r.timer = Timer::TimeWait;
        r.expires = 42_300;
        r.uid = 0;
        r.shutdown = None;
        let mut s: String<256> = String::new();
        let layout = Layout {
            netid: false,
            state: true,
            extended: true,
        };
        write_inet(&mut s, &layout, "tcp", &r, None).unwrap();
        assert_eq!(
            squash(&s),
            "TIME-WAIT 3 7 127.0.0.1:1 0.0.0.0:* timer:(timewait,42sec,0) ino:4711 sk:ffffffffffffffff"
        );
        let cases: [(u32, &str); 8] = [
            (0, ""),
            (200, "200ms"),
            (1_500, "1.500ms"),
            (9_001, "9.001ms"),
            (42_300, "42sec"),
            (61_000, "1min1sec"),
            (123_456, "2min3sec"),
            (900_500, "15min"),
        ];
        for (ms, want) in cases {
            let mut t: String<32> = String::new();
            write!(t, "{}", MsTimer(ms)).unwrap();
            assert_eq!(t.as_str(), want, "{ms} ms");
        }
    }

    #[test]
    fn test_unix_extended() {
        let mut raw = [0u8; 8];
        raw[0..4].copy_from_slice(&41u32.to_ne_bytes());
        raw[4..8].copy_from_slice(&42u32.to_ne_bytes());
        let u = UnixRecord {
            name: UnixName::Path(b"/run/a b"),
            vfs: Some((1234, (254 << 20) | 3)),
            rqlen: Some((2, 5)),
            icons: Some(crate::unix::Inodes::new_checked(&raw).unwrap()),
            shutdown: Some(0),
            uid: Some(0),
            ..UnixRecord::new(SockType::Stream, TcpState::Listen, 99)
        };
        let mut s: String<256> = String::new();
        let layout = Layout {
            netid: true,
            state: true,
            extended: true,
        };
        write_unix(&mut s, &layout, &u).unwrap();
        assert_eq!(
            squash(&s),
            "u_str LISTEN 2 5 /run/a b 99 * 0 <-> ino:1234 dev:254/3 peers: 41 42"
        );
    }

    #[test]
    fn test_json_escape() {
        let mut s: String<64> = String::new();
        json_str_body(&mut s, b"a\"b\\c\x01\xff\n").unwrap();
        assert_eq!(s.as_str(), "a\\\"b\\\\c\\u0001\\ufffd\\n");
        let mut e: String<16> = String::new();
        JsonArray::new().finish(&mut e).unwrap();
        assert_eq!(e.as_str(), "[]\n");
    }

    #[test]
    fn test_header() {
        let mut s: String<256> = String::new();
        write_header(
            &mut s,
            &Layout {
                netid: true,
                state: true,
                extended: false,
            },
        )
        .unwrap();
        assert_eq!(
            squash(&s),
            "Netid State Recv-Q Send-Q Local Address:Port Peer Address:Port Process"
        );
        s.clear();
        write_header(&mut s, &Layout::default()).unwrap();
        assert_eq!(
            squash(&s),
            "Recv-Q Send-Q Local Address:Port Peer Address:Port Process"
        );
    }
}
