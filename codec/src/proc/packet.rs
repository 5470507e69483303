//! The `/proc/net/packet` table lines, printed by `packet_seq_show()` in
//! `net/packet/af_packet.c`: the fallback for kernels without `packet_diag`.
//!
//! ```text
//! sk               RefCnt Type Proto  Iface R Rmem   User   Inode
//! 00000000a6f37da7 3      3    0003   1     1 134300 0      33005
//! ```
//! `sk` is the socket's kernel address as `%pK` shows it, `Proto` the
//! ethertype in hex (host order), `Iface` the bound interface (0: all), `R`
//! whether the socket receives. Columns a newer kernel appends (a patch
//! proposed `Drops`) are ignored.
//!
//! What /proc cannot give, so the record lacks it: the cookie (0), ring,
//! fanout, multicast, filter and version details (`info` and the rest are
//! `None`), and memory beyond the receive queue. The record's `ifindex()`
//! and `rqueue()` read attributes /proc does not have: take
//! [`ProcPacket::ifindex`] and [`ProcPacket::rmem`].

use crate::proc::columns::{self, Columns};
use crate::wire::packet::PacketRecord;
use crate::wire::sock_diag::SockType;
use crate::{Error, Result};

/// Every column of one line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProcPacket {
    /// The socket as the printer and filters take it: type, protocol,
    /// inode and owner; the rest absent.
    pub record: PacketRecord<'static>,
    /// `sk`: the kernel address as `%pK` shows it (hashed, or 0).
    pub sk: u64,
    /// `RefCnt`
    pub refcnt: u32,
    /// `Iface`: the bound interface, 0 for all.
    pub ifindex: u32,
    /// `R`: the socket is running (bound and receiving).
    pub running: bool,
    /// `Rmem`: receive queue memory, bytes (ss's Recv-Q).
    pub rmem: u32,
}

impl ProcPacket {
    /// Decodes one line. Returns `Ok(None)` for the header line, an error
    /// for anything else that is not a socket line.
    pub fn parse(line: &[u8]) -> Result<Option<ProcPacket>> {
        let mut c = Columns::new(line)?;
        let sk = c.column()?;
        if sk == b"sk" {
            return Ok(None);
        }
        let sk = columns::pointer(sk)?;
        let refcnt = columns::dec_u32(c.column()?)?;
        let sock_type = u8::try_from(columns::dec_u32(c.column()?)?).map_err(|_| Error::BadText)?;
        let protocol = u16::try_from(columns::hex(c.column()?, 4)?).map_err(|_| Error::BadText)?;
        let ifindex = columns::dec_u32(c.column()?)?;
        let running = match c.column()? {
            b"0" => false,
            b"1" => true,
            _ => return Err(Error::BadText),
        };
        let rmem = columns::dec_u32(c.column()?)?;
        let uid = columns::dec_u32(c.column()?)?;
        let inode = columns::dec_u32(c.column()?)?;
        let record = PacketRecord {
            sock_type: SockType::from(sock_type),
            protocol,
            inode,
            cookie: 0,
            info: None,
            mclist: None,
            rx_ring: None,
            tx_ring: None,
            fanout: None,
            uid: Some(uid),
            meminfo: None,
            filter: None,
            attrs: &[],
        };
        Ok(Some(ProcPacket {
            record,
            sk,
            refcnt,
            ifindex,
            running,
            rmem,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::packet::ETH_P_ALL;

    /// Captured on Linux 6.18 (see tests/fixtures/proc/README.md).
    const PACKET: &[u8] = include_bytes!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/proc/linux-6.18/packet"
    ));

    fn rows() -> heapless::Vec<ProcPacket, 4> {
        let mut lines = PACKET.split(|&b| b == b'\n').filter(|l| !l.is_empty());
        assert_eq!(ProcPacket::parse(lines.next().unwrap()), Ok(None));
        lines
            .map(|l| ProcPacket::parse(l).unwrap().unwrap())
            .collect()
    }

    #[test]
    fn test_parse() {
        let rows = rows();
        assert_eq!(rows.len(), 2);
        // SOCK_RAW, ETH_P_ALL, bound to lo: it has seen the other tests'
        // loopback traffic.
        let raw = rows[0];
        assert_eq!(
            (raw.record.sock_type, raw.record.protocol),
            (SockType::Raw, ETH_P_ALL)
        );
        assert_eq!((raw.ifindex, raw.running, raw.rmem), (1, true, 134300));
        assert_eq!(
            (raw.record.uid, raw.record.inode, raw.refcnt),
            (Some(0), 33005, 3)
        );
        assert_eq!(raw.sk, 0xa6f37da7);
        assert_eq!(
            (raw.record.info, raw.record.meminfo, raw.record.cookie),
            (None, None, 0)
        );
        // SOCK_DGRAM, ETH_P_IP, not bound to an interface.
        let dgram = rows[1];
        assert_eq!(
            (dgram.record.sock_type, dgram.record.protocol),
            (SockType::Dgram, 0x0800)
        );
        assert_eq!(
            (dgram.ifindex, dgram.running, dgram.record.inode),
            (0, true, 33006)
        );
    }

    #[test]
    fn test_other_kernels() {
        // A 32-bit kernel's short header and address; the Drops column a
        // patch proposed, ignored.
        let line = b"c7a1b000 2      2    86dd   3     0 0      1000   4242   17";
        let row = ProcPacket::parse(line).unwrap().unwrap();
        assert_eq!(
            (row.sk, row.record.protocol, row.ifindex, row.running),
            (0xc7a1b000, 0x86dd, 3, false)
        );
        assert_eq!((row.record.uid, row.record.inode), (Some(1000), 4242));
        assert_eq!(
            ProcPacket::parse(b"sk       RefCnt Type Proto  Iface R Rmem   User   Inode   Drops"),
            Ok(None)
        );
    }

    #[test]
    fn test_malformed() {
        let cases: [&[u8]; 7] = [
            b"000000000000000g 3 3 0003 1 1 0 0 1",
            b"0000000000000000 3 256 0003 1 1 0 0 1",
            b"0000000000000000 3 3 10003 1 1 0 0 1",
            b"0000000000000000 3 3 0003 1 2 0 0 1",
            b"0000000000000000 3 3 0003 -1 1 0 0 1",
            b"0000000000000000 3 3 0003 1 1 0 0 4294967296",
            b"0000000000000000 3 3 0003 1 1 x 0 1",
        ];
        for line in cases {
            assert_eq!(
                ProcPacket::parse(line),
                Err(Error::BadText),
                "{}",
                core::str::from_utf8(line).unwrap()
            );
        }
        assert_eq!(ProcPacket::parse(b""), Err(Error::Truncated));
        assert_eq!(
            ProcPacket::parse(&[b'0'; columns::MAX_LINE_LEN + 1]),
            Err(Error::BadText)
        );
    }

    #[test]
    fn test_truncated() {
        for line in PACKET
            .split(|&b| b == b'\n')
            .skip(1)
            .filter(|l| !l.is_empty())
        {
            let full = ProcPacket::parse(line).unwrap().unwrap();
            let inode_start = line
                .trim_ascii_end()
                .iter()
                .rposition(|&b| b == b' ')
                .unwrap()
                + 1;
            for cut in 0..=inode_start {
                assert!(ProcPacket::parse(&line[..cut]).is_err(), "prefix {cut}");
            }
            assert_eq!(ProcPacket::parse(line.trim_ascii_end()), Ok(Some(full)));
        }
    }
}
