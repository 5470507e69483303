//! A unix socket's line as ss prints it: name and inode on the local side,
//! `*` and the peer's inode on the remote side; `-e` adds the shutdown
//! state, the bound file and a listener's pending connections.

use core::fmt;

use crate::format::columns::{unix_queues, write_lead, Cells, Column};
use crate::format::line::Line;
use crate::format::names::{unix_netid, write_unix_name};
use crate::format::number::Decimal;
use crate::format::text::skmem::write_skmem;
use crate::format::text::write_shutdown;
use crate::wire::inet::TcpState;
use crate::wire::unix::UnixRecord;

/// Writes one unix socket as a table row, with `-p`'s processes and `-m`'s
/// memory when `line` asks for them. As in ss, a space (not a `:`) joins
/// the name to the inode.
pub fn write_unix<W: Cells>(w: &mut W, line: &Line<'_>, rec: &UnixRecord<'_>) -> fmt::Result {
    let layout = &line.layout;
    let (rq, sq) = unix_queues(rec);
    write_lead(w, unix_netid(rec.sock_type), rec.state, rq, sq)?;
    write_unix_name(w, &rec.name)?;
    w.write_char(' ')?;
    w.cell(Column::LocalPort)?;
    w.write_str(Decimal::new(rec.inode.into()).as_str())?;
    w.cell(Column::Peer)?;
    w.write_str("* ")?;
    w.cell(Column::PeerPort)?;
    w.write_str(Decimal::new(rec.peer.unwrap_or(0).into()).as_str())?;
    w.cell(Column::Process)?;
    if let Some(process) = line.process {
        write!(w, "{process}")?;
    }
    w.cell(Column::Details)?;
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
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::columns::tests::{row, squash};
    use crate::format::columns::Layout;
    use crate::wire::sock_diag::SockType;
    use crate::wire::unix::{Inodes, UnixName};

    #[test]
    fn test_unix_line() {
        let u = UnixRecord {
            cookie: 0x10,
            name: UnixName::Abstract(b"a\0b"),
            rqlen: Some((2, 5)),
            ..UnixRecord::new(SockType::Stream, TcpState::Listen, 99)
        };
        let line = Line {
            layout: Layout {
                netid: true,
                state: true,
                ..Layout::default()
            },
            ..Line::PLAIN
        };
        let s = row(line.layout, |r| write_unix(r, &line, &u));
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
        let line = Line {
            layout: Layout {
                netid: true,
                state: true,
                extended: true,
                ..Layout::default()
            },
            ..Line::PLAIN
        };
        let s = row(line.layout, |r| write_unix(r, &line, &u));
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
            layout: Layout {
                process: true,
                ..Layout::default()
            },
            process: Some(&" users:((\"x\",pid=1,fd=3))"),
            process_json: Some(&",\"users\":[]"),
            ..Line::PLAIN
        };
        let s = row(line.layout, |r| write_unix(r, &line, &u));
        assert_eq!(squash(&s), "0 0 * 7 * 0 users:((\"x\",pid=1,fd=3))");
    }
}
