//! The `/proc/net/netlink` table lines, printed by `netlink_seq_show()` in
//! `net/netlink/af_netlink.c`: the fallback for kernels without
//! `netlink_diag`.
//!
//! ```text
//! sk               Eth Pid        Groups   Rmem     Wmem     Dump  Locks    Drops    Inode
//! 000000003938ad49 0   25906      00000011 0        0        0     2        0        33007
//! ```
//! `sk` is the socket's kernel address as `%pK` shows it, `Eth` the netlink
//! protocol, `Pid` the port id, `Groups` the first 32 multicast groups,
//! `Dump` whether a dump runs (older kernels printed the callback's
//! address), `Locks` the reference count. `Drops` (2.6.34) and `Inode` are
//! missing on older kernels; columns a newer kernel appends are ignored.
//!
//! What /proc cannot give, so the record lacks it: the socket type (0),
//! whether it is connected and to what (unconnected, 0, 0), the cookie (0),
//! flags and groups past 32. The record's `rqueue()`, `wqueue()` and
//! `groups` read attributes /proc does not have: take
//! [`ProcNetlink::rmem`], [`ProcNetlink::wmem`] and [`ProcNetlink::groups`].

use crate::proc::columns::{self, Columns};
use crate::wire::netlink_diag::{NetlinkRecord, NetlinkState};
use crate::wire::sock_diag::SockType;
use crate::{Error, Result};

/// Every column of one line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProcNetlink {
    /// The socket as the printer and filters take it: protocol, port id and
    /// inode (0 when the kernel has no Inode column); the rest absent.
    pub record: NetlinkRecord<'static>,
    /// `sk`: the kernel address as `%pK` shows it (hashed, or 0).
    pub sk: u64,
    /// `Groups`: groups 1 to 32 as a mask (bit n-1 for group n).
    pub groups: u32,
    /// `Rmem`: receive queue memory, bytes (ss's Recv-Q).
    pub rmem: u32,
    /// `Wmem`: send memory in flight, bytes (ss's Send-Q).
    pub wmem: u32,
    /// `Dump`: non-zero while a dump runs (ss's `cb`).
    pub dump: u64,
    /// `Locks`: the reference count.
    pub refcnt: u32,
    /// `Drops`
    pub drops: Option<u32>,
    /// `Inode`
    pub inode: Option<u32>,
}

