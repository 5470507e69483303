//! The netlink table: one `netlink_diag_req` for every protocol.

use sockdiag_codec::wire::inet::TcpState;
use sockdiag_codec::wire::netlink_diag::{show, ReqRepr};

use super::Query;

pub(super) fn request(q: &Query<'_>) -> Option<ReqRepr> {
    // Netlink sockets are always UNCONN to ss: other states show nothing.
    q.states
        .contains(TcpState::Close)
        .then(|| ReqRepr::dump(show::MEMINFO | show::GROUPS | show::FLAGS))
}
