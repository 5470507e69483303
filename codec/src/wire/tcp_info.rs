//! TCP's own structures in sock_diag replies: `struct tcp_info` (attribute
//! `INET_DIAG_INFO` of a TCP socket) and `struct tcp_diag_md5sig`
//! (`INET_DIAG_MD5SIG`), both from `linux/tcp.h`, filled by
//! `tcp_get_info()` in `net/ipv4/tcp.c`.
//!
//! `tcp_info` grows with the kernel and the kernel sends its own size: 104
//! bytes up to 3.14, then 120, 136, 144, 160, 168, 192, 200, 224, 232 (5.4),
//! 240 (6.2), 248 (6.7) and 280 (6.18). A field that ends beyond the bytes
//! received is absent (`None`), never a zero; bytes beyond the last field
//! this codec knows (a newer kernel) are ignored. All fields are host order.

use byteorder::{ByteOrder, NativeEndian, NetworkEndian};
use core::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use crate::{family, Error, Field, Result};

/// Byte ranges of `struct tcp_info`, in the order the kernel grew it.
mod field {
    use crate::Field;
    // 3.x: the 104 bytes every kernel sends.
    pub const STATE: usize = 0;
    pub const CA_STATE: usize = 1;
    pub const RETRANSMITS: usize = 2;
    pub const PROBES: usize = 3;
    pub const BACKOFF: usize = 4;
    pub const OPTIONS: usize = 5;
    /// `tcpi_snd_wscale : 4, tcpi_rcv_wscale : 4`
    pub const WSCALE: usize = 6;
    /// `tcpi_delivery_rate_app_limited : 1, tcpi_fastopen_client_fail : 2`
    pub const FLAGS: usize = 7;
    pub const RTO: Field = 8..12;
    pub const ATO: Field = 12..16;
    pub const SND_MSS: Field = 16..20;
    pub const RCV_MSS: Field = 20..24;
    pub const UNACKED: Field = 24..28;
    pub const SACKED: Field = 28..32;
    pub const LOST: Field = 32..36;
    pub const RETRANS: Field = 36..40;
    pub const FACKETS: Field = 40..44;
    pub const LAST_DATA_SENT: Field = 44..48;
    pub const LAST_ACK_SENT: Field = 48..52;
    pub const LAST_DATA_RECV: Field = 52..56;
    pub const LAST_ACK_RECV: Field = 56..60;
    pub const PMTU: Field = 60..64;
    pub const RCV_SSTHRESH: Field = 64..68;
    pub const RTT: Field = 68..72;
    pub const RTTVAR: Field = 72..76;
    pub const SND_SSTHRESH: Field = 76..80;
    pub const SND_CWND: Field = 80..84;
    pub const ADVMSS: Field = 84..88;
    pub const REORDERING: Field = 88..92;
    pub const RCV_RTT: Field = 92..96;
    pub const RCV_SPACE: Field = 96..100;
    pub const TOTAL_RETRANS: Field = 100..104;
    // 3.15: 120
    pub const PACING_RATE: Field = 104..112;
    pub const MAX_PACING_RATE: Field = 112..120;
    // 4.1: 136
    pub const BYTES_ACKED: Field = 120..128;
    pub const BYTES_RECEIVED: Field = 128..136;
    // 4.2: 144
    pub const SEGS_OUT: Field = 136..140;
    pub const SEGS_IN: Field = 140..144;
    // 4.6: 160
    pub const NOTSENT_BYTES: Field = 144..148;
    pub const MIN_RTT: Field = 148..152;
    pub const DATA_SEGS_IN: Field = 152..156;
    pub const DATA_SEGS_OUT: Field = 156..160;
    // 4.9: 168
    pub const DELIVERY_RATE: Field = 160..168;
    // 4.10: 192
    pub const BUSY_TIME: Field = 168..176;
    pub const RWND_LIMITED: Field = 176..184;
    pub const SNDBUF_LIMITED: Field = 184..192;
    // 4.18: 200
    pub const DELIVERED: Field = 192..196;
    pub const DELIVERED_CE: Field = 196..200;
    // 4.19: 224
    pub const BYTES_SENT: Field = 200..208;
    pub const BYTES_RETRANS: Field = 208..216;
    pub const DSACK_DUPS: Field = 216..220;
    pub const REORD_SEEN: Field = 220..224;
    // 5.4: 232
    pub const RCV_OOOPACK: Field = 224..228;
    pub const SND_WND: Field = 228..232;
    // 6.2: 240
    pub const RCV_WND: Field = 232..236;
    pub const REHASH: Field = 236..240;
    // 6.7: 248
    pub const TOTAL_RTO: Field = 240..242;
    pub const TOTAL_RTO_RECOVERIES: Field = 242..244;
    pub const TOTAL_RTO_TIME: Field = 244..248;
    // 6.18: 280 (Accurate ECN)
    pub const RECEIVED_CE: Field = 248..252;
    pub const DELIVERED_E1_BYTES: Field = 252..256;
    pub const DELIVERED_E0_BYTES: Field = 256..260;
    pub const DELIVERED_CE_BYTES: Field = 260..264;
    pub const RECEIVED_E1_BYTES: Field = 264..268;
    pub const RECEIVED_E0_BYTES: Field = 268..272;
    pub const RECEIVED_CE_BYTES: Field = 272..276;
    /// `tcpi_ecn_mode:2, tcpi_accecn_opt_seen:2, tcpi_accecn_fail_mode:4,
    /// tcpi_options2:24`
    pub const ECN_BITS: Field = 276..280;
}

