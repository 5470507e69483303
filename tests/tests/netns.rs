//! `-N` and `--all-netns` against namespaces each test makes (and removes,
//! also on failure): every namespace's sockets once, under the right label,
//! with ss run inside the namespace as the witness; names looked up in the
//! namespace listed; a namespace that cannot be entered is one line.
//!
//! `--all-netns` runs in a private mount namespace whose /run/netns holds
//! only the test's named namespaces ([`isolated`]), so namespaces other
//! programs add or remove meanwhile cannot change the answer.

use std::ffi::OsStr;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, TcpStream, UdpSocket};
use std::os::fd::AsRawFd;
use std::os::unix::fs::MetadataExt;

use sockdiag_tests::netns::{
    cgroup2_mount, isolated, CgroupPath, NamedNetns, Sleeper, UnnamedNetns,
};
use sockdiag_tests::{
    assert_same_lines, describe_differences, run, sockdiag, tcp_listener, wait_for, Run, Sock,
};
use socket2::{Domain, Socket, Type};

const LO4: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);
const LO6: IpAddr = IpAddr::V6(Ipv6Addr::LOCALHOST);

/// `ss ARGS` run inside namespace NAME; it must succeed.
#[track_caller]
fn ss_in(name: &str, args: &[&str]) -> Run {
    let mut all = vec!["netns", "exec", name, "ss"];
    all.extend_from_slice(args);
    let ss = run(OsStr::new("ip"), &all);
    ss.success();
    ss
}

/// `ss ARGS` run inside the namespace of process PID; it must succeed.
#[track_caller]
fn ss_in_pid(pid: u32, args: &[&str]) -> Run {
    let pid = pid.to_string();
    let mut all = vec!["-t", &pid, "-n", "ss"];
    all.extend_from_slice(args);
    let ss = run(OsStr::new("nsenter"), &all);
    ss.success();
    ss
}

/// An `--all-netns` line: its Netns cell, and the rest as ss prints it.
fn netns_rows(stdout: &str) -> Vec<(String, Sock)> {
    stdout
        .lines()
        .map(|line| {
            let (label, rest) = line
                .split_once(' ')
                .unwrap_or_else(|| panic!("no Netns cell in {line:?}"));
            (label.to_string(), Sock::parse(rest))
        })
        .collect()
}

/// The rows of one namespace.
fn rows_of(rows: &[(String, Sock)], label: &str) -> Vec<Sock> {
    rows.iter()
        .filter(|(l, _)| l == label)
        .map(|(_, s)| s.clone())
        .collect()
}

/// Waits until `sockdiag` and the witness print the same lines (the
/// kernel finishes a handshake after connect() returns).
#[track_caller]
fn same_as_witness(what: &str, sockdiag_run: impl Fn() -> Vec<Sock>, witness: impl Fn() -> Run) {
    wait_for(what, || {
        let ours = sockdiag_run();
        let theirs = witness().socks();
        match describe_differences(&ours, &theirs) {
            None if !ours.is_empty() => Ok(()),
            None => Err("both empty".into()),
            Some(diff) => Err(diff),
        }
    });
}

/// A listener with backlog 7 holding one connection it has not accepted,
/// an accepted connection, and a v6 listener: what a namespace holds.
struct Held {
    _sockets: Vec<Box<dyn Send>>,
    port: u16,
}

fn hold_sockets() -> Held {
    let (listener, port) = tcp_listener(LO4, 7);
    let (v6, _) = tcp_listener(LO6, 9);
    let client = TcpStream::connect((LO4, port)).expect("connect");
    let (server, _) = listener.accept().expect("accept");
    let waiting = TcpStream::connect((LO4, port)).expect("connect");
    Held {
        _sockets: vec![
            Box::new(listener),
            Box::new(v6),
            Box::new(client),
            Box::new(server),
            Box::new(waiting),
        ],
        port,
    }
}

