//! Per-socket details of inet sockets as ss 6.1 prints them (`-o`, `-e`,
//! `--tos`, `-m`, `-i`) and as JSON members. ss's rules are kept: most
//! fields appear only when non-zero, times are milliseconds printed with
//! C's `%g`, rates are bits per second (`-n`: all digits; otherwise three
//! significant digits and k/M/G/T).
//!
//! Fields that kernels newer than ss 6.1 added (`rcv_wnd`, `rehash`, the
//! RTO totals, Accurate ECN counters) are not in the text; JSON has them.

use core::fmt::{self, Write};

use crate::wire::inet::{proto, InetRecord, TcpState};
use crate::wire::inet_attr::{sockopt, InetDetails, SockAddrs};
use crate::wire::mptcp::{self, MptcpInfo, SubflowInfo};
use crate::wire::tcp_info::{opt, TcpInfo};
use crate::wire::tls::{TlsConf, TLS_1_2_VERSION, TLS_1_3_VERSION};

use super::{json_str_body, write_lossy, MsTimer};

/// What a line carries besides the record and the [`super::Layout`]: ss's
/// switches (`-o`, `--tos`, `-m`, `-i`, `-n`, `-O`) and what the runner
/// finds outside the kernel's answer (cgroup paths for `-e`, processes for
/// `-p`). Each table uses the parts that apply to it.
#[derive(Clone, Copy)]
pub struct Extras<'e> {
    /// `-o`: the timer (`-e` shows it too).
    pub timer: bool,
    /// `--tos`: TOS, TCLASS and class id.
    pub tos: bool,
    /// `-m`: socket memory.
    pub memory: bool,
    /// `-i`: tcp_info, congestion control, ULP, MPTCP info.
    pub info: bool,
    /// `-n`: rates with all their digits; netlink protocols, port owners
    /// and packet protocols as numbers.
    pub numeric: bool,
    /// `-O`: details on the socket's line instead of a second line.
    pub oneline: bool,
    /// `-e`: the cgroup path of `rec.cgroup_id`, as the runner found it
    /// (`None`: not found, printed as ss does, `unreachable:ID`).
    pub cgroup: Option<&'e str>,
    /// Written right after the peer column (ss's ` users:((...))`); may
    /// write nothing.
    pub process: &'e dyn fmt::Display,
    /// Written into a JSON object before its `}` (`,"users":[...]`); may
    /// write nothing.
    pub process_json: &'e dyn fmt::Display,
}

impl Extras<'_> {
    /// Nothing added.
    pub const NONE: Extras<'static> = Extras {
        timer: false,
        tos: false,
        memory: false,
        info: false,
        numeric: false,
        oneline: false,
        cgroup: None,
        process: &"",
        process_json: &"",
    };
}

impl Default for Extras<'_> {
    fn default() -> Self {
        Extras::NONE
    }
}

impl fmt::Debug for Extras<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Extras")
            .field("timer", &self.timer)
            .field("tos", &self.tos)
            .field("memory", &self.memory)
            .field("info", &self.info)
            .field("numeric", &self.numeric)
            .field("oneline", &self.oneline)
            .field("cgroup", &self.cgroup)
            .finish_non_exhaustive()
    }
}

/// C's `%.<prec>g` of a finite, non-negative value: `prec` significant
/// digits, trailing zeros dropped, exponent form below 1e-4 or at 10^prec.
pub struct G(pub f64, pub usize);

impl fmt::Display for G {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (v, prec) = (self.0, self.1.max(1));
        if v == 0.0 || !v.is_finite() {
            return write!(f, "{v}");
        }
        // The exponent after rounding to `prec` digits decides the form,
        // as C specifies; Rust's `{:e}` rounds the exact binary value like
        // glibc does. Its digits are also the fixed form's digits (the
        // rounding position is the same), so one float conversion serves
        // both forms: the fixed one only moves the decimal point.
        let mut sci: heapless::String<48> = heapless::String::new();
        write!(sci, "{:.*e}", prec - 1, v)?;
        let (mantissa, exp) = sci.split_once('e').unwrap_or((sci.as_str(), "0"));
        let exp: i32 = exp.parse().unwrap_or(0);
        if exp < -4 || exp >= prec as i32 {
            f.write_str(trim_zeros(mantissa))?;
            let sign = if exp < 0 { '-' } else { '+' };
            return write!(f, "e{sign}{:02}", exp.unsigned_abs());
        }
        let mut digits: heapless::Vec<u8, 48> = heapless::Vec::new();
        for b in mantissa.bytes().filter(u8::is_ascii_digit) {
            digits.push(b).map_err(|_| fmt::Error)?;
        }
        write_fixed(f, &digits, exp)
    }
}

