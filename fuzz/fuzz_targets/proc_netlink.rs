//! Any bytes as /proc/net/netlink: every line through the parser, every
//! socket through both output formats.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sockdiag_codec::format::columns::Layout;
use sockdiag_codec::format::json::JsonArray;
use sockdiag_codec::format::line::Line;
use sockdiag_codec::format::text;
use sockdiag_codec::proc::netlink::ProcNetlink;

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
        let Ok(Some(row)) = ProcNetlink::parse(line) else {
            continue;
        };
        assert!(row.record.attrs.is_empty());
        assert_eq!(row.record.inode, row.inode.unwrap_or(0));
        assert!(row.inode.is_none() || row.drops.is_some());
        let _ = (row.sk, row.groups, row.rmem, row.wmem, row.dump, row.refcnt);
        sockdiag_codec_fuzz::text_row(layout.layout, |r| {
            text::write_proc_netlink(r, &layout, &row)
        });
        let _ = json.netlink(&mut out, &layout, &row.record);
    }
    let _ = json.finish(&mut out);
    sockdiag_codec_fuzz::check_json(&out);
});
