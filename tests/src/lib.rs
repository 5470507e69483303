//! Shared helpers for the end-to-end tests of sockdiag against the running
//! kernel: building and running sockdiag (and ss, the witness), parsing
//! their table output, and opening sockets a test can pick out again.
//!
//! Tests run in parallel threads and the system opens and closes sockets
//! at the same time, so a test never looks at the whole listing: it keeps
//! the lines of the sockets it owns (its ports, its inodes), see [`Owned`].

use std::collections::BTreeSet;
use std::ffi::OsStr;
use std::fmt;
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::os::fd::{AsFd, AsRawFd};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use socket2::{Domain, SockAddr, Socket, Type};

pub mod netns;
pub mod process;

/// The sockdiag binary of this workspace, built once per test process.
///
/// A test crate cannot depend on a binary, so this runs
/// `cargo build -p sockdiag --bin sockdiag` in the profile the tests were
/// built in. Cargo releases the build-directory lock before it runs the
/// test binaries, so the nested build does not wait on the outer one; it
/// is a no-op when `cargo test` has already built the binary.
pub fn sockdiag_bin() -> PathBuf {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(build_sockdiag).clone()
}

fn build_sockdiag() -> PathBuf {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(&cargo);
    cmd.args(["build", "-p", "sockdiag", "--bin", "sockdiag"]);
    if !cfg!(debug_assertions) {
        cmd.arg("--release");
    }
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cargo:?} to build sockdiag: {e}"));
    assert!(
        out.status.success(),
        "building sockdiag failed ({}):\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    // This test binary is <target>/<profile>/deps/<name>; the binary is
    // <target>/<profile>/sockdiag.
    let exe = std::env::current_exe().expect("the test binary's path");
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("the test binary lives in <target>/<profile>/deps");
    let bin = profile_dir.join("sockdiag");
    assert!(
        bin.is_file(),
        "cargo built sockdiag but {} does not exist",
        bin.display()
    );
    bin
}

