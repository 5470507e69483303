//! Text output in ss's columns and spellings, and the JSON form, written to
//! any `core::fmt::Write`. No syscall is needed to format a record, so this
//! lives in the codec where it is fuzzed; the runner only resolves interface
//! names and moves bytes.
//!
//! Columns have fixed widths so records can be printed as they are decoded
//! (ss buffers everything to size its columns; a stream cannot).

use core::fmt::{self, Write};
use core::net::IpAddr;

use crate::wire::inet::{self, InetRecord, TcpState, Timer};
use crate::wire::inet_attr::InetDetails;
use crate::wire::netlink_diag::{NetlinkRecord, NetlinkState};
use crate::wire::packet::{self, FanoutType, PacketRecord};
use crate::wire::sock_diag::SockType;
use crate::wire::sock_diag::{idx as sk, SkMemInfo};
use crate::wire::unix::{UnixName, UnixRecord};

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
        SockType::Raw | SockType::Unknown(_) => "u_???",
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

/// Dotted quad, without `Ipv4Addr`'s `Display` (which goes through the
/// padding machinery for every address).
fn write_ipv4<W: Write>(w: &mut W, a: core::net::Ipv4Addr) -> fmt::Result {
    for (i, octet) in a.octets().into_iter().enumerate() {
        if i > 0 {
            w.write_char('.')?;
        }
        w.write_str(Dec::new(octet.into()).as_str())?;
    }
    Ok(())
}

/// Writes an address as ss shows it, with the bracket, wildcard and
/// `%ifname` rules, right-aligned in `width` chars. The width of an IPv4
/// address is counted from its octets, so the common case is formatted
/// once, straight into the output.
fn write_inet_addr<W: Write>(
    w: &mut W,
    addr: IpAddr,
    ifname: Option<&str>,
    v6only: bool,
    width: usize,
) -> fmt::Result {
    let if_len = ifname.map_or(0, |n| 1 + n.chars().count());
    match addr {
        IpAddr::V4(a) => {
            let digits: usize = a
                .octets()
                .iter()
                .map(|&o| 1 + usize::from(o >= 10) + usize::from(o >= 100))
                .sum();
            pad(w, width.saturating_sub(digits + 3 + if_len))?;
            write_ipv4(w, a)?;
        }
        // ss shows a dual-stack wildcard as `*`, a v6-only one as `[::]`.
        IpAddr::V6(a) if a.is_unspecified() && !v6only => {
            pad(w, width.saturating_sub(1 + if_len))?;
            w.write_char('*')?;
        }
        IpAddr::V6(a) => {
            write_aligned(
                w,
                &format_args!("[{a}]"),
                width.saturating_sub(if_len),
                true,
            )?;
        }
    }
    if let Some(name) = ifname {
        w.write_char('%')?;
        w.write_str(name)?;
    }
    Ok(())
}

/// Spaces to pad with: `core::fmt`'s width machinery writes fill one char
/// at a time, which costs more than the rest of a plain line.
const SPACES: &str = "                                ";

fn pad<W: Write>(w: &mut W, mut n: usize) -> fmt::Result {
    while n > 0 {
        let k = n.min(SPACES.len());
        w.write_str(&SPACES[..k])?;
        n -= k;
    }
    Ok(())
}

/// `text` right-aligned in `width` chars (`{:>width$}`).
fn write_padded_left<W: Write>(w: &mut W, text: &str, width: usize) -> fmt::Result {
    pad(w, width.saturating_sub(text.chars().count()))?;
    w.write_str(text)
}

/// `text` left-aligned in `width` chars (`{:<width$}`).
fn write_padded_right<W: Write>(w: &mut W, text: &str, width: usize) -> fmt::Result {
    w.write_str(text)?;
    pad(w, width.saturating_sub(text.chars().count()))
}

/// An unsigned number's decimal digits on the stack, so a column can be
/// padded by its length without a second formatting pass.
struct Dec {
    buf: [u8; 20],
    start: usize,
}

impl Dec {
    fn new(mut v: u64) -> Dec {
        let mut buf = [b'0'; 20];
        let mut start = buf.len();
        // Two digits per division: half the divisions of one at a time.
        while v >= 100 && start >= 2 {
            let pair = (v % 100) as u8;
            v /= 100;
            start -= 2;
            buf[start] = b'0' + pair / 10;
            buf[start + 1] = b'0' + pair % 10;
        }
        if v >= 10 && start >= 2 {
            start -= 2;
            buf[start] = b'0' + (v / 10) as u8;
            buf[start + 1] = b'0' + (v % 10) as u8;
        } else if start >= 1 {
            start -= 1;
            buf[start] = b'0' + v as u8;
        }
        Dec { buf, start }
    }

