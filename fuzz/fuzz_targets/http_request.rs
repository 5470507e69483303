//! Any bytes as what a client sent `sockdiag serve`: the request head
//! parser never panics, a complete head lies within the input and is
//! made of the checked alphabet, routing and the response head work on
//! whatever it gives, and every prefix of a complete head is `Partial`
//! or the same error class as a byte-wise read would meet.
#![no_main]

use std::fmt::Write as _;

use libfuzzer_sys::fuzz_target;
use sockdiag_codec::http::{parse, route, write_head, Parsed};

fuzz_target!(|data: &[u8]| {
    match parse(data) {
        Ok(Parsed::Complete(r)) => {
            assert!(r.len <= data.len());
            assert!(r.minor <= 1);
            assert!(!r.method.is_empty() && !r.target.is_empty());
            assert!(r.target.bytes().all(|b| (0x21..0x7f).contains(&b)));
            // The head as the server reads it arrives in pieces: no
            // prefix is already complete, none is refused.
            for cut in 0..r.len {
                assert!(!matches!(parse(&data[..cut]), Ok(Parsed::Complete(_))), "{cut}");
                assert!(parse(&data[..cut]).is_ok(), "{cut}");
            }
            let status = route(&r, "/metrics");
            let mut head = String::new();
            write_head(&mut head, status, "text/plain", data.len()).unwrap();
            assert!(head.ends_with("\r\n\r\n"));
        }
        Ok(Parsed::Partial) => {}
        Err(e) => {
            let mut text = String::new();
            write!(text, "{e}").unwrap();
        }
    }
});
