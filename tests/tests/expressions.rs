//! ss's filter expressions: for a population of our own TCP sockets (IPv4
//! on 127.0.0.1-3, IPv6 on ::1, v4-mapped through a dual-stack listener),
//! sockdiag and ss select the same sockets for every expression; the
//! program the codec compiles is accepted by the kernel, and a broken one is
//! refused by the kernel and by the codec's validator alike.

use std::io::Read;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener, TcpStream, UdpSocket};

use sockdiag_codec::family;
use sockdiag_codec::filter::bytecode::{self, FilteredReq, Program};
use sockdiag_codec::filter::expr::Expr;
use sockdiag_codec::filter::parse::ParseOptions;
use sockdiag_codec::filter::socket::Entry;
use sockdiag_codec::wire::datagram::{Body, Messages};
use sockdiag_codec::wire::inet::{proto, ReqRepr};
use sockdiag_codec::wire::sock_diag;
use sockdiag_tests::{describe_differences, sockdiag, ss, tcp_listener, wait_for, Key, Owned};
use socket2::{Domain, Protocol, Socket, Type};

/// Our sockets, and the ports that name them.
struct Population {
    /// Listener on 127.0.0.1 at a port we chose (not autobound).
    fixed: u16,
    /// Listener on 127.0.0.2, ephemeral port.
    v4: u16,
    /// Listener on [::1], ephemeral port.
    v6: u16,
    /// Dual-stack listener on [::], reached through 127.0.0.1.
    dual: u16,
    /// Connected UDP sockets on 127.0.0.1, and a dual-stack one on [::].
    udp: [u16; 3],
    owned: Owned,
    _keep: Vec<TcpStream>,
    _udp: Vec<UdpSocket>,
    _listeners: Vec<TcpListener>,
}

/// A listener on a port we pick ourselves, outside the ephemeral range, so
/// that it is not `autobound`.
fn fixed_listener() -> (TcpListener, u16) {
    let start = 20000 + (std::process::id() % 5000) as u16;
    for port in (start..30000).chain(20000..start) {
        if let Ok(l) = TcpListener::bind((Ipv4Addr::LOCALHOST, port)) {
            return (l, port);
        }
    }
    panic!("no free port in 20000-29999");
}

fn connect_from(local: IpAddr, to: SocketAddr) -> TcpStream {
    let sock = Socket::new(Domain::for_address(to), Type::STREAM, None).expect("socket");
    sock.bind(&SocketAddr::new(local, 0).into()).expect("bind");
    sock.connect(&to.into()).expect("connect");
    sock.into()
}