    fn as_str(&self) -> &str {
        // ASCII digits only: the check cannot fail.
        core::str::from_utf8(&self.buf[self.start..]).unwrap_or("")
    }
}

/// A port column: the number, or `*` for 0.
fn port_text(port: u16, dec: &mut Dec) -> &str {
    if port == 0 {
        "*"
    } else {
        *dec = Dec::new(u64::from(port));
        dec.as_str()
    }
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
        write_padded_right(w, netid, width::NETID)?;
        w.write_char(' ')?;
    }
    if layout.state {
        write_padded_right(w, state_name(state), width::STATE)?;
        w.write_char(' ')?;
    }
    write_padded_right(w, Dec::new(rq.into()).as_str(), width::QUEUE)?;
    w.write_char(' ')?;
    write_padded_right(w, Dec::new(sq.into()).as_str(), width::QUEUE)?;
    w.write_char(' ')
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

/// Writes one inet socket as a table line. `ifname` is the name of
/// `rec.id.ifindex` when it is non-zero (the runner looks it up).
pub fn write_inet<W: Write>(
    w: &mut W,
    layout: &Layout,
    netid: &str,
    rec: &InetRecord<'_>,
    ifname: Option<&str>,
) -> fmt::Result {
    write_inet_with(w, layout, netid, rec, ifname, &Extras::NONE, None, 0)
}

/// [`write_inet`] with ss's optional parts: `extras` says which (and
/// carries what the runner adds, `-p`), `details` are the record's checked
/// attributes (needed for `--tos`, `-m`, `-i`) and `protocol` the table
/// dumped ([`inet::proto`]).
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
    let mut dec = Dec::new(0);
    write_inet_addr(w, rec.id.src, ifname, v6only, width::ADDR)?;
    w.write_char(':')?;
    write_padded_right(w, port_text(rec.id.sport, &mut dec), width::PORT)?;
    w.write_char(' ')?;
    write_inet_addr(w, rec.id.dst, None, v6only, width::ADDR)?;
    w.write_char(':')?;
    w.write_str(port_text(rec.id.dport, &mut dec))?;
    write!(w, "{}", extras.process)?;
    // ss's -e implies -o: the timer follows the process column.
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
    write_unix_with(w, layout, rec, &Extras::NONE)
}

/// [`write_unix`] with what the runner adds (`-p`, `-m`).
pub fn write_unix_with<W: Write>(
    w: &mut W,
    layout: &Layout,
    rec: &UnixRecord<'_>,
    extras: &Extras<'_>,
) -> fmt::Result {
    let (rq, sq) = unix_queues(rec);
    write_lead(w, layout, unix_netid(rec.sock_type), rec.state, rq, sq)?;
    let mut name_width = CharCount(0);
    write_unix_name(&mut name_width, &rec.name)?;
    pad(w, width::ADDR.saturating_sub(name_width.0))?;
    write_unix_name(w, &rec.name)?;
    w.write_char(' ')?;
    write_padded_right(w, Dec::new(rec.inode.into()).as_str(), width::PORT)?;
    w.write_char(' ')?;
    write_padded_left(w, "*", width::ADDR)?;
    w.write_char(' ')?;
    w.write_str(Dec::new(rec.peer.unwrap_or(0).into()).as_str())?;
    write!(w, "{}", extras.process)?;
    if let Some(m) = rec.meminfo.filter(|_| extras.memory) {
        write_skmem(w, &m)?;
    }
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
        self.inet_with(w, netid, rec, ifname, &Extras::NONE, None)
    }

    /// [`JsonArray::inet`] plus what the runner adds (`users`) and every
    /// member of `details`.
    pub fn inet_with<W: Write>(
        &mut self,
        w: &mut W,
        netid: &str,
        rec: &InetRecord<'_>,
        ifname: Option<&str>,
        extras: &Extras<'_>,
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
        write!(w, "{}", extras.process_json)?;
        w.write_char('}')
    }

    /// Writes one unix socket object.
    pub fn unix<W: Write>(&mut self, w: &mut W, rec: &UnixRecord<'_>) -> fmt::Result {
        self.unix_with(w, rec, &Extras::NONE)
    }

    /// [`JsonArray::unix`] with what the runner adds (`users`).
    pub fn unix_with<W: Write>(
        &mut self,
        w: &mut W,
        rec: &UnixRecord<'_>,
        extras: &Extras<'_>,
    ) -> fmt::Result {
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
        if let Some(m) = rec.meminfo {
            json_skmem(w, &m)?;
        }
        write!(w, "{}", extras.process_json)?;
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

/// Writes ss's ` skmem:(r..,rb..,t..,tb..,f..,w..,o..,bl..,d..)`; entries
/// an older kernel did not send are left out.
pub fn write_skmem<W: Write>(w: &mut W, m: &SkMemInfo<'_>) -> fmt::Result {
    const NAMES: [(usize, &str); 9] = [
        (sk::RMEM_ALLOC, "r"),
        (sk::RCVBUF, "rb"),
        (sk::WMEM_ALLOC, "t"),
        (sk::SNDBUF, "tb"),
        (sk::FWD_ALLOC, "f"),
        (sk::WMEM_QUEUED, "w"),
        (sk::OPTMEM, "o"),
        (sk::BACKLOG, "bl"),
        (sk::DROPS, "d"),
    ];
    w.write_str(" skmem:(")?;
    let mut first = true;
    for (i, name) in NAMES {
        if let Some(v) = m.get(i) {
            write!(w, "{}{name}{v}", if first { "" } else { "," })?;
            first = false;
        }
    }
    w.write_char(')')
}

/// Writes `,"skmem":{...}` with the entries the kernel sent, by their
/// `SK_MEMINFO_*` names in lower case (bytes, drops in packets).
pub fn json_skmem<W: Write>(w: &mut W, m: &SkMemInfo<'_>) -> fmt::Result {
    const NAMES: [&str; sk::DROPS + 1] = [
        "rmem_alloc",
        "rcvbuf",
        "wmem_alloc",
        "sndbuf",
        "fwd_alloc",
        "wmem_queued",
        "optmem",
        "backlog",
        "drops",
    ];
    w.write_str(",\"skmem\":{")?;
    for (i, v) in m.iter().enumerate() {
        let sep = if i > 0 { "," } else { "" };
        // An entry from a kernel newer than this table keeps its index.
        match NAMES.get(i) {
            Some(n) => write!(w, "{sep}\"{n}\":{v}")?,
            None => write!(w, "{sep}\"entry_{i}\":{v}")?,
        }
    }
    w.write_char('}')
}

/// ss's name for a netlink protocol (iproute2's `nl_protos` table).
pub const fn netlink_proto_name(protocol: u8) -> Option<&'static str> {
    Some(match protocol {
        0 => "rtnl",
        1 => "unused",
        2 => "usersock",
        3 => "fw",
        4 => "tcpdiag",
        5 => "nflog",
        6 => "xfrm",
        7 => "selinux",
        8 => "iscsi",
        9 => "audit",
        10 => "fiblookup",
        11 => "connector",
        12 => "nft",
        13 => "ip6fw",
        14 => "dec-rt",
        15 => "uevent",
        16 => "genl",
        18 => "scsi-trans",
        19 => "ecryptfs",
        20 => "rdma",
        21 => "crypto",
        _ => return None,
    })
}

