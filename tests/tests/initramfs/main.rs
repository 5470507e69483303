//! sockdiag on machines that have nothing but busybox: boots the
//! distribution's stock kernel under qemu (TCG, no KVM) on x86-64, arm64,
//! armv7 and big-endian s390x, with an initramfs holding static busybox, the
//! static musl sockdiag for that architecture, the diag modules from the
//! kernel package and an init script, and checks what the guest prints on
//! its serial console. Every guest runs the same script.
//!
//! The guest, in order: (1) with no diag module loaded, `sockdiag -tl`
//! answers from /proc: a stopped busybox `nc -l` listener with two
//! connections waiting shows accept queue 2, one stderr line names
//! tcp_diag for the backlog limit, JSON leaves `send_q` out, and `-x`
//! reads /proc/net/unix with its line; (2) after insmod of inet_diag,
//! tcp_diag, udp_diag and unix_diag, the listener shows accept queue 2 and
//! backlog 1 (busybox nc passes the number of `-l` flags to listen()),
//! with the inode, accept queue and client ports the guest kernel's
//! /proc/net/tcp6 gives, and nc's pid under `-p`; (3) the same as user
//! nobody; (4) `-j` output parses, for root and for nobody; (5) a
//! `--dump-raw` capture made on the guest decodes on the guest to the same
//! output, and carries the guest's byte order, which the host refuses when
//! it is not its own. The x86-64 guest, whose Debian 6.12 kernel has every
//! diag module, then (6) loads raw_diag, vsock_loopback, vsock_diag,
//! xsk_diag, tipc and tipc_diag and lists the sockets the static
//! `guest-sockets` helper makes (a vsock listener with a connection, a
//! bound AF_XDP socket, a TIPC socket with a published service, a raw ICMP
//! socket) against what the helper read of them by getsockname and fstat;
//! (7) unloads vsock_diag (vsock's one line, TIPC still listed) and
//! raw_diag (RAW from /proc/net/raw).
//!
//! Each guest is its own test, ignored with the reason where its qemu, its
//! Debian architecture (for the kernel and busybox packages) or its cross
//! linker is missing: `tests/build.rs` decides when the tests are built.
//! `.ci/run` installs everything, so CI runs them all. Packages are cached
//! under the target directory (see `initramfs/packages.rs`). riscv64, which
//! has no guest, is tested in qemu's user mode (`initramfs/user_mode.rs`).

mod console;
mod image;
mod machine;
mod packages;
mod user_mode;

use std::io::Write;
use std::path::PathBuf;

use serde_json::Value;
use sockdiag_tests::{sockdiag_bin, Sock, TempDir};

use console::Block;
use image::PORT;
use machine::Machine;

#[test]
#[cfg_attr(
    not(guest_x86_64),
    ignore = "needs qemu-system-x86_64, cpio, apt-get, nightly with rust-src and its \
              x86_64-unknown-linux-musl target (tests/build.rs says which is missing)"
)]
fn x86_64_guest() {
    run(&machine::X86_64);
}

#[test]
#[cfg_attr(
    not(guest_aarch64),
    ignore = "needs qemu-system-aarch64 (qemu-system-arm), dpkg's arm64 architecture, \
              aarch64-linux-musl-gcc (musl-dev:arm64), cpio, apt-get, nightly with rust-src \
              (tests/build.rs says which is missing)"
)]
fn arm64_guest() {
    run(&machine::AARCH64);
}

#[test]
#[cfg_attr(
    not(guest_armv7),
    ignore = "needs qemu-system-arm, dpkg's armhf architecture, arm-linux-musleabihf-gcc \
              (musl-dev:armhf), cpio, apt-get, nightly with rust-src \
              (tests/build.rs says which is missing)"
)]
fn armv7_guest() {
    run(&machine::ARMV7);
}

#[test]
#[cfg_attr(
    not(guest_s390x),
    ignore = "needs qemu-system-s390x (qemu-system-misc), dpkg's s390x architecture, \
              s390x-linux-musl-gcc (musl-dev:s390x), cpio, apt-get, nightly with rust-src \
              (tests/build.rs says which is missing)"
)]
fn s390x_guest() {
    run(&machine::S390X);
}

