//! sockdiag on a machine that has nothing but busybox: boots the
//! distribution's stock kernel under qemu (TCG, no KVM) with an initramfs
//! holding static busybox, the static musl sockdiag, the diag modules from
//! the kernel package and an init script, and checks what the guest prints
//! on its serial console.
//!
//! The guest, in order: (1) with no diag module loaded, `sockdiag -t` and
//! `-x` fail with the one line naming the missing module; (2) after insmod of
//! inet_diag, tcp_diag, udp_diag and unix_diag, a stopped busybox `nc -l`
//! listener with two connections waiting shows accept queue 2 and backlog 1
//! (busybox nc passes the number of `-l` flags to listen()); (3) the same as
//! user nobody; (4) `-j` output parses, for root and for nobody.
//!
//! Needs qemu-system-x86_64, static busybox, cpio, the musl target, and apt
//! to fetch the kernel package (cached under the target directory, keyed by
//! package name). Without them the test is ignored, with the reason in
//! `cargo test`'s summary (tests/build.rs decides when the tests are
//! built, and names what is missing in a build warning).

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use sockdiag_tests::probe::{guest_missing, is_static, kernel_package, BUSYBOX, MUSL};
use sockdiag_tests::Sock;

/// The profile the README documents for the static binary.
const PROFILE: &str = "release-small";
/// What the guest must load, dependencies first (added from the modules'
/// own `depends=` field: the package ships no modules.dep, depmod makes it
/// at install time).
const DIAG_MODULES: [&str; 4] = ["inet_diag", "tcp_diag", "udp_diag", "unix_diag"];
/// The guest's time limit; it finishes in seconds when nothing is wrong.
const BOOT_TIMEOUT: Duration = Duration::from_secs(100);

#[test]
#[cfg_attr(
    not(sockdiag_guest),
    ignore = "needs qemu-system-x86_64, static busybox, cpio, dpkg-deb, apt's lists and the musl \
              target (the build warning names what is missing)"
)]
fn busybox_guest() {
    let missing = guest_missing();
    assert!(missing.is_empty(), "missing: {missing:?}");
    let target = target_dir();
    let kernel = kernel(&target).unwrap_or_else(|why| panic!("the guest's kernel: {why}"));
    let sockdiag = build_static_sockdiag();
    let work = WorkDir(
        target
            .join("initramfs-test")
            .join(std::process::id().to_string()),
    );
    let initrd = initramfs(&work.0, &sockdiag, &kernel);
    let console = boot(&kernel.vmlinuz, &initrd);
    check(&console);
}

/// The initramfs's staging directory, removed however the test ends.
struct WorkDir(PathBuf);

impl Drop for WorkDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

/// The workspace's target directory, where the kernel is cached.
fn target_dir() -> PathBuf {
    let out = cargo()
        .args(["metadata", "--format-version", "1", "--no-deps"])
        .output()
        .expect("cargo metadata");
    assert!(out.status.success(), "cargo metadata failed");
    let meta: Value = serde_json::from_slice(&out.stdout).expect("cargo metadata's JSON");
    PathBuf::from(meta["target_directory"].as_str().expect("target_directory"))
}

