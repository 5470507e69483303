//! What a guest boots: the static sockdiag built as the README ships it,
//! and the initramfs (busybox, sockdiag, the diag modules, the init script)
//! written as a newc cpio archive.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::machine::Binary;
use super::packages::Kernel;

/// The port of the guest's busybox nc listener.
pub const PORT: u16 = 8081;

/// The profile of the shipped static binaries.
const PROFILE: &str = "release-small";

/// The workspace's root, where `.cargo/config.toml` and its aliases live.
fn workspace() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the tests crate sits in the workspace")
}

/// The workspace's target directory, where packages are cached.
pub fn target_dir() -> PathBuf {
    let out = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        .args(["metadata", "--format-version", "1", "--no-deps"])
        .current_dir(workspace())
        .output()
        .expect("cargo metadata");
    assert!(out.status.success(), "cargo metadata failed");
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).expect("its JSON");
    PathBuf::from(meta["target_directory"].as_str().expect("target_directory"))
}

/// The static binary, built by the alias the README documents
/// (`cargo +nightly static-s390x`, ...). Cargo releases the build-directory
/// lock before it runs tests, so this nested build does not wait on the
/// outer one, and it is a no-op when CI has built the binaries already.
pub fn static_sockdiag(binary: &Binary, target: &Path) -> PathBuf {
    let out = Command::new("rustup")
        .args(["run", "nightly", "cargo", binary.cargo_alias])
        .current_dir(workspace())
        .output()
        .expect("cannot run rustup");
    assert!(
        out.status.success(),
        "cargo +nightly {} failed:\n{}",
        binary.cargo_alias,
        String::from_utf8_lossy(&out.stderr)
    );
    let bin = target
        .join(binary.rust_target)
        .join(PROFILE)
        .join("sockdiag");
    if let Err(why) = check_static(&bin, binary) {
        panic!("{}: {why}", bin.display());
    }
    bin
}

/// The static `guest-sockets` helper (tests/guest-sockets) for `binary`'s
/// target, built by nightly's cargo with the musl target's own C runtime:
/// only the x86-64 guest runs it, whose musl target rustup ships whole.
pub fn static_helper(binary: &Binary, target: &Path) -> PathBuf {
    let out = Command::new("rustup")
        .args(["run", "nightly", "cargo", "build", "--release"])
        .args(["-p", "guest-sockets", "--target", binary.rust_target])
        .current_dir(workspace())
        .output()
        .expect("cannot run rustup");
    assert!(
        out.status.success(),
        "cargo +nightly build -p guest-sockets --target {} failed:\n{}",
        binary.rust_target,
        String::from_utf8_lossy(&out.stderr)
    );
    let bin = target
        .join(binary.rust_target)
        .join("release")
        .join("guest-sockets");
    if let Err(why) = check_static(&bin, binary) {
        panic!("{}: {why}", bin.display());
    }
    bin
}

/// Whether `path` is an ELF executable for `binary`'s machine without a
/// program interpreter (PT_INTERP), so that it runs in an initramfs
/// without a libc.
pub fn check_static(path: &Path, binary: &Binary) -> Result<(), String> {
    let elf = std::fs::read(path).map_err(|e| e.to_string())?;
    let (class, data) = match elf.get(..6) {
        Some([0x7f, b'E', b'L', b'F', class, data]) => (*class, *data),
        _ => return Err("not an ELF file".into()),
    };
    let big_endian = data == 2;
    if big_endian != binary.big_endian {
        return Err(format!("ELF data encoding {data}, not the machine's"));
    }
    let uint = |at: usize, len: usize| -> Option<u64> {
        let bytes = elf.get(at..at.checked_add(len)?)?;
        let fold = |n: u64, b: &u8| n << 8 | u64::from(*b);
        Some(match big_endian {
            true => bytes.iter().fold(0, fold),
            false => bytes.iter().rev().fold(0, fold),
        })
    };
    // e_machine at 18; e_phoff, e_phentsize and e_phnum by class.
    let (phoff, phentsize, phnum) = match class {
        1 => (uint(28, 4), uint(42, 2), uint(44, 2)),
        2 => (uint(32, 8), uint(54, 2), uint(56, 2)),
        _ => return Err(format!("ELF class {class}")),
    };
    let e_machine = uint(18, 2).ok_or("a truncated ELF header")?;
    if e_machine != u64::from(binary.elf_machine) {
        return Err(format!(
            "built for ELF machine {e_machine}, not {}",
            binary.elf_machine
        ));
    }
    let (Some(phoff), Some(phentsize), Some(phnum)) = (phoff, phentsize, phnum) else {
        return Err("a truncated ELF header".into());
    };
    const PT_INTERP: u64 = 3;
    for i in 0..phnum {
        let header = usize::try_from(phoff + i * phentsize).map_err(|e| e.to_string())?;
        match uint(header, 4) {
            Some(PT_INTERP) => return Err("dynamically linked (PT_INTERP)".into()),
            Some(_) => {}
            None => return Err("a truncated program header table".into()),
        }
    }
    Ok(())
}