#[test]
fn named_namespace_matches_ss_inside_it() {
    let ns = NamedNetns::new();
    let _held = ns.run(hold_sockets);
    for args in [["-tlnH"], ["-tanH"]] {
        same_as_witness(
            &format!(
                "sockdiag -N {} {args:?} to print what ss prints there",
                ns.name
            ),
            || {
                let run = sockdiag(&[&["-N", ns.name.as_str()][..], &args].concat());
                run.success();
                run.socks()
            },
            || ss_in(&ns.name, &args),
        );
    }
}

#[test]
fn path_and_pid_name_the_same_namespace() {
    let ns = NamedNetns::new();
    let held = ns.run(hold_sockets);
    let sleeper = Sleeper::in_named(&ns);
    let path = ns.path();
    let by_name = sockdiag(&["-N", &ns.name, "-tlnH"]);
    let by_path = sockdiag(&[OsStr::new("-N"), path.as_os_str(), OsStr::new("-tlnH")]);
    let by_pid = sockdiag(&["-N", &format!("pid:{}", sleeper.pid()), "-tlnH"]);
    let listeners = by_name.socks();
    assert_eq!(listeners.len(), 2, "{by_name}");
    assert!(listeners.iter().any(|s| s.local_port() == Some(held.port)));
    assert_eq!(by_path.socks(), listeners, "{by_path}");
    assert_eq!(by_pid.socks(), listeners, "{by_pid}");

    // An unnamed namespace, by its process and by its file.
    let unnamed = UnnamedNetns::new();
    let _held = unnamed.run(hold_sockets);
    let file = format!("/proc/{}/ns/net", unnamed.pid());
    for target in [format!("pid:{}", unnamed.pid()), file] {
        same_as_witness(
            &format!("sockdiag -N {target} -tanH to print what ss prints there"),
            || {
                let run = sockdiag(&["-N", &target, "-tanH"]);
                run.success();
                run.socks()
            },
            || ss_in_pid(unnamed.pid(), &["-tanH"]),
        );
    }
}

/// Each namespace once, in one block, under its label: the test's named
/// ones, an unnamed one (`pid:PID` of its only process) and the caller's.
#[test]
fn all_netns_lists_every_namespace_once() {
    let (host, host_port) = tcp_listener(LO4, 5);
    let (a, b, u) = (NamedNetns::new(), NamedNetns::new(), UnnamedNetns::new());
    let _held = (
        a.run(hold_sockets),
        b.run(hold_sockets),
        u.run(hold_sockets),
    );
    let pid_label = format!("pid:{}", u.pid());
    wait_for("every namespace's sockets as ss prints them", || {
        let run = isolated(&[&a, &b], "", "", &["--all-netns", "-tanH"]);
        if run.code != Some(0) || !run.stderr.is_empty() {
            return Err(run.to_string());
        }
        let rows = netns_rows(&run.stdout);
        let mut diffs = String::new();
        for (label, witness) in [
            (&a.name, ss_in(&a.name, &["-tanH"])),
            (&b.name, ss_in(&b.name, &["-tanH"])),
            (&pid_label, ss_in_pid(u.pid(), &["-tanH"])),
        ] {
            if let Some(d) = describe_differences(&rows_of(&rows, label), &witness.socks()) {
                diffs.push_str(&format!("{label}:\n{d}"));
            }
        }
        // The caller's namespace comes first, and holds the host's
        // listener (another namespace may use the same port number).
        let own = rows.first().map(|(label, _)| label.as_str()).unwrap_or("");
        let host_rows: Vec<_> = rows
            .iter()
            .filter(|(_, s)| s.local_port() == Some(host_port) && s.state == "LISTEN")
            .collect();
        let mine: Vec<_> = host_rows.iter().filter(|(l, _)| l == own).collect();
        if mine.len() != 1 || [&a.name, &b.name, &pid_label].iter().any(|l| *l == own) {
            diffs.push_str(&format!("the host's listener under {own}: {host_rows:?}\n"));
        }
        // One block per namespace: a label never comes back.
        let mut seen: Vec<&str> = Vec::new();
        for (label, _) in &rows {
            if seen.last() != Some(&label.as_str()) {
                if seen.contains(&label.as_str()) {
                    diffs.push_str(&format!("{label} listed twice\n"));
                }
                seen.push(label);
            }
        }
        if diffs.is_empty() {
            Ok(())
        } else {
            Err(diffs)
        }
    });
    drop(host);
}

