//! The machines a guest boots on: for each architecture, which Debian
//! packages, which static sockdiag and which qemu, and the boot itself
//! (TCG, no KVM, one CPU, the serial console on stdout).

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The static sockdiag of one architecture.
pub struct Binary {
    /// The Rust target and the cargo alias in `.cargo/config.toml` that
    /// builds it.
    pub rust_target: &'static str,
    pub cargo_alias: &'static str,
    /// ELF `e_machine` and byte order the executables must have.
    pub elf_machine: u16,
    pub big_endian: bool,
}

/// One architecture's guest.
pub struct Machine {
    pub binary: Binary,
    /// Debian's name of the architecture (`dpkg --print-architecture`), for
    /// the kernel and busybox packages.
    pub debian_arch: &'static str,
    /// The kernel's flavour: the guest boots what `linux-image-<flavour>`
    /// depends on.
    pub kernel_flavour: &'static str,
    pub qemu: &'static str,
    /// Board and CPU options of qemu.
    pub qemu_machine: &'static [&'static str],
    /// The kernel's name of the console qemu connects to stdout.
    pub console: &'static str,
    /// Whether the guest also lists vsock, AF_XDP, TIPC and raw sockets
    /// made by the static `guest-sockets` helper: its kernel package must
    /// carry `packages::TABLE_MODULES`, and the helper is built for
    /// `binary.rust_target` with stable's musl target.
    pub tables: bool,
}

pub const X86_64: Machine = Machine {
    binary: Binary {
        rust_target: "x86_64-unknown-linux-musl",
        cargo_alias: "static",
        elf_machine: 62,
        big_endian: false,
    },
    debian_arch: "amd64",
    // Debian 12's 6.12 kernel (bookworm-security): its 6.1 kernel is built
    // without xsk_diag (CONFIG_XDP_SOCKETS_DIAG).
    kernel_flavour: "6.12-amd64",
    qemu: "qemu-system-x86_64",
    qemu_machine: &[],
    console: "ttyS0",
    tables: true,
};

/// `virt` with a Cortex-A57: the CPU with the fewest features to emulate
/// that Debian's arm64 kernel runs on (`max` adds pointer authentication,
/// which TCG emulates slowly).
pub const AARCH64: Machine = Machine {
    binary: Binary {
        rust_target: "aarch64-unknown-linux-musl",
        cargo_alias: "static-aarch64",
        elf_machine: 183,
        big_endian: false,
    },
    debian_arch: "arm64",
    kernel_flavour: "arm64",
    qemu: "qemu-system-aarch64",
    qemu_machine: &["-M", "virt", "-cpu", "cortex-a57"],
    console: "ttyAMA0",
    tables: false,
};

/// 32-bit ARM: Debian's multiplatform kernel on `virt`, kept below 4 GiB
/// (`highmem=off`) since the kernel is built without LPAE.
pub const ARMV7: Machine = Machine {
    binary: Binary {
        rust_target: "armv7-unknown-linux-musleabihf",
        cargo_alias: "static-armv7",
        elf_machine: 40,
        big_endian: false,
    },
    debian_arch: "armhf",
    kernel_flavour: "armmp",
    qemu: "qemu-system-arm",
    qemu_machine: &["-M", "virt,highmem=off", "-cpu", "cortex-a15"],
    console: "ttyAMA0",
    tables: false,
};

/// The big-endian one: netlink payloads are in host byte order, so this is
/// where a byte-order mistake in the codec or the runner shows.
pub const S390X: Machine = Machine {
    binary: Binary {
        rust_target: "s390x-unknown-linux-musl",
        cargo_alias: "static-s390x",
        elf_machine: 22,
        big_endian: true,
    },
    debian_arch: "s390x",
    kernel_flavour: "s390x",
    qemu: "qemu-system-s390x",
    qemu_machine: &["-M", "s390-ccw-virtio"],
    console: "ttysclp0",
    tables: false,
};

/// riscv64 has no guest: Debian 12 has no riscv64 kernel or busybox
/// package. Its binary runs under qemu's user mode instead (user_mode.rs).
pub const RISCV64: Binary = Binary {
    rust_target: "riscv64gc-unknown-linux-musl",
    cargo_alias: "static-riscv64",
    elf_machine: 243,
    big_endian: false,
};

/// The guest's time limit: CI allows each boot three minutes on two shared
/// cores; it finishes well within that when nothing is wrong.
pub const BOOT_TIMEOUT: Duration = Duration::from_secs(170);

/// One guest at a time, so that each has a core of its own and its time
/// says how long a boot takes rather than how busy the machine was.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// Runs the guest to its end and returns its console (without `\r`) and how
/// long it ran.
pub fn boot(machine: &Machine, vmlinuz: &Path, initrd: &Path) -> (String, Duration) {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let started = Instant::now();
    let mut qemu = Command::new(machine.qemu)
        .args(["-accel", "tcg", "-smp", "1", "-m", "512M"])
        .args(machine.qemu_machine)
        .args(["-nodefaults", "-display", "none"])
        .args(["-serial", "stdio", "-no-reboot"])
        .arg("-kernel")
        .arg(vmlinuz)
        .arg("-initrd")
        .arg(initrd)
        .arg("-append")
        .arg(format!("console={} quiet panic=-1", machine.console))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", machine.qemu));
    let mut stdout = qemu.stdout.take().expect("qemu's stdout");
    let reader = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = stdout.read_to_end(&mut bytes);
        bytes
    });
    let status = loop {
        if let Some(status) = qemu.try_wait().expect("waiting for qemu") {
            break Some(status);
        }
        if started.elapsed() > BOOT_TIMEOUT {
            let _ = qemu.kill();
            let _ = qemu.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let took = started.elapsed();
    let bytes = reader.join().expect("the console reader");
    let mut stderr = String::new();
    if let Some(mut err) = qemu.stderr.take() {
        let _ = err.read_to_string(&mut stderr);
    }
    let console: String = String::from_utf8_lossy(&bytes)
        .lines()
        .map(|l| format!("{}\n", l.trim_end_matches('\r')))
        .collect();
    assert!(
        status.is_some(),
        "the {} guest did not finish in {BOOT_TIMEOUT:?}; console:\n{console}\nqemu: {stderr}",
        machine.debian_arch
    );
    assert!(
        console.contains("@@done"),
        "the {} guest stopped early ({status:?}); console:\n{console}\nqemu: {stderr}",
        machine.debian_arch
    );
    (console, took)
}
