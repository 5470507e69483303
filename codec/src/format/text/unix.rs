//! A unix socket's line as ss prints it: name and inode on the local side,
//! `*` and the peer's inode on the remote side; `-e` adds the shutdown
//! state, the bound file and a listener's pending connections.

use core::fmt::{self, Write};

use crate::format::columns::{pad, unix_queues, width, write_lead, write_right_aligned, CharCount};
use crate::format::line::Line;
use crate::format::names::{unix_netid, write_unix_name};
use crate::format::number::Decimal;
use crate::format::text::skmem::write_skmem;
use crate::format::text::write_shutdown;
use crate::wire::inet::TcpState;
use crate::wire::unix::UnixRecord;

/// Writes one unix socket as a table line, with `-p`'s processes and `-m`'s
/// memory when `line` asks for them.
pub fn write_unix<W: Write>(w: &mut W, line: &Line<'_>, rec: &UnixRecord<'_>) -> fmt::Result {
    let layout = &line.layout;
    let (rq, sq) = unix_queues(rec);
    write_lead(w, layout, unix_netid(rec.sock_type), rec.state, rq, sq)?;
    let mut name_width = CharCount(0);
    write_unix_name(&mut name_width, &rec.name)?;
    pad(w, width::ADDR.saturating_sub(name_width.0))?;
    write_unix_name(w, &rec.name)?;
    w.write_char(' ')?;
    Decimal::new(rec.inode.into()).write_left_aligned(w, width::PORT)?;
    w.write_char(' ')?;
    write_right_aligned(w, "*", width::ADDR)?;
    w.write_char(' ')?;
    Decimal::new(rec.peer.unwrap_or(0).into()).write(w)?;
    if let Some(process) = line.process {
        write!(w, "{process}")?;
    }
    if let Some(m) = rec.meminfo.filter(|_| line.memory) {
        write_skmem(w, &m)?;
    }
    if layout.extended {
        // ss shows no uid, inode or cookie for unix sockets here; it shows
        // the shutdown state, the bound file and the pending connections.
        write_shutdown(w, rec.shutdown)?;
        if let Some((ino, dev)) = rec.vfs {
            // The kernel's s_dev packs major << 20 | minor.
            write!(w, " ino:{ino} dev:{}/{}", dev >> 20, dev & 0xf_ffff)?;
        }
        if let Some(icons) = rec.icons.filter(|_| rec.state == TcpState::Listen) {
            w.write_str(" peers:")?;
            for ino in icons.iter() {
                write!(w, " {ino}")?;
            }
        }
    }
    w.write_char('\n')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::columns::tests::squash;
    use crate::format::columns::Layout;
    use crate::wire::sock_diag::SockType;
    use crate::wire::unix::{Inodes, UnixName};
    use heapless::String;

    #[test]
    fn test_unix_line() {
        let u = UnixRecord {
            cookie: 0x10,
            name: UnixName::Abstract(b"a\0b"),
            rqlen: Some((2, 5)),
            ..UnixRecord::new(SockType::Stream, TcpState::Listen, 99)
        };
        let mut s: String<256> = String::new();
        let line = Line {
            layout: Layout {
                netid: true,
                state: true,
                extended: false,
            },
            ..Line::PLAIN
        };
        write_unix(&mut s, &line, &u).unwrap();
        assert_eq!(squash(&s), "u_str LISTEN 2 5 @a@b 99 * 0");
    }

    #[test]
    fn test_unix_extended() {
        let mut raw = [0u8; 8];
        raw[0..4].copy_from_slice(&41u32.to_ne_bytes());
        raw[4..8].copy_from_slice(&42u32.to_ne_bytes());
        let u = UnixRecord {
            name: UnixName::Path(b"/run/a b"),
            vfs: Some((1234, (254 << 20) | 3)),
            rqlen: Some((2, 5)),
            icons: Some(Inodes::new_checked(&raw).unwrap()),
            shutdown: Some(0),
            uid: Some(0),
            ..UnixRecord::new(SockType::Stream, TcpState::Listen, 99)
        };
        let mut s: String<256> = String::new();
        let line = Line {
            layout: Layout {
                netid: true,
                state: true,
                extended: true,
            },
            ..Line::PLAIN
        };
        write_unix(&mut s, &line, &u).unwrap();
        assert_eq!(
            squash(&s),
            "u_str LISTEN 2 5 /run/a b 99 * 0 <-> ino:1234 dev:254/3 peers: 41 42"
        );
    }

    #[test]
    fn test_process() {
        let u = UnixRecord {
            rqlen: Some((0, 0)),
            ..UnixRecord::new(SockType::Stream, TcpState::Established, 7)
        };
        let line = Line {
            process: Some(&" users:((\"x\",pid=1,fd=3))"),
            process_json: Some(&",\"users\":[]"),
            ..Line::PLAIN
        };
        let mut s: String<256> = String::new();
        write_unix(&mut s, &line, &u).unwrap();
        assert_eq!(squash(&s), "0 0 * 7 * 0 users:((\"x\",pid=1,fd=3))");
    }
}