/// The initramfs's staging directory, removed however the test ends.
struct WorkDir(PathBuf);

impl Drop for WorkDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn run(machine: &Machine) {
    let arch = machine.debian_arch;
    let target = image::target_dir();
    let kernel = packages::kernel(&target, arch, machine.kernel_flavour, machine.tables)
        .unwrap_or_else(|e| panic!("{e}"));
    let busybox = packages::busybox(&target, arch).unwrap_or_else(|e| panic!("{e}"));
    if let Err(why) = image::check_static(&busybox, &machine.binary) {
        panic!("{}: {why}", busybox.display());
    }
    let sockdiag = image::static_sockdiag(&machine.binary, &target);
    let helper = machine
        .tables
        .then(|| image::static_helper(&machine.binary, &target));
    let work = WorkDir(
        target
            .join("initramfs-test")
            .join(format!("{arch}-{}", std::process::id())),
    );
    let initrd = image::initramfs(&work.0, &busybox, &sockdiag, helper.as_deref(), &kernel);
    let (console, took) = machine::boot(machine, &kernel.vmlinuz, &initrd);
    // Past the harness's capture, so that CI's log shows each boot's time.
    let _ = writeln!(
        std::io::stderr(),
        "initramfs: the {arch} guest ran in {:.1} s (limit {} s)",
        took.as_secs_f64(),
        machine::BOOT_TIMEOUT.as_secs()
    );
    check(&console, machine, &target);
}