impl Population {
    fn open() -> Population {
        let (l_fixed, fixed) = fixed_listener();
        let (l_v4, v4) = tcp_listener(IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2)), 8);
        let (l_v6, v6) = tcp_listener(IpAddr::V6(Ipv6Addr::LOCALHOST), 8);
        let dual_sock = Socket::new(Domain::IPV6, Type::STREAM, None).expect("socket");
        dual_sock.set_only_v6(false).expect("dual-stack");
        dual_sock
            .bind(&SocketAddr::new(IpAddr::V6(Ipv6Addr::UNSPECIFIED), 0).into())
            .expect("bind");
        dual_sock.listen(8).expect("listen");
        let l_dual: TcpListener = dual_sock.into();
        let dual = l_dual.local_addr().unwrap().port();

        let lo = |n| IpAddr::V4(Ipv4Addr::new(127, 0, 0, n));
        let mut keep = vec![
            connect_from(lo(1), SocketAddr::new(lo(1), fixed)),
            connect_from(lo(3), SocketAddr::new(lo(1), fixed)),
            connect_from(lo(3), SocketAddr::new(lo(2), v4)),
            connect_from(
                IpAddr::V6(Ipv6Addr::LOCALHOST),
                SocketAddr::new(IpAddr::V6(Ipv6Addr::LOCALHOST), v6),
            ),
            // Through the dual-stack listener: the server end is AF_INET6
            // with v4-mapped addresses.
            connect_from(lo(1), SocketAddr::new(lo(1), dual)),
            connect_from(lo(2), SocketAddr::new(lo(1), dual)),
        ];
        // Accept some, leave the others in the accept queue.
        keep.push(l_fixed.accept().expect("accept").0);
        keep.push(l_dual.accept().expect("accept").0);
        keep.push(l_v6.accept().expect("accept").0);

        let u1 = UdpSocket::bind((Ipv4Addr::LOCALHOST, 0)).expect("udp");
        let u2 = UdpSocket::bind((Ipv4Addr::new(127, 0, 0, 2), 0)).expect("udp");
        u1.connect(u2.local_addr().unwrap()).expect("connect");
        u2.connect(u1.local_addr().unwrap()).expect("connect");
        let u3 = Socket::new(Domain::IPV6, Type::DGRAM, None).expect("udp6");
        u3.set_only_v6(false).expect("dual-stack");
        u3.bind(&SocketAddr::new(IpAddr::V6(Ipv6Addr::UNSPECIFIED), 0).into())
            .expect("bind");
        let u3: UdpSocket = u3.into();
        let udp_sockets = vec![u1, u2, u3];
        let port = |s: &UdpSocket| s.local_addr().unwrap().port();
        let udp = [
            port(&udp_sockets[0]),
            port(&udp_sockets[1]),
            port(&udp_sockets[2]),
        ];

        let mut owned = Owned::new();
        for p in [fixed, v4, v6, dual] {
            owned.port("tcp", p);
        }
        for p in udp {
            owned.port("udp", p);
        }
        // 4 listeners, 6 clients, 6 server ends (3 accepted, 3 queued), and
        // 3 UDP sockets.
        wait_for("the population", || {
            let mine = owned.select(sockdiag(&["-tuanH"]).socks());
            if mine.len() == 19 {
                Ok(())
            } else {
                Err(sockdiag_tests::show(&mine))
            }
        });
        Population {
            fixed,
            v4,
            v6,
            dual,
            udp,
            owned,
            _keep: keep,
            _udp: udp_sockets,
            _listeners: vec![l_fixed, l_v4, l_v6, l_dual],
        }
    }

    /// The expressions of the test, with our ports filled in.
    fn expressions(&self) -> Vec<String> {
        let (f, v4, v6, d) = (self.fixed, self.v4, self.v6, self.dual);
        let [u1, u2, u3] = self.udp;
        [
            format!("sport = :{f}"),
            format!("sport == :{f}"),
            format!("dport eq :{f}"),
            format!("dport :{v4}"),
            format!("sport != :{f}"),
            format!("dport ne :{v6}"),
            format!("dport neq :{d}"),
            format!("sport < :{v4}"),
            format!("sport lt :{f}"),
            format!("sport <= :{f}"),
            format!("dport le :{d}"),
            format!("dport leq :{v6}"),
            format!("sport > :{f}"),
            format!("sport gt :{v6}"),
            format!("sport >= :{d}"),
            format!("dport ge :{v4}"),
            format!("dport geq :{f}"),
            "src 127.0.0.1".into(),
            "src = 127.0.0.0/24".into(),
            format!("dst 127.0.0.2:{v4}"),
            "src [::1]".into(),
            "dst [::ffff:127.0.0.2]".into(),
            "src [::ffff:127.0.0.0/120]".into(),
            format!("src 127.0.0.1:{d}"),
            format!("src *:{f}"),
            format!("dst :{d}"),
            "dst *".into(),
            "autobound".into(),
            "! autobound".into(),
            "not src 127.0.0.1".into(),
            format!("( sport = :{f} or dport = :{f} ) and src 127.0.0.1"),
            format!("sport = :{f} || sport = :{v6} && ! dst [::1]"),
            format!("sport = :{f} | sport = :{v6} & dst 127.0.0.0/8"),
            format!("src 127.0.0.3 dport > :{f}"),
            format!("dst 127.0.0.1 & dport = :{d}"),
            "fwmark = 0".into(),
            "fwmark = 0x1/0x1".into(),
            "fwmark != 0x0/0xffff".into(),
            "dev = lo".into(),
            "dev != lo".into(),
            "( ( src [::1] ) or ( not not dst 127.0.0.2 ) )".into(),
            format!("sport = :{u1} or dport = :{u1}"),
            format!("src 127.0.0.2:{u2} or src [::]:{u3}"),
            format!("dst 127.0.0.1:{u1} or sport >= :{u3}"),
        ]
        .into()
    }
}

