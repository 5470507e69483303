//! What the environment-dependent tests need, probed the same way when the
//! tests are built (`build.rs` sets the cfgs that un-ignore them) and when
//! they run (a test run with `--ignored` on a machine that lacks a piece
//! fails naming it). Each missing piece comes with how to install it.

use std::path::Path;
use std::process::Command;

/// The musl target the initramfs guest's static binary is built for.
pub const MUSL: &str = "x86_64-unknown-linux-musl";

/// Where busybox-static installs (the dynamic busybox package uses the
/// same path, hence the check that it is static).
pub const BUSYBOX: &str = "/bin/busybox";

fn on_path(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(program).is_file()))
}

/// Whether an x86-64 ELF executable has no program interpreter (PT_INTERP),
/// so it runs in an initramfs without a libc.
pub fn is_static(path: &Path) -> bool {
    let Ok(elf) = std::fs::read(path) else {
        return false;
    };
    let u16_at = |o: usize| elf.get(o..o + 2).map(|b| u16::from_le_bytes([b[0], b[1]]));
    let u32_at = |o: usize| {
        elf.get(o..o + 4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    };
    let u64_at = |o: usize| {
        elf.get(o..o + 8).map(|b| {
            let mut w = [0u8; 8];
            w.copy_from_slice(b);
            u64::from_le_bytes(w)
        })
    };
    // ELF64, little endian: e_phoff at 32, e_phentsize at 54, e_phnum at 56.
    if elf.get(..6) != Some(b"\x7fELF\x02\x01") {
        return false;
    }
    let (Some(phoff), Some(phentsize), Some(phnum)) = (u64_at(32), u16_at(54), u16_at(56)) else {
        return false;
    };
    const PT_INTERP: u32 = 3;
    (0..usize::from(phnum)).all(|i| {
        let at = phoff as usize + i * usize::from(phentsize);
        u32_at(at).is_some_and(|t| t != PT_INTERP)
    })
}

fn rustc() -> Command {
    Command::new(std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into()))
}

fn musl_installed() -> bool {
    rustc()
        .args(["--print", "target-libdir", "--target", MUSL])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .is_some_and(|o| Path::new(String::from_utf8_lossy(&o.stdout).trim()).is_dir())
}

/// The package `linux-image-amd64` depends on (linux-image-VERSION-amd64),
/// from apt's local lists.
pub fn kernel_package() -> Result<String, String> {
    let out = Command::new("apt-cache")
        .args(["depends", "linux-image-amd64"])
        .output()
        .map_err(|e| format!("apt-cache: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout);
    text.lines()
        .filter_map(|l| l.trim().strip_prefix("Depends: "))
        .find(|p| p.starts_with("linux-image-"))
        .map(str::to_string)
        .ok_or_else(|| {
            "the kernel package behind linux-image-amd64 (apt-cache knows none): \
             apt-get update"
                .to_string()
        })
}

/// Each piece the initramfs test lacks here, with how to install it.
pub fn guest_missing() -> Vec<String> {
    let mut missing = Vec::new();
    for (program, how) in [
        ("qemu-system-x86_64", "apt-get install qemu-system-x86"),
        ("cpio", "apt-get install cpio"),
        (
            "apt-get",
            "a Debian system (the kernel comes from its package)",
        ),
        (
            "dpkg-deb",
            "a Debian system (the kernel comes from its package)",
        ),
    ] {
        if !on_path(program) {
            missing.push(format!("{program}: {how}"));
        }
    }
    if !is_static(Path::new(BUSYBOX)) {
        missing.push(format!(
            "static busybox at {BUSYBOX}: apt-get install busybox-static"
        ));
    }
    if !musl_installed() {
        missing.push(format!("the {MUSL} Rust target: rustup target add {MUSL}"));
    }
    if let Err(why) = kernel_package() {
        missing.push(why);
    }
    missing
}

/// Why this kernel cannot make an MPTCP socket, if it cannot.
pub fn mptcp_missing() -> Option<String> {
    use socket2::{Domain, Protocol, Socket, Type};
    match Socket::new(Domain::IPV4, Type::STREAM, Some(Protocol::MPTCP)) {
        Ok(_) => None,
        Err(e) => Some(format!(
            "an MPTCP socket ({e}): a kernel with CONFIG_MPTCP and sysctl net.mptcp.enabled=1"
        )),
    }
}
