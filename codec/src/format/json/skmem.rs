//! The `skmem` member: the `SK_MEMINFO_*` counters every kind may carry.

use core::fmt::{self, Write};

use crate::wire::sock_diag::{idx as sk, SkMemInfo};

/// Writes `,"skmem":{...}` with the entries the kernel sent, by their
/// `SK_MEMINFO_*` names in lower case (bytes, drops in packets).
pub(crate) fn write_skmem_member<W: Write>(w: &mut W, m: &SkMemInfo<'_>) -> fmt::Result {
    const NAMES: [&str; sk::DROPS + 1] = [
        "rmem_alloc",
        "rcvbuf",
        "wmem_alloc",
        "sndbuf",
        "fwd_alloc",
        "wmem_queued",
        "optmem",
        "backlog",
        "drops",
    ];
    w.write_str(",\"skmem\":{")?;
    for (i, v) in m.iter().enumerate() {
        let sep = if i > 0 { "," } else { "" };
        // An entry from a kernel newer than this table keeps its index.
        match NAMES.get(i) {
            Some(n) => write!(w, "{sep}\"{n}\":{v}")?,
            None => write!(w, "{sep}\"entry_{i}\":{v}")?,
        }
    }
    w.write_char('}')
}
