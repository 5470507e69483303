//! MPTCP in sock_diag replies, from `linux/mptcp.h`: `struct mptcp_info`
//! (`INET_DIAG_INFO` of an MPTCP socket, `mptcp_diag_fill_info()` in
//! `net/mptcp/sockopt.c`) and the subflow attributes a TCP subflow carries
//! inside `INET_DIAG_ULP_INFO` (`MPTCP_SUBFLOW_ATTR_*`, `net/mptcp/diag.c`).
//!
//! `mptcp_info` grows like `tcp_info`: 40 bytes in 5.7, 48 with
//! `csum_enabled` (5.14), 80 with the byte counters (6.5), 96 with the
//! last-activity times (6.10). A field past the received length is `None`.

use byteorder::{ByteOrder, NativeEndian};

use crate::wire::attr::Attrs;
use crate::{Error, Field, Result};

mod field {
    use crate::Field;
    pub const SUBFLOWS: usize = 0;
    pub const ADD_ADDR_SIGNAL: usize = 1;
    pub const ADD_ADDR_ACCEPTED: usize = 2;
    pub const SUBFLOWS_MAX: usize = 3;
    pub const ADD_ADDR_SIGNAL_MAX: usize = 4;
    pub const ADD_ADDR_ACCEPTED_MAX: usize = 5;
    pub const FLAGS: Field = 8..12;
    pub const TOKEN: Field = 12..16;
    pub const WRITE_SEQ: Field = 16..24;
    pub const SND_UNA: Field = 24..32;
    pub const RCV_NXT: Field = 32..40;
    pub const LOCAL_ADDR_USED: Field = 40..41;
    pub const LOCAL_ADDR_MAX: Field = 41..42;
    pub const CSUM_ENABLED: Field = 42..43;
    pub const RETRANSMITS: Field = 44..48;
    pub const BYTES_RETRANS: Field = 48..56;
    pub const BYTES_SENT: Field = 56..64;
    pub const BYTES_RECEIVED: Field = 64..72;
    pub const BYTES_ACKED: Field = 72..80;
    pub const SUBFLOWS_TOTAL: Field = 80..81;
    pub const ENDP_LAMINAR_MAX: Field = 81..82;
    pub const LAST_DATA_SENT: Field = 84..88;
    pub const LAST_DATA_RECV: Field = 88..92;
    pub const LAST_ACK_RECV: Field = 92..96;
}

/// The smallest `mptcp_info` (Linux 5.7): everything up to `rcv_nxt`.
pub const MIN_LEN: usize = field::RCV_NXT.end;
/// The largest this codec knows (6.10 and later).
pub const KNOWN_LEN: usize = field::LAST_ACK_RECV.end;

/// `mptcpi_flags` bits (`MPTCP_INFO_FLAG_*`).
pub mod flag {
    /// `MPTCP_INFO_FLAG_FALLBACK`: the connection fell back to plain TCP.
    pub const FALLBACK: u32 = 1;
    /// `MPTCP_INFO_FLAG_REMOTE_KEY_RECEIVED`
    pub const REMOTE_KEY_RECEIVED: u32 = 2;
}

/// A checked view of an `mptcp_info` payload of any size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[doc(alias = "mptcp_info")]
pub struct MptcpInfo<'a> {
    buffer: &'a [u8],
}

