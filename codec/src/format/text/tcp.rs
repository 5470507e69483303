//! The TCP part of an inet socket's detail line (`-i`) as ss 6.1 prints it
//! (`tcp_show_info`, `tcp_stats_print`): tcp_info, congestion control,
//! MD5 keys, kTLS and MPTCP subflow info; and MPTCP's own `mptcp_info`.
//! ss's rules are kept: most fields appear only when non-zero, times are
//! milliseconds printed with C's `%g`, rates are bits per second.
//!
//! Fields that kernels newer than ss 6.1 added (`rcv_wnd`, `rehash`, the
//! RTO totals, Accurate ECN counters) are not in the text; JSON has them.

use core::fmt::{self, Write};

use crate::format::columns::AsciiWrite;

use crate::format::line::Line;
use crate::format::names::write_lossy;
use crate::format::number::{write_gain, write_millis_from_micros, BitRate, Decimal};
use crate::wire::inet::{InetRecord, TcpState};
use crate::wire::inet_attr::InetDetails;
use crate::wire::mptcp::{self, MptcpInfo, SubflowInfo};
use crate::wire::tcp_info::{opt, TcpInfo};
use crate::wire::tls::{TlsConf, TLS_1_2_VERSION, TLS_1_3_VERSION};

/// ` name:value` when the value is not 0 (`label` is " name:").
fn write_nonzero<W: AsciiWrite>(w: &mut W, label: &str, v: impl Into<u64>) -> fmt::Result {
    match v.into() {
        0 => Ok(()),
        v => {
            w.write_str(label)?;
            w.write_ascii(Decimal::new(v).as_bytes())
        }
    }
}

fn write_nonzero_opt<W: AsciiWrite>(
    w: &mut W,
    name: &str,
    v: Option<impl Into<u64>>,
) -> fmt::Result {
    match v {
        Some(v) => write_nonzero(w, name, v),
        None => Ok(()),
    }
}

