//! Long-running processes a test starts (`sockdiag -E`, `watch`, `serve`,
//! a Prometheus server): killed and reaped when the test ends, also when
//! it fails; their stdout read line by line as it arrives; and a minimal
//! HTTP client for the servers, talking to loopback only.

use std::ffi::OsStr;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

/// A child process, killed and reaped on drop.
pub struct Spawned {
    child: Child,
    /// The command line, for messages.
    pub command: String,
    lines: Option<Receiver<String>>,
    /// Every stdout line taken so far, for messages.
    pub seen: Vec<String>,
}

impl Spawned {
    /// Starts `program` with `args`; stdout is piped and read by a thread
    /// into lines, stderr piped too (read at the end).
    pub fn start(program: impl AsRef<OsStr>, args: &[impl AsRef<OsStr>]) -> Spawned {
        Spawned::spawn(program.as_ref(), args, true)
    }

    /// Starts sockdiag with `args`, its stdout a pipe nobody reads until
    /// [`Spawned::close_stdout`] closes it.
    pub fn sockdiag_unread(args: &[impl AsRef<OsStr>]) -> Spawned {
        Spawned::spawn(crate::sockdiag_bin().as_os_str(), args, false)
    }

    fn spawn(program: &OsStr, args: &[impl AsRef<OsStr>], read: bool) -> Spawned {
        let mut command = program.to_string_lossy().into_owned();
        for a in args {
            command.push_str(&format!(" {:?}", a.as_ref()));
        }
        let mut child = Command::new(program)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {command}: {e}"));
        let lines = read.then(|| {
            let stdout = child.stdout.take().expect("piped stdout");
            let (tx, rx) = mpsc::channel();
            std::thread::spawn(move || {
                for line in BufReader::new(stdout).lines() {
                    let Ok(l) = line else { break };
                    if tx.send(l).is_err() {
                        break;
                    }
                }
            });
            rx
        });
        Spawned {
            child,
            command,
            lines,
            seen: Vec::new(),
        }
    }

    /// Starts sockdiag with `args`.
    pub fn sockdiag(args: &[impl AsRef<OsStr>]) -> Spawned {
        Spawned::start(crate::sockdiag_bin(), args)
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The next stdout line, waiting at most `timeout`; `None` on timeout
    /// or at the end of stdout.
    pub fn line(&mut self, timeout: Duration) -> Option<String> {
        let rx = self.lines.as_ref()?;
        match rx.recv_timeout(timeout) {
            Ok(l) => {
                self.seen.push(l.clone());
                Some(l)
            }
            Err(RecvTimeoutError::Timeout) | Err(RecvTimeoutError::Disconnected) => None,
        }
    }

    /// Reads lines until one satisfies `want` (returned), for at most
    /// `timeout`; panics with what was seen otherwise.
    #[track_caller]
    pub fn line_where(&mut self, timeout: Duration, mut want: impl FnMut(&str) -> bool) -> String {
        let deadline = Instant::now() + timeout;
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            match self.line(left) {
                Some(l) if want(&l) => return l,
                Some(_) => {}
                None => break,
            }
        }
        let stderr = self.stderr_now();
        panic!(
            "{}: no expected line within {timeout:?}; seen:\n{}\nstderr: {stderr}",
            self.command,
            self.seen.join("\n"),
        )
    }

    /// Closes the read end of its stdout (started with
    /// [`Spawned::sockdiag_unread`]): the pipe now has no reader.
    pub fn close_stdout(&mut self) {
        drop(self.child.stdout.take());
    }

    /// Waits at most `timeout` for it to exit.
    pub fn wait_for_exit(&mut self, timeout: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + timeout;
        loop {
            match self.child.try_wait() {
                Ok(Some(status)) => return Some(status),
                Ok(None) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(10))
                }
                _ => return None,
            }
        }
    }

    /// Whether it is still running.
    pub fn running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// Sends `signal` (a libc signal number).
    pub fn signal(&self, signal: i32) {
        let pid = i32::try_from(self.child.id()).expect("a pid fits i32");
        let _ = Command::new("kill")
            .arg(format!("-{signal}"))
            .arg(pid.to_string())
            .status();
    }

    /// What it wrote on stderr, once it has exited (empty while it runs).
    pub fn stderr_now(&mut self) -> String {
        if self.running() {
            return String::new();
        }
        let mut text = String::new();
        if let Some(e) = self.child.stderr.as_mut() {
            let _ = e.read_to_string(&mut text);
        }
        text
    }
}

impl Drop for Spawned {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A free TCP port on loopback (bound, read and released: another process
/// may take it in between, which the callers' retries absorb).
pub fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    l.local_addr().expect("local_addr").port()
}

/// `sockdiag serve` on a free loopback port, answering once it is up.
pub fn serve(extra: &[&str]) -> (Spawned, SocketAddr) {
    for _ in 0..5 {
        let addr: SocketAddr = ([127, 0, 0, 1], free_port()).into();
        let mut args = vec!["serve".to_string(), addr.to_string()];
        args.extend(extra.iter().map(|s| s.to_string()));
        let mut server = Spawned::sockdiag(&args);
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline && server.running() {
            if TcpStream::connect(addr).is_ok() {
                return (server, addr);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
    panic!("sockdiag serve did not start");
}

/// An HTTP response: status code and body.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub body: String,
}

/// Sends `request` (raw bytes) to `addr` and reads the answer until the
/// server closes; `None` when the connection fails or the answer is not
/// HTTP.
pub fn http_exchange(addr: SocketAddr, request: &[u8], timeout: Duration) -> Option<Response> {
    let mut s = TcpStream::connect_timeout(&addr, timeout).ok()?;
    s.set_read_timeout(Some(timeout)).ok()?;
    s.set_write_timeout(Some(timeout)).ok()?;
    s.write_all(request).ok()?;
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).ok()?;
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n")?;
    let status = head.split(' ').nth(1)?.parse().ok()?;
    Some(Response {
        status,
        body: body.to_string(),
    })
}

/// `GET path` from `addr`.
pub fn http_get(addr: SocketAddr, path: &str) -> Option<Response> {
    let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    http_exchange(addr, request.as_bytes(), Duration::from_secs(10))
}
