//! `watch`: the accept queues of the matching TCP listeners, sampled at a
//! fixed rate (`--sample`) with LISTEN-only dumps, reported once per
//! interval (`--interval`): a row per listener with its queue at the last
//! sample, its peak over the interval, its backlog limit and its drops
//! during the interval, and the namespace's ListenOverflows and
//! ListenDrops increases from /proc/net/netstat; with `--all-netns`, a
//! block per namespace, its interval line naming it. When the filter leaves a
//! few listeners, the samples between an interval's first dump and the
//! next are exact lookups of those listeners, which walk no table at all;
//! a listener that appears meanwhile shows from the next interval.

use std::io;
use std::time::Instant;

use sockdiag_codec::format::json::JsonArray;
use sockdiag_codec::format::watch::{self, WatchRow, WatchTotals};
use sockdiag_codec::proc::netstat::ListenCounters;

use crate::cli::mode::Watch;
use crate::cli::Options;
use crate::error::Error;
use crate::kernel::listeners::{position, Listener, ListenerQuery};
use crate::kernel::netns::Scope;
use crate::kernel::socket::RECV_BUF;
use crate::modes::list::{compile, kernel_filter};
use crate::modes::namespaces::{self, is_fatal, Covered, Opened};
use crate::modes::stop::{next_tick, Stop, Wake};
use crate::output::out::Out;

/// What one listener did during the current interval.
struct Track {
    listener: Listener,
    peak: u32,
    /// The drop counter at the interval's start.
    drops_base: Option<u32>,
    /// Seen by this interval's samples (else it closed before it).
    seen: bool,
}

/// Listeners at most that are sampled by exact lookups between an
/// interval's dumps; with more, a dump is cheaper than that many lookups.
const LOOKUP_MAX: usize = 4;

/// Takes one sample of listener `l` into `tracks` (kept in report order);
/// `first`: the run's first sample.
fn record(tracks: &mut Vec<Track>, l: Listener, first: bool) {
    let i = position(tracks, &l, |t| &t.listener).unwrap_or_else(|i| {
        tracks.insert(
            i,
            Track {
                listener: l,
                peak: 0,
                // A listener of the first sample counts drops from now; a
                // later one was made during this interval.
                drops_base: if first { l.drops } else { Some(0) },
                seen: false,
            },
        );
        i
    });
    let t = &mut tracks[i];
    t.listener = l;
    t.peak = t.peak.max(l.queue);
    t.seen = true;
}

/// The counters of the namespace whose /proc net files are in `dir`.
pub fn read_netstat(dir: &str) -> ListenCounters {
    std::fs::read_to_string(format!("{dir}/netstat"))
        .map(|text| ListenCounters::parse(&text))
        .unwrap_or_default()
}

/// The increase of a counter between two readings.
fn increase(before: Option<u64>, now: Option<u64>) -> Option<u64> {
    Some(now?.wrapping_sub(before?))
}

/// One namespace being watched.
struct Watched {
    covered: Covered,
    opened: Opened,
    /// Its filter program (empty: none).
    program: Vec<u8>,
    /// In report order (Listener::order).
    tracks: Vec<Track>,
    /// Listeners read by exact lookup between dumps; a dump when empty.
    lookups: Vec<Listener>,
    dump_now: bool,
    /// Its ListenOverflows and ListenDrops at the interval's start.
    counters: ListenCounters,
}

impl Watched {
    /// Watches namespace `covered` through what was `opened` in it.
    fn new(opts: &Options, covered: Covered, opened: Opened) -> Result<Watched, Error> {
        let program = match &opened.filter {
            Some(filter) => compile(filter)?,
            None => kernel_filter(opts)?,
        };
        let counters = covered.counters()?;
        Ok(Watched {
            covered,
            opened,
            program,
            tracks: Vec::new(),
            lookups: Vec::new(),
            dump_now: true,
            counters,
        })
    }

    /// Takes one sample: a dump at the start of each interval finds the
    /// listeners; a few of them are then read by exact lookups, which walk
    /// no table. `first`: the run's first sample.
    fn sample(&mut self, opts: &Options, buf: &mut [u8], first: bool) -> Result<(), Error> {
        let query = ListenerQuery {
            opts,
            filter: self.opened.filter.as_ref().unwrap_or(&opts.filter),
            program: &self.program,
            ephemeral: self.opened.ephemeral,
        };
        let src = &mut self.opened.src;
        let tracks = &mut self.tracks;
        let mut looked_up = !self.dump_now;
        if looked_up {
            for l in &self.lookups {
                match query.lookup(src, buf, l)? {
                    Some(l) => record(tracks, l, first),
                    None => looked_up = false,
                }
            }
        }
        if !looked_up {
            let lookups = &mut self.lookups;
            lookups.clear();
            let mut found = 0usize;
            query.sample(src, buf, |l, matches| {
                if matches {
                    found += 1;
                    if lookups.len() < LOOKUP_MAX {
                        // In report order, so shards are neighbours.
                        if let Err(i) = position(lookups, &l, |l| l) {
                            lookups.insert(i, l);
                        }
                    }
                    record(tracks, l, first);
                }
            })?;
            // SO_REUSEPORT shards cannot be looked up one by one: the
            // kernel picks one of the group.
            let shards = lookups.windows(2).any(|w| {
                (w[0].family, w[0].address, w[0].port) == (w[1].family, w[1].address, w[1].port)
            });
            if found > LOOKUP_MAX || shards {
                lookups.clear();
            }
        }
        self.dump_now = self.lookups.is_empty();
        Ok(())
    }

