//! The options beyond the plain listing, each in a namespace of the test's
//! own: against ss where ss 6.1 knows the option (`-T`, `--cgroup`,
//! `--inet-sockopt`, `-b`, `-D` and `TCPDIAG_FILE`), by their exact output
//! where only ss 7 does (`-B`, `-Q`), and `--bpf-maps` against the value
//! the test stores.

use std::ffi::OsStr;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener, TcpStream};
use std::os::fd::{AsRawFd, OwnedFd};

use sockdiag_tests::{as_ss7, tcp_listener, Netns, Run, TempDir};
use socket2::{Domain, SockFilter, Socket, Type};

#[track_caller]
fn ok(run: &Run) -> &str {
    assert!(run.code == Some(0) && run.stderr.is_empty(), "{run}");
    &run.stdout
}

/// The header, then the rows sorted (with -O, one line each): sockdiag
/// lists TCP over both IP families in the kernel's walk order, ss IPv4
/// before IPv6. Each row still matches character for character.
fn rows_sorted(text: &str) -> String {
    let mut lines = text.lines();
    let header = lines.next().unwrap_or("").to_string();
    let mut rows: Vec<&str> = lines.collect();
    rows.sort_unstable();
    rows.iter().fold(header + "\n", |acc, r| acc + r + "\n")
}

/// ss and sockdiag print the same characters for `args` (ss 6.1's output
/// as ss 7 prints it: see `as_ss7`), row by row.
#[track_caller]
fn same_as_ss(ns: &Netns, args: &[&str], processes: bool) {
    let witness = ns.ss(args);
    let ours = ns.sockdiag(args);
    // In `ip netns exec`'s mount namespace there is no cgroup2 mount; ss
    // says so on stderr (and prints unreachable:ID, as sockdiag does).
    assert_eq!(witness.code, Some(0), "{witness}");
    assert_eq!(
        rows_sorted(&as_ss7(&witness.stdout, !processes)),
        rows_sorted(ok(&ours)),
        "sockdiag {args:?} and ss differ"
    );
}

/// A socket bound but neither listening nor connecting shows with `-B`
/// (and `state bound-inactive`), with no State column as in ss 7, and not
/// with `-a`, which keeps ss 6.1's states.
#[test]
fn bound_inactive() {
    let ns = Netns::new();
    // The namespace is the test's: any port is free.
    let _sock = ns.open(|| {
        let s = Socket::new(Domain::IPV4, Type::STREAM, None).expect("socket");
        s.bind(&SocketAddr::from((Ipv4Addr::LOCALHOST, 40000)).into())
            .expect("bind");
        s
    });
    let want = "Recv-Q Send-Q Local Address:Port  Peer Address:Port\n\
                0      0          127.0.0.1:40000      0.0.0.0:*\n";
    assert_eq!(ok(&ns.sockdiag(&["-tBn"])), want);
    assert_eq!(ok(&ns.sockdiag(&["-tn", "state", "bound-inactive"])), want);
    // Every table asked: the Netid column, only TCP has such sockets.
    let all = ns.sockdiag(&["-Bn"]);
    assert!(ok(&all).starts_with("Netid "), "{all}");
    assert_eq!(all.stdout.lines().count(), 2, "{all}");
    assert_eq!(ok(&ns.sockdiag(&["-tanH"])), "");
}

/// `-Q` leaves the queue columns out; the rest is laid out as ever.
#[test]
fn no_queues() {
    let ns = Netns::new();
    let _l = ns.open(|| {
        let l = TcpListener::bind((Ipv4Addr::LOCALHOST, 22)).expect("bind :22");
        let c = TcpStream::connect((Ipv4Addr::LOCALHOST, 22)).expect("connect");
        (l, c)
    });
    let out = ok(&ns.sockdiag(&["-tlnQ"])).to_string();
    assert_eq!(
        out,
        "State  Local Address:Port Peer Address:Port\n\
         LISTEN     127.0.0.1:22        0.0.0.0:*\n"
    );
    let out = ok(&ns.sockdiag(&["-tlnQH"])).to_string();
    assert_eq!(out, "LISTEN 127.0.0.1:22 0.0.0.0:*\n");
}