fn check(console: &str, machine: &Machine, target: &std::path::Path) {
    let blocks = console::blocks(console);
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

    // (1) Nothing loaded: the tables come from /proc, with one line each
    // saying what /proc cannot show, and the listener's accept queue.
    let loaded = &ok("modules").stdout;
    assert!(
        !loaded.iter().any(|l| l.contains("diag")),
        "a diag module was loaded before the test loaded one: {loaded:?}"
    );
    let b = get("nomod_tcp");
    assert_eq!(b.code, 0, "nomod_tcp: {b:?}");
    let note = b.stderr.join("\n");
    assert!(
        b.stderr.len() == 1
            && note.starts_with("sockdiag: tcp: no ")
            && note.contains(": reading /proc/net/tcp")
            && note.ends_with("; backlog limits need tcp_diag"),
        "nomod_tcp: one line naming tcp_diag: {b:?}"
    );
    let socks: Vec<Sock> = b.stdout[1..].iter().map(|l| Sock::parse(l)).collect();
    assert_eq!(socks.len(), 1, "nomod_tcp: the listener: {b:?}");
    assert_eq!(
        (
            socks[0].state.as_str(),
            socks[0].recv_q,
            socks[0].local.as_str()
        ),
        ("LISTEN", 2, "*:8081"),
        "nomod_tcp: accept queue 2 from /proc/net/tcp6: {b:?}"
    );
    let b = get("nomod_json");
    assert_eq!((b.code, b.stderr.len()), (0, 1), "nomod_json: {b:?}");
    let json: Value = serde_json::from_str(&b.stdout.join("\n")).expect("nomod_json: JSON");
    let l = &json[0];
    assert_eq!((&l["state"], &l["recv_q"]), (&"LISTEN".into(), &2.into()));
    assert!(
        l.get("send_q").is_none(),
        "the backlog is unknown, not 0: {l}"
    );
    let b = get("nomod_unix");
    assert_eq!(
        (b.code, &b.stderr[..]),
        (
            0,
            &["sockdiag: unix: no unix_diag: reading /proc/net/unix; queues and peers need unix_diag"
                .to_string()][..]
        ),
        "nomod_unix"
    );

    // (2) The listener: two connections wait, busybox nc's backlog is 1.
    for m in packages::DIAG_MODULES {
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
    // The two queued connections, not yet accepted, from the clients'
    // ports the guest kernel's /proc gives.
    let b = ok("root_accepted");
    let accepted: Vec<Sock> = b.stdout[1..].iter().map(|l| Sock::parse(l)).collect();
    let mut peers: Vec<u16> = Vec::new();
    for s in &accepted {
        assert_eq!(
            (s.state.as_str(), s.local.as_str()),
            ("ESTAB", "[::ffff:127.0.0.1]:8081")
        );
        let port = s.peer.strip_prefix("[::ffff:127.0.0.1]:");
        peers.push(port.and_then(|p| p.parse().ok()).expect("a client port"));
    }
    peers.sort();
    let proc_tcp6 = ok("proc_tcp6");
    assert_eq!(peers, established_peers(proc_tcp6), "{b:?}\n{proc_tcp6:?}");
    check_detail(proc_tcp6, ok("nc_pid"), ok("root_detail"));

    // (3) The user really was unprivileged.
    assert_eq!(ok("user_id").stdout, ["65534"]);

    // (4) JSON: the whole array parses, and so does each line on its own.
    for who in ["root", "user"] {
        check_json(who, ok(&format!("{who}_json")));
    }

    // (5) The capture decodes on the machine that made it, byte for byte.
    let dump = ok("dump");
    let decode = ok("decode");
    assert_eq!(
        decode.stdout, dump.stdout,
        "--decode differs from the live run"
    );
    // The guest's queued connections are in it: the capture is not empty.
    assert!(dump.stdout.iter().any(|l| l.contains(":8081")), "{dump:?}");
    check_capture(&ok("capture").stdout, machine);
    if machine.tables {
        check_tables(&blocks, console, target);
    }
}

/// (6) and (7): the sockets guest-sockets made, as its lines describe them,
/// in the vsock, XDP, TIPC and RAW tables; then each table without its
/// module.
/// The guest's capture of those tables is left in
/// `<target>/initramfs-captures/` for the codec's fixture and the fuzz
/// seeds (codec/tests/fixtures/README.md).
fn check_tables(
    blocks: &std::collections::BTreeMap<String, Block>,
    console: &str,
    target: &std::path::Path,
) {
    let ok = |name: &str| {
        let b = blocks
            .get(name)
            .unwrap_or_else(|| panic!("no block {name} on the console:\n{console}"));
        assert!(
            b.code == 0 && b.stderr.is_empty(),
            "{name} failed: {b:?}\nconsole:\n{console}"
        );
        b
    };
    let said = ok("sockets");
    assert_eq!(
        said.stdout.last().map(String::as_str),
        Some("ready"),
        "{said:?}"
    );
    let of = |kind: &str| -> Vec<Vec<&str>> {
        said.stdout
            .iter()
            .filter_map(|l| l.strip_prefix(kind)?.strip_prefix(' '))
            .map(|l| l.split(' ').collect())
            .collect()
    };
    let rows = |b: &Block| -> Vec<Vec<String>> {
        b.stdout[1..]
            .iter()
            .filter(|l| !l.starts_with([' ', '\t']))
            .map(|l| l.split_whitespace().map(String::from).collect())
            .collect()
    };
    // Row with `ino:N`.
    let with_inode = |rows: &[Vec<String>], inode: &str| -> Vec<String> {
        let ino = format!("ino:{inode}");
        rows.iter()
            .find(|r| r.contains(&ino))
            .unwrap_or_else(|| panic!("no row with {ino}: {rows:?}"))
            .clone()
    };

    // vsock: Netid State Recv-Q Send-Q Local Peer, the three sockets only.
    let mut want: Vec<Vec<String>> = of("vsock")
        .iter()
        .map(|f| [&["v_str", f[0], "0", "0"][..], &f[1..]].concat())
        .map(|f| f.iter().map(|s| s.to_string()).collect())
        .collect();
    let mut got = rows(ok("vsock"));
    want.sort();
    got.sort();
    assert_eq!((got.len(), &got), (3, &want), "vsock rows");

    // XDP: Recv-Q Send-Q Local Peer ino sk, then the rings and the umem.
    let x = &of("xdp")[0];
    let b = ok("xdp");
    let row = with_inode(&rows(b), x[2]);
    assert_eq!(
        row[..4],
        ["0", "0", &format!("{}:q{}", x[0], x[1]), "*"],
        "{b:?}"
    );
    let details: Vec<&str> = b.stdout.iter().map(|l| l.trim()).collect();
    for ring in [
        format!("rx(entries:{})", x[3]),
        format!("fr(entries:{})", x[4]),
        format!("cr(entries:{})", x[5]),
    ] {
        assert!(details.contains(&ring.as_str()), "{ring}: {b:?}");
    }
    let umem = format!(
        "umem(id:0,size:{},num_pages:{},chunk_size:{},headroom:0,ifindex:1,qid:{},zc:0,refs:1)",
        x[6],
        x[6].parse::<u32>().unwrap() / 4096,
        x[7],
        x[1]
    );
    assert!(details.contains(&umem.as_str()), "{umem}: {b:?}");

    // TIPC: State Recv-Q Send-Q node:port - ino sk, and --tipcinfo's line.
    let t = &of("tipc")[0];
    let b = ok("tipc");
    let row = with_inode(&rows(b), t[2]);
    assert_eq!(
        row[..5],
        ["UNCONN", "0", "0", &format!("{}:{}", t[0], t[1]), "-"],
        "{b:?}"
    );
    let at = b
        .stdout
        .iter()
        .position(|l| l.contains(&format!("ino:{} ", t[2])))
        .unwrap();
    assert_eq!(
        b.stdout[at + 1].split_whitespace().collect::<Vec<_>>(),
        ["type:RDM", "cong:none", "drop:0", "publ"],
        "{b:?}"
    );

    // RAW: the ICMP socket, protocol 1 as its port.
    let inode = &of("raw")[0][0];
    let row = with_inode(&rows(ok("raw")), inode);
    assert_eq!(row[..5], ["UNCONN", "0", "0", "0.0.0.0:1", "0.0.0.0:*"]);

    // JSON of them all parses; the capture replays on the guest.
    let json = ok("tables_json").stdout.join("\n");
    let json: Value = serde_json::from_str(&json).expect("tables_json: JSON");
    assert_eq!(json.as_array().map(Vec::len), Some(3 + 2 + 1), "{json}");
    assert_eq!(ok("tables_decode").stdout, ok("tables_dump").stdout);
    let capture = od_bytes(&ok("tables_capture").stdout);
    assert_eq!(capture.get(..8), Some(&b"SDIAGCAP"[..]));
    let dir = target.join("initramfs-captures");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("amd64-vsock-xdp-tipc-raw.cap"), capture).unwrap();

    // (7) vsock_diag gone: one line for vsock, the TIPC rows still print.
    ok("rmmod_vsock_diag");
    let b = &blocks["gone_vsock"];
    assert_eq!(
        (b.code, &b.stderr[..]),
        (
            1,
            &[
                "sockdiag: vsock: the kernel cannot dump vsock sockets: vsock_diag is missing \
               (CONFIG_VSOCKETS_DIAG; modprobe vsock_diag)"
                    .to_string()
            ][..]
        ),
        "{b:?}"
    );
    let tipc_port = format!("{}:{}", t[0], t[1]);
    assert!(rows(b).iter().any(|r| r.contains(&tipc_port)), "{b:?}");
    assert!(!rows(b).iter().any(|r| r[0] == "v_str"), "{b:?}");
    // raw_diag gone: RAW from /proc/net/raw, the socket still there.
    ok("rmmod_raw_diag");
    let b = &blocks["gone_raw"];
    assert_eq!(b.code, 0, "{b:?}");
    assert!(
        b.stderr.len() == 1
            && b.stderr[0].starts_with("sockdiag: raw: no raw_diag: reading /proc/net/raw"),
        "{b:?}"
    );
    // /proc gives RAW no -e details, as in ss: the guest's one RAW socket.
    assert_eq!(
        rows(b),
        [["UNCONN", "0", "0", "0.0.0.0:1", "0.0.0.0:*"]],
        "{b:?}"
    );
}