/// The guest's /init. `block NAME CMD...` prints CMD's stdout, stderr and
/// exit code between markers the test picks out of the console. With
/// `kernel.table_modules`, the guest also loads those and lists the
/// sockets of /bin/guest-sockets.
fn init_script(kernel: &Kernel) -> String {
    let insmods = |modules: &[(String, PathBuf)]| -> String {
        modules
            .iter()
            .map(|(m, _)| format!("block insmod_{m} insmod /diag/{m}.ko\n"))
            .collect()
    };
    let diag = insmods(&kernel.modules);
    let tables = match kernel.table_modules.is_empty() {
        true => String::new(),
        false => format!(
            r#"# (6) The tables this development kernel lacks, from the sockets
# guest-sockets makes and describes.
# sysfs names the XDP socket's interface, as rtnetlink does for ss.
mount -t sysfs sysfs /sys
{insmods}guest-sockets >/tmp/guest-sockets.txt 2>&1 &
sockets=$!
i=0
until grep -q -e ready -e guest-sockets: /tmp/guest-sockets.txt || [ $i -gt 300 ]; do sleep 0.1; i=$((i+1)); done
block sockets cat /tmp/guest-sockets.txt
block vsock sockdiag --vsock -an
block xdp sockdiag --xdp -ne
block tipc sockdiag --tipc -ane --tipcinfo
block raw sockdiag -wane
block tables_json sockdiag --vsock --xdp --tipc -an -j
block tables_dump sockdiag --vsock --xdp --tipc -w -ane --dump-raw /tmp/tables.cap
block tables_decode sockdiag --vsock --xdp --tipc -w -ane --decode /tmp/tables.cap
block tables_capture od -A n -t x1 -v /tmp/tables.cap
# (7) One module gone: only its table says so.
block rmmod_vsock_diag rmmod vsock_diag
block gone_vsock sockdiag --vsock --tipc -an
block rmmod_raw_diag rmmod raw_diag
block gone_raw sockdiag -wane
kill $sockets
"#,
            insmods = insmods(&kernel.table_modules)
        ),
    };
    format!(
        r#"#!/bin/sh
mount -t proc proc /proc
mount -t devtmpfs dev /dev
exec </dev/null >/dev/console 2>&1
ip link set lo up
echo "@@start"
block modules cat /proc/modules
# (1) No diag module yet: the tables come from /proc. There is no
# /sbin/modprobe, so the kernel cannot load one behind our back.
nc -l -p {PORT} &
nc=$!
i=0
until [ -n "$(sockdiag -Htln 'sport = :{PORT}' 2>/dev/null)" ] || [ $i -gt 100 ]; do sleep 0.1; i=$((i+1)); done
# Stopped, it accepts nothing: what connects stays in the accept queue.
kill -STOP $nc
sleep 600 | nc 127.0.0.1 {PORT} &
sleep 600 | nc 127.0.0.1 {PORT} &
i=0
until [ "$(sockdiag -Htn 'dport = :{PORT}' 2>/dev/null | wc -l)" -ge 2 ] || [ $i -gt 100 ]; do sleep 0.1; i=$((i+1)); done
sleep 0.2
block nomod_tcp sockdiag -tl 'sport = :{PORT}'
block nomod_json sockdiag -tln -j 'sport = :{PORT}'
block nomod_unix sockdiag -xa
# (2)
{diag}block root_listen sockdiag -tln 'sport = :{PORT}'
block root_accepted sockdiag -tn 'sport = :{PORT}'
block root_json sockdiag -tan -j
# The kernel's own account of the listener, and who holds it.
block proc_tcp6 cat /proc/net/tcp6
block nc_pid echo $nc
block root_detail sockdiag -tlnpe 'sport = :{PORT}'
# (3) and (4) as an unprivileged user.
su -s /bin/sh nobody -c "block user_id id -u"
su -s /bin/sh nobody -c "block user_listen sockdiag -tln 'sport = :{PORT}'"
su -s /bin/sh nobody -c "block user_json sockdiag -tan -j"
# (5) A capture made here decodes here: on s390x, a big-endian one.
block dump sockdiag -tuxanie --dump-raw /tmp/guest.cap
block decode sockdiag -tuxanie --decode /tmp/guest.cap
block capture od -A n -t x1 -v /tmp/guest.cap
{tables}echo "@@done"
poweroff -f
"#
    )
}

