//! Where datagrams come from: the kernel, through a socket of the network
//! namespace being listed, or a capture file written by an earlier
//! `--dump-raw` run (format in `sockdiag_codec::capture`). The dump loop
//! talks to a [`Source`] and cannot tell the two apart, so `--decode`
//! prints exactly what the live run printed. A `--snapshot` capture holds
//! every table; replaying it, each request is found by its table and
//! family, and what the query does not ask for is skipped.

use std::cell::RefCell;
use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::iter::{Filter, Peekable};
use std::path::{Path, PathBuf};
use std::rc::Rc;

use sockdiag_codec::capture::{self, Capture, Context, Kind, Record, Records};
use sockdiag_codec::family;
use sockdiag_codec::format::names;
use sockdiag_codec::netns::Netns as NetnsInfo;
use sockdiag_codec::proc::ProcFile;
use sockdiag_codec::wire::nlmsg::{self, Packet};
use sockdiag_codec::wire::sock_diag::{self, Request};
use sockdiag_codec::wire::{inet, inet_legacy};

use crate::host::context::{Answers, Host};
use crate::kernel::netns::{Netns, NetnsError};
use crate::kernel::reader::Reader;
use crate::kernel::socket::{DiagSocket, NetError};

/// Why a source failed: the kernel, the capture file, a request that
/// could not be built, a /proc table that could not be read through, or
/// the namespace its /proc files are read in.
#[derive(Debug)]
pub enum SourceError {
    Kernel(NetError),
    Capture(CaptureError),
    Request(sockdiag_codec::Error),
    Proc { path: PathBuf, error: io::Error },
    Netns(NetnsError),
}

/// What takes each line of a /proc table (with its number from 1); one
/// instance of the reading loop serves every table.
pub type LineFn<'f, E> = dyn FnMut(usize, &[u8]) -> Result<(), E> + 'f;

/// How much of a dump is received before the rest goes to a second
/// process ([`Reader`]). Every dump but the shortest goes on after its
/// first datagram (the kernel sends NLMSG_DONE on its own), so the first
/// datagram alone says little. Forking and reaping cost about 0.3 ms
/// (`-tan` on 300 TCP sockets, forking after the first datagram against
/// never: 3.37 against 3.04 ms, medians of 30), what decoding some 600
/// sockets takes (0.5 us each); 64 KiB holds about 700. On 5,000 the
/// second process saves 0.7 ms of 13.4.
const PIPELINE_AFTER: usize = 64 * 1024;

/// The read buffer of a /proc table.
const PROC_BUF: usize = 64 * 1024;

/// The longest line a /proc table may have: the kernel's are under 300
/// bytes (a unix path is at most 108), so a longer one is not a /proc
/// table, and reading it whole would let a file take any memory.
const PROC_LINE_MAX: usize = 4096;

/// The lines of a /proc table, each with its newline, into one buffer.
struct Lines<'r> {
    reader: Box<dyn BufRead + 'r>,
    line: Vec<u8>,
}

impl Lines<'_> {
    fn next(&mut self) -> io::Result<Option<&[u8]>> {
        self.line.clear();
        let limit = PROC_LINE_MAX as u64 + 1;
        (&mut self.reader)
            .take(limit)
            .read_until(b'\n', &mut self.line)?;
        if self.line.len() > PROC_LINE_MAX {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!("a line longer than {PROC_LINE_MAX} bytes"),
            ));
        }
        Ok((!self.line.is_empty()).then_some(&self.line[..]))
    }
}

impl From<CaptureError> for SourceError {
    fn from(e: CaptureError) -> SourceError {
        SourceError::Capture(e)
    }
}

/// What went wrong with the capture file of `--decode` or `--dump-raw`;
/// each names the file.
#[derive(Debug)]
pub struct CaptureError {
    pub path: PathBuf,
    pub kind: CaptureErrorKind,
}

