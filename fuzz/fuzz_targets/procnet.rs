//! Any text as /proc/net/raw{,6} (or tcp/udp): every line through the
//! parser, every socket through both output formats.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sockdiag_codec::format::json::JsonArray;
use sockdiag_codec::proc::inet::parse_line;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut json = JsonArray::new();
    let mut out = String::new();
    for line in text.lines() {
        if let Ok(Some(rec)) = parse_line(line) {
            assert!(rec.attrs.is_empty());
            sockdiag_codec_fuzz::inet_record(&rec, &mut json, &mut out);
        }
    }
    let _ = json.finish(&mut out);
    sockdiag_codec_fuzz::check_json(&out);
});
