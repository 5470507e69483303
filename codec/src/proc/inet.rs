//! The `/proc/net/{tcp,udp,raw}{,6}` table lines, printed by
//! `get_tcp4_sock()` and friends (`net/ipv4/tcp_ipv4.c`,
//! `net/ipv6/tcp_ipv6.c`), `udp4_format_sock()` (`net/ipv4/udp.c`),
//! `raw_sock_seq_show()` (`net/ipv4/raw.c`) and
//! `__ip6_dgram_sock_seq_show()` (`net/ipv6/datagram.c`): the fallback for
//! kernels without a diag module. Each line decodes into a [`ProcInet`]: the
//! [`InetRecord`] the printer takes, plus the columns only /proc has.
//!
//! ```text
//!   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer ...
//!    1: 0100007F:00FD 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 4398 2 0000000012345678 ...
//! ```
//! Addresses are the in-memory `__be32` words printed with `%08X`, so a
//! word's hex value read back in host order yields the network-order bytes;
//! ports are host-order `%04X`. The columns up to `inode` are on every line
//! of every kernel; `ref` and `pointer` follow on all but the oldest. Then
//! TCP adds `rto ato quick cwnd ssthresh` for full sockets (TIME_WAIT and
//! SYN_RECV request lines stop after `pointer`), UDP and RAW add `drops`.
//! Columns a newer kernel appends are ignored.
//!
//! What /proc cannot give: the socket cookie and the bound interface (both
//! 0 in the record), a TCP listener's backlog limit ([`ProcInet::send_q`]
//! is `None`; its tx_queue is always 0), and every attribute of a diag
//! message (shutdown, mark, cgroup, tcp_info, ...).

use core::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use byteorder::{ByteOrder, NativeEndian};

use crate::proc::columns::{self, Columns};
use crate::wire::inet::{InetRecord, SockId, TcpState, Timer};
use crate::{Error, Result};

/// `USER_HZ`, the unit of the timer columns, on every architecture but
/// alpha; the runner should pass `sysconf(_SC_CLK_TCK)`.
pub const USER_HZ: u32 = 100;

/// Which file a line comes from: the TCP files have their own trailing
/// columns, UDP and RAW share theirs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Table {
    /// `/proc/net/tcp`, `/proc/net/tcp6`
    Tcp,
    /// `/proc/net/udp`, `/proc/net/udp6` (and `udplite`)
    Udp,
    /// `/proc/net/raw`, `/proc/net/raw6`: the local port is the protocol.
    Raw,
}

/// The columns a full TCP socket's line ends with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TcpColumns {
    /// Retransmission timeout, in clock ticks.
    pub rto: u64,
    /// Delayed-ACK timeout, in clock ticks.
    pub ato: u64,
    /// `(icsk_ack.quick << 1) | pingpong`
    pub quick_ack: u32,
    /// Congestion window, in segments.
    pub cwnd: u32,
    /// Slow-start threshold; `None` while in initial slow start (-1), and
    /// for a listener, whose column holds the fast-open queue limit.
    pub ssthresh: Option<u32>,
    /// A listener's TCP Fast Open queue limit (`fastopenq.max_qlen`), which
    /// the same column holds: NOT its backlog.
    pub fastopen_limit: Option<u32>,
}

/// Every column of one line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProcInet {
    /// The socket as the printer and filters take it. `wqueue` is what the
    /// line says (0 for a listener); `expires` is `tm->when` in ms; cookie
    /// and interface are 0, attributes absent.
    pub record: InetRecord<'static>,
    /// `sl`: a running count (TCP) or the hash bucket (UDP, RAW).
    pub slot: u32,
    /// The send queue as the JSON should show it: `None` for a TCP
    /// listener, whose backlog limit /proc does not hold.
    pub send_q: Option<u32>,
    /// `tm->when`: clock ticks until the timer fires.
    pub when: u64,
    /// `retrnsmt`: retransmits (TCP), SYN-ACK retries (SYN_RECV), else 0.
    pub retransmits: u32,
    /// `timeout`: TCP's unanswered probes (`icsk_probes_out`), else 0.
    pub probes: u32,
    /// `ref`: the socket's reference count (absent on 2.4 kernels).
    pub refcnt: Option<u32>,
    /// `pointer`: the socket's kernel address as `%pK` shows it (hashed,
    /// or 0 when hidden).
    pub sk: Option<u64>,
    /// TCP full sockets only.
    pub tcp: Option<TcpColumns>,
    /// `drops` (UDP and RAW, Linux 2.6.27 on).
    pub drops: Option<u32>,
}

