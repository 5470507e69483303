//! Any bytes as /proc/net/packet: every line through the parser, every
//! socket through both output formats.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sockdiag_codec::format::columns::Layout;
use sockdiag_codec::format::json::JsonArray;
use sockdiag_codec::format::line::Line;
use sockdiag_codec::format::text;
use sockdiag_codec::proc::packet::ProcPacket;

fuzz_target!(|data: &[u8]| {
    let mut json = JsonArray::new();
    let mut out = String::new();
    let layout = Line {
        layout: Layout {
            netid: true,
            state: true,
            extended: true,
            ..Layout::default()
        },
        ..Line::PLAIN
    };
    for line in data.split(|&b| b == b'\n') {
        let Ok(Some(row)) = ProcPacket::parse(line) else {
            continue;
        };
        assert!(row.record.attrs.is_empty() && row.record.uid.is_some());
        let _ = (row.sk, row.refcnt, row.ifindex, row.running, row.rmem);
        sockdiag_codec_fuzz::text_row(layout.layout, |r| text::write_proc_packet(r, &layout, &row));
        let _ = json.packet(
            &mut out,
            &Line {
                ifname: Some("lo"),
                ..layout
            },
            &row.record,
        );
    }
    let _ = json.finish(&mut out);
    sockdiag_codec_fuzz::check_json(&out);
});
