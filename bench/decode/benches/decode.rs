//! Decode throughput, records per second, of sockdiag-codec and of
//! netlink-packet-sock-diag on the same datagrams captured from the kernel.
//! Each decoder walks every message and every attribute it knows;
//! black_box keeps the results alive.
//!
//!     cargo bench -p sockdiag-bench

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use netlink_packet_core::{NetlinkMessage, NetlinkPayload};
use netlink_packet_sock_diag::SockDiagMessage;
use sockdiag_bench::{capture, tcp_request, unix_request, Dump, Farm};
use sockdiag_codec::wire::datagram::{Body, Messages};

/// Records sockdiag-codec decodes from the datagrams.
fn codec(dump: &Dump) -> usize {
    let mut records = 0;
    for datagram in &dump.datagrams {
        for msg in Messages::new(datagram) {
            match msg.expect("decodes").body {
                Body::Inet(rec) => {
                    black_box(&rec);
                    records += 1;
                }
                Body::Unix(rec) => {
                    black_box(&rec);
                    records += 1;
                }
                _ => {}
            }
        }
    }
    records
}

/// Records netlink-packet-sock-diag decodes from the datagrams.
fn netlink_packet(dump: &Dump) -> usize {
    let mut records = 0;
    for datagram in &dump.datagrams {
        let mut at = 0;
        while at < datagram.len() {
            let msg =
                NetlinkMessage::<SockDiagMessage>::deserialize(&datagram[at..]).expect("decodes");
            let len = msg.header.length as usize;
            if let NetlinkPayload::InnerMessage(m) = msg.payload {
                black_box(&m);
                records += 1;
            }
            // Messages are 4-byte aligned within the datagram.
            at += (len + 3) & !3;
        }
    }
    records
}

fn decode(c: &mut Criterion) {
    // About as many sockets as one RLIMIT_NOFILE of 20,000 allows.
    let _farm = Farm::new(4000, 2000);
    for (table, dump) in [
        ("tcp", capture(&tcp_request())),
        ("unix", capture(&unix_request())),
    ] {
        // Both decoders must see every record, or the race is not fair.
        assert_eq!(codec(&dump), dump.records);
        assert_eq!(netlink_packet(&dump), dump.records);
        let bytes: usize = dump.datagrams.iter().map(Vec::len).sum();
        println!(
            "{table}: {} records in {} datagrams, {bytes} bytes",
            dump.records,
            dump.datagrams.len()
        );
        let mut group = c.benchmark_group(table);
        group.throughput(Throughput::Elements(dump.records as u64));
        group.bench_function("sockdiag-codec", |b| b.iter(|| codec(black_box(&dump))));
        group.bench_function("netlink-packet-sock-diag", |b| {
            b.iter(|| netlink_packet(black_box(&dump)))
        });
        group.finish();
    }
}

criterion_group!(benches, decode);
criterion_main!(benches);
