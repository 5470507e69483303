//! What every fuzz target shares: walking a datagram the way the runner
//! does and touching every accessor of what comes out, so each target is a
//! few lines. The pattern for a new decoder: add its calls to [`message`]
//! (or a sibling function here), then a target in `fuzz_targets/` that feeds
//! it, a `[[bin]]` in Cargo.toml, and seeds in `corpus/<target>/`.
//!
//! Beyond "no panic, no endless loop", the checks here are: the JSON the
//! formatter streams is valid JSON, and views agree with the records built
//! from them.

use core::fmt::{self, Write};

use sockdiag_codec::format::columns::{unix_queues, Layout, RowOut, Rows};
use sockdiag_codec::format::json::JsonArray;
use sockdiag_codec::format::line::Line;
use sockdiag_codec::format::text;
use sockdiag_codec::wire::attr::Attrs;
use sockdiag_codec::wire::datagram::{Body, Message, Messages};
use sockdiag_codec::wire::inet::{self, InetRecord};
use sockdiag_codec::wire::nlmsg::{self, Packet};
use sockdiag_codec::wire::tipc::{self, TipcRecord};
use sockdiag_codec::wire::unix::{self, UnixRecord};
use sockdiag_codec::wire::vsock::{self, VsockRecord};
use sockdiag_codec::wire::xdp::{self, XdpRecord};
use sockdiag_codec::wire::{inet_legacy, sock_diag};
use sockdiag_codec::Error;

/// Discards output; formatting cost and panics are what matter here.
pub struct Sink;

impl Write for Sink {
    fn write_str(&mut self, _: &str) -> fmt::Result {
        Ok(())
    }
}

impl RowOut for Sink {
    fn write_bytes(&mut self, _: &[u8]) -> fmt::Result {
        Ok(())
    }
}

/// The layouts the runner can ask for.
const LAYOUTS: [Layout; 2] = [
    Layout {
        netns: true,
        netid: true,
        state: true,
        no_queues: false,
        process: true,
        extended: true,
    },
    Layout {
        netns: false,
        netid: false,
        state: false,
        no_queues: true,
        process: false,
        extended: false,
    },
];

/// Writes a row twice through the row buffer the runner uses, small enough
/// that long rows overflow (the second is refused, then cut when alone),
/// and lays the rows out compact and for an 80-column terminal.
pub fn text_row(layout: Layout, write: impl Fn(&mut Rows<[u8; 400]>) -> fmt::Result) {
    let Some(mut rows) = Rows::new([0u8; 400], layout) else {
        unreachable!("400 bytes hold a row of empty cells")
    };
    for _ in 0..2 {
        rows.begin_row();
        let _ = write(&mut rows);
        if !rows.end_row() {
            rows.clear();
            rows.begin_row();
            let _ = write(&mut rows);
            assert!(rows.end_row(), "an empty buffer takes any row");
        }
    }
    let widths = *rows.widths();
    let _ = rows.render(&mut Sink, &widths, false);
    let _ = rows.render(&mut Sink, &widths.fit_screen(&layout, 80), true);
}

/// Every attribute in `bytes`, with every typed read tried on each.
pub fn attrs(bytes: &[u8]) {
    for a in Attrs::new(bytes) {
        let Ok(a) = a else { break };
        let _ = (a.kind(), a.raw_kind(), a.len(), a.is_empty(), a.payload());
        let _ = (a.u8(), a.u32_ne(), a.u64_ne());
    }
}

/// Every optional part of a line on; `numeric` and `oneline` vary.
fn all_extras(variant: usize) -> Line<'static> {
    Line {
        layout: LAYOUTS[0],
        timer: true,
        tos: true,
        memory: true,
        info: true,
        numeric: variant % 2 == 0,
        oneline: variant % 3 == 0,
        ..Line::PLAIN
    }
}

/// One inet record through both output formats, with its detail
/// attributes read as each protocol's (tcp_info, sctp, mptcp...).
pub fn inet_record(rec: &InetRecord<'_>, json: &mut JsonArray, out: &mut String) {
    for layout in LAYOUTS {
        let line = Line {
            layout,
            protocol: inet::proto::TCP,
            ifname: Some("lo"),
            ..Line::PLAIN
        };
        text_row(line.layout, |r| text::write_inet(r, &line, rec, None));
    }
    let named = Line {
        protocol: inet::proto::TCP,
        ifname: Some("eth\"0\\"),
        ..Line::PLAIN
    };
    let _ = json.inet(out, &named, rec, None);
    let extras = all_extras(rec.attrs.len());
    for proto in [
        inet::proto::TCP,
        inet::proto::UDP,
        inet::proto::SCTP,
        inet::proto::MPTCP,
    ] {
        if let Ok(d) = rec.details(proto) {
            let line = Line {
                protocol: proto,
                ..extras
            };
            text_row(line.layout, |r| text::write_inet(r, &line, rec, Some(&d)));
            let _ = json.inet(out, &line, rec, Some(&d));
        }
    }
    let _ = (rec.state.mask(), rec.timer.raw());
    attrs(rec.attrs);
}