/// The smallest `tcp_info` any kernel sent (Linux <= 3.14); every field up
/// to `tcpi_total_retrans` is always present.
pub const MIN_LEN: usize = field::TOTAL_RETRANS.end;
/// The largest `tcp_info` this codec knows (Linux 6.18).
pub const KNOWN_LEN: usize = field::ECN_BITS.end;

/// Every size of `tcp_info` a kernel release has sent, oldest first.
pub const HISTORICAL_LENS: [usize; 13] = [
    MIN_LEN,
    field::MAX_PACING_RATE.end,
    field::BYTES_RECEIVED.end,
    field::SEGS_IN.end,
    field::DATA_SEGS_OUT.end,
    field::DELIVERY_RATE.end,
    field::SNDBUF_LIMITED.end,
    field::DELIVERED_CE.end,
    field::REORD_SEEN.end,
    field::SND_WND.end,
    field::REHASH.end,
    field::TOTAL_RTO_TIME.end,
    KNOWN_LEN,
];

/// `tcpi_options` bits (`TCPI_OPT_*`).
pub mod opt {
    /// `TCPI_OPT_TIMESTAMPS`
    pub const TIMESTAMPS: u8 = 1;
    /// `TCPI_OPT_SACK`
    pub const SACK: u8 = 2;
    /// `TCPI_OPT_WSCALE`: the wscale nibbles are valid.
    pub const WSCALE: u8 = 4;
    /// `TCPI_OPT_ECN`: ECN negotiated at connection setup.
    pub const ECN: u8 = 8;
    /// `TCPI_OPT_ECN_SEEN`: at least one ECT packet received.
    pub const ECN_SEEN: u8 = 16;
    /// `TCPI_OPT_SYN_DATA`: data in the SYN was acked.
    pub const SYN_DATA: u8 = 32;
    /// `TCPI_OPT_USEC_TS`: microsecond timestamps (6.7).
    pub const USEC_TS: u8 = 64;
    /// `TCPI_OPT_TFO_CHILD`: a child of a fast-open listener.
    pub const TFO_CHILD: u8 = 128;
}

/// The 4-bit and 2-bit fields packed in bytes 6 and 7 and in the 6.18 ECN
/// word are C bitfields: the first one sits in the low bits on a
/// little-endian ABI and in the high bits on a big-endian one.
const BIG_ENDIAN_ABI: bool = cfg!(target_endian = "big");

/// A checked view of a `tcp_info` payload of any size the kernel sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[doc(alias = "tcp_info")]
pub struct TcpInfo<'a> {
    buffer: &'a [u8],
}