/// ss's name for an ethertype (iproute2's `ll_proto` table; the first
/// name wins where the table has two).
pub const fn ll_proto_name(protocol: u16) -> Option<&'static str> {
    Some(match protocol {
        0x0001 => "802_3",
        0x0002 => "ax25",
        0x0003 => "all",
        0x0004 => "802_2",
        0x0005 => "snap",
        0x0006 => "ddcmp",
        0x0007 => "wan_ppp",
        0x0008 => "ppp_mp",
        0x0009 => "localtalk",
        0x000c => "can",
        0x0010 => "ppptalk",
        0x0011 => "tr_802_2",
        0x0015 => "mobitex",
        0x0016 => "control",
        0x0017 => "irda",
        0x0018 => "econet",
        0x0060 => "loop",
        0x0200 => "pup",
        0x0201 => "pupat",
        0x0800 => "ip",
        0x0805 => "x25",
        0x0806 => "arp",
        0x08ff => "bpq",
        0x0a00 => "ieeepup",
        0x0a01 => "ieeepupat",
        0x6000 => "dec",
        0x6001 => "dna_dl",
        0x6002 => "dna_rc",
        0x6003 => "dna_rt",
        0x6004 => "lat",
        0x6005 => "diag",
        0x6006 => "cust",
        0x6007 => "sca",
        0x6558 => "teb",
        0x8035 => "rarp",
        0x809b => "atalk",
        0x80f3 => "aarp",
        0x8100 => "802.1Q",
        0x8137 => "ipx",
        0x86dd => "ipv6",
        0x8847 => "mpls_uc",
        0x8848 => "mpls_mc",
        0x884c => "atmmpoa",
        0x8863 => "ppp_disc",
        0x8864 => "ppp_ses",
        0x8884 => "atmfate",
        0x8892 => "profinet",
        0x88a2 => "aoe",
        0x88a4 => "ethercat",
        0x88a8 => "802.1ad",
        0x88ca => "tipc",
        0x88cc => "LLDP",
        _ => return None,
    })
}

