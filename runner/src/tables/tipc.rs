//! The TIPC table: one `tipc_sock_diag_req` for the states asked. The
//! kernel always sends every attribute; a socket the states rule out still
//! costs an empty message, which the walker skips.

use sockdiag_codec::wire::tipc::ReqRepr;

use super::Query;

pub(super) fn request(q: &Query<'_>) -> ReqRepr {
    ReqRepr::dump(q.states.0)
}
