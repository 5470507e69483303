//! The shared floor's question (`../shared/bench/floor`) with the states
//! the command asks for. The shared floor asks for every one of the 32
//! state bits; Linux 6.6 and later read bit 13 (TCP_BOUND_INACTIVE) as "walk
//! the bind table too", a walk neither ss nor sockdiag asks for (both send
//! ss's twelve states, 0xfff). This floor sends what `sockdiag -tan`
//! sends, so a ratio against it measures only what the tool adds.
//!
//! ```text
//! dump-floor tcp|tcp1 [EXT] [STATES]   EXT default 0 (14: -i's); STATES hex, default fff
//! ```
//!
//! `tcp`: one request per IP family, as ss sends; `tcp1`: one legacy
//! request for both, as sockdiag sends. Counts the messages of the dump
//! by their headers (decoding nothing) and prints the count.

use rustix::net::netlink::SocketAddrNetlink;
use rustix::net::{RecvFlags, SendFlags};

use sockdiag_codec::family;
use sockdiag_codec::wire::inet::{self, proto};
use sockdiag_codec::wire::inet_legacy;
use sockdiag_codec::wire::nlmsg::{kind, Packet};
use sockdiag_codec::wire::sock_diag::emit_request;

fn fail(what: &str) -> ! {
    eprintln!("dump-floor: {what}");
    std::process::exit(1)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let usage = "usage: dump-floor tcp|tcp1 [EXT] [STATES]";
    let one_walk = match args.get(1).map(String::as_str) {
        Some("tcp") => false,
        Some("tcp1") => true,
        _ => fail(usage),
    };
    let ext: u8 = args
        .get(2)
        .map_or(Ok(0), |a| a.parse())
        .unwrap_or_else(|_| fail(usage));
    let states = args
        .get(3)
        .map_or(Ok(0xfff), |a| {
            u32::from_str_radix(a.trim_start_matches("0x"), 16)
        })
        .unwrap_or_else(|_| fail(usage));

    let socket =
        sockdiag_bench::sock_diag_socket().unwrap_or_else(|e| fail(&format!("socket: {e}")));
    let kernel = SocketAddrNetlink::new(0, 0);
    let mut buf = vec![0u8; 32 * 1024];
    let mut request = [0u8; 128];
    let mut count = 0usize;
    let families: &[u8] = match one_walk {
        true => &[family::UNSPEC],
        false => &[family::INET, family::INET6],
    };
    for (seq, &fam) in (1..).zip(families) {
        let len = match one_walk {
            true => {
                let mut req = inet_legacy::ReqRepr::dump(states);
                req.ext = ext;
                emit_request(&mut request, seq, &req)
            }
            false => {
                let mut req = inet::ReqRepr::dump(fam, proto::TCP, states);
                req.ext = ext;
                emit_request(&mut request, seq, &req)
            }
        }
        .unwrap_or_else(|e| fail(&format!("request: {e:?}")));
        rustix::net::sendto(&socket, &request[..len], SendFlags::empty(), &kernel)
            .unwrap_or_else(|e| fail(&format!("sendto: {e}")));
        'dump: loop {
            let (n, _) = rustix::net::recv(&socket, &mut buf[..], RecvFlags::empty())
                .unwrap_or_else(|e| fail(&format!("recv: {e}")));
            let mut rest = &buf[..n];
            while let Ok(packet) = Packet::new_checked(rest) {
                match packet.msg_type() {
                    kind::DONE => break 'dump,
                    kind::ERROR => fail("the kernel refused the request"),
                    _ => count += 1,
                }
                let step = (packet.len() as usize + 3) & !3;
                rest = rest.get(step..).unwrap_or(&[]);
            }
        }
    }
    println!("{count}");
}
