//! Decides, when the tests are built, which initramfs guests this machine
//! can boot, so that a guest it cannot boot shows as ignored (with its
//! reason) in `cargo test`'s summary instead of passing. Sets
//! `cfg(guest_x86_64)`, `cfg(guest_aarch64)`, `cfg(guest_armv7)` and
//! `cfg(guest_s390x)`, and prints a warning naming what each missing guest
//! lacks.
//!
//! Reruns when Debian packages or dpkg's architectures change, when a
//! nightly component is added, or when PATH changes, so installing the
//! missing piece turns the test on.

use std::path::{Path, PathBuf};
use std::process::Command;

struct Guest {
    cfg: &'static str,
    /// Debian's name of the architecture of the kernel and busybox packages.
    debian_arch: &'static str,
    qemu: &'static str,
    qemu_package: &'static str,
    /// The Rust target of the static sockdiag.
    rust_target: &'static str,
    /// Its linker (.cargo/config.toml), or None for rustc's self-contained
    /// musl, which needs the nightly target installed.
    linker: Option<(&'static str, &'static str)>,
}

const GUESTS: [Guest; 4] = [
    Guest {
        cfg: "guest_x86_64",
        debian_arch: "amd64",
        qemu: "qemu-system-x86_64",
        qemu_package: "qemu-system-x86",
        rust_target: "x86_64-unknown-linux-musl",
        linker: None,
    },
    Guest {
        cfg: "guest_aarch64",
        debian_arch: "arm64",
        qemu: "qemu-system-aarch64",
        qemu_package: "qemu-system-arm",
        rust_target: "aarch64-unknown-linux-musl",
        linker: Some(("aarch64-linux-musl-gcc", "musl-dev:arm64")),
    },
    Guest {
        cfg: "guest_armv7",
        debian_arch: "armhf",
        qemu: "qemu-system-arm",
        qemu_package: "qemu-system-arm",
        rust_target: "armv7-unknown-linux-musleabihf",
        linker: Some(("arm-linux-musleabihf-gcc", "musl-dev:armhf")),
    },
    Guest {
        cfg: "guest_s390x",
        debian_arch: "s390x",
        qemu: "qemu-system-s390x",
        qemu_package: "qemu-system-misc",
        rust_target: "s390x-unknown-linux-musl",
        linker: Some(("s390x-linux-musl-gcc", "musl-dev:s390x")),
    },
];

fn main() {
    let cfgs: Vec<&str> = GUESTS.iter().map(|g| g.cfg).collect();
    println!("cargo::rustc-check-cfg=cfg({})", cfgs.join(", "));
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-env-changed=PATH");
    println!("cargo::rerun-if-env-changed=RUSTUP_HOME");
    // Every apt-get install and dpkg --add-architecture writes these.
    for file in ["/var/lib/dpkg/status", "/var/lib/dpkg/arch"] {
        if Path::new(file).exists() {
            println!("cargo::rerun-if-changed={file}");
        }
    }

    let mut common = Vec::new();
    for (tool, how) in [
        ("cpio", "apt-get install cpio"),
        (
            "apt-get",
            "a Debian system: the kernel and busybox come from its packages",
        ),
        (
            "dpkg-deb",
            "a Debian system: the kernel and busybox come from its packages",
        ),
        ("rustup", "rustup, to build with nightly"),
    ] {
        if !on_path(tool) {
            common.push(format!("{tool} ({how})"));
        }
    }
    let nightly = nightly_sysroot();
    match &nightly {
        Some(sysroot) => {
            // rustup rewrites this file whenever it adds a component.
            let components = sysroot.join("lib/rustlib/components");
            println!("cargo::rerun-if-changed={}", components.display());
            if !sysroot.join("lib/rustlib/src/rust/library/std").is_dir() {
                common.push("rust-src (rustup +nightly component add rust-src)".into());
            }
        }
        None => common.push("a nightly toolchain (rustup toolchain install nightly)".into()),
    }
    let architectures = dpkg_architectures();

    for guest in &GUESTS {
        let mut missing = common.clone();
        if !on_path(guest.qemu) {
            missing.push(format!(
                "{} (apt-get install {})",
                guest.qemu, guest.qemu_package
            ));
        }
        if !architectures.iter().any(|a| a == guest.debian_arch) {
            missing.push(format!(
                "dpkg's {0} architecture (dpkg --add-architecture {0}; apt-get update)",
                guest.debian_arch
            ));
        }
        match guest.linker {
            Some((linker, package)) => {
                if !on_path(linker) {
                    missing.push(format!("{linker} (apt-get install {package})"));
                }
            }
            None => {
                let crt = nightly.as_ref().map(|s| {
                    s.join("lib/rustlib")
                        .join(guest.rust_target)
                        .join("lib/self-contained/crt1.o")
                });
                if !crt.is_some_and(|c| c.is_file()) {
                    missing.push(format!(
                        "the {0} target (rustup +nightly target add {0})",
                        guest.rust_target
                    ));
                }
            }
        }
        if missing.is_empty() {
            println!("cargo::rustc-cfg={}", guest.cfg);
        } else {
            println!(
                "cargo::warning=the {} initramfs guest is ignored: missing {}",
                guest.debian_arch,
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
