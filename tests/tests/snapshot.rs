//! `--snapshot` then `--decode SNAPSHOT [query]`: inside private network,
//! mount, PID and cgroup namespaces a population is held still (a
//! listener with a connection waiting in its accept queue, an established
//! pair with unread data, an IPv6 listener (a query of both families
//! reads the snapshot's one walk, of one family its own request), UDP
//! sockets with a datagram queued, a unix
//! listener and pair, a netlink socket), one snapshot is taken, then the
//! queries run live right after it. Outside the namespaces every query
//! decoded from the snapshot must print the live bytes. When the shell
//! ends (also when a test fails) the PID namespace and all in it go.

use std::path::Path;

use sockdiag_tests::netns::{read_written, run_in_private_namespaces};
use sockdiag_tests::{sockdiag, sockdiag_bin, TempDir};

/// Holds the population until killed, then says `ready`; the pause lets
/// the data be acknowledged so no retransmit timer runs.
const HOLDER: &str = r#"
use Socket qw(:DEFAULT inet_pton pack_sockaddr_in6); use IO::Socket::UNIX;
my $lo = inet_aton("127.0.0.1");
socket(my $t, AF_INET, SOCK_STREAM, 0) or die "socket: $!";
bind($t, pack_sockaddr_in(7777, $lo)) or die "bind: $!";
listen($t, 5) or die "listen: $!";
socket(my $c, AF_INET, SOCK_STREAM, 0) or die;
connect($c, pack_sockaddr_in(7777, $lo)) or die "connect: $!";
accept(my $a, $t) or die "accept: $!";
syswrite($c, "x" x 1000) == 1000 or die "write: $!";
socket(my $w, AF_INET, SOCK_STREAM, 0) or die;
connect($w, pack_sockaddr_in(7777, $lo)) or die "connect: $!";
socket(my $six, AF_INET6, SOCK_STREAM, 0) or die "socket6: $!";
bind($six, pack_sockaddr_in6(7779, inet_pton(AF_INET6, "::1"))) or die "bind6: $!";
listen($six, 5) or die "listen6: $!";
socket(my $u, AF_INET, SOCK_DGRAM, 0) or die;
bind($u, pack_sockaddr_in(7778, $lo)) or die;
socket(my $s, AF_INET, SOCK_DGRAM, 0) or die;
send($s, "datagram", 0, pack_sockaddr_in(7778, $lo)) or die "send: $!";
my $l = IO::Socket::UNIX->new(Local => "\0sdsnap-test", Listen => 1) or die "unix: $!";
my $p = IO::Socket::UNIX->new(Peer => "\0sdsnap-test") or die "unix peer: $!";
my $q = $l->accept or die "unix accept: $!";
socket(my $n, 16, SOCK_RAW, 0) or die "netlink: $!";
bind($n, pack("S S L L", 16, 0, 0, 0)) or die "netlink bind: $!";
select(undef, undef, undef, 0.5);
$| = 1; print "ready\n"; sleep 600;
"#;

/// The queries: tables, states, filters, details, processes, JSON, -s.
const QUERIES: &[&str] = &[
    "-tan",
    "-tln",
    "-6tln",
    "-uan",
    "-xa",
    "-tanp",
    "-tanpT",
    "-xap",
    "-tinm",
    "-tae",
    "-uaem",
    "-ta -j",
    "-xa -j",
    "-s",
    "-4tn dport = :7777",
    "-ta state established",
    "-tan sport = :7777",
    "-ao --netlink",
    "-tanmo --tos",
    "-tua",
    "-tar",
    "-ta sport = :sdsvc",
    "-tan src sdhost",
    "-tan autobound",
    // No socket is bound to it: the snapshot knows it from the
    // namespace's interface list, and the answer is an empty table.
    "-tan dev = lo",
];

/// The namespaces' /etc/services and /etc/hosts, bind-mounted over this
/// machine's, and their ephemeral range, which holds the clients' ports
/// and none of the bound ones (a snapshot's `autobound` is a port in it).
const SERVICES: &str = "sdsvc\t7777/tcp\nsdudp\t7778/udp\n";
const HOSTS: &str = "127.0.0.1\tsdhost\n";

/// Takes the snapshot, then runs each query live; query `i` leaves
/// `i.out`, `i.err` and `i.code` in `dir`.
fn snapshot_inside(dir: &Path) {
    std::fs::write(dir.join("services"), SERVICES).unwrap();
    std::fs::write(dir.join("hosts"), HOSTS).unwrap();
    let bin = sockdiag_bin();
    let mut script = format!(
        "set -e
ip link set lo up
mount -t cgroup2 none /sys/fs/cgroup
mount --bind {dir}/services /etc/services
mount --bind {dir}/hosts /etc/hosts
echo '7000 7500' > /proc/sys/net/ipv4/ip_local_port_range
perl -e '{}' > {dir}/ready &
for i in $(seq 600); do grep -q ready {dir}/ready && break; sleep 0.05; done
grep -q ready {dir}/ready
{bin} --snapshot {dir}/snap > {dir}/snap.out 2> {dir}/snap.err
set +e
",
        HOLDER.replace('\'', "'\\''"),
        bin = bin.display(),
        dir = dir.display()
    );
    run_each(&mut script, dir, "", QUERIES);
    run_in_private_namespaces(&script);
}