/// `ADDR:PORT` with 8 (IPv4) or 32 (IPv6) hex digits of address.
fn endpoint(s: &[u8]) -> Result<(IpAddr, u16)> {
    let (addr, port) = columns::split(s, b':')?;
    let port = u16::try_from(columns::hex(port, 4)?).map_err(|_| Error::BadText)?;
    let mut bytes = [0u8; 16];
    let words = match addr.len() {
        8 => 1,
        32 => 4,
        _ => return Err(Error::BadText),
    };
    for (word, out) in addr.chunks_exact(8).zip(bytes.chunks_exact_mut(4)) {
        NativeEndian::write_u32(out, columns::hex_u32(word)?);
    }
    let ip = if words == 1 {
        IpAddr::V4(Ipv4Addr::new(bytes[0], bytes[1], bytes[2], bytes[3]))
    } else {
        IpAddr::V6(Ipv6Addr::from(bytes))
    };
    Ok((ip, port))
}

/// `count:`, the slot column.
fn slot(s: &[u8]) -> Result<u32> {
    match s.split_last() {
        Some((b':', digits)) => columns::dec_u32(digits),
        _ => Err(Error::BadText),
    }
}

/// Milliseconds in `ticks`, rounded up as ss rounds them.
fn ticks_to_ms(ticks: u64, user_hz: u32) -> Result<u32> {
    let hz = u64::from(user_hz);
    ticks
        .checked_mul(1000)
        .and_then(|t| t.checked_add(hz.checked_sub(1)?))
        .and_then(|t| t.checked_div(hz))
        .and_then(|ms| u32::try_from(ms).ok())
        .ok_or(Error::BadText)
}

fn tcp_columns(c: &mut Columns<'_>, state: TcpState) -> Result<Option<TcpColumns>> {
    let Some(rto) = c.next_column() else {
        return Ok(None);
    };
    let rto = columns::dec_u64(rto)?;
    let ato = columns::dec_u64(c.column()?)?;
    let quick_ack = columns::dec_u32(c.column()?)?;
    let cwnd = columns::dec_u32(c.column()?)?;
    let last = columns::dec_i32(c.column()?)?;
    let last = match last {
        -1 => None,
        v => Some(u32::try_from(v).map_err(|_| Error::BadText)?),
    };
    let listen = state == TcpState::Listen;
    Ok(Some(TcpColumns {
        rto,
        ato,
        quick_ack,
        cwnd,
        ssthresh: last.filter(|_| !listen),
        fastopen_limit: last.filter(|_| listen),
    }))
}