/// The ways a capture file fails.
#[derive(Debug)]
pub enum CaptureErrorKind {
    Create(std::io::Error),
    Write(std::io::Error),
    Read(std::io::Error),
    /// The file header, or a record the codec refused.
    Format(sockdiag_codec::Error),
    /// A record that does not decode, found before anything is printed.
    BadRecord {
        offset: usize,
        error: sockdiag_codec::Error,
    },
    /// A record of another kind than this run reads next.
    Unexpected {
        offset: usize,
        kind: Kind,
        want: Kind,
        after: usize,
    },
    /// The file ends before a record this run reads.
    EndsEarly {
        want: Kind,
        after: usize,
    },
    /// A recorded request differs from the one this run sends.
    OtherRequest {
        number: usize,
        recorded: String,
        asked: String,
    },
    /// Records left after the run read what it needs.
    Extra {
        offset: usize,
    },
    /// `--decode --all-netns` of a capture with no namespace in it.
    NoNamespaces,
    /// A query of a snapshot that asks for a table it does not hold.
    NotInSnapshot {
        asked: String,
    },
}

impl std::fmt::Display for CaptureError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: ", self.path.display())?;
        match &self.kind {
            CaptureErrorKind::Create(e) => write!(f, "cannot create: {e}"),
            CaptureErrorKind::Write(e) => write!(f, "cannot write: {e}"),
            CaptureErrorKind::Read(e) => write!(f, "cannot read: {e}"),
            CaptureErrorKind::Format(e) => e.fmt(f),
            CaptureErrorKind::BadRecord { offset, error } => {
                write!(f, "record at byte {offset}: {error}")
            }
            CaptureErrorKind::Unexpected {
                offset,
                kind,
                want,
                after,
            } => write!(
                f,
                "record at byte {offset} is {kind:?}, expected {want:?} after request {after} \
                 (was it made with other options?)"
            ),
            CaptureErrorKind::EndsEarly { want, after } => write!(
                f,
                "ends before the {want:?} this run expects after request {after}"
            ),
            CaptureErrorKind::OtherRequest {
                number,
                recorded,
                asked,
            } => write!(
                f,
                "request {number} was {recorded}, this run asks for {asked} \
                 (decode with the options of the --dump-raw run)"
            ),
            CaptureErrorKind::Extra { offset } => write!(
                f,
                "record at byte {offset} is more than this run reads \
                 (decode with the options of the --dump-raw run)"
            ),
            CaptureErrorKind::NotInSnapshot { asked } => {
                write!(f, "the snapshot holds no answer to {asked}")
            }
            CaptureErrorKind::NoNamespaces => {
                f.write_str("holds no network namespace (was it made without --all-netns?)")
            }
        }
    }
}

enum Origin {
    /// The namespace being listed and its socket (none before the first
    /// namespace is entered).
    Kernel {
        socket: Option<DiagSocket>,
        netns: Netns,
    },
    Replay(Replay),
}

/// The datagram source of one run, optionally recording what passes.
pub struct Source {
    origin: Origin,
    recorder: Option<Rc<RefCell<Recorder>>>,
    seq: u32,
    /// Whether a long dump is received by a second process (the one-shot
    /// commands; a library caller's process is left alone).
    pipelined: bool,
    /// The second process receiving the current dump, if it forked one.
    reader: Option<Reader>,
    /// The bytes the current dump has given so far.
    dumped: usize,
}

/// The records a run reads in order: host context is read out of band.
type InOrder = Filter<Records<'static>, fn(&sockdiag_codec::Result<Record<'static>>) -> bool>;

fn in_order(r: &sockdiag_codec::Result<Record<'static>>) -> bool {
    !matches!(r, Ok(r) if r.kind.is_context())
}

/// A capture file being replayed.
struct Replay {
    path: PathBuf,
    records: Peekable<InOrder>,
    requests: usize,
    /// Its namespace records, in order (an `--all-netns` run's).
    namespaces: Vec<NetnsInfo<'static>>,
    /// Where its host lookups are answered.
    host: Host,
    /// A `--snapshot`: requests are found by their table, whatever their
    /// states, extensions or filter, and tables not asked for are skipped.
    snapshot: bool,
}