/// An interface's name is the one its namespace gives its index: both
/// namespaces number their first veth 2, and name it differently.
#[test]
fn interface_names_are_the_namespaces_own() {
    let (a, b) = (NamedNetns::new(), NamedNetns::new());
    a.ip(&[
        "link", "add", "sdtesta0", "type", "veth", "peer", "name", "sdtesta1",
    ]);
    b.ip(&[
        "link", "add", "sdtestb0", "type", "veth", "peer", "name", "sdtestb1",
    ]);
    let bound = |device: &'static [u8]| {
        move || {
            let s = Socket::new(Domain::IPV4, Type::DGRAM, None).expect("socket");
            s.bind_device(Some(device)).expect("SO_BINDTODEVICE");
            s.bind(&"0.0.0.0:0".parse::<std::net::SocketAddr>().unwrap().into())
                .expect("bind");
            UdpSocket::from(s)
        }
    };
    let (sa, sb) = (a.run(bound(b"sdtesta0")), b.run(bound(b"sdtestb0")));
    let port_a = sa.local_addr().unwrap().port();
    let port_b = sb.local_addr().unwrap().port();
    for ns in [&a, &b] {
        let run = sockdiag(&["-N", &ns.name, "-uanH"]);
        assert_same_lines(
            &format!("-N {} -uan", ns.name),
            &run.socks(),
            &ss_in(&ns.name, &["-uanH"]).socks(),
        );
    }
    let run = isolated(&[&a, &b], "", "", &["--all-netns", "-uanH"]);
    let text = run.success();
    assert!(
        text.contains(&format!("0.0.0.0%sdtesta0:{port_a} ")),
        "{run}"
    );
    assert!(
        text.contains(&format!("0.0.0.0%sdtestb0:{port_b} ")),
        "{run}"
    );
    // A filter's interface is the namespace's too: sdtesta0 is only in a.
    let run = isolated(
        &[&a, &b],
        "",
        "",
        &["--all-netns", "-uanH", "dev", "=", "sdtesta0"],
    );
    let rows = netns_rows(run.success());
    assert_eq!(rows.len(), 1, "{run}");
    assert_eq!(
        (rows[0].0.as_str(), rows[0].1.local_port()),
        (a.name.as_str(), Some(port_a))
    );
    let run = sockdiag(&["-N", &b.name, "-uanH", "dev", "=", "sdtesta0"]);
    assert_eq!(run.code, Some(1), "{run}");
    assert!(
        run.stderr.contains("no interface named 'sdtesta0'"),
        "{run}"
    );
    let run = isolated(
        &[&a, &b],
        "",
        "",
        &["--all-netns", "-uanH", "dev", "=", "sdnowhere0"],
    );
    assert_eq!(run.code, Some(1), "{run}");
    assert!(
        run.stderr
            .contains("no network namespace has an interface named 'sdnowhere0'"),
        "{run}"
    );
}

/// `-p` finds the process holding each listener, in whichever namespace.
#[test]
fn processes_under_all_netns() {
    let (a, u) = (NamedNetns::new(), UnnamedNetns::new());
    let (la, pa) = a.run(|| tcp_listener(LO4, 3));
    let (lu, pu) = u.run(|| tcp_listener(LO4, 3));
    let run = isolated(&[&a], "", "", &["--all-netns", "-tlnpH"]);
    let text = run.success();
    let me = std::process::id();
    for (label, port, fd) in [
        (a.name.clone(), pa, la.as_raw_fd()),
        (format!("pid:{}", u.pid()), pu, lu.as_raw_fd()),
    ] {
        let line = text
            .lines()
            .find(|l| l.starts_with(&format!("{label} ")) && l.contains(&format!(":{port} ")))
            .unwrap_or_else(|| panic!("no {label} line for port {port}:\n{run}"));
        assert!(line.contains(&format!(",pid={me},fd={fd}))")), "{line}");
    }
}

