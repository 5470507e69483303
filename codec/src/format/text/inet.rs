//! An inet socket's line as ss 6.1 prints it: the columns, `-o`'s timer,
//! `-e`'s members, `--tos`, and the detail line of `-m` and `-i` (its TCP
//! part in [`super::tcp`]).

use core::fmt::{self, Write};

use crate::format::columns::{write_address, write_lead, write_port, Cells, Column};
use crate::format::line::Line;
use crate::format::names::{inet_netid, timer_name};
use crate::format::number::{PrefixedHex, TimeLeft};
use crate::format::text::skmem::write_skmem;
use crate::format::text::tcp::{write_md5_ulp, write_mptcp, write_tcp};
use crate::format::text::write_shutdown;
use crate::wire::inet::{proto, InetRecord, Timer};
use crate::wire::inet_attr::{sockopt, InetDetails, SockAddrs};
use crate::wire::sk_storage;

/// Writes one inet socket as a table row: `line.ifname` names
/// `rec.id.ifindex` when it is not 0, `line.protocol` is the table dumped,
/// and `details` are the record's checked attributes (needed for `--tos`,
/// `--cgroup`, `--inet-sockopt`, `-m`, `-i`; a record without them, such as
/// one read from /proc, gets none of these).
pub fn write_inet<W: Cells>(
    w: &mut W,
    line: &Line<'_>,
    rec: &InetRecord<'_>,
    details: Option<&InetDetails<'_>>,
) -> fmt::Result {
    let layout = &line.layout;
    write_lead(
        w,
        inet_netid(line.protocol),
        rec.state,
        rec.rqueue,
        rec.wqueue,
    )?;
    let v6only = rec.v6only.unwrap_or(false);
    let [local_host, peer_host] = line.hosts;
    let [local_service, peer_service] = line.services;
    write_address(w, rec.id.src, local_host, line.ifname, v6only)?;
    w.cell(Column::LocalPort)?;
    write_port(w, rec.id.sport, local_service)?;
    w.cell(Column::Peer)?;
    write_address(w, rec.id.dst, peer_host, None, v6only)?;
    w.cell(Column::PeerPort)?;
    write_port(w, rec.id.dport, peer_service)?;
    w.cell(Column::Process)?;
    if let Some(process) = line.process {
        write!(w, "{process}")?;
    }
    w.cell(Column::Details)?;
    // ss's -e implies -o: the timer follows the process column.
    if layout.extended || line.timer {
        write_timer(w, rec)?;
    }
    if layout.extended {
        if rec.uid != 0 {
            write!(w, " uid:{}", rec.uid)?;
        }
        write!(w, " ino:{} sk:{:x}", rec.inode, rec.id.cookie)?;
        if let Some(mark) = rec.mark.filter(|&m| m != 0) {
            write!(w, " fwmark:0x{mark:x}")?;
        }
        write_cgroup(w, rec.cgroup_id, line.cgroup)?;
        if rec.family == crate::family::INET6 {
            if let Some(v6only) = rec.v6only {
                write!(w, " v6only:{}", u8::from(v6only))?;
            }
        }
        write_shutdown(w, rec.shutdown)?;
    }
    if let Some(d) = details {
        if line.tos {
            write_tos(w, d)?;
        }
        // ss prints --cgroup whenever the kernel sent an id.
        if let Some(id) = rec.cgroup_id.filter(|_| line.cgroups) {
            match line.cgroup {
                Some(p) => write!(w, " cgroup:{p}")?,
                None => write!(w, " cgroup:unreachable:{id:x}")?,
            }
        }
        if let Some(s) = d.sockopt.filter(|_| line.sockopt) {
            w.write_str(if line.oneline {
                " inet-sockopt: ("
            } else {
                "\n\tinet-sockopt: ("
            })?;
            for (bit, name) in sockopt::NAMES.iter().enumerate() {
                if s.0 & (1 << bit) != 0 {
                    write!(w, " {name}")?;
                }
            }
            w.write_char(')')?;
        }
        if has_detail_line(line, rec) {
            write_detail_line(w, line, rec, d)?;
        }
        if let (Some(ids), Some(nest)) = (line.bpf_maps, d.bpf_storages) {
            write_bpf_storages(w, line.oneline, ids, nest)?;
        }
    }
    Ok(())
}

