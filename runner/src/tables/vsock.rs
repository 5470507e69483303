//! The vsock table: one `vsock_diag_req` for the states asked; the kernel
//! sends the whole 32-byte record, with nothing to choose.

use sockdiag_codec::wire::vsock::ReqRepr;

use super::Query;

pub(super) fn request(q: &Query<'_>) -> ReqRepr {
    ReqRepr::dump(q.states.0)
}
