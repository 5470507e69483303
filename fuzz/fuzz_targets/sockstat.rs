//! Any text as /proc/net/sockstat, sockstat6 and snmp lines: the summary
//! parser (`-s`) and its writer.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sockdiag_codec::proc::sockstat::Summary;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut s = Summary::default();
    for line in text.lines() {
        s.feed_sockstat(line);
        s.feed_snmp(line);
    }
    let mut out = String::new();
    let _ = s.write(&mut out);
});