    /// Writes the interval's report and starts the next interval.
    fn report<W: io::Write>(
        &mut self,
        out: &mut Out<W>,
        json: Option<&mut JsonArray>,
        all: bool,
        rows: &mut Vec<WatchRow>,
    ) -> Result<(), Error> {
        let latest = self.covered.counters()?;
        let totals = WatchTotals {
            listen_overflows: increase(self.counters.overflows, latest.overflows),
            listen_drops: increase(self.counters.drops, latest.drops),
        };
        self.counters = latest;
        rows.clear();
        rows.extend(self.tracks.iter().filter(|t| t.seen).map(|t| {
            WatchRow {
                address: t.listener.address,
                port: t.listener.port,
                recv_q: t.listener.queue,
                recv_q_peak: t.peak,
                send_q: t.listener.limit,
                drops: t
                    .listener
                    .drops
                    .zip(t.drops_base)
                    .map(|(now, base)| u64::from(now.wrapping_sub(base))),
            }
        }));
        let at = super::now();
        let info = self.covered.info();
        let netns = all.then_some(&info);
        let r = match json {
            Some(j) => j.watch_interval(out, at, netns, &totals, rows.iter().copied()),
            None => watch::write_interval(out, at, netns, &totals)
                .and_then(|()| rows.iter().try_for_each(|row| watch::write_row(out, row))),
        };
        out.check(r)?;
        // The next interval starts from this sample; a listener that was
        // not seen in this one has closed.
        self.tracks.retain(|t| t.seen);
        for t in &mut self.tracks {
            t.peak = t.listener.queue;
            t.drops_base = t.listener.drops;
            t.seen = false;
        }
        self.dump_now = true;
        Ok(())
    }
}

impl Covered {
    /// Its ListenOverflows and ListenDrops, read inside it.
    fn counters(&self) -> Result<ListenCounters, Error> {
        let dir = self.netns.proc_net();
        self.netns
            .within(|| read_netstat(dir))
            .map_err(Error::Netns)
    }
}

/// Samples and reports until `--count` intervals, SIGINT, SIGTERM or a
/// closed stdout. The namespaces watched are those found at the start; one
/// that cannot be entered is one line on stderr (exit 1), the others are
/// still watched.
pub fn run(opts: &Options, w: &Watch) -> Result<bool, Error> {
    let stop = Stop::install().map_err(Error::Output)?;
    let all = opts.netns == Scope::All;
    let (found, problems) = namespaces::select(opts)?;
    let mut all_ok = problems.is_empty();
    for p in problems {
        eprintln!("sockdiag: {p}");
    }
    let mut watched = Vec::with_capacity(found.len());
    for covered in found {
        match covered.open(opts) {
            Ok(opened) => watched.push(Watched::new(opts, covered, opened)?),
            Err(e) if is_fatal(&e) || !all => return Err(e),
            Err(e) => {
                eprintln!("sockdiag: {}", covered.say(all, &e));
                all_ok = false;
            }
        }
    }
    let mut buf = vec![0u8; RECV_BUF];
    let mut out = Out::new(io::stdout().lock());
    let mut json = opts.json.then(JsonArray::lines);
    if opts.header && json.is_none() {
        let r = watch::write_header(&mut out);
        out.check(r)?;
        out.flush()?;
    }
    let mut rows: Vec<WatchRow> = Vec::new();
    let start = Instant::now();
    let mut first = true;
    let mut reports = 0u64;
    let mut report_at = start + w.interval;
    loop {
        for n in &mut watched {
            n.sample(opts, &mut buf, first)?;
        }
        first = false;
        let now = Instant::now();
        if now >= report_at {
            for n in &mut watched {
                n.report(&mut out, json.as_mut(), all, &mut rows)?;
            }
            out.flush()?;
            reports += 1;
            if w.count.is_some_and(|n| reports >= n) {
                return Ok(all_ok);
            }
            report_at = next_tick(start, w.interval, now);
        }
        let deadline = next_tick(start, w.sample, Instant::now()).min(report_at);
        match stop.wait(&[], Some(deadline)).map_err(Error::Output)? {
            Wake::Timeout | Wake::Ready(_) => {}
            Wake::Signal | Wake::OutputClosed => return Ok(all_ok),
        }
    }
}