/// A capture file being written (`--dump-raw`).
pub struct Recorder {
    path: PathBuf,
    out: BufWriter<File>,
    /// The record being streamed, and where its header is.
    open: Option<(Kind, u64)>,
    /// The context questions written so far, sorted: each once.
    asked: Vec<(Kind, u64, u64)>,
    /// The first failed write of a context record, said at the end.
    failed: Option<CaptureError>,
    /// Whether it is a `--snapshot`.
    snapshot: bool,
}

fn file_error(path: &Path, kind: CaptureErrorKind) -> CaptureError {
    CaptureError {
        path: path.to_owned(),
        kind,
    }
}

impl Recorder {
    fn create(path: &Path, snapshot: bool) -> Result<Recorder, CaptureError> {
        let file = File::create(path).map_err(|e| file_error(path, CaptureErrorKind::Create(e)))?;
        let mut r = Recorder {
            path: path.to_owned(),
            out: BufWriter::new(file),
            open: None,
            asked: Vec::new(),
            failed: None,
            snapshot,
        };
        let mut header = [0u8; capture::HEADER_LEN];
        let len = capture::emit_header(&mut header)
            .map_err(|e| file_error(path, CaptureErrorKind::Format(e)))?;
        r.write(&header[..len])?;
        if snapshot {
            r.context(Kind::Snapshot, 0, 0, &[]);
        }
        Ok(r)
    }

    /// Ends the file with who wrote it: host name, kernel release, time,
    /// command line (last, so a run's first record is its first request).
    fn sign(&mut self) {
        let mut about = Vec::new();
        for part in ["hostname", "osrelease"] {
            let text = std::fs::read(format!("/proc/sys/kernel/{part}")).unwrap_or_default();
            about.extend_from_slice(text.trim_ascii_end());
            about.push(0);
        }
        for arg in std::env::args_os() {
            about.extend_from_slice(std::os::unix::ffi::OsStrExt::as_bytes(arg.as_os_str()));
            about.push(0);
        }
        let time = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        self.context(Kind::Header, 0, time, &about);
    }

    /// Writes the answer to a host question, unless it was written before.
    pub fn context(&mut self, kind: Kind, netns: u64, key: u64, value: &[u8]) {
        let question = (kind, netns, key);
        let at = match self
            .asked
            .binary_search_by_key(&(u16::from(kind), netns, key), |&(k, n, q)| {
                (u16::from(k), n, q)
            }) {
            Ok(_) => return,
            Err(at) => at,
        };
        self.asked.insert(at, question);
        let mut head = [0u8; Context::HEADER_LEN];
        let c = Context { netns, key, value };
        let written = c
            .emit_header(&mut head)
            .map_err(|e| file_error(&self.path, CaptureErrorKind::Format(e)))
            .and_then(|_| self.record_parts(kind, &[&head, value]));
        if let (Err(e), None) = (written, &self.failed) {
            self.failed = Some(e);
        }
    }

    fn write(&mut self, bytes: &[u8]) -> Result<(), CaptureError> {
        self.out
            .write_all(bytes)
            .map_err(|e| file_error(&self.path, CaptureErrorKind::Write(e)))
    }

    /// Starts a record whose length is not known yet; [`Recorder::end`]
    /// writes it once the data is written.
    #[inline(never)]
    fn begin(&mut self, kind: Kind) -> Result<(), CaptureError> {
        let at = self
            .out
            .stream_position()
            .map_err(|e| file_error(&self.path, CaptureErrorKind::Write(e)))?;
        let mut header = [0u8; capture::RECORD_HEADER_LEN];
        capture::emit_record_header(&mut header, kind, 0)
            .map_err(|e| file_error(&self.path, CaptureErrorKind::Format(e)))?;
        self.write(&header)?;
        self.open = Some((kind, at));
        Ok(())
    }

