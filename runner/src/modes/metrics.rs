//! `metrics`: one Prometheus exposition of the matching TCP listeners'
//! accept queues and the namespace's counters, on stdout or written
//! atomically to `--textfile` for node_exporter's textfile collector. The
//! [`Collector`] here is also what `serve` asks at each scrape.

use std::fs;
use std::io::{self, Write as _};
use std::os::unix::fs::FileExt as _;

use rustix::io::Errno;
use std::path::Path;
use std::time::Instant;

use sockdiag_codec::proc::netstat::ListenCounters;
use sockdiag_codec::proc::sockstat::Summary;

use crate::cli::mode::Metrics;
use crate::cli::Options;
use crate::error::Error;
use crate::kernel::listeners::{Listener, ListenerQuery};
use crate::kernel::netns::Scope;
use crate::kernel::socket::RECV_BUF;
use crate::modes::namespaces::{self, is_fatal, Covered, Opened};
use crate::output::exposition::{
    series_per_listener, write_exposition, ListenerSeries, NsScrape, Scrape, SocketCounts,
};

/// Reads the listeners and counters of a scrape, and between scrapes (for
/// `serve --sample`) the peaks of the accept queues, in every namespace
/// the command line covers.
pub struct Collector<'o> {
    opts: &'o Options,
    buf: Vec<u8>,
    texts: NetTexts,
    /// The namespaces of the last scrape, each with what is open in it.
    namespaces: Vec<Held>,
    max_series: usize,
    /// The longest queue seen since the last scrape, per listener cookie
    /// (unique across namespaces), sorted by cookie (`serve --sample`);
    /// `None` without sampling.
    peaks: Option<Vec<(u64, u32)>>,
}

/// The /proc net files a scrape reads in each namespace, in the order of
/// [`NetTexts::texts`].
const NET_FILES: [&str; 4] = ["netstat", "sockstat", "sockstat6", "snmp"];

/// One namespace a collector covers, and what it holds open there.
struct Held {
    covered: Covered,
    /// Its socket and the rest (`None`: not yet, or again after a failure).
    opened: Option<Opened>,
    /// Its /proc net files, opened inside it; `None` when not all could be
    /// kept (no descriptor left): they are then opened at each visit.
    files: Option<NetFiles>,
}

/// A namespace's /proc net files, `None` for one it does not have. A file
/// stays bound to the namespace it was opened in, and read again from the
/// start it shows the counters anew, so later scrapes neither enter the
/// namespace nor look the files up: four descriptors per namespace.
type NetFiles = [Option<fs::File>; 4];

/// The texts of one namespace's /proc net files, each `None` when it
/// could not be read. The buffers are kept from namespace to namespace
/// and scrape to scrape: a scrape over many namespaces allocates nothing
/// per namespace for them.
#[derive(Default)]
struct NetTexts {
    path: String,
    texts: [Vec<u8>; 4],
    /// How much of each text the last read filled; `None`: it failed.
    read: [Option<usize>; 4],
}