fn keys(owned: &Owned, out: &sockdiag_tests::Run) -> Vec<Key> {
    owned.select(out.socks()).iter().map(|s| s.key()).collect()
}

#[test]
fn expressions_match_ss() {
    let pop = Population::open();
    let mut failures = String::new();
    let mut nonempty = 0;
    for expr in pop.expressions() {
        let args = ["-tuanH", expr.as_str()];
        // Other processes open and close sockets meanwhile; ours stay, but
        // retry a mismatch a few times before calling it one.
        let mut last = None;
        for _ in 0..3 {
            let ours = sockdiag(&args);
            let theirs = ss(&args);
            assert!(
                ours.code == Some(0) && ours.stderr.is_empty(),
                "{ours}\n(the kernel must accept the program of {expr:?})"
            );
            assert_eq!(theirs.code, Some(0), "{theirs}");
            let (a, b) = (keys(&pop.owned, &ours), keys(&pop.owned, &theirs));
            match describe_differences(&a, &b) {
                None => {
                    nonempty += usize::from(!a.is_empty());
                    last = None;
                    break;
                }
                Some(d) => last = Some(d),
            }
        }
        if let Some(d) = last {
            failures.push_str(&format!("{expr}:\n{d}"));
        }
    }
    assert!(failures.is_empty(), "sockdiag and ss differ:\n{failures}");
    assert!(
        nonempty >= 30,
        "too few expressions select any of our sockets: {nonempty}"
    );
}

/// State clauses before the expression select states as in ss.
#[test]
fn states_and_expressions_match_ss() {
    let pop = Population::open();
    let f = pop.fixed;
    let exprs = [
        format!("( dport = :{f} or sport = :{f} )"),
        "src 127.0.0.0/8 or src [::1]".to_string(),
    ];
    for expr in &exprs {
        for states in [
            &["state", "established"][..],
            &["exclude", "listening"],
            &["state", "listening", "state", "established"],
        ] {
            let args: Vec<&str> = ["-tuanH"]
                .into_iter()
                .chain(states.iter().copied())
                .chain([expr.as_str()])
                .collect();
            let (ours, theirs) = (sockdiag(&args), ss(&args));
            ours.success();
            let (a, b) = (keys(&pop.owned, &ours), keys(&pop.owned, &theirs));
            assert!(!a.is_empty(), "{args:?}");
            if let Some(d) = describe_differences(&a, &b) {
                panic!("{args:?}:\n{d}");
            }
        }
    }
}

/// ss reads the expression from a file with -F; so does sockdiag.
#[test]
fn filter_file_matches_words() {
    let pop = Population::open();
    let dir = sockdiag_tests::TempDir::new();
    let path = dir.path().join("filter");
    let text = format!(
        "# our listener\n( sport = :{}\n or dport = :{} )\n",
        pop.fixed, pop.fixed
    );
    std::fs::write(&path, text).unwrap();
    let from_file = sockdiag(&["-tanH".as_ref(), "-F".as_ref(), path.as_os_str()]);
    from_file.success();
    let words = sockdiag(&[
        "-tanH",
        &format!("( sport = :{} or dport = :{} )", pop.fixed, pop.fixed),
    ]);
    let (a, b) = (keys(&pop.owned, &from_file), keys(&pop.owned, &words));
    assert_eq!(a.len(), 5, "listener, 2 clients, 2 server ends: {a:?}");
    assert_eq!(a, b);
}