/// Writes `d` padded with spaces to `width` chars, on the left (`right`
/// aligned) or on the right; the width is measured by writing `d` once.
fn write_aligned<W: Write>(
    w: &mut W,
    d: &dyn fmt::Display,
    width: usize,
    right: bool,
) -> fmt::Result {
    let mut n = CharCount(0);
    write!(n, "{d}")?;
    let fill = width.saturating_sub(n.0);
    if right {
        pad(w, fill)?;
        write!(w, "{d}")
    } else {
        write!(w, "{d}")?;
        pad(w, fill)
    }
}

/// A netlink protocol as ss prints it: the name, or the number with `-n`
/// or when the table has none.
struct NlProto(u8, bool);

impl fmt::Display for NlProto {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match netlink_proto_name(self.0) {
            Some(name) if !self.1 => f.write_str(name),
            _ => write!(f, "{}", self.0),
        }
    }
}

/// A netlink port id as ss prints it: `*` for -1, `kernel` for 0, and
/// `comm/pid` when a process of that pid exists (`owner`); port ids are
/// C ints to ss, so large ones show as negative numbers.
struct NlPort<'a> {
    portid: u32,
    owner: Option<&'a str>,
    numeric: bool,
}

impl fmt::Display for NlPort<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let pid = self.portid as i32;
        match (pid, self.owner) {
            (-1, _) => f.write_char('*'),
            (0, _) if !self.numeric => f.write_str("kernel"),
            (_, Some(comm)) if !self.numeric && pid > 0 => write!(f, "{comm}/{pid}"),
            _ => write!(f, "{pid}"),
        }
    }
}

/// Writes one netlink socket as ss does: Netid `nl`, always `UNCONN`,
/// queues from MEMINFO, `protocol:port` on the local side, the destination
/// `group:port` of a connected socket or `*` on the peer side. `owner` is
/// the command name of the process whose pid equals the port id, if any
/// (the runner reads it from /proc; ss does the same).
pub fn write_netlink<W: Write>(
    w: &mut W,
    layout: &Layout,
    rec: &NetlinkRecord<'_>,
    owner: Option<&str>,
    extras: &Extras<'_>,
) -> fmt::Result {
    write_lead(w, layout, "nl", TcpState::Close, rec.rqueue(), rec.wqueue())?;
    write_aligned(w, &NlProto(rec.protocol, extras.numeric), width::ADDR, true)?;
    w.write_char(':')?;
    let port = NlPort {
        portid: rec.portid,
        owner,
        numeric: extras.numeric,
    };
    write_aligned(w, &port, width::PORT, false)?;
    w.write_char(' ')?;
    if rec.state == NetlinkState::Connected {
        write_aligned(w, &(rec.dst_group as i32), width::ADDR, true)?;
        write!(w, ":{}", rec.dst_portid as i32)?;
    } else {
        write_padded_left(w, "*", width::ADDR)?;
    }
    // ss shows no processes for netlink sockets: the port already names one.
    if layout.extended {
        let groups = rec.groups.map_or(0, |g| g.low32());
        // ss 6.1 prints sk and cb as 0: the diag message has neither.
        write!(w, " sk=0 cb=0 groups=0x{groups:08x}")?;
    }
    if let Some(m) = rec.meminfo.filter(|_| extras.memory) {
        w.write_char('\t')?;
        write_skmem(w, &m)?;
    }
    w.write_char('\n')
}

/// A packet socket's protocol as ss prints it: `*` for ETH_P_ALL, the
/// name, or `[number]` (always with `-n`).
struct LlProto(u16, bool);

impl fmt::Display for LlProto {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match ll_proto_name(self.0) {
            _ if self.0 == packet::ETH_P_ALL => f.write_char('*'),
            Some(name) if !self.1 => f.write_str(name),
            _ => write!(f, "[{}]", self.0),
        }
    }
}

/// The interface a packet socket is bound to: `*` for none, its name, or
/// `ifN` when the name is unknown (as iproute2 does).
struct LlIface<'a>(u32, Option<&'a str>);

impl fmt::Display for LlIface<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LlIface(0, _) => f.write_char('*'),
            LlIface(_, Some(name)) => f.write_str(name),
            LlIface(i, None) => write!(f, "if{i}"),
        }
    }
}

/// ss's name of a fanout mode.
fn fanout_name<W: Write>(w: &mut W, mode: FanoutType) -> fmt::Result {
    match mode {
        FanoutType::Hash => w.write_str("hash"),
        FanoutType::Lb => w.write_str("lb"),
        FanoutType::Cpu => w.write_str("cpu"),
        FanoutType::Rollover => w.write_str("roll"),
        FanoutType::Random => w.write_str("random"),
        FanoutType::QueueMapping => w.write_str("qm"),
        FanoutType::Cbpf => write!(w, "0x{:x}", 6),
        FanoutType::Ebpf => write!(w, "0x{:x}", 7),
        FanoutType::Unknown(t) => write!(w, "0x{t:x}"),
    }
}