macro_rules! always {
    ($($(#[$m:meta])* $name:ident: $read:ident -> $ty:ty = $field:ident;)*) => {$(
        $(#[$m])*
        pub fn $name(&self) -> $ty {
            NativeEndian::$read(&self.buffer[field::$field])
        }
    )*};
}

macro_rules! later {
    ($($(#[$m:meta])* $name:ident: $read:ident -> $ty:ty = $field:ident;)*) => {$(
        $(#[$m])*
        pub fn $name(&self) -> Option<$ty> {
            self.buffer.get(field::$field).map(NativeEndian::$read)
        }
    )*};
}

impl<'a> TcpInfo<'a> {
    /// Accepts any payload of at least [`MIN_LEN`] bytes.
    pub fn new_checked(buffer: &'a [u8]) -> Result<TcpInfo<'a>> {
        let view = TcpInfo::new_unchecked(buffer);
        view.check_len()?;
        Ok(view)
    }

    /// Wraps a payload without any check; accessors may panic until
    /// [`check_len`](Self::check_len) returned `Ok`.
    pub const fn new_unchecked(buffer: &'a [u8]) -> TcpInfo<'a> {
        TcpInfo { buffer }
    }

    /// The fields every kernel sends ([`MIN_LEN`]) must be there; a later
    /// field past the payload is absent, which its accessor says (`None`).
    pub fn check_len(&self) -> Result<()> {
        if self.buffer.len() < MIN_LEN {
            return Err(Error::BadAttribute);
        }
        Ok(())
    }

    /// The bytes received, as many as the kernel sent.
    pub fn as_bytes(&self) -> &'a [u8] {
        self.buffer
    }

    /// Whether the kernel sent the bytes of `field` (a range of this
    /// structure): how callers can tell an absent field from a zero one.
    pub fn has(&self, field: Field) -> bool {
        field.end <= self.buffer.len()
    }

    /// `tcpi_state`: the kernel's TCP state number.
    pub fn state(&self) -> u8 {
        self.buffer[field::STATE]
    }
    /// `tcpi_ca_state`: congestion-avoidance state (0 open .. 4 loss).
    pub fn ca_state(&self) -> u8 {
        self.buffer[field::CA_STATE]
    }
    /// `tcpi_retransmits`: retransmits of the unacknowledged head.
    pub fn retransmits(&self) -> u8 {
        self.buffer[field::RETRANSMITS]
    }
    /// `tcpi_probes`: zero-window or keepalive probes sent.
    pub fn probes(&self) -> u8 {
        self.buffer[field::PROBES]
    }
    /// `tcpi_backoff`: exponential backoff of the retransmit timer.
    pub fn backoff(&self) -> u8 {
        self.buffer[field::BACKOFF]
    }
    /// `tcpi_options`: [`opt`] bits.
    pub fn options(&self) -> u8 {
        self.buffer[field::OPTIONS]
    }
    /// `tcpi_snd_wscale`: the peer's window scale (valid with
    /// [`opt::WSCALE`]).
    pub fn snd_wscale(&self) -> u8 {
        let b = self.buffer[field::WSCALE];
        if BIG_ENDIAN_ABI {
            b >> 4
        } else {
            b & 0xf
        }
    }
    /// `tcpi_rcv_wscale`: our window scale.
    pub fn rcv_wscale(&self) -> u8 {
        let b = self.buffer[field::WSCALE];
        if BIG_ENDIAN_ABI {
            b & 0xf
        } else {
            b >> 4
        }
    }
    /// `tcpi_delivery_rate_app_limited`: the last delivery-rate sample was
    /// limited by the application, not the network.
    pub fn delivery_rate_app_limited(&self) -> bool {
        let b = self.buffer[field::FLAGS];
        if BIG_ENDIAN_ABI {
            b & 0x80 != 0
        } else {
            b & 1 != 0
        }
    }
    /// `tcpi_fastopen_client_fail`: why a fast-open connect fell back.
    pub fn fastopen_client_fail(&self) -> u8 {
        let b = self.buffer[field::FLAGS];
        if BIG_ENDIAN_ABI {
            (b >> 5) & 3
        } else {
            (b >> 1) & 3
        }
    }

    always! {
        /// `tcpi_rto`: retransmit timeout, microseconds.
        rto: read_u32 -> u32 = RTO;
        /// `tcpi_ato`: delayed-ack timeout, microseconds.
        ato: read_u32 -> u32 = ATO;
        /// `tcpi_snd_mss`, bytes.
        snd_mss: read_u32 -> u32 = SND_MSS;
        /// `tcpi_rcv_mss`, bytes (an estimate).
        rcv_mss: read_u32 -> u32 = RCV_MSS;
        /// `tcpi_unacked`: packets in flight; a listener's accept queue.
        unacked: read_u32 -> u32 = UNACKED;
        /// `tcpi_sacked`: SACKed packets; a listener's backlog limit.
        sacked: read_u32 -> u32 = SACKED;
        /// `tcpi_lost`, packets.
        lost: read_u32 -> u32 = LOST;
        /// `tcpi_retrans`: retransmitted packets in flight.
        retrans: read_u32 -> u32 = RETRANS;
        /// `tcpi_fackets` (always 0 since 4.15).
        fackets: read_u32 -> u32 = FACKETS;
        /// `tcpi_last_data_sent`: milliseconds since.
        last_data_sent: read_u32 -> u32 = LAST_DATA_SENT;
        /// `tcpi_last_ack_sent` (never filled by the kernel).
        last_ack_sent: read_u32 -> u32 = LAST_ACK_SENT;
        /// `tcpi_last_data_recv`: milliseconds since.
        last_data_recv: read_u32 -> u32 = LAST_DATA_RECV;
        /// `tcpi_last_ack_recv`: milliseconds since.
        last_ack_recv: read_u32 -> u32 = LAST_ACK_RECV;
        /// `tcpi_pmtu`: path MTU, bytes.
        pmtu: read_u32 -> u32 = PMTU;
        /// `tcpi_rcv_ssthresh`, bytes.
        rcv_ssthresh: read_u32 -> u32 = RCV_SSTHRESH;
        /// `tcpi_rtt`: smoothed RTT, microseconds.
        rtt: read_u32 -> u32 = RTT;
        /// `tcpi_rttvar`: RTT variance, microseconds.
        rttvar: read_u32 -> u32 = RTTVAR;
        /// `tcpi_snd_ssthresh`, packets (0x7fffffff: infinite).
        snd_ssthresh: read_u32 -> u32 = SND_SSTHRESH;
        /// `tcpi_snd_cwnd`, packets.
        snd_cwnd: read_u32 -> u32 = SND_CWND;
        /// `tcpi_advmss`: the MSS we advertise, bytes.
        advmss: read_u32 -> u32 = ADVMSS;
        /// `tcpi_reordering`: the reordering metric, packets.
        reordering: read_u32 -> u32 = REORDERING;
        /// `tcpi_rcv_rtt`: receiver-side RTT estimate, microseconds.
        rcv_rtt: read_u32 -> u32 = RCV_RTT;
        /// `tcpi_rcv_space`: receive-buffer autotuning target, bytes.
        rcv_space: read_u32 -> u32 = RCV_SPACE;
        /// `tcpi_total_retrans`: retransmitted segments, all time.
        total_retrans: read_u32 -> u32 = TOTAL_RETRANS;
    }

    later! {
        /// `tcpi_pacing_rate`, bytes/s (`u64::MAX`: unlimited). 3.15.
        pacing_rate: read_u64 -> u64 = PACING_RATE;
        /// `tcpi_max_pacing_rate`, bytes/s (`u64::MAX`: unlimited). 3.15.
        max_pacing_rate: read_u64 -> u64 = MAX_PACING_RATE;
        /// `tcpi_bytes_acked`. 4.1.
        bytes_acked: read_u64 -> u64 = BYTES_ACKED;
        /// `tcpi_bytes_received`. 4.1.
        bytes_received: read_u64 -> u64 = BYTES_RECEIVED;
        /// `tcpi_segs_out`. 4.2.
        segs_out: read_u32 -> u32 = SEGS_OUT;
        /// `tcpi_segs_in`. 4.2.
        segs_in: read_u32 -> u32 = SEGS_IN;
        /// `tcpi_notsent_bytes`. 4.6.
        notsent_bytes: read_u32 -> u32 = NOTSENT_BYTES;
        /// `tcpi_min_rtt`, microseconds (`u32::MAX`: none yet). 4.6.
        min_rtt: read_u32 -> u32 = MIN_RTT;
        /// `tcpi_data_segs_in`. 4.6.
        data_segs_in: read_u32 -> u32 = DATA_SEGS_IN;
        /// `tcpi_data_segs_out`. 4.6.
        data_segs_out: read_u32 -> u32 = DATA_SEGS_OUT;
        /// `tcpi_delivery_rate`, bytes/s. 4.9.
        delivery_rate: read_u64 -> u64 = DELIVERY_RATE;
        /// `tcpi_busy_time`: time with data in flight, microseconds. 4.10.
        busy_time: read_u64 -> u64 = BUSY_TIME;
        /// `tcpi_rwnd_limited`: time limited by the receive window, us.
        rwnd_limited: read_u64 -> u64 = RWND_LIMITED;
        /// `tcpi_sndbuf_limited`: time limited by the send buffer, us.
        sndbuf_limited: read_u64 -> u64 = SNDBUF_LIMITED;
        /// `tcpi_delivered`, packets. 4.18.
        delivered: read_u32 -> u32 = DELIVERED;
        /// `tcpi_delivered_ce`: delivered with ECN CE marks, packets.
        delivered_ce: read_u32 -> u32 = DELIVERED_CE;
        /// `tcpi_bytes_sent`, including retransmits. 4.19.
        bytes_sent: read_u64 -> u64 = BYTES_SENT;
        /// `tcpi_bytes_retrans`.
        bytes_retrans: read_u64 -> u64 = BYTES_RETRANS;
        /// `tcpi_dsack_dups`: DSACKed duplicate segments.
        dsack_dups: read_u32 -> u32 = DSACK_DUPS;
        /// `tcpi_reord_seen`: reordering events.
        reord_seen: read_u32 -> u32 = REORD_SEEN;
        /// `tcpi_rcv_ooopack`: out-of-order packets received. 5.4.
        rcv_ooopack: read_u32 -> u32 = RCV_OOOPACK;
        /// `tcpi_snd_wnd`: the peer's window after scaling, bytes. 5.4.
        snd_wnd: read_u32 -> u32 = SND_WND;
        /// `tcpi_rcv_wnd`: our advertised window after scaling, bytes. 6.2.
        rcv_wnd: read_u32 -> u32 = RCV_WND;
        /// `tcpi_rehash`: PLB or timeout rehash attempts. 6.2.
        rehash: read_u32 -> u32 = REHASH;
        /// `tcpi_total_rto`: RTO timeouts, all time. 6.7.
        total_rto: read_u16 -> u16 = TOTAL_RTO;
        /// `tcpi_total_rto_recoveries`. 6.7.
        total_rto_recoveries: read_u16 -> u16 = TOTAL_RTO_RECOVERIES;
        /// `tcpi_total_rto_time`: time in RTO recovery, milliseconds. 6.7.
        total_rto_time: read_u32 -> u32 = TOTAL_RTO_TIME;
        /// `tcpi_received_ce`: CE-marked segments received. 6.18.
        received_ce: read_u32 -> u32 = RECEIVED_CE;
        /// `tcpi_delivered_e1_bytes` (Accurate ECN). 6.18.
        delivered_e1_bytes: read_u32 -> u32 = DELIVERED_E1_BYTES;
        /// `tcpi_delivered_e0_bytes`. 6.18.
        delivered_e0_bytes: read_u32 -> u32 = DELIVERED_E0_BYTES;
        /// `tcpi_delivered_ce_bytes`. 6.18.
        delivered_ce_bytes: read_u32 -> u32 = DELIVERED_CE_BYTES;
        /// `tcpi_received_e1_bytes`. 6.18.
        received_e1_bytes: read_u32 -> u32 = RECEIVED_E1_BYTES;
        /// `tcpi_received_e0_bytes`. 6.18.
        received_e0_bytes: read_u32 -> u32 = RECEIVED_E0_BYTES;
        /// `tcpi_received_ce_bytes`. 6.18.
        received_ce_bytes: read_u32 -> u32 = RECEIVED_CE_BYTES;
    }

    fn ecn_bits(&self, le_shift: u32, width: u32) -> Option<u32> {
        let word = self
            .buffer
            .get(field::ECN_BITS)
            .map(NativeEndian::read_u32)?;
        let mask = (1u32 << width) - 1;
        let shift = if BIG_ENDIAN_ABI {
            32 - le_shift - width
        } else {
            le_shift
        };
        Some((word >> shift) & mask)
    }

    /// `tcpi_ecn_mode` (2 bits). 6.18.
    pub fn ecn_mode(&self) -> Option<u8> {
        self.ecn_bits(0, 2).map(|v| v as u8)
    }
    /// `tcpi_accecn_opt_seen` (2 bits). 6.18.
    pub fn accecn_opt_seen(&self) -> Option<u8> {
        self.ecn_bits(2, 2).map(|v| v as u8)
    }
    /// `tcpi_accecn_fail_mode` (4 bits). 6.18.
    pub fn accecn_fail_mode(&self) -> Option<u8> {
        self.ecn_bits(4, 4).map(|v| v as u8)
    }
    /// `tcpi_options2` (24 bits). 6.18.
    pub fn options2(&self) -> Option<u32> {
        self.ecn_bits(8, 24)
    }
}

mod md5_field {
    use crate::Field;
    pub const FAMILY: usize = 0;
    pub const PREFIXLEN: usize = 1;
    pub const KEYLEN: Field = 2..4;
    pub const ADDR: Field = 4..20;
    pub const KEY: Field = 20..100;
}

/// Size of one `struct tcp_diag_md5sig`.
pub const MD5SIG_LEN: usize = md5_field::KEY.end;

/// One MD5 signature key (`struct tcp_diag_md5sig`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[doc(alias = "tcp_diag_md5sig")]
pub struct Md5Sig<'a> {
    /// `tcpm_family`: AF_INET or AF_INET6.
    pub family: u8,
    /// `tcpm_prefixlen`: the peer prefix the key applies to.
    pub prefix_len: u8,
    /// The peer address (v4 in the first word), or `None` for a family
    /// that has no IP address.
    pub addr: Option<IpAddr>,
    /// The key bytes (`tcpm_keylen` of them, at most 80).
    pub key: &'a [u8],
}

/// The packed `tcp_diag_md5sig` array of `INET_DIAG_MD5SIG`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Md5Sigs<'a>(&'a [u8]);

impl<'a> Md5Sigs<'a> {
    /// Accepts a non-empty whole number of entries.
    pub fn new_checked(bytes: &'a [u8]) -> Result<Md5Sigs<'a>> {
        if bytes.is_empty() || !bytes.len().is_multiple_of(MD5SIG_LEN) {
            return Err(Error::BadAttribute);
        }
        Ok(Md5Sigs(bytes))
    }

    /// The keys in the order the kernel sent them.
    pub fn iter(&self) -> impl Iterator<Item = Md5Sig<'a>> + 'a {
        self.0.chunks_exact(MD5SIG_LEN).map(|e| {
            let family = e[md5_field::FAMILY];
            let raw = &e[md5_field::ADDR];
            let addr = match family {
                family::INET => Some(IpAddr::V4(Ipv4Addr::from(NetworkEndian::read_u32(raw)))),
                family::INET6 => Some(IpAddr::V6(Ipv6Addr::from(NetworkEndian::read_u128(raw)))),
                _ => None,
            };
            // A key length beyond the 80-byte array is clamped, not trusted.
            let keylen =
                (NativeEndian::read_u16(&e[md5_field::KEYLEN]) as usize).min(md5_field::KEY.len());
            let key = &e[md5_field::KEY];
            Md5Sig {
                family,
                prefix_len: e[md5_field::PREFIXLEN],
                addr,
                key: &key[..keylen],
            }
        })
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A 280-byte tcp_info as 6.18 sends it, every field a distinct value
    /// (its offset plus one, so a misplaced read shows), in host order.
    pub(crate) fn info_6_18() -> [u8; KNOWN_LEN] {
        let mut b = [0u8; KNOWN_LEN];
        b[field::STATE] = 1;
        b[field::OPTIONS] = opt::TIMESTAMPS | opt::SACK | opt::WSCALE;
        // snd_wscale 7, rcv_wscale 9, app_limited set, client_fail 2.
        if BIG_ENDIAN_ABI {
            b[field::WSCALE] = 0x79;
            b[field::FLAGS] = 0x80 | (2 << 5);
        } else {
            b[field::WSCALE] = 0x97;
            b[field::FLAGS] = 1 | (2 << 1);
        }
        let mut at = field::RTO.start;
        while at < field::PACING_RATE.start {
            b[at..at + 4].copy_from_slice(&(at as u32 + 1).to_ne_bytes());
            at += 4;
        }
        for f in [
            field::PACING_RATE,
            field::MAX_PACING_RATE,
            field::BYTES_ACKED,
            field::BYTES_RECEIVED,
            field::DELIVERY_RATE,
            field::BUSY_TIME,
            field::RWND_LIMITED,
            field::SNDBUF_LIMITED,
            field::BYTES_SENT,
            field::BYTES_RETRANS,
        ] {
            let v = (f.start as u64 + 1) << 32 | 7;
            b[f.clone()].copy_from_slice(&v.to_ne_bytes());
        }
        for f in [
            field::SEGS_OUT,
            field::SEGS_IN,
            field::NOTSENT_BYTES,
            field::MIN_RTT,
            field::DATA_SEGS_IN,
            field::DATA_SEGS_OUT,
            field::DELIVERED,
            field::DELIVERED_CE,
            field::DSACK_DUPS,
            field::REORD_SEEN,
            field::RCV_OOOPACK,
            field::SND_WND,
            field::RCV_WND,
            field::REHASH,
            field::TOTAL_RTO_TIME,
            field::RECEIVED_CE,
            field::DELIVERED_E1_BYTES,
            field::DELIVERED_E0_BYTES,
            field::DELIVERED_CE_BYTES,
            field::RECEIVED_E1_BYTES,
            field::RECEIVED_E0_BYTES,
            field::RECEIVED_CE_BYTES,
        ] {
            b[f.clone()].copy_from_slice(&(f.start as u32 + 1).to_ne_bytes());
        }
        b[field::TOTAL_RTO].copy_from_slice(&3u16.to_ne_bytes());
        b[field::TOTAL_RTO_RECOVERIES].copy_from_slice(&2u16.to_ne_bytes());
        // ecn_mode 1, opt_seen 2, fail_mode 5, options2 0xabcdef.
        let ecn: u32 = if BIG_ENDIAN_ABI {
            (1 << 30) | (2 << 28) | (5 << 24) | 0xab_cdef
        } else {
            1 | (2 << 2) | (5 << 4) | (0xab_cdef << 8)
        };
        b[field::ECN_BITS].copy_from_slice(&ecn.to_ne_bytes());
        b
    }

    #[test]
    fn test_parse() {
        let b = info_6_18();
        let t = TcpInfo::new_checked(&b).unwrap();
        assert_eq!((t.state(), t.snd_wscale(), t.rcv_wscale()), (1, 7, 9));
        assert!(t.delivery_rate_app_limited());
        assert_eq!(t.fastopen_client_fail(), 2);
        assert_eq!(t.rto(), 9);
        assert_eq!(t.snd_mss(), 17);
        assert_eq!(t.rtt(), 69);
        assert_eq!(t.total_retrans(), 101);
        assert_eq!(t.pacing_rate(), Some((105 << 32) | 7));
        assert_eq!(t.bytes_retrans(), Some((209 << 32) | 7));
        assert_eq!(t.snd_wnd(), Some(229));
        assert_eq!(t.rcv_wnd(), Some(233));
        assert_eq!(
            (t.total_rto(), t.total_rto_recoveries()),
            (Some(3), Some(2))
        );
        assert_eq!(t.total_rto_time(), Some(245));
        assert_eq!(t.received_ce_bytes(), Some(273));
        assert_eq!(
            (t.ecn_mode(), t.accecn_opt_seen(), t.accecn_fail_mode()),
            (Some(1), Some(2), Some(5))
        );
        assert_eq!(t.options2(), Some(0xab_cdef));
    }

    /// Each historical size: the fields it carries are there, the first
    /// field of the next size is absent, never zero.
    #[test]
    fn test_historical_sizes() {
        let b = info_6_18();
        for (i, &len) in HISTORICAL_LENS.iter().enumerate() {
            let t = TcpInfo::new_checked(&b[..len]).unwrap();
            assert_eq!(t.total_retrans(), 101, "len {len}");
            assert_eq!(t.pacing_rate().is_some(), len >= 120, "len {len}");
            assert_eq!(t.bytes_acked().is_some(), len >= 136, "len {len}");
            assert_eq!(t.segs_in().is_some(), len >= 144, "len {len}");
            assert_eq!(t.min_rtt().is_some(), len >= 160, "len {len}");
            assert_eq!(t.delivery_rate().is_some(), len >= 168, "len {len}");
            assert_eq!(t.busy_time().is_some(), len >= 192, "len {len}");
            assert_eq!(t.delivered().is_some(), len >= 200, "len {len}");
            assert_eq!(t.bytes_sent().is_some(), len >= 224, "len {len}");
            assert_eq!(t.snd_wnd().is_some(), len >= 232, "len {len}");
            assert_eq!(t.rehash().is_some(), len >= 240, "len {len}");
            assert_eq!(t.total_rto_time().is_some(), len >= 248, "len {len}");
            assert_eq!(t.options2().is_some(), len >= 280, "len {len}");
            if let Some(&next) = HISTORICAL_LENS.get(i + 1) {
                assert!(!t.has(len..next) && t.has(0..len));
            }
        }
        assert_eq!(
            HISTORICAL_LENS,
            [104, 120, 136, 144, 160, 168, 192, 200, 224, 232, 240, 248, 280]
        );
    }

    /// A future kernel's longer struct: known fields read as before, the
    /// tail is ignored.
    #[test]
    fn test_longer() {
        let mut b = [0xa5u8; KNOWN_LEN + 24];
        b[..KNOWN_LEN].copy_from_slice(&info_6_18());
        let t = TcpInfo::new_checked(&b).unwrap();
        assert_eq!(t.received_ce_bytes(), Some(273));
        assert_eq!(t.as_bytes().len(), KNOWN_LEN + 24);
    }

    #[test]
    fn test_truncated() {
        let b = info_6_18();
        for cut in 0..MIN_LEN {
            assert_eq!(
                TcpInfo::new_checked(&b[..cut]).unwrap_err(),
                Error::BadAttribute
            );
        }
        // A size between the historical ones: a field cut in half is absent.
        let t = TcpInfo::new_checked(&b[..110]).unwrap();
        assert_eq!(t.pacing_rate(), None);
    }

    #[test]
    fn test_md5sig() {
        let mut b = [0xa5u8; 2 * MD5SIG_LEN];
        b[0] = family::INET;
        b[1] = 24;
        b[2..4].copy_from_slice(&4u16.to_ne_bytes());
        b[4..8].copy_from_slice(&[10, 0, 0, 0]);
        b[20..24].copy_from_slice(b"key!");
        b[100] = family::INET6;
        b[101] = 128;
        b[102..104].copy_from_slice(&500u16.to_ne_bytes());
        b[104..120].copy_from_slice(&Ipv6Addr::LOCALHOST.octets());
        let sigs = Md5Sigs::new_checked(&b).unwrap();
        let mut it = sigs.iter();
        let a = it.next().unwrap();
        assert_eq!(a.addr, Some(IpAddr::V4(Ipv4Addr::new(10, 0, 0, 0))));
        assert_eq!((a.prefix_len, a.key), (24, &b"key!"[..]));
        let c = it.next().unwrap();
        assert_eq!(c.addr, Some(IpAddr::V6(Ipv6Addr::LOCALHOST)));
        assert_eq!(c.key.len(), 80, "key length clamped to the array");
        assert!(it.next().is_none());
        for cut in [0, 1, 99, 101, 199] {
            assert_eq!(
                Md5Sigs::new_checked(&b[..cut]).unwrap_err(),
                Error::BadAttribute
            );
        }
    }
}
