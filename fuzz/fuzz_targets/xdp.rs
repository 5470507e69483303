//! Any bytes as a datagram of replies to an AF_XDP dump, walked as the runner walks
//! it (`Messages::for_family`): every record decoded, every field read,
//! re-emitted and parsed back equal; every payload through the message
//! views (see `sockdiag_codec_fuzz::family_datagram`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use sockdiag_codec::family;

fuzz_target!(|data: &[u8]| sockdiag_codec_fuzz::family_datagram(data, family::XDP));
