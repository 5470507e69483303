//! A packet socket's JSON object.

use core::fmt::{self, Write};

use crate::format::json::skmem::write_skmem_member;
use crate::format::json::{write_escaped_str, JsonArray};
use crate::format::line::Line;
use crate::format::names::{ll_proto_name, packet_netid, write_fanout_name};
use crate::wire::packet::PacketRecord;

impl JsonArray {
    /// Writes one packet socket object (fields in the README).
    pub fn packet<W: Write>(
        &mut self,
        w: &mut W,
        line: &Line<'_>,
        rec: &PacketRecord<'_>,
    ) -> fmt::Result {
        self.open(w, line)?;
        write!(
            w,
            "\"netid\":\"{}\",\"state\":\"UNCONN\",\"recv_q\":{},\"send_q\":0,\"protocol\":{}",
            packet_netid(rec.sock_type),
            rec.rqueue(),
            rec.protocol
        )?;
        if let Some(name) = ll_proto_name(rec.protocol) {
            write!(w, ",\"protocol_name\":\"{name}\"")?;
        }
        write!(w, ",\"ifindex\":{}", rec.ifindex())?;
        if let Some(name) = line.ifname.filter(|_| rec.ifindex() != 0) {
            w.write_str(",\"interface\":\"")?;
            write_escaped_str(w, name.as_bytes())?;
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
            write_fanout_name(w, f.mode)?;
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
            write_skmem_member(w, &m)?;
        }
        self.close(w, line)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::text::tests::packet_rec;
    use heapless::String;

    #[test]
    fn test_packet_object() {
        let mut b = [0u8; 128];
        let r = packet_rec(&mut b);
        let line = Line {
            ifname: Some("lo"),
            ..Line::PLAIN
        };
        let mut j: String<512> = String::new();
        let mut arr = JsonArray::new();
        arr.packet(&mut j, &line, &r).unwrap();
        assert_eq!(
            j.as_str(),
            "[\n{\"netid\":\"p_raw\",\"state\":\"UNCONN\",\"recv_q\":0,\"send_q\":0,\"protocol\":2048,\
             \"protocol_name\":\"ip\",\"ifindex\":1,\"interface\":\"lo\",\"inode\":1234,\"cookie\":945051,\
             \"version\":0,\"copy_thresh\":0,\"flags\":1,\"fanout\":{\"id\":5,\"type\":\"roll\",\"raw\":196613}}"
        );
    }
}
