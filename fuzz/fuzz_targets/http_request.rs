//! Any bytes as what a client sent `sockdiag serve`, read as serve reads
//! them: httparse with 32 header slots, then the codec's routing and
//! response head for whatever it gives. Nothing panics, a complete head
//! lies within the input, and its prefixes are never complete.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sockdiag_codec::http::{route, write_head};

fuzz_target!(|data: &[u8]| {
    let mut headers = [httparse::EMPTY_HEADER; 32];
    let mut request = httparse::Request::new(&mut headers);
    let Ok(httparse::Status::Complete(len)) = request.parse(data) else {
        return;
    };
    assert!(len <= data.len());
    let (Some(method), Some(target)) = (request.method, request.path) else {
        return;
    };
    let status = route(method, target, "/metrics");
    let mut head = String::new();
    write_head(&mut head, status, "text/plain", data.len()).unwrap();
    assert!(head.ends_with("\r\n\r\n"));
    for cut in 0..len {
        let mut headers = [httparse::EMPTY_HEADER; 32];
        let partial = httparse::Request::new(&mut headers).parse(&data[..cut]);
        assert!(
            !matches!(partial, Ok(httparse::Status::Complete(_))),
            "{cut}"
        );
    }
});