/// Sockets of both families for the raw dump tests.
fn tcp_zoo(ns: &Netns) -> Vec<OwnedFd> {
    ns.open(|| {
        let (l4, p4) = tcp_listener(IpAddr::V4(Ipv4Addr::LOCALHOST), 4);
        let (l6, p6) = tcp_listener(IpAddr::V6(Ipv6Addr::LOCALHOST), 2);
        let c4 = TcpStream::connect((Ipv4Addr::LOCALHOST, p4)).expect("connect");
        let c6 = TcpStream::connect((Ipv6Addr::LOCALHOST, p6)).expect("connect");
        let (s4, _) = l4.accept().expect("accept");
        [l4.into(), l6.into(), c4.into(), c6.into(), s4.into()].into()
    })
}

/// The file without the replies' port ids (bytes 12 to 16 of each
/// message), which differ between two dumping processes.
fn without_port_ids(mut file: Vec<u8>) -> Vec<u8> {
    let mut at = 0;
    while at + 16 <= file.len() {
        let len = u32::from_ne_bytes(file[at..at + 4].try_into().unwrap()) as usize;
        file[at + 12..at + 16].fill(0);
        at += (len + 3) & !3;
    }
    file
}

/// `-D` writes what `ss -D` writes, and each tool reads the other's file
/// back through TCPDIAG_FILE as the listing it came from.
#[test]
fn diag_dump_and_tcpdiag_file() {
    let ns = Netns::new();
    let _zoo = tcp_zoo(&ns);
    let dir = TempDir::new();
    let path = |name: &str| dir.path().join(name).to_string_lossy().into_owned();
    let (ours, theirs) = (path("sockdiag.dump"), path("ss.dump"));
    let bin = sockdiag_tests::sockdiag_bin();
    for (file, tool) in [(&ours, bin.as_os_str()), (&theirs, OsStr::new("ss"))] {
        let run = ns.run(tool, &["-tan", "-D", file.as_str()], &[]);
        assert_eq!(ok(&run), "", "-D prints nothing");
    }
    let (a, b) = (
        std::fs::read(&ours).unwrap(),
        std::fs::read(&theirs).unwrap(),
    );
    assert!(
        a.len() > 5 * 100,
        "five sockets and two DONE: {} bytes",
        a.len()
    );
    assert_eq!(
        without_port_ids(a),
        without_port_ids(b),
        "the same file as ss's"
    );

    // Read back: the listing, from either file; TCPDIAG_FILE selects no
    // state, so -t shows the listeners too, as in ss.
    let live = ok(&ns.sockdiag(&["-tan"])).to_string();
    for file in [&ours, &theirs] {
        let run = ns.run(
            sockdiag_tests::sockdiag_bin().as_os_str(),
            &["-tn"],
            &[("TCPDIAG_FILE", file)],
        );
        assert_eq!(rows_sorted(ok(&run)), rows_sorted(&live));
    }
    // ss reads sockdiag's file; ss 6.1 stops at the first DONE, so the
    // comparison is of an IPv4 dump.
    let v4 = path("v4.dump");
    ok(&ns.sockdiag(&["-tan4", "-D", &v4]));
    let witness = ns.run(OsStr::new("ss"), &["-tan"], &[("TCPDIAG_FILE", &v4)]);
    let ours_v4 = ns.run(
        sockdiag_tests::sockdiag_bin().as_os_str(),
        &["-tan"],
        &[("TCPDIAG_FILE", &v4)],
    );
    assert_eq!(as_ss7(ok(&witness), true), ok(&ours_v4));
    assert_eq!(ok(&ours_v4), ok(&ns.sockdiag(&["-tan4"])));
    // A damaged file is one line naming it.
    std::fs::write(&v4, [0xffu8; 20]).unwrap();
    let bad = ns.run(
        sockdiag_tests::sockdiag_bin().as_os_str(),
        &["-tan"],
        &[("TCPDIAG_FILE", &v4)],
    );
    assert_eq!(bad.code, Some(1), "{bad}");
    assert!(
        bad.stderr.contains("TCPDIAG_FILE") && bad.stderr.contains("byte 0"),
        "{bad}"
    );
}