/// One unix record through both output formats and every accessor.
pub fn unix_record(rec: &UnixRecord<'_>, json: &mut JsonArray, out: &mut String) {
    for layout in LAYOUTS {
        let line = Line {
            layout,
            ..Line::PLAIN
        };
        text_row(line.layout, |r| text::write_unix(r, &line, rec));
    }
    let _ = json.unix(out, &Line::PLAIN, rec);
    let _ = unix_queues(rec);
    if let Some(icons) = rec.icons {
        assert_eq!(icons.iter().count(), icons.len());
        assert_eq!(icons.is_empty(), icons.len() == 0);
    }
    let _ = (rec.sock_type.raw(), rec.state.mask());
    attrs(rec.attrs);
}

/// Re-emits a record (`emit`, `buffer_len`, `parse_bytes` of a record
/// type): into a buffer one byte short it is `BufferTooSmall`; into its
/// own length it parses back equal and emits the same bytes again.
macro_rules! roundtrip {
    ($rec:expr, $ty:ident) => {{
        let rec = $rec;
        let len = rec.buffer_len();
        let mut buf = vec![0xa5u8; len];
        assert_eq!(rec.emit(&mut buf[..len - 1]), Err(Error::BufferTooSmall));
        assert_eq!(rec.emit(&mut buf), Ok(len));
        let back = $ty::parse_bytes(&buf).unwrap();
        assert_eq!(back, *rec);
        let mut again = vec![0x5au8; len];
        assert_eq!(back.emit(&mut again), Ok(len));
        assert_eq!(again, buf);
    }};
}

/// One vsock record: every field read, and the round trip.
pub fn vsock_record(rec: &VsockRecord<'_>) {
    let _ = (rec.sock_type.raw(), rec.state.mask(), rec.shutdown);
    let _ = (
        rec.src.cid == vsock::ANY,
        rec.dst.port,
        rec.inode,
        rec.cookie,
    );
    attrs(rec.attrs);
    roundtrip!(rec, VsockRecord);
}

/// One XDP record: every field read, and the round trip.
pub fn xdp_record(rec: &XdpRecord<'_>) {
    let _ = (rec.sock_type, rec.inode, rec.cookie, rec.uid, rec.rqueue());
    let _ = (
        rec.info,
        rec.rx_ring,
        rec.tx_ring,
        rec.fill_ring,
        rec.completion_ring,
    );
    if let Some(u) = rec.umem {
        let _ = (u.size, u.zero_copy(), u.refs);
    }
    if let Some(m) = rec.meminfo {
        assert_eq!(m.iter().count(), m.len());
    }
    if let Some(s) = rec.stats {
        let _ = (
            s.rx_dropped(),
            s.rx_invalid(),
            s.rx_full(),
            s.fill_ring_empty(),
        );
        let _ = (s.tx_invalid(), s.tx_ring_empty());
    }
    attrs(rec.attrs);
    roundtrip!(rec, XdpRecord);
}

/// One TIPC record: every field read, and the round trip.
pub fn tipc_record(rec: &TipcRecord<'_>) {
    let _ = (
        rec.node,
        rec.port,
        rec.has_publ,
        rec.inode,
        rec.uid,
        rec.cookie,
    );
    let _ = (rec.sock_type.map(|t| t.raw()), rec.state.map(|s| s.mask()));
    let _ = (rec.con, rec.stat, rec.group, rec.rqueue(), rec.wqueue());
    attrs(rec.attrs);
    roundtrip!(rec, TipcRecord);
}

/// One decoded message, whatever it carries.
pub fn message(msg: &Message<'_>, json: &mut JsonArray, out: &mut String) {
    match &msg.body {
        Body::Inet(rec) => inet_record(rec, json, out),
        Body::Unix(rec) => unix_record(rec, json, out),
        Body::Netlink(rec) => {
            let extras = all_extras(rec.attrs.len());
            for layout in LAYOUTS {
                let line = Line {
                    layout,
                    owner: Some("comm"),
                    ..extras
                };
                text_row(line.layout, |r| text::write_netlink(r, &line, rec));
            }
            let _ = json.netlink(out, &extras, rec);
            attrs(rec.attrs);
        }
        Body::Packet(rec) => {
            let extras = all_extras(rec.attrs.len());
            for layout in LAYOUTS {
                let line = Line { layout, ..extras };
                text_row(line.layout, |r| text::write_packet(r, &line, rec));
            }
            let lo = Line {
                ifname: Some("lo"),
                ..extras
            };
            let _ = json.packet(out, &lo, rec);
            attrs(rec.attrs);
        }
        Body::Vsock(rec) => {
            vsock_record(rec);
            let extras = all_extras(rec.attrs.len());
            for layout in LAYOUTS {
                let line = Line { layout, ..extras };
                text_row(line.layout, |r| text::write_vsock(r, &line, rec));
            }
            let _ = json.vsock(out, &extras, rec);
        }
        Body::Xdp(rec) => {
            xdp_record(rec);
            let extras = all_extras(rec.attrs.len());
            for layout in LAYOUTS {
                let line = Line { layout, ..extras };
                text_row(line.layout, |r| text::write_xdp(r, &line, rec));
            }
            let _ = json.xdp(out, &extras, rec);
        }
        Body::Tipc(rec) => {
            tipc_record(rec);
            let extras = all_extras(rec.attrs.len());
            for layout in LAYOUTS {
                let line = Line {
                    layout,
                    tipcinfo: true,
                    ..extras
                };
                text_row(line.layout, |r| text::write_tipc(r, &line, rec));
            }
            let _ = json.tipc(out, &extras, rec);
        }
        Body::OtherDiag { payload, .. } => attrs(payload),
        Body::Error { errno } | Body::Done { errno } => {
            let _ = errno.checked_neg();
        }
    }
}