/// The static binary, built as the README documents it. Cargo releases the
/// build-directory lock before it runs tests, so this nested build does not
/// wait on the outer one.
fn build_static_sockdiag() -> PathBuf {
    let out = cargo()
        .args([
            "build", "-p", "sockdiag", "--bin", "sockdiag", "--target", MUSL,
        ])
        .args(["--profile", PROFILE])
        .output()
        .expect("cannot run cargo");
    assert!(
        out.status.success(),
        "building the static sockdiag failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let bin = target_dir().join(MUSL).join(PROFILE).join("sockdiag");
    assert!(
        is_static(&bin),
        "{} is not a static executable",
        bin.display()
    );
    bin
}

/// The kernel and the diag modules (with their dependencies) in load order.
struct Kernel {
    vmlinuz: PathBuf,
    /// (module name, file), dependencies first.
    modules: Vec<(String, PathBuf)>,
}

/// Downloads and unpacks the kernel package once; later runs read the cache
/// at `<target>/initramfs-kernel/<package>/`.
fn kernel(target: &Path) -> Result<Kernel, String> {
    let package = kernel_package()?;
    let cache = target.join("initramfs-kernel").join(&package);
    let order = cache.join("modules.order");
    if !order.is_file() {
        fill_cache(&package, &cache)?;
    }
    let modules = std::fs::read_to_string(&order)
        .map_err(|e| format!("{}: {e}", order.display()))?
        .lines()
        .map(|name| (name.to_string(), cache.join(format!("{name}.ko"))))
        .collect();
    Ok(Kernel {
        vmlinuz: cache.join("vmlinuz"),
        modules,
    })
}

fn run_ok(cmd: &mut Command) -> Result<Vec<u8>, String> {
    let out = cmd.output().map_err(|e| format!("{cmd:?}: {e}"))?;
    if out.status.success() {
        Ok(out.stdout)
    } else {
        Err(format!(
            "{cmd:?} failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

fn fill_cache(package: &str, cache: &Path) -> Result<(), String> {
    let tmp = cache.with_extension("partial");
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir_all(tmp.join("x")).map_err(|e| e.to_string())?;
    run_ok(
        Command::new("apt-get")
            .args(["download", "-q", package])
            .current_dir(&tmp),
    )
    .map_err(|e| format!("the kernel package {package}: {e}"))?;
    let deb = std::fs::read_dir(&tmp)
        .map_err(|e| e.to_string())?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.extension().is_some_and(|x| x == "deb"))
        .ok_or_else(|| format!("apt-get download {package} left no .deb"))?;
    run_ok(
        Command::new("dpkg-deb")
            .arg("-x")
            .arg(&deb)
            .arg(tmp.join("x")),
    )?;

    let vmlinuz = std::fs::read_dir(tmp.join("x/boot"))
        .map_err(|e| format!("the package has no /boot: {e}"))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("vmlinuz-"))
        })
        .ok_or("the package has no /boot/vmlinuz-*")?;
    let mut files = BTreeMap::new();
    let mut builtin = String::new();
    for lib in ["lib/modules", "usr/lib/modules"] {
        let Ok(versions) = std::fs::read_dir(tmp.join("x").join(lib)) else {
            continue;
        };
        for version in versions.filter_map(|e| e.ok()) {
            builtin += &std::fs::read_to_string(version.path().join("modules.builtin"))
                .unwrap_or_default();
            index_modules(&version.path(), &mut files);
        }
    }
    let builtin: Vec<String> = builtin
        .lines()
        .filter_map(|l| l.rsplit('/').next()?.strip_suffix(".ko"))
        .map(|m| m.replace('-', "_"))
        .collect();

    std::fs::create_dir_all(tmp.join("out")).map_err(|e| e.to_string())?;
    let mut order = Vec::new();
    for name in DIAG_MODULES {
        add_module(name, &files, &builtin, &tmp.join("out"), &mut order)?;
    }
    std::fs::copy(&vmlinuz, tmp.join("out/vmlinuz")).map_err(|e| e.to_string())?;
    std::fs::write(tmp.join("out/modules.order"), order.join("\n") + "\n")
        .map_err(|e| e.to_string())?;
    let _ = std::fs::remove_dir_all(cache);
    std::fs::rename(tmp.join("out"), cache).map_err(|e| e.to_string())?;
    let _ = std::fs::remove_dir_all(&tmp);
    Ok(())
}

/// Every `*.ko*` under `dir`, by module name (`-` and `_` are one).
fn index_modules(dir: &Path, files: &mut BTreeMap<String, PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.filter_map(|e| e.ok()) {
        let path = entry.path();
        if path.is_dir() {
            index_modules(&path, files);
        } else if let Some(name) = path.file_name().and_then(|n| n.to_str()) {
            if let Some((stem, _)) = name.split_once(".ko") {
                files.insert(stem.replace('-', "_"), path.clone());
            }
        }
    }
}

/// Writes module `name` uncompressed to `out` after its dependencies, and
/// appends it to `order`. busybox insmod loads plain .ko files only, so a
/// compressed module is unpacked here with the matching tool.
fn add_module(
    name: &str,
    files: &BTreeMap<String, PathBuf>,
    builtin: &[String],
    out: &Path,
    order: &mut Vec<String>,
) -> Result<(), String> {
    if order.iter().any(|m| m == name) || builtin.iter().any(|m| m == name) {
        return Ok(());
    }
    let path = files
        .get(name)
        .ok_or_else(|| format!("module {name} in the kernel package"))?;
    let file = path.to_string_lossy();
    let bytes = if file.ends_with(".ko") {
        std::fs::read(path).map_err(|e| e.to_string())?
    } else {
        let tool = match file.rsplit('.').next() {
            Some("xz") => "xz",
            Some("zst") => "zstd",
            Some("gz") => "gzip",
            _ => return Err(format!("a way to unpack {file}")),
        };
        run_ok(Command::new(tool).arg("-dc").arg(path))
            .map_err(|e| format!("{tool} to unpack {file} (apt-get install {tool}): {e}"))?
    };
    // The .modinfo section holds NUL-terminated `key=value` strings.
    let depends = bytes
        .split(|&b| b == 0)
        .find_map(|s| s.strip_prefix(b"depends="))
        .unwrap_or_default();
    for dep in String::from_utf8_lossy(depends)
        .split(',')
        .filter(|d| !d.is_empty())
    {
        add_module(&dep.replace('-', "_"), files, builtin, out, order)?;
    }
    std::fs::write(out.join(format!("{name}.ko")), bytes).map_err(|e| e.to_string())?;
    order.push(name.to_string());
    Ok(())
}

/// The port of the guest's busybox nc listener.
const PORT: u16 = 8081;

/// The guest's /init. `block NAME CMD...` prints CMD's stdout, stderr and
/// exit code between markers the test picks out of the console.
fn init_script(modules: &[(String, PathBuf)]) -> String {
    let insmods: String = modules
        .iter()
        .map(|(m, _)| format!("block insmod_{m} insmod /diag/{m}.ko\n"))
        .collect();
    format!(
        r#"#!/bin/sh
mount -t proc proc /proc
mount -t devtmpfs dev /dev
exec </dev/null >/dev/console 2>&1
ip link set lo up
echo "@@start"
block modules cat /proc/modules
# (1) No diag module yet. There is no /sbin/modprobe, so the kernel
# cannot load one behind our back.
block nomod_tcp sockdiag -t
block nomod_unix sockdiag -x
# (2)
{insmods}nc -l -p {PORT} &
nc=$!
i=0
until [ -n "$(sockdiag -Htln 'sport = :{PORT}')" ] || [ $i -gt 100 ]; do sleep 0.1; i=$((i+1)); done
# Stopped, it accepts nothing: what connects stays in the accept queue.
kill -STOP $nc
sleep 600 | nc 127.0.0.1 {PORT} &
sleep 600 | nc 127.0.0.1 {PORT} &
i=0
until [ "$(sockdiag -Htn 'dport = :{PORT}' | wc -l)" -ge 2 ] || [ $i -gt 100 ]; do sleep 0.1; i=$((i+1)); done
sleep 0.2
block root_listen sockdiag -tln 'sport = :{PORT}'
block root_accepted sockdiag -tn 'sport = :{PORT}'
block root_json sockdiag -tan -j
# (3) and (4) as an unprivileged user.
su -s /bin/sh nobody -c "block user_id id -u"
su -s /bin/sh nobody -c "block user_listen sockdiag -tln 'sport = :{PORT}'"
su -s /bin/sh nobody -c "block user_json sockdiag -tan -j"
echo "@@done"
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
    "sh", "mount", "ip", "insmod", "nc", "sleep", "su", "id", "cat", "wc", "poweroff",
];

fn initramfs(work: &Path, sockdiag: &Path, kernel: &Kernel) -> PathBuf {
    use std::os::unix::fs::{symlink, PermissionsExt};
    let _ = std::fs::remove_dir_all(work);
    let root = work.join("root");
    for dir in ["bin", "diag", "etc", "proc", "dev", "tmp"] {
        std::fs::create_dir_all(root.join(dir)).unwrap();
    }
    std::fs::set_permissions(root.join("tmp"), std::fs::Permissions::from_mode(0o1777)).unwrap();
    std::fs::copy(BUSYBOX, root.join("bin/busybox")).unwrap();
    std::fs::copy(sockdiag, root.join("bin/sockdiag")).unwrap();
    for applet in APPLETS {
        symlink("busybox", root.join("bin").join(applet)).unwrap();
    }
    for (name, file) in &kernel.modules {
        std::fs::copy(file, root.join("diag").join(format!("{name}.ko"))).unwrap();
    }
    let exec = |path: &Path, text: &str| {
        std::fs::write(path, text).unwrap();
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
    };
    exec(&root.join("init"), &init_script(&kernel.modules));
    exec(&root.join("bin/block"), BLOCK);
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

/// Runs the guest to its end and returns its console, without `\r` and
/// without kernel log lines.
fn boot(vmlinuz: &Path, initrd: &Path) -> String {
    let started = Instant::now();
    let mut qemu = Command::new("qemu-system-x86_64")
        .args([
            "-accel",
            "tcg",
            "-m",
            "512M",
            "-nodefaults",
            "-display",
            "none",
        ])
        .args(["-serial", "stdio", "-no-reboot"])
        .arg("-kernel")
        .arg(vmlinuz)
        .arg("-initrd")
        .arg(initrd)
        .args(["-append", "console=ttyS0 quiet panic=-1"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("cannot start qemu-system-x86_64");
    let mut stdout = qemu.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = stdout.read_to_end(&mut bytes);
        bytes
    });
    let status = loop {
        if let Some(status) = qemu.try_wait().unwrap() {
            break Some(status);
        }
        if started.elapsed() > BOOT_TIMEOUT {
            let _ = qemu.kill();
            let _ = qemu.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let bytes = reader.join().unwrap();
    let mut stderr = String::new();
    let _ = qemu.stderr.take().unwrap().read_to_string(&mut stderr);
    let console: String = String::from_utf8_lossy(&bytes)
        .lines()
        .map(|l| l.trim_end_matches('\r'))
        .filter(|l| !is_kernel_log(l))
        .map(|l| format!("{l}\n"))
        .collect();
    assert!(
        status.is_some(),
        "the guest did not finish in {BOOT_TIMEOUT:?}; console:\n{console}\nqemu: {stderr}"
    );
    assert!(
        console.contains("@@done"),
        "the guest stopped early ({status:?}); console:\n{console}\nqemu: {stderr}"
    );
    console
}

/// `[    4.107566] reboot: Power down`: printk lines that `quiet` lets
/// through and that may land between a block's lines.
fn is_kernel_log(line: &str) -> bool {
    line.strip_prefix('[')
        .and_then(|l| l.split_once(']'))
        .is_some_and(|(t, _)| t.trim().parse::<f64>().is_ok())
}

/// What one `block` printed.
#[derive(Debug)]
struct Block {
    stdout: Vec<String>,
    stderr: Vec<String>,
    code: i32,
}

fn blocks(console: &str) -> BTreeMap<String, Block> {
    let mut blocks = BTreeMap::new();
    let mut lines = console.lines();
    while let Some(line) = lines.next() {
        let Some(name) = line.strip_prefix("@@begin ") else {
            continue;
        };
        let mut block = Block {
            stdout: Vec::new(),
            stderr: Vec::new(),
            code: -1,
        };
        let mut in_stderr = false;
        for line in lines.by_ref() {
            if line == format!("@@stderr {name}") {
                in_stderr = true;
            } else if let Some(code) = line.strip_prefix(&format!("@@end {name} ")) {
                block.code = code.parse().expect("exit code");
                break;
            } else if in_stderr {
                block.stderr.push(line.to_string());
            } else {
                block.stdout.push(line.to_string());
            }
        }
        blocks.insert(name.to_string(), block);
    }
    blocks
}

fn check(console: &str) {
    let blocks = blocks(console);
    let get = |name: &str| {
        blocks
            .get(name)
            .unwrap_or_else(|| panic!("no block {name} on the console:\n{console}"))
    };
    let ok = |name: &str| {
        let b = get(name);
        assert!(
            b.code == 0 && b.stderr.is_empty(),
            "{name} failed: {b:?}\nconsole:\n{console}"
        );
        b
    };

    // (1) Nothing loaded, and each table's failure names its module.
    let loaded = &ok("modules").stdout;
    assert!(
        !loaded.iter().any(|l| l.contains("diag")),
        "a diag module was loaded before the test loaded one: {loaded:?}"
    );
    for (name, line) in [
        (
            "nomod_tcp",
            "sockdiag: tcp: the kernel cannot dump tcp sockets: inet_diag is missing \
             (CONFIG_INET_DIAG; modprobe inet_diag tcp_diag)",
        ),
        (
            "nomod_unix",
            "sockdiag: unix: the kernel cannot dump unix sockets: unix_diag is missing \
             (CONFIG_UNIX_DIAG; modprobe unix_diag)",
        ),
    ] {
        let b = get(name);
        assert_eq!(
            (b.code, &b.stderr[..]),
            (1, &[line.to_string()][..]),
            "{name}"
        );
        assert_eq!(b.stdout.len(), 1, "{name}: only the header: {b:?}");
    }

    // (2) The listener: two connections wait, busybox nc's backlog is 1.
    for m in DIAG_MODULES {
        ok(&format!("insmod_{m}"));
    }
    for who in ["root", "user"] {
        let b = ok(&format!("{who}_listen"));
        assert!(b.stdout[0].starts_with("State"), "{who}: header: {b:?}");
        let socks: Vec<Sock> = b.stdout[1..].iter().map(|l| Sock::parse(l)).collect();
        assert_eq!(socks.len(), 1, "{who}: one listener: {b:?}");
        let s = &socks[0];
        assert_eq!(
            (s.state.as_str(), s.recv_q, s.send_q),
            ("LISTEN", 2, 1),
            "{who}: accept queue 2, backlog 1: {s}"
        );
        // nc binds the dual-stack IPv6 wildcard.
        assert_eq!(
            (s.local.as_str(), s.peer.as_str()),
            ("*:8081", "*:*"),
            "{who}"
        );
    }
    // The two queued connections, not yet accepted.
    let b = ok("root_accepted");
    let accepted: Vec<Sock> = b.stdout[1..].iter().map(|l| Sock::parse(l)).collect();
    assert_eq!(accepted.len(), 2, "{b:?}");
    for s in &accepted {
        assert_eq!(
            (s.state.as_str(), s.local.as_str()),
            ("ESTAB", "[::ffff:127.0.0.1]:8081")
        );
    }

    // (3) The user really was unprivileged.
    assert_eq!(ok("user_id").stdout, ["65534"]);

    // (4) JSON: the whole array parses, and so does each line on its own.
    for who in ["root", "user"] {
        let b = ok(&format!("{who}_json"));
        let text = b.stdout.join("\n");
        let array: Value = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{who}: -j is not JSON ({e}):\n{text}"));
        let objects = array.as_array().expect("a JSON array");
        let inner = &b.stdout[1..b.stdout.len() - 1];
        assert_eq!(inner.len(), objects.len(), "{who}: one object per line");
        for line in inner {
            let line = line.strip_suffix(',').unwrap_or(line);
            serde_json::from_str::<Value>(line)
                .unwrap_or_else(|e| panic!("{who}: line is not an object ({e}): {line}"));
        }
        // The guest has nothing else: the listener, two clients, two queued.
        assert_eq!(objects.len(), 5, "{who}: {text}");
        let listeners: Vec<&Value> = objects.iter().filter(|o| o["state"] == "LISTEN").collect();
        assert_eq!(listeners.len(), 1, "{who}: {text}");
        let l = listeners[0];
        assert_eq!(
            (&l["netid"], &l["recv_q"], &l["send_q"], &l["local_port"]),
            (&"tcp".into(), &2.into(), &1.into(), &8081.into()),
            "{who}: {l}"
        );
        assert_eq!(
            (&l["local_address"], &l["v6only"]),
            (&"::".into(), &false.into())
        );
        // SO_MARK goes to CAP_NET_ADMIN only: proof the user lacked it.
        assert_eq!(l.get("mark").is_some(), who == "root", "{who}: {l}");
    }
}
