//! `-s`: ss's socket summary. The counters come from /proc/net/sockstat,
//! /proc/net/sockstat6 and /proc/net/snmp; sockdiag-codec parses and lays
//! them out.

use std::borrow::Cow;
use std::fs;

use sockdiag_codec::capture::{Kind, ProcText};

use sockdiag_codec::proc::sockstat::Summary;

use crate::error::Error;
use crate::host::context::Host;

/// Reads the counters from `proc_net`, the namespace's /proc net directory
/// (`Netns::proc_net`). A missing sockstat (no /proc) is an error naming
/// the file; a missing sockstat6 (no IPv6) or snmp leaves zeros, as in ss.
///
/// The texts are asked through `host` for namespace `netns` (0: the one
/// listed), so a replayed capture answers with the recording machine's.
pub fn read(host: &Host, netns: u64, proc_net: &str) -> Result<Summary, Error> {
    let mut s = Summary::default();
    let mut missing = None;
    let mut text = |file: ProcText, name: &str| {
        let path = format!("{proc_net}/{name}");
        let value = host.answer(Kind::ProcText, netns, file.into(), || {
            fs::read(&path)
                .map_err(|e| {
                    // The first failure is sockstat's, the one that counts.
                    missing.get_or_insert((e, path.clone()));
                })
                .ok()
                .map(Cow::Owned)
        });
        value.map(|v| String::from_utf8_lossy(&v).into_owned())
    };
    let v4 = text(ProcText::Sockstat, "sockstat");
    let v6 = text(ProcText::Sockstat6, "sockstat6");
    let snmp = text(ProcText::Snmp, "snmp");
    let Some(v4) = v4 else {
        let (error, path) = missing.unwrap_or_else(|| {
            let path = format!("{proc_net}/sockstat");
            (std::io::ErrorKind::NotFound.into(), path)
        });
        return Err(Error::ProcFile { path, error });
    };
    v4.lines().for_each(|l| s.feed_sockstat(l));
    if let Some(v6) = v6 {
        v6.lines().for_each(|l| s.feed_sockstat(l));
    }
    if let Some(snmp) = snmp {
        snmp.lines().for_each(|l| s.feed_snmp(l));
    }
    Ok(s)
}