impl ProcNetlink {
    /// Decodes one line. Returns `Ok(None)` for the header line, an error
    /// for anything else that is not a socket line.
    pub fn parse(line: &[u8]) -> Result<Option<ProcNetlink>> {
        let mut c = Columns::new(line)?;
        let sk = c.column()?;
        if sk == b"sk" {
            return Ok(None);
        }
        let sk = columns::pointer(sk)?;
        let protocol = u8::try_from(columns::dec_u32(c.column()?)?).map_err(|_| Error::BadText)?;
        let portid = columns::dec_u32(c.column()?)?;
        let groups = columns::hex_u32(c.column()?)?;
        let rmem = columns::dec_u32(c.column()?)?;
        let wmem = columns::dec_u32(c.column()?)?;
        // Hex as ss reads it: 0 and 1 read the same in either base, and an
        // old kernel's pointer is hex.
        let dump = columns::hex(c.column()?, 16)?;
        let refcnt = columns::dec_u32(c.column()?)?;
        let drops = c.next_column().map(columns::dec_u32).transpose()?;
        let inode = c.next_column().map(columns::dec_u32).transpose()?;
        let record = NetlinkRecord {
            // /proc/net/netlink has no type column.
            sock_type: SockType::Unknown(0),
            protocol,
            state: NetlinkState::Unconnected,
            portid,
            dst_portid: 0,
            dst_group: 0,
            inode: inode.unwrap_or(0),
            cookie: 0,
            meminfo: None,
            groups: None,
            rx_ring: None,
            tx_ring: None,
            flags: None,
            attrs: &[],
        };
        Ok(Some(ProcNetlink {
            record,
            sk,
            groups,
            rmem,
            wmem,
            dump,
            refcnt,
            drops,
            inode,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Captured on Linux 6.18 (see tests/fixtures/proc/README.md).
    const NETLINK: &[u8] = include_bytes!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/proc/linux-6.18/netlink"
    ));

    fn rows() -> heapless::Vec<ProcNetlink, 16> {
        let mut lines = NETLINK.split(|&b| b == b'\n').filter(|l| !l.is_empty());
        assert_eq!(ProcNetlink::parse(lines.next().unwrap()), Ok(None));
        lines
            .map(|l| ProcNetlink::parse(l).unwrap().unwrap())
            .collect()
    }

    #[test]
    fn test_parse() {
        let rows = rows();
        // The route socket joined to groups 1 and 5, and the kernel's own
        // sockets of protocols 0, 4, 6, 9, 10, 12, 15 and 16 (port 0).
        let route = rows
            .iter()
            .find(|r| r.record.portid != 0 && r.record.protocol == 0)
            .unwrap();
        assert_eq!(
            (route.groups, route.rmem, route.wmem, route.dump),
            (0x11, 0, 0, 0)
        );
        assert_eq!((route.refcnt, route.drops), (2, Some(0)));
        assert_eq!(route.inode, Some(route.record.inode));
        let kernel: heapless::Vec<u8, 16> = rows
            .iter()
            .filter(|r| r.record.portid == 0)
            .map(|r| r.record.protocol)
            .collect();
        assert_eq!(&kernel[..], &[0, 4, 6, 9, 10, 12, 15, 16]);
        // The unbound sock_diag socket the capture opened is not listed:
        // the table holds bound sockets only.
        assert_eq!(rows.len(), 9);
        for r in &rows {
            assert_eq!(
                (r.record.sock_type, r.record.state),
                (SockType::Unknown(0), NetlinkState::Unconnected)
            );
            assert_eq!(
                (r.record.meminfo, r.record.groups, r.record.cookie),
                (None, None, 0)
            );
        }
    }

    #[test]
    fn test_other_kernels() {
        // Linux 2.6.2x: no Drops or Inode, and Dump printed as the callback
        // pointer on a 32-bit kernel.
        let line = b"c7a1b000 0   1234   00000001 0        0        c7a1c000 2       ";
        let row = ProcNetlink::parse(line).unwrap().unwrap();
        assert_eq!(
            (row.sk, row.record.portid, row.groups, row.dump),
            (0xc7a1b000, 1234, 1, 0xc7a1c000)
        );
        assert_eq!((row.drops, row.inode, row.record.inode), (None, None, 0));
        // A port id past 2^31 (the kernel's autobind range) and an extra
        // column from a newer kernel.
        let line = b"0000000000000000 15  3918224839 00000002 0        0        0     2        0        19076    9";
        let row = ProcNetlink::parse(line).unwrap().unwrap();
        assert_eq!((row.record.portid, row.inode), (3918224839, Some(19076)));
    }

    #[test]
    fn test_malformed() {
        let cases: [&[u8]; 6] = [
            b"000000000000000g 0 0 00000000 0 0 0 2 0 1",
            b"0000000000000000 256 0 00000000 0 0 0 2 0 1",
            b"0000000000000000 0 -1 00000000 0 0 0 2 0 1",
            b"0000000000000000 0 0 000000000 0 0 0 2 0 1",
            b"0000000000000000 0 0 00000000 -4 0 0 2 0 1",
            b"0000000000000000 0 0 00000000 0 0 0 2 0 1x",
        ];
        for line in cases {
            assert_eq!(
                ProcNetlink::parse(line),
                Err(Error::BadText),
                "{}",
                core::str::from_utf8(line).unwrap()
            );
        }
        assert_eq!(ProcNetlink::parse(b""), Err(Error::Truncated));
        assert_eq!(
            ProcNetlink::parse(&[b'0'; columns::MAX_LINE_LEN + 1]),
            Err(Error::BadText)
        );
    }

    #[test]
    fn test_truncated() {
        // Miri runs this a thousand times slower: it samples the cuts.
        let step = if cfg!(miri) { 7 } else { 1 };
        for line in NETLINK
            .split(|&b| b == b'\n')
            .skip(1)
            .filter(|l| !l.is_empty())
        {
            let full = ProcNetlink::parse(line).unwrap().unwrap();
            // Up to Locks every column is needed.
            let mut c = Columns::new(line).unwrap();
            for _ in 0..8 {
                c.column().unwrap();
            }
            let locks_end = line.len() - c.rest().len();
            let locks_start = line[..locks_end].iter().rposition(|&b| b == b' ').unwrap() + 1;
            for cut in (0..=locks_start).step_by(step).chain([locks_start]) {
                assert!(ProcNetlink::parse(&line[..cut]).is_err(), "prefix {cut}");
            }
            for cut in (locks_end..line.len()).step_by(step) {
                let row = ProcNetlink::parse(&line[..cut]).unwrap().unwrap();
                assert_eq!(
                    (row.sk, row.record.portid, row.refcnt),
                    (full.sk, full.record.portid, full.refcnt)
                );
            }
        }
    }
}
