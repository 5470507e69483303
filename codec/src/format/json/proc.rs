//! JSON objects for sockets read from /proc: what the file holds, under
//! the same names as a netlink record's members, plus `"from_proc":true`
//! and the columns only /proc has. What /proc does not hold is no member:
//! a TCP listener has no `send_q` (its backlog limit is unknown, not 0), a
//! unix socket no queues and no peer.

use core::fmt::{self, Write};

use crate::format::json::{member, write_escaped_str, Escaping, JsonArray};
use crate::format::line::Line;
use crate::format::names::{
    inet_netid, ll_proto_name, netlink_proto_name, packet_netid, state_name, timer_name,
    unix_name_kind, unix_netid, write_unix_name,
};
use crate::proc::inet::ProcInet;
use crate::proc::netlink::ProcNetlink;
use crate::proc::packet::ProcPacket;
use crate::proc::unix::ProcUnix;
use crate::wire::inet::TcpState;

/// `,"from_proc":true` and the socket's kernel address (`%pK`: hashed, or
/// 0 when hidden).
fn write_origin<W: Write>(w: &mut W, sk: Option<u64>) -> fmt::Result {
    w.write_str(",\"from_proc\":true")?;
    member(w, "sk", sk)
}

impl JsonArray {
    /// Writes one socket of /proc/net/{tcp,udp,raw}{,6}; `line.protocol`
    /// gives its Netid.
    pub fn proc_inet<W: Write>(
        &mut self,
        w: &mut W,
        line: &Line<'_>,
        row: &ProcInet,
    ) -> fmt::Result {
        let rec = &row.record;
        self.open(w, line)?;
        write!(
            w,
            "\"netid\":\"{}\",\"state\":\"{}\",\"recv_q\":{}",
            inet_netid(line.protocol),
            state_name(rec.state),
            rec.rqueue
        )?;
        member(w, "send_q", row.send_q)?;
        write!(
            w,
            ",\"local_address\":\"{}\",\"local_port\":{},\"peer_address\":\"{}\",\"peer_port\":{},\
             \"uid\":{},\"inode\":{},\"timer\":\"{}\",\"expires_ms\":{},\"retrans\":{}",
            rec.id.src,
            rec.id.sport,
            rec.id.dst,
            rec.id.dport,
            rec.uid,
            rec.inode,
            timer_name(rec.timer),
            rec.expires,
            rec.retrans
        )?;
        member(w, "protocol", rec.protocol)?;
        write_origin(w, row.sk)?;
        write!(
            w,
            ",\"when_ticks\":{},\"retransmits\":{},\"probes\":{}",
            row.when, row.retransmits, row.probes
        )?;
        member(w, "refcnt", row.refcnt)?;
        member(w, "drops", row.drops)?;
        if let Some(t) = row.tcp {
            write!(
                w,
                ",\"rto_ticks\":{},\"ato_ticks\":{},\"quick_ack\":{},\"cwnd\":{}",
                t.rto, t.ato, t.quick_ack, t.cwnd
            )?;
            member(w, "ssthresh", t.ssthresh)?;
            member(w, "fastopen_limit", t.fastopen_limit)?;
        }
        self.close(w, line)
    }

    /// Writes one socket of /proc/net/unix, in `state` (the state the
    /// listing shows it in).
    pub fn proc_unix<W: Write>(
        &mut self,
        w: &mut W,
        line: &Line<'_>,
        row: &ProcUnix<'_>,
        state: TcpState,
    ) -> fmt::Result {
        let rec = &row.record;
        self.open(w, line)?;
        write!(
            w,
            "\"netid\":\"{}\",\"state\":\"{}\",\"local_address\":\"",
            unix_netid(rec.sock_type),
            state_name(state)
        )?;
        write_unix_name(&mut Escaping(w), &rec.name)?;
        write!(
            w,
            "\",\"name_kind\":\"{}\",\"inode\":{}",
            unix_name_kind(&rec.name),
            rec.inode
        )?;
        write_origin(w, Some(row.sk))?;
        write!(
            w,
            ",\"refcnt\":{},\"flags\":{},\"type\":{},\"socket_state\":{}",
            row.refcnt,
            row.flags,
            rec.sock_type.raw(),
            row.socket_state.raw()
        )?;
        self.close(w, line)
    }

    /// Writes one socket of /proc/net/packet; `line.ifname` names its
    /// interface.
    pub fn proc_packet<W: Write>(
        &mut self,
        w: &mut W,
        line: &Line<'_>,
        row: &ProcPacket,
    ) -> fmt::Result {
        let rec = &row.record;
        self.open(w, line)?;
        write!(
            w,
            "\"netid\":\"{}\",\"state\":\"UNCONN\",\"recv_q\":{},\"protocol\":{}",
            packet_netid(rec.sock_type),
            row.rmem,
            rec.protocol
        )?;
        if let Some(name) = ll_proto_name(rec.protocol) {
            write!(w, ",\"protocol_name\":\"{name}\"")?;
        }
        write!(w, ",\"ifindex\":{}", row.ifindex)?;
        if let Some(name) = line.ifname.filter(|_| row.ifindex != 0) {
            w.write_str(",\"interface\":\"")?;
            write_escaped_str(w, name.as_bytes())?;
            w.write_char('"')?;
        }
        write!(w, ",\"inode\":{}", rec.inode)?;
        member(w, "uid", rec.uid)?;
        write_origin(w, Some(row.sk))?;
        write!(
            w,
            ",\"refcnt\":{},\"type\":{},\"running\":{}",
            row.refcnt,
            rec.sock_type.raw(),
            row.running
        )?;
        self.close(w, line)
    }

