//! `watch`: the accept queues of the matching TCP listeners, sampled at a
//! fixed rate (`--sample`) with LISTEN-only dumps, reported once per
//! interval (`--interval`): a row per listener with its queue at the last
//! sample, its peak over the interval, its backlog limit and its drops
//! during the interval, and the namespace's ListenOverflows and
//! ListenDrops increases from /proc/net/netstat. When the filter leaves a
//! few listeners, the samples between an interval's first dump and the
//! next are exact lookups of those listeners, which walk no table at all;
//! a listener that appears meanwhile shows from the next interval.

use std::io;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use sockdiag_codec::format::json::JsonArray;
use sockdiag_codec::format::time::Timestamp;
use sockdiag_codec::format::watch::{self, WatchRow, WatchTotals};
use sockdiag_codec::proc::netstat::ListenCounters;

use crate::cli::mode::Watch;
use crate::cli::Options;
use crate::error::Error;
use crate::host::services::ephemeral_range;
use crate::kernel::listeners::{position, Listener, ListenerQuery};
use crate::kernel::netns::Netns;
use crate::kernel::socket::RECV_BUF;
use crate::kernel::source::Source;
use crate::modes::list::kernel_filter;
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

/// The namespace's counters, read from /proc/net/netstat.
pub fn read_netstat() -> ListenCounters {
    std::fs::read_to_string("/proc/net/netstat")
        .map(|text| ListenCounters::parse(&text))
        .unwrap_or_default()
}

/// The increase of a counter between two readings.
fn increase(before: Option<u64>, now: Option<u64>) -> Option<u64> {
    Some(now?.wrapping_sub(before?))
}

fn now_stamp() -> Timestamp {
    let since = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    Timestamp {
        secs: since.as_secs(),
        micros: since.subsec_micros(),
    }
}

/// Samples and reports until `--count` intervals, SIGINT, SIGTERM or a
/// closed stdout.
pub fn run(opts: &Options, w: &Watch) -> Result<bool, Error> {
    let stop = Stop::install().map_err(Error::Output)?;
    let mut src = Source::kernel(Netns::own())?;
    let mut buf = vec![0u8; RECV_BUF];
    let program = kernel_filter(opts)?;
    let query = ListenerQuery {
        opts,
        program: &program,
        ephemeral: ephemeral_range(),
    };
    let mut out = Out::new(io::stdout().lock());
    let mut json = opts.json.then(JsonArray::lines);
    if opts.header && json.is_none() {
        let r = watch::write_header(&mut out);
        out.check(r)?;
        out.flush()?;
    }
    // In report order (Listener::order).
    let mut tracks: Vec<Track> = Vec::new();
    let mut rows: Vec<WatchRow> = Vec::new();
    let mut counters = read_netstat();
    let start = Instant::now();
    let mut first = true;
    let mut reports = 0u64;
    let mut report_at = start + w.interval;
    // Listeners read by exact lookup between dumps; a dump when empty.
    let mut lookups: Vec<Listener> = Vec::new();
    let mut dump_now = true;
    loop {
        // A dump at the start of each interval finds the listeners; a
        // few of them are then read by exact lookups, which walk no table.
        let mut looked_up = !dump_now;
        if looked_up {
            for l in &lookups {
                match query.lookup(&mut src, &mut buf, l)? {
                    Some(l) => record(&mut tracks, l, first),
                    None => looked_up = false,
                }
            }
        }
        if !looked_up {
            lookups.clear();
            let mut found = 0usize;
            query.sample(&mut src, &mut buf, |l, matches| {
                if matches {
                    found += 1;
                    if lookups.len() < LOOKUP_MAX {
                        // In report order, so shards are neighbours.
                        if let Err(i) = position(&lookups, &l, |l| l) {
                            lookups.insert(i, l);
                        }
                    }
                    record(&mut tracks, l, first);
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
        dump_now = lookups.is_empty();
        first = false;
        let now = Instant::now();
        if now >= report_at {
            let latest = read_netstat();
            let totals = WatchTotals {
                listen_overflows: increase(counters.overflows, latest.overflows),
                listen_drops: increase(counters.drops, latest.drops),
            };
            counters = latest;
            rows.clear();
            rows.extend(tracks.iter().filter(|t| t.seen).map(|t| {
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
            let at = now_stamp();
            let r = match &mut json {
                Some(j) => j.watch_interval(&mut out, at, &totals, rows.iter().copied()),
                None => watch::write_interval(&mut out, at, &totals).and_then(|()| {
                    rows.iter()
                        .try_for_each(|row| watch::write_row(&mut out, row))
                }),
            };
            out.check(r)?;
            out.flush()?;
            // The next interval starts from this sample; a listener that
            // was not seen in this one has closed.
            tracks.retain(|t| t.seen);
            for t in &mut tracks {
                t.peak = t.listener.queue;
                t.drops_base = t.listener.drops;
                t.seen = false;
            }
            reports += 1;
            if w.count.is_some_and(|n| reports >= n) {
                return Ok(true);
            }
            report_at = next_tick(start, w.interval, now);
            dump_now = true;
        }
        let deadline = next_tick(start, w.sample, Instant::now()).min(report_at);
        match stop.wait(&[], Some(deadline)).map_err(Error::Output)? {
            Wake::Timeout | Wake::Ready(_) => {}
            Wake::Signal | Wake::OutputClosed => return Ok(true),
        }
    }
}