/// `-T`, `--cgroup`, `--inet-sockopt`: as ss prints them.
#[test]
fn threads_cgroups_and_socket_options() {
    let ns = Netns::new();
    let _zoo = tcp_zoo(&ns);
    // Each thread of this test binary shows; the other tests' threads come
    // and go between two runs, so one clean comparison of five is enough.
    let outputs = (0..5)
        .map(|_| {
            let witness = ns.ss(&["-tlT"]);
            (
                rows_sorted(&as_ss7(&witness.stdout, false)),
                rows_sorted(ok(&ns.sockdiag(&["-tlT"]))),
            )
        })
        .collect::<Vec<_>>();
    assert!(
        outputs.iter().any(|(a, b)| a == b),
        "sockdiag -tlT and ss differ in every try: {outputs:#?}"
    );
    assert!(outputs[0].1.contains(",tid="), "{outputs:#?}");
    same_as_ss(&ns, &["-tan", "--cgroup"], false);
    same_as_ss(&ns, &["-tan", "--inet-sockopt"], false);
    same_as_ss(&ns, &["-tanO", "--inet-sockopt", "--cgroup", "-e"], false);
}

/// `-b`: a packet socket's classic BPF program, instruction by instruction.
#[test]
fn packet_bpf_filter() {
    let ns = Netns::new();
    let _sock = ns.open(|| {
        let s = Socket::new(
            Domain::PACKET,
            Type::RAW,
            Some(i32::from(0x0800u16.to_be()).into()),
        )
        .expect("an AF_PACKET socket needs CAP_NET_RAW: run the tests as root");
        // Load the ethertype; accept IPv4, drop the rest.
        s.attach_filter(&[
            SockFilter::new(0x28, 0, 0, 12),
            SockFilter::new(0x15, 0, 1, 0x0800),
            SockFilter::new(0x06, 0, 0, 0xffff),
            SockFilter::new(0x06, 0, 0, 0),
        ])
        .expect("SO_ATTACH_FILTER");
        s
    });
    for args in [["-0b"].as_slice(), &["-0bO"], &["-0be"], &["-0bn"]] {
        same_as_ss(&ns, args, false);
    }
    let out = ok(&ns.sockdiag(&["-0b"])).to_string();
    assert!(
        out.contains("\tbpf filter (4):  0x28 0 0 12, 0x15 0 1 2048, 0x06 0 0 65535, 0x06 0 0 0,"),
        "{out}"
    );
}

/// A BPF socket-storage map holding 42 on a listener (made with the bpf()
/// system call: BTF for its int key and value, the map, the value).
struct Storage {
    map: OwnedFd,
    _btf: OwnedFd,
    id: u32,
}

fn bpf(cmd: libc::c_long, attr: &mut [u8; 128]) -> std::io::Result<i64> {
    // SAFETY: `attr` is a zeroed union bpf_attr of the size passed, and the
    // pointers written into it point at live buffers of the test.
    let r = unsafe { libc::syscall(libc::SYS_bpf, cmd, attr.as_mut_ptr(), attr.len()) };
    if r < 0 {
        Err(std::io::Error::last_os_error())
    } else {
        Ok(r)
    }
}

fn owned(fd: i64) -> OwnedFd {
    use std::os::fd::FromRawFd;
    // SAFETY: the kernel just returned this descriptor, and nothing else
    // owns it.
    unsafe { OwnedFd::from_raw_fd(fd as i32) }
}

fn put(attr: &mut [u8; 128], at: usize, bytes: &[u8]) {
    attr[at..at + bytes.len()].copy_from_slice(bytes);
}