/// The summary and the raw table's /proc fallback read the namespace's
/// own /proc files.
#[test]
fn summary_and_proc_files_are_the_namespaces() {
    let a = NamedNetns::new();
    let _held = a.run(hold_sockets);
    let _raw = a.run(|| Socket::new(Domain::IPV4, Type::RAW, Some(socket2::Protocol::ICMPV4)));
    let want = run(
        OsStr::new("ip"),
        &[
            "netns",
            "exec",
            &a.name,
            sockdiag_tests::sockdiag_bin().to_str().unwrap(),
            "-s",
        ],
    );
    let run = isolated(&[&a], "", "", &["--all-netns", "-s"]);
    let text = run.success();
    let block = text
        .split(&format!("Netns: {}\n", a.name))
        .nth(1)
        .and_then(|rest| rest.split("Netns: ").next())
        .unwrap_or_else(|| panic!("no summary of {}:\n{run}", a.name));
    // The Transport table counts the namespace's sockets. The TCP line's
    // totals are the kernel's allocation counters, shared by every
    // namespace, and Total counts a netlink socket until its deferred free.
    let own_lines = |text: &str| -> Vec<String> {
        text.lines()
            .skip_while(|l| !l.starts_with("Transport"))
            .map(str::to_string)
            .collect()
    };
    assert_eq!(own_lines(block), own_lines(want.success()), "{run}");
    assert!(block.contains("RAW\t  1 "), "{run}");
    same_as_witness(
        "sockdiag -N -wan to print the namespace's raw sockets as ss does",
        || {
            let run = sockdiag(&["-N", &a.name, "-wanH"]);
            run.success();
            run.socks()
        },
        || ss_in(&a.name, &["-wanH"]),
    );
}

/// `--dump-raw` keeps each namespace in the capture: `--decode` prints
/// the same lines, labels included; JSON names each object's namespace.
#[test]
fn capture_and_json_carry_the_namespace() {
    let a = NamedNetns::new();
    let held = a.run(hold_sockets);
    let dir = sockdiag_tests::TempDir::new();
    let cap = dir.path().join("all.cap");
    let cap = cap.to_str().unwrap();
    let live = isolated(&[&a], "", "", &["--all-netns", "-tanH", "--dump-raw", cap]);
    let decoded = sockdiag(&["--all-netns", "-tanH", "--decode", cap]);
    assert_eq!(decoded.success(), live.success());
    assert!(live.stdout.contains(&format!("{} ", a.name)), "{live}");

    let run = isolated(&[&a], "", "", &["--all-netns", "-tlj"]);
    let json: serde_json::Value = serde_json::from_str(run.success()).expect("valid JSON");
    let inode = std::fs::metadata(a.path()).unwrap().ino();
    let ours: Vec<_> = json
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["netns"] == a.name.as_str())
        .collect();
    let ports: Vec<_> = ours.iter().map(|o| &o["local_port"]).collect();
    assert_eq!(ports.len(), 2, "{run}");
    assert!(ports.iter().any(|p| **p == held.port), "{run}");
    assert!(ours.iter().all(|o| o["netns_inode"] == inode), "{run}");
    assert!(json
        .as_array()
        .unwrap()
        .iter()
        .all(|o| o["netns_inode"].is_u64()));
}

