//! The `/proc/net/unix` table lines, printed by `unix_seq_show()` in
//! `net/unix/af_unix.c`: the fallback for kernels without `unix_diag`.
//!
//! ```text
//! Num       RefCount Protocol Flags    Type St Inode Path
//! 000000003ea0084b: 00000002 00000000 00010000 0001 01 32997 /run/x.sock
//! ```
//! `Num` is the socket's kernel address as `%pK` shows it; `Flags` holds
//! `__SO_ACCEPTCON` for a listener; `St` is the `socket_state`; `Inode` is
//! 0 for a connection not yet accepted. A bound socket's name follows after
//! one space, up to the end of the line: a path as its bytes, spaces
//! included; an abstract name as `@` and its bytes, each NUL shown as `@`
//! (older kernels printed the NULs). A path that starts with `@` reads as an
//! abstract name, and one holding a newline splits its line, for ss as here.
//!
//! What /proc cannot give: the queues (`rqlen` is `None`), the peer, the
//! pending connections, the bound file's inode and device, memory,
//! shutdown, the owner (`uid` is `None`) and the cookie (0).

use crate::proc::columns::{self, Columns};
use crate::wire::inet::TcpState;
use crate::wire::sock_diag::SockType;
use crate::wire::unix::{UnixName, UnixRecord};
use crate::{Error, Result};

/// `__SO_ACCEPTCON` in the `Flags` column: the socket listens.
pub const ACCEPTCON: u32 = 1 << 16;

/// The `St` column (`enum socket_state`, `linux/net.h`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SocketState {
    /// `SS_UNCONNECTED` (1)
    Unconnected,
    /// `SS_CONNECTING` (2): here, a connection no process accepted yet.
    Connecting,
    /// `SS_CONNECTED` (3)
    Connected,
    /// `SS_DISCONNECTING` (4): a connection whose socket is gone.
    Disconnecting,
    /// Anything else, as printed.
    Unknown(u8),
}

impl From<u8> for SocketState {
    fn from(raw: u8) -> SocketState {
        match raw {
            1 => SocketState::Unconnected,
            2 => SocketState::Connecting,
            3 => SocketState::Connected,
            4 => SocketState::Disconnecting,
            other => SocketState::Unknown(other),
        }
    }
}

impl SocketState {
    /// The number the kernel printed.
    pub const fn raw(self) -> u8 {
        match self {
            SocketState::Unconnected => 1,
            SocketState::Connecting => 2,
            SocketState::Connected => 3,
            SocketState::Disconnecting => 4,
            SocketState::Unknown(v) => v,
        }
    }

    /// The TCP state ss shows for it (a listener aside): unconnected as
    /// CLOSE, connecting as SYN_SENT, connected as ESTABLISHED,
    /// disconnecting as CLOSING.
    pub const fn tcp_state(self) -> TcpState {
        match self {
            SocketState::Unconnected => TcpState::Close,
            SocketState::Connecting => TcpState::SynSent,
            SocketState::Connected => TcpState::Established,
            SocketState::Disconnecting => TcpState::Closing,
            SocketState::Unknown(v) => TcpState::Unknown(v),
        }
    }
}

/// Every column of one line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProcUnix<'a> {
    /// The socket as the printer and filters take it: type, state (LISTEN
    /// from `Flags`, else from `St`), inode and name; the rest absent.
    pub record: UnixRecord<'a>,
    /// `Num`: the kernel address as `%pK` shows it (hashed, or 0).
    pub sk: u64,
    /// `RefCount`
    pub refcnt: u32,
    /// `Protocol`: always 0.
    pub protocol: u32,
    /// `Flags`: [`ACCEPTCON`] or 0.
    pub flags: u32,
    /// `St`
    pub socket_state: SocketState,
}

