//! Upper-layer protocol info (`INET_DIAG_ULP_INFO`, `enum INET_ULP_INFO_*`
//! in `linux/inet_diag.h`) and the kernel TLS part of it (`TLS_INFO_*` in
//! `linux/tls.h`, filled by `tls_get_info()` in `net/tls/tls_main.c`).
//!
//! The nest arrives without NLA_F_NESTED; it is recognised by type. Its
//! MPTCP member is decoded by [`crate::wire::mptcp::SubflowInfo`].

use byteorder::{ByteOrder, NativeEndian};

use crate::wire::attr::{Attr, Attrs};
use crate::wire::enum_with_unknown;
use crate::{Error, Result};

/// Attribute types inside `INET_DIAG_ULP_INFO`.
pub mod ulp_kind {
    /// `INET_ULP_INFO_NAME`: NUL-terminated ULP name ("tls", "mptcp").
    pub const NAME: u16 = 1;
    /// `INET_ULP_INFO_TLS`: nest of `TLS_INFO_*`.
    pub const TLS: u16 = 2;
    /// `INET_ULP_INFO_MPTCP`: nest of `MPTCP_SUBFLOW_ATTR_*`.
    pub const MPTCP: u16 = 3;
}

/// Attribute types inside `INET_ULP_INFO_TLS`.
pub mod tls_kind {
    /// `TLS_INFO_VERSION`: u16, e.g. 0x0303 for TLS 1.2.
    pub const VERSION: u16 = 1;
    /// `TLS_INFO_CIPHER`: u16 `TLS_CIPHER_*`.
    pub const CIPHER: u16 = 2;
    /// `TLS_INFO_TXCONF`: u16 `TLS_CONF_*`.
    pub const TXCONF: u16 = 3;
    /// `TLS_INFO_RXCONF`: u16 `TLS_CONF_*`.
    pub const RXCONF: u16 = 4;
    /// `TLS_INFO_ZC_RO_TX`: flag (empty).
    pub const ZC_RO_TX: u16 = 5;
    /// `TLS_INFO_RX_NO_PAD`: flag (empty).
    pub const RX_NO_PAD: u16 = 6;
}

/// `TLS_1_2_VERSION`
pub const TLS_1_2_VERSION: u16 = 0x0303;
/// `TLS_1_3_VERSION`
pub const TLS_1_3_VERSION: u16 = 0x0304;

enum_with_unknown! {
    /// Where a TLS direction is processed (`TLS_CONF_*`).
    pub enum TlsConf(u16) {
        /// `TLS_CONF_BASE` (1): not configured.
        Base = 1,
        /// `TLS_CONF_SW` (2): in the kernel's software.
        Sw = 2,
        /// `TLS_CONF_HW` (3): offloaded to the NIC.
        Hw = 3,
        /// `TLS_CONF_HW_RECORD` (4): offloaded records.
        HwRecord = 4,
    }
}

/// The kernel TLS state of a socket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TlsInfo {
    /// `TLS_INFO_VERSION`
    pub version: Option<u16>,
    /// `TLS_INFO_CIPHER`: `TLS_CIPHER_*` (51 AES-GCM-128, 52 AES-GCM-256, ...).
    pub cipher: Option<u16>,
    /// `TLS_INFO_TXCONF`
    pub txconf: Option<TlsConf>,
    /// `TLS_INFO_RXCONF`
    pub rxconf: Option<TlsConf>,
    /// `TLS_INFO_ZC_RO_TX`: zero-copy sendfile promised read-only.
    pub zc_ro_tx: bool,
    /// `TLS_INFO_RX_NO_PAD`: TLS 1.3 receive without padding.
    pub rx_no_pad: bool,
}

fn u16_attr(a: &Attr<'_>) -> Result<u16> {
    match a.payload() {
        p if p.len() == 2 => Ok(NativeEndian::read_u16(p)),
        _ => Err(Error::BadAttribute),
    }
}

/// A NUL-terminated string payload, without the NUL.
pub(crate) fn c_str(payload: &[u8]) -> Result<&[u8]> {
    match payload.iter().position(|&b| b == 0) {
        Some(end) => Ok(&payload[..end]),
        None => Err(Error::BadAttribute),
    }
}

impl TlsInfo {
    /// Decodes the payload of `INET_ULP_INFO_TLS`; unknown members are
    /// skipped.
    pub fn parse(nest: &[u8]) -> Result<TlsInfo> {
        let mut info = TlsInfo::default();
        for a in Attrs::new(nest) {
            let a = a?;
            match a.kind() {
                tls_kind::VERSION => info.version = Some(u16_attr(&a)?),
                tls_kind::CIPHER => info.cipher = Some(u16_attr(&a)?),
                tls_kind::TXCONF => info.txconf = Some(TlsConf::from(u16_attr(&a)?)),
                tls_kind::RXCONF => info.rxconf = Some(TlsConf::from(u16_attr(&a)?)),
                tls_kind::ZC_RO_TX => info.zc_ro_tx = true,
                tls_kind::RX_NO_PAD => info.rx_no_pad = true,
                _ => {}
            }
        }
        Ok(info)
    }
}

