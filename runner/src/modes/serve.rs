//! `serve ADDR:PORT`: `GET /metrics` answered with the exposition of
//! `metrics`, collected when the request arrives. One thread, one poll()
//! over the listening socket and at most [`MAX_CONNECTIONS`] connections,
//! each with a fixed request buffer and deadlines: a malformed or
//! oversized request gets 400 and the connection closes, a slow one times
//! out, and a flood of connections evicts the oldest idle ones instead of
//! growing memory or descriptors. Each connection answers one request.

use std::fmt::Write as _;
use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::time::{Duration, Instant};

use rustix::event::{poll, PollFd, PollFlags, Timespec};
use rustix::io::Errno;
use sockdiag_codec::http::{self, Status};

use crate::cli::mode::Serve;
use crate::cli::Options;
use crate::error::Error;
use crate::modes::metrics::Collector;
use crate::modes::stop::{next_tick, Stop};
use crate::output::exposition::write_exposition;

/// Connections served at once. Past it, a new connection takes the place
/// of the oldest one still sending its request (a slow or idle client);
/// when every one is being answered, new ones wait in the kernel's
/// backlog.
pub const MAX_CONNECTIONS: usize = 128;
/// The largest request head: Prometheus sends about 300 bytes.
pub const MAX_REQUEST: usize = 8 * 1024;
/// How long a client has to send its request.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a client has to read its answer.
pub const RESPONSE_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a closing connection is drained of what the client still
/// sends, so the close does not reset it before the answer is read.
const LINGER: Duration = Duration::from_secs(2);
/// The exposition's media type (text format 0.0.4).
const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

enum Phase {
    /// Reading the request head into `request`.
    Reading,
    /// Sending `response` from `sent`.
    Writing { response: Vec<u8>, sent: usize },
    /// Answer sent and our side shut: discarding what arrives until the
    /// client closes or the deadline.
    Closing,
}

struct Connection {
    stream: TcpStream,
    request: Box<[u8; MAX_REQUEST]>,
    len: usize,
    phase: Phase,
    accepted: Instant,
    deadline: Instant,
}

/// A response with a plain-text body.
fn response(status: Status, body: &str, head_only: bool) -> Vec<u8> {
    let mut text = String::new();
    // Writing into a String cannot fail.
    let _ = http::write_head(&mut text, status, CONTENT_TYPE, body.len());
    if !head_only {
        text.push_str(body);
    }
    text.into_bytes()
}

/// Header lines a request may have: Prometheus sends six, curl three.
const MAX_HEADERS: usize = 32;

/// What the bytes of a request so far ask for: `Ok(None)` while its head
/// is incomplete, else the method and target (copied: the answer needs
/// the server, which owns the buffer), or why it is refused.
fn read_request(bytes: &[u8]) -> Result<Option<(String, String)>, String> {
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut request = httparse::Request::new(&mut headers);
    match request.parse(bytes) {
        Ok(httparse::Status::Partial) => Ok(None),
        Ok(httparse::Status::Complete(_)) => match (request.method, request.path) {
            (Some(method), Some(target)) => Ok(Some((method.into(), target.into()))),
            _ => Err("malformed request line".into()),
        },
        Err(e) => Err(e.to_string()),
    }
}

/// The server's state between polls.
struct Server<'o> {
    listener: TcpListener,
    connections: Vec<Connection>,
    collector: Collector<'o>,
    /// The last scrape's complaint, said once on stderr until it changes.
    last_error: Option<String>,
    /// Why serving must end (this thread could not leave a namespace).
    fatal: Option<Error>,
}