impl ProcInet {
    /// Decodes one line of `table`. Returns `Ok(None)` for the header line,
    /// an error for anything else that is not a well-formed socket line.
    /// `user_hz` converts `tm->when` into the record's milliseconds.
    pub fn parse(line: &[u8], table: Table, user_hz: u32) -> Result<Option<ProcInet>> {
        let mut c = Columns::new(line)?;
        let first = c.column()?;
        if first == b"sl" {
            return Ok(None);
        }
        let slot = slot(first)?;
        let (src, sport) = endpoint(c.column()?)?;
        let (dst, dport) = endpoint(c.column()?)?;
        if src.is_ipv4() != dst.is_ipv4() {
            return Err(Error::BadFamily);
        }
        let state = TcpState::from(columns::hex_u8(c.column()?)?);
        let (tx, rx) = columns::split(c.column()?, b':')?;
        let (wqueue, rqueue) = (columns::hex_u32(tx)?, columns::hex_u32(rx)?);
        let (timer, when) = columns::split(c.column()?, b':')?;
        let timer = Timer::from(columns::hex_u8(timer)?);
        let when = columns::hex(when, 16)?;
        let retransmits = columns::hex_u32(c.column()?)?;
        let uid = columns::dec_u32(c.column()?)?;
        let probes = columns::dec_u32(c.column()?)?;
        let inode = columns::dec_u32(c.column()?)?;
        let refcnt = c.next_column().map(columns::dec_u32).transpose()?;
        let sk = c.next_column().map(columns::pointer).transpose()?;
        let (tcp, drops) = match table {
            Table::Tcp => (tcp_columns(&mut c, state)?, None),
            Table::Udp | Table::Raw => (None, c.next_column().map(columns::dec_u32).transpose()?),
        };
        // ss's rule, which is inet_diag's: the retransmit timer counts
        // retransmits, the others count probes.
        let retrans = if timer == Timer::Retransmit {
            retransmits
        } else {
            probes
        };
        let protocol = match table {
            Table::Raw => Some(u8::try_from(sport).map_err(|_| Error::BadText)?),
            Table::Tcp | Table::Udp => None,
        };
        let id = SockId {
            sport,
            dport,
            src,
            dst,
            ifindex: 0,
            cookie: 0,
        };
        let record = InetRecord {
            timer,
            retrans: u8::try_from(retrans).map_err(|_| Error::BadText)?,
            expires: ticks_to_ms(when, user_hz)?,
            rqueue,
            wqueue,
            uid,
            inode,
            protocol,
            ..InetRecord::new(state, id)
        };
        let listener = table == Table::Tcp && state == TcpState::Listen;
        Ok(Some(ProcInet {
            record,
            slot,
            send_q: (!listener).then_some(wqueue),
            when,
            retransmits,
            probes,
            refcnt,
            sk,
            tcp,
            drops,
        }))
    }
}

