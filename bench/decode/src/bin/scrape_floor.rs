//! The floor of a `serve --all-netns` scrape: the kernel work any
//! exporter of these metrics must ask for in each namespace, with
//! everything opened beforehand as `serve` keeps it open. Per namespace:
//! one LISTEN-only dump of both IP families in one walk (the legacy
//! request, with SKMEMINFO, as sockdiag asks), its messages counted and
//! not decoded, and one read of each /proc net file the metrics come from
//! (netstat, sockstat, sockstat6, snmp). Nothing else: no decoding, no
//! exposition, no namespace discovery.
//!
//! ```text
//! scrape-floor [ROUNDS]    default 20; run as root
//! ```
//!
//! Covers this process's namespace and every one named under /run/netns
//! (as `--all-netns` finds them there). Prints the namespace count, the
//! listeners seen per round, and the median, lowest and highest round in
//! milliseconds, then the median of each part's share.

use std::fs::File;
use std::os::unix::fs::FileExt;
use std::time::{Duration, Instant};

use rustix::fd::{AsFd, OwnedFd};
use rustix::net::netlink::SocketAddrNetlink;
use rustix::net::{RecvFlags, SendFlags};
use rustix::thread::{move_into_link_name_space, LinkNameSpaceType};

use sockdiag_codec::filter::states::StateSet;
use sockdiag_codec::wire::conversation::{Conversation, Reply};
use sockdiag_codec::wire::inet::{attr_kind, ext_bit};
use sockdiag_codec::wire::inet_legacy;
use sockdiag_codec::wire::sock_diag::emit_request;

const FILES: [&str; 4] = ["netstat", "sockstat", "sockstat6", "snmp"];

/// What is kept open in one namespace.
struct Namespace {
    socket: OwnedFd,
    files: Vec<File>,
}

fn fail(what: &str) -> ! {
    eprintln!("scrape-floor: {what}");
    std::process::exit(1)
}

/// Opens the sock_diag socket and the /proc net files of the namespace
/// this thread is in.
fn open_here() -> Namespace {
    let socket =
        sockdiag_bench::sock_diag_socket().unwrap_or_else(|e| fail(&format!("socket: {e}")));
    let files = FILES
        .iter()
        .map(|f| {
            File::open(format!("/proc/thread-self/net/{f}"))
                .unwrap_or_else(|e| fail(&format!("{f}: {e}")))
        })
        .collect();
    Namespace { socket, files }
}

/// One LISTEN-only walk of both families; returns the listeners counted.
fn dump(ns: &Namespace, request: &[u8], buf: &mut [u8], seq: u32) -> usize {
    let kernel = SocketAddrNetlink::new(0, 0);
    rustix::net::sendto(&ns.socket, request, SendFlags::empty(), &kernel)
        .unwrap_or_else(|e| fail(&format!("sendto: {e}")));
    let mut conversation = Conversation::for_family(seq, 0);
    let mut listeners = 0;
    loop {
        let (n, _) = rustix::net::recv(&ns.socket, &mut *buf, RecvFlags::empty())
            .unwrap_or_else(|e| fail(&format!("recv: {e}")));
        for reply in conversation.replies(&buf[..n]) {
            match reply {
                Ok(Reply::Socket(_)) => listeners += 1,
                Ok(Reply::End(_)) => return listeners,
                Err(e) => fail(&format!("malformed reply: {e:?}")),
            }
        }
    }
}

fn main() {
    let rounds: usize = std::env::args()
        .nth(1)
        .map(|a| {
            a.parse()
                .unwrap_or_else(|_| fail("ROUNDS must be a number"))
        })
        .unwrap_or(20);
    let home = File::open("/proc/thread-self/ns/net").unwrap_or_else(|e| fail(&e.to_string()));
    let mut namespaces = vec![open_here()];
    let mut named: Vec<_> = std::fs::read_dir("/run/netns")
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    named.sort();
    for path in named {
        let Ok(file) = File::open(&path) else {
            continue;
        };
        if move_into_link_name_space(file.as_fd(), Some(LinkNameSpaceType::Network)).is_err() {
            continue;
        }
        namespaces.push(open_here());
        move_into_link_name_space(home.as_fd(), Some(LinkNameSpaceType::Network))
            .unwrap_or_else(|e| fail(&format!("back home: {e}")));
    }

    let mut req = inet_legacy::ReqRepr::dump(StateSet::LISTEN.0);
    req.ext = ext_bit(attr_kind::SKMEMINFO);
    let mut buf = vec![0u8; 32 * 1024];
    let mut texts = vec![0u8; 16 * 1024];
    let mut request = [0u8; 128];
    let mut times = Vec::with_capacity(rounds);
    let (mut dump_time, mut read_time) = (Vec::new(), Vec::new());
    let mut listeners = 0;
    for round in 0..rounds {
        let start = Instant::now();
        let (mut dumps, mut reads) = (Duration::ZERO, Duration::ZERO);
        listeners = 0;
        for (i, ns) in namespaces.iter().enumerate() {
            let seq = (round * namespaces.len() + i + 1) as u32;
            let len = emit_request(&mut request, seq, &req)
                .unwrap_or_else(|e| fail(&format!("request: {e:?}")));
            let t = Instant::now();
            listeners += dump(ns, &request[..len], &mut buf, seq);
            let u = Instant::now();
            for f in &ns.files {
                f.read_at(&mut texts, 0)
                    .unwrap_or_else(|e| fail(&format!("read: {e}")));
            }
            dumps += u - t;
            reads += u.elapsed();
        }
        times.push(start.elapsed());
        dump_time.push(dumps);
        read_time.push(reads);
    }
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let median = |v: &mut Vec<Duration>| {
        v.sort();
        v[v.len() / 2]
    };
    let (m, d, r) = (
        median(&mut times),
        median(&mut dump_time),
        median(&mut read_time),
    );
    println!(
        "{} namespaces, {listeners} listeners: median {:.2} ms (lowest {:.2}, highest {:.2}) over {rounds} rounds; dumps {:.2} ms, /proc reads {:.2} ms",
        namespaces.len(),
        ms(m),
        ms(times[0]),
        ms(times[times.len() - 1]),
        ms(d),
        ms(r)
    );
}