fn write_packet_ring<W: Write>(w: &mut W, name: &str, r: &packet::Ring) -> fmt::Result {
    write!(
        w,
        "{name}(blk_size:{},blk_nr:{},frm_size:{},frm_nr:{},tmo:{},features:0x{:x})",
        r.block_size as i32,
        r.block_nr as i32,
        r.frame_size as i32,
        r.frame_nr as i32,
        r.retire_tmo as i32,
        r.features
    )
}

/// Writes one packet socket as ss does: Netid `p_raw` or `p_dgr`, always
/// `UNCONN`, Recv-Q from MEMINFO and Send-Q 0, `protocol:interface` on the
/// local side and `*` on the peer side. With `-e`, ss's detail lines
/// (`ver`, `cpy_thresh`, `flags(...)`, rings, fanout) follow on indented
/// lines, or on the same line with `-O`. `ifname` names `rec.ifindex()`.
pub fn write_packet<W: Write>(
    w: &mut W,
    layout: &Layout,
    rec: &PacketRecord<'_>,
    ifname: Option<&str>,
    extras: &Extras<'_>,
) -> fmt::Result {
    write_lead(
        w,
        layout,
        packet_netid(rec.sock_type),
        TcpState::Close,
        rec.rqueue(),
        0,
    )?;
    write_aligned(w, &LlProto(rec.protocol, extras.numeric), width::ADDR, true)?;
    w.write_char(':')?;
    write_aligned(w, &LlIface(rec.ifindex(), ifname), width::PORT, false)?;
    w.write_char(' ')?;
    write_padded_left(w, "*", width::ADDR)?;
    write!(w, "{}", extras.process)?;
    let sep = if extras.oneline { " " } else { "\n\t" };
    if layout.extended {
        if let Some(uid) = rec.uid.filter(|&u| u != 0) {
            write!(w, " uid:{uid}")?;
        }
        write!(w, " ino:{} sk:{:x}", rec.inode, rec.cookie)?;
        if let Some(info) = rec.info {
            write!(
                w,
                "{sep}ver:{} cpy_thresh:{} flags( ",
                info.version as i32, info.copy_thresh as i32
            )?;
            const FLAGS: [(u32, &str); 5] = [
                (packet::info_flag::RUNNING, "running"),
                (packet::info_flag::AUXDATA, " auxdata"),
                (packet::info_flag::ORIGDEV, " origdev"),
                (packet::info_flag::VNETHDR, " vnethdr"),
                (packet::info_flag::LOSS, " loss"),
            ];
            for (bit, name) in FLAGS {
                if info.flags & bit != 0 {
                    w.write_str(name)?;
                }
            }
            if info.flags == 0 {
                w.write_char('0')?;
            }
            w.write_str(" )")?;
        }
        if let Some(r) = rec.rx_ring {
            w.write_str(sep)?;
            write_packet_ring(w, "ring_rx", &r)?;
        }
        if let Some(r) = rec.tx_ring {
            w.write_str(sep)?;
            write_packet_ring(w, "ring_tx", &r)?;
        }
        if let Some(f) = rec.fanout {
            write!(w, "{sep}fanout(id:{},type:", f.id)?;
            fanout_name(w, f.mode)?;
            w.write_char(')')?;
        }
    }
    if let Some(m) = rec.meminfo.filter(|_| extras.memory) {
        write_skmem(w, &m)?;
    }
    w.write_char('\n')
}

/// The Netid ss prints for a packet socket.
pub const fn packet_netid(sock_type: SockType) -> &'static str {
    // ss calls everything but SOCK_RAW a datagram socket.
    if let SockType::Raw = sock_type {
        "p_raw"
    } else {
        "p_dgr"
    }
}

impl JsonArray {
    /// Writes one netlink socket object (fields in the README).
    pub fn netlink<W: Write>(
        &mut self,
        w: &mut W,
        rec: &NetlinkRecord<'_>,
        extras: &Extras<'_>,
    ) -> fmt::Result {
        self.open(w)?;
        write!(
            w,
            "{{\"netid\":\"nl\",\"state\":\"UNCONN\",\"recv_q\":{},\"send_q\":{},\"protocol\":{}",
            rec.rqueue(),
            rec.wqueue(),
            rec.protocol
        )?;
        if let Some(name) = netlink_proto_name(rec.protocol) {
            write!(w, ",\"protocol_name\":\"{name}\"")?;
        }
        write!(
            w,
            ",\"portid\":{},\"connected\":{},\"dst_portid\":{},\"dst_group\":{},\"inode\":{},\"cookie\":{}",
            rec.portid,
            rec.state == NetlinkState::Connected,
            rec.dst_portid,
            rec.dst_group,
            rec.inode,
            rec.cookie
        )?;
        if let Some(g) = rec.groups {
            write!(w, ",\"groups\":{}", g.low32())?;
        }
        if let Some(v) = rec.flags {
            write!(w, ",\"flags\":{v}")?;
        }
        if let Some(m) = rec.meminfo {
            json_skmem(w, &m)?;
        }
        write!(w, "{}", extras.process_json)?;
        w.write_char('}')
    }

