//! Any bytes as /proc/net/unix: every line through the parser, every
//! socket through both output formats.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sockdiag_codec::format::json::JsonArray;
use sockdiag_codec::proc::unix::{ProcUnix, ACCEPTCON};
use sockdiag_codec::wire::inet::TcpState;

fuzz_target!(|data: &[u8]| {
    let mut json = JsonArray::new();
    let mut out = String::new();
    for line in data.split(|&b| b == b'\n') {
        let Ok(Some(row)) = ProcUnix::parse(line) else {
            continue;
        };
        let listener = row.flags & ACCEPTCON != 0;
        assert!(listener || row.record.state == row.socket_state.tcp_state());
        assert!(!listener || row.record.state == TcpState::Listen);
        assert_eq!((row.record.rqlen, row.record.uid), (None, None));
        sockdiag_codec_fuzz::unix_record(&row.record, &mut json, &mut out);
    }
    let _ = json.finish(&mut out);
    sockdiag_codec_fuzz::check_json(&out);
});
