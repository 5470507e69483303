//! The XDP table: one `xdp_diag_req` with the show flags the options need.

use sockdiag_codec::wire::inet::TcpState;
use sockdiag_codec::wire::xdp::{show, ReqRepr};

use super::Query;

pub(super) fn request(q: &Query<'_>) -> Option<ReqRepr> {
    // XDP sockets are always UNCONN to ss: other states show nothing.
    if !q.states.contains(TcpState::Close) {
        return None;
    }
    // INFO gives the interface, queue and owner, MEMINFO the Recv-Q; the
    // rings, umem and statistics only feed -e and JSON.
    let mut flags = show::INFO | show::MEMINFO;
    if q.extended || q.json {
        flags |= show::RING_CFG | show::UMEM | show::STATS;
    }
    Some(ReqRepr::dump(flags))
}
