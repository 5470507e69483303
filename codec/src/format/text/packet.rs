//! A packet socket's line as ss prints it: Netid `p_raw` or `p_dgr`,
//! always `UNCONN`, Recv-Q from MEMINFO and Send-Q 0, `protocol:interface`
//! on the local side and `*` on the peer side; `-e`'s detail lines.

use core::fmt::{self, Write};

use crate::format::columns::{write_lead, Cells, Column};
use crate::format::line::Line;
use crate::format::names::{ll_proto_name, packet_netid, write_fanout_name};
use crate::format::text::skmem::write_skmem;
use crate::proc::packet::ProcPacket;
use crate::wire::inet::TcpState;
use crate::wire::packet::{self, PacketRecord};

/// A packet socket's protocol as ss prints it: `*` for ETH_P_ALL, the
/// name, or `[number]` (always with `-n`).
struct PacketProtocol {
    ethertype: u16,
    numeric: bool,
}

impl fmt::Display for PacketProtocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match ll_proto_name(self.ethertype) {
            _ if self.ethertype == packet::ETH_P_ALL => f.write_char('*'),
            Some(name) if !self.numeric => f.write_str(name),
            _ => write!(f, "[{}]", self.ethertype),
        }
    }
}

/// The interface a packet socket is bound to: `*` for none, its name, or
/// `ifN` when the name is unknown (as iproute2 does).
struct PacketInterface<'a> {
    ifindex: u32,
    name: Option<&'a str>,
}

impl fmt::Display for PacketInterface<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.ifindex, self.name) {
            (0, _) => f.write_char('*'),
            (_, Some(name)) => f.write_str(name),
            (i, None) => write!(f, "if{i}"),
        }
    }
}

fn write_ring<W: Write>(w: &mut W, name: &str, r: &packet::Ring) -> fmt::Result {
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

/// Writes one packet socket as a table row. With `-e`, ss's detail lines
/// (`ver`, `cpy_thresh`, `flags(...)`, rings, fanout) follow on indented
/// lines, or on the same line with `-O`. `line.ifname` names
/// `rec.ifindex()`.
pub fn write_packet<W: Cells>(w: &mut W, line: &Line<'_>, rec: &PacketRecord<'_>) -> fmt::Result {
    write_packet_line(w, line, rec, rec.rqueue(), rec.ifindex())
}

/// Writes one line of /proc/net/packet as ss prints it: the table line of
/// its record, with the queue and interface from the row (the record has
/// no attributes to read them from). `line.ifname` names `row.ifindex`.
pub fn write_proc_packet<W: Cells>(w: &mut W, line: &Line<'_>, row: &ProcPacket) -> fmt::Result {
    write_packet_line(w, line, &row.record, row.rmem, row.ifindex)
}

fn write_packet_line<W: Cells>(
    w: &mut W,
    line: &Line<'_>,
    rec: &PacketRecord<'_>,
    rqueue: u32,
    ifindex: u32,
) -> fmt::Result {
    let layout = &line.layout;
    write_lead(w, packet_netid(rec.sock_type), TcpState::Close, rqueue, 0)?;
    let protocol = PacketProtocol {
        ethertype: rec.protocol,
        numeric: line.numeric,
    };
    write!(w, "{protocol}:")?;
    w.cell(Column::LocalPort)?;
    let interface = PacketInterface {
        ifindex,
        name: line.ifname,
    };
    write!(w, "{interface}")?;
    w.cell(Column::Peer)?;
    w.write_char('*')?;
    w.cell(Column::Process)?;
    if let Some(process) = line.process {
        write!(w, "{process}")?;
    }
    w.cell(Column::Details)?;
    let sep = if line.oneline { " " } else { "\n\t" };
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
            write_ring(w, "ring_rx", &r)?;
        }
        if let Some(r) = rec.tx_ring {
            w.write_str(sep)?;
            write_ring(w, "ring_tx", &r)?;
        }
        if let Some(f) = rec.fanout {
            write!(w, "{sep}fanout(id:{},type:", f.id)?;
            write_fanout_name(w, f.mode)?;
            w.write_char(')')?;
        }
    }
    if let Some(f) = rec.filter.filter(|_| line.bpf) {
        write!(w, "{sep}bpf filter ({}): ", f.len())?;
        for op in f.iter() {
            write!(w, " 0x{:02x} {} {} {},", op.code, op.jt, op.jf, op.k)?;
        }
    }
    if let Some(m) = rec.meminfo.filter(|_| line.memory) {
        write_skmem(w, &m)?;
    }
    Ok(())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::format::columns::tests::{row, squash};
    use crate::format::columns::Layout;
    use crate::wire::sock_diag::SockType;
    use heapless::String;

    /// A SOCK_RAW ETH_P_IP socket bound to ifindex 1, running, in fanout
    /// group 5 (roll).
    pub(crate) fn packet_rec(b: &mut [u8; 128]) -> PacketRecord<'_> {
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
        PacketRecord::parse_bytes(&b[..52]).unwrap()
    }

    fn text(d: impl fmt::Display) -> String<32> {
        let mut s = String::new();
        write!(s, "{d}").unwrap();
        s
    }

    #[test]
    fn test_packet_line() {
        let mut b = [0u8; 128];
        let r = packet_rec(&mut b);
        let layout = Layout {
            netid: true,
            state: true,
            ..Layout::default()
        };
        let lo = Line {
            layout,
            ifname: Some("lo"),
            ..Line::PLAIN
        };
        let s = row(lo.layout, |w| write_packet(w, &lo, &r));
        assert_eq!(squash(&s), "p_raw UNCONN 0 0 ip:lo *");
        let numeric = Line {
            numeric: true,
            ifname: None,
            ..lo
        };
        let s = row(numeric.layout, |w| write_packet(w, &numeric, &r));
        assert_eq!(squash(&s), "p_raw UNCONN 0 0 [2048]:if1 *");
        let ext = Line {
            layout: Layout {
                extended: true,
                ..layout
            },
            ..lo
        };
        let s = row(ext.layout, |w| write_packet(w, &ext, &r));
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
        let oneline = Line {
            oneline: true,
            ..ext
        };
        let s = row(oneline.layout, |w| write_packet(w, &oneline, &r));
        assert_eq!(
            squash(&s),
            "p_raw UNCONN 0 0 ip:lo * ino:1234 sk:e6b9b ver:0 cpy_thresh:0 flags( running ) fanout(id:5,type:roll)"
        );
        let protocol = |ethertype, numeric| PacketProtocol { ethertype, numeric };
        assert_eq!(text(protocol(packet::ETH_P_ALL, true)).as_str(), "*");
        assert_eq!(text(protocol(0x88b5, false)).as_str(), "[34997]");
        assert_eq!(text(protocol(0x86dd, false)).as_str(), "ipv6");
        assert_eq!(packet_netid(SockType::Dgram), "p_dgr");
    }
}