/// The views under the records: each `SOCK_DIAG_BY_FAMILY` (or legacy
/// `TCPDIAG_GETSOCK`) payload through
/// both message views, whatever family it claims, and the records built
/// from a view must equal the ones [`Messages`] yields.
fn views(datagram: &[u8]) {
    let mut rest = datagram;
    while let Ok(packet) = Packet::new_checked(rest) {
        let _ = (
            packet.len(),
            packet.is_empty(),
            packet.flags(),
            packet.seq(),
        );
        let payload = packet.payload();
        if matches!(
            packet.msg_type(),
            sock_diag::SOCK_DIAG_BY_FAMILY | inet_legacy::TCPDIAG_GETSOCK
        ) {
            if let Ok(v) = inet::MsgView::new_checked(payload) {
                let _ = (v.family(), v.state(), v.timer(), v.retrans(), v.id());
                let _ = (v.expires(), v.rqueue(), v.wqueue(), v.uid(), v.inode());
                for a in v.attrs() {
                    let _ = a.map(|a| a.payload());
                }
                if let Ok(r) = InetRecord::parse(&v) {
                    assert_eq!(InetRecord::parse_bytes(payload), Ok(r));
                }
            }
            if let Ok(v) = unix::MsgView::new_checked(payload) {
                let _ = (v.sock_type(), v.state(), v.inode(), v.cookie());
                for a in v.attrs() {
                    let _ = a.map(|a| a.payload());
                }
                if let Ok(r) = UnixRecord::parse(&v) {
                    assert_eq!(UnixRecord::parse_bytes(payload), Ok(r));
                }
            }
            if let Ok(v) = vsock::MsgView::new_checked(payload) {
                let _ = (
                    v.sock_type(),
                    v.state(),
                    v.shutdown(),
                    v.inode(),
                    v.cookie(),
                );
                let _ = (v.src_cid(), v.src_port(), v.dst_cid(), v.dst_port());
                if let Ok(r) = VsockRecord::parse(&v) {
                    assert_eq!(VsockRecord::parse_bytes(payload), Ok(r));
                }
            }
            if let Ok(v) = xdp::MsgView::new_checked(payload) {
                let _ = (v.sock_type(), v.inode(), v.cookie());
                if let Ok(r) = XdpRecord::parse(&v) {
                    assert_eq!(XdpRecord::parse_bytes(payload), Ok(r));
                }
            }
            // Any payload may be a TIPC reply: nothing in it says otherwise.
            if let Ok(v) = tipc::MsgView::new_checked(payload) {
                for a in v.attrs() {
                    let _ = a.map(|a| a.payload());
                }
                if let Ok(r) = TipcRecord::parse(&v) {
                    assert_eq!(TipcRecord::parse_bytes(payload), Ok(r));
                    tipc_record(&r);
                }
            }
        }
        let step = (packet.len() as usize + 3) & !3;
        match rest.get(step..) {
            Some(r) if step > 0 => rest = r,
            _ => break,
        }
    }
}

/// A datagram of replies to a dump of `family`, walked as the runner walks
/// it ([`Messages::for_family`]): every message through [`message`].
pub fn family_datagram(data: &[u8], family: u8) {
    views(data);
    let mut json = JsonArray::new();
    let mut out = String::new();
    for msg in Messages::for_family(data, family) {
        let Ok(msg) = msg else { break };
        message(&msg, &mut json, &mut out);
    }
    let _ = json.finish(&mut out);
    check_json(&out);
}

/// A whole datagram as the runner handles it: every message through
/// [`message`], then the JSON array closed and checked for validity.
pub fn datagram(data: &[u8]) {
    views(data);
    // A datagram the runner's second process would receive past holds no
    // end of the reply (else the dump's end would never be read).
    let goes_on = nlmsg::continues(data);
    let mut json = JsonArray::new();
    let mut out = String::new();
    for msg in Messages::new(data) {
        let Ok(msg) = msg else { break };
        if goes_on {
            assert!(
                !matches!(msg.body, Body::Done { .. } | Body::Error { .. }),
                "continues() past {msg:?}"
            );
        }
        message(&msg, &mut json, &mut out);
    }
    let _ = json.finish(&mut out);
    check_json(&out);
}

/// Panics unless `text` is one valid JSON value.
pub fn check_json(text: &str) {
    if let Err(e) = serde_json::from_str::<serde_json::Value>(text) {
        panic!("invalid JSON ({e}):\n{text}");
    }
}