/// `-tlnpe` against the guest kernel's /proc/net/tcp6: the listener's
/// inode, and busybox nc as its process.
fn check_detail(proc_tcp6: &Block, nc_pid: &Block, detail: &Block) {
    // sl local rem st tx:rx tr:when retrnsmt uid timeout inode ...
    const TCP_LISTEN: &str = "0A";
    let port = format!(":{PORT:04X}");
    let row: Vec<&str> = proc_tcp6
        .stdout
        .iter()
        .map(|l| l.split_whitespace().collect::<Vec<_>>())
        .find(|f| f.get(1).is_some_and(|l| l.ends_with(&port)) && f.get(3) == Some(&TCP_LISTEN))
        .unwrap_or_else(|| panic!("no listener on {port} in /proc/net/tcp6: {proc_tcp6:?}"));
    // A listener's rx_queue is its accept queue.
    assert_eq!(row[4], "00000000:00000002", "/proc/net/tcp6: {row:?}");
    let inode = row[9];
    let pid = nc_pid.stdout.first().expect("nc's pid");
    assert_eq!(detail.stdout.len(), 2, "{detail:?}");
    let line = &detail.stdout[1];
    let fields: Vec<&str> = line.split_whitespace().collect();
    assert_eq!(fields[..3], ["LISTEN", "2", "1"], "{line}");
    assert!(
        line.contains(&format!("users:((\"nc\",pid={pid},fd=")),
        "-p names busybox nc, pid {pid}: {line}"
    );
    assert!(
        line.contains(&format!(" ino:{inode} ")),
        "-e gives the inode /proc/net/tcp6 gives, {inode}: {line}"
    );
}