fn storage_on(sock: &TcpListener, value: u32) -> Storage {
    // BTF: one type, a 32-bit int named "int".
    let strings = b"\0int\0";
    let mut types = Vec::new();
    for w in [1u32, 1 << 24, 4, 32] {
        types.extend_from_slice(&w.to_ne_bytes());
    }
    let mut btf = Vec::new();
    btf.extend_from_slice(&0xeb9fu16.to_ne_bytes());
    btf.extend_from_slice(&[1, 0]);
    for w in [
        24u32,
        0,
        types.len() as u32,
        types.len() as u32,
        strings.len() as u32,
    ] {
        btf.extend_from_slice(&w.to_ne_bytes());
    }
    btf.extend_from_slice(&types);
    btf.extend_from_slice(strings);
    let mut attr = [0u8; 128];
    put(&mut attr, 0, &(btf.as_ptr() as u64).to_ne_bytes());
    put(&mut attr, 16, &(btf.len() as u32).to_ne_bytes());
    let btf_fd = owned(bpf(18, &mut attr).expect("BPF_BTF_LOAD"));
    // BPF_MAP_CREATE: SK_STORAGE (24), int key and value, no prealloc.
    let mut attr = [0u8; 128];
    for (at, w) in [(0, 24u32), (4, 4), (8, 4), (12, 0), (16, 1)] {
        put(&mut attr, at, &w.to_ne_bytes());
    }
    put(&mut attr, 48, &(btf_fd.as_raw_fd() as u32).to_ne_bytes());
    put(&mut attr, 52, &1u32.to_ne_bytes());
    put(&mut attr, 56, &1u32.to_ne_bytes());
    let map = owned(bpf(0, &mut attr).expect("BPF_MAP_CREATE"));
    // BPF_MAP_UPDATE_ELEM: the key is the socket's descriptor.
    let key = sock.as_raw_fd();
    let mut attr = [0u8; 128];
    put(&mut attr, 0, &(map.as_raw_fd() as u32).to_ne_bytes());
    put(&mut attr, 8, &(&key as *const i32 as u64).to_ne_bytes());
    put(&mut attr, 16, &(&value as *const u32 as u64).to_ne_bytes());
    bpf(2, &mut attr).expect("BPF_MAP_UPDATE_ELEM");
    // BPF_OBJ_GET_INFO_BY_FD: the map's id.
    let mut info = [0u8; 96];
    let mut attr = [0u8; 128];
    put(&mut attr, 0, &(map.as_raw_fd() as u32).to_ne_bytes());
    put(&mut attr, 4, &(info.len() as u32).to_ne_bytes());
    put(&mut attr, 8, &(info.as_mut_ptr() as u64).to_ne_bytes());
    bpf(15, &mut attr).expect("BPF_OBJ_GET_INFO_BY_FD");
    let id = u32::from_ne_bytes(info[4..8].try_into().unwrap());
    Storage {
        map,
        _btf: btf_fd,
        id,
    }
}

#[test]
fn bpf_map_storage() {
    let ns = Netns::new();
    let (listener, port) = ns.open(|| tcp_listener(IpAddr::V4(Ipv4Addr::LOCALHOST), 1));
    let storage = storage_on(&listener, 42);
    let filter = format!("sport = :{port}");
    let value = "2a 00 00 00";
    let shown = format!("\tmap_id:{} [\n\t\t{value}\n\t]\n", storage.id);
    for opt in [
        "--bpf-maps".to_string(),
        format!("--bpf-map-id={}", storage.id),
    ] {
        let out = ok(&ns.sockdiag(&["-tlnH", &opt, &filter])).to_string();
        assert!(out.ends_with(&shown), "{opt}:\n{out}");
    }
    let other = format!("--bpf-map-id={}", storage.id + 1000);
    let out = ok(&ns.sockdiag(&["-tlnH", &other, &filter])).to_string();
    assert!(!out.contains("map_id"), "{out}");
    let one = ok(&ns.sockdiag(&["-tlnHO", "--bpf-maps", &filter])).to_string();
    assert!(
        one.trim_end()
            .ends_with(&format!(" map_id:{} [{value}]", storage.id)),
        "{one}"
    );
    let json = ok(&ns.sockdiag(&["-tlj", "--bpf-maps", &filter])).to_string();
    assert!(
        json.contains(&format!(
            "\"bpf_storages\":[{{\"map_id\":{},\"value\":\"2a000000\"}}]",
            storage.id
        )),
        "{json}"
    );
    let both = ns.sockdiag(&["-t", "--bpf-maps", &other]);
    assert_eq!(both.code, Some(2), "{both}");
    drop(storage.map);
}
