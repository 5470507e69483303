//! An AF_XDP socket's line as ss prints it: Netid `xdp`, always `UNCONN`,
//! Recv-Q from MEMINFO, `interface:qQUEUE` on the local side (`*` when
//! unbound) and `*` on the peer side; `-e` adds the owner, inode and
//! cookie, then the rings, the umem and the statistics on lines of their
//! own (or on the same line with `-O`).

use core::fmt::{self, Write};

use crate::format::columns::{write_lead, Cells, Column};
use crate::format::line::Line;
use crate::format::text::skmem::write_skmem;
use crate::wire::inet::TcpState;
use crate::wire::xdp::{Ring, Stats, Umem, XdpRecord};

/// The interface an XDP socket is bound to: its name, or `ifN` when the
/// name is unknown (as iproute2 does).
struct Interface<'a> {
    ifindex: u32,
    name: Option<&'a str>,
}

impl fmt::Display for Interface<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name {
            Some(name) => f.write_str(name),
            None => write!(f, "if{}", self.ifindex),
        }
    }
}

/// ss's queue cell: `q` and the queue id as a C int.
struct Queue(u32);

impl fmt::Display for Queue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "q{}", self.0 as i32)
    }
}

fn write_ring<W: Write>(w: &mut W, sep: &str, name: &str, ring: &Ring) -> fmt::Result {
    write!(w, "{sep}{name}(entries:{})", ring.entries)
}

fn write_umem<W: Write>(w: &mut W, line: &Line<'_>, u: &Umem) -> fmt::Result {
    // ss 6.1 writes "tumem(" on one line: a tab that lost its backslash.
    w.write_str(if line.oneline { " tumem(" } else { "\n\tumem(" })?;
    write!(
        w,
        "id:{},size:{},num_pages:{},chunk_size:{},headroom:{},ifindex:{},qid:{},zc:{},refs:{})",
        u.id,
        u.size,
        u.num_pages,
        u.chunk_size,
        u.headroom,
        u.ifindex,
        u.queue_id,
        u32::from(u.zero_copy()),
        u.refs
    )
}

fn write_stats<W: Write>(w: &mut W, sep: &str, s: &Stats<'_>) -> fmt::Result {
    write!(
        w,
        "{sep}stats(rx dropped:{},rx invalid:{},rx queue full:{},rx fill ring empty:{},\
         tx invalid:{},tx ring empty:{})",
        s.rx_dropped(),
        s.rx_invalid(),
        s.rx_full(),
        s.fill_ring_empty(),
        s.tx_invalid(),
        s.tx_ring_empty()
    )
}