impl ProcUnix<'_> {
    /// The state ss 6.1 shows for this line, which is not always the
    /// socket's: ss reads the first column as the peer (it was, in a format
    /// older than Linux 2.4), and before it clears that value for the
    /// current format it calls a datagram socket with a "peer" connected.
    /// So an unconnected datagram socket is ESTAB whenever its address is
    /// shown (as root with `kptr_restrict` 0: the low 32 bits of the hashed
    /// address are not 0) and UNCONN when it is hidden. A `St` past the
    /// four known ones is taken as a TCP state number, as ss does.
    pub fn ss_state(&self) -> TcpState {
        if self.flags & ACCEPTCON != 0 {
            return TcpState::Listen;
        }
        match self.socket_state {
            SocketState::Unconnected
                if self.record.sock_type == SockType::Dgram && self.sk as u32 != 0 =>
            {
                TcpState::Established
            }
            SocketState::Unknown(v) => TcpState::from(v),
            known => known.tcp_state(),
        }
    }
}

/// The name after the inode column: one space, then the rest of the line.
fn name(rest: &[u8]) -> Result<UnixName<'_>> {
    match rest.split_first() {
        None => Ok(UnixName::Unnamed),
        Some((b' ', [])) => Err(Error::BadText),
        Some((b' ', [b'@', abstract_name @ ..])) => Ok(UnixName::Abstract(abstract_name)),
        Some((b' ', path)) => Ok(UnixName::Path(path)),
        Some(_) => Err(Error::BadText),
    }
}