/// Sends one inet dump request with `program` attached and collects the
/// sockets the kernel sends back. `Err(errno)` (positive) when the kernel
/// answers NLMSG_ERROR or ends the dump with an error.
fn kernel_dump(fam: u8, protocol: u32, program: &[u8]) -> Result<Vec<Entry>, i32> {
    const NETLINK_SOCK_DIAG: i32 = 4;
    let sock = Socket::new(
        Domain::from(16),
        Type::RAW,
        Some(Protocol::from(NETLINK_SOCK_DIAG)),
    )
    .expect("netlink socket");
    let req = FilteredReq::new(ReqRepr::dump(fam, protocol, u32::MAX), program);
    let mut out = vec![0u8; 8192];
    let len = sock_diag::emit_request(&mut out, 7, &req).expect("emit");
    assert_eq!(sock.send(&out[..len]).expect("send"), len);
    let mut buf = vec![0u8; 64 * 1024];
    let mut found = Vec::new();
    loop {
        let n = (&sock).read(&mut buf).expect("recv");
        for msg in Messages::new(&buf[..n]) {
            match msg.expect("a well-formed reply").body {
                Body::Error { errno } if errno != 0 => return Err(errno),
                Body::Done { errno: 0 } => return Ok(found),
                Body::Done { errno } => return Err(errno),
                Body::Inet(rec) => found.push(Entry::from_record(&rec, false)),
                _ => {}
            }
        }
    }
}

fn kernel_verdict(program: &[u8]) -> i32 {
    kernel_dump(family::INET, proto::TCP, program)
        .err()
        .unwrap_or(0)
}

/// The kernel's filtering agrees with the codec's evaluation (and so with
/// its interpreter) on our sockets, for every expression without
/// `autobound` (whose lock bit the kernel does not report).
#[test]
fn kernel_filters_as_the_codec_evaluates() {
    let pop = Population::open();
    let ours = |e: &Entry| {
        [pop.fixed, pop.v4, pop.v6, pop.dual]
            .iter()
            .chain(&pop.udp)
            .any(|&p| e.sport == p || e.dport == p)
    };
    for text in pop.expressions() {
        if text.contains("autobound") {
            continue;
        }
        let text = text
            .replace("dev = lo", "dev = 1")
            .replace("dev != lo", "dev != 1");
        let expr = Expr::parse(&text, &ParseOptions::inet()).unwrap();
        let mut program = [0u8; bytecode::MAX_PROGRAM_LEN];
        let n = bytecode::compile(&expr, &mut program).expect("compile");
        for fam in [family::INET, family::INET6] {
            for protocol in [proto::TCP, proto::UDP] {
                // Sockets come and go between two dumps; ours stay.
                let all: Vec<Entry> = kernel_dump(fam, protocol, &[])
                    .expect("plain dump")
                    .into_iter()
                    .filter(|e| ours(e))
                    .collect();
                let mut want: Vec<Entry> = all.into_iter().filter(|e| expr.eval(e)).collect();
                let mut got: Vec<Entry> = kernel_dump(fam, protocol, &program[..n])
                    .unwrap_or_else(|e| panic!("{text}: errno {e}"))
                    .into_iter()
                    .filter(|e| ours(e))
                    .collect();
                let key = |e: &Entry| (e.src, e.dst, e.sport, e.dport);
                want.sort_by_key(key);
                got.sort_by_key(key);
                assert_eq!(got, want, "{text} (family {fam}, protocol {protocol})");
            }
        }
    }
}

#[test]
fn kernel_accepts_every_compiled_program() {
    let pop = Population::open();
    for text in pop.expressions() {
        // Service and device names need the runner's resolver; the
        // codec alone takes numbers.
        let text = text
            .replace("dev = lo", "dev = 1")
            .replace("dev != lo", "dev != 1");
        let expr =
            Expr::parse(&text, &ParseOptions::inet()).unwrap_or_else(|e| panic!("{text}: {e}"));
        let mut program = [0u8; bytecode::MAX_PROGRAM_LEN];
        let n = bytecode::compile(&expr, &mut program).expect("compile");
        Program::new_checked(&program[..n]).unwrap_or_else(|e| panic!("{text}: {e}"));
        assert_eq!(
            kernel_verdict(&program[..n]),
            0,
            "the kernel refused the program of {text:?}"
        );
    }
}

