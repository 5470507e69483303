//! A unix socket's JSON object.

use core::fmt::{self, Write};

use crate::format::columns::unix_queues;
use crate::format::json::skmem::write_skmem_member;
use crate::format::json::{Escaping, JsonArray};
use crate::format::line::Line;
use crate::format::names::{state_name, unix_name_kind, unix_netid, write_unix_name};
use crate::wire::unix::UnixRecord;

impl JsonArray {
    /// Writes one unix socket object, with `line.process_json` (`-p`).
    pub fn unix<W: Write>(
        &mut self,
        w: &mut W,
        line: &Line<'_>,
        rec: &UnixRecord<'_>,
    ) -> fmt::Result {
        self.open(w, line)?;
        let (rq, sq) = unix_queues(rec);
        write!(
            w,
            "\"netid\":\"{}\",\"state\":\"{}\",\"recv_q\":{rq},\"send_q\":{sq},\"local_address\":\"",
            unix_netid(rec.sock_type),
            state_name(rec.state),
        )?;
        let mut name = Escaping(w);
        write_unix_name(&mut name, &rec.name)?;
        let kind = unix_name_kind(&rec.name);
        write!(
            w,
            "\",\"name_kind\":\"{kind}\",\"peer_address\":\"*\",\"inode\":{},\"peer_inode\":{},\"cookie\":{}",
            rec.inode,
            rec.peer.unwrap_or(0),
            rec.cookie
        )?;
        if let Some(v) = rec.uid {
            write!(w, ",\"uid\":{v}")?;
        }
        if let Some((ino, dev)) = rec.vfs {
            write!(w, ",\"vfs_inode\":{ino},\"vfs_dev\":{dev}")?;
        }
        if let Some(icons) = rec.icons {
            w.write_str(",\"pending\":[")?;
            for (i, ino) in icons.iter().enumerate() {
                write!(w, "{}{ino}", if i > 0 { "," } else { "" })?;
            }
            w.write_char(']')?;
        }
        if let Some(v) = rec.shutdown {
            write!(w, ",\"shutdown\":{v}")?;
        }
        if let Some(m) = rec.meminfo {
            write_skmem_member(w, &m)?;
        }
        self.close(w, line)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::inet::TcpState;
    use crate::wire::sock_diag::SockType;
    use crate::wire::unix::UnixName;
    use heapless::String;

    #[test]
    fn test_unix_object() {
        let u = UnixRecord {
            cookie: 0x10,
            name: UnixName::Abstract(b"a\0b"),
            rqlen: Some((2, 5)),
            ..UnixRecord::new(SockType::Stream, TcpState::Listen, 99)
        };
        let mut j: String<512> = String::new();
        let mut arr = JsonArray::new();
        arr.unix(&mut j, &Line::PLAIN, &u).unwrap();
        arr.finish(&mut j).unwrap();
        assert_eq!(
            j.as_str(),
            "[\n{\"netid\":\"u_str\",\"state\":\"LISTEN\",\"recv_q\":2,\"send_q\":5,\"local_address\":\"@a@b\",\
             \"name_kind\":\"abstract\",\"peer_address\":\"*\",\"inode\":99,\"peer_inode\":0,\"cookie\":16}\n]\n"
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
        let mut j: String<512> = String::new();
        JsonArray::new().unix(&mut j, &line, &u).unwrap();
        assert!(j.ends_with(",\"users\":[]}"), "{j}");
    }
}