    /// Writes one packet socket object (fields in the README).
    pub fn packet<W: Write>(
        &mut self,
        w: &mut W,
        rec: &PacketRecord<'_>,
        ifname: Option<&str>,
        extras: &Extras<'_>,
    ) -> fmt::Result {
        self.open(w)?;
        write!(
            w,
            "{{\"netid\":\"{}\",\"state\":\"UNCONN\",\"recv_q\":{},\"send_q\":0,\"protocol\":{}",
            packet_netid(rec.sock_type),
            rec.rqueue(),
            rec.protocol
        )?;
        if let Some(name) = ll_proto_name(rec.protocol) {
            write!(w, ",\"protocol_name\":\"{name}\"")?;
        }
        write!(w, ",\"ifindex\":{}", rec.ifindex())?;
        if let Some(name) = ifname.filter(|_| rec.ifindex() != 0) {
            w.write_str(",\"interface\":\"")?;
            json_str_body(w, name.as_bytes())?;
            w.write_char('"')?;
        }
        write!(w, ",\"inode\":{},\"cookie\":{}", rec.inode, rec.cookie)?;
        if let Some(v) = rec.uid {
            write!(w, ",\"uid\":{v}")?;
        }
        if let Some(i) = rec.info {
            write!(
                w,
                ",\"version\":{},\"copy_thresh\":{},\"flags\":{}",
                i.version, i.copy_thresh, i.flags
            )?;
        }
        for (name, ring) in [("rx_ring", rec.rx_ring), ("tx_ring", rec.tx_ring)] {
            if let Some(r) = ring {
                write!(
                    w,
                    ",\"{name}\":{{\"block_size\":{},\"block_nr\":{},\"frame_size\":{},\"frame_nr\":{},\
                     \"retire_tmo\":{},\"sizeof_priv\":{},\"features\":{}}}",
                    r.block_size,
                    r.block_nr,
                    r.frame_size,
                    r.frame_nr,
                    r.retire_tmo,
                    r.sizeof_priv,
                    r.features
                )?;
            }
        }
        if let Some(f) = rec.fanout {
            write!(w, ",\"fanout\":{{\"id\":{},\"type\":\"", f.id)?;
            fanout_name(w, f.mode)?;
            write!(w, "\",\"raw\":{}}}", f.raw)?;
        }
        if let Some(mc) = rec.mclist {
            w.write_str(",\"mclist\":[")?;
            for (i, e) in mc.iter().enumerate() {
                write!(
                    w,
                    "{}{{\"ifindex\":{},\"count\":{},\"type\":{},\"addr\":\"",
                    if i > 0 { "," } else { "" },
                    e.ifindex,
                    e.count,
                    e.mr_type
                )?;
                for (j, b) in e.addr.iter().enumerate() {
                    write!(w, "{}{b:02x}", if j > 0 { ":" } else { "" })?;
                }
                w.write_str("\"}")?;
            }
            w.write_char(']')?;
        }
        if let Some(f) = rec.filter {
            write!(w, ",\"filter_len\":{}", f.len())?;
        }
        if let Some(m) = rec.meminfo {
            json_skmem(w, &m)?;
        }
        write!(w, "{}", extras.process_json)?;
        w.write_char('}')
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::net::{Ipv4Addr, Ipv6Addr};
    use heapless::String;

    /// The hand-rolled digits and padding agree with `core::fmt`'s.
    #[test]
    fn test_fast_text() {
        for v in [0, 1, 9, 10, 99, 100, 65535, 4_294_967_295, u64::MAX] {
            let mut want: String<24> = String::new();
            write!(want, "{v}").unwrap();
            assert_eq!(Dec::new(v).as_str(), want.as_str());
        }
        for a in [
            [0, 0, 0, 0],
            [127, 0, 0, 1],
            [255, 255, 255, 255],
            [10, 200, 3, 40],
        ] {
            let (mut got, mut want): (String<16>, String<16>) = (String::new(), String::new());
            write_ipv4(&mut got, Ipv4Addr::from(a)).unwrap();
            write!(want, "{}", Ipv4Addr::from(a)).unwrap();
            assert_eq!(got, want);
        }
        for (text, width) in [("", 3), ("ab", 3), ("abcd", 3), ("é", 2), ("x", 40)] {
            let (mut got, mut want): (String<128>, String<128>) = (String::new(), String::new());
            write_padded_left(&mut got, text, width).unwrap();
            write_padded_right(&mut got, text, width).unwrap();
            write!(want, "{text:>width$}{text:<width$}").unwrap();
            assert_eq!(got, want);
        }
    }

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
            icons: Some(crate::wire::unix::Inodes::new_checked(&raw).unwrap()),
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

    fn netlink_rec(buf: &mut [u8; 96], state: u8, portid: u32) -> NetlinkRecord<'_> {
        buf.fill(0);
        buf[0] = crate::family::NETLINK;
        buf[1] = 3;
        buf[2] = 4;
        buf[3] = state;
        buf[4..8].copy_from_slice(&portid.to_ne_bytes());
        buf[8..12].copy_from_slice(&0u32.to_ne_bytes());
        buf[12..16].copy_from_slice(&0u32.to_ne_bytes());
        buf[16..20].copy_from_slice(&99u32.to_ne_bytes());
        // MEMINFO (type 0) with 9 entries, then GROUPS (type 1) = group 1.
        buf[28..30].copy_from_slice(&40u16.to_ne_bytes());
        buf[30..32].copy_from_slice(&0u16.to_ne_bytes());
        for i in 0..9u32 {
            let at = 32 + i as usize * 4;
            buf[at..at + 4].copy_from_slice(&(i * 10).to_ne_bytes());
        }
        buf[68..70].copy_from_slice(&12u16.to_ne_bytes());
        buf[70..72].copy_from_slice(&1u16.to_ne_bytes());
        buf[72..80].copy_from_slice(&1u64.to_ne_bytes());
        NetlinkRecord::parse_bytes(&buf[..80]).unwrap()
    }

