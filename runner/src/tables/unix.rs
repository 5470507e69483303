//! The unix table: one `unix_diag_req` with the show flags the options need.

use sockdiag_codec::wire::unix::{show, ReqRepr};

use super::Query;

pub(super) fn request(q: &Query<'_>) -> ReqRepr {
    // NAME, PEER and RQLEN give ss's columns; UID and VFS are cheap and
    // feed -e and JSON.
    let mut flags = show::NAME | show::PEER | show::RQLEN | show::UID | show::VFS;
    // Pending-connection lists grow with the backlog; only -e and JSON
    // print them.
    if q.extended || q.json {
        flags |= show::ICONS;
    }
    if q.memory || q.json {
        flags |= show::MEMINFO;
    }
    ReqRepr::dump(q.states.0, flags)
}
