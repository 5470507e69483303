//! Any text as /proc/net/{tcp,udp,raw}{,6}: every line through the parser
//! as each table's, every socket through both output formats; the
//! listener's unknown backlog and the table-specific columns checked.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sockdiag_codec::format::json::JsonArray;
use sockdiag_codec::proc::inet::{parse_line, ProcInet, Table, USER_HZ};
use sockdiag_codec::wire::inet::TcpState;

fuzz_target!(|data: &[u8]| {
    let mut json = JsonArray::new();
    let mut out = String::new();
    for line in data.split(|&b| b == b'\n') {
        for table in [Table::Tcp, Table::Udp, Table::Raw] {
            let Ok(Some(row)) = ProcInet::parse(line, table, USER_HZ) else {
                continue;
            };
            let rec = &row.record;
            assert!(rec.attrs.is_empty());
            let listener = table == Table::Tcp && rec.state == TcpState::Listen;
            assert_eq!(row.send_q, (!listener).then_some(rec.wqueue));
            assert!(table == Table::Tcp || row.tcp.is_none());
            assert!(table != Table::Tcp || row.drops.is_none());
            assert_eq!(rec.protocol.is_some(), table == Table::Raw);
            sockdiag_codec_fuzz::inet_record(rec, &mut json, &mut out);
        }
        if let Ok(text) = std::str::from_utf8(line) {
            let udp = ProcInet::parse(line, Table::Udp, USER_HZ);
            assert_eq!(parse_line(text), udp.map(|r| r.map(|r| r.record)));
        }
    }
    let _ = json.finish(&mut out);
    sockdiag_codec_fuzz::check_json(&out);
});
