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
    let files = [
        (ProcText::Sockstat, "sockstat"),
        (ProcText::Sockstat6, "sockstat6"),
        (ProcText::Snmp, "snmp"),
    ];
    for (file, name) in files {
        let path = format!("{proc_net}/{name}");
        let mut error = None;
        let text = host.answer(Kind::ProcText, netns, file.into(), || {
            fs::read(&path)
                .map_err(|e| error = Some(e))
                .ok()
                .map(Cow::Owned)
        });
        let Some(text) = text else {
            if file != ProcText::Sockstat {
                continue;
            }
            let error = error.unwrap_or_else(|| std::io::ErrorKind::NotFound.into());
            return Err(Error::ProcFile { path, error });
        };
        for line in String::from_utf8_lossy(&text).lines() {
            match file {
                ProcText::Snmp => s.feed_snmp(line),
                _ => s.feed_sockstat(line),
            }
        }
    }
    Ok(s)
}
