//! An inet socket's JSON object: the `inet_diag_msg` fields, then every
//! detail attribute under the kernel's name and in the kernel's unit.

use core::fmt::{self, Write};

use crate::format::json::skmem::write_skmem_member;
use crate::format::json::tcp::{write_mptcp_info, write_tcp_info};
use crate::format::json::{member, write_escaped_str, JsonArray};
use crate::format::line::Line;
use crate::format::names::{inet_netid, state_name, timer_name};
use crate::wire::inet::InetRecord;
use crate::wire::inet_attr::{sockopt, InetDetails, Info};
use crate::wire::mptcp::SubflowInfo;
use crate::wire::sk_storage;
use crate::wire::tls::TlsConf;

impl JsonArray {
    /// Writes one inet socket object: `line.protocol` gives its Netid,
    /// `line.ifname` the name of its interface, `line.process_json` what
    /// `-p` adds, and `details` every member of the record's attributes.
    pub fn inet<W: Write>(
        &mut self,
        w: &mut W,
        line: &Line<'_>,
        rec: &InetRecord<'_>,
        details: Option<&InetDetails<'_>>,
    ) -> fmt::Result {
        self.open(w, line)?;
        write!(
            w,
            "\"netid\":\"{}\",\"state\":\"{}\",\"recv_q\":{},\"send_q\":{},\
             \"local_address\":\"{}\",\"local_port\":{},\"peer_address\":\"{}\",\"peer_port\":{},\
             \"ifindex\":{}",
            inet_netid(line.protocol),
            state_name(rec.state),
            rec.rqueue,
            rec.wqueue,
            rec.id.src,
            rec.id.sport,
            rec.id.dst,
            rec.id.dport,
            rec.id.ifindex,
        )?;
        if let Some(name) = line.ifname {
            w.write_str(",\"interface\":\"")?;
            write_escaped_str(w, name.as_bytes())?;
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
            write_details(w, d)?;
        }
        self.close(w, line)
    }
}