/// Reads all of `file` from its start into `text`, which keeps its
/// length from read to read: the bytes are zeroed once, when the buffer
/// grows, not at every read, and the kernel writes into them directly.
/// These files are the kernel's seq files, which fill a read whole unless
/// the text ends: a short read is the end, and no read is made to see
/// none left (8 KiB holds `netstat`, the longest, in one).
fn read_from_start(file: &fs::File, text: &mut Vec<u8>) -> io::Result<usize> {
    if text.len() < 8192 {
        text.resize(8192, 0);
    }
    let mut filled = 0;
    loop {
        if filled == text.len() {
            text.resize(2 * filled, 0);
        }
        match file.read_at(&mut text[filled..], filled as u64) {
            Ok(n) if filled + n < text.len() => return Ok(filled + n),
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}

impl NetTexts {
    /// Opens and reads the files in `dir`, the thread's view of its
    /// namespace; returns them to keep, unless one could not be opened
    /// for want of a descriptor.
    fn open(&mut self, dir: &str) -> Option<NetFiles> {
        let mut files: NetFiles = Default::default();
        let mut keep = true;
        for (i, name) in NET_FILES.iter().enumerate() {
            self.path.clear();
            self.path.push_str(dir);
            self.path.push('/');
            self.path.push_str(name);
            match fs::File::open(&self.path) {
                Ok(f) => files[i] = Some(f),
                Err(e) => {
                    keep &= !matches!(e.raw_os_error(), Some(e) if e == Errno::MFILE.raw_os_error() || e == Errno::NFILE.raw_os_error())
                }
            }
        }
        self.read(&files);
        keep.then_some(files)
    }

    /// Reads the kept `files` again.
    fn read(&mut self, files: &NetFiles) {
        for ((file, text), read) in files.iter().zip(&mut self.texts).zip(&mut self.read) {
            *read = file.as_ref().and_then(|f| read_from_start(f, text).ok());
        }
    }

    fn get(&self, i: usize) -> Option<&str> {
        let text = self.texts[i].get(..self.read[i]?)?;
        std::str::from_utf8(text).ok()
    }

    /// The namespace's counters, with `tcp_listen` listeners dumped.
    fn counts(&self, tcp_listen: u64) -> (ListenCounters, SocketCounts) {
        let [netstat, v4, v6, snmp] = [0, 1, 2, 3].map(|i| self.get(i));
        let counters = netstat.map(ListenCounters::parse).unwrap_or_default();
        let mut summary = Summary::default();
        for text in [v4, v6].into_iter().flatten() {
            text.lines().for_each(|l| summary.feed_sockstat(l));
        }
        if let Some(text) = snmp {
            text.lines().for_each(|l| summary.feed_snmp(l));
        }
        let count = |v: i64| u64::try_from(v).ok();
        let both = |a: i64, b: i64| count(a.saturating_add(b));
        let sockets = SocketCounts {
            tcp_listen,
            tcp_established: snmp.and_then(|_| count(summary.tcp_estab)),
            tcp_time_wait: v4.and_then(|_| count(summary.tcp_timewait)),
            tcp_all: v4.and_then(|_| {
                both(summary.tcp4_inuse, summary.tcp6_inuse)?
                    .checked_add(count(summary.tcp_timewait)?)
            }),
            udp_all: v4.and_then(|_| both(summary.udp4, summary.udp6)),
            raw_all: v4.and_then(|_| both(summary.raw4, summary.raw6)),
        };
        (counters, sockets)
    }
}

/// Runs one listener dump in namespace `c`, handing each listener to
/// `each`. What is needed inside it is opened at first use and again
/// after a failure.
fn dump_in(
    opts: &Options,
    buf: &mut [u8],
    c: &Covered,
    opened: &mut Option<Opened>,
    each: impl FnMut(Listener, bool),
) -> Result<(), Error> {
    let o = match opened {
        Some(o) => o,
        None => opened.insert(c.open(opts)?),
    };
    let query = ListenerQuery {
        opts,
        filter: o.filter.as_ref().unwrap_or(&opts.filter),
        // Every listener comes back (for the LISTEN count) and the filter
        // is applied here: the listener table is small, and the kernel
        // walks it whole either way.
        program: &[],
        ephemeral: o.ephemeral,
    };
    let result = query.sample(&mut o.src, buf, each);
    if result.is_err() {
        // A dump cut short leaves replies in the socket: start afresh.
        *opened = None;
    }
    result
}

impl<'o> Collector<'o> {
    /// A collector for the listeners `opts` selects; `peaks` when the
    /// queues are sampled between scrapes.
    pub fn new(opts: &'o Options, max_series: usize, peaks: bool) -> Result<Collector<'o>, Error> {
        Ok(Collector {
            opts,
            buf: vec![0u8; RECV_BUF],
            texts: NetTexts::default(),
            namespaces: Vec::new(),
            max_series,
            peaks: peaks.then(Vec::new),
        })
    }

    /// One sample between scrapes: raises each listener's peak, in the
    /// namespaces of the last scrape. Only an error that leaves this
    /// thread in another namespace is returned; the rest show in the next
    /// scrape.
    pub fn sample(&mut self) -> Result<(), Error> {
        let mut peaks = self.peaks.take().unwrap_or_default();
        let mut fatal = None;
        for Held {
            covered, opened, ..
        } in &mut self.namespaces
        {
            let result = dump_in(self.opts, &mut self.buf, covered, opened, |l, matches| {
                if matches {
                    match peaks.binary_search_by_key(&l.cookie, |&(c, _)| c) {
                        Ok(i) => peaks[i].1 = peaks[i].1.max(l.queue),
                        Err(i) => peaks.insert(i, (l.cookie, l.queue)),
                    }
                }
            });
            if let Err(e) = result {
                if is_fatal(&e) {
                    fatal = Some(e);
                    break;
                }
            }
        }
        self.peaks = Some(peaks);
        fatal.map_or(Ok(()), Err)
    }

    /// Collects one scrape; what could not be read is counted in
    /// `errors` and said in the returned messages. The namespaces are
    /// found anew each time (pods come and go). `Err` only when this
    /// thread could not come back from a namespace: the run must end.
    pub fn scrape(&mut self) -> Result<(Scrape, Vec<String>), Error> {
        let start = Instant::now();
        let peaks_on = self.peaks.is_some();
        let budget = self.max_series / series_per_listener(peaks_on);
        let mut scrape = Scrape {
            peaks: peaks_on,
            ..Scrape::default()
        };
        let mut messages = Vec::new();
        self.reselect(&mut scrape, &mut messages)?;
        // In namespace order, then each namespace's in report order.
        let mut listeners: Vec<ListenerSeries> = Vec::new();
        let mut matched = 0usize;
        for (at, held) in self.namespaces.iter_mut().enumerate() {
            let Held {
                covered: c,
                opened,
                files,
            } = held;
            let texts = &mut self.texts;
            let dir = c.netns.proc_net();
            // A namespace entered to open its socket has its files opened
            // in the same visit; an opening that fails is tried again by
            // the dump, which says why.
            let mut read = false;
            if opened.is_none() {
                let auto = self.opts.filter.has_autobound();
                match c.open_with(self.opts, auto, || texts.open(dir)) {
                    Ok((o, kept)) => {
                        *opened = Some(o);
                        *files = kept;
                        read = true;
                    }
                    Err(e) if is_fatal(&e) => return Err(e),
                    Err(_) => {}
                }
            }
            if !read {
                match files {
                    Some(kept) => texts.read(kept),
                    None => *files = c.netns.within(|| texts.open(dir)).map_err(Error::Netns)?,
                }
            }
            let first = listeners.len();
            let mut total = 0u64;
            let result = dump_in(self.opts, &mut self.buf, c, opened, |l, matches| {
                total += 1;
                if matches {
                    matched += 1;
                    if listeners.len() < budget {
                        listeners.push(ListenerSeries {
                            ns: at,
                            listener: l,
                            peak: None,
                        });
                    }
                }
            });
            // Report order, in which cookie order within an address and
            // port numbers the shards: sorted once, as inserting each in
            // place moved the namespace's list for every listener.
            crate::sort::sort_by_key(&mut listeners[first..], |s| s.listener.order());
            match result {
                Err(e) if is_fatal(&e) => return Err(e),
                Err(e) => {
                    scrape.errors += 1;
                    messages.push(c.say(self.opts.netns == Scope::All, &e));
                }
                Ok(()) => {}
            }
            let (counters, sockets) = self.texts.counts(total);
            scrape.namespaces.push(NsScrape {
                label: c.label.clone(),
                pod: c.pod.clone(),
                counters,
                sockets,
            });
        }
        // A listener a dump sent twice (the table changed under it) is
        // kept once; sorted, the two are neighbours.
        listeners.dedup_by(|a, b| a.ns == b.ns && a.listener.order() == b.listener.order());
        let mut peaks = self.peaks.take();
        if let Some(p) = &peaks {
            for s in &mut listeners {
                // The scrape's own sample counts toward the peak.
                let sampled = p
                    .binary_search_by_key(&s.listener.cookie, |&(c, _)| c)
                    .map_or(0, |i| p[i].1);
                s.peak = Some(sampled.max(s.listener.queue));
            }
        }
        if let Some(p) = &mut peaks {
            // The next scrape's peaks start from its own samples.
            p.clear();
        }
        self.peaks = peaks;
        let cut = matched - listeners.len();
        scrape.series_cut = (cut * series_per_listener(peaks_on)) as u64;
        scrape.listeners = listeners;
        scrape.took = start.elapsed();
        Ok((scrape, messages))
    }

    /// Finds the namespaces the command line covers, keeping what is
    /// open in those still there; one unreachable is an error of the
    /// scrape. The caller's own namespace alone is never looked for again.
    fn reselect(&mut self, scrape: &mut Scrape, messages: &mut Vec<String>) -> Result<(), Error> {
        if self.opts.netns == Scope::Own && !self.namespaces.is_empty() {
            return Ok(());
        }
        let (found, problems) = match namespaces::select(self.opts) {
            Ok(found) => found,
            Err(e) if is_fatal(&e) => return Err(e),
            Err(e) => {
                // -N's namespace is gone: nothing to scrape but that.
                scrape.errors += 1;
                messages.push(e.to_string());
                self.namespaces.clear();
                return Ok(());
            }
        };
        scrape.errors += problems.len() as u64;
        messages.extend(problems);
        let mut before = std::mem::take(&mut self.namespaces);
        self.namespaces = found
            .into_iter()
            .map(|covered| {
                let same = |b: &Held| {
                    b.covered.netns.inode == covered.netns.inode && b.covered.label == covered.label
                };
                match before.iter().position(same) {
                    Some(i) => Held {
                        covered,
                        ..before.swap_remove(i)
                    },
                    None => Held {
                        covered,
                        opened: None,
                        files: None,
                    },
                }
            })
            .collect();
        Ok(())
    }
}

/// Writes `text` to `path` atomically: a temporary file beside it (a
/// dot-name node_exporter does not read), then a rename over it.
fn write_atomically(path: &Path, text: &[u8]) -> Result<(), Error> {
    let error = |error| Error::File {
        path: path.to_owned(),
        error,
    };
    let name = path
        .file_name()
        .ok_or_else(|| error(io::Error::other("not a file name")))?;
    let temp = path.with_file_name(format!(
        ".{}.{}.tmp",
        name.to_string_lossy(),
        std::process::id()
    ));
    let written = fs::File::create(&temp).and_then(|mut f| {
        f.write_all(text)?;
        f.sync_all()
    });
    if let Err(e) = written.and_then(|()| fs::rename(&temp, path)) {
        let _ = fs::remove_file(&temp);
        return Err(error(e));
    }
    Ok(())
}

/// Prints one exposition, or writes it to `--textfile`. A part that could
/// not be read is said on stderr (exit 1), the rest still written.
pub fn run(opts: &Options, m: &Metrics) -> Result<bool, Error> {
    let mut collector = Collector::new(opts, m.max_series, false)?;
    let (scrape, messages) = collector.scrape()?;
    let mut text = String::new();
    write_exposition(&mut text, &scrape)
        .map_err(|_| Error::Output(io::Error::other("cannot format the exposition")))?;
    match &m.textfile {
        Some(path) => write_atomically(path, text.as_bytes())?,
        None => {
            let mut out = io::stdout().lock();
            out.write_all(text.as_bytes()).map_err(Error::Output)?;
            out.flush().map_err(Error::Output)?;
        }
    }
    for m in &messages {
        eprintln!("sockdiag: {m}");
    }
    Ok(messages.is_empty())
}