#[test]
fn kernel_and_validator_refuse_a_broken_program() {
    let op = |code: u8, yes: u8, no: u16| {
        let n = no.to_ne_bytes();
        [code, yes, n[0], n[1]]
    };
    let cases: [(&str, Vec<u8>); 4] = [
        // A `no` that lands in the operand of a port comparison.
        (
            "jump into an operand",
            [
                op(bytecode::code::JMP, 4, 8),
                op(bytecode::code::S_GE, 8, 12),
                op(0, 0, 80),
            ]
            .concat(),
        ),
        ("unknown op code", op(99, 4, 8).to_vec()),
        (
            "port comparison without its operand",
            op(bytecode::code::S_LE, 4, 8).to_vec(),
        ),
        ("yes past the end", op(bytecode::code::NOP, 8, 0).to_vec()),
    ];
    for (what, program) in cases {
        assert!(
            Program::new_checked(&program).is_err(),
            "validator accepted: {what}"
        );
        assert_eq!(
            kernel_verdict(&program),
            22,
            "kernel did not answer EINVAL: {what}"
        );
    }
}

/// Unix sockets: with -x, `src`/`dst` take name patterns (ss's fnmatch)
/// and a port condition is a pattern too; without -x a port is an inode.
#[test]
fn unix_expressions_match_ss() {
    use sockdiag_tests::{abstract_addr, inode, unique_name, unix_connect, unix_listener, TempDir};
    let dir = TempDir::new();
    let path = |n: &str| dir.path().join(n);
    let a = socket2::SockAddr::unix(path("a.sock")).unwrap();
    let b = socket2::SockAddr::unix(path("b.sock")).unwrap();
    let name = unique_name();
    let abs = abstract_addr(&name);
    let la = unix_listener(Type::STREAM, &a, 4);
    let lb = unix_listener(Type::SEQPACKET, &b, 4);
    let labs = unix_listener(Type::STREAM, &abs, 4);
    let ca = unix_connect(Type::STREAM, &a);
    let cb = unix_connect(Type::SEQPACKET, &b);
    let cabs = unix_connect(Type::STREAM, &abs);
    let (sa, _) = la.accept().expect("accept");
    let mut owned = Owned::new();
    for s in [&la, &lb, &labs, &ca, &cb, &cabs, &sa] {
        owned.inode(inode(s));
    }
    let d = dir.path().display();
    let ino = inode(&ca);
    let peer = inode(&sa);
    let cases: Vec<(Vec<String>, usize)> = vec![
        (vec!["-xaH".into(), format!("src {d}/*")], 3),
        (vec!["-xaH".into(), format!("src {d}/a*")], 2),
        (
            vec![
                "-xaH".into(),
                format!("src = {d}/?.sock and not src {d}/b*"),
            ],
            2,
        ),
        (vec!["-xaH".into(), format!("src @{name}")], 1),
        (vec!["-xaH".into(), format!("src @{}*", &name[..8])], 1),
        (vec!["-xaH".into(), "dst *".into()], 7),
        (vec!["-xaH".into(), format!("dst {d}/*")], 0),
        (vec!["-xaH".into(), "autobound".into()], 3),
        (vec!["-xaH".into(), format!("sport = :{ino}")], 0),
        (vec!["-xtaH".into(), format!("! src {d}/[ab].sock")], 4),
        (vec!["-aH".into(), format!("sport = :{ino}")], 1),
        (vec!["-aH".into(), format!("dport = :{ino}")], 1),
        (
            vec![
                "-aH".into(),
                format!("sport >= :{ino} and sport <= :{peer}"),
            ],
            0,
        ),
    ];
    // The accepted end of the abstract listener was never accepted: it
    // shows in the unix table all the same, with no inode of its own
    // claimed; count on the lines ss prints, not on that.
    for (args, at_least) in cases {
        let ours = sockdiag(&args);
        ours.success();
        let theirs = ss(&args);
        assert_eq!(theirs.code, Some(0), "{theirs}");
        let (x, y) = (keys(&owned, &ours), keys(&owned, &theirs));
        if let Some(diff) = describe_differences(&x, &y) {
            panic!("sockdiag {args:?}: differs from ss:\n{diff}");
        }
        assert!(x.len() >= at_least, "{args:?}: {x:?}");
    }
}
