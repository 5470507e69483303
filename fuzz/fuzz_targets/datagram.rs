//! Any bytes as one received datagram: walk every message, and push every
//! record through both output formats, as the runner does. The codec promises
//! no panic and no endless loop on any input; this checks it.
#![no_main]

use core::fmt;

use libfuzzer_sys::fuzz_target;
use sockdiag_codec::dump::{Body, Messages};
use sockdiag_codec::format::{self, Extras, JsonArray, Layout};

/// Discards output; formatting cost and panics are what matter here.
struct Sink;

impl fmt::Write for Sink {
    fn write_str(&mut self, _: &str) -> fmt::Result {
        Ok(())
    }
}

fuzz_target!(|data: &[u8]| {
    let layout = Layout { netid: true, state: true, extended: true };
    let mut json = JsonArray::new();
    // Every optional part on: skmem, names (not numeric), one line.
    let extras = Extras { memory: true, oneline: data.len() % 2 == 0, ..Extras::NONE };
    for msg in Messages::new(data) {
        let Ok(msg) = msg else { break };
        match msg.body {
            Body::Inet(rec) => {
                let _ = format::write_inet(&mut Sink, &layout, "tcp", &rec, Some("lo"));
                let _ = json.inet(&mut Sink, "tcp", &rec, None);
                // Every detail attribute, read as each protocol's INFO.
                let extras = format::Extras {
                    timer: true,
                    tos: true,
                    memory: true,
                    info: true,
                    numeric: data.len() % 2 == 0,
                    oneline: data.len() % 3 == 0,
                    ..format::Extras::NONE
                };
                for proto in [6, 17, 132, 262] {
                    if let Ok(d) = rec.details(proto) {
                        let _ = format::write_inet_with(
                            &mut Sink, &layout, "tcp", &rec, None, &extras, Some(&d), proto,
                        );
                        let _ = json.inet_with(&mut Sink, "tcp", &rec, None, &extras, Some(&d));
                    }
                }
            }
            Body::Unix(rec) => {
                let _ = format::write_unix_with(&mut Sink, &layout, &rec, &extras);
                let _ = json.unix(&mut Sink, &rec);
            }
            Body::Netlink(rec) => {
                let _ = format::write_netlink(&mut Sink, &layout, &rec, Some("comm"), &extras);
                let _ = json.netlink(&mut Sink, &rec, &extras);
            }
            Body::Packet(rec) => {
                let _ = format::write_packet(&mut Sink, &layout, &rec, None, &extras);
                let _ = json.packet(&mut Sink, &rec, Some("lo"), &extras);
            }
            _ => {}
        }
    }
    let _ = json.finish(&mut Sink);
});
