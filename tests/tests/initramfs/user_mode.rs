//! riscv64, which has no guest: Debian 12 packages no riscv64 kernel or
//! busybox. Its static sockdiag runs under qemu's user mode instead, which
//! passes file reads through but refuses sock_diag netlink sockets, so it
//! decodes a capture of this host's sockets and must print what the host's
//! own sockdiag prints from it.

use std::net::{IpAddr, Ipv4Addr, TcpStream, UdpSocket};
use std::process::Command;

use sockdiag_tests::{
    abstract_addr, sockdiag, tcp_listener, unique_name, unix_connect, unix_listener, TempDir,
};
use socket2::Type;

use super::{image, machine};

#[test]
#[cfg_attr(
    not(user_riscv64),
    ignore = "needs qemu-riscv64 (qemu-user), riscv64-linux-musl-gcc (a musl for riscv64: \
              .ci/run builds Debian's), nightly with rust-src (tests/build.rs says which \
              is missing)"
)]
fn riscv64_decodes_like_the_host() {
    let riscv64 = image::static_sockdiag(&machine::RISCV64, &image::target_dir());

    // Sockets of every kind the capture asks for.
    let (_listener, port) = tcp_listener(IpAddr::V4(Ipv4Addr::LOCALHOST), 4);
    let _client = TcpStream::connect((Ipv4Addr::LOCALHOST, port)).expect("connect");
    let udp = UdpSocket::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind udp");
    let udp_port = udp.local_addr().expect("udp address").port();
    let name = unique_name();
    let _unix = unix_listener(Type::STREAM, &abstract_addr(&name), 2);
    let _unix_client = unix_connect(Type::STREAM, &abstract_addr(&name));

    let dir = TempDir::new();
    for options in [&["-tuxanie"][..], &["-tuxanie", "-j"]] {
        let capture = dir.path().join("host.cap");
        let live = sockdiag(&[options, &["--dump-raw", capture.to_str().unwrap()]].concat());
        let live = live.success();
        for ours in [
            format!(":{port}"),
            format!(":{udp_port}"),
            format!("@{name}"),
        ] {
            assert!(live.contains(&ours), "{ours} missing: {live}");
        }
        let host = sockdiag(&[options, &["--decode", capture.to_str().unwrap()]].concat());
        let out = Command::new("qemu-riscv64")
            .arg(&riscv64)
            .args(options)
            .arg("--decode")
            .arg(&capture)
            .output()
            .expect("cannot run qemu-riscv64");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success() && stderr.is_empty(), "{stderr}");
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            host.success(),
            "riscv64 and the host decode {options:?} differently"
        );
    }
}