    #[test]
    fn test_netlink_line() {
        let layout = Layout {
            netid: true,
            state: true,
            extended: false,
        };
        let mut buf = [0u8; 96];
        let r = netlink_rec(&mut buf, 0, 4242);
        let mut s: String<256> = String::new();
        write_netlink(&mut s, &layout, &r, Some("ss"), &Extras::NONE).unwrap();
        assert_eq!(squash(&s), "nl UNCONN 0 20 tcpdiag:ss/4242 *");
        let numeric = Extras {
            numeric: true,
            memory: true,
            ..Extras::NONE
        };
        s.clear();
        write_netlink(&mut s, &Layout::default(), &r, Some("ss"), &numeric).unwrap();
        assert_eq!(
            squash(&s),
            "0 20 4:4242 * skmem:(r0,rb10,t20,tb30,f40,w50,o60,bl70,d80)"
        );
        let mut buf = [0u8; 96];
        let r = netlink_rec(&mut buf, 1, 0x9c0f_a1ec);
        s.clear();
        let ext = Layout {
            extended: true,
            ..layout
        };
        write_netlink(&mut s, &ext, &r, None, &Extras::NONE).unwrap();
        assert_eq!(
            squash(&s),
            "nl UNCONN 0 20 tcpdiag:-1676697108 0:0 sk=0 cb=0 groups=0x00000001"
        );
        let mut buf = [0u8; 96];
        let r = netlink_rec(&mut buf, 0, 0);
        s.clear();
        write_netlink(&mut s, &layout, &r, None, &Extras::NONE).unwrap();
        assert_eq!(squash(&s), "nl UNCONN 0 20 tcpdiag:kernel *");
        let mut buf = [0u8; 96];
        let r = netlink_rec(&mut buf, 0, u32::MAX);
        s.clear();
        write_netlink(&mut s, &layout, &r, None, &Extras::NONE).unwrap();
        assert_eq!(squash(&s), "nl UNCONN 0 20 tcpdiag:* *");
        let mut j: String<512> = String::new();
        let mut arr = JsonArray::new();
        arr.netlink(&mut j, &r, &Extras::NONE).unwrap();
        assert!(j.starts_with(
            "[\n{\"netid\":\"nl\",\"state\":\"UNCONN\",\"recv_q\":0,\"send_q\":20,\"protocol\":4,\
             \"protocol_name\":\"tcpdiag\",\"portid\":4294967295,\"connected\":false"
        ), "{j}");
        assert!(j.ends_with(",\"groups\":1,\"skmem\":{\"rmem_alloc\":0,\"rcvbuf\":10,\"wmem_alloc\":20,\"sndbuf\":30,\"fwd_alloc\":40,\"wmem_queued\":50,\"optmem\":60,\"backlog\":70,\"drops\":80}}"), "{j}");
    }