/// `--bpf-maps`: each map's value on the socket (of the maps in `ids`, or
/// every one), as hex bytes: ss prints it through the map's BTF type,
/// which only the bpf() system call can fetch. A storage that does not
/// decode ends the list (the runner checks them first).
fn write_bpf_storages<W: Write>(w: &mut W, oneline: bool, ids: &[u32], nest: &[u8]) -> fmt::Result {
    for s in sk_storage::storages(nest).map_while(|s| s.ok()) {
        if !ids.is_empty() && !ids.contains(&s.map_id) {
            continue;
        }
        let (open, sep, close) = if oneline {
            (" [", " ", "]")
        } else {
            (" [\n\t\t", " ", "\n\t]")
        };
        w.write_str(if oneline { " " } else { "\n\t" })?;
        write!(w, "map_id:{}{open}", s.map_id)?;
        for (i, b) in s.value.iter().enumerate() {
            write!(w, "{}{b:02x}", if i > 0 { sep } else { "" })?;
        }
        w.write_str(close)?;
    }
    Ok(())
}

/// The timer member (`-o`), shared with `-e`.
fn write_timer<W: Write>(w: &mut W, rec: &InetRecord<'_>) -> fmt::Result {
    if rec.timer != Timer::Off {
        write!(
            w,
            " timer:({},{},{})",
            timer_name(rec.timer),
            TimeLeft(rec.expires),
            rec.retrans
        )?;
    }
    Ok(())
}

/// Writes `-e`'s cgroup member (ss: only for a non-zero id).
fn write_cgroup<W: Write>(w: &mut W, id: Option<u64>, path: Option<&str>) -> fmt::Result {
    match (id.filter(|&i| i != 0), path) {
        (Some(_), Some(p)) => write!(w, " cgroup:{p}"),
        (Some(i), None) => write!(w, " cgroup:unreachable:{i:x}"),
        (None, _) => Ok(()),
    }
}

/// Writes `--tos`'s members (ss's `%#x`: `0` for zero, else `0x..`).
fn write_tos<W: Write>(w: &mut W, d: &InetDetails<'_>) -> fmt::Result {
    if let Some(v) = d.tos {
        write!(w, " tos:{}", PrefixedHex(u32::from(v)))?;
    }
    if let Some(v) = d.tclass {
        write!(w, " tclass:{}", PrefixedHex(u32::from(v)))?;
    }
    if let Some(v) = d.class_id {
        write!(w, " class_id:{}", PrefixedHex(v))?;
    }
    Ok(())
}

/// Whether ss prints the detail line for this socket: with `-m`, or with
/// `-i` unless the socket is UDP (a raw socket counts by its protocol).
pub fn has_detail_line(line: &Line<'_>, rec: &InetRecord<'_>) -> bool {
    let kind = rec.protocol.map_or(line.protocol, u32::from);
    line.memory || (line.info && kind != proto::UDP)
}

/// Writes the detail line (a newline and a tab first, unless one line):
/// memory, then the protocol's INFO, MD5 keys and ULP info.
pub fn write_detail_line<W: Cells>(
    w: &mut W,
    line: &Line<'_>,
    rec: &InetRecord<'_>,
    d: &InetDetails<'_>,
) -> fmt::Result {
    if !line.oneline {
        w.write_str("\n\t")?;
    }
    match (d.skmem, d.meminfo) {
        (Some(m), _) => write_skmem(w, &m)?,
        (None, Some(m)) => write!(w, " mem:(r{},w{},f{},t{})", m.rmem, m.wmem, m.fmem, m.tmem)?,
        (None, None) => {}
    }
    match line.protocol {
        proto::SCTP => {
            write_addrs(w, " locals:", d.locals)?;
            write_addrs(w, " peers:", d.peers)?;
        }
        proto::MPTCP => {
            if let Some(m) = d.mptcp_info() {
                write_mptcp(w, &m)?;
            }
        }
        _ => {
            if let Some(t) = d.tcp_info() {
                write_tcp(w, line, rec, d, &t)?;
            }
            write_md5_ulp(w, d)?;
        }
    }
    Ok(())
}