/// What a finished command printed and how it exited.
#[derive(Debug)]
pub struct Run {
    /// The command line, for messages.
    pub command: String,
    /// The exit code (`None` when a signal ended the process).
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// What `command` (its line, for messages) left in `out`; stdout must
    /// be UTF-8, as sockdiag's and ss's are.
    pub(crate) fn from_output(command: String, out: std::process::Output) -> Run {
        Run {
            command,
            code: out.status.code(),
            stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// Asserts a clean run (exit 0, nothing on stderr) and returns stdout.
    #[track_caller]
    pub fn success(&self) -> &str {
        assert!(
            self.code == Some(0) && self.stderr.is_empty(),
            "{self}\nexpected exit code 0 and an empty stderr"
        );
        &self.stdout
    }

    /// The table lines on stdout, parsed (run with `-H`: no header).
    #[track_caller]
    pub fn socks(&self) -> Vec<Sock> {
        parse_table(&self.stdout)
    }
}

impl fmt::Display for Run {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}` exited with {:?}\n--- stdout:\n{}--- stderr:\n{}",
            self.command, self.code, self.stdout, self.stderr
        )
    }
}

/// Runs `program` with `args`, each one argv word.
pub fn run(program: &OsStr, args: &[impl AsRef<OsStr>]) -> Run {
    run_with(program, args, &[])
}

/// Runs `program` with `args` and the environment variables `env` added.
pub fn run_with(program: &OsStr, args: &[impl AsRef<OsStr>], env: &[(&str, &OsStr)]) -> Run {
    let mut command = String::new();
    for (name, value) in env {
        command.push_str(&format!("{name}={value:?} "));
    }
    command.push_str(&program.to_string_lossy());
    for a in args {
        command.push_str(&format!(" {:?}", a.as_ref()));
    }
    let out = Command::new(program)
        .args(args)
        .envs(env.iter().copied())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {command}: {e}"));
    Run::from_output(command, out)
}

/// Runs sockdiag with `args`, each one argv word.
pub fn sockdiag(args: &[impl AsRef<OsStr>]) -> Run {
    run(sockdiag_bin().as_os_str(), args)
}

/// Runs iproute2's ss with `args`, each one argv word.
pub fn ss(args: &[impl AsRef<OsStr>]) -> Run {
    run(OsStr::new("ss"), args)
}

/// Runs sockdiag with `args` and the environment variables `env` added.
pub fn sockdiag_env(args: &[impl AsRef<OsStr>], env: &[(&str, &OsStr)]) -> Run {
    run_with(sockdiag_bin().as_os_str(), args, env)
}

/// Runs ss with `args` and the environment variables `env` added.
pub fn ss_env(args: &[impl AsRef<OsStr>], env: &[(&str, &OsStr)]) -> Run {
    run_with(OsStr::new("ss"), args, env)
}

/// One table line, split on whitespace.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Sock {
    /// Empty when the listing has no Netid column (a single inet table).
    pub netid: String,
    /// Empty when the listing has no State column (one state selected).
    pub state: String,
    pub recv_q: u64,
    pub send_q: u64,
    /// `ADDR:PORT` for inet sockets, `NAME INODE` for unix ones.
    pub local: String,
    /// `ADDR:PORT` for inet sockets, `* PEER_INODE` for unix ones.
    pub peer: String,
}

/// The part of a line that identifies a socket and its state, leaving out
/// the queues, which move on a busy system.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Key {
    pub netid: String,
    pub state: String,
    pub local: String,
    pub peer: String,
}

impl Sock {
    /// Parses one line of `-n` output without `-e`/`-p`.
    ///
    /// Words: `[netid] [state] recv-q send-q local peer`. ss prints the
    /// Netid column when more than one table is listed, and always for
    /// unix; it leaves out the State column when the filter selects a
    /// single state (`state listening`), and then `state` is empty. Netids
    /// are lower case, states upper case. A unix local and peer are two
    /// words each (`NAME INODE`, `* PEER`); a unix name with a space would
    /// break this, and the tests create none.
    #[track_caller]
    pub fn parse(line: &str) -> Sock {
        let words: Vec<&str> = line.split_whitespace().collect();
        let mut rest = &words[..];
        let mut column = |is: fn(&str) -> bool| match rest {
            [first, tail @ ..] if is(first) => {
                rest = tail;
                *first
            }
            _ => "",
        };
        let netid = column(|w| w.starts_with(|c: char| c.is_ascii_lowercase()));
        let state = column(|w| w.starts_with(|c: char| c.is_ascii_uppercase()));
        let (local, peer) = match (netid.starts_with("u_"), rest) {
            (false, [_, _, local, peer]) => (local.to_string(), peer.to_string()),
            (true, [_, _, name, inode, star, peer]) => {
                (format!("{name} {inode}"), format!("{star} {peer}"))
            }
            _ => panic!("cannot parse {line:?}"),
        };
        Sock {
            netid: netid.into(),
            state: state.into(),
            recv_q: queue(rest[0], line),
            send_q: queue(rest[1], line),
            local,
            peer,
        }
    }

    pub fn key(&self) -> Key {
        Key {
            netid: self.netid.clone(),
            state: self.state.clone(),
            local: self.local.clone(),
            peer: self.peer.clone(),
        }
    }

    pub fn is_unix(&self) -> bool {
        self.netid.starts_with("u_")
    }

    /// The local port of an inet socket (`None` for `*` or a unix socket).
    pub fn local_port(&self) -> Option<u16> {
        inet_port(&self.local).filter(|_| !self.is_unix())
    }

    /// The peer port of an inet socket (`None` for `*` or a unix socket).
    pub fn peer_port(&self) -> Option<u16> {
        inet_port(&self.peer).filter(|_| !self.is_unix())
    }

    /// The inode of a unix socket (the word after its name).
    pub fn inode(&self) -> Option<u64> {
        unix_inode(&self.local).filter(|_| self.is_unix())
    }

    /// The peer's inode of a unix socket (0 when it has none).
    pub fn peer_inode(&self) -> Option<u64> {
        unix_inode(&self.peer).filter(|_| self.is_unix())
    }
}

#[track_caller]
fn queue(word: &str, line: &str) -> u64 {
    word.parse()
        .unwrap_or_else(|_| panic!("queue {word:?} is not a number in {line:?}"))
}

fn inet_port(addr: &str) -> Option<u16> {
    addr.rsplit_once(':')?.1.parse().ok()
}

fn unix_inode(addr: &str) -> Option<u64> {
    addr.rsplit_once(' ')?.1.parse().ok()
}

impl fmt::Display for Sock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Sock {
            netid,
            state,
            recv_q,
            send_q,
            local,
            peer,
        } = self;
        write!(f, "{netid} {state} {recv_q} {send_q} {local} {peer}")
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Key {
            netid,
            state,
            local,
            peer,
        } = self;
        write!(f, "{netid} {state} {local} {peer}")
    }
}

/// Parses every line of a table printed with `-H`.
#[track_caller]
pub fn parse_table(stdout: &str) -> Vec<Sock> {
    stdout.lines().map(Sock::parse).collect()
}

/// The ports and unix inodes a test owns, to pick its lines out of a
/// listing of the whole system.
#[derive(Debug, Default, Clone)]
pub struct Owned {
    /// (netid, port): the same number can be a TCP port of one socket and
    /// a UDP port of another.
    ports: BTreeSet<(String, u16)>,
    inodes: BTreeSet<u64>,
    /// (local, peer) of TIME-WAIT sockets, as ss prints them.
    time_wait: BTreeSet<(String, String)>,
}

impl Owned {
    pub fn new() -> Owned {
        Owned::default()
    }

    /// Claims every `netid` ("tcp", "udp") socket with `port` at either
    /// end. Take ports from bind to port 0, which the kernel gives to one
    /// socket only; not from a connecting socket, whose port the kernel
    /// may share between connections to different peers.
    pub fn port(&mut self, netid: &str, port: u16) -> &mut Owned {
        self.ports.insert((netid.to_string(), port));
        self
    }

    /// Claims the TIME-WAIT socket left by a connection closed at `local`
    /// first. Other TIME-WAIT lines on a claimed port are not the test's:
    /// a TIME-WAIT socket outlives its process by a minute and does not
    /// keep bind to port 0 from handing its port out again, so it can be
    /// left over from an earlier run.
    pub fn time_wait(&mut self, local: SocketAddr, peer: SocketAddr) -> &mut Owned {
        self.time_wait.insert((local.to_string(), peer.to_string()));
        self
    }

    /// Claims every unix socket with `inode` as its own or its peer's
    /// inode (so also the server end of an accepted connection).
    pub fn inode(&mut self, inode: u64) -> &mut Owned {
        self.inodes.insert(inode);
        self
    }

    /// Whether a line is one of the claimed sockets. A line without a
    /// Netid comes from a one-table listing, the table the caller chose.
    pub fn contains(&self, s: &Sock) -> bool {
        if s.state == "TIME-WAIT" {
            let connection = (s.local.clone(), s.peer.clone());
            return self.time_wait.contains(&connection);
        }
        if s.is_unix() {
            return [s.inode(), s.peer_inode()]
                .into_iter()
                .flatten()
                .any(|i| self.inodes.contains(&i));
        }
        let claimed = |port: u16| {
            self.ports
                .iter()
                .any(|(netid, p)| *p == port && (s.netid.is_empty() || s.netid == *netid))
        };
        [s.local_port(), s.peer_port()]
            .into_iter()
            .flatten()
            .any(claimed)
    }

    /// The owned lines of a listing, sorted.
    pub fn select(&self, socks: Vec<Sock>) -> Vec<Sock> {
        let mut mine: Vec<Sock> = socks.into_iter().filter(|s| self.contains(s)).collect();
        mine.sort();
        mine
    }
}

/// Whitespace runs squashed to one space: sockdiag's columns have fixed
/// widths, ss sizes them to the longest row.
pub fn squash(line: &str) -> String {
    line.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The elements only in `a` and only in `b`, counting duplicates.
pub fn differences<T: Ord + Clone>(a: &[T], b: &[T]) -> (Vec<T>, Vec<T>) {
    let (mut a, mut b) = (a.to_vec(), b.to_vec());
    a.sort();
    b.sort();
    let (mut only_a, mut only_b) = (Vec::new(), Vec::new());
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        match (a.get(i), b.get(j)) {
            (Some(x), Some(y)) if x == y => (i, j) = (i + 1, j + 1),
            (Some(x), Some(y)) if x < y => {
                only_a.push(x.clone());
                i += 1
            }
            (Some(x), None) => {
                only_a.push(x.clone());
                i += 1
            }
            (_, Some(y)) => {
                only_b.push(y.clone());
                j += 1
            }
            (None, None) => unreachable!(),
        }
    }
    (only_a, only_b)
}

/// Describes how two listings differ, or `None` when they hold the same
/// lines (as multisets).
pub fn describe_differences<T: Ord + Clone + fmt::Display>(
    sockdiag: &[T],
    ss: &[T],
) -> Option<String> {
    let (only_sockdiag, only_ss) = differences(sockdiag, ss);
    if only_sockdiag.is_empty() && only_ss.is_empty() {
        return None;
    }
    let mut text = String::new();
    for s in &only_ss {
        text.push_str(&format!("  only ss:       {s}\n"));
    }
    for s in &only_sockdiag {
        text.push_str(&format!("  only sockdiag: {s}\n"));
    }
    Some(text)
}

/// Asserts that sockdiag and ss printed the same lines.
#[track_caller]
pub fn assert_same_lines<T: Ord + Clone + fmt::Display>(what: &str, sockdiag: &[T], ss: &[T]) {
    if let Some(diff) = describe_differences(sockdiag, ss) {
        panic!("{what}: sockdiag and ss differ:\n{diff}");
    }
}

/// Polls `probe` until it returns `Ok`, for at most two seconds: for the
/// few things the kernel finishes after the syscall returned (a handshake's
/// last ACK landing in the accept queue, a FIN being processed). `Err`
/// describes what was seen instead, for the message on timeout.
#[track_caller]
pub fn wait_for<T>(what: &str, mut probe: impl FnMut() -> Result<T, String>) -> T {
    let deadline = Instant::now() + Duration::from_secs(2);
    loop {
        match probe() {
            Ok(v) => return v,
            Err(seen) if Instant::now() >= deadline => {
                panic!("timed out waiting for {what}; last seen:\n{seen}")
            }
            Err(_) => std::thread::sleep(Duration::from_millis(10)),
        }
    }
}

/// Lines for a message, one socket each.
pub fn show(socks: &[Sock]) -> String {
    socks.iter().map(|s| format!("{s}\n")).collect()
}

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// A name no other test (thread or process) uses: `sockdiag-test-PID-N`.
pub fn unique_name() -> String {
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!("sockdiag-test-{}-{n}", std::process::id())
}

/// A directory for unix socket files, removed on drop.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new() -> TempDir {
        let path = std::env::temp_dir().join(unique_name());
        std::fs::create_dir(&path)
            .unwrap_or_else(|e| panic!("cannot create {}: {e}", path.display()));
        TempDir(path)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Default for TempDir {
    fn default() -> TempDir {
        TempDir::new()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A network namespace of the test's own, removed on drop: a listing run
/// inside it shows the test's sockets and nothing else, so whole outputs
/// (their column widths included) can be compared with ss's.
pub struct Netns {
    name: String,
}

impl Netns {
    /// A new namespace with its loopback up.
    pub fn new() -> Netns {
        let name = unique_name();
        let ns = Netns { name };
        ns.ip(&["netns", "add", &ns.name]);
        ns.ip(&["-n", &ns.name, "link", "set", "lo", "up"]);
        ns
    }

    /// Runs `ip ARGS`, which must succeed.
    #[track_caller]
    pub fn ip(&self, args: &[&str]) {
        let out = Command::new("ip")
            .args(args)
            .output()
            .unwrap_or_else(|e| panic!("cannot run ip: {e}"));
        assert!(
            out.status.success(),
            "ip {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// The namespace's name (`ip netns` lists it).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Calls `f` on a thread inside the namespace: the sockets it opens
    /// belong to the namespace and keep belonging to it.
    pub fn open<T: Send>(&self, f: impl FnOnce() -> T + Send) -> T {
        let path = format!("/run/netns/{}", self.name);
        std::thread::scope(|scope| {
            scope
                .spawn(|| {
                    let file = std::fs::File::open(&path)
                        .unwrap_or_else(|e| panic!("cannot open {path}: {e}"));
                    rustix::thread::move_into_link_name_space(
                        file.as_fd(),
                        Some(rustix::thread::LinkNameSpaceType::Network),
                    )
                    .unwrap_or_else(|e| panic!("setns into {path}: {e}"));
                    f()
                })
                .join()
                .expect("the thread opening sockets in the namespace")
        })
    }

    /// Runs `program` with `args` inside the namespace (`ip netns exec`,
    /// which also shows it the namespace's /sys), with `env` set.
    pub fn run(&self, program: &OsStr, args: &[impl AsRef<OsStr>], env: &[(&str, &str)]) -> Run {
        let mut full: Vec<&OsStr> = vec![
            OsStr::new("netns"),
            OsStr::new("exec"),
            OsStr::new(&self.name),
        ];
        full.push(program);
        full.extend(args.iter().map(AsRef::as_ref));
        let mut command = format!("ip netns exec {} {}", self.name, program.to_string_lossy());
        for a in args {
            command.push_str(&format!(" {:?}", a.as_ref()));
        }
        let mut cmd = Command::new("ip");
        cmd.args(&full).env_remove("COLUMNS");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out = cmd
            .output()
            .unwrap_or_else(|e| panic!("cannot run {command}: {e}"));
        Run::from_output(command, out)
    }

    /// sockdiag with `args` inside the namespace.
    pub fn sockdiag(&self, args: &[impl AsRef<OsStr>]) -> Run {
        self.run(sockdiag_bin().as_os_str(), args, &[])
    }

    /// ss with `args` inside the namespace.
    pub fn ss(&self, args: &[impl AsRef<OsStr>]) -> Run {
        self.run(OsStr::new("ss"), args, &[])
    }
}

impl Default for Netns {
    fn default() -> Netns {
        Netns::new()
    }
}

impl Drop for Netns {
    fn drop(&mut self) {
        // While another test's `ip netns exec` runs, its mount namespace
        // holds a copy of /run/netns/NAME and the file cannot be removed
        // (EBUSY): try again until it is gone.
        let file = Path::new("/run/netns").join(&self.name);
        for _ in 0..100 {
            let _ = Command::new("ip")
                .args(["netns", "del", &self.name])
                .output();
            if !file.exists() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        eprintln!("could not remove network namespace {}", self.name);
    }
}

/// ss 6.1's output as ss 7 prints it, which sockdiag follows: no line
/// ending in spaces, and (`drop_process`: a header without `-p`) no
/// Process column named in the header, which ss 6.1 names always.
pub fn as_ss7(ss61: &str, drop_process: bool) -> String {
    let mut out = String::new();
    for (i, line) in ss61.lines().enumerate() {
        let mut line = line.trim_end();
        if i == 0 && drop_process {
            line = line.strip_suffix("Process").unwrap_or(line).trim_end();
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// The inode of a socket, as ss prints it: the number in the
/// `socket:[N]` link of its descriptor.
pub fn inode(fd: &impl AsFd) -> u64 {
    let fd = fd.as_fd().as_raw_fd();
    let link = std::fs::read_link(format!("/proc/self/fd/{fd}"))
        .unwrap_or_else(|e| panic!("readlink of fd {fd}: {e}"));
    let link = link.to_string_lossy();
    link.strip_prefix("socket:[")
        .and_then(|s| s.strip_suffix(']'))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("fd {fd} is not a socket: {link}"))
}

/// A TCP listener on `ip`, an ephemeral port and the given backlog (std
/// always asks for 128), with that port.
pub fn tcp_listener(ip: IpAddr, backlog: i32) -> (TcpListener, u16) {
    let addr = SocketAddr::new(ip, 0);
    let sock = Socket::new(Domain::for_address(addr), Type::STREAM, None).expect("socket");
    sock.bind(&addr.into()).expect("bind");
    sock.listen(backlog).expect("listen");
    let listener = TcpListener::from(sock);
    let port = listener.local_addr().expect("local_addr").port();
    (listener, port)
}

/// A listener on loopback with `waiting` connections in its accept queue
/// and backlog `backlog`, in the calling thread's network namespace; keep
/// the value to keep them.
pub struct Queued {
    _listener: TcpListener,
    _clients: Vec<std::net::TcpStream>,
    /// The listener's port.
    pub port: u16,
}

/// See [`Queued`].
pub fn queued(waiting: usize, backlog: i32) -> Queued {
    let (listener, port) = tcp_listener(IpAddr::from([127, 0, 0, 1]), backlog);
    let clients = (0..waiting)
        .map(|_| std::net::TcpStream::connect(("127.0.0.1", port)).expect("connect"))
        .collect();
    Queued {
        _listener: listener,
        _clients: clients,
        port,
    }
}

/// The address of the abstract unix name `name` (without the leading NUL).
pub fn abstract_addr(name: &str) -> SockAddr {
    SockAddr::unix(format!("\0{name}")).expect("an abstract unix address")
}

/// A unix listener of type `ty` (STREAM or SEQPACKET) bound to `addr`.
pub fn unix_listener(ty: Type, addr: &SockAddr, backlog: i32) -> Socket {
    let sock = Socket::new(Domain::UNIX, ty, None).expect("socket");
    sock.bind(addr).expect("bind");
    sock.listen(backlog).expect("listen");
    sock
}

/// A unix socket of type `ty` connected to `addr`.
pub fn unix_connect(ty: Type, addr: &SockAddr) -> Socket {
    let sock = Socket::new(Domain::UNIX, ty, None).expect("socket");
    sock.connect(addr).expect("connect");
    sock
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_layout() {
        let s = Sock::parse("LISTEN 3 7 127.0.0.1:8081 0.0.0.0:*");
        assert_eq!((s.netid.as_str(), s.recv_q, s.send_q), ("", 3, 7));
        assert_eq!((s.local_port(), s.peer_port()), (Some(8081), None));
        let s = Sock::parse("tcp   ESTAB  0  0  [::1]:22  [::1]:40000");
        assert_eq!((s.local_port(), s.peer_port()), (Some(22), Some(40000)));
        let s = Sock::parse("u_str LISTEN 2 5 @a@b 99 * 0");
        assert_eq!((s.local.as_str(), s.peer.as_str()), ("@a@b 99", "* 0"));
        assert_eq!(
            (s.inode(), s.peer_inode(), s.local_port()),
            (Some(99), Some(0), None)
        );
        // ss drops the State column when one state is selected.
        let s = Sock::parse("0 128 0.0.0.0:2024 0.0.0.0:*");
        assert_eq!((s.state.as_str(), s.recv_q, s.send_q), ("", 0, 128));
        let s = Sock::parse("u_str 0 5 /tmp/a.sock 4396 * 0");
        assert_eq!((s.netid.as_str(), s.state.as_str()), ("u_str", ""));
        assert_eq!(s.local, "/tmp/a.sock 4396");
    }

    #[test]
    fn owned_picks_ports_and_inodes() {
        let mut owned = Owned::new();
        owned.port("tcp", 40000).inode(7);
        assert!(owned.contains(&Sock::parse("tcp ESTAB 0 0 [::1]:22 [::1]:40000")));
        assert!(owned.contains(&Sock::parse("ESTAB 0 0 [::1]:22 [::1]:40000")));
        assert!(!owned.contains(&Sock::parse("udp ESTAB 0 0 [::1]:22 [::1]:40000")));
        assert!(!owned.contains(&Sock::parse("tcp ESTAB 0 0 [::1]:22 [::1]:40001")));
        assert!(!owned.contains(&Sock::parse("tcp TIME-WAIT 0 0 [::1]:22 [::1]:40000")));
        owned.time_wait("[::1]:40000".parse().unwrap(), "[::1]:22".parse().unwrap());
        assert!(owned.contains(&Sock::parse("tcp TIME-WAIT 0 0 [::1]:40000 [::1]:22")));
        assert!(!owned.contains(&Sock::parse("tcp TIME-WAIT 0 0 [::1]:40000 [::1]:23")));
        assert!(owned.contains(&Sock::parse("u_str ESTAB 0 0 * 8 * 7")));
        assert!(!owned.contains(&Sock::parse("u_str ESTAB 0 0 * 40000 * 9")));
    }

    #[test]
    fn inode_matches_fstat() {
        use std::os::unix::fs::MetadataExt;
        use std::os::unix::net::UnixStream;
        let (a, _b) = UnixStream::pair().expect("socketpair");
        // stat follows the /proc link to the socket itself.
        let meta = std::fs::metadata(format!("/proc/self/fd/{}", a.as_raw_fd())).unwrap();
        assert_eq!(meta.ino(), inode(&a));
    }

    #[test]
    fn differences_count_duplicates() {
        let (a, b) = differences(&[1, 2, 2, 5], &[2, 3, 5, 5]);
        assert_eq!((a, b), (vec![1, 2], vec![3, 5]));
    }
}
