//! Decides, when the tests are built, which of the tests in
//! `tests/initramfs/` this machine can run, and whether it makes MPTCP
//! sockets, so that a test it cannot run shows as ignored (with its reason)
//! in `cargo test`'s summary instead of passing. Sets `cfg(guest_x86_64)`,
//! `cfg(guest_aarch64)`, `cfg(guest_armv7)`, `cfg(guest_s390x)`,
//! `cfg(user_riscv64)`, `cfg(sockdiag_mptcp)`, `cfg(sockdiag_prometheus)`
//! (prometheus and promtool on PATH) and `cfg(sockdiag_strace)` (strace on
//! PATH, for `long_dump.rs`), and prints a warning
//! naming what each test it turns off lacks.
//!
//! Reruns when Debian packages or dpkg's architectures change, when a
//! nightly component is added, or when PATH changes, so installing the
//! missing piece turns the test on.

use std::path::{Path, PathBuf};
use std::process::Command;

#[path = "probe.rs"]
mod probe;

/// What one test needs besides nightly with rust-src, with which every one
/// builds its static sockdiag.
struct Needs {
    cfg: &'static str,
    what: &'static str,
    /// Programs on PATH, each with the package that has it.
    programs: &'static [(&'static str, &'static str)],
    /// A guest: cpio, apt and dpkg to make it from this Debian
    /// architecture's kernel and busybox packages.
    guest_arch: Option<&'static str>,
    /// A target rustc links with its own musl (self-contained crt), which
    /// must be installed for nightly.
    self_contained: Option<&'static str>,
}

const TESTS: [Needs; 5] = [
    Needs {
        cfg: "guest_x86_64",
        what: "the amd64 initramfs guest",
        programs: &[("qemu-system-x86_64", "apt-get install qemu-system-x86")],
        guest_arch: Some("amd64"),
        self_contained: Some("x86_64-unknown-linux-musl"),
    },
    Needs {
        cfg: "guest_aarch64",
        what: "the arm64 initramfs guest",
        programs: &[
            ("qemu-system-aarch64", "apt-get install qemu-system-arm"),
            ("aarch64-linux-musl-gcc", "apt-get install musl-dev:arm64"),
        ],
        guest_arch: Some("arm64"),
        self_contained: None,
    },
    Needs {
        cfg: "guest_armv7",
        what: "the armhf initramfs guest",
        programs: &[
            ("qemu-system-arm", "apt-get install qemu-system-arm"),
            ("arm-linux-musleabihf-gcc", "apt-get install musl-dev:armhf"),
        ],
        guest_arch: Some("armhf"),
        self_contained: None,
    },
    Needs {
        cfg: "guest_s390x",
        what: "the s390x initramfs guest",
        programs: &[
            ("qemu-system-s390x", "apt-get install qemu-system-misc"),
            ("s390x-linux-musl-gcc", "apt-get install musl-dev:s390x"),
        ],
        guest_arch: Some("s390x"),
        self_contained: None,
    },
    Needs {
        cfg: "user_riscv64",
        what: "the riscv64 user-mode test",
        programs: &[
            ("qemu-riscv64", "apt-get install qemu-user"),
            (
                "riscv64-linux-musl-gcc",
                "a musl for riscv64, built as .ci/run does",
            ),
        ],
        guest_arch: None,
        self_contained: None,
    },
];

/// What every guest needs to be made.
const GUEST_PROGRAMS: [(&str, &str); 4] = [
    ("cpio", "apt-get install cpio"),
    ("apt-get", "a Debian system"),
    ("apt-cache", "a Debian system"),
    ("dpkg-deb", "a Debian system"),
];