/// ss's `tcp_show_info` + `tcp_stats_print`, in their order and rules.
pub(crate) fn write_tcp<W: AsciiWrite>(
    w: &mut W,
    x: &Line<'_>,
    rec: &InetRecord<'_>,
    d: &InetDetails<'_>,
    t: &TcpInfo<'_>,
) -> fmt::Result {
    let o = t.options();
    let rate = |bits_per_second| BitRate {
        bits_per_second,
        all_digits: x.numeric,
    };
    // ss's -e sets -o too: both show the negotiated options.
    if x.timer || x.layout.extended {
        for (bit, name) in [
            (opt::TIMESTAMPS, " ts"),
            (opt::USEC_TS, " usec_ts"),
            (opt::SACK, " sack"),
            (opt::ECN, " ecn"),
            (opt::ECN_SEEN, " ecnseen"),
            (opt::SYN_DATA, " fastopen"),
        ] {
            if o & bit != 0 {
                w.write_str(name)?;
            }
        }
    }
    if let Some(cong) = d.cong.filter(|c| !c.is_empty()) {
        w.write_char(' ')?;
        write_lossy(w, cong)?;
    }
    if o & opt::WSCALE != 0 {
        w.write_str(" wscale:")?;
        w.write_ascii(Decimal::new(t.snd_wscale().into()).as_bytes())?;
        w.write_char(',')?;
        w.write_ascii(Decimal::new(t.rcv_wscale().into()).as_bytes())?;
    }
    if t.rto() != 0 && t.rto() != 3_000_000 {
        w.write_str(" rto:")?;
        write_millis_from_micros(w, t.rto())?;
    }
    write_nonzero(w, " backoff:", t.backoff())?;
    if t.rtt() != 0 {
        w.write_str(" rtt:")?;
        write_millis_from_micros(w, t.rtt())?;
        w.write_char('/')?;
        write_millis_from_micros(w, t.rttvar())?;
    }
    if t.ato() != 0 {
        w.write_str(" ato:")?;
        write_millis_from_micros(w, t.ato())?;
    }
    write_nonzero(w, " mss:", t.snd_mss())?;
    write_nonzero(w, " pmtu:", t.pmtu())?;
    write_nonzero(w, " rcvmss:", t.rcv_mss())?;
    write_nonzero(w, " advmss:", t.advmss())?;
    write_nonzero(w, " cwnd:", t.snd_cwnd())?;
    if t.snd_ssthresh() < 0xffff {
        write_nonzero(w, " ssthresh:", t.snd_ssthresh())?;
    }
    write_nonzero_opt(w, " bytes_sent:", t.bytes_sent())?;
    write_nonzero_opt(w, " bytes_retrans:", t.bytes_retrans())?;
    write_nonzero_opt(w, " bytes_acked:", t.bytes_acked())?;
    write_nonzero_opt(w, " bytes_received:", t.bytes_received())?;
    write_nonzero_opt(w, " segs_out:", t.segs_out())?;
    write_nonzero_opt(w, " segs_in:", t.segs_in())?;
    write_nonzero_opt(w, " data_segs_out:", t.data_segs_out())?;
    write_nonzero_opt(w, " data_segs_in:", t.data_segs_in())?;
    if let Some(dc) = d.dctcp {
        if dc.enabled != 0 {
            write!(
                w,
                " dctcp:(ce_state:{},alpha:{},ab_ecn:{},ab_tot:{})",
                dc.ce_state, dc.alpha, dc.ab_ecn, dc.ab_tot
            )?;
        } else {
            w.write_str(" dctcp:fallback_mode")?;
        }
    }
    if let Some(b) = d.bbr {
        w.write_str(" bbr:(bw:")?;
        rate(b.bw as f64 * 8.0).write(w)?;
        w.write_str("bps,mrtt:")?;
        write_millis_from_micros(w, b.min_rtt)?;
        if b.pacing_gain != 0 {
            w.write_str(",pacing_gain:")?;
            write_gain(w, b.pacing_gain)?;
        }
        if b.cwnd_gain != 0 {
            w.write_str(",cwnd_gain:")?;
            write_gain(w, b.cwnd_gain)?;
        }
        w.write_char(')')?;
    }
    // A delay-based algorithm's own RTT sample wins over the smoothed one.
    let mut rtt = f64::from(t.rtt());
    if let Some(v) = d.vegas {
        if v.enabled != 0 && v.rtt != 0 && v.rtt != 0x7fff_ffff {
            rtt = f64::from(v.rtt);
        }
    }
    if rtt > 0.0 && t.snd_mss() != 0 && t.snd_cwnd() != 0 {
        let bps = f64::from(t.snd_cwnd()) * f64::from(t.snd_mss()) * 8_000_000.0 / rtt;
        w.write_str(" send ")?;
        rate(bps).write(w)?;
        w.write_str("bps")?;
    }
    write_nonzero(w, " lastsnd:", t.last_data_sent())?;
    write_nonzero(w, " lastrcv:", t.last_data_recv())?;
    write_nonzero(w, " lastack:", t.last_ack_recv())?;
    if let Some(p) = t.pacing_rate().filter(|&p| p != 0 && p != u64::MAX) {
        w.write_str(" pacing_rate ")?;
        rate(p as f64 * 8.0).write(w)?;
        w.write_str("bps")?;
        if let Some(m) = t.max_pacing_rate().filter(|&m| m != 0 && m != u64::MAX) {
            w.write_char('/')?;
            rate(m as f64 * 8.0).write(w)?;
            w.write_str("bps")?;
        }
    }
    if let Some(r) = t.delivery_rate().filter(|&r| r != 0) {
        w.write_str(" delivery_rate ")?;
        rate(r as f64 * 8.0).write(w)?;
        w.write_str("bps")?;
    }
    write_nonzero_opt(w, " delivered:", t.delivered())?;
    write_nonzero_opt(w, " delivered_ce:", t.delivered_ce())?;
    if t.delivery_rate_app_limited() {
        w.write_str(" app_limited")?;
    }
    if let Some(busy) = t.busy_time().filter(|&b| b != 0) {
        write!(w, " busy:{}ms", busy / 1000)?;
        for (name, v) in [
            ("rwnd_limited", t.rwnd_limited()),
            ("sndbuf_limited", t.sndbuf_limited()),
        ] {
            if let Some(v) = v.filter(|&v| v != 0) {
                let pct = 100.0 * v as f64 / busy as f64;
                write!(w, " {name}:{}ms({pct:.1}%)", v / 1000)?;
            }
        }
    }
    write_nonzero(w, " unacked:", t.unacked())?;
    if t.retrans() != 0 || t.total_retrans() != 0 {
        w.write_str(" retrans:")?;
        w.write_ascii(Decimal::new(t.retrans().into()).as_bytes())?;
        w.write_char('/')?;
        w.write_ascii(Decimal::new(t.total_retrans().into()).as_bytes())?;
    }
    write_nonzero(w, " lost:", t.lost())?;
    // A listener's sacked is its backlog limit, already in Send-Q.
    if rec.state != TcpState::Listen {
        write_nonzero(w, " sacked:", t.sacked())?;
    }
    write_nonzero_opt(w, " dsack_dups:", t.dsack_dups())?;
    write_nonzero(w, " fackets:", t.fackets())?;
    if t.reordering() != 3 {
        w.write_str(" reordering:")?;
        w.write_ascii(Decimal::new(t.reordering().into()).as_bytes())?;
    }
    write_nonzero_opt(w, " reord_seen:", t.reord_seen())?;
    if t.rcv_rtt() != 0 {
        w.write_str(" rcv_rtt:")?;
        write_millis_from_micros(w, t.rcv_rtt())?;
    }
    write_nonzero(w, " rcv_space:", t.rcv_space())?;
    write_nonzero(w, " rcv_ssthresh:", t.rcv_ssthresh())?;
    write_nonzero_opt(w, " notsent:", t.notsent_bytes())?;
    if let Some(m) = t.min_rtt().filter(|&m| m != 0 && m != u32::MAX) {
        w.write_str(" minrtt:")?;
        write_millis_from_micros(w, m)?;
    }
    write_nonzero_opt(w, " rcv_ooopack:", t.rcv_ooopack())?;
    write_nonzero_opt(w, " snd_wnd:", t.snd_wnd())
}

