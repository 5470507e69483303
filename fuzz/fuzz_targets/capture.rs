//! Any bytes as a `--dump-raw` capture file: the header check, the record
//! iterator, and every record through the decoder `--decode` would use.
//! The records must also survive a re-emission unchanged, and so must a
//! namespace record that parses, with its Netns cell and JSON members,
//! and a host-context record (version 2) with its holders.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::fmt::Write;

use sockdiag_codec::capture::{self, Capture, Kind};
use sockdiag_codec::format::columns::{Cells, Column, Layout};
use sockdiag_codec::format::json::JsonArray;
use sockdiag_codec::format::line::Line;
use sockdiag_codec::format::netns::Cell;
use sockdiag_codec::netns::Netns;
use sockdiag_codec::proc::inet as procnet;
use sockdiag_codec::wire::nlmsg::Packet;
use sockdiag_codec::wire::unix::UnixRecord;
use sockdiag_codec::wire::{inet, inet_legacy, unix};

/// A unix socket with nothing but its header, to carry namespace members.
fn unix_socket() -> UnixRecord<'static> {
    static MSG: [u8; 16] = [1, 1, 7, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    UnixRecord::parse_bytes(&MSG).unwrap()
}

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
            Kind::Netns => {
                if let Ok(ns) = Netns::parse(rec.data) {
                    let mut again = vec![0u8; ns.buffer_len()];
                    assert_eq!(ns.emit(&mut again), Ok(rec.data.len()));
                    assert_eq!(again, rec.data);
                    let cell = Cell(&ns).to_string();
                    // The cell leads a row of the layout.
                    let layout = Layout {
                        netns: true,
                        ..Layout::default()
                    };
                    sockdiag_codec_fuzz::text_row(layout, |r| {
                        r.cell(Column::Netns)?;
                        r.write_str(&cell)?;
                        r.cell(Column::Local)?;
                        write!(r, "{}", ns.label())
                    });
                    // The namespace's members lead each JSON object.
                    let line = Line {
                        netns: Some(&ns),
                        ..Line::PLAIN
                    };
                    let mut json = JsonArray::new();
                    let mut out = String::new();
                    json.unix(&mut out, &line, &unix_socket()).unwrap();
                    json.finish(&mut out).unwrap();
                    sockdiag_codec_fuzz::check_json(&out);
                }
            }
            // Host context: the fixed part re-emits as read, and so does
            // every holder of a holders record.
            k if k.is_context() => {
                if let Ok(c) = capture::Context::parse(rec.data) {
                    let mut head = [0u8; capture::Context::HEADER_LEN];
                    assert_eq!(c.emit_header(&mut head), Ok(head.len()));
                    assert_eq!(&head[..], &rec.data[..head.len()]);
                    if k == Kind::Holders {
                        let mut again = Vec::new();
                        for h in capture::Holders::new(c.value).map_while(Result::ok) {
                            let at = again.len();
                            again.resize(at + h.buffer_len(), 0);
                            assert_eq!(h.emit(&mut again[at..]), Ok(h.buffer_len()));
                        }
                        assert!(c.value.starts_with(&again));
                    }
                }
            }
            _ => {}
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