    /// Ends the record [`Recorder::begin`] started: its header gets the
    /// length of what was written since.
    #[inline(never)]
    fn end(&mut self) -> Result<(), CaptureError> {
        let Some((kind, at)) = self.open.take() else {
            return Ok(());
        };
        let io = |path: &Path, e| file_error(path, CaptureErrorKind::Write(e));
        let here = self.out.stream_position().map_err(|e| io(&self.path, e))?;
        let len = here - at - capture::RECORD_HEADER_LEN as u64;
        let mut header = [0u8; capture::RECORD_HEADER_LEN];
        let len = usize::try_from(len).unwrap_or(usize::MAX);
        capture::emit_record_header(&mut header, kind, len)
            .map_err(|e| file_error(&self.path, CaptureErrorKind::Format(e)))?;
        self.out
            .seek(SeekFrom::Start(at))
            .and_then(|_| self.out.write_all(&header))
            .and_then(|_| self.out.seek(SeekFrom::Start(here)))
            .map_err(|e| io(&self.path, e))?;
        Ok(())
    }

    fn record(&mut self, kind: Kind, data: &[u8]) -> Result<(), CaptureError> {
        self.record_parts(kind, &[data])
    }

    fn record_parts(&mut self, kind: Kind, parts: &[&[u8]]) -> Result<(), CaptureError> {
        let len = parts.iter().map(|p| p.len()).sum();
        let mut header = [0u8; capture::RECORD_HEADER_LEN];
        capture::emit_record_header(&mut header, kind, len)
            .map_err(|e| file_error(&self.path, CaptureErrorKind::Format(e)))?;
        self.write(&header)?;
        parts.iter().try_for_each(|p| self.write(p))
    }
}

/// A request in words: "a tcp IPv6 dump of states 0x...", "a unix dump", ...
fn describe(request: &[u8]) -> String {
    let Ok(packet) = Packet::new_checked(request) else {
        return "a malformed request".into();
    };
    let payload = packet.payload();
    if packet.msg_type() == inet_legacy::TCPDIAG_GETSOCK {
        return match inet_legacy::ReqRepr::parse(payload, packet.flags()) {
            Ok(r) => format!("a tcp dump of both IP families of states {:#x}", r.states),
            Err(_) => "a tcp dump of both IP families".into(),
        };
    }
    match payload.first().copied() {
        Some(family::UNIX) => "a unix dump".into(),
        Some(f @ (family::INET | family::INET6)) => {
            let v = if f == family::INET { "IPv4" } else { "IPv6" };
            match inet::ReqRepr::parse(payload, packet.flags()) {
                Ok(r) => format!(
                    "a {} {v} dump of states {:#x}",
                    names::inet_netid(r.protocol),
                    r.states
                ),
                Err(_) => format!("an {v} dump"),
            }
        }
        Some(f) => format!("a dump of family {f}"),
        None => "an empty request".into(),
    }
}

impl Replay {
    fn open(path: &Path) -> Result<Replay, CaptureError> {
        let bytes = std::fs::read(path).map_err(|e| file_error(path, CaptureErrorKind::Read(e)))?;
        // Read once, kept to the end of the run; records borrow from it.
        let bytes: &'static [u8] = bytes.leak();
        let cap = Capture::new_checked(bytes)
            .map_err(|e| file_error(path, CaptureErrorKind::Format(e)))?;
        // Find a bad record before printing anything.
        let mut check = cap.records();
        let mut namespaces = Vec::new();
        while let Some(r) = check.next() {
            let namespace = r.and_then(|r| match r.kind {
                Kind::Netns => NetnsInfo::parse(r.data).map(Some),
                _ => Ok(None),
            });
            match namespace {
                Ok(found) => namespaces.extend(found),
                Err(error) => {
                    let offset = check.offset();
                    return Err(file_error(
                        path,
                        CaptureErrorKind::BadRecord { offset, error },
                    ));
                }
            }
        }
        let host = match cap.version() {
            1 => {
                eprintln!(
                    "sockdiag: {}: a version 1 capture: interface names, cgroups, \
                     processes and -s come from this machine",
                    path.display()
                );
                Host::Live
            }
            _ => {
                let answers = Answers::collect(cap.records().map_while(Result::ok)).map_err(
                    |(offset, error)| {
                        file_error(path, CaptureErrorKind::BadRecord { offset, error })
                    },
                )?;
                Host::Replay(Rc::new(answers))
            }
        };
        let mut replay = Replay::new(path, cap, namespaces, host);
        replay.snapshot = cap.records().flatten().any(|r| r.kind == Kind::Snapshot);
        Ok(replay)
    }

