//! A vsock socket's JSON object: every field of `vsock_diag_msg`. The
//! kernel sends no queues for vsock, so there is no `recv_q` or `send_q`
//! (ss's columns show 0).

use core::fmt::{self, Write};

use crate::format::json::JsonArray;
use crate::format::line::Line;
use crate::format::names::{state_name, vsock_netid};
use crate::wire::vsock::VsockRecord;

impl JsonArray {
    /// Writes one vsock socket object. CIDs and ports are the kernel's
    /// numbers: 4294967295 (`VMADDR_CID_ANY`, `VMADDR_PORT_ANY`) is ss's `*`.
    pub fn vsock<W: Write>(
        &mut self,
        w: &mut W,
        line: &Line<'_>,
        rec: &VsockRecord<'_>,
    ) -> fmt::Result {
        self.open(w, line)?;
        write!(
            w,
            "\"netid\":\"{}\",\"state\":\"{}\",\"type\":{},\"local_cid\":{},\"local_port\":{},\
             \"peer_cid\":{},\"peer_port\":{},\"shutdown\":{},\"inode\":{},\"cookie\":{}",
            vsock_netid(rec.sock_type),
            state_name(rec.state),
            rec.sock_type.raw(),
            rec.src.cid,
            rec.src.port,
            rec.dst.cid,
            rec.dst.port,
            rec.shutdown,
            rec.inode,
            rec.cookie
        )?;
        self.close(w, line)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::text::tests::vsock_rec;
    use crate::wire::inet::TcpState;
    use crate::wire::sock_diag::SockType;
    use heapless::String;

    #[test]
    fn test_vsock_object() {
        let rec = vsock_rec(SockType::Stream, TcpState::Established);
        let mut j: String<512> = String::new();
        let mut arr = JsonArray::new();
        arr.vsock(&mut j, &Line::PLAIN, &rec).unwrap();
        assert_eq!(
            j.as_str(),
            "[\n{\"netid\":\"v_str\",\"state\":\"ESTAB\",\"type\":1,\"local_cid\":1,\
             \"local_port\":1234,\"peer_cid\":1,\"peer_port\":3000000001,\"shutdown\":0,\
             \"inode\":77,\"cookie\":42}"
        );
    }
}
