//! Decides, when the tests are built, which environment-dependent tests
//! can run on this machine, and sets a cfg for each so the others show as
//! ignored, with their reason, in `cargo test`'s summary (never as passed).
//! Installing a missing piece makes Cargo run this again (the watched
//! paths change), which un-ignores the test.
//!
//! - `sockdiag_guest`: the initramfs test (qemu, static busybox, cpio,
//!   dpkg-deb, apt's lists, the musl target).
//! - `sockdiag_mptcp`: the MPTCP differential test (an MPTCP socket).

#[path = "probe.rs"]
mod probe;

fn main() {
    println!("cargo::rustc-check-cfg=cfg(sockdiag_guest)");
    println!("cargo::rustc-check-cfg=cfg(sockdiag_mptcp)");
    println!("cargo::rerun-if-changed=probe.rs");
    println!("cargo::rerun-if-env-changed=PATH");
    // apt-get install lands in /usr/bin (/bin is the same directory on
    // Debian); apt-get update rewrites the lists; rustup target add
    // rewrites the toolchain's component list.
    for path in [
        "/usr/bin",
        "/var/lib/apt/lists",
        "/proc/sys/net/mptcp/enabled",
    ] {
        if std::path::Path::new(path).exists() {
            println!("cargo::rerun-if-changed={path}");
        }
    }
    if let Some(sysroot) = sysroot() {
        println!("cargo::rerun-if-changed={sysroot}/lib/rustlib/components");
    }
    let missing = probe::guest_missing();
    if missing.is_empty() {
        println!("cargo::rustc-cfg=sockdiag_guest");
    }
    for m in &missing {
        println!("cargo::warning=the initramfs test is ignored: missing {m}");
    }
    match probe::mptcp_missing() {
        None => println!("cargo::rustc-cfg=sockdiag_mptcp"),
        Some(m) => println!("cargo::warning=the MPTCP test is ignored: missing {m}"),
    }
}

fn sysroot() -> Option<String> {
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let out = std::process::Command::new(rustc)
        .args(["--print", "sysroot"])
        .output()
        .ok()?;
    Some(String::from_utf8_lossy(&out.stdout).trim().to_string())
}
