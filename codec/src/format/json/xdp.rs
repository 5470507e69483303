//! An AF_XDP socket's JSON object: every field of `xdp_diag_msg` and of
//! each `XDP_DIAG_*` attribute the kernel sent. The kernel sends no send
//! queue, so there is no `send_q` (ss's column shows 0).

use core::fmt::{self, Write};

use crate::format::json::skmem::write_skmem_member;
use crate::format::json::{member, write_escaped_str, JsonArray};
use crate::format::line::Line;
use crate::wire::xdp::XdpRecord;

impl JsonArray {
    /// Writes one XDP socket object; `line.ifname` names the interface of
    /// its INFO.
    pub fn xdp<W: Write>(
        &mut self,
        w: &mut W,
        line: &Line<'_>,
        rec: &XdpRecord<'_>,
    ) -> fmt::Result {
        self.open(w, line)?;
        write!(
            w,
            "\"netid\":\"xdp\",\"state\":\"UNCONN\",\"type\":{},\"inode\":{},\"cookie\":{}",
            rec.sock_type, rec.inode, rec.cookie
        )?;
        if let Some(m) = rec.meminfo {
            write!(w, ",\"recv_q\":{}", rec.rqueue())?;
            write_skmem_member(w, &m)?;
        }
        if let Some(i) = rec.info {
            write!(w, ",\"ifindex\":{},\"queue_id\":{}", i.ifindex, i.queue_id)?;
            if let Some(name) = line.ifname.filter(|_| i.ifindex != 0) {
                w.write_str(",\"interface\":\"")?;
                write_escaped_str(w, name.as_bytes())?;
                w.write_char('"')?;
            }
        }
        member(w, "uid", rec.uid)?;
        for (name, ring) in [
            ("rx_ring", rec.rx_ring),
            ("tx_ring", rec.tx_ring),
            ("fill_ring", rec.fill_ring),
            ("completion_ring", rec.completion_ring),
        ] {
            if let Some(r) = ring {
                write!(w, ",\"{name}\":{{\"entries\":{}}}", r.entries)?;
            }
        }
        if let Some(u) = rec.umem {
            write!(
                w,
                ",\"umem\":{{\"id\":{},\"size\":{},\"num_pages\":{},\"chunk_size\":{},\
                 \"headroom\":{},\"ifindex\":{},\"queue_id\":{},\"flags\":{},\"zero_copy\":{},\
                 \"refs\":{}}}",
                u.id,
                u.size,
                u.num_pages,
                u.chunk_size,
                u.headroom,
                u.ifindex,
                u.queue_id,
                u.flags,
                u.zero_copy(),
                u.refs
            )?;
        }
        if let Some(s) = rec.stats {
            write!(
                w,
                ",\"stats\":{{\"rx_dropped\":{},\"rx_invalid\":{},\"rx_full\":{},\
                 \"fill_ring_empty\":{},\"tx_invalid\":{},\"tx_ring_empty\":{}}}",
                s.rx_dropped(),
                s.rx_invalid(),
                s.rx_full(),
                s.fill_ring_empty(),
                s.tx_invalid(),
                s.tx_ring_empty()
            )?;
        }
        self.close(w, line)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::text::tests::xdp_payload;
    use heapless::String;

    #[test]
    fn test_xdp_object() {
        let mut buf = [0u8; 512];
        let len = xdp_payload(&mut buf);
        let rec = XdpRecord::parse_bytes(&buf[..len]).unwrap();
        let line = Line {
            ifname: Some("lo"),
            ..Line::PLAIN
        };
        let mut j: String<1024> = String::new();
        let mut arr = JsonArray::new();
        arr.xdp(&mut j, &line, &rec).unwrap();
        assert_eq!(
            j.as_str(),
            "[\n{\"netid\":\"xdp\",\"state\":\"UNCONN\",\"type\":3,\"inode\":4711,\"cookie\":27,\
             \"recv_q\":512,\"skmem\":{\"rmem_alloc\":512,\"rcvbuf\":2,\"wmem_alloc\":3,\
             \"sndbuf\":4,\"fwd_alloc\":5,\"wmem_queued\":6,\"optmem\":7,\"backlog\":8,\
             \"drops\":9},\"ifindex\":1,\"queue_id\":0,\"interface\":\"lo\",\"uid\":1000,\
             \"rx_ring\":{\"entries\":2048},\"tx_ring\":{\"entries\":2048},\
             \"fill_ring\":{\"entries\":4096},\"completion_ring\":{\"entries\":1024},\
             \"umem\":{\"id\":3,\"size\":65536,\"num_pages\":16,\"chunk_size\":4096,\
             \"headroom\":0,\"ifindex\":1,\"queue_id\":0,\"flags\":1,\"zero_copy\":true,\
             \"refs\":1},\"stats\":{\"rx_dropped\":1,\"rx_invalid\":2,\"rx_full\":3,\
             \"fill_ring_empty\":4,\"tx_invalid\":5,\"tx_ring_empty\":6}}"
        );
    }
}