impl Server<'_> {
    /// The answer to a complete request.
    fn answer(&mut self, method: &str, target: &str) -> Vec<u8> {
        let head_only = method == "HEAD";
        let status = http::route(method, target, "/metrics");
        if status != Status::Ok {
            let (code, reason) = status.line();
            return response(status, &format!("{code} {reason}\n"), head_only);
        }
        let (scrape, messages) = match self.collector.scrape() {
            Ok(scraped) => scraped,
            Err(e) => {
                // This thread may be in another namespace: serve no more.
                self.fatal = Some(e);
                let status = Status::InternalError;
                let (code, reason) = status.line();
                return response(status, &format!("{code} {reason}\n"), head_only);
            }
        };
        let message = messages.into_iter().next();
        if message.is_some() && message != self.last_error {
            if let Some(m) = &message {
                eprintln!("sockdiag: serve: {m}");
            }
        }
        self.last_error = message;
        let mut text = String::new();
        if write_exposition(&mut text, &scrape).is_err() {
            text.clear();
            let _ = writeln!(text, "# the exposition could not be formatted");
        }
        response(Status::Ok, &text, head_only)
    }

    /// Moves a connection on after its socket became ready; `false` when
    /// it is done and can be dropped.
    fn step(&mut self, i: usize) -> bool {
        let c = &mut self.connections[i];
        match &mut c.phase {
            Phase::Reading => {
                let n = match c.stream.read(&mut c.request[c.len..]) {
                    Ok(0) => return false,
                    Ok(n) => n,
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => return true,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => return true,
                    Err(_) => return false,
                };
                c.len += n;
                let answer = match read_request(&c.request[..c.len]) {
                    Ok(None) if c.len < MAX_REQUEST => return true,
                    Ok(None) => response(Status::BadRequest, "400 request head too large\n", false),
                    Err(e) => response(Status::BadRequest, &format!("400 {e}\n"), false),
                    Ok(Some((method, target))) => self.answer(&method, &target),
                };
                let c = &mut self.connections[i];
                c.phase = Phase::Writing {
                    response: answer,
                    sent: 0,
                };
                c.deadline = Instant::now() + RESPONSE_TIMEOUT;
                self.step(i)
            }
            Phase::Writing { response, sent } => {
                while *sent < response.len() {
                    match c.stream.write(&response[*sent..]) {
                        Ok(0) => return false,
                        Ok(n) => *sent += n,
                        Err(e) if e.kind() == io::ErrorKind::WouldBlock => return true,
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                        Err(_) => return false,
                    }
                }
                let _ = c.stream.shutdown(Shutdown::Write);
                c.phase = Phase::Closing;
                c.deadline = Instant::now() + LINGER;
                true
            }
            Phase::Closing => {
                let mut sink = [0u8; 1024];
                loop {
                    match c.stream.read(&mut sink) {
                        Ok(0) => return false,
                        Ok(_) => continue,
                        Err(e) if e.kind() == io::ErrorKind::WouldBlock => return true,
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                        Err(_) => return false,
                    }
                }
            }
        }
    }

    /// Takes the new connections waiting, as far as there is room (or an
    /// idle connection to evict for each).
    fn accept(&mut self) {
        loop {
            if self.connections.len() >= MAX_CONNECTIONS {
                // The oldest connection still sending its request makes
                // room; one being answered is never cut.
                let oldest = (0..self.connections.len())
                    .filter(|&i| {
                        matches!(self.connections[i].phase, Phase::Reading | Phase::Closing)
                    })
                    .min_by_key(|&i| self.connections[i].accepted);
                match oldest {
                    Some(i) => {
                        self.connections.swap_remove(i);
                    }
                    None => return,
                }
            }
            match self.listener.accept() {
                Ok((stream, _)) => {
                    if stream.set_nonblocking(true).is_err() {
                        continue;
                    }
                    let now = Instant::now();
                    self.connections.push(Connection {
                        stream,
                        request: Box::new([0; MAX_REQUEST]),
                        len: 0,
                        phase: Phase::Reading,
                        accepted: now,
                        deadline: now + REQUEST_TIMEOUT,
                    });
                }
                // WouldBlock: none left. Other errors (EMFILE, a connection
                // reset before accept) are the next poll's to retry.
                Err(_) => return,
            }
        }
    }

    /// Answers 408 to connections whose request is late, and drops those
    /// whose answer or close is late.
    fn expire(&mut self, now: Instant) {
        let mut i = 0;
        while i < self.connections.len() {
            let c = &mut self.connections[i];
            if now < c.deadline {
                i += 1;
                continue;
            }
            if matches!(c.phase, Phase::Reading) {
                c.phase = Phase::Writing {
                    response: response(Status::RequestTimeout, "408 request timeout\n", false),
                    sent: 0,
                };
                // A short deadline: a client this slow may not read either.
                c.deadline = now + LINGER;
                if self.step(i) {
                    i += 1;
                } else {
                    self.connections.swap_remove(i);
                }
            } else {
                self.connections.swap_remove(i);
            }
        }
    }
}