    fn new(
        path: &Path,
        cap: Capture<'static>,
        namespaces: Vec<NetnsInfo<'static>>,
        host: Host,
    ) -> Replay {
        let records: InOrder = cap.records().filter(in_order);
        Replay {
            path: path.to_owned(),
            records: records.peekable(),
            requests: 0,
            namespaces,
            host,
            snapshot: false,
        }
    }

    /// A snapshot's next record of `kind`, skipping what this query does
    /// not read; a request is found by what it asks (message type,
    /// family, protocol). One namespace's part is not left.
    fn seek(&mut self, kind: Kind, request: &[u8]) -> Result<&'static [u8], CaptureError> {
        let wanted = asks(request);
        loop {
            match self.records.peek() {
                Some(Ok(r))
                    if r.kind == kind && (kind != Kind::Request || asks(r.data) == wanted) =>
                {
                    return self.next(kind);
                }
                Some(Ok(r)) if r.kind != Kind::Netns || kind == Kind::Netns => {
                    self.records.next();
                }
                Some(Err(_)) => return self.next(kind),
                _ => {
                    let asked = describe(request);
                    let kind = CaptureErrorKind::NotInSnapshot { asked };
                    return Err(file_error(&self.path, kind));
                }
            }
        }
    }

    fn next(&mut self, want: Kind) -> Result<&'static [u8], CaptureError> {
        let after = self.requests;
        let kind = match self.records.next() {
            Some(Ok(r)) if r.kind == want => return Ok(r.data),
            Some(Ok(r)) => CaptureErrorKind::Unexpected {
                offset: r.offset,
                kind: r.kind,
                want,
                after,
            },
            Some(Err(e)) => CaptureErrorKind::Format(e),
            None => CaptureErrorKind::EndsEarly { want, after },
        };
        Err(file_error(&self.path, kind))
    }
}

/// What a request asks, as a snapshot finds it: its message type, and the
/// family and protocol its payload starts with.
fn asks(request: &[u8]) -> Option<(u16, &[u8])> {
    let packet = Packet::new_checked(request).ok()?;
    Some((packet.msg_type(), packet.payload().get(..2)?))
}

/// `request` framed with sequence number `seq`.
fn frame<R: Request>(request: &R, seq: u32) -> Result<Vec<u8>, SourceError> {
    // Room for a request with the largest filter program.
    let mut buf = [0u8; 4096];
    let len = sock_diag::emit_request(&mut buf, seq, request).map_err(SourceError::Request)?;
    Ok(buf[..len].to_vec())
}

impl Source {
    /// The kernel (asked through the socket [`Source::use_socket`] hands
    /// over, one namespace at a time; none: no sock_diag), or the file of
    /// `--decode`; recording to `--dump-raw`. A `snapshot` recording is
    /// marked as one.
    pub fn open(
        decode: Option<&Path>,
        dump_raw: Option<&Path>,
        snapshot: bool,
    ) -> Result<Source, SourceError> {
        let origin = match decode {
            Some(path) => Origin::Replay(Replay::open(path)?),
            None => Origin::Kernel {
                socket: None,
                netns: Netns::own(),
            },
        };
        let recorder = dump_raw
            .map(|path| Recorder::create(path, snapshot))
            .transpose()?
            .map(|r| Rc::new(RefCell::new(r)));
        Ok(Source {
            pipelined: matches!(origin, Origin::Kernel { .. }),
            origin,
            recorder,
            seq: 0,
            reader: None,
            dumped: 0,
        })
    }