/// Decodes one UDP or RAW line into the record alone (for RAW, without the
/// protocol): what the runner's raw_diag fallback prints.
pub fn parse_line(line: &str) -> Result<Option<InetRecord<'static>>> {
    Ok(ProcInet::parse(line.as_bytes(), Table::Udp, USER_HZ)?.map(|row| row.record))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::family;

    /// The tables of a namespace holding every kind of socket, captured on
    /// Linux 6.18 (see tests/fixtures/proc/README.md).
    const TCP: &[u8] = include_bytes!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/proc/linux-6.18/tcp"
    ));
    const TCP6: &[u8] = include_bytes!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/proc/linux-6.18/tcp6"
    ));
    const UDP: &[u8] = include_bytes!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/proc/linux-6.18/udp"
    ));
    const UDP6: &[u8] = include_bytes!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/proc/linux-6.18/udp6"
    ));
    const RAW: &[u8] = include_bytes!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/proc/linux-6.18/raw"
    ));
    const RAW6: &[u8] = include_bytes!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/proc/linux-6.18/raw6"
    ));

    /// Every line of a captured table; the first is the header.
    fn rows(text: &[u8], table: Table) -> heapless::Vec<ProcInet, 32> {
        let mut lines = text.split(|&b| b == b'\n').filter(|l| !l.is_empty());
        assert_eq!(
            ProcInet::parse(lines.next().unwrap(), table, USER_HZ),
            Ok(None)
        );
        lines
            .map(|l| ProcInet::parse(l, table, USER_HZ).unwrap().unwrap())
            .collect()
    }

    /// An address as the fixtures hold it. A little-endian kernel printed
    /// them, so on a big-endian host each 32-bit word reads back
    /// byte-swapped (a big-endian kernel prints its own words the other
    /// way round, which the parser reads right).
    fn captured(ip: IpAddr) -> IpAddr {
        let swap = |b: &mut [u8]| {
            if cfg!(target_endian = "big") {
                b.chunks_exact_mut(4).for_each(<[u8]>::reverse);
            }
        };
        match ip {
            IpAddr::V4(a) => {
                let mut b = a.octets();
                swap(&mut b);
                IpAddr::V4(Ipv4Addr::from(b))
            }
            IpAddr::V6(a) => {
                let mut b = a.octets();
                swap(&mut b);
                IpAddr::V6(Ipv6Addr::from(b))
            }
        }
    }

    fn v4(a: u8, b: u8, c: u8, d: u8) -> IpAddr {
        captured(IpAddr::V4(Ipv4Addr::new(a, b, c, d)))
    }

    fn v6(a: Ipv6Addr) -> IpAddr {
        captured(IpAddr::V6(a))
    }

    fn find(rows: &[ProcInet], state: TcpState, sport: u16, dport: u16) -> ProcInet {
        *rows
            .iter()
            .find(|r| {
                (r.record.state, r.record.id.sport, r.record.id.dport) == (state, sport, dport)
            })
            .unwrap()
    }

    #[test]
    fn test_parse() {
        let tcp = rows(TCP, Table::Tcp);
        assert_eq!(tcp.len(), 18);
        // The listener with two connections waiting to be accepted: its
        // rx_queue is the accept queue; its backlog limit is unknown.
        let l = find(&tcp, TcpState::Listen, 7001, 0);
        assert_eq!(l.record.family, family::INET);
        assert_eq!(l.record.id.src, v4(127, 0, 0, 1));
        assert_eq!((l.record.rqueue, l.record.wqueue, l.send_q), (2, 0, None));
        assert_eq!((l.slot, l.record.inode, l.record.uid), (4, 32968, 0));
        assert_eq!((l.refcnt, l.sk), (Some(3), Some(0x3d1ac5d4)));
        let cols = l.tcp.unwrap();
        assert_eq!(
            (cols.rto, cols.ato, cols.quick_ack, cols.cwnd),
            (100, 0, 0, 10)
        );
        assert_eq!((cols.ssthresh, cols.fastopen_limit), (None, Some(0)));
        assert_eq!((l.record.id.ifindex, l.record.id.cookie), (0, 0));
        // The accepted end holding 100 unread bytes.
        let a = find(&tcp, TcpState::Established, 7001, 0xcb00);
        assert_eq!((a.record.rqueue, a.send_q), (100, Some(0)));
        let cols = a.tcp.unwrap();
        assert_eq!(
            (cols.rto, cols.ato, cols.quick_ack, cols.cwnd),
            (20, 4, 30, 10)
        );
        assert_eq!((cols.ssthresh, cols.fastopen_limit), (None, None));
        // Not yet accepted: no file, so inode 0.
        assert_eq!(
            find(&tcp, TcpState::Established, 7001, 0xcb06).record.inode,
            0
        );
        // The sender facing a full window: unacknowledged bytes, the
        // retransmit timer, ssthresh set.
        let z = find(&tcp, TcpState::Established, 0xa3d8, 7002);
        assert_eq!((z.record.wqueue, z.send_q), (0x1ff94, Some(0x1ff94)));
        assert_eq!(
            (z.record.timer, z.when, z.record.expires),
            (Timer::Retransmit, 0x14, 200)
        );
        assert_eq!(z.tcp.unwrap().ssthresh, None);
        assert_eq!(z.tcp.unwrap().cwnd, 1);
        assert_eq!(
            find(&tcp, TcpState::Established, 7002, 0xa3d8)
                .record
                .rqueue,
            0x2000
        );
        // Keepalive, uid 1000: 0xafc42 ticks.
        let k = find(&tcp, TcpState::Established, 0xdefe, 7003);
        assert_eq!((k.record.timer, k.record.uid), (Timer::Keepalive, 1000));
        assert_eq!(k.record.expires, 7_199_380);
        // TIME_WAIT: a shorter line, timer 3, no owner, no TCP columns.
        let t = find(&tcp, TcpState::TimeWait, 0xb06c, 7004);
        assert_eq!(
            (t.record.timer, t.record.expires),
            (Timer::TimeWait, 59_480)
        );
        assert_eq!((t.record.inode, t.refcnt, t.tcp), (0, Some(3), None));
        assert_eq!(t.sk, Some(0xa5bb0e63));
        // The request socket: SYN_RECV (3) on the listener's address.
        let r = find(&tcp, TcpState::SynRecv, 7005, 40000);
        assert_eq!(
            (r.record.id.src, r.record.id.dst),
            (v4(10, 9, 0, 1), v4(10, 9, 0, 2))
        );
        assert_eq!(
            (r.record.timer, r.retransmits, r.record.retrans),
            (Timer::Retransmit, 0, 0)
        );
        assert_eq!((r.record.inode, r.refcnt, r.tcp), (0, Some(0), None));
    }

    #[test]
    fn test_parse_v6() {
        let tcp6 = rows(TCP6, Table::Tcp);
        assert_eq!(tcp6.len(), 5);
        let l = find(&tcp6, TcpState::Listen, 7006, 0);
        assert_eq!(l.record.family, family::INET6);
        assert_eq!(l.record.id.src, v6(Ipv6Addr::LOCALHOST));
        // A v4 client of a dual-stack listener shows mapped addresses.
        let m = find(&tcp6, TcpState::Established, 7007, 0x9e78);
        let mapped = v6(Ipv4Addr::LOCALHOST.to_ipv6_mapped());
        assert_eq!((m.record.id.src, m.record.id.dst), (mapped, mapped));
        let udp6 = rows(UDP6, Table::Udp);
        assert_eq!(udp6[0].record.id.src, v6(Ipv6Addr::LOCALHOST));
        assert_eq!((udp6[0].record.id.sport, udp6[0].drops), (7011, Some(0)));
    }

    #[test]
    fn test_parse_datagram() {
        let udp = rows(UDP, Table::Udp);
        assert_eq!(udp.len(), 3);
        // Receive memory of one 300-byte datagram (skb truesize).
        let u = find(&udp, TcpState::Close, 7008, 0);
        assert_eq!((u.record.rqueue, u.send_q, u.slot), (0x500, Some(0), 7397));
        assert_eq!((u.drops, u.record.protocol, u.tcp), (Some(0), None, None));
        let c = find(&udp, TcpState::Established, 7009, 7010);
        assert_eq!((c.record.uid, c.record.id.dst), (1000, v4(127, 0, 0, 1)));
        // Raw sockets: the local port is the protocol.
        let raw = rows(RAW, Table::Raw);
        assert_eq!(
            (raw[0].record.id.sport, raw[0].record.protocol),
            (1, Some(1))
        );
        let raw6 = rows(RAW6, Table::Raw);
        assert_eq!(raw6[0].record.protocol, Some(58));
        assert_eq!(raw6[0].record.family, family::INET6);
        // The runner's entry point reads the same columns.
        let line = RAW.split(|&b| b == b'\n').nth(1).unwrap();
        let rec = parse_line(core::str::from_utf8(line).unwrap())
            .unwrap()
            .unwrap();
        assert_eq!(
            (rec.id.sport, rec.inode, rec.protocol),
            (1, raw[0].record.inode, None)
        );
        assert_eq!(
            parse_line(core::str::from_utf8(RAW.split(|&b| b == b'\n').next().unwrap()).unwrap()),
            Ok(None)
        );
    }

    #[test]
    fn test_other_kernels() {
        // Linux 2.6.2x UDP: "%4d: ... %5d %8d %lu %d %p" without drops, and a
        // 32-bit kernel's 8-digit pointer.
        let old = b"  12: 0100007F:0035 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 4711 2 c7a1b000";
        let row = ProcInet::parse(old, Table::Udp, USER_HZ).unwrap().unwrap();
        assert_eq!(
            (row.record.inode, row.refcnt, row.sk, row.drops),
            (4711, Some(2), Some(0xc7a1b000), None)
        );
        // Linux 2.4 TCP: the line stops at inode.
        let old = b"   0: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 812";
        let row = ProcInet::parse(old, Table::Tcp, USER_HZ).unwrap().unwrap();
        assert_eq!(
            (row.record.inode, row.refcnt, row.sk, row.tcp),
            (812, None, None, None)
        );
        assert_eq!(row.send_q, None);
        // Debian's 6.12 in a fresh guest: the pointer's placeholder until
        // the hashing key is ready; the columns after it still read.
        let early = b"   0: 00000000000000000000000000000000:1F91 00000000000000000000000000000000:0000 0A 00000000:00000002 00:00000000 00000000     0        0 357 3 (____ptrval____) 100 0 0 10 0";
        let row = ProcInet::parse(early, Table::Tcp, USER_HZ)
            .unwrap()
            .unwrap();
        assert_eq!(
            (row.record.rqueue, row.send_q, row.record.inode, row.sk),
            (2, None, 357, Some(0))
        );
        assert_eq!(row.tcp.map(|t| (t.rto, t.cwnd)), Some((100, 10)));
        // A future kernel appending columns: they are ignored.
        let new = b" 1: 0100007F:0035 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 7 2 0000000000000000 3 99 extra";
        let row = ProcInet::parse(new, Table::Udp, USER_HZ).unwrap().unwrap();
        assert_eq!(row.drops, Some(3));
        // Kernels printing the inode with %llu: one past u32 is refused, not
        // truncated.
        let wide = b" 1: 0100007F:0035 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 4294967296 2 0 0";
        assert_eq!(
            ProcInet::parse(wide, Table::Udp, USER_HZ),
            Err(Error::BadText)
        );
        // A connection out of slow start has its ssthresh.
        let ca = b"   2: 0100007F:9C40 0100007F:1F90 01 00000000:00000000 00:00000000 00000000     0        0 77 1 0000000000000000 20 4 0 14 7";
        let row = ProcInet::parse(ca, Table::Tcp, USER_HZ).unwrap().unwrap();
        assert_eq!(row.tcp.map(|t| (t.cwnd, t.ssthresh)), Some((14, Some(7))));
        // A TIME_WAIT in FIN_WAIT2 substate shows as state 5 with timer 3.
        let tw = b"   3: 0100007F:9C40 0100007F:1F90 05 00000000:00000000 03:00000BB8 00000000     0        0 0 3 0000000000000000";
        let row = ProcInet::parse(tw, Table::Tcp, 1024).unwrap().unwrap();
        assert_eq!(
            (row.record.state, row.record.timer),
            (TcpState::FinWait2, Timer::TimeWait)
        );
        // 3000 ticks of alpha's USER_HZ 1024, rounded up.
        assert_eq!(row.record.expires, 2930);
    }

    #[test]
    fn test_header() {
        for text in [TCP, TCP6, UDP, UDP6, RAW, RAW6] {
            let header = text.split(|&b| b == b'\n').next().unwrap();
            assert_eq!(ProcInet::parse(header, Table::Tcp, USER_HZ), Ok(None));
        }
    }

    #[test]
    fn test_malformed() {
        let good = b"   1: 0100007F:00FD 00000000:0000 07 00000010:00000340 00:00000000 00000000  1000        0 4398 2 0000000000000000 0";
        assert!(ProcInet::parse(good, Table::Raw, USER_HZ).is_ok());
        let cases: [(&[u8], Error); 16] = [
            (
                b"1: 0100007F:00FD 00000000000000000000000000000000:0000 07 0:0 0:0 0 0 0 1",
                Error::BadFamily,
            ),
            (
                b"1: 0100007F:1FFFF 00000000:0000 07 0:0 0:0 0 0 0 1",
                Error::BadText,
            ),
            (
                b"1: 01\xc3\xa90007F:00FD 00000000:0000 07 0:0 0:0 0 0 0 1",
                Error::BadText,
            ),
            (
                b"1: 0100007G:00FD 00000000:0000 07 0:0 0:0 0 0 0 1",
                Error::BadText,
            ),
            (
                b"1: 0100007F00FD 00000000:0000 07 0:0 0:0 0 0 0 1",
                Error::BadText,
            ),
            (
                b"1 0100007F:00FD 00000000:0000 07 0:0 0:0 0 0 0 1",
                Error::BadText,
            ),
            (
                b"x: 0100007F:00FD 00000000:0000 07 0:0 0:0 0 0 0 1",
                Error::BadText,
            ),
            (
                b"1: 0100007F:00FD 00000000:0000 100 0:0 0:0 0 0 0 1",
                Error::BadText,
            ),
            (
                b"1: 0100007F:00FD 00000000:0000 07 0:100000000 0:0 0 0 0 1",
                Error::BadText,
            ),
            (
                b"1: 0100007F:00FD 00000000:0000 07 00 0:0 0 0 0 1",
                Error::BadText,
            ),
            (
                b"1: 0100007F:00FD 00000000:0000 07 0:0 1:0 100 0 0 1",
                Error::BadText,
            ),
            (
                b"1: 0100007F:00FD 00000000:0000 07 0:0 0:0 0 0 300 1",
                Error::BadText,
            ),
            (
                b"1: 0100007F:00FD 00000000:0000 07 0:0 0:FFFFFFFFFFFFFFFF 0 0 0 1",
                Error::BadText,
            ),
            (
                b"1: 0100007F:00FD 00000000:0000 07 0:0 0:0 0 -1 0 1",
                Error::BadText,
            ),
            (
                b"1: 0100007F:00FD 00000000:0000 07 0:0 0:0 0 0 0 1 x",
                Error::BadText,
            ),
            (
                b"1: 0100007F:0100 00000000:0000 07 0:0 0:0 0 0 0 1",
                Error::BadText,
            ),
        ];
        for (line, want) in cases {
            assert_eq!(
                ProcInet::parse(line, Table::Raw, USER_HZ),
                Err(want),
                "{}",
                core::str::from_utf8(line).unwrap_or("?")
            );
        }
        // A TCP line with some of its trailing columns.
        let partial = b"1: 0100007F:00FD 00000000:0000 01 0:0 0:0 0 0 0 1 2 0 20 4";
        assert_eq!(
            ProcInet::parse(partial, Table::Tcp, USER_HZ),
            Err(Error::Truncated)
        );
        assert_eq!(ProcInet::parse(good, Table::Raw, 0), Err(Error::BadText));
        let mut long = [b' '; columns::MAX_LINE_LEN + 1];
        long[..good.len()].copy_from_slice(good);
        assert_eq!(
            ProcInet::parse(&long, Table::Raw, USER_HZ),
            Err(Error::BadText)
        );
    }

    #[test]
    fn test_truncated() {
        // Every prefix of every captured line: an error, or (cut at a
        // column boundary after inode) the same socket with fewer columns.
        // Miri runs this a thousand times slower: it samples lines and cuts.
        let step = if cfg!(miri) { 7 } else { 1 };
        for (text, table) in [
            (TCP, Table::Tcp),
            (TCP6, Table::Tcp),
            (UDP, Table::Udp),
            (RAW6, Table::Raw),
        ] {
            for line in text
                .split(|&b| b == b'\n')
                .skip(1)
                .filter(|l| !l.is_empty())
                .step_by(if cfg!(miri) { 4 } else { 1 })
            {
                let full = ProcInet::parse(line, table, USER_HZ).unwrap().unwrap();
                let inode_end = {
                    let mut c = Columns::new(line).unwrap();
                    for _ in 0..10 {
                        c.column().unwrap();
                    }
                    line.len() - c.rest().len()
                };
                // A cut inside the inode column reads a shorter number, as
                // it would from a kernel that printed one: text cannot tell.
                let inode_start = line[..inode_end].iter().rposition(|&b| b == b' ').unwrap() + 1;
                for cut in (0..=inode_start).step_by(step).chain([inode_start]) {
                    assert!(
                        ProcInet::parse(&line[..cut], table, USER_HZ).is_err(),
                        "prefix {cut}"
                    );
                }
                for cut in (inode_end..line.len()).step_by(step) {
                    let row = ProcInet::parse(&line[..cut], table, USER_HZ);
                    if let Ok(Some(row)) = row {
                        assert_eq!(
                            (row.record.id, row.record.inode),
                            (full.record.id, full.record.inode)
                        );
                    }
                }
            }
        }
        assert_eq!(
            ProcInet::parse(b"", Table::Tcp, USER_HZ),
            Err(Error::Truncated)
        );
    }
}