/// ss's `print_escape_buf`: printable bytes as they are, the rest (and
/// backslash, space, comma) as `\ooo`.
fn write_escaped<W: Write>(w: &mut W, bytes: &[u8]) -> fmt::Result {
    for &b in bytes {
        if b.is_ascii_graphic() && b != b'\\' && b != b',' {
            w.write_char(char::from(b))?;
        } else {
            write!(w, "\\{b:03o}")?;
        }
    }
    Ok(())
}

pub(crate) fn write_md5_ulp<W: Write>(w: &mut W, d: &InetDetails<'_>) -> fmt::Result {
    if let Some(sigs) = d.md5sig {
        w.write_str(" md5keys:")?;
        for (i, s) in sigs.iter().enumerate() {
            if i > 0 {
                w.write_char(',')?;
            }
            match s.addr {
                Some(a) => write!(w, "{a}/{}=", s.prefix_len)?,
                None => write!(w, "/{}=", s.prefix_len)?,
            }
            write_escaped(w, s.key)?;
        }
    }
    let Some(ulp) = d.ulp else { return Ok(()) };
    if let Some(name) = ulp.name {
        w.write_str(" tcp-ulp-")?;
        write_lossy(w, name)?;
    }
    if let Some(tls) = ulp.tls {
        match tls.version {
            Some(TLS_1_2_VERSION) => w.write_str(" version: 1.2")?,
            Some(TLS_1_3_VERSION) => w.write_str(" version: 1.3")?,
            Some(v) => write!(w, " version: unknown({v})")?,
            None => {}
        }
        match tls.cipher {
            Some(51) => w.write_str(" cipher: aes-gcm-128")?,
            Some(52) => w.write_str(" cipher: aes-gcm-256")?,
            _ => {}
        }
        for (name, conf) in [("rxconf", tls.rxconf), ("txconf", tls.txconf)] {
            match conf {
                Some(TlsConf::Base) => write!(w, " {name}: none")?,
                Some(TlsConf::Sw) => write!(w, " {name}: sw")?,
                Some(TlsConf::Hw) => write!(w, " {name}: hw")?,
                Some(TlsConf::HwRecord) => write!(w, " {name}: hw-record")?,
                Some(TlsConf::Unknown(v)) => write!(w, " {name}: unknown({v})")?,
                None => {}
            }
        }
    }
    if let Some(sf) = ulp.mptcp.and_then(|n| SubflowInfo::parse(n).ok()) {
        write_subflow(w, &sf)?;
    }
    Ok(())
}