/// %g's fixed form from the rounded significant digits (ASCII) and the
/// exponent of the first one, -4 <= `exp` < the digit count: the decimal
/// point moves, trailing zeros go.
fn write_fixed<W: Write>(f: &mut W, digits: &[u8], exp: i32) -> fmt::Result {
    // 0 <= exp: `exp + 1` integer digits; exp < 0: "0." and `-exp - 1`
    // zeros before the digits.
    let int_len = usize::try_from(exp + 1).unwrap_or(0);
    let (int, frac) = digits.split_at(int_len.min(digits.len()));
    let frac_len = frac.iter().rposition(|&b| b != b'0').map_or(0, |i| i + 1);
    if int.is_empty() {
        f.write_char('0')?;
    }
    f.write_str(core::str::from_utf8(int).map_err(|_| fmt::Error)?)?;
    if frac_len > 0 {
        f.write_char('.')?;
        for _ in exp + 1..0 {
            f.write_char('0')?;
        }
        f.write_str(core::str::from_utf8(&frac[..frac_len]).map_err(|_| fmt::Error)?)?;
    }
    Ok(())
}

/// ss's `%g` of a BBR gain, `raw / 256`. Such a value has an exact
/// decimal form of at most 8 decimals (1/256 = 0.00390625), so rounding it
/// to 6 significant digits is integer work; an exact tie, or a value that
/// needs the exponent form, takes [`G`]'s float path.
fn write_gain<W: Write>(w: &mut W, raw: u32) -> fmt::Result {
    let float = |w: &mut W| write!(w, "{}", G(f64::from(raw) / 256.0, 6));
    // value * 10^8, exact.
    let n = u64::from(raw) * 390_625;
    if n == 0 {
        return float(w);
    }
    let len = super::Dec::new(n).as_str().len() as u32;
    let (mut q, mut exp) = if len > 6 {
        let p = 10u64.pow(len - 6);
        let (q, r) = (n / p, n % p);
        if 2 * r == p {
            return float(w);
        }
        (q + u64::from(2 * r > p), len as i32 - 9)
    } else {
        (n * 10u64.pow(6 - len), len as i32 - 9)
    };
    if q == 1_000_000 {
        q = 100_000;
        exp += 1;
    }
    if !(-4..6).contains(&exp) {
        return float(w);
    }
    write_fixed(w, super::Dec::new(q).as_str().as_bytes(), exp)
}

fn trim_zeros(s: &str) -> &str {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        s
    }
}

/// ss's `sprint_bw`: bits per second, `%.0f` with `-n`, else `%.3g` with
/// a k/M/G/T suffix.
pub struct Bw(pub f64, pub bool);

impl fmt::Display for Bw {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Bw(bw, numeric) = *self;
        if numeric {
            // `%.0f`: below 2^52 the integer part and the fraction split
            // exactly, so a value off a tie rounds with integer arithmetic
            // (a float conversion per rate is most of what -in costs); a
            // tie or a larger value takes the float path.
            if (0.0..4_503_599_627_370_496.0).contains(&bw) {
                let int = bw as u64;
                let frac = bw - int as f64;
                if frac != 0.5 {
                    let int = if frac > 0.5 { int + 1 } else { int };
                    return f.write_str(super::Dec::new(int).as_str());
                }
            }
            return write!(f, "{bw:.0}");
        }
        for (scale, unit) in [(1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k")] {
            if bw >= scale {
                return write!(f, "{}{unit}", G(bw / scale, 3));
            }
        }
        write!(f, "{}", G(bw, 6))
    }
}