/// Adds to `script` a live run of each query (`words` before its own),
/// query `i` leaving `i.out`, `i.err` and `i.code` in `dir`.
fn run_each(script: &mut String, dir: &Path, words: &str, queries: &[&str]) {
    let bin = sockdiag_bin();
    for (i, args) in queries.iter().enumerate() {
        script.push_str(&format!(
            "{bin} {words}{args} > {dir}/{i}.out 2> {dir}/{i}.err; echo $? > {dir}/{i}.code\n",
            bin = bin.display(),
            dir = dir.display()
        ));
    }
}

/// What changes between two runs with the population still:
/// - the lines of the querying process's own sock_diag netlink socket
///   (port id = its pid, its inode, its queue), one per run;
/// - tcp_info's lastsnd, lastrcv and lastack (milliseconds since the last
///   packet, counted up by the clock between the snapshot and the query),
///   and the JSON members of the same;
/// - `-s`'s `Total:`, the namespace's sockets in use, which counts the
///   querying process's own (the snapshot run holds a few more than a
///   plain `-s` run), and its `TCP:` line's total, closed and orphaned,
///   which count the whole host's TCP sockets.
fn normalise(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        if line.contains("sockdiag/") || line.contains("\"protocol_name\":\"tcpdiag\"") {
            continue;
        }
        if line.starts_with("Total: ") {
            out.push_str("Total: N\n");
            continue;
        }
        if let Some(rest) = line.strip_prefix("TCP: ") {
            // The host's TCP sockets, allocated and orphaned (a test
            // beside this one, or any program, moves them); estab and
            // timewait are the namespace's.
            let field = |key: &str| {
                let at = rest.find(key).map_or("", |i| &rest[i + key.len()..]);
                at.split([',', ')']).next().unwrap_or("").to_string()
            };
            out.push_str(&format!(
                "TCP: N (estab {}, closed N, orphaned N, timewait {})\n",
                field("estab "),
                field("timewait ")
            ));
            continue;
        }
        let words: Vec<String> = line
            .split(' ')
            .map(|w| {
                for key in ["lastsnd:", "lastrcv:", "lastack:"] {
                    if w.starts_with(key) {
                        return format!("{key}N");
                    }
                }
                w.to_string()
            })
            .collect();
        out.push_str(&words.join(" "));
        out.push('\n');
    }
    out
}

#[test]
fn snapshot_answers_later_queries() {
    let dir = TempDir::new();
    snapshot_inside(dir.path());
    assert_eq!(
        read_written(dir.path(), "snap.out"),
        "",
        "--snapshot prints nothing"
    );
    let snap = dir.path().join("snap");
    for (i, args) in QUERIES.iter().enumerate() {
        let live = read_written(dir.path(), &format!("{i}.out"));
        let live_err = read_written(dir.path(), &format!("{i}.err"));
        let code: i32 = read_written(dir.path(), &format!("{i}.code"))
            .trim()
            .parse()
            .unwrap();
        let mut decode: Vec<&str> = vec!["--decode", snap.to_str().unwrap()];
        decode.extend(args.split(' '));
        let replay = sockdiag(&decode);
        assert_eq!(
            normalise(&replay.stdout),
            normalise(&live),
            "{args}: stdout\n{replay}"
        );
        assert_eq!(replay.stderr, live_err, "{args}: stderr\n{replay}");
        assert_eq!(replay.code, Some(code), "{args}: exit code\n{replay}");
    }
    // The population is there, so the comparisons compare it.
    let want = [
        ("-tanp", "users:((\"perl\",pid="),
        ("-tinm", "skmem:("),
        ("-tae", "cgroup:unreachable:1"),
        ("-xa", "@sdsnap-test"),
        ("-uan", "127.0.0.1:7778"),
        ("-6tln", "[::1]:7779"),
        ("-s", "TCP\t  6 "),
        ("-tua", "127.0.0.1:sdudp"),
        ("-tar", "sdhost:sdsvc"),
        ("-ta sport = :sdsvc", "127.0.0.1:sdsvc"),
        ("-tan src sdhost", "127.0.0.1:7777"),
        ("-tan autobound", "127.0.0.1:7"),
    ];
    for (args, text) in want {
        let at = QUERIES.iter().position(|q| *q == args).unwrap();
        let live = read_written(dir.path(), &format!("{at}.out"));
        assert!(live.contains(text), "{args}: expected {text:?} in\n{live}");
    }
    let tan = read_written(dir.path(), "0.out");
    let unread = tan.lines().any(|l| l.starts_with("ESTAB  1000 "));
    assert!(unread, "unread data queued:\n{tan}");
}

