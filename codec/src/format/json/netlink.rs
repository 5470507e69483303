//! A netlink socket's JSON object.

use core::fmt::{self, Write};

use crate::format::json::skmem::write_skmem_member;
use crate::format::json::JsonArray;
use crate::format::line::Line;
use crate::format::names::netlink_proto_name;
use crate::wire::netlink_diag::{NetlinkRecord, NetlinkState};

impl JsonArray {
    /// Writes one netlink socket object (fields in the README).
    pub fn netlink<W: Write>(
        &mut self,
        w: &mut W,
        line: &Line<'_>,
        rec: &NetlinkRecord<'_>,
    ) -> fmt::Result {
        self.open(w, line)?;
        write!(
            w,
            "\"netid\":\"nl\",\"state\":\"UNCONN\",\"recv_q\":{},\"send_q\":{},\"protocol\":{}",
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
            write_skmem_member(w, &m)?;
        }
        self.close(w, line)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::text::tests::netlink_rec;
    use heapless::String;

    #[test]
    fn test_netlink_object() {
        let mut buf = [0u8; 96];
        let r = netlink_rec(&mut buf, 0, u32::MAX);
        let mut j: String<512> = String::new();
        let mut arr = JsonArray::new();
        arr.netlink(&mut j, &Line::PLAIN, &r).unwrap();
        assert!(j.starts_with(
            "[\n{\"netid\":\"nl\",\"state\":\"UNCONN\",\"recv_q\":0,\"send_q\":20,\"protocol\":4,\
             \"protocol_name\":\"tcpdiag\",\"portid\":4294967295,\"connected\":false"
        ), "{j}");
        assert!(j.ends_with(",\"groups\":1,\"skmem\":{\"rmem_alloc\":0,\"rcvbuf\":10,\"wmem_alloc\":20,\"sndbuf\":30,\"fwd_alloc\":40,\"wmem_queued\":50,\"optmem\":60,\"backlog\":70,\"drops\":80}}"), "{j}");
    }
}
