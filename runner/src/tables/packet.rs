//! The packet table: one `packet_diag_req` with what ss asks for.

use sockdiag_codec::wire::inet::TcpState;
use sockdiag_codec::wire::packet::{show, ReqRepr};

use super::Query;

pub(super) fn request(q: &Query<'_>) -> Option<ReqRepr> {
    // Packet sockets are always UNCONN to ss: other states show nothing.
    if !q.states.contains(TcpState::Close) {
        return None;
    }
    // What ss asks for; MCLIST only feeds JSON.
    let mut flags = show::INFO | show::MEMINFO | show::FILTER | show::RING_CFG | show::FANOUT;
    if q.json {
        flags |= show::MCLIST;
    }
    Some(ReqRepr::dump(flags))
}
