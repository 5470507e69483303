//! Any bytes as a `--dump-raw` capture file: the header check, the record
//! iterator, and every record through the decoder `--decode` would use.
//! The records must also survive a re-emission unchanged.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sockdiag_codec::capture::{self, Capture, Kind};
use sockdiag_codec::wire::nlmsg::Packet;
use sockdiag_codec::proc::inet as procnet;
use sockdiag_codec::wire::{inet, inet_legacy, unix};

fuzz_target!(|data: &[u8]| {
    let Ok(cap) = Capture::new_checked(data) else {
        return;
    };
    let mut copy = vec![0u8; data.len()];
    let mut at = capture::emit_header(&mut copy).unwrap();
    for rec in cap.records() {
        let Ok(rec) = rec else { break };
        at += capture::emit_record(&mut copy[at..], rec.kind, rec.data).unwrap();
        match rec.kind {
            Kind::Datagram => sockdiag_codec_fuzz::datagram(rec.data),
            Kind::Request => {
                if let Ok(p) = Packet::new_checked(rec.data) {
                    let _ = inet::ReqRepr::parse(p.payload(), p.flags());
                    let _ = inet_legacy::ReqRepr::parse(p.payload(), p.flags());
                    let _ = unix::ReqRepr::parse(p.payload(), p.flags());
                }
            }
            Kind::ProcNetRaw | Kind::ProcNetRaw6 => {
                for line in rec.data.split(|&b| b == b'\n') {
                    if let Ok(line) = std::str::from_utf8(line) {
                        let _ = procnet::parse_line(line);
                    }
                }
            }
            Kind::Unknown(_) => {}
        }
    }
    let again = Capture::new_checked(&copy[..at]).unwrap();
    let a: Vec<_> = cap
        .records()
        .map_while(Result::ok)
        .map(|r| (r.kind, r.data))
        .collect();
    let b: Vec<_> = again
        .records()
        .map(|r| r.unwrap())
        .map(|r| (r.kind, r.data))
        .collect();
    assert_eq!(a, b);
});
