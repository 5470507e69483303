//! Every inet and unix record a datagram decodes to is emitted again and
//! must parse back identical, byte for byte on the second emission; a
//! buffer one byte short must be `BufferTooSmall`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sockdiag_codec::wire::datagram::{Body, Messages};
use sockdiag_codec::wire::inet::InetRecord;
use sockdiag_codec::wire::unix::UnixRecord;
use sockdiag_codec::Error;

fuzz_target!(|data: &[u8]| {
    for msg in Messages::new(data) {
        let Ok(msg) = msg else { break };
        match msg.body {
            Body::Inet(rec) => {
                let mut buf = vec![0xa5u8; rec.buffer_len()];
                let short = rec.buffer_len() - 1;
                assert_eq!(rec.emit(&mut buf[..short]), Err(Error::BufferTooSmall));
                let len = rec.emit(&mut buf).unwrap();
                let back = InetRecord::parse_bytes(&buf[..len]).unwrap();
                assert_eq!(back, rec);
                let mut again = vec![0x5au8; len];
                assert_eq!(back.emit(&mut again), Ok(len));
                assert_eq!(again, buf);
            }
            Body::Unix(rec) => {
                let mut buf = vec![0xa5u8; rec.buffer_len()];
                let short = rec.buffer_len() - 1;
                assert_eq!(rec.emit(&mut buf[..short]), Err(Error::BufferTooSmall));
                let len = rec.emit(&mut buf).unwrap();
                let back = UnixRecord::parse_bytes(&buf[..len]).unwrap();
                assert_eq!(back, rec);
                let mut again = vec![0x5au8; len];
                assert_eq!(back.emit(&mut again), Ok(len));
                assert_eq!(again, buf);
            }
            _ => {}
        }
    }
});