/// `INET_DIAG_ULP_INFO`: which upper-layer protocol runs on the socket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct UlpInfo<'a> {
    /// `INET_ULP_INFO_NAME`, without its NUL.
    pub name: Option<&'a [u8]>,
    /// `INET_ULP_INFO_TLS`
    pub tls: Option<TlsInfo>,
    /// `INET_ULP_INFO_MPTCP`: the raw nest, for
    /// [`crate::wire::mptcp::SubflowInfo::parse`].
    pub mptcp: Option<&'a [u8]>,
}

impl<'a> UlpInfo<'a> {
    /// Decodes the nest; a malformed member is an error, an unknown one is
    /// skipped.
    pub fn parse(nest: &'a [u8]) -> Result<UlpInfo<'a>> {
        let mut ulp = UlpInfo::default();
        for a in Attrs::new(nest) {
            let a = a?;
            match a.kind() {
                ulp_kind::NAME => ulp.name = Some(c_str(a.payload())?),
                ulp_kind::TLS => ulp.tls = Some(TlsInfo::parse(a.payload())?),
                ulp_kind::MPTCP => {
                    // Validate now, so printing it later cannot fail.
                    crate::wire::mptcp::SubflowInfo::parse(a.payload())?;
                    ulp.mptcp = Some(a.payload());
                }
                _ => {}
            }
        }
        Ok(ulp)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::wire::attr;

    /// ULP_INFO of a kTLS socket: name "tls", TLS 1.3, AES-GCM-256, TX in
    /// software, RX in hardware, RX_NO_PAD set.
    pub(crate) fn tls_nest(out: &mut [u8]) -> usize {
        let mut inner = [0u8; 64];
        let mut n = 0;
        n += attr::emit(
            &mut inner[n..],
            tls_kind::VERSION,
            &TLS_1_3_VERSION.to_ne_bytes(),
        )
        .unwrap();
        n += attr::emit(&mut inner[n..], tls_kind::CIPHER, &52u16.to_ne_bytes()).unwrap();
        n += attr::emit(&mut inner[n..], tls_kind::TXCONF, &2u16.to_ne_bytes()).unwrap();
        n += attr::emit(&mut inner[n..], tls_kind::RXCONF, &3u16.to_ne_bytes()).unwrap();
        n += attr::emit(&mut inner[n..], tls_kind::RX_NO_PAD, &[]).unwrap();
        let mut at = attr::emit(out, ulp_kind::NAME, b"tls\0").unwrap();
        at += attr::emit(&mut out[at..], ulp_kind::TLS, &inner[..n]).unwrap();
        at
    }

    #[test]
    fn test_parse() {
        let mut b = [0xa5u8; 96];
        let n = tls_nest(&mut b);
        let ulp = UlpInfo::parse(&b[..n]).unwrap();
        assert_eq!(ulp.name, Some(&b"tls"[..]));
        let tls = ulp.tls.unwrap();
        assert_eq!(tls.version, Some(TLS_1_3_VERSION));
        assert_eq!(tls.cipher, Some(52));
        assert_eq!(
            (tls.txconf, tls.rxconf),
            (Some(TlsConf::Sw), Some(TlsConf::Hw))
        );
        assert!(tls.rx_no_pad && !tls.zc_ro_tx);
        assert_eq!(ulp.mptcp, None);
        assert_eq!(TlsConf::from(9), TlsConf::Unknown(9));
    }

    #[test]
    fn test_truncated() {
        let mut b = [0xa5u8; 96];
        let n = tls_nest(&mut b);
        for cut in 1..n {
            // Cuts between members leave a shorter valid nest; any other
            // cut must be an error, never a panic.
            let _ = UlpInfo::parse(&b[..cut]);
        }
        // A name without its NUL, a 1-byte version.
        let mut bad = [0u8; 16];
        let m = attr::emit(&mut bad, ulp_kind::NAME, b"tls").unwrap();
        assert_eq!(UlpInfo::parse(&bad[..m]).unwrap_err(), Error::BadAttribute);
        let m = attr::emit(&mut bad, tls_kind::VERSION, &[3]).unwrap();
        assert_eq!(TlsInfo::parse(&bad[..m]).unwrap_err(), Error::BadAttribute);
    }
}
