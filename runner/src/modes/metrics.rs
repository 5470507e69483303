//! `metrics`: one Prometheus exposition of the matching TCP listeners'
//! accept queues and the namespace's counters, on stdout or written
//! atomically to `--textfile` for node_exporter's textfile collector. The
//! [`Collector`] here is also what `serve` asks at each scrape.

use std::fs;
use std::io::{self, Write as _};
use std::path::Path;
use std::time::Instant;

use sockdiag_codec::proc::netstat::ListenCounters;
use sockdiag_codec::proc::sockstat::Summary;

use crate::cli::mode::Metrics;
use crate::cli::Options;
use crate::error::Error;
use crate::host::services::ephemeral_range;
use crate::kernel::listeners::{position, Listener, ListenerQuery};
use crate::kernel::netns::Netns;
use crate::kernel::socket::RECV_BUF;
use crate::kernel::source::Source;
use crate::output::exposition::{
    series_per_listener, write_exposition, ListenerSeries, NsScrape, Scrape, SocketCounts,
};

/// Reads the listeners and counters of a scrape, and between scrapes (for
/// `serve --sample`) the peaks of the accept queues.
pub struct Collector<'o> {
    opts: &'o Options,
    program: Vec<u8>,
    ephemeral: (u16, u16),
    buf: Vec<u8>,
    src: Option<Source>,
    max_series: usize,
    /// The longest queue seen since the last scrape, per listener cookie,
    /// sorted by cookie (`serve --sample`); `None` without sampling.
    peaks: Option<Vec<(u64, u32)>>,
}

/// The `netns` label of the caller's own namespace: its inode, as
/// `readlink /proc/self/ns/net` shows it (`net:[INODE]`).
fn own_netns_label() -> String {
    match fs::read_link("/proc/self/ns/net") {
        Ok(link) => link.to_string_lossy().into_owned(),
        Err(_) => "own".into(),
    }
}

/// The counters of the namespace whose /proc net files are in `dir`.
fn read_counts(dir: &str, tcp_listen: u64) -> (ListenCounters, SocketCounts) {
    let read = |name: &str| fs::read_to_string(format!("{dir}/{name}")).ok();
    let counters = read("netstat")
        .map(|t| ListenCounters::parse(&t))
        .unwrap_or_default();
    let mut summary = Summary::default();
    let v4 = read("sockstat");
    let v6 = read("sockstat6");
    for text in [&v4, &v6].into_iter().flatten() {
        text.lines().for_each(|l| summary.feed_sockstat(l));
    }
    let snmp = read("snmp");
    if let Some(text) = &snmp {
        text.lines().for_each(|l| summary.feed_snmp(l));
    }
    let count = |v: i64| u64::try_from(v).ok();
    let both = |a: i64, b: i64| count(a.saturating_add(b));
    let sockets = SocketCounts {
        tcp_listen,
        tcp_established: snmp.as_ref().and_then(|_| count(summary.tcp_estab)),
        tcp_time_wait: v4.as_ref().and_then(|_| count(summary.tcp_timewait)),
        tcp_all: v4.as_ref().and_then(|_| {
            both(summary.tcp4_inuse, summary.tcp6_inuse)?.checked_add(count(summary.tcp_timewait)?)
        }),
        udp_all: v4.as_ref().and_then(|_| both(summary.udp4, summary.udp6)),
        raw_all: v4.as_ref().and_then(|_| both(summary.raw4, summary.raw6)),
    };
    (counters, sockets)
}

impl<'o> Collector<'o> {
    /// A collector for the listeners `opts` selects; `peaks` when the
    /// queues are sampled between scrapes.
    pub fn new(opts: &'o Options, max_series: usize, peaks: bool) -> Result<Collector<'o>, Error> {
        Ok(Collector {
            opts,
            // Every listener comes back (for the LISTEN count) and the
            // filter is applied here: the listener table is small, and
            // the kernel walks it whole either way.
            program: Vec::new(),
            ephemeral: ephemeral_range(),
            buf: vec![0u8; RECV_BUF],
            src: None,
            max_series,
            peaks: peaks.then(Vec::new),
        })
    }

    /// Runs one listener dump, handing each listener to `each`. The
    /// socket is opened at first use and again after a failure.
    fn dump(&mut self, each: impl FnMut(Listener, bool)) -> Result<(), Error> {
        let query = ListenerQuery {
            opts: self.opts,
            program: &self.program,
            ephemeral: self.ephemeral,
        };
        let src = match &mut self.src {
            Some(src) => src,
            None => self.src.insert(Source::kernel(Netns::own())?),
        };
        let result = query.sample(src, &mut self.buf, each);
        if result.is_err() {
            // A dump cut short leaves replies in the socket: start afresh.
            self.src = None;
        }
        result
    }

    /// One sample between scrapes: raises each listener's peak.
    pub fn sample(&mut self) -> Result<(), Error> {
        let mut peaks = self.peaks.take().unwrap_or_default();
        let result = self.dump(|l, matches| {
            if matches {
                match peaks.binary_search_by_key(&l.cookie, |&(c, _)| c) {
                    Ok(i) => peaks[i].1 = peaks[i].1.max(l.queue),
                    Err(i) => peaks.insert(i, (l.cookie, l.queue)),
                }
            }
        });
        self.peaks = Some(peaks);
        result
    }

    /// Collects one scrape; what could not be read is counted in
    /// `errors` and said in the returned messages.
    pub fn scrape(&mut self) -> (Scrape, Vec<String>) {
        let start = Instant::now();
        let peaks_on = self.peaks.is_some();
        let budget = self.max_series / series_per_listener(peaks_on);
        let mut scrape = Scrape {
            peaks: peaks_on,
            ..Scrape::default()
        };
        let mut messages = Vec::new();
        let mut listeners: Vec<Listener> = Vec::new();
        let (mut total, mut matched) = (0u64, 0usize);
        let result = self.dump(|l, matches| {
            total += 1;
            if matches {
                matched += 1;
                if listeners.len() < budget {
                    // Cookie order within an address and port numbers the
                    // shards.
                    if let Err(i) = position(&listeners, &l, |l| l) {
                        listeners.insert(i, l);
                    }
                }
            }
        });
        if let Err(e) = result {
            scrape.errors += 1;
            messages.push(e.to_string());
        }
        let mut peaks = self.peaks.take();
        scrape.listeners = listeners
            .into_iter()
            .map(|listener| ListenerSeries {
                ns: 0,
                listener,
                // The scrape's own sample counts toward the peak.
                peak: peaks.as_ref().map(|p| {
                    let sampled = p
                        .binary_search_by_key(&listener.cookie, |&(c, _)| c)
                        .map_or(0, |i| p[i].1);
                    sampled.max(listener.queue)
                }),
            })
            .collect();
        if let Some(p) = &mut peaks {
            // The next scrape's peaks start from its own samples.
            p.clear();
        }
        self.peaks = peaks;
        let cut = matched - scrape.listeners.len();
        scrape.series_cut = (cut * series_per_listener(peaks_on)) as u64;
        let (counters, sockets) = read_counts("/proc/net", total);
        scrape.namespaces.push(NsScrape {
            label: own_netns_label(),
            counters,
            sockets,
        });
        scrape.took = start.elapsed();
        (scrape, messages)
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
    let (scrape, messages) = collector.scrape();
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
