//! Captures that carry their host's context: recorded inside private
//! network, mount, PID and cgroup namespaces (their own interface, their
//! own processes holding sockets, their own cgroup view and /proc), then
//! decoded outside them, where none of that exists. Every byte must be the
//! live run's. The namespaces hold only a shell and perl; when the shell
//! ends (also when a test fails) the PID namespace and everything in it
//! go with it.

use std::path::Path;

use sockdiag_tests::netns::{read_written, run_in_private_namespaces};
use sockdiag_tests::{sockdiag, sockdiag_bin, TempDir};

/// Holds sockets inside the namespaces until killed: a TCP listener bound
/// to the dummy interface with a connection waiting in its queue, a UDP
/// socket, an abstract unix listener, and a netlink socket whose port id
/// is perl's pid. Then says `ready`.
const HOLDER: &str = r#"
use Socket; use IO::Socket::UNIX;
socket(my $t, AF_INET, SOCK_STREAM, 0) or die "socket: $!";
setsockopt($t, SOL_SOCKET, 25, "sdcap0") or die "SO_BINDTODEVICE: $!";
bind($t, pack_sockaddr_in(7777, inet_aton("10.77.0.1"))) or die "bind: $!";
listen($t, 5) or die "listen: $!";
socket(my $c, AF_INET, SOCK_STREAM, 0) or die;
connect($c, pack_sockaddr_in(7777, inet_aton("10.77.0.1"))) or die "connect: $!";
socket(my $u, AF_INET, SOCK_DGRAM, 0) or die;
bind($u, pack_sockaddr_in(7778, inet_aton("10.77.0.1"))) or die;
my $l = IO::Socket::UNIX->new(Local => "\0sdcap-test", Listen => 1) or die "unix: $!";
socket(my $n, 16, SOCK_RAW, 0) or die "netlink: $!";
bind($n, pack("S S L L", 16, 0, 0, 0)) or die "netlink bind: $!";
$| = 1; print "ready\n"; sleep 600;
"#;

/// The option sets of the issue, netlink for its port owners, and the
/// names only the namespaces' files give: services and protocols (no
/// `-n`), hosts (`-r`), both in filters, and the ephemeral range
/// (`autobound`, and ports it leaves unnamed), and an interface only
/// they have (`dev`).
const OPTION_SETS: &[&str] = &[
    "-tuwxaneo",
    "-tlnp",
    "-xap",
    "-tinm",
    "-s",
    "-j",
    "--netlink",
    "-tua",
    "-tar",
    "-ta sport = :sdsvc",
    "-tan src sdhost",
    "-tan autobound",
    "-tan dev = sdcap0",
];

/// The namespaces' /etc/services and /etc/hosts, bind-mounted over this
/// machine's, and their ephemeral range: 7777 is named, the client's port
/// (in 7000-7500) is not.
const SERVICES: &str = "sdsvc\t7777/tcp\nsdudp\t7778/udp\nsdlow\t7001/tcp\n";
const HOSTS: &str = "10.77.0.1\tsdhost sdalias\n";

/// Runs the captures inside fresh namespaces; each set `i` leaves
/// `i.cap`, `i.out`, `i.err` and `i.code` in `dir`.
fn capture_inside(dir: &Path) {
    std::fs::write(dir.join("services"), SERVICES).unwrap();
    std::fs::write(dir.join("hosts"), HOSTS).unwrap();
    let bin = sockdiag_bin();
    let mut script = format!(
        "set -e
ip link set lo up
ip link add sdcap0 type bridge
ip addr add 10.77.0.1/24 dev sdcap0
ip link set sdcap0 up
mount -t cgroup2 none /sys/fs/cgroup
mount --bind {dir}/services /etc/services
mount --bind {dir}/hosts /etc/hosts
echo '7000 7500' > /proc/sys/net/ipv4/ip_local_port_range
perl -e '{}' > {dir}/ready &
for i in $(seq 600); do grep -q ready {dir}/ready && break; sleep 0.05; done
grep -q ready {dir}/ready
set +e
",
        HOLDER.replace('\'', "'\\''"),
        dir = dir.display()
    );
    for (i, args) in OPTION_SETS.iter().enumerate() {
        script.push_str(&format!(
            "{bin} {args} --dump-raw {dir}/{i}.cap > {dir}/{i}.out 2> {dir}/{i}.err; \
             echo $? > {dir}/{i}.code\n",
            bin = bin.display(),
            dir = dir.display()
        ));
    }
    run_in_private_namespaces(&script);
}

#[test]
fn capture_decodes_outside_its_namespaces() {
    let dir = TempDir::new();
    capture_inside(dir.path());
    for (i, args) in OPTION_SETS.iter().enumerate() {
        let live = read_written(dir.path(), &format!("{i}.out"));
        let live_err = read_written(dir.path(), &format!("{i}.err"));
        let code: i32 = read_written(dir.path(), &format!("{i}.code"))
            .trim()
            .parse()
            .unwrap();
        let cap = dir.path().join(format!("{i}.cap"));
        let mut decode: Vec<&str> = args.split(' ').collect();
        decode.extend(["--decode", cap.to_str().unwrap()]);
        let replay = sockdiag(&decode);
        assert_eq!(
            replay.stdout, live,
            "{args}: stdout byte for byte\n{replay}"
        );
        assert_eq!(replay.stderr, live_err, "{args}: stderr\n{replay}");
        assert_eq!(replay.code, Some(code), "{args}: exit code\n{replay}");
        // What only the namespaces knew is there, so the test compares it.
        let inside = match *args {
            // The namespace's cgroup2 mount hides the host's, where this
            // machine finds the socket's cgroup as `/`.
            "-tuwxaneo" => &["%sdcap0", "cgroup:unreachable:1", "10.77.0.1:7778"][..],
            "-tlnp" => &["users:((\"perl\",pid=", "%sdcap0"],
            "-xap" => &["@sdcap-test", "users:((\"perl\",pid="],
            "-tinm" => &["skmem:(", "10.77.0.1:7777"],
            // The namespace's own counters.
            "-s" => &["UDP\t  1 ", "TCP\t  3 ", "INET\t  4 "],
            "-j" => &["\"sdcap0\""],
            "--netlink" => &["perl/"],
            "-tua" => &["%sdcap0:sdsvc", "10.77.0.1:sdudp"],
            "-tar" => &["sdhost%sdcap0:sdsvc", "sdhost:"],
            "-ta sport = :sdsvc" => &["%sdcap0:sdsvc", "ESTAB"],
            "-tan src sdhost" => &["%sdcap0:7777"],
            "-tan dev = sdcap0" => &["LISTEN", "%sdcap0:7777"],
            // The client's port, from the namespace's range.
            _ => &["10.77.0.1:7"],
        };
        if *args == "-tan autobound" {
            assert!(!live.contains("LISTEN"), "a bound listener:\n{live}");
        }
        for want in inside {
            assert!(live.contains(want), "{args}: expected {want:?} in\n{live}");
        }
    }
}
