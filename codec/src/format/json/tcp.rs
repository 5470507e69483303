//! The `tcp_info` and `mptcp_info` objects: every field the kernel sent,
//! named as in `linux/tcp.h` and `linux/mptcp.h` without their prefix.

use core::fmt::{self, Write};

use crate::format::json::{member, member_uint};
use crate::wire::mptcp::MptcpInfo;
use crate::wire::tcp_info::TcpInfo;

/// Writes `,"tcp_info":{...}`.
pub(crate) fn write_tcp_info<W: Write>(w: &mut W, t: &TcpInfo<'_>) -> fmt::Result {
    write!(
        w,
        ",\"tcp_info\":{{\"bytes\":{},\"state\":{},\"ca_state\":{},\"retransmits\":{},\"probes\":{},\
         \"backoff\":{},\"options\":{},\"snd_wscale\":{},\"rcv_wscale\":{},\
         \"delivery_rate_app_limited\":{},\"fastopen_client_fail\":{}",
        t.as_bytes().len(),
        t.state(),
        t.ca_state(),
        t.retransmits(),
        t.probes(),
        t.backoff(),
        t.options(),
        t.snd_wscale(),
        t.rcv_wscale(),
        t.delivery_rate_app_limited(),
        t.fastopen_client_fail()
    )?;
    for (name, v) in [
        ("rto", t.rto()),
        ("ato", t.ato()),
        ("snd_mss", t.snd_mss()),
        ("rcv_mss", t.rcv_mss()),
        ("unacked", t.unacked()),
        ("sacked", t.sacked()),
        ("lost", t.lost()),
        ("retrans", t.retrans()),
        ("fackets", t.fackets()),
        ("last_data_sent", t.last_data_sent()),
        ("last_ack_sent", t.last_ack_sent()),
        ("last_data_recv", t.last_data_recv()),
        ("last_ack_recv", t.last_ack_recv()),
        ("pmtu", t.pmtu()),
        ("rcv_ssthresh", t.rcv_ssthresh()),
        ("rtt", t.rtt()),
        ("rttvar", t.rttvar()),
        ("snd_ssthresh", t.snd_ssthresh()),
        ("snd_cwnd", t.snd_cwnd()),
        ("advmss", t.advmss()),
        ("reordering", t.reordering()),
        ("rcv_rtt", t.rcv_rtt()),
        ("rcv_space", t.rcv_space()),
        ("total_retrans", t.total_retrans()),
    ] {
        member_uint(w, name, Some(v))?;
    }
    for (name, v) in [
        ("pacing_rate", t.pacing_rate()),
        ("max_pacing_rate", t.max_pacing_rate()),
        ("bytes_acked", t.bytes_acked()),
        ("bytes_received", t.bytes_received()),
        ("segs_out", t.segs_out().map(u64::from)),
        ("segs_in", t.segs_in().map(u64::from)),
        ("notsent_bytes", t.notsent_bytes().map(u64::from)),
        ("min_rtt", t.min_rtt().map(u64::from)),
        ("data_segs_in", t.data_segs_in().map(u64::from)),
        ("data_segs_out", t.data_segs_out().map(u64::from)),
        ("delivery_rate", t.delivery_rate()),
        ("busy_time", t.busy_time()),
        ("rwnd_limited", t.rwnd_limited()),
        ("sndbuf_limited", t.sndbuf_limited()),
        ("delivered", t.delivered().map(u64::from)),
        ("delivered_ce", t.delivered_ce().map(u64::from)),
        ("bytes_sent", t.bytes_sent()),
        ("bytes_retrans", t.bytes_retrans()),
        ("dsack_dups", t.dsack_dups().map(u64::from)),
        ("reord_seen", t.reord_seen().map(u64::from)),
        ("rcv_ooopack", t.rcv_ooopack().map(u64::from)),
        ("snd_wnd", t.snd_wnd().map(u64::from)),
        ("rcv_wnd", t.rcv_wnd().map(u64::from)),
        ("rehash", t.rehash().map(u64::from)),
        ("total_rto", t.total_rto().map(u64::from)),
        (
            "total_rto_recoveries",
            t.total_rto_recoveries().map(u64::from),
        ),
        ("total_rto_time", t.total_rto_time().map(u64::from)),
        ("received_ce", t.received_ce().map(u64::from)),
        ("delivered_e1_bytes", t.delivered_e1_bytes().map(u64::from)),
        ("delivered_e0_bytes", t.delivered_e0_bytes().map(u64::from)),
        ("delivered_ce_bytes", t.delivered_ce_bytes().map(u64::from)),
        ("received_e1_bytes", t.received_e1_bytes().map(u64::from)),
        ("received_e0_bytes", t.received_e0_bytes().map(u64::from)),
        ("received_ce_bytes", t.received_ce_bytes().map(u64::from)),
        ("ecn_mode", t.ecn_mode().map(u64::from)),
        ("accecn_opt_seen", t.accecn_opt_seen().map(u64::from)),
        ("accecn_fail_mode", t.accecn_fail_mode().map(u64::from)),
        ("options2", t.options2().map(u64::from)),
    ] {
        member_uint(w, name, v)?;
    }
    w.write_char('}')
}

pub(crate) fn write_mptcp_info<W: Write>(w: &mut W, m: &MptcpInfo<'_>) -> fmt::Result {
    write!(
        w,
        ",\"mptcp_info\":{{\"subflows\":{},\"add_addr_signal\":{},\"add_addr_accepted\":{},\
         \"subflows_max\":{},\"add_addr_signal_max\":{},\"add_addr_accepted_max\":{},\"flags\":{},\
         \"token\":{},\"write_seq\":{},\"snd_una\":{},\"rcv_nxt\":{}",
        m.subflows(),
        m.add_addr_signal(),
        m.add_addr_accepted(),
        m.subflows_max(),
        m.add_addr_signal_max(),
        m.add_addr_accepted_max(),
        m.flags(),
        m.token(),
        m.write_seq(),
        m.snd_una(),
        m.rcv_nxt()
    )?;
    member(w, "local_addr_used", m.local_addr_used())?;
    member(w, "local_addr_max", m.local_addr_max())?;
    member(w, "csum_enabled", m.csum_enabled())?;
    member(w, "retransmits", m.retransmits())?;
    member(w, "bytes_retrans", m.bytes_retrans())?;
    member(w, "bytes_sent", m.bytes_sent())?;
    member(w, "bytes_received", m.bytes_received())?;
    member(w, "bytes_acked", m.bytes_acked())?;
    member(w, "subflows_total", m.subflows_total())?;
    member(w, "endp_laminar_max", m.endp_laminar_max())?;
    member(w, "last_data_sent", m.last_data_sent())?;
    member(w, "last_data_recv", m.last_data_recv())?;
    member(w, "last_ack_recv", m.last_ack_recv())?;
    w.write_char('}')
}
