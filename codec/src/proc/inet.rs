//! The `/proc/net/{tcp,udp,raw}{,6}` table lines (`net/ipv4/raw.c`,
//! `net/ipv6/datagrams.c`): a fallback for kernels built without a diag
//! module. Many kernels lack `raw_diag`; ss then reads `/proc/net/raw`, and
//! so does sockdiag, decoding each line into the same [`InetRecord`].
//!
//! ```text
//!   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ...
//!    1: 0100007F:00FD 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 4398 ...
//! ```
//! Addresses are the in-memory `__be32` words printed with `%08X`, so a
//! word's hex value read back in host order yields the network-order bytes.

use core::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use byteorder::{ByteOrder, NativeEndian};

use crate::wire::inet::{InetRecord, SockId, TcpState, Timer};
use crate::{Error, Result};

fn hex_u32(s: &str) -> Result<u32> {
    if s.is_empty() || s.len() > 8 {
        return Err(Error::BadText);
    }
    u32::from_str_radix(s, 16).map_err(|_| Error::BadText)
}

/// `ADDR:PORT` with 8 (IPv4) or 32 (IPv6) hex digits of address.
fn endpoint(s: &str) -> Result<(IpAddr, u16)> {
    let (addr, port) = s.split_once(':').ok_or(Error::Truncated)?;
    let port = u16::try_from(hex_u32(port)?).map_err(|_| Error::BadText)?;
    let mut bytes = [0u8; 16];
    let words = addr.len() / 8;
    if !addr.len().is_multiple_of(8) || !(words == 1 || words == 4) || !addr.is_ascii() {
        return Err(Error::BadText);
    }
    for i in 0..words {
        let word = hex_u32(&addr[i * 8..i * 8 + 8])?;
        NativeEndian::write_u32(&mut bytes[i * 4..i * 4 + 4], word);
    }
    let ip = if words == 1 {
        IpAddr::V4(Ipv4Addr::new(bytes[0], bytes[1], bytes[2], bytes[3]))
    } else {
        IpAddr::V6(Ipv6Addr::from(bytes))
    };
    Ok((ip, port))
}

/// Decodes one data line. Returns `Ok(None)` for the header line, an error
/// for anything else that is not a well-formed socket line.
pub fn parse_line(line: &str) -> Result<Option<InetRecord<'static>>> {
    let mut f = line.split_ascii_whitespace();
    let mut next = || f.next().ok_or(Error::Truncated);
    let slot = next()?;
    if slot == "sl" {
        return Ok(None);
    }
    if !slot.ends_with(':') {
        return Err(Error::BadText);
    }
    let (src, sport) = endpoint(next()?)?;
    let (dst, dport) = endpoint(next()?)?;
    if src.is_ipv4() != dst.is_ipv4() {
        return Err(Error::BadFamily);
    }
    let state = u8::try_from(hex_u32(next()?)?).map_err(|_| Error::BadText)?;
    let (tx, rx) = next()?.split_once(':').ok_or(Error::Truncated)?;
    let (timer, _when) = next()?.split_once(':').ok_or(Error::Truncated)?;
    let retrans = hex_u32(next()?)?;
    let uid: u32 = next()?.parse().map_err(|_| Error::BadText)?;
    let _timeout = next()?;
    let inode: u32 = next()?.parse().map_err(|_| Error::BadText)?;
    // /proc has no cookie and no bound-device column.
    let id = SockId {
        sport,
        dport,
        src,
        dst,
        ifindex: 0,
        cookie: 0,
    };
    let timer = u8::try_from(hex_u32(timer)?).map_err(|_| Error::BadText)?;
    Ok(Some(InetRecord {
        timer: Timer::from(timer),
        retrans: u8::try_from(retrans).unwrap_or(u8::MAX),
        rqueue: hex_u32(rx)?,
        wqueue: hex_u32(tx)?,
        uid,
        inode,
        ..InetRecord::new(TcpState::from(state), id)
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::family;

    /// Builds an address column the way the kernel prints it: each
    /// network-order word loaded in host order and printed with %08X.
    fn proc_addr(out: &mut heapless::String<40>, bytes: &[u8]) {
        use core::fmt::Write;
        for w in bytes.chunks(4) {
            write!(out, "{:08X}", NativeEndian::read_u32(w)).unwrap();
        }
    }

    #[test]
    fn test_parse() {
        use core::fmt::Write;
        let mut local = heapless::String::<40>::new();
        proc_addr(&mut local, &[127, 0, 0, 1]);
        let mut line = heapless::String::<256>::new();
        write!(
            line,
            "   1: {local}:00FD 00000000:0000 07 00000010:00000340 00:00000000 00000000  1000        0 4398 2 0000000000000000 0"
        )
        .unwrap();
        let rec = parse_line(&line).unwrap().unwrap();
        assert_eq!(rec.family, family::INET);
        assert_eq!(rec.id.src, IpAddr::V4(Ipv4Addr::LOCALHOST));
        assert_eq!((rec.id.sport, rec.id.dport), (253, 0));
        assert_eq!(rec.state, TcpState::Close);
        assert_eq!((rec.rqueue, rec.wqueue), (0x340, 0x10));
        assert_eq!((rec.uid, rec.inode), (1000, 4398));
    }

    #[test]
    fn test_parse_v6() {
        use core::fmt::Write;
        let mut local = heapless::String::<40>::new();
        proc_addr(&mut local, &Ipv6Addr::LOCALHOST.octets());
        let mut line = heapless::String::<256>::new();
        write!(
            line,
            "  0: {local}:003A 00000000000000000000000000000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 77 2 0 0"
        )
        .unwrap();
        let rec = parse_line(&line).unwrap().unwrap();
        assert_eq!(rec.family, family::INET6);
        assert_eq!(rec.id.src, IpAddr::V6(Ipv6Addr::LOCALHOST));
        assert_eq!(rec.id.sport, 58);
    }

    #[test]
    fn test_header() {
        let h = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops";
        assert_eq!(parse_line(h), Ok(None));
    }

    #[test]
    fn test_truncated() {
        let line = "   1: 0100007F:00FD 00000000:0000 07 00000010:00000340 00:00000000 00000000  1000        0 4398";
        assert!(parse_line(line).is_ok());
        for cut in 0..line.len() - 4 {
            // Every prefix that drops a column fails; none panics.
            let _ = parse_line(&line[..cut]);
        }
        assert!(parse_line(&line[..60]).is_err());
        assert!(parse_line("").is_err());
        assert!(parse_line("1: 0100007F:00FD 00000000000000000000000000000000:0000 07").is_err());
        assert!(parse_line("1: 0100007F:1FFFF 00000000:0000 07 0:0 0:0 0 0 0 1").is_err());
        assert!(parse_line("1: 01é0007F:00FD 00000000:0000 07 0:0 0:0 0 0 0 1").is_err());
    }
}