/// The remote ports of the established sockets in /proc/net/tcp6, sorted.
fn established_peers(proc_tcp6: &Block) -> Vec<u16> {
    const TCP_ESTABLISHED: &str = "01";
    let mut ports: Vec<u16> = proc_tcp6.stdout[1..]
        .iter()
        .map(|l| l.split_whitespace().collect::<Vec<_>>())
        .filter(|f| f.get(3) == Some(&TCP_ESTABLISHED))
        .map(|f| {
            let port = f[2].rsplit(':').next().expect("addr:port");
            u16::from_str_radix(port, 16).expect("a hex port")
        })
        .collect();
    ports.sort();
    ports
}

fn check_json(who: &str, b: &Block) {
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

/// The bytes `od -A n -t x1` printed.
fn od_bytes(hex: &[String]) -> Vec<u8> {
    hex.iter()
        .flat_map(|l| l.split_whitespace())
        .map(|b| u8::from_str_radix(b, 16).unwrap_or_else(|e| panic!("od printed {b:?}: {e}")))
        .collect()
}

/// The capture's bytes, from `od -A n -t x1`: its header carries the
/// guest's byte order, and a host of the other order refuses it.
fn check_capture(hex: &[String], machine: &Machine) {
    let bytes = od_bytes(hex);
    assert_eq!(
        bytes.get(..8),
        Some(&b"SDIAGCAP"[..]),
        "the capture's magic"
    );
    let marker: [u8; 4] = match machine.binary.big_endian {
        true => 0x0102_0304u32.to_be_bytes(),
        false => 0x0102_0304u32.to_le_bytes(),
    };
    assert_eq!(
        bytes.get(8..12),
        Some(&marker[..]),
        "the capture's byte order"
    );
    if machine.binary.big_endian == cfg!(target_endian = "big") {
        return;
    }
    let dir = TempDir::new();
    let file = dir.path().join(format!("{}.cap", machine.debian_arch));
    std::fs::write(&file, &bytes).unwrap();
    let out = std::process::Command::new(sockdiag_bin())
        .args(["-tuxanie", "--decode"])
        .arg(&file)
        .output()
        .expect("cannot run sockdiag");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(out.stdout.is_empty(), "nothing printed before the refusal");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("other byte order"), "{stderr}");
}
