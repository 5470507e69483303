//! A TIPC socket's JSON object: every `TIPC_NLA_SOCK_*` attribute the
//! kernel sent, nests as objects; an attribute it left out is no member.

use core::fmt::{self, Write};

use crate::format::json::{member, JsonArray};
use crate::format::line::Line;
use crate::format::names::{state_name, tipc_netid};
use crate::wire::sock_diag::SockType;
use crate::wire::tipc::TipcRecord;

impl JsonArray {
    /// Writes one TIPC socket object.
    pub fn tipc<W: Write>(
        &mut self,
        w: &mut W,
        line: &Line<'_>,
        rec: &TipcRecord<'_>,
    ) -> fmt::Result {
        self.open(w, line)?;
        write!(
            w,
            "\"netid\":\"{}\"",
            tipc_netid(rec.sock_type.unwrap_or(SockType::Unknown(0)))
        )?;
        if let Some(s) = rec.state {
            write!(w, ",\"state\":\"{}\"", state_name(s))?;
        }
        if let Some(stat) = rec.stat {
            member(w, "recv_q", stat.rcvq)?;
            member(w, "send_q", stat.sendq)?;
            write!(
                w,
                ",\"link_cong\":{},\"conn_cong\":{}",
                stat.link_cong, stat.conn_cong
            )?;
            member(w, "drop", stat.drop)?;
        }
        member(w, "type", rec.sock_type.map(SockType::raw))?;
        member(w, "node", rec.node)?;
        member(w, "port", rec.port)?;
        if let Some(con) = rec.con {
            member(w, "peer_node", con.node)?;
            member(w, "peer_port", con.sock)?;
            write!(w, ",\"connected_by_name\":{}", con.by_name)?;
            member(w, "service_type", con.name_type)?;
            member(w, "service_instance", con.name_instance)?;
        }
        write!(w, ",\"has_publ\":{}", rec.has_publ)?;
        member(w, "uid", rec.uid)?;
        member(w, "inode", rec.inode)?;
        member(w, "cookie", rec.cookie)?;
        if let Some(g) = rec.group {
            w.write_str(",\"group\":{")?;
            write!(
                w,
                "\"open\":{},\"node_scope\":{},\"cluster_scope\":{}",
                g.open, g.node_scope, g.cluster_scope
            )?;
            member(w, "id", g.id)?;
            member(w, "instance", g.instance)?;
            member(w, "bc_send_next", g.bc_send_next)?;
            w.write_char('}')?;
        }
        self.close(w, line)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::text::tests::tipc_rec;
    use crate::wire::tipc::Group;
    use heapless::String;

    #[test]
    fn test_tipc_object() {
        let rec = TipcRecord {
            group: Some(Group {
                id: Some(4711),
                instance: Some(2),
                bc_send_next: None,
                open: true,
                node_scope: false,
                cluster_scope: true,
            }),
            ..tipc_rec()
        };
        let mut j: String<1024> = String::new();
        let mut arr = JsonArray::new();
        arr.tipc(&mut j, &Line::PLAIN, &rec).unwrap();
        assert_eq!(
            j.as_str(),
            "[\n{\"netid\":\"ti_st\",\"state\":\"ESTAB\",\"recv_q\":3,\"send_q\":0,\
             \"link_cong\":false,\"conn_cong\":true,\"drop\":2,\"type\":1,\"node\":16781313,\
             \"port\":7,\"peer_node\":16781313,\"peer_port\":8,\"connected_by_name\":true,\
             \"service_type\":1000,\"service_instance\":1,\"has_publ\":false,\"uid\":1000,\
             \"inode\":55,\"cookie\":64,\"group\":{\"open\":true,\"node_scope\":false,\
             \"cluster_scope\":true,\"id\":4711,\"instance\":2}}"
        );
    }
}