/// Microseconds as ss's milliseconds (`%g` of us / 1000).
struct Ms(u32);

impl fmt::Display for Ms {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_ms(f, self.0)
    }
}

/// [`Ms`] written straight to `w`, without `core::fmt`'s argument
/// machinery (a detail line has half a dozen of them).
fn write_ms<W: Write>(f: &mut W, us: u32) -> fmt::Result {
    // Below a second, us / 1000 has at most 6 significant digits, so
    // %g rounds nothing and prints the exact decimal: integer
    // arithmetic gives the same text without a float conversion, which
    // is most of what -i costs per socket.
    if us >= 1_000_000 {
        return write!(f, "{}", G(f64::from(us) / 1000.0, 6));
    }
    let (int, frac) = (us / 1000, us % 1000);
    f.write_str(super::Dec::new(int.into()).as_str())?;
    if frac != 0 {
        // Three decimals with their leading zeros, trailing ones cut.
        let digits = [
            b'0' + (frac / 100) as u8,
            b'0' + (frac / 10 % 10) as u8,
            b'0' + (frac % 10) as u8,
        ];
        let len = digits.iter().rposition(|&d| d != b'0').map_or(0, |i| i + 1);
        f.write_char('.')?;
        for &d in &digits[..len] {
            f.write_char(char::from(d))?;
        }
    }
    Ok(())
}

fn ms(us: u32) -> Ms {
    Ms(us)
}

/// Writes `-e`'s cgroup member (ss: only for a non-zero id).
pub(super) fn write_cgroup<W: Write>(
    w: &mut W,
    id: Option<u64>,
    path: Option<&str>,
) -> fmt::Result {
    match (id.filter(|&i| i != 0), path) {
        (Some(_), Some(p)) => write!(w, " cgroup:{p}"),
        (Some(i), None) => write!(w, " cgroup:unreachable:{i:x}"),
        (None, _) => Ok(()),
    }
}

/// Writes `--tos`'s members (ss's `%#x`: `0` for zero, else `0x..`).
pub(super) fn write_tos<W: Write>(w: &mut W, d: &InetDetails<'_>) -> fmt::Result {
    if let Some(v) = d.tos {
        write!(w, " tos:{}", Hash(u32::from(v)))?;
    }
    if let Some(v) = d.tclass {
        write!(w, " tclass:{}", Hash(u32::from(v)))?;
    }
    if let Some(v) = d.class_id {
        write!(w, " class_id:{}", Hash(v))?;
    }
    Ok(())
}

/// C's `%#x`.
struct Hash(u32);

impl fmt::Display for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 == 0 {
            f.write_str("0")
        } else {
            write!(f, "{:#x}", self.0)
        }
    }
}

/// Whether ss prints the detail line for this socket: with `-m`, or with
/// `-i` unless the socket is UDP (a raw socket counts by its protocol).
pub fn has_detail_line(extras: &Extras<'_>, rec: &InetRecord<'_>, protocol: u32) -> bool {
    let kind = rec.protocol.map_or(protocol, u32::from);
    extras.memory || (extras.info && kind != proto::UDP)
}

/// Writes the detail line (a newline and a tab first, unless one line):
/// memory, then the protocol's INFO, MD5 keys and ULP info.
pub fn write_detail_line<W: Write>(
    w: &mut W,
    extras: &Extras<'_>,
    rec: &InetRecord<'_>,
    d: &InetDetails<'_>,
    protocol: u32,
) -> fmt::Result {
    if !extras.oneline {
        w.write_str("\n\t")?;
    }
    match (d.skmem, d.meminfo) {
        (Some(m), _) => super::write_skmem(w, &m)?,
        (None, Some(m)) => write!(w, " mem:(r{},w{},f{},t{})", m.rmem, m.wmem, m.fmem, m.tmem)?,
        (None, None) => {}
    }
    match protocol {
        proto::SCTP => {
            write_addrs(w, " locals:", d.locals)?;
            write_addrs(w, " peers:", d.peers)?;
        }
        proto::MPTCP => {
            if let Some(m) = d.mptcp_info() {
                write_mptcp(w, &m)?;
            }
        }
        _ => {
            if let Some(t) = d.tcp_info() {
                write_tcp(w, extras, rec, d, &t)?;
            }
            write_md5_ulp(w, d)?;
        }
    }
    Ok(())
}