fn write_subflow<W: Write>(w: &mut W, s: &SubflowInfo) -> fmt::Result {
    if let Some(flags) = s.flags.filter(|&f| f != 0) {
        w.write_str(" flags:")?;
        for (bit, c) in "MmJjBbecv".chars().enumerate() {
            if flags & (1 << bit) != 0 {
                w.write_char(c)?;
            }
        }
    }
    if let (Some(tr), Some(tl), Some(ir), Some(il)) = (s.token_rem, s.token_loc, s.id_rem, s.id_loc)
    {
        write!(w, " token:{tr:04x}(id:{ir})/{tl:04x}(id:{il})")?;
    }
    if let Some(v) = s.map_seq {
        write!(w, " seq:{v:x}")?;
    }
    if let Some(v) = s.map_sfseq {
        write!(w, " sfseq:{v:x}")?;
    }
    if let Some(v) = s.ssn_offset {
        write!(w, " ssnoff:{v:x}")?;
    }
    if let Some(v) = s.map_datalen {
        write!(w, " maplen:{v:x}")?;
    }
    Ok(())
}

/// ss 6.1's `mptcp_stats_print`.
pub(crate) fn write_mptcp<W: AsciiWrite>(w: &mut W, m: &MptcpInfo<'_>) -> fmt::Result {
    write_nonzero(w, " subflows:", m.subflows())?;
    write_nonzero(w, " add_addr_signal:", m.add_addr_signal())?;
    write_nonzero(w, " add_addr_accepted:", m.add_addr_accepted())?;
    write_nonzero(w, " subflows_max:", m.subflows_max())?;
    write_nonzero(w, " add_addr_signal_max:", m.add_addr_signal_max())?;
    write_nonzero(w, " add_addr_accepted_max:", m.add_addr_accepted_max())?;
    if m.flags() & mptcp::flag::FALLBACK != 0 {
        w.write_str(" fallback")?;
    }
    if m.flags() & mptcp::flag::REMOTE_KEY_RECEIVED != 0 {
        w.write_str(" remote_key")?;
    }
    for (name, v) in [
        ("token", u64::from(m.token())),
        ("write_seq", m.write_seq()),
        ("snd_una", m.snd_una()),
        ("rcv_nxt", m.rcv_nxt()),
    ] {
        if v != 0 {
            write!(w, " {name}:{v:x}")?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::columns::Layout;
    use crate::format::text::inet::tests::inet_row;
    use crate::format::text::inet::write_detail_line;
    use crate::wire::inet::{attr_kind, proto};
    use crate::wire::inet_attr::tests::emit_all;
    use heapless::String;

    /// A message as the kernel sends it for `-tinmeo --tos` on an
    /// established loopback socket (values from a 6.18 capture), and the
    /// words ss 6.1 prints for it.
    #[test]
    fn test_tcp_line() {
        let mut tcp = [0u8; crate::wire::tcp_info::KNOWN_LEN];
        let put = |b: &mut [u8], at: usize, v: u32| b[at..at + 4].copy_from_slice(&v.to_ne_bytes());
        let put64 =
            |b: &mut [u8], at: usize, v: u64| b[at..at + 8].copy_from_slice(&v.to_ne_bytes());
        tcp[0] = 1;
        tcp[5] = opt::TIMESTAMPS | opt::SACK | opt::WSCALE;
        tcp[6] = 0xaa; // both window scales 10, on any ABI
        tcp[7] = if cfg!(target_endian = "big") { 0x80 } else { 1 };
        put(&mut tcp, 8, 204_000); // rto
        put(&mut tcp, 12, 40_000); // ato
        put(&mut tcp, 16, 32768); // snd_mss
        put(&mut tcp, 20, 34536); // rcv_mss
        put(&mut tcp, 44, 856); // last_data_sent
        put(&mut tcp, 52, 856);
        put(&mut tcp, 56, 856);
        put(&mut tcp, 60, 65536); // pmtu
        put(&mut tcp, 64, 94841); // rcv_ssthresh
        put(&mut tcp, 68, 20); // rtt
        put(&mut tcp, 72, 10); // rttvar
        put(&mut tcp, 76, 0x7fff_ffff); // snd_ssthresh: infinite
        put(&mut tcp, 80, 10); // cwnd
        put(&mut tcp, 84, 65464); // advmss
        put(&mut tcp, 88, 3); // reordering
        put(&mut tcp, 92, 22); // rcv_rtt
        put(&mut tcp, 96, 65464); // rcv_space
        put64(&mut tcp, 104, 46_823_040_000); // pacing_rate
        put64(&mut tcp, 112, u64::MAX); // max_pacing_rate
        put64(&mut tcp, 128, 100_000); // bytes_received
        put(&mut tcp, 136, 2); // segs_out
        put(&mut tcp, 140, 5); // segs_in
        put(&mut tcp, 148, 20); // min_rtt
        put(&mut tcp, 152, 3); // data_segs_in
        put(&mut tcp, 192, 1); // delivered
        put(&mut tcp, 228, 65536); // snd_wnd
        put(&mut tcp, 232, 65536); // rcv_wnd: newer than ss 6.1, not printed
        let mut skmem = [0u8; 36];
        for (i, v) in [102496u32, 131072, 0, 3939840, 4000, 0, 0, 0, 0]
            .iter()
            .enumerate()
        {
            put(&mut skmem, 4 * i, *v);
        }
        let mut bbr = [0u8; 20];
        put(&mut bbr, 8, 20);
        let mut buf = [0u8; 512];
        let n = emit_all(
            &mut buf,
            &[
                (attr_kind::INFO, &tcp),
                (attr_kind::CONG, b"bbr\0"),
                (attr_kind::TOS, &[0]),
                (attr_kind::TCLASS, &[0]),
                (attr_kind::SKMEMINFO, &skmem),
                (attr_kind::SHUTDOWN, &[0]),
                (attr_kind::BBRINFO, &bbr),
                (attr_kind::CLASS_ID, &0u32.to_ne_bytes()),
                (attr_kind::CGROUP_ID, &1u64.to_ne_bytes()),
            ],
        );
        let mut id = crate::wire::inet::SockId::any(crate::family::INET6);
        id.src = core::net::IpAddr::V6(core::net::Ipv6Addr::LOCALHOST);
        id.dst = id.src;
        id.sport = 40127;
        id.dport = 48722;
        id.cookie = 0xe6b96;
        let rec = InetRecord {
            rqueue: 99000,
            inode: 1243017,
            shutdown: Some(0),
            cgroup_id: Some(1),
            attrs: &buf[..n],
            ..InetRecord::new(TcpState::Established, id)
        };
        let d = rec.details(proto::TCP).unwrap();
        let layout = Layout {
            state: true,
            extended: true,
            ..Layout::default()
        };
        let extras = Line {
            layout,
            timer: true,
            tos: true,
            memory: true,
            info: true,
            numeric: true,
            oneline: false,
            protocol: proto::TCP,
            cgroup: Some("/"),
            ..Line::PLAIN
        };
        let s = inet_row(&extras, &rec, Some(&d));
        let (line, detail) = s.split_once("\n\t").unwrap();
        let words: heapless::Vec<&str, 16> = line.split_whitespace().collect();
        assert_eq!(
            &words[..],
            [
                "ESTAB",
                "99000",
                "0",
                "[::1]:40127",
                "[::1]:48722",
                "ino:1243017",
                "sk:e6b96",
                "cgroup:/",
                "<->",
                "tos:0",
                "tclass:0",
                "class_id:0"
            ]
        );
        assert_eq!(
            detail,
            " skmem:(r102496,rb131072,t0,tb3939840,f4000,w0,o0,bl0,d0) ts sack bbr wscale:10,10 \
             rto:204 rtt:0.02/0.01 ato:40 mss:32768 pmtu:65536 rcvmss:34536 advmss:65464 cwnd:10 \
             bytes_received:100000 segs_out:2 segs_in:5 data_segs_in:3 bbr:(bw:0bps,mrtt:0.02) \
             send 131072000000bps lastsnd:856 lastrcv:856 lastack:856 pacing_rate 374584320000bps \
             delivered:1 app_limited rcv_rtt:0.022 rcv_space:65464 rcv_ssthresh:94841 minrtt:0.02 \
             snd_wnd:65536"
        );
        // Without -o (or -e, which sets it) the options go; -O keeps
        // everything on one line.
        let one = Line {
            layout: Layout {
                extended: false,
                ..layout
            },
            timer: false,
            oneline: true,
            numeric: false,
            ..extras
        };
        let s = inet_row(&one, &rec, Some(&d));
        assert!(!s.contains('\t') && !s.contains('\n'));
        assert!(s.contains(" skmem:(r102496,") && s.contains(":48722 tos:0"));
        assert!(s.contains(" bbr wscale:10,10 ") && !s.contains(" ts "));
        assert!(s.contains(" send 131Gbps ") && s.contains(" pacing_rate 375Gbps "));
    }

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
            let mut s: String<1024> = String::new();
            let x = Line {
                info: true,
                numeric: true,
                protocol: proto::TCP,
                ..Line::PLAIN
            };
            write_detail_line(&mut s, &x, &rec, &d).unwrap();
            assert!(s.contains(" mss:17 "), "{len}: {s}");
            assert_eq!(s.contains(" pacing_rate "), len >= 120, "{len}: {s}");
            assert_eq!(s.contains(" bytes_acked:"), len >= 136, "{len}: {s}");
            assert_eq!(s.contains(" segs_in:"), len >= 144, "{len}: {s}");
            assert_eq!(s.contains(" minrtt:"), len >= 160, "{len}: {s}");
            assert_eq!(s.contains(" delivery_rate "), len >= 168, "{len}: {s}");
            assert_eq!(s.contains(" busy:"), len >= 192, "{len}: {s}");
            assert_eq!(s.contains(" delivered:"), len >= 200, "{len}: {s}");
            assert_eq!(s.contains(" bytes_sent:"), len >= 224, "{len}: {s}");
            assert_eq!(s.contains(" snd_wnd:"), len >= 232, "{len}: {s}");
            assert!(!s.contains("rcv_wnd"), "newer than ss 6.1: {s}");
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
        let mut s: String<256> = String::new();
        let x = Line {
            info: true,
            protocol: proto::TCP,
            ..Line::PLAIN
        };
        write_detail_line(&mut s, &x, &rec, &d).unwrap();
        assert_eq!(
            s.as_str(),
            "\n\t md5keys:127.0.0.1/32=a\\040b\\054\\134 tcp-ulp-tls version: 1.3 cipher: aes-gcm-256 \
             rxconf: hw txconf: sw"
        );

        // An MPTCP socket: its INFO is mptcp_info.
        let m = crate::wire::mptcp::tests::info_96();
        let mut buf2 = [0u8; 128];
        let len = emit_all(&mut buf2, &[(attr_kind::INFO, &m)]);
        let rec = InetRecord {
            attrs: &buf2[..len],
            ..rec
        };
        let d = rec.details(proto::MPTCP).unwrap();
        s.clear();
        let x = Line {
            protocol: proto::MPTCP,
            ..x
        };
        write_detail_line(&mut s, &x, &rec, &d).unwrap();
        assert_eq!(
            s.as_str(),
            "\n\t subflows:1 add_addr_signal:2 add_addr_accepted:3 subflows_max:4 add_addr_signal_max:5 \
             add_addr_accepted_max:6 remote_key token:abcd write_seq:100000001 snd_una:2 rcv_nxt:3"
        );
    }
}