    /// The kernel of namespace `netns`, asked through a socket opened
    /// inside it (the modes over time, which record nothing).
    pub fn kernel(netns: Netns) -> Result<Source, SourceError> {
        let socket = netns
            .within(DiagSocket::open)
            .map_err(SourceError::Netns)?
            .map_err(SourceError::Kernel)?;
        Ok(Source {
            origin: Origin::Kernel {
                socket: Some(socket),
                netns,
            },
            recorder: None,
            seq: 0,
            pipelined: false,
            reader: None,
            dumped: 0,
        })
    }

    /// From now on, asks the kernel through `socket`, opened in `netns`,
    /// whose /proc files the raw fallback then reads. A replay has no use
    /// for either.
    pub fn use_socket(&mut self, socket: Option<DiagSocket>, netns: Netns) {
        self.reader = None;
        if let Origin::Kernel { .. } = self.origin {
            self.origin = Origin::Kernel { socket, netns };
        }
    }

    /// Where this run's host lookups are answered: by the capture being
    /// decoded (a version 2 one), else by this machine, recorded when
    /// recording.
    pub fn host(&self) -> Host {
        match (&self.origin, &self.recorder) {
            (Origin::Replay(r), _) => r.host.clone(),
            (_, Some(r)) => Host::Record(r.clone()),
            _ => Host::Live,
        }
    }

    /// The namespaces an `--all-netns` capture holds, in order; an error
    /// when it holds none. Empty when not replaying.
    pub fn replayed_namespaces(&self) -> Result<&[NetnsInfo<'static>], CaptureError> {
        match &self.origin {
            Origin::Replay(r) if r.namespaces.is_empty() => {
                Err(file_error(&r.path, CaptureErrorKind::NoNamespaces))
            }
            Origin::Replay(r) => Ok(&r.namespaces),
            Origin::Kernel { .. } => Ok(&[]),
        }
    }

    /// Starts namespace `ns`'s part of an `--all-netns` run: recorded
    /// before its requests, and read back in its place by a replay.
    pub fn begin_namespace(&mut self, ns: &NetnsInfo<'_>) -> Result<(), SourceError> {
        if let Origin::Replay(replay) = &mut self.origin {
            match replay.snapshot {
                true => replay.seek(Kind::Netns, &[])?,
                false => replay.next(Kind::Netns)?,
            };
        }
        if let Some(r) = &self.recorder {
            let mut r = r.borrow_mut();
            let mut data = vec![0u8; ns.buffer_len()];
            ns.emit(&mut data)
                .map_err(|e| file_error(&r.path, CaptureErrorKind::Format(e)))?;
            r.record(Kind::Netns, &data)?;
        }
        Ok(())
    }

    /// Sends one request (a replay checks it is the one recorded) and
    /// returns its sequence number; replies carry it.
    pub fn send<R: Request>(&mut self, request: &R) -> Result<u32, SourceError> {
        self.send_as(request, self.seq.wrapping_add(1))
    }

    /// Sends one request with sequence number `seq` (`-D` uses ss's, so its
    /// file carries what ss's would).
    pub fn send_as<R: Request>(&mut self, request: &R, seq: u32) -> Result<u32, SourceError> {
        let bytes = frame(request, seq)?;
        self.send_bytes(seq, &bytes)
    }

    /// Sends a request whose question can also be asked another way,
    /// starting with `instead` (both IP families in one walk, or one
    /// request per family). As [`Source::send`], but a replayed capture
    /// that holds `instead` in its place, recorded by a sockdiag that
    /// asked that way, gives `None` and sends nothing: the run then asks
    /// that way too.
    pub fn offer<R: Request, I: Request>(
        &mut self,
        request: &R,
        instead: &I,
    ) -> Result<Option<u32>, SourceError> {
        let seq = self.seq.wrapping_add(1);
        let bytes = frame(request, seq)?;
        let other = frame(instead, seq)?;
        if let Origin::Replay(replay) = &mut self.origin {
            let recorded = match replay.records.peek() {
                Some(Ok(r)) if r.kind == Kind::Request => r.data,
                _ => &[],
            };
            if recorded == &other[..] {
                return Ok(None);
            }
        }
        self.send_bytes(seq, &bytes).map(Some)
    }