/// Writes one XDP socket as a table line. `line.ifname` names the
/// interface of the socket's INFO, when it has one.
pub fn write_xdp<W: Cells>(w: &mut W, line: &Line<'_>, rec: &XdpRecord<'_>) -> fmt::Result {
    let layout = &line.layout;
    write_lead(w, "xdp", TcpState::Close, rec.rqueue(), 0)?;
    if let Some(info) = rec.info.filter(|i| i.ifindex != 0) {
        let interface = Interface {
            ifindex: info.ifindex,
            name: line.ifname,
        };
        write!(w, "{interface}:")?;
        w.cell(Column::LocalPort)?;
        write!(w, "{}", Queue(info.queue_id))?;
    } else {
        w.write_char('*')?;
    }
    w.cell(Column::Peer)?;
    w.write_char('*')?;
    w.cell(Column::Process)?;
    if let Some(process) = line.process {
        write!(w, "{process}")?;
    }
    w.cell(Column::Details)?;
    if layout.extended {
        if let Some(uid) = rec.uid.filter(|&u| u != 0) {
            write!(w, " uid:{uid}")?;
        }
        write!(w, " ino:{} sk:{:x}", rec.inode, rec.cookie)?;
        let sep = if line.oneline { " " } else { "\n\t" };
        if let Some(r) = rec.rx_ring {
            write_ring(w, sep, "rx", &r)?;
        }
        if let Some(r) = rec.tx_ring {
            write_ring(w, sep, "tx", &r)?;
        }
        if let Some(u) = rec.umem {
            write_umem(w, line, &u)?;
            // ss shows the umem's rings only after the umem.
            if let Some(r) = rec.fill_ring {
                write_ring(w, sep, "fr", &r)?;
            }
            if let Some(r) = rec.completion_ring {
                write_ring(w, sep, "cr", &r)?;
            }
        }
        if let Some(s) = rec.stats {
            write_stats(w, sep, &s)?;
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
    use crate::wire::xdp::{attr_kind, XdpRecord, MSG_LEN};
    use heapless::String;

    /// Appends one attribute at `at`, padded to 4.
    fn attr(buf: &mut [u8], at: &mut usize, kind: u16, payload: &[u8]) {
        let len = 4 + payload.len();
        buf[*at..*at + 2].copy_from_slice(&(len as u16).to_ne_bytes());
        buf[*at + 2..*at + 4].copy_from_slice(&kind.to_ne_bytes());
        buf[*at + 4..*at + len].copy_from_slice(payload);
        *at += (len + 3) & !3;
    }

    fn words(values: &[u32]) -> [u8; 40] {
        let mut out = [0u8; 40];
        for (i, v) in values.iter().enumerate() {
            out[i * 4..i * 4 + 4].copy_from_slice(&v.to_ne_bytes());
        }
        out
    }

    /// An XDP socket bound to interface 1 queue 0, as xsk_diag.c sends it
    /// for every show flag: uid 1000, 2048-entry rings, a 16-page umem,
    /// statistics 1..6 and meminfo with 512 bytes queued.
    pub(crate) fn xdp_payload(buf: &mut [u8; 512]) -> usize {
        buf.fill(0);
        buf[0] = crate::family::XDP;
        buf[1] = 3;
        buf[4..8].copy_from_slice(&4711u32.to_ne_bytes());
        buf[8..12].copy_from_slice(&0x1bu32.to_ne_bytes());
        let mut at = MSG_LEN;
        attr(buf, &mut at, attr_kind::INFO, &words(&[1, 0])[..8]);
        attr(buf, &mut at, attr_kind::UID, &1000u32.to_ne_bytes());
        attr(buf, &mut at, attr_kind::RX_RING, &2048u32.to_ne_bytes());
        attr(buf, &mut at, attr_kind::TX_RING, &2048u32.to_ne_bytes());
        let mut umem = [0u8; 40];
        umem[0..8].copy_from_slice(&65536u64.to_ne_bytes());
        umem[8..40].copy_from_slice(&words(&[3, 16, 4096, 0, 1, 0, 1, 1])[..32]);
        attr(buf, &mut at, attr_kind::UMEM, &umem);
        attr(
            buf,
            &mut at,
            attr_kind::UMEM_FILL_RING,
            &4096u32.to_ne_bytes(),
        );
        attr(
            buf,
            &mut at,
            attr_kind::UMEM_COMPLETION_RING,
            &1024u32.to_ne_bytes(),
        );
        attr(
            buf,
            &mut at,
            attr_kind::MEMINFO,
            &words(&[512, 2, 3, 4, 5, 6, 7, 8, 9])[..36],
        );
        let mut stats = [0u8; 48];
        for i in 0..6u64 {
            stats[i as usize * 8..i as usize * 8 + 8].copy_from_slice(&(i + 1).to_ne_bytes());
        }
        attr(buf, &mut at, attr_kind::STATS, &stats);
        at
    }

    fn text(line: &Line<'_>, rec: &XdpRecord<'_>) -> String<2048> {
        row(line.layout, |w| write_xdp(w, line, rec))
    }

    #[test]
    fn test_xdp_line() {
        let mut buf = [0u8; 512];
        let len = xdp_payload(&mut buf);
        let rec = XdpRecord::parse_bytes(&buf[..len]).unwrap();
        let plain = Line {
            layout: Layout {
                netid: true,
                state: true,
                extended: false,
                ..Layout::default()
            },
            ifname: Some("lo"),
            ..Line::PLAIN
        };
        assert_eq!(squash(&text(&plain, &rec)), "xdp UNCONN 512 0 lo:q0 *");
        let unnamed = Line {
            ifname: None,
            ..plain
        };
        assert_eq!(squash(&text(&unnamed, &rec)), "xdp UNCONN 512 0 if1:q0 *");
        let extended = Line {
            layout: Layout {
                extended: true,
                ..plain.layout
            },
            ..plain
        };
        let want = "xdp UNCONN 512 0 lo:q0 * uid:1000 ino:4711 sk:1b\n\
                    \trx(entries:2048)\n\ttx(entries:2048)\n\
                    \tumem(id:3,size:65536,num_pages:16,chunk_size:4096,headroom:0,ifindex:1,\
                    qid:0,zc:1,refs:1)\n\tfr(entries:4096)\n\tcr(entries:1024)\n\
                    \tstats(rx dropped:1,rx invalid:2,rx queue full:3,rx fill ring empty:4,\
                    tx invalid:5,tx ring empty:6)";
        let got = text(&extended, &rec);
        assert_eq!(
            got.split_once(" uid").unwrap().1,
            want.split_once(" uid").unwrap().1
        );
        let oneline = Line {
            oneline: true,
            memory: true,
            ..extended
        };
        let got = text(&oneline, &rec);
        assert!(!got.trim_end().contains('\n'), "{got}");
        assert!(
            got.contains(" rx(entries:2048) tx(entries:2048) tumem(id:3,"),
            "{got}"
        );
        assert!(
            got.ends_with(" skmem:(r512,rb2,t3,tb4,f5,w6,o7,bl8,d9)"),
            "{got}"
        );
    }

    #[test]
    fn test_unbound() {
        // Without INFO, or with interface 0 (an unbound socket), there is
        // no interface or queue to show.
        let mut buf = [0u8; MSG_LEN];
        buf[0] = crate::family::XDP;
        buf[1] = 3;
        let rec = XdpRecord::parse_bytes(&buf).unwrap();
        assert_eq!(squash(&text(&Line::PLAIN, &rec)), "0 0 * *");
    }
}