    #[test]
    fn test_packet_line() {
        let mut b = [0u8; 128];
        b[0] = crate::family::PACKET;
        b[1] = 3;
        b[2..4].copy_from_slice(&0x0800u16.to_ne_bytes());
        b[4..8].copy_from_slice(&1234u32.to_ne_bytes());
        b[8..12].copy_from_slice(&0xe6b9bu32.to_ne_bytes());
        // INFO: ifindex 1, version 0, copy_thresh 0, flags RUNNING.
        b[16..18].copy_from_slice(&28u16.to_ne_bytes());
        b[18..20].copy_from_slice(&0u16.to_ne_bytes());
        b[20..24].copy_from_slice(&1u32.to_ne_bytes());
        b[40..44].copy_from_slice(&1u32.to_ne_bytes());
        // FANOUT: id 5, type roll.
        b[44..46].copy_from_slice(&8u16.to_ne_bytes());
        b[46..48].copy_from_slice(&4u16.to_ne_bytes());
        b[48..52].copy_from_slice(&(5u32 | (3 << 16)).to_ne_bytes());
        let r = PacketRecord::parse_bytes(&b[..52]).unwrap();
        let layout = Layout {
            netid: true,
            state: true,
            extended: false,
        };
        let mut s: String<256> = String::new();
        write_packet(&mut s, &layout, &r, Some("lo"), &Extras::NONE).unwrap();
        assert_eq!(squash(&s), "p_raw UNCONN 0 0 ip:lo *");
        let numeric = Extras {
            numeric: true,
            ..Extras::NONE
        };
        s.clear();
        write_packet(&mut s, &layout, &r, None, &numeric).unwrap();
        assert_eq!(squash(&s), "p_raw UNCONN 0 0 [2048]:if1 *");
        let ext = Layout {
            extended: true,
            ..layout
        };
        s.clear();
        write_packet(&mut s, &ext, &r, Some("lo"), &Extras::NONE).unwrap();
        assert_eq!(
            s.as_str()
                .lines()
                .map(squash)
                .collect::<heapless::Vec<_, 4>>(),
            [
                "p_raw UNCONN 0 0 ip:lo * ino:1234 sk:e6b9b",
                "ver:0 cpy_thresh:0 flags( running )",
                "fanout(id:5,type:roll)"
            ]
        );
        let oneline = Extras {
            oneline: true,
            ..Extras::NONE
        };
        s.clear();
        write_packet(&mut s, &ext, &r, Some("lo"), &oneline).unwrap();
        assert_eq!(
            squash(&s),
            "p_raw UNCONN 0 0 ip:lo * ino:1234 sk:e6b9b ver:0 cpy_thresh:0 flags( running ) fanout(id:5,type:roll)"
        );
        assert_eq!(
            format_args_str(LlProto(packet::ETH_P_ALL, true)).as_str(),
            "*"
        );
        assert_eq!(format_args_str(LlProto(0x88b5, false)).as_str(), "[34997]");
        assert_eq!(format_args_str(LlProto(0x86dd, false)).as_str(), "ipv6");
        assert_eq!(packet_netid(SockType::Dgram), "p_dgr");
        let mut j: String<512> = String::new();
        let mut arr = JsonArray::new();
        arr.packet(&mut j, &r, Some("lo"), &Extras::NONE).unwrap();
        assert_eq!(
            j.as_str(),
            "[\n{\"netid\":\"p_raw\",\"state\":\"UNCONN\",\"recv_q\":0,\"send_q\":0,\"protocol\":2048,\
             \"protocol_name\":\"ip\",\"ifindex\":1,\"interface\":\"lo\",\"inode\":1234,\"cookie\":945051,\
             \"version\":0,\"copy_thresh\":0,\"flags\":1,\"fanout\":{\"id\":5,\"type\":\"roll\",\"raw\":196613}}"
        );
    }

    fn format_args_str(d: impl fmt::Display) -> String<32> {
        let mut s = String::new();
        write!(s, "{d}").unwrap();
        s
    }

    #[test]
    fn test_process_and_skmem() {
        let u = UnixRecord {
            rqlen: Some((0, 0)),
            ..UnixRecord::new(SockType::Stream, TcpState::Established, 7)
        };
        let extras = Extras {
            process: &" users:((\"x\",pid=1,fd=3))",
            process_json: &",\"users\":[]",
            ..Extras::NONE
        };
        let mut s: String<256> = String::new();
        write_unix_with(&mut s, &Layout::default(), &u, &extras).unwrap();
        assert_eq!(squash(&s), "0 0 * 7 * 0 users:((\"x\",pid=1,fd=3))");
        let mut j: String<512> = String::new();
        JsonArray::new().unix_with(&mut j, &u, &extras).unwrap();
        assert!(j.ends_with(",\"users\":[]}"), "{j}");
        // Seven entries from an older kernel: no bl, no d.
        let mut raw = [0u8; 28];
        for i in 0..7u32 {
            raw[i as usize * 4..i as usize * 4 + 4].copy_from_slice(&(i + 1).to_ne_bytes());
        }
        let m = SkMemInfo::new_checked(&raw).unwrap();
        s.clear();
        write_skmem(&mut s, &m).unwrap();
        assert_eq!(s.as_str(), " skmem:(r1,rb2,t3,tb4,f5,w6,o7)");
    }
}