/// Writes the JSON members of the details (each starting with a comma),
/// every decoded field under the kernel's name and in the kernel's unit.
fn write_details<W: Write>(w: &mut W, d: &InetDetails<'_>) -> fmt::Result {
    if let Some(m) = d.meminfo {
        write!(
            w,
            ",\"meminfo\":{{\"rmem\":{},\"wmem\":{},\"fmem\":{},\"tmem\":{}}}",
            m.rmem, m.wmem, m.fmem, m.tmem
        )?;
    }
    if let Some(m) = d.skmem {
        write_skmem_member(w, &m)?;
    }
    if let Some(c) = d.cong {
        w.write_str(",\"congestion\":\"")?;
        write_escaped_str(w, c)?;
        w.write_char('"')?;
    }
    match d.info {
        Some(Info::Tcp(t)) => write_tcp_info(w, &t)?,
        Some(Info::Mptcp(m)) => write_mptcp_info(w, &m)?,
        Some(Info::Other(raw)) => write!(w, ",\"info_bytes\":{}", raw.len())?,
        None => {}
    }
    if let Some(v) = d.vegas {
        write!(
            w,
            ",\"vegas\":{{\"enabled\":{},\"rttcnt\":{},\"rtt\":{},\"minrtt\":{}}}",
            v.enabled, v.rttcnt, v.rtt, v.minrtt
        )?;
    }
    if let Some(v) = d.dctcp {
        write!(
            w,
            ",\"dctcp\":{{\"enabled\":{},\"ce_state\":{},\"alpha\":{},\"ab_ecn\":{},\"ab_tot\":{}}}",
            v.enabled, v.ce_state, v.alpha, v.ab_ecn, v.ab_tot
        )?;
    }
    if let Some(b) = d.bbr {
        write!(
            w,
            ",\"bbr\":{{\"bw\":{},\"min_rtt\":{},\"pacing_gain\":{},\"cwnd_gain\":{}}}",
            b.bw, b.min_rtt, b.pacing_gain, b.cwnd_gain
        )?;
    }
    member(w, "tos", d.tos)?;
    member(w, "tclass", d.tclass)?;
    member(w, "class_id", d.class_id)?;
    for (name, addrs) in [("sctp_locals", d.locals), ("sctp_peers", d.peers)] {
        if let Some(addrs) = addrs {
            write!(w, ",\"{name}\":[")?;
            for (i, a) in addrs.iter().enumerate() {
                let sep = if i > 0 { "," } else { "" };
                match a {
                    Some((ip, port)) => write!(w, "{sep}{{\"address\":\"{ip}\",\"port\":{port}}}")?,
                    None => write!(w, "{sep}null")?,
                }
            }
            w.write_char(']')?;
        }
    }
    if let Some(sigs) = d.md5sig {
        w.write_str(",\"md5sig\":[")?;
        for (i, s) in sigs.iter().enumerate() {
            write!(
                w,
                "{}{{\"family\":{},\"prefix_len\":{},",
                if i > 0 { "," } else { "" },
                s.family,
                s.prefix_len
            )?;
            match s.addr {
                Some(a) => write!(w, "\"address\":\"{a}\",\"key\":\"")?,
                None => w.write_str("\"address\":null,\"key\":\"")?,
            }
            for b in s.key {
                write!(w, "{b:02x}")?;
            }
            w.write_str("\"}")?;
        }
        w.write_char(']')?;
    }
    if let Some(u) = d.ulp {
        w.write_str(",\"ulp\":{")?;
        let mut sep = "";
        if let Some(n) = u.name {
            w.write_str("\"name\":\"")?;
            write_escaped_str(w, n)?;
            w.write_char('"')?;
            sep = ",";
        }
        if let Some(t) = u.tls {
            write!(
                w,
                "{sep}\"tls\":{{\"zc_ro_tx\":{},\"rx_no_pad\":{}",
                t.zc_ro_tx, t.rx_no_pad
            )?;
            member(w, "version", t.version)?;
            member(w, "cipher", t.cipher)?;
            for (name, c) in [("txconf", t.txconf), ("rxconf", t.rxconf)] {
                let text = match c {
                    Some(TlsConf::Base) => "none",
                    Some(TlsConf::Sw) => "sw",
                    Some(TlsConf::Hw) => "hw",
                    Some(TlsConf::HwRecord) => "hw-record",
                    Some(TlsConf::Unknown(_)) => "unknown",
                    None => continue,
                };
                write!(w, ",\"{name}\":\"{text}\"")?;
            }
            w.write_char('}')?;
            sep = ",";
        }
        if let Some(s) = u.mptcp.and_then(|n| SubflowInfo::parse(n).ok()) {
            write!(w, "{sep}\"mptcp\":{{\"present\":true")?;
            member(w, "token_rem", s.token_rem)?;
            member(w, "token_loc", s.token_loc)?;
            member(w, "relwrite_seq", s.relwrite_seq)?;
            member(w, "map_seq", s.map_seq)?;
            member(w, "map_sfseq", s.map_sfseq)?;
            member(w, "ssn_offset", s.ssn_offset)?;
            member(w, "map_datalen", s.map_datalen)?;
            member(w, "flags", s.flags)?;
            member(w, "id_rem", s.id_rem)?;
            member(w, "id_loc", s.id_loc)?;
            w.write_char('}')?;
        }
        w.write_char('}')?;
    }
    if let Some(b) = d.bpf_storages {
        write!(w, ",\"bpf_storages_bytes\":{}", b.len())?;
        w.write_str(",\"bpf_storages\":[")?;
        for (i, s) in sk_storage::storages(b).map_while(|s| s.ok()).enumerate() {
            write!(
                w,
                "{}{{\"map_id\":{},\"value\":\"",
                if i > 0 { "," } else { "" },
                s.map_id
            )?;
            for byte in s.value {
                write!(w, "{byte:02x}")?;
            }
            w.write_str("\"}")?;
        }
        w.write_char(']')?;
    }
    if let Some(s) = d.sockopt {
        w.write_str(",\"sockopt\":[")?;
        let mut first = true;
        for (bit, name) in sockopt::NAMES.iter().enumerate() {
            if s.0 & (1 << bit) != 0 {
                write!(w, "{}\"{name}\"", if first { "" } else { "," })?;
                first = false;
            }
        }
        w.write_char(']')?;
    }
    let mut unknown = d.unknown().peekable();
    if unknown.peek().is_some() {
        w.write_str(",\"unknown_attrs\":[")?;
        for (i, (kind, payload)) in unknown.enumerate() {
            write!(
                w,
                "{}{{\"type\":{kind},\"hex\":\"",
                if i > 0 { "," } else { "" }
            )?;
            for b in payload {
                write!(w, "{b:02x}")?;
            }
            w.write_str("\"}")?;
        }
        w.write_char(']')?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::inet::{attr_kind, proto, TcpState};
    use crate::wire::inet_attr::tests::emit_all;
    use heapless::String;

    /// An older kernel's shorter tcp_info prints what it has and nothing
    /// for the fields it lacks (not a zero, not a guess).
    #[test]
    fn test_tcp_info_sizes() {
        let full = crate::wire::tcp_info::tests::info_6_18();
        for len in crate::wire::tcp_info::HISTORICAL_LENS {
            let mut buf = [0u8; 320];
            let n = emit_all(&mut buf, &[(attr_kind::INFO, &full[..len])]);
            let rec = InetRecord {
                attrs: &buf[..n],
                ..InetRecord::new(
                    TcpState::Established,
                    crate::wire::inet::SockId::any(crate::family::INET),
                )
            };
            let d = rec.details(proto::TCP).unwrap();
            let mut j: String<4096> = String::new();
            write_details(&mut j, &d).unwrap();
            assert_eq!(j.contains("\"rcv_wnd\":233"), len >= 240, "{len}: {j}");
            assert_eq!(j.contains("\"options2\""), len >= 280, "{len}: {j}");
        }
    }

    #[test]
    fn test_ulp_md5_mptcp() {
        let mut ulp = [0u8; 96];
        let n = crate::wire::tls::tests::tls_nest(&mut ulp);
        let mut md5 = [0u8; 100];
        md5[0] = crate::family::INET;
        md5[1] = 32;
        md5[2..4].copy_from_slice(&5u16.to_ne_bytes());
        md5[4..8].copy_from_slice(&[127, 0, 0, 1]);
        md5[20..25].copy_from_slice(b"a b,\\");
        let mut buf = [0u8; 256];
        let len = emit_all(
            &mut buf,
            &[(attr_kind::MD5SIG, &md5), (attr_kind::ULP_INFO, &ulp[..n])],
        );
        let rec = InetRecord {
            attrs: &buf[..len],
            ..InetRecord::new(
                TcpState::Established,
                crate::wire::inet::SockId::any(crate::family::INET),
            )
        };
        let d = rec.details(proto::TCP).unwrap();
        let mut j: String<512> = String::new();
        write_details(&mut j, &d).unwrap();
        assert!(j.contains("\"md5sig\":[{\"family\":2,\"prefix_len\":32,\"address\":\"127.0.0.1\",\"key\":\"6120622c5c\"}]"), "{j}");
        assert!(j.contains("\"ulp\":{\"name\":\"tls\",\"tls\":{\"zc_ro_tx\":false,\"rx_no_pad\":true,\"version\":772,\"cipher\":52,\"txconf\":\"sw\",\"rxconf\":\"hw\"}}"), "{j}");
    }
}