fn main() {
    let cfgs: Vec<&str> = TESTS.iter().map(|t| t.cfg).collect();
    println!("cargo::rustc-check-cfg=cfg({})", cfgs.join(", "));
    println!("cargo::rustc-check-cfg=cfg(sockdiag_mptcp)");
    println!("cargo::rustc-check-cfg=cfg(sockdiag_prometheus)");
    println!("cargo::rustc-check-cfg=cfg(sockdiag_strace)");
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=probe.rs");
    // The MPTCP differential test opens MPTCP sockets; the sysctl turns
    // them on and off.
    let mptcp_sysctl = "/proc/sys/net/mptcp/enabled";
    if Path::new(mptcp_sysctl).exists() {
        println!("cargo::rerun-if-changed={mptcp_sysctl}");
    }
    match probe::mptcp_missing() {
        None => println!("cargo::rustc-cfg=sockdiag_mptcp"),
        Some(m) => println!("cargo::warning=the MPTCP test is ignored: missing {m}"),
    }
    // The metrics tests check the exposition with promtool and scrape
    // `sockdiag serve` with a real Prometheus server.
    let missing: Vec<&str> = ["prometheus", "promtool"]
        .into_iter()
        .filter(|p| !on_path(p))
        .collect();
    if missing.is_empty() {
        println!("cargo::rustc-cfg=sockdiag_prometheus");
    } else {
        println!(
            "cargo::warning=the Prometheus tests are ignored: missing {} (apt-get install prometheus)",
            missing.join(", ")
        );
    }
    // The long-dump tests count the processes sockdiag makes with strace.
    if on_path("strace") {
        println!("cargo::rustc-cfg=sockdiag_strace");
    } else {
        println!("cargo::warning=the long-dump tests are ignored: missing strace (apt-get install strace)");
    }
    println!("cargo::rerun-if-env-changed=PATH");
    println!("cargo::rerun-if-env-changed=RUSTUP_HOME");
    // Every apt-get install and dpkg --add-architecture writes the first
    // two; what is built by hand (riscv64's musl) lands in the last.
    for file in [
        "/var/lib/dpkg/status",
        "/var/lib/dpkg/arch",
        "/usr/local/bin",
    ] {
        if Path::new(file).exists() {
            println!("cargo::rerun-if-changed={file}");
        }
    }

    let mut build = Vec::new();
    let nightly = nightly_sysroot();
    match &nightly {
        Some(sysroot) => {
            // rustup rewrites this file whenever it adds a component.
            let components = sysroot.join("lib/rustlib/components");
            println!("cargo::rerun-if-changed={}", components.display());
            if !sysroot.join("lib/rustlib/src/rust/library/std").is_dir() {
                build.push("rust-src (rustup +nightly component add rust-src)".to_string());
            }
        }
        None => build.push("a nightly toolchain (rustup toolchain install nightly)".to_string()),
    }
    let architectures = dpkg_architectures();

    for test in &TESTS {
        let mut missing = build.clone();
        let guest_programs = match test.guest_arch {
            Some(_) => &GUEST_PROGRAMS[..],
            None => &[],
        };
        for (program, how) in test.programs.iter().chain(guest_programs) {
            if !on_path(program) {
                missing.push(format!("{program} ({how})"));
            }
        }
        if let Some(arch) = test.guest_arch {
            if !architectures.iter().any(|a| a == arch) {
                missing.push(format!(
                    "dpkg's {arch} architecture (dpkg --add-architecture {arch}; apt-get update)"
                ));
            }
        }
        if let Some(target) = test.self_contained {
            let crt = nightly.as_ref().map(|s| {
                s.join("lib/rustlib")
                    .join(target)
                    .join("lib/self-contained/crt1.o")
            });
            if !crt.is_some_and(|c| c.is_file()) {
                missing.push(format!(
                    "the {target} target (rustup +nightly target add {target})"
                ));
            }
        }
        if missing.is_empty() {
            println!("cargo::rustc-cfg={}", test.cfg);
        } else {
            println!(
                "cargo::warning={} is ignored: missing {}",
                test.what,
                missing.join(", ")
            );
        }
    }
}

fn on_path(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(program).is_file()))
}

/// The sysroot of the nightly toolchain, if rustup has one.
fn nightly_sysroot() -> Option<PathBuf> {
    let out = Command::new("rustup")
        .args(["run", "nightly", "rustc", "--print", "sysroot"])
        // Never let the probe download a toolchain.
        .env("RUSTUP_AUTO_INSTALL", "0")
        .output()
        .ok()
        .filter(|o| o.status.success())?;
    let sysroot = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    sysroot.is_dir().then_some(sysroot)
}

/// The native and foreign architectures dpkg installs packages for.
fn dpkg_architectures() -> Vec<String> {
    let mut architectures = Vec::new();
    for flag in ["--print-architecture", "--print-foreign-architectures"] {
        if let Ok(out) = Command::new("dpkg").arg(flag).output() {
            let text = String::from_utf8_lossy(&out.stdout);
            architectures.extend(text.split_whitespace().map(str::to_string));
        }
    }
    architectures
}