fn write_addrs<W: Write>(w: &mut W, label: &str, addrs: Option<SockAddrs<'_>>) -> fmt::Result {
    let Some(addrs) = addrs else { return Ok(()) };
    w.write_str(label)?;
    for (i, a) in addrs.iter().enumerate() {
        if i > 0 {
            w.write_char(',')?;
        }
        if let Some((ip, _)) = a {
            write!(w, "{ip}")?;
        }
    }
    Ok(())
}

/// ` name:value` when the value is not 0 (`label` is " name:").
fn nz<W: Write>(w: &mut W, label: &str, v: impl Into<u64>) -> fmt::Result {
    match v.into() {
        0 => Ok(()),
        v => {
            w.write_str(label)?;
            w.write_str(super::Dec::new(v).as_str())
        }
    }
}

fn nz_opt<W: Write>(w: &mut W, name: &str, v: Option<impl Into<u64>>) -> fmt::Result {
    match v {
        Some(v) => nz(w, name, v),
        None => Ok(()),
    }
}

/// ss's `tcp_show_info` + `tcp_stats_print`, in their order and rules.
fn write_tcp<W: Write>(
    w: &mut W,
    x: &Extras<'_>,
    rec: &InetRecord<'_>,
    d: &InetDetails<'_>,
    t: &TcpInfo<'_>,
) -> fmt::Result {
    let o = t.options();
    if x.timer {
        for (bit, name) in [
            (opt::TIMESTAMPS, " ts"),
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
        write!(w, " wscale:{},{}", t.snd_wscale(), t.rcv_wscale())?;
    }
    if t.rto() != 0 && t.rto() != 3_000_000 {
        w.write_str(" rto:")?;
        write_ms(w, t.rto())?;
    }
    nz(w, " backoff:", t.backoff())?;
    if t.rtt() != 0 {
        w.write_str(" rtt:")?;
        write_ms(w, t.rtt())?;
        w.write_char('/')?;
        write_ms(w, t.rttvar())?;
    }
    if t.ato() != 0 {
        w.write_str(" ato:")?;
        write_ms(w, t.ato())?;
    }
    nz(w, " mss:", t.snd_mss())?;
    nz(w, " pmtu:", t.pmtu())?;
    nz(w, " rcvmss:", t.rcv_mss())?;
    nz(w, " advmss:", t.advmss())?;
    nz(w, " cwnd:", t.snd_cwnd())?;
    if t.snd_ssthresh() < 0xffff {
        nz(w, " ssthresh:", t.snd_ssthresh())?;
    }
    nz_opt(w, " bytes_sent:", t.bytes_sent())?;
    nz_opt(w, " bytes_retrans:", t.bytes_retrans())?;
    nz_opt(w, " bytes_acked:", t.bytes_acked())?;
    nz_opt(w, " bytes_received:", t.bytes_received())?;
    nz_opt(w, " segs_out:", t.segs_out())?;
    nz_opt(w, " segs_in:", t.segs_in())?;
    nz_opt(w, " data_segs_out:", t.data_segs_out())?;
    nz_opt(w, " data_segs_in:", t.data_segs_in())?;
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
        write!(
            w,
            " bbr:(bw:{}bps,mrtt:{}",
            Bw(b.bw as f64 * 8.0, x.numeric),
            ms(b.min_rtt)
        )?;
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
        write!(w, " send {}bps", Bw(bps, x.numeric))?;
    }
    nz(w, " lastsnd:", t.last_data_sent())?;
    nz(w, " lastrcv:", t.last_data_recv())?;
    nz(w, " lastack:", t.last_ack_recv())?;
    if let Some(p) = t.pacing_rate().filter(|&p| p != 0 && p != u64::MAX) {
        write!(w, " pacing_rate {}bps", Bw(p as f64 * 8.0, x.numeric))?;
        if let Some(m) = t.max_pacing_rate().filter(|&m| m != 0 && m != u64::MAX) {
            write!(w, "/{}bps", Bw(m as f64 * 8.0, x.numeric))?;
        }
    }
    if let Some(r) = t.delivery_rate().filter(|&r| r != 0) {
        write!(w, " delivery_rate {}bps", Bw(r as f64 * 8.0, x.numeric))?;
    }
    nz_opt(w, " delivered:", t.delivered())?;
    nz_opt(w, " delivered_ce:", t.delivered_ce())?;
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
    nz(w, " unacked:", t.unacked())?;
    if t.retrans() != 0 || t.total_retrans() != 0 {
        write!(w, " retrans:{}/{}", t.retrans(), t.total_retrans())?;
    }
    nz(w, " lost:", t.lost())?;
    // A listener's sacked is its backlog limit, already in Send-Q.
    if rec.state != TcpState::Listen {
        nz(w, " sacked:", t.sacked())?;
    }
    nz_opt(w, " dsack_dups:", t.dsack_dups())?;
    nz(w, " fackets:", t.fackets())?;
    if t.reordering() != 3 {
        write!(w, " reordering:{}", t.reordering())?;
    }
    nz_opt(w, " reord_seen:", t.reord_seen())?;
    if t.rcv_rtt() != 0 {
        w.write_str(" rcv_rtt:")?;
        write_ms(w, t.rcv_rtt())?;
    }
    nz(w, " rcv_space:", t.rcv_space())?;
    nz(w, " rcv_ssthresh:", t.rcv_ssthresh())?;
    nz_opt(w, " notsent:", t.notsent_bytes())?;
    if let Some(m) = t.min_rtt().filter(|&m| m != 0 && m != u32::MAX) {
        w.write_str(" minrtt:")?;
        write_ms(w, m)?;
    }
    nz_opt(w, " rcv_ooopack:", t.rcv_ooopack())?;
    nz_opt(w, " snd_wnd:", t.snd_wnd())
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

fn write_md5_ulp<W: Write>(w: &mut W, d: &InetDetails<'_>) -> fmt::Result {
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
fn write_mptcp<W: Write>(w: &mut W, m: &MptcpInfo<'_>) -> fmt::Result {
    nz(w, " subflows:", m.subflows())?;
    nz(w, " add_addr_signal:", m.add_addr_signal())?;
    nz(w, " add_addr_accepted:", m.add_addr_accepted())?;
    nz(w, " subflows_max:", m.subflows_max())?;
    nz(w, " add_addr_signal_max:", m.add_addr_signal_max())?;
    nz(w, " add_addr_accepted_max:", m.add_addr_accepted_max())?;
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

/// A JSON member `,"name":value` for a present value.
fn jm<W: Write>(w: &mut W, name: &str, v: Option<impl fmt::Display>) -> fmt::Result {
    match v {
        Some(v) => write!(w, ",\"{name}\":{v}"),
        None => Ok(()),
    }
}

/// Writes the JSON members of the details (each starting with a comma),
/// every decoded field under the kernel's name and in the kernel's unit.
pub(super) fn write_json<W: Write>(w: &mut W, d: &InetDetails<'_>) -> fmt::Result {
    if let Some(m) = d.meminfo {
        write!(
            w,
            ",\"meminfo\":{{\"rmem\":{},\"wmem\":{},\"fmem\":{},\"tmem\":{}}}",
            m.rmem, m.wmem, m.fmem, m.tmem
        )?;
    }
    if let Some(m) = d.skmem {
        super::json_skmem(w, &m)?;
    }
    if let Some(c) = d.cong {
        w.write_str(",\"congestion\":\"")?;
        json_str_body(w, c)?;
        w.write_char('"')?;
    }
    match d.info {
        Some(crate::wire::inet_attr::Info::Tcp(t)) => write_json_tcp(w, &t)?,
        Some(crate::wire::inet_attr::Info::Mptcp(m)) => write_json_mptcp(w, &m)?,
        Some(crate::wire::inet_attr::Info::Other(raw)) => {
            write!(w, ",\"info_bytes\":{}", raw.len())?
        }
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
    jm(w, "tos", d.tos)?;
    jm(w, "tclass", d.tclass)?;
    jm(w, "class_id", d.class_id)?;
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
            json_str_body(w, n)?;
            w.write_char('"')?;
            sep = ",";
        }
        if let Some(t) = u.tls {
            write!(
                w,
                "{sep}\"tls\":{{\"zc_ro_tx\":{},\"rx_no_pad\":{}",
                t.zc_ro_tx, t.rx_no_pad
            )?;
            jm(w, "version", t.version)?;
            jm(w, "cipher", t.cipher)?;
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
            jm(w, "token_rem", s.token_rem)?;
            jm(w, "token_loc", s.token_loc)?;
            jm(w, "relwrite_seq", s.relwrite_seq)?;
            jm(w, "map_seq", s.map_seq)?;
            jm(w, "map_sfseq", s.map_sfseq)?;
            jm(w, "ssn_offset", s.ssn_offset)?;
            jm(w, "map_datalen", s.map_datalen)?;
            jm(w, "flags", s.flags)?;
            jm(w, "id_rem", s.id_rem)?;
            jm(w, "id_loc", s.id_loc)?;
            w.write_char('}')?;
        }
        w.write_char('}')?;
    }
    if let Some(b) = d.bpf_storages {
        write!(w, ",\"bpf_storages_bytes\":{}", b.len())?;
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

fn write_json_tcp<W: Write>(w: &mut W, t: &TcpInfo<'_>) -> fmt::Result {
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
        write!(w, ",\"{name}\":{v}")?;
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
        jm(w, name, v)?;
    }
    w.write_char('}')
}

fn write_json_mptcp<W: Write>(w: &mut W, m: &MptcpInfo<'_>) -> fmt::Result {
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
    jm(w, "local_addr_used", m.local_addr_used())?;
    jm(w, "local_addr_max", m.local_addr_max())?;
    jm(w, "csum_enabled", m.csum_enabled())?;
    jm(w, "retransmits", m.retransmits())?;
    jm(w, "bytes_retrans", m.bytes_retrans())?;
    jm(w, "bytes_sent", m.bytes_sent())?;
    jm(w, "bytes_received", m.bytes_received())?;
    jm(w, "bytes_acked", m.bytes_acked())?;
    jm(w, "subflows_total", m.subflows_total())?;
    jm(w, "endp_laminar_max", m.endp_laminar_max())?;
    jm(w, "last_data_sent", m.last_data_sent())?;
    jm(w, "last_data_recv", m.last_data_recv())?;
    jm(w, "last_ack_recv", m.last_ack_recv())?;
    w.write_char('}')
}

/// The timer member (`-o`), shared with `-e`.
pub(super) fn write_timer<W: Write>(w: &mut W, rec: &InetRecord<'_>) -> fmt::Result {
    if rec.timer != crate::wire::inet::Timer::Off {
        write!(
            w,
            " timer:({},{},{})",
            super::timer_name(rec.timer),
            MsTimer(rec.expires),
            rec.retrans
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::attr;
    use crate::wire::inet::attr_kind;
    use crate::wire::inet_attr::tests::emit_all;
    use heapless::String;

    fn text(d: impl fmt::Display) -> String<64> {
        let mut s = String::new();
        write!(s, "{d}").unwrap();
        s
    }

    /// Expected strings from C's printf (through Python's `%` operator).
    #[test]
    fn test_g() {
        // Miri runs these sweeps a thousand times slower: it samples them.
        let sweep = if cfg!(miri) { 97 } else { 1 };
        let cases: [(f64, &str); 14] = [
            (0.024, "0.024"),
            (204.0, "204"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (123456.0, "123456"),
            (1234567.0, "1.23457e+06"),
            (1234.5675, "1234.57"),
            (0.5, "0.5"),
            (100.0, "100"),
            (3.14159265e3, "3141.59"),
            (999999.5, "1e+06"),
            (65.536, "65.536"),
            (0.0, "0"),
            (2.5, "2.5"),
        ];
        for (v, want) in cases {
            assert_eq!(text(G(v, 6)).as_str(), want, "{v}");
        }
        // The fixed form moves the decimal point of the exponent form's
        // digits; C's definition formats the value again with `prec - 1 -
        // exp` decimals. Both agree.
        let mut v = 0.000_012_345_678_9_f64;
        while v < 1e7 {
            for prec in [3, 6] {
                let mut sci: String<48> = String::new();
                write!(sci, "{:.*e}", prec - 1, v).unwrap();
                let exp: i32 = sci.split_once('e').unwrap().1.parse().unwrap();
                if (-4..prec as i32).contains(&exp) {
                    let mut fixed: String<48> = String::new();
                    let decimals = (prec as i32 - 1 - exp) as usize;
                    write!(fixed, "{v:.decimals$}").unwrap();
                    assert_eq!(text(G(v, prec)).as_str(), trim_zeros(&fixed), "{v} {prec}");
                }
            }
            v *= 1.0137_f64.powi(sweep);
        }
        // The integer path for BBR gains agrees with %g of raw / 256.
        for raw in (0..70_000)
            .step_by(sweep as usize)
            .chain([u32::MAX / 3, u32::MAX])
        {
            let mut got: String<48> = String::new();
            write_gain(&mut got, raw).unwrap();
            assert_eq!(got, text(G(f64::from(raw) / 256.0, 6)), "{raw}");
        }
        // The integer path for milliseconds agrees with %g of us / 1000.
        let edges = [999_999, 1_000_000, 1_234_567, 4_294_967_295];
        for us in (0..3000).step_by(sweep as usize).chain(edges) {
            let via_float = text(G(f64::from(us) / 1000.0, 6));
            assert_eq!(text(Ms(us)).as_str(), via_float.as_str(), "{us}");
        }
        for us in (0..1_000_000).step_by(997 * sweep as usize) {
            assert_eq!(text(Ms(us)), text(G(f64::from(us) / 1000.0, 6)), "{us}");
        }
        let bw: [(f64, &str); 8] = [
            (206336000000.0, "206G"),
            (287825205440.0, "288G"),
            (999.0, "999"),
            (1000.0, "1k"),
            (1234567.0, "1.23M"),
            (99950.0, "100k"),
            (8e12, "8T"),
            (1.5e15, "1.5e+03T"),
        ];
        for (v, want) in bw {
            assert_eq!(text(Bw(v, false)).as_str(), want, "{v}");
        }
        assert_eq!(text(Bw(1.5e20, true)).as_str(), "150000000000000000000");
        // The integer path rounds as `{:.0}` does.
        let mut v = 0.25_f64;
        while v < 1e17 {
            for x in [v, v.floor(), v.floor() + 0.5, v + 0.49, v + 0.51] {
                let mut want: String<48> = String::new();
                write!(want, "{x:.0}").unwrap();
                assert_eq!(text(Bw(x, true)), want, "{x}");
            }
            v = v * 1.37_f64.powi(sweep.min(4)) + 0.3;
        }
        assert_eq!(text(Bw(206336000000.0, true)).as_str(), "206336000000");
        let mut s: String<16> = String::new();
        write!(s, "{:.1}", 12.25f64).unwrap();
        assert_eq!(s.as_str(), "12.2", "round half to even, as glibc");
    }

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
        let extras = Extras {
            timer: true,
            tos: true,
            memory: true,
            info: true,
            numeric: true,
            oneline: false,
            cgroup: Some("/"),
            ..Extras::NONE
        };
        let mut s: String<1024> = String::new();
        let layout = super::super::Layout {
            netid: false,
            state: true,
            extended: true,
        };
        super::super::write_inet_with(
            &mut s,
            &layout,
            "tcp",
            &rec,
            None,
            &extras,
            Some(&d),
            proto::TCP,
        )
        .unwrap();
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
             snd_wnd:65536\n"
        );
        // Without -o the options go; -O keeps everything on one line.
        let mut s: String<1024> = String::new();
        let one = Extras {
            timer: false,
            oneline: true,
            numeric: false,
            ..extras
        };
        super::super::write_inet_with(
            &mut s,
            &layout,
            "tcp",
            &rec,
            None,
            &one,
            Some(&d),
            proto::TCP,
        )
        .unwrap();
        assert!(!s.contains('\t') && s.matches('\n').count() == 1);
        assert!(s.contains(" skmem:(r102496,") && s.contains("<-> tos:0"));
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
            let x = Extras {
                info: true,
                numeric: true,
                ..Extras::default()
            };
            write_detail_line(&mut s, &x, &rec, &d, proto::TCP).unwrap();
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
            let mut j: String<4096> = String::new();
            write_json(&mut j, &d).unwrap();
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
        let mut s: String<256> = String::new();
        let x = Extras {
            info: true,
            ..Extras::default()
        };
        write_detail_line(&mut s, &x, &rec, &d, proto::TCP).unwrap();
        assert_eq!(
            s.as_str(),
            "\n\t md5keys:127.0.0.1/32=a\\040b\\054\\134 tcp-ulp-tls version: 1.3 cipher: aes-gcm-256 \
             rxconf: hw txconf: sw"
        );
        let mut j: String<512> = String::new();
        write_json(&mut j, &d).unwrap();
        assert!(j.contains("\"md5sig\":[{\"family\":2,\"prefix_len\":32,\"address\":\"127.0.0.1\",\"key\":\"6120622c5c\"}]"), "{j}");
        assert!(j.contains("\"ulp\":{\"name\":\"tls\",\"tls\":{\"zc_ro_tx\":false,\"rx_no_pad\":true,\"version\":772,\"cipher\":52,\"txconf\":\"sw\",\"rxconf\":\"hw\"}}"), "{j}");

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
        write_detail_line(&mut s, &x, &rec, &d, proto::MPTCP).unwrap();
        assert_eq!(
            s.as_str(),
            "\n\t subflows:1 add_addr_signal:2 add_addr_accepted:3 subflows_max:4 add_addr_signal_max:5 \
             add_addr_accepted_max:6 remote_key token:abcd write_seq:100000001 snd_una:2 rcv_nxt:3"
        );
        let _ = attr::HEADER_LEN;
    }

    #[test]
    fn test_tos_and_mem_fallback() {
        let mut buf = [0u8; 64];
        let mut mem = [0u8; 16];
        mem[0..4].copy_from_slice(&5u32.to_ne_bytes());
        let len = emit_all(
            &mut buf,
            &[
                (attr_kind::MEMINFO, &mem),
                (attr_kind::TOS, &[0x10]),
                (attr_kind::CLASS_ID, &0x10001u32.to_ne_bytes()),
            ],
        );
        let rec = InetRecord {
            attrs: &buf[..len],
            ..InetRecord::new(
                TcpState::Close,
                crate::wire::inet::SockId::any(crate::family::INET),
            )
        };
        let d = rec.details(proto::UDP).unwrap();
        let mut s: String<128> = String::new();
        write_tos(&mut s, &d).unwrap();
        assert_eq!(s.as_str(), " tos:0x10 class_id:0x10001");
        let x = Extras {
            info: true,
            ..Extras::default()
        };
        assert!(
            !has_detail_line(&x, &rec, proto::UDP),
            "ss: -i shows nothing for UDP"
        );
        let x = Extras {
            memory: true,
            oneline: true,
            ..Extras::default()
        };
        assert!(has_detail_line(&x, &rec, proto::UDP));
        s.clear();
        write_detail_line(&mut s, &x, &rec, &d, proto::UDP).unwrap();
        assert_eq!(s.as_str(), " mem:(r5,w0,f0,t0)");
        s.clear();
        write_cgroup(&mut s, Some(0x1f), None).unwrap();
        write_cgroup(&mut s, Some(0), Some("/")).unwrap();
        assert_eq!(s.as_str(), " cgroup:unreachable:1f");
    }
}