const BLOCK: &str = r#"#!/bin/sh
name=$1
shift
"$@" >/tmp/$name.out 2>/tmp/$name.err
code=$?
echo "@@begin $name"
cat /tmp/$name.out
echo "@@stderr $name"
cat /tmp/$name.err
echo "@@end $name $code"
"#;

/// Applets the guest uses. modprobe is left out on purpose (see init).
const APPLETS: &[&str] = &[
    "sh", "mount", "ip", "insmod", "rmmod", "nc", "sleep", "su", "id", "cat", "wc", "od", "grep",
    "poweroff",
];

/// Writes the initramfs under `work` and returns its path.
pub fn initramfs(
    work: &Path,
    busybox: &Path,
    sockdiag: &Path,
    helper: Option<&Path>,
    kernel: &Kernel,
) -> PathBuf {
    use std::os::unix::fs::{symlink, PermissionsExt};
    let _ = std::fs::remove_dir_all(work);
    let root = work.join("root");
    for dir in ["bin", "diag", "etc", "proc", "dev", "sys", "tmp"] {
        std::fs::create_dir_all(root.join(dir)).unwrap();
    }
    std::fs::set_permissions(root.join("tmp"), std::fs::Permissions::from_mode(0o1777)).unwrap();
    let exec = |path: &Path, text: &[u8]| {
        std::fs::write(path, text).unwrap();
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
    };
    exec(&root.join("bin/busybox"), &std::fs::read(busybox).unwrap());
    exec(
        &root.join("bin/sockdiag"),
        &std::fs::read(sockdiag).unwrap(),
    );
    for applet in APPLETS {
        symlink("busybox", root.join("bin").join(applet)).unwrap();
    }
    if let Some(helper) = helper {
        exec(
            &root.join("bin/guest-sockets"),
            &std::fs::read(helper).unwrap(),
        );
    }
    for (name, file) in kernel.modules.iter().chain(&kernel.table_modules) {
        std::fs::copy(file, root.join("diag").join(format!("{name}.ko"))).unwrap();
    }
    exec(&root.join("init"), init_script(kernel).as_bytes());
    exec(&root.join("bin/block"), BLOCK.as_bytes());
    std::fs::write(
        root.join("etc/passwd"),
        "root:x:0:0:root:/:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\n",
    )
    .unwrap();
    std::fs::write(root.join("etc/group"), "root:x:0:\nnogroup:x:65534:\n").unwrap();

    let mut list = String::new();
    list_tree(&root, Path::new("."), &mut list);
    let initrd = work.join("initrd.cpio");
    let mut cpio = Command::new("cpio")
        .args(["-o", "-H", "newc", "-R", "0:0", "--quiet"])
        .current_dir(&root)
        .stdin(Stdio::piped())
        .stdout(std::fs::File::create(&initrd).unwrap())
        .spawn()
        .expect("cpio");
    cpio.stdin
        .take()
        .unwrap()
        .write_all(list.as_bytes())
        .unwrap();
    assert!(cpio.wait().unwrap().success(), "cpio failed");
    initrd
}

/// Every path under `root` (relative, parents first), one per line.
fn list_tree(root: &Path, rel: &Path, list: &mut String) {
    list.push_str(&format!("{}\n", rel.display()));
    let dir = root.join(rel);
    if dir.is_symlink() || !dir.is_dir() {
        return;
    }
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    entries.sort();
    for name in entries {
        list_tree(root, &rel.join(name), list);
    }
}