macro_rules! later {
    ($($(#[$m:meta])* $name:ident: $read:expr => $ty:ty = $field:ident;)*) => {$(
        $(#[$m])*
        pub fn $name(&self) -> Option<$ty> {
            self.buffer.get(field::$field).map($read)
        }
    )*};
}

impl<'a> MptcpInfo<'a> {
    /// Accepts any payload of at least [`MIN_LEN`] bytes.
    pub fn new_checked(buffer: &'a [u8]) -> Result<MptcpInfo<'a>> {
        let view = MptcpInfo::new_unchecked(buffer);
        view.check_len()?;
        Ok(view)
    }

    /// Wraps a payload without any check; accessors may panic until
    /// [`check_len`](Self::check_len) returned `Ok`.
    pub const fn new_unchecked(buffer: &'a [u8]) -> MptcpInfo<'a> {
        MptcpInfo { buffer }
    }

    /// The fields every kernel sends ([`MIN_LEN`]) must be there; a later
    /// field past the payload is absent, which its accessor says (`None`).
    pub fn check_len(&self) -> Result<()> {
        if self.buffer.len() < MIN_LEN {
            return Err(Error::BadAttribute);
        }
        Ok(())
    }

    /// Whether the kernel sent the bytes of `field`.
    pub fn has(&self, field: Field) -> bool {
        field.end <= self.buffer.len()
    }

    /// `mptcpi_subflows`: subflows besides the first.
    pub fn subflows(&self) -> u8 {
        self.buffer[field::SUBFLOWS]
    }
    /// `mptcpi_add_addr_signal`
    pub fn add_addr_signal(&self) -> u8 {
        self.buffer[field::ADD_ADDR_SIGNAL]
    }
    /// `mptcpi_add_addr_accepted`
    pub fn add_addr_accepted(&self) -> u8 {
        self.buffer[field::ADD_ADDR_ACCEPTED]
    }
    /// `mptcpi_subflows_max`
    pub fn subflows_max(&self) -> u8 {
        self.buffer[field::SUBFLOWS_MAX]
    }
    /// `mptcpi_add_addr_signal_max`
    pub fn add_addr_signal_max(&self) -> u8 {
        self.buffer[field::ADD_ADDR_SIGNAL_MAX]
    }
    /// `mptcpi_add_addr_accepted_max`
    pub fn add_addr_accepted_max(&self) -> u8 {
        self.buffer[field::ADD_ADDR_ACCEPTED_MAX]
    }
    /// `mptcpi_flags`: [`flag`] bits.
    pub fn flags(&self) -> u32 {
        NativeEndian::read_u32(&self.buffer[field::FLAGS])
    }
    /// `mptcpi_token`: the connection token.
    pub fn token(&self) -> u32 {
        NativeEndian::read_u32(&self.buffer[field::TOKEN])
    }
    /// `mptcpi_write_seq`: next data sequence number to write.
    pub fn write_seq(&self) -> u64 {
        NativeEndian::read_u64(&self.buffer[field::WRITE_SEQ])
    }
    /// `mptcpi_snd_una`
    pub fn snd_una(&self) -> u64 {
        NativeEndian::read_u64(&self.buffer[field::SND_UNA])
    }
    /// `mptcpi_rcv_nxt`
    pub fn rcv_nxt(&self) -> u64 {
        NativeEndian::read_u64(&self.buffer[field::RCV_NXT])
    }

    later! {
        /// `mptcpi_local_addr_used` (5.14).
        local_addr_used: |b: &[u8]| b[0] => u8 = LOCAL_ADDR_USED;
        /// `mptcpi_local_addr_max` (5.14).
        local_addr_max: |b: &[u8]| b[0] => u8 = LOCAL_ADDR_MAX;
        /// `mptcpi_csum_enabled` (5.14).
        csum_enabled: |b: &[u8]| b[0] != 0 => bool = CSUM_ENABLED;
        /// `mptcpi_retransmits` (6.5).
        retransmits: NativeEndian::read_u32 => u32 = RETRANSMITS;
        /// `mptcpi_bytes_retrans` (6.5).
        bytes_retrans: NativeEndian::read_u64 => u64 = BYTES_RETRANS;
        /// `mptcpi_bytes_sent` (6.5).
        bytes_sent: NativeEndian::read_u64 => u64 = BYTES_SENT;
        /// `mptcpi_bytes_received` (6.5).
        bytes_received: NativeEndian::read_u64 => u64 = BYTES_RECEIVED;
        /// `mptcpi_bytes_acked` (6.5).
        bytes_acked: NativeEndian::read_u64 => u64 = BYTES_ACKED;
        /// `mptcpi_subflows_total` (6.6).
        subflows_total: |b: &[u8]| b[0] => u8 = SUBFLOWS_TOTAL;
        /// `mptcpi_endp_laminar_max` (6.18; a reserved byte before).
        endp_laminar_max: |b: &[u8]| b[0] => u8 = ENDP_LAMINAR_MAX;
        /// `mptcpi_last_data_sent`, milliseconds ago (6.10).
        last_data_sent: NativeEndian::read_u32 => u32 = LAST_DATA_SENT;
        /// `mptcpi_last_data_recv`, milliseconds ago (6.10).
        last_data_recv: NativeEndian::read_u32 => u32 = LAST_DATA_RECV;
        /// `mptcpi_last_ack_recv`, milliseconds ago (6.10).
        last_ack_recv: NativeEndian::read_u32 => u32 = LAST_ACK_RECV;
    }
}

/// Attribute types of a subflow's nest (`MPTCP_SUBFLOW_ATTR_*`).
pub mod subflow_kind {
    /// u32
    pub const TOKEN_REM: u16 = 1;
    /// u32
    pub const TOKEN_LOC: u16 = 2;
    /// u32
    pub const RELWRITE_SEQ: u16 = 3;
    /// u64
    pub const MAP_SEQ: u16 = 4;
    /// u32
    pub const MAP_SFSEQ: u16 = 5;
    /// u32
    pub const SSN_OFFSET: u16 = 6;
    /// u16
    pub const MAP_DATALEN: u16 = 7;
    /// u32, `MPTCP_SUBFLOW_FLAG_*`
    pub const FLAGS: u16 = 8;
    /// u8
    pub const ID_REM: u16 = 9;
    /// u8
    pub const ID_LOC: u16 = 10;
}

/// One TCP subflow of an MPTCP connection, from its ULP info.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SubflowInfo {
    /// `MPTCP_SUBFLOW_ATTR_TOKEN_REM`
    pub token_rem: Option<u32>,
    /// `MPTCP_SUBFLOW_ATTR_TOKEN_LOC`
    pub token_loc: Option<u32>,
    /// `MPTCP_SUBFLOW_ATTR_RELWRITE_SEQ`
    pub relwrite_seq: Option<u32>,
    /// `MPTCP_SUBFLOW_ATTR_MAP_SEQ`
    pub map_seq: Option<u64>,
    /// `MPTCP_SUBFLOW_ATTR_MAP_SFSEQ`
    pub map_sfseq: Option<u32>,
    /// `MPTCP_SUBFLOW_ATTR_SSN_OFFSET`
    pub ssn_offset: Option<u32>,
    /// `MPTCP_SUBFLOW_ATTR_MAP_DATALEN`
    pub map_datalen: Option<u16>,
    /// `MPTCP_SUBFLOW_ATTR_FLAGS`
    pub flags: Option<u32>,
    /// `MPTCP_SUBFLOW_ATTR_ID_REM`
    pub id_rem: Option<u8>,
    /// `MPTCP_SUBFLOW_ATTR_ID_LOC`
    pub id_loc: Option<u8>,
}

impl SubflowInfo {
    /// Decodes the `INET_ULP_INFO_MPTCP` nest; unknown members (PAD) are
    /// skipped, a member of the wrong size is an error.
    pub fn parse(nest: &[u8]) -> Result<SubflowInfo> {
        let mut s = SubflowInfo::default();
        for a in Attrs::new(nest) {
            let a = a?;
            let p = a.payload();
            let exact = |n: usize| {
                if p.len() == n {
                    Ok(())
                } else {
                    Err(Error::BadAttribute)
                }
            };
            match a.kind() {
                subflow_kind::TOKEN_REM => s.token_rem = Some(a.u32_ne()?),
                subflow_kind::TOKEN_LOC => s.token_loc = Some(a.u32_ne()?),
                subflow_kind::RELWRITE_SEQ => s.relwrite_seq = Some(a.u32_ne()?),
                subflow_kind::MAP_SEQ => s.map_seq = Some(a.u64_ne()?),
                subflow_kind::MAP_SFSEQ => s.map_sfseq = Some(a.u32_ne()?),
                subflow_kind::SSN_OFFSET => s.ssn_offset = Some(a.u32_ne()?),
                subflow_kind::MAP_DATALEN => {
                    exact(2)?;
                    s.map_datalen = Some(NativeEndian::read_u16(p));
                }
                subflow_kind::FLAGS => s.flags = Some(a.u32_ne()?),
                subflow_kind::ID_REM => s.id_rem = Some(a.u8()?),
                subflow_kind::ID_LOC => s.id_loc = Some(a.u8()?),
                _ => {}
            }
        }
        Ok(s)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::wire::attr;

    /// A 96-byte mptcp_info (6.10+) with distinct values, host order.
    pub(crate) fn info_96() -> [u8; KNOWN_LEN] {
        let mut b = [0u8; KNOWN_LEN];
        b[..6].copy_from_slice(&[1, 2, 3, 4, 5, 6]);
        b[field::FLAGS].copy_from_slice(&(flag::REMOTE_KEY_RECEIVED).to_ne_bytes());
        b[field::TOKEN].copy_from_slice(&0xabcdu32.to_ne_bytes());
        b[field::WRITE_SEQ].copy_from_slice(&0x1_0000_0001u64.to_ne_bytes());
        b[field::SND_UNA].copy_from_slice(&0x2u64.to_ne_bytes());
        b[field::RCV_NXT].copy_from_slice(&0x3u64.to_ne_bytes());
        b[40] = 1;
        b[41] = 8;
        b[42] = 1;
        b[field::RETRANSMITS].copy_from_slice(&4u32.to_ne_bytes());
        b[field::BYTES_SENT].copy_from_slice(&1000u64.to_ne_bytes());
        b[field::BYTES_ACKED].copy_from_slice(&999u64.to_ne_bytes());
        b[80] = 2;
        b[field::LAST_ACK_RECV].copy_from_slice(&77u32.to_ne_bytes());
        b
    }

    #[test]
    fn test_parse() {
        let b = info_96();
        let m = MptcpInfo::new_checked(&b).unwrap();
        assert_eq!((m.subflows(), m.add_addr_accepted_max()), (1, 6));
        assert_eq!((m.flags(), m.token()), (2, 0xabcd));
        assert_eq!((m.write_seq(), m.rcv_nxt()), (0x1_0000_0001, 3));
        assert_eq!(m.csum_enabled(), Some(true));
        assert_eq!(m.bytes_sent(), Some(1000));
        assert_eq!(m.subflows_total(), Some(2));
        assert_eq!(m.last_ack_recv(), Some(77));
    }

    #[test]
    fn test_historical_sizes() {
        let b = info_96();
        for (len, csum, bytes, last) in [
            (40, false, false, false),
            (48, true, false, false),
            (80, true, true, false),
            (96, true, true, true),
        ] {
            let m = MptcpInfo::new_checked(&b[..len]).unwrap();
            assert_eq!(m.rcv_nxt(), 3);
            assert_eq!(m.csum_enabled().is_some(), csum, "len {len}");
            assert_eq!(m.bytes_acked().is_some(), bytes, "len {len}");
            assert_eq!(m.last_data_sent().is_some(), last, "len {len}");
        }
    }

    #[test]
    fn test_truncated() {
        let b = info_96();
        for cut in 0..MIN_LEN {
            assert_eq!(
                MptcpInfo::new_checked(&b[..cut]).unwrap_err(),
                Error::BadAttribute
            );
        }
        let mut n = [0u8; 16];
        let len = attr::emit(&mut n, subflow_kind::MAP_DATALEN, &[1]).unwrap();
        assert_eq!(
            SubflowInfo::parse(&n[..len]).unwrap_err(),
            Error::BadAttribute
        );
    }

    #[test]
    fn test_subflow() {
        let mut n = [0xa5u8; 64];
        let mut at = attr::emit(&mut n, subflow_kind::TOKEN_REM, &0x11u32.to_ne_bytes()).unwrap();
        at += attr::emit(&mut n[at..], subflow_kind::MAP_SEQ, &0x99u64.to_ne_bytes()).unwrap();
        at += attr::emit(
            &mut n[at..],
            subflow_kind::MAP_DATALEN,
            &0x5u16.to_ne_bytes(),
        )
        .unwrap();
        at += attr::emit(&mut n[at..], subflow_kind::ID_LOC, &[3]).unwrap();
        let s = SubflowInfo::parse(&n[..at]).unwrap();
        assert_eq!(s.token_rem, Some(0x11));
        assert_eq!(s.map_seq, Some(0x99));
        assert_eq!(s.map_datalen, Some(5));
        assert_eq!(s.id_loc, Some(3));
        assert_eq!(s.token_loc, None);
    }
}
