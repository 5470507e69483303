//! `-s`: ss's socket summary. The counters come from /proc/net/sockstat,
//! /proc/net/sockstat6 and /proc/net/snmp; sockdiag-codec parses and lays
//! them out.

use std::fs;

use sockdiag_codec::proc::sockstat::Summary;

use crate::error::Error;

/// Reads the counters from `proc_net`, the namespace's /proc net directory
/// (`Netns::proc_net`). A missing sockstat (no /proc) is an error naming
/// the file; a missing sockstat6 (no IPv6) or snmp leaves zeros, as in ss.
pub fn read(proc_net: &str) -> Result<Summary, Error> {
    let mut s = Summary::default();
    let path = format!("{proc_net}/sockstat");
    let v4 = fs::read_to_string(&path).map_err(|error| Error::ProcFile {
        path: path.into(),
        error,
    })?;
    v4.lines().for_each(|l| s.feed_sockstat(l));
    if let Ok(v6) = fs::read_to_string(format!("{proc_net}/sockstat6")) {
        v6.lines().for_each(|l| s.feed_sockstat(l));
    }
    if let Ok(snmp) = fs::read_to_string(format!("{proc_net}/snmp")) {
        snmp.lines().for_each(|l| s.feed_snmp(l));
    }
    Ok(s)
}