/// A query of what the snapshot does not hold is one line naming it, and
/// a snapshot takes no filter.
#[test]
fn snapshot_refuses_what_it_cannot_answer() {
    let dir = TempDir::new();
    let snap = dir.path().join("snap");
    let taken = sockdiag(&["--snapshot", snap.to_str().unwrap(), "-t"]);
    assert_eq!(taken.code, Some(0), "{taken}");
    let filtered = sockdiag(&["--snapshot", snap.to_str().unwrap(), "sport", "=", ":22"]);
    assert_ne!(filtered.code, Some(0), "{filtered}");
    assert!(filtered.stderr.contains("--snapshot captures every socket"));
    // Cut after its mark: it holds no table at all.
    let bytes = std::fs::read(&snap).unwrap();
    let cut = dir.path().join("cut");
    std::fs::write(&cut, &bytes[..16 + 8 + 16]).unwrap();
    let query = sockdiag(&["--decode", cut.to_str().unwrap(), "-t"]);
    assert_eq!(query.code, Some(1), "{query}");
    assert_eq!(query.stdout.lines().count(), 1, "only the header: {query}");
    assert!(
        query
            .stderr
            .contains("the snapshot holds no answer to a tcp"),
        "{query}"
    );
    assert_eq!(query.stderr.lines().count(), 1, "{query}");
}

/// Holds, in a namespace of its own, a TCP listener on 127.0.0.1:777N, a
/// UDP socket on 127.0.0.1:778N and an abstract unix listener
/// `sdsnap-N` (N: its argument), then says `ready`.
const NAMESPACE_HOLDER: &str = r#"
use Socket; use IO::Socket::UNIX;
my $n = $ARGV[0]; my $lo = inet_aton("127.0.0.1");
socket(my $t, AF_INET, SOCK_STREAM, 0) or die "socket: $!";
bind($t, pack_sockaddr_in(7770 + $n, $lo)) or die "bind: $!";
listen($t, 5) or die "listen: $!";
socket(my $u, AF_INET, SOCK_DGRAM, 0) or die;
bind($u, pack_sockaddr_in(7780 + $n, $lo)) or die;
my $l = IO::Socket::UNIX->new(Local => "\0sdsnap-$n", Listen => 1) or die "unix: $!";
$| = 1; print "ready\n"; sleep 600;
"#;

const ALL_NETNS_QUERIES: &[&str] = &["-tln", "-xa", "-uan", "-s"];

/// `--snapshot --all-netns` inside private namespaces holding two more
/// network namespaces of their own (the PID namespace's /proc shows only
/// them, and /run/netns is hidden under an empty tmpfs); each query with
/// `--all-netns` decoded from it prints what the live run printed.
#[test]
fn snapshot_of_every_namespace() {
    let dir = TempDir::new();
    let d = dir.path();
    std::fs::write(d.join("holder.pl"), NAMESPACE_HOLDER).unwrap();
    let bin = sockdiag_bin();
    let mut script = format!(
        "set -e
ip link set lo up
mount -t cgroup2 none /sys/fs/cgroup
mkdir -p /run/netns && mount -t tmpfs none /run/netns
for n in 1 2; do
  unshare -n sh -c \"ip link set lo up; exec perl {dir}/holder.pl $n\" > {dir}/ready$n &
done
for i in $(seq 600); do grep -q ready {dir}/ready1 && grep -q ready {dir}/ready2 && break; sleep 0.05; done
grep -q ready {dir}/ready1 && grep -q ready {dir}/ready2
{bin} --snapshot {dir}/snap --all-netns > {dir}/snap.out 2> {dir}/snap.err
set +e
",
        bin = bin.display(),
        dir = d.display()
    );
    run_each(&mut script, d, "--all-netns ", ALL_NETNS_QUERIES);
    run_in_private_namespaces(&script);
    assert_eq!(read_written(d, "snap.out"), "", "--snapshot prints nothing");
    let snap = d.join("snap");
    for (i, args) in ALL_NETNS_QUERIES.iter().enumerate() {
        let live = read_written(d, &format!("{i}.out"));
        let code: i32 = read_written(d, &format!("{i}.code"))
            .trim()
            .parse()
            .unwrap();
        let replay = sockdiag(&["--decode", snap.to_str().unwrap(), "--all-netns", args]);
        assert_eq!(
            normalise(&replay.stdout),
            normalise(&live),
            "{args}: stdout\n{replay}"
        );
        assert_eq!(
            replay.stderr,
            read_written(d, &format!("{i}.err")),
            "{args}: stderr"
        );
        assert_eq!(replay.code, Some(code), "{args}: exit code\n{replay}");
        // Both namespaces are there, so the comparison compares them.
        let want: &[&str] = match *args {
            "-tln" => &["127.0.0.1:7771", "127.0.0.1:7772"],
            "-xa" => &["@sdsnap-1", "@sdsnap-2"],
            "-uan" => &["127.0.0.1:7781", "127.0.0.1:7782"],
            _ => &["TCP\t  1 "],
        };
        for text in want {
            assert!(live.contains(text), "{args}: expected {text:?} in\n{live}");
        }
    }
}
