//! Any text as /proc/net/netstat: the ListenOverflows and ListenDrops
//! reader never panics, and a counter it reports is a word of a
//! `TcpExt:` line of the text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sockdiag_codec::proc::netstat::ListenCounters;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let c = ListenCounters::parse(text);
    for v in [c.overflows, c.drops].into_iter().flatten() {
        let stands = text
            .lines()
            .filter_map(|l| l.strip_prefix("TcpExt:"))
            .flat_map(str::split_whitespace)
            .any(|w| w.parse() == Ok(v));
        assert!(stands, "{v} in {text:?}");
    }
});