/// A process in a cgroup shaped as the kubelet makes them, and the
/// kubelet's log directory (in the private mount namespace), name the pod.
#[test]
fn pods_are_attributed_from_cgroups_and_pod_logs() {
    let mount = cgroup2_mount().expect("a cgroup2 mount (the test moves a process into a cgroup)");
    let uid = "3f0c6c1e-5b7a-4d2e-9c41-7a1b2c3d4e5f";
    let container = "8e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f7";
    let top = sockdiag_tests::unique_name();
    let pod = format!("pod{uid}");
    let cgroup = CgroupPath::new(&mount, &[&top, "kubepods", "burstable", &pod, container]);
    let u = UnnamedNetns::new();
    cgroup.add(u.pid());
    let (_l, port) = u.run(|| tcp_listener(LO4, 3));
    let setup = format!(
        "mount -t tmpfs sockdiag-test /var/log
        mkdir -p /var/log/pods/default_web-0_{uid}/web"
    );
    let run = isolated(&[], &setup, "", &["--all-netns", "-tlnH"]);
    let rows = netns_rows(run.success());
    let pod_rows: Vec<_> = rows
        .iter()
        .filter(|(l, _)| l == "default/web-0")
        .map(|(_, s)| s.local_port())
        .collect();
    assert_eq!(pod_rows, [Some(port)], "{run}");

    let run = isolated(&[], &setup, "", &["--all-netns", "-tlj"]);
    let json: serde_json::Value = serde_json::from_str(run.success()).expect("valid JSON");
    let label = format!("pid:{}", u.pid());
    let ours = json
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["netns"] == label.as_str())
        .unwrap_or_else(|| panic!("no object of {label}:\n{run}"));
    assert_eq!(ours["local_port"], port);
    assert_eq!(ours["pod"], "web-0");
    assert_eq!(ours["pod_namespace"], "default");
    assert_eq!(ours["pod_uid"], uid);
    assert_eq!(ours["container_id"], container);
    // Without the log directory the UID is all there is: the label stays.
    let run = isolated(&[], "", "", &["--all-netns", "-tlnH"]);
    let rows = netns_rows(run.success());
    assert!(
        rows.iter()
            .any(|(l, s)| s.local_port() == Some(port) && *l == format!("pid:{}", u.pid())),
        "{run}"
    );
    drop(u);
    drop(cgroup);
}

/// A stale /run/netns entry and a file that is no namespace: one line
/// each, exit 1, and the other namespaces still print.
#[test]
fn a_namespace_that_cannot_be_entered_is_one_line() {
    let a = NamedNetns::new();
    let held = a.run(hold_sockets);
    let run = isolated(&[&a], ": > /run/netns/stale", "", &["--all-netns", "-tlnH"]);
    assert_eq!(run.code, Some(1), "{run}");
    assert_eq!(
        run.stderr,
        "sockdiag: netns stale: cannot enter: not a network namespace file (a stale bind mount?)\n"
    );
    let rows = netns_rows(&run.stdout);
    assert!(
        rows.iter()
            .any(|(l, s)| *l == a.name && s.local_port() == Some(held.port)),
        "{run}"
    );
    let run = sockdiag(&["-N", "/etc/hostname", "-tlnH"]);
    assert_eq!(
        (run.code, run.stdout.as_str(), run.stderr.as_str()),
        (
            Some(1),
            "",
            "sockdiag: netns /etc/hostname: cannot enter: not a network namespace file (a stale bind mount?)\n"
        )
    );
    let missing = format!("{}-gone", a.name);
    let run = sockdiag(&["-N", &missing, "-tlnH"]);
    assert_eq!(run.code, Some(1), "{run}");
    assert_eq!(
        run.stderr,
        format!("sockdiag: netns {missing}: no such network namespace in /run/netns or /var/run/netns\n")
    );
}

/// Without CAP_SYS_ADMIN, `--all-netns` lists the caller's namespace and
/// says once what the others need.
#[test]
fn without_cap_sys_admin_says_so_once() {
    let (a, b) = (NamedNetns::new(), NamedNetns::new());
    let (host, port) = tcp_listener(LO4, 5);
    let run = isolated(
        &[&a, &b],
        "",
        "setpriv --bounding-set=-sys_admin --inh-caps=-sys_admin",
        &["--all-netns", "-tlnH"],
    );
    assert_eq!(run.code, Some(1), "{run}");
    assert_eq!(run.stderr.lines().count(), 1, "{run}");
    assert!(run.stderr.contains("needs CAP_SYS_ADMIN"), "{run}");
    let rows = netns_rows(&run.stdout);
    assert!(
        rows.iter().any(|(_, s)| s.local_port() == Some(port)),
        "{run}"
    );
    assert!(
        rows.iter().all(|(l, _)| *l != a.name && *l != b.name),
        "{run}"
    );
    drop(host);
}
