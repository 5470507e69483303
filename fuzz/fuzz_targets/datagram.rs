//! Any bytes as one received datagram: walk every message, decode it with
//! every typed decoder and view, and push every record through both output
//! formats, as the runner does (see `sockdiag_codec_fuzz::datagram`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| sockdiag_codec_fuzz::datagram(data));
