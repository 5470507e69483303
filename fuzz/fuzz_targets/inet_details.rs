//! Any bytes as the attributes of one inet socket: every INET_DIAG_*
//! decoder (tcp_info of any length, skmeminfo of any count, congestion
//! info, ULP/TLS, MPTCP, SCTP addresses, MD5 keys...) read as each
//! protocol's, then the detail line and JSON. The first byte picks the
//! family and state, so the walker's framing does not stand between the
//! fuzzer and the attribute decoders.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sockdiag_codec::family;
use sockdiag_codec::format::json::JsonArray;
use sockdiag_codec::wire::inet::{InetRecord, SockId, TcpState};

fuzz_target!(|data: &[u8]| {
    let Some((&sel, attrs)) = data.split_first() else {
        return;
    };
    let af = if sel & 1 == 0 {
        family::INET
    } else {
        family::INET6
    };
    let rec = InetRecord {
        family: af,
        attrs,
        ..InetRecord::new(TcpState::from(sel >> 1), SockId::any(af))
    };
    let mut json = JsonArray::new();
    let mut out = String::new();
    sockdiag_codec_fuzz::inet_record(&rec, &mut json, &mut out);
    let _ = json.finish(&mut out);
    sockdiag_codec_fuzz::check_json(&out);
});