    /// Writes one socket of /proc/net/netlink.
    pub fn proc_netlink<W: Write>(
        &mut self,
        w: &mut W,
        line: &Line<'_>,
        row: &ProcNetlink,
    ) -> fmt::Result {
        let rec = &row.record;
        self.open(w, line)?;
        write!(
            w,
            "\"netid\":\"nl\",\"state\":\"UNCONN\",\"recv_q\":{},\"send_q\":{},\"protocol\":{}",
            row.rmem, row.wmem, rec.protocol
        )?;
        if let Some(name) = netlink_proto_name(rec.protocol) {
            write!(w, ",\"protocol_name\":\"{name}\"")?;
        }
        write!(w, ",\"portid\":{},\"groups\":{}", rec.portid, row.groups)?;
        member(w, "inode", row.inode)?;
        write_origin(w, Some(row.sk))?;
        write!(w, ",\"dump\":{},\"refcnt\":{}", row.dump, row.refcnt)?;
        member(w, "drops", row.drops)?;
        self.close(w, line)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proc::inet::{Table, USER_HZ};
    use crate::wire::inet::proto;
    use heapless::String;

    fn object(
        write: impl FnOnce(&mut JsonArray, &mut String<1024>) -> fmt::Result,
    ) -> String<1024> {
        let mut s = String::new();
        write(&mut JsonArray::new(), &mut s).unwrap();
        s
    }

    #[test]
    fn test_proc_inet_object() {
        let listen = b"   0: 00000000:07E8 00000000:0000 0A 00000000:00000002 00:00000000 \
            00000000     0        0 1137 1 00000000303cfb07 100 0 0 10 0";
        let row = ProcInet::parse(listen, Table::Tcp, USER_HZ)
            .unwrap()
            .unwrap();
        let line = Line {
            protocol: proto::TCP,
            ..Line::PLAIN
        };
        // The listener's backlog limit is unknown: no send_q at all.
        assert_eq!(
            object(|a, s| a.proc_inet(s, &line, &row)).as_str(),
            "[\n{\"netid\":\"tcp\",\"state\":\"LISTEN\",\"recv_q\":2,\
             \"local_address\":\"0.0.0.0\",\"local_port\":2024,\"peer_address\":\"0.0.0.0\",\
             \"peer_port\":0,\"uid\":0,\"inode\":1137,\"timer\":\"off\",\"expires_ms\":0,\
             \"retrans\":0,\"from_proc\":true,\"sk\":809302791,\"when_ticks\":0,\
             \"retransmits\":0,\"probes\":0,\"refcnt\":1,\"rto_ticks\":100,\"ato_ticks\":0,\
             \"quick_ack\":0,\"cwnd\":10,\"fastopen_limit\":0}"
        );
        let udp = b" 1187: 00000000:0044 00000000:0000 07 00000005:00000000 00:00000000 \
            00000000     0        0 12345 2 00000000ab12cd34 3";
        let row = ProcInet::parse(udp, Table::Udp, USER_HZ).unwrap().unwrap();
        let line = Line {
            protocol: proto::UDP,
            ..Line::PLAIN
        };
        let json = object(|a, s| a.proc_inet(s, &line, &row));
        assert!(json.contains("\"recv_q\":0,\"send_q\":5,"), "{json}");
        assert!(json.ends_with(",\"refcnt\":2,\"drops\":3}"), "{json}");
    }

    #[test]
    fn test_proc_other_objects() {
        let unix = b"000000005c91cf34: 00000002 00000000 00000000 0002 01 33003 /tmp/a\"b";
        let row = ProcUnix::parse(unix).unwrap().unwrap();
        assert_eq!(
            object(|a, s| a.proc_unix(s, &Line::PLAIN, &row, row.ss_state())).as_str(),
            "[\n{\"netid\":\"u_dgr\",\"state\":\"ESTAB\",\"local_address\":\"/tmp/a\\\"b\",\
             \"name_kind\":\"path\",\"inode\":33003,\"from_proc\":true,\"sk\":1553059636,\
             \"refcnt\":2,\"flags\":0,\"type\":2,\"socket_state\":1}"
        );
        let packet = b"00000000a6f37da7 3      3    0003   1     1 134300 0      33005";
        let row = ProcPacket::parse(packet).unwrap().unwrap();
        let lo = Line {
            ifname: Some("lo"),
            ..Line::PLAIN
        };
        assert_eq!(
            object(|a, s| a.proc_packet(s, &lo, &row)).as_str(),
            "[\n{\"netid\":\"p_raw\",\"state\":\"UNCONN\",\"recv_q\":134300,\"protocol\":3,\
             \"protocol_name\":\"all\",\"ifindex\":1,\"interface\":\"lo\",\"inode\":33005,\"uid\":0,\
             \"from_proc\":true,\"sk\":2800975271,\"refcnt\":3,\"type\":3,\"running\":true}"
        );
        let netlink = b"000000003938ad49 0   25906      00000011 0        0        0     2        0        33007";
        let row = ProcNetlink::parse(netlink).unwrap().unwrap();
        assert_eq!(
            object(|a, s| a.proc_netlink(s, &Line::PLAIN, &row)).as_str(),
            "[\n{\"netid\":\"nl\",\"state\":\"UNCONN\",\"recv_q\":0,\"send_q\":0,\"protocol\":0,\
             \"protocol_name\":\"rtnl\",\"portid\":25906,\"groups\":17,\"inode\":33007,\
             \"from_proc\":true,\"sk\":960015689,\"dump\":0,\"refcnt\":2,\"drops\":0}"
        );
    }
}