fn write_addrs<W: Write>(w: &mut W, label: &str, addrs: Option<SockAddrs<'_>>) -> fmt::Result {
    let Some(addrs) = addrs else { return Ok(()) };
    w.write_str(label)?;
    for (i, a) in addrs.iter().enumerate() {
        if i > 0 {
            w.write_char(',')?;
        }
        if let Some((ip, _)) = a {
            write!(w, "{ip}")?;
        }
    }
    Ok(())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::format::columns::tests::{row, squash};
    use crate::format::columns::Layout;
    use crate::wire::inet::attr_kind;
    use crate::wire::inet::{SockId, TcpState};
    use crate::wire::inet_attr::tests::emit_all;
    use core::net::{IpAddr, Ipv4Addr, Ipv6Addr};
    use heapless::String;

    pub(crate) fn rec(family: u8, src: IpAddr, sport: u16, state: TcpState) -> InetRecord<'static> {
        let mut id = SockId::any(family);
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

    /// The row of one inet socket, laid out alone.
    pub(crate) fn inet_row(
        line: &Line<'_>,
        rec: &InetRecord<'_>,
        details: Option<&InetDetails<'_>>,
    ) -> String<2048> {
        row(line.layout, |r| write_inet(r, line, rec, details))
    }

    /// A TCP line with `layout` and nothing else.
    pub(crate) fn tcp_line(layout: Layout) -> Line<'static> {
        Line {
            layout,
            protocol: proto::TCP,
            ..Line::PLAIN
        }
    }

    #[test]
    fn test_inet_line() {
        let r = rec(
            crate::family::INET,
            IpAddr::V4(Ipv4Addr::LOCALHOST),
            8081,
            TcpState::Listen,
        );
        let line = tcp_line(Layout {
            netid: true,
            state: true,
            extended: true,
            ..Layout::default()
        });
        let s = inet_row(&line, &r, None);
        assert_eq!(
            squash(&s),
            "tcp LISTEN 3 7 127.0.0.1:8081 0.0.0.0:* uid:1000 ino:4711 sk:ffffffffffffffff <->"
        );
    }

    #[test]
    fn test_v6_wildcards() {
        let any = IpAddr::V6(Ipv6Addr::UNSPECIFIED);
        let mut r = rec(crate::family::INET6, any, 22, TcpState::Listen);
        let s = inet_row(&tcp_line(Layout::default()), &r, None);
        assert_eq!(
            squash(&s),
            "3 7 *:22 *:*",
            "no State column when one state is shown"
        );
        r.v6only = Some(true);
        r.id.src = IpAddr::V6(Ipv6Addr::LOCALHOST);
        let line = Line {
            ifname: Some("lo"),
            ..tcp_line(Layout::default())
        };
        let s = inet_row(&line, &r, None);
        assert_eq!(squash(&s), "3 7 [::1]%lo:22 [::]:*");
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
        let layout = Layout {
            state: true,
            extended: true,
            ..Layout::default()
        };
        let s = inet_row(&tcp_line(layout), &r, None);
        assert_eq!(
            squash(&s),
            "TIME-WAIT 3 7 127.0.0.1:1 0.0.0.0:* timer:(timewait,42sec,0) ino:4711 sk:ffffffffffffffff"
        );
    }

    #[test]
    fn test_tos_and_mem_fallback() {
        let mut buf = [0u8; 64];
        let mut mem = [0u8; 16];
        mem[0..4].copy_from_slice(&5u32.to_ne_bytes());
        let len = emit_all(
            &mut buf,
            &[
                (attr_kind::MEMINFO, &mem),
                (attr_kind::TOS, &[0x10]),
                (attr_kind::CLASS_ID, &0x10001u32.to_ne_bytes()),
            ],
        );
        let rec = InetRecord {
            attrs: &buf[..len],
            ..InetRecord::new(TcpState::Close, SockId::any(crate::family::INET))
        };
        let d = rec.details(proto::UDP).unwrap();
        let mut s: String<128> = String::new();
        write_tos(&mut s, &d).unwrap();
        assert_eq!(s.as_str(), " tos:0x10 class_id:0x10001");
        let x = Line {
            info: true,
            protocol: proto::UDP,
            ..Line::PLAIN
        };
        assert!(!has_detail_line(&x, &rec), "ss: -i shows nothing for UDP");
        let x = Line {
            memory: true,
            oneline: true,
            protocol: proto::UDP,
            ..Line::PLAIN
        };
        assert!(has_detail_line(&x, &rec));
        s.clear();
        write_detail_line(&mut s, &x, &rec, &d).unwrap();
        assert_eq!(s.as_str(), " mem:(r5,w0,f0,t0)");
        s.clear();
        write_cgroup(&mut s, Some(0x1f), None).unwrap();
        write_cgroup(&mut s, Some(0), Some("/")).unwrap();
        assert_eq!(s.as_str(), " cgroup:unreachable:1f");
    }
}
