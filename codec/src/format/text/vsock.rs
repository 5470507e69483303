//! A vsock socket's line as ss prints it: Netid `v_str` or `v_dgr`, no
//! queues, `CID:PORT` on both sides with `*` for an unbound CID or port.
//! ss has nothing more to show for vsock: no `-e`, `-m` or `-i` members.

use core::fmt::{self, Write};

use crate::format::columns::{write_lead, Cells, Column};
use crate::format::line::Line;
use crate::format::names::vsock_netid;
use crate::wire::vsock::{VsockRecord, ANY};

/// A CID or port as ss prints it: `*` for any, else the number.
pub(crate) struct VsockNumber(pub u32);

impl fmt::Display for VsockNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            ANY => f.write_char('*'),
            n => write!(f, "{n}"),
        }
    }
}

/// Writes one vsock socket as a table row, with `-p`'s processes.
pub fn write_vsock<W: Cells>(w: &mut W, line: &Line<'_>, rec: &VsockRecord<'_>) -> fmt::Result {
    write_lead(w, vsock_netid(rec.sock_type), rec.state, 0, 0)?;
    write!(w, "{}:", VsockNumber(rec.src.cid))?;
    w.cell(Column::LocalPort)?;
    write!(w, "{}", VsockNumber(rec.src.port))?;
    w.cell(Column::Peer)?;
    write!(w, "{}:", VsockNumber(rec.dst.cid))?;
    w.cell(Column::PeerPort)?;
    write!(w, "{}", VsockNumber(rec.dst.port))?;
    w.cell(Column::Process)?;
    if let Some(process) = line.process {
        write!(w, "{process}")?;
    }
    w.cell(Column::Details)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::format::columns::tests::{row, squash};
    use crate::format::columns::Layout;
    use crate::wire::inet::TcpState;
    use crate::wire::sock_diag::SockType;
    use crate::wire::vsock::{cid, VsockAddr};
    use heapless::String;

    /// A loopback connection's accepted end: local 1:1234, peer 1:<port>.
    pub(crate) fn vsock_rec(sock_type: SockType, state: TcpState) -> VsockRecord<'static> {
        VsockRecord {
            sock_type,
            state,
            shutdown: 0,
            src: VsockAddr {
                cid: cid::LOCAL,
                port: 1234,
            },
            dst: VsockAddr {
                cid: cid::LOCAL,
                port: 3_000_000_001,
            },
            inode: 77,
            cookie: 0x2a,
            attrs: &[],
        }
    }

    fn text(line: &Line<'_>, rec: &VsockRecord<'_>) -> String<2048> {
        row(line.layout, |w| write_vsock(w, line, rec))
    }

    #[test]
    fn test_vsock_line() {
        let line = Line {
            layout: Layout {
                netid: true,
                state: true,
                extended: true,
                process: true,
                ..Layout::default()
            },
            process: Some(&" users:((\"helper\",pid=9,fd=4))"),
            ..Line::PLAIN
        };
        let rec = vsock_rec(SockType::Stream, TcpState::Established);
        assert_eq!(
            squash(&text(&line, &rec)),
            "v_str ESTAB 0 0 1:1234 1:3000000001 users:((\"helper\",pid=9,fd=4))"
        );
        // A listener bound to any CID, with no peer; -e adds nothing.
        let rec = VsockRecord {
            src: VsockAddr {
                cid: ANY,
                port: 1234,
            },
            dst: VsockAddr {
                cid: ANY,
                port: ANY,
            },
            ..vsock_rec(SockType::Stream, TcpState::Listen)
        };
        assert_eq!(
            squash(&text(
                &Line {
                    process: None,
                    ..line
                },
                &rec
            )),
            "v_str LISTEN 0 0 *:1234 *:*"
        );
        let rec = vsock_rec(SockType::Dgram, TcpState::Close);
        assert_eq!(squash(&text(&Line::PLAIN, &rec)), "0 0 1:1234 1:3000000001");
        let rec = vsock_rec(SockType::SeqPacket, TcpState::Close);
        assert!(text(&line, &rec).starts_with("??? "));
    }
}