    /// Sends `bytes`, returning the sequence number its replies carry
    /// (a snapshot's request's own).
    fn send_bytes(&mut self, mut seq: u32, bytes: &[u8]) -> Result<u32, SourceError> {
        // A dump given up on (an error while printing it) ends here.
        self.reader = None;
        self.dumped = 0;
        match &mut self.origin {
            Origin::Kernel { socket, .. } => socket
                .as_ref()
                .ok_or(SourceError::Kernel(NetError::NoSocket))?
                .send(bytes)
                .map_err(SourceError::Kernel)?,
            Origin::Replay(replay) if replay.snapshot => {
                replay.requests += 1;
                let recorded = replay.seek(Kind::Request, bytes)?;
                seq = Packet::new_checked(recorded).map_or(seq, |p| p.seq());
            }
            Origin::Replay(replay) => {
                replay.requests += 1;
                let recorded = replay.next(Kind::Request)?;
                if recorded != bytes {
                    let kind = CaptureErrorKind::OtherRequest {
                        number: replay.requests,
                        recorded: describe(recorded),
                        asked: describe(bytes),
                    };
                    return Err(file_error(&replay.path, kind).into());
                }
            }
        }
        if let Some(r) = &self.recorder {
            r.borrow_mut().record(Kind::Request, bytes)?;
        }
        self.seq = seq;
        Ok(seq)
    }

    /// Whether this run records a `--snapshot`.
    pub fn records_snapshot(&self) -> bool {
        self.recorder.as_ref().is_some_and(|r| r.borrow().snapshot)
    }