/// Serves until SIGINT or SIGTERM.
pub fn run(opts: &Options, s: &Serve) -> Result<bool, Error> {
    let stop = Stop::install().map_err(Error::Output)?;
    let bind_error = |error| Error::Bind {
        addr: s.addr,
        error,
    };
    let listener = TcpListener::bind(s.addr).map_err(bind_error)?;
    listener.set_nonblocking(true).map_err(bind_error)?;
    let mut server = Server {
        listener,
        connections: Vec::with_capacity(MAX_CONNECTIONS),
        collector: Collector::new(opts, s.max_series, s.sample.is_some())?,
        last_error: None,
        fatal: None,
    };
    let start = Instant::now();
    let mut next_sample = s.sample.map(|period| next_tick(start, period, start));
    loop {
        if let Some(e) = server.fatal.take() {
            return Err(e);
        }
        let now = Instant::now();
        if let (Some(at), Some(period)) = (next_sample, s.sample) {
            if now >= at {
                // A failed sample shows in the next scrape's errors; one
                // that leaves this thread elsewhere ends the run.
                server.collector.sample()?;
                next_sample = Some(next_tick(start, period, Instant::now()));
            }
        }
        server.expire(Instant::now());
        let room = server.connections.len() < MAX_CONNECTIONS
            || server
                .connections
                .iter()
                .any(|c| matches!(c.phase, Phase::Reading | Phase::Closing));
        let mut set = Vec::with_capacity(server.connections.len() + 2);
        set.push(PollFd::new(&stop, PollFlags::IN));
        set.push(PollFd::new(
            &server.listener,
            if room {
                PollFlags::IN
            } else {
                PollFlags::empty()
            },
        ));
        for c in &server.connections {
            let want = match c.phase {
                Phase::Writing { .. } => PollFlags::OUT,
                Phase::Reading | Phase::Closing => PollFlags::IN,
            };
            set.push(PollFd::new(&c.stream, want));
        }
        let wake = server
            .connections
            .iter()
            .map(|c| c.deadline)
            .chain(next_sample)
            .min();
        let timeout = wake.map(|at| {
            let left = at.saturating_duration_since(Instant::now());
            Timespec::try_from(left).unwrap_or(Timespec {
                tv_sec: i64::MAX,
                tv_nsec: 0,
            })
        });
        match poll(&mut set, timeout.as_ref()) {
            Ok(_) | Err(Errno::INTR) => {}
            Err(e) => return Err(Error::Output(e.into())),
        }
        if !set[0].revents().is_empty() {
            return Ok(true);
        }
        let ready: Vec<bool> = set[2..].iter().map(|p| !p.revents().is_empty()).collect();
        let accept = !set[1].revents().is_empty();
        drop(set);
        // Walk backwards so a removal does not move a connection not yet
        // seen.
        for i in (0..ready.len()).rev() {
            if ready[i] && !server.step(i) {
                server.connections.swap_remove(i);
            }
        }
        if accept {
            server.accept();
        }
    }
}