impl<'a> ProcUnix<'a> {
    /// Decodes one line (without its newline). Returns `Ok(None)` for the
    /// header line, an error for anything else that is not a socket line.
    pub fn parse(line: &'a [u8]) -> Result<Option<ProcUnix<'a>>> {
        let mut c = Columns::new(line)?;
        let num = c.column()?;
        if num == b"Num" {
            return Ok(None);
        }
        let sk = match num.split_last() {
            Some((b':', digits)) => columns::pointer(digits)?,
            _ => return Err(Error::BadText),
        };
        let refcnt = columns::hex_u32(c.column()?)?;
        let protocol = columns::hex_u32(c.column()?)?;
        let flags = columns::hex_u32(c.column()?)?;
        let sock_type = SockType::from(columns::hex_u8(c.column()?)?);
        let socket_state = SocketState::from(columns::hex_u8(c.column()?)?);
        let inode = columns::dec_u32(c.column()?)?;
        let state = if flags & ACCEPTCON != 0 {
            TcpState::Listen
        } else {
            socket_state.tcp_state()
        };
        let record = UnixRecord {
            name: name(c.rest())?,
            ..UnixRecord::new(sock_type, state, inode)
        };
        Ok(Some(ProcUnix {
            record,
            sk,
            refcnt,
            protocol,
            flags,
            socket_state,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Captured on Linux 6.18 (see tests/fixtures/proc/README.md).
    const UNIX: &[u8] = include_bytes!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/proc/linux-6.18/unix"
    ));

    fn rows() -> heapless::Vec<ProcUnix<'static>, 16> {
        let mut lines = UNIX.split(|&b| b == b'\n').filter(|l| !l.is_empty());
        assert_eq!(ProcUnix::parse(lines.next().unwrap()), Ok(None));
        lines
            .map(|l| ProcUnix::parse(l).unwrap().unwrap())
            .collect()
    }

    fn by_inode(rows: &[ProcUnix<'static>], inode: u32) -> ProcUnix<'static> {
        *rows.iter().find(|r| r.record.inode == inode).unwrap()
    }

    const DIR: &[u8] = b"/tmp/sockdiag-fixture-cqqa04j2";

    fn path_in_dir(name: &UnixName<'_>, file: &[u8]) -> bool {
        matches!(name, UnixName::Path(p) if p.len() == DIR.len() + file.len()
            && p.starts_with(DIR) && p.ends_with(file))
    }

    #[test]
    fn test_ss_state() {
        let rows = rows();
        // ss's reading of each captured line, whose addresses are shown.
        for (inode, state) in [
            (32997, TcpState::Listen),
            (0, TcpState::SynSent),
            (32998, TcpState::Established),
            // Unconnected datagram sockets: ESTAB to ss.
            (33003, TcpState::Established),
        ] {
            assert_eq!(by_inode(&rows, inode).ss_state(), state, "inode {inode}");
        }
        // With the address hidden (kptr_restrict, or not root), an
        // unconnected datagram socket is UNCONN to ss too.
        let hidden = ProcUnix {
            sk: 0,
            ..by_inode(&rows, 33003)
        };
        assert_eq!(hidden.ss_state(), TcpState::Close);
        // Only the low 32 bits count, as ss reads the column into an int.
        let high = ProcUnix {
            sk: 0xffff_0000_0000_0000,
            ..hidden
        };
        assert_eq!(high.ss_state(), TcpState::Close);
        // An unconnected stream socket stays UNCONN; a state number past
        // the known ones is read as ss reads it.
        let u = by_inode(&rows, 33004);
        assert_eq!(u.ss_state(), TcpState::Close);
        let odd = ProcUnix {
            socket_state: SocketState::Unknown(5),
            ..u
        };
        assert_eq!(odd.ss_state(), TcpState::FinWait2);
        for raw in 0..8u8 {
            assert_eq!(SocketState::from(raw).raw(), raw);
        }
    }

    #[test]
    fn test_parse() {
        let rows = rows();
        assert_eq!(rows.len(), 9);
        let l = by_inode(&rows, 32997);
        assert_eq!(
            (l.record.sock_type, l.record.state),
            (SockType::Stream, TcpState::Listen)
        );
        assert!(path_in_dir(&l.record.name, b"/listen.sock"));
        assert_eq!(
            (l.sk, l.refcnt, l.protocol, l.flags),
            (0x3ea0084b, 2, 0, ACCEPTCON)
        );
        assert_eq!(l.socket_state, SocketState::Unconnected);
        assert_eq!(
            (l.record.rqlen, l.record.peer, l.record.uid, l.record.cookie),
            (None, None, None, 0)
        );
        // The pending connection's server end: no file yet, the listener's
        // name, SS_CONNECTING.
        let e = by_inode(&rows, 0);
        assert_eq!(
            (e.socket_state, e.record.state),
            (SocketState::Connecting, TcpState::SynSent)
        );
        assert!(path_in_dir(&e.record.name, b"/listen.sock"));
        // Its client end: connected, unnamed.
        let c = by_inode(&rows, 32998);
        assert_eq!(
            (c.record.state, c.record.name),
            (TcpState::Established, UnixName::Unnamed)
        );
        // A path with a space, whole.
        let s = by_inode(&rows, 33003);
        assert_eq!(
            (s.record.sock_type, s.record.state),
            (SockType::Dgram, TcpState::Close)
        );
        assert!(path_in_dir(&s.record.name, b"/with space.sock"));
        // An abstract name with a NUL inside, and an autobound one.
        let a = by_inode(&rows, 32999);
        assert_eq!(a.record.name, UnixName::Abstract(b"sockdiag-fixture@x"));
        assert_eq!(
            by_inode(&rows, 33000).record.name,
            UnixName::Abstract(b"f4e02")
        );
        // The seqpacket pair and the unbound stream socket.
        assert_eq!(by_inode(&rows, 33001).record.sock_type, SockType::SeqPacket);
        let u = by_inode(&rows, 33004);
        assert_eq!(
            (u.record.state, u.record.name),
            (TcpState::Close, UnixName::Unnamed)
        );
    }

    #[test]
    fn test_other_kernels() {
        // A 32-bit kernel's address; an old kernel printing an abstract
        // name's NULs as they are; a right-aligned short inode.
        let line = b"c7a1b000: 00000002 00000000 00010000 0001 01  812 @a\0b";
        let row = ProcUnix::parse(line).unwrap().unwrap();
        assert_eq!((row.sk, row.record.inode), (0xc7a1b000, 812));
        assert_eq!(row.record.name, UnixName::Abstract(b"a\0b"));
        // A relative path and a state this codec does not know.
        let line = b"0000000000000000: 00000002 00000000 00000000 0002 07 9 run/s";
        let row = ProcUnix::parse(line).unwrap().unwrap();
        assert_eq!(row.record.name, UnixName::Path(b"run/s"));
        assert_eq!(
            (row.socket_state, row.record.state),
            (SocketState::Unknown(7), TcpState::Unknown(7))
        );
        assert_eq!(SocketState::Disconnecting.tcp_state(), TcpState::Closing);
        // Non-UTF-8 path bytes are kept as they are.
        let line = b"0000000000000000: 00000002 00000000 00000000 0002 01 9 /tmp/\xff";
        let row = ProcUnix::parse(line).unwrap().unwrap();
        assert_eq!(row.record.name, UnixName::Path(b"/tmp/\xff"));
    }

    #[test]
    fn test_malformed() {
        let cases: [&[u8]; 10] = [
            b"0000000000000000 00000002 00000000 00000000 0001 01 9",
            b"000000000000000g: 00000002 00000000 00000000 0001 01 9",
            b"0000000000000000: 00000002 00000000 00000000 0100 01 9",
            b"0000000000000000: 00000002 00000000 00000000 0001 -1 9",
            b"0000000000000000: 00000002 00000000 00000000 0001 01 4294967296",
            b"0000000000000000: 00000002 00000000 00000000 0001 01 9 ",
            b"0000000000000000: 00000002 00000000 00000000 0001 01 9\t/x",
            b"0000000000000000: 000000002 00000000 00000000 0001 01 9",
            b"00000000000000000: 00000002 00000000 00000000 0001 01 9",
            b"0000000000000000: 00000002 00000000 00000000 0001 01 x9",
        ];
        for line in cases {
            assert_eq!(
                ProcUnix::parse(line),
                Err(Error::BadText),
                "{}",
                core::str::from_utf8(line).unwrap_or("?")
            );
        }
        let long = [b'/'; columns::MAX_LINE_LEN + 1];
        let mut line = [0u8; columns::MAX_LINE_LEN + 1];
        let head = b"0000000000000000: 00000002 00000000 00000000 0001 01 9 ";
        line[..head.len()].copy_from_slice(head);
        line[head.len()..].copy_from_slice(&long[head.len()..]);
        assert_eq!(ProcUnix::parse(&line), Err(Error::BadText));
        assert_eq!(ProcUnix::parse(b""), Err(Error::Truncated));
    }

    #[test]
    fn test_truncated() {
        // Miri runs this a thousand times slower: it samples the cuts.
        let step = if cfg!(miri) { 7 } else { 1 };
        // Every prefix of every captured line: an error until the inode
        // column starts; after it, the same socket with a shorter name.
        for line in UNIX
            .split(|&b| b == b'\n')
            .skip(1)
            .filter(|l| !l.is_empty())
        {
            let full = ProcUnix::parse(line).unwrap().unwrap();
            let mut c = Columns::new(line).unwrap();
            for _ in 0..7 {
                c.column().unwrap();
            }
            let inode_end = line.len() - c.rest().len();
            let inode_start = line[..inode_end].iter().rposition(|&b| b == b' ').unwrap() + 1;
            for cut in (0..=inode_start).step_by(step).chain([inode_start]) {
                assert!(ProcUnix::parse(&line[..cut]).is_err(), "prefix {cut}");
            }
            for cut in (inode_end..line.len()).step_by(step) {
                if let Ok(Some(row)) = ProcUnix::parse(&line[..cut]) {
                    assert_eq!((row.sk, row.record.inode), (full.sk, full.record.inode));
                }
            }
        }
    }
}