    /// The next datagram answering the last request.
    pub fn recv<'b>(&mut self, buf: &'b mut [u8]) -> Result<&'b [u8], SourceError> {
        let datagram: &'b [u8] = match &mut self.origin {
            Origin::Kernel { socket, .. } => {
                let socket = socket
                    .as_ref()
                    .ok_or(SourceError::Kernel(NetError::NoSocket))?;
                match &mut self.reader {
                    Some(reader) => {
                        let got = reader.recv(buf);
                        if reader.is_done() {
                            // Reaped now: the child has ended or is ending.
                            self.reader = None;
                        }
                        got
                    }
                    None => {
                        let got = socket.recv(buf);
                        // A long dump that goes on: the rest is received
                        // by a second process. Tried once, as the dump
                        // passes the mark: where no process can be made,
                        // the dump goes on here.
                        if let Ok(datagram) = got {
                            let before = self.dumped;
                            self.dumped += datagram.len();
                            if self.pipelined
                                && before < PIPELINE_AFTER
                                && self.dumped >= PIPELINE_AFTER
                                && nlmsg::continues(datagram)
                            {
                                self.reader = Reader::start(socket);
                            }
                        }
                        got
                    }
                }
                .map_err(SourceError::Kernel)?
            }
            Origin::Replay(replay) => replay.next(Kind::Datagram)?,
        };
        if let Some(r) = &self.recorder {
            r.borrow_mut().record(Kind::Datagram, datagram)?;
        }
        Ok(datagram)
    }

    /// True when decoding a capture.
    pub fn is_replay(&self) -> bool {
        matches!(self.origin, Origin::Replay(_))
    }

    /// False when the kernel has no sock_diag (no socket could be opened
    /// in the namespace listed): every table must come from /proc. A
    /// replay answers as the run it replays did: a table comes from /proc
    /// when its text is the next record (see [`Source::proc_is_next`]).
    pub fn has_sock_diag(&self) -> bool {
        match &self.origin {
            Origin::Kernel { socket, .. } => socket.is_some(),
            Origin::Replay(_) => true,
        }
    }

    /// The namespace's /proc net directory, where its tables are read
    /// unless ss's variables say otherwise.
    pub fn proc_net(&self) -> &'static str {
        match &self.origin {
            Origin::Kernel { netns, .. } => netns.proc_net(),
            Origin::Replay(_) => "/proc/net",
        }
    }

    /// True when replaying and the next record is the text of `file`: the
    /// recorded run read that table from /proc without asking the kernel.
    pub fn proc_is_next(&mut self, file: ProcFile) -> bool {
        match &mut self.origin {
            Origin::Replay(replay) => matches!(
                replay.records.peek(),
                Some(Ok(r)) if r.kind == Kind::for_proc(file)
            ),
            Origin::Kernel { .. } => false,
        }
    }

    /// Streams the lines of the /proc table `file`, read at `path` inside
    /// the namespace listed (or, replaying, from the capture), to `each`
    /// with their numbers from 1, without their newlines; recording, the
    /// text goes into the capture as it is read. Memory stays at one
    /// buffer and one line however long the file. `Ok(Err(why))` when
    /// there is no such file (or the capture holds none here), before
    /// anything was read.
    pub fn proc_lines<E: From<SourceError>>(
        &mut self,
        file: ProcFile,
        path: &Path,
        each: &mut LineFn<'_, E>,
    ) -> Result<Result<(), io::Error>, E> {
        let kind = Kind::for_proc(file);
        let reader: Box<dyn BufRead> = match &mut self.origin {
            Origin::Kernel { netns, .. } => {
                // Opened inside the namespace: /proc/thread-self/net is
                // the thread's, and the file stays that namespace's.
                let opened = netns
                    .within(|| File::open(path))
                    .map_err(SourceError::Netns)?;
                match opened {
                    Ok(f) => Box::new(BufReader::with_capacity(PROC_BUF, f)),
                    Err(e) => return Ok(Err(e)),
                }
            }
            Origin::Replay(replay) => match replay.records.peek() {
                Some(Ok(r)) if r.kind == kind => {
                    Box::new(replay.next(kind).map_err(SourceError::from)?)
                }
                _ => {
                    let why = format!("the capture holds no {} here", path.display());
                    return Ok(Err(io::Error::new(io::ErrorKind::NotFound, why)));
                }
            },
        };
        let read_error = |error| SourceError::Proc {
            path: path.to_owned(),
            error,
        };
        if let Some(r) = &self.recorder {
            r.borrow_mut().begin(kind).map_err(SourceError::from)?;
        }
        let mut lines = Lines {
            reader,
            line: Vec::new(),
        };
        let mut number = 0;
        let result = loop {
            let line = match lines.next() {
                Ok(Some(line)) => line,
                Ok(None) => break Ok(()),
                Err(e) => break Err(read_error(e).into()),
            };
            number += 1;
            if let Some(r) = &self.recorder {
                if let Err(e) = r.borrow_mut().write(line) {
                    break Err(SourceError::from(e).into());
                }
            }
            let text = line.strip_suffix(b"\n").unwrap_or(line);
            if !text.is_empty() {
                if let Err(e) = each(number, text) {
                    break Err(e);
                }
            }
        };
        // Even after a bad line, the capture keeps what was read, whole.
        if let Some(r) = &self.recorder {
            r.borrow_mut().end().map_err(SourceError::from)?;
        }
        result.map(Ok)
    }

    /// Ends the run: flushes the recording; a replay must have been used up.
    pub fn finish(&mut self) -> Result<(), SourceError> {
        if let Origin::Replay(replay) = &mut self.origin {
            // A query reads part of a snapshot.
            if let (false, Some(Ok(r))) = (replay.snapshot, replay.records.peek()) {
                let kind = CaptureErrorKind::Extra { offset: r.offset };
                return Err(file_error(&replay.path, kind).into());
            }
        }
        if let Some(r) = &self.recorder {
            let mut r = r.borrow_mut();
            r.sign();
            if let Some(e) = r.failed.take() {
                return Err(e.into());
            }
            r.out
                .flush()
                .map_err(|e| file_error(&r.path, CaptureErrorKind::Write(e)))?;
        }
        Ok(())
    }
}
