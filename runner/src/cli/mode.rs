//! The subcommands: the first word (`watch`, `wait`, `metrics`, `serve
//! ADDR:PORT`) picks a mode other than the listing, and the options that
//! only a mode takes (`--sample`, `--interval`, `--count`, `--timeout`,
//! `--gone`, `--textfile`, `--max-series`) are read here. Durations are
//! seconds (`2`, `0.5`) or carry a unit (`500ms`, `2s`, `1m`).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use sockdiag_codec::filter::states::StateSet;

use crate::cli::selection::Selection;
use crate::tables::Table;

/// What a run does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    /// The ss listing.
    List,
    /// `-E`: sockets as they are destroyed.
    Events,
    /// `watch`: accept queues over time.
    Watch(Watch),
    /// `wait`: until a socket matches (or none does).
    Wait(Wait),
    /// `metrics`: one Prometheus exposition.
    Metrics(Metrics),
    /// `serve ADDR:PORT`: the exposition over HTTP.
    Serve(Serve),
}

/// `watch`'s options.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Watch {
    /// `--sample`: how often the queues are read.
    pub sample: Duration,
    /// `--interval`: how often a row per listener is printed.
    pub interval: Duration,
    /// `--count`: stop after this many intervals.
    pub count: Option<u64>,
}

/// `wait`'s options.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Wait {
    /// `--sample`: how often the kernel is asked.
    pub sample: Duration,
    /// `--timeout`: give up (exit 1) after this long.
    pub timeout: Option<Duration>,
    /// `--gone`: wait until no socket matches.
    pub gone: bool,
}

/// `metrics`' options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Metrics {
    /// `--textfile`: write here (atomically) instead of stdout.
    pub textfile: Option<PathBuf>,
    /// `--max-series`: the most per-listener series in one exposition.
    pub max_series: usize,
}

/// `serve`'s options.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Serve {
    /// The one address the server binds.
    pub addr: SocketAddr,
    /// `--max-series`, as for `metrics`.
    pub max_series: usize,
    /// `--sample`: read the queues this often between scrapes, for the
    /// peak gauge; `None`: no sampling, no peak.
    pub sample: Option<Duration>,
}

impl Mode {
    /// The mode's name in messages.
    pub fn name(&self) -> &'static str {
        match self {
            Mode::List => "the listing",
            Mode::Events => "-E",
            Mode::Watch(_) => "watch",
            Mode::Wait(_) => "wait",
            Mode::Metrics(_) => "metrics",
            Mode::Serve(_) => "serve",
        }
    }

    /// Narrows the tables and states of the command line to what the mode
    /// can answer. Accept queues are TCP listeners', so `watch`, `metrics`
    /// and `serve` ask for TCP LISTEN sockets only (the kernel then skips
    /// the established table); the kernel sends destroy events for TCP
    /// and UDP only, in every state, so `-E` drops the default states
    /// (but keeps `state` clauses, which the user wrote).
    pub fn restrict(
        &self,
        tables: &mut Vec<Table>,
        states: &mut StateSet,
        selection: &Selection,
        saw_state: bool,
    ) -> Result<(), String> {
        let name = self.name();
        // A table named by the user that the mode cannot read is an error;
        // the ones a family option (-4, -6) or the default brought are
        // left out quietly.
        let keep = |tables: &mut Vec<Table>, ok: &[Table]| {
            if let Some(t) = tables
                .iter()
                .find(|&&t| !ok.contains(&t) && selection.explicit(t))
            {
                return Err(t.name());
            }
            tables.retain(|t| ok.contains(t));
            Ok(())
        };
        match self {
            Mode::List | Mode::Wait(_) => {}
            Mode::Watch(_) | Mode::Metrics(_) | Mode::Serve(_) => {
                keep(tables, &[Table::Tcp])
                    .map_err(|t| format!("{name} reads TCP listeners only, not {t} sockets"))?;
                if tables.is_empty() {
                    return Err(format!("{name} reads TCP listeners only (-t)"));
                }
                *states = StateSet::LISTEN;
            }
            Mode::Events => {
                let only = "-E: the kernel sends destroy events for TCP and UDP sockets only";
                keep(tables, &[Table::Udp, Table::Tcp]).map_err(|t| format!("{only}, not {t}"))?;
                if tables.is_empty() {
                    return Err(only.into());
                }
                if !saw_state {
                    *states = StateSet::ALL;
                }
            }
        }
        Ok(())
    }
}

/// `--max-series` when not given: a few thousand series keep a scrape
/// small for Prometheus and still cover a thousand listeners.
pub const DEFAULT_MAX_SERIES: usize = 4000;

/// The mode-only options as given, before the mode checks them.
#[derive(Debug, Default)]
pub struct ModeArgs {
    pub events: bool,
    pub sample: Option<Duration>,
    pub interval: Option<Duration>,
    pub count: Option<u64>,
    pub timeout: Option<Duration>,
    pub gone: bool,
    pub textfile: Option<PathBuf>,
    pub max_series: Option<usize>,
}

/// The subcommand a first word names: `Some(name)` for one of ours.
pub fn subcommand(word: &str) -> Option<&'static str> {
    ["watch", "wait", "metrics", "serve"]
        .into_iter()
        .find(|&name| name == word)
}

/// Parses a duration: seconds (`2`, `0.5`) or a number with `ms`, `s`,
/// `m` or `h`. Zero and negative durations are refused: every duration
/// here is a period or a limit. Integer arithmetic only: a float parser
/// would cost the static binary more than this whole mode.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let bad = || format!("'{text}' is not a duration (say 0.5, 500ms, 2s or 1m)");
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let nanos_per_unit: u128 = match unit {
        "" | "s" => 1_000_000_000,
        "ms" => 1_000_000,
        "m" => 60_000_000_000,
        "h" => 3_600_000_000_000,
        _ => return Err(bad()),
    };
    let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
    if whole.is_empty() && fraction.is_empty() || fraction.contains('.') || fraction.len() > 12 {
        return Err(bad());
    }
    let digits = |d: &str| -> Result<u128, String> {
        if d.is_empty() {
            Ok(0)
        } else {
            d.parse().map_err(|_| bad())
        }
    };
    let scale = 10u128.pow(fraction.len() as u32);
    // A week is far beyond any period or timeout here.
    let week: u128 = 7 * 86_400 * 1_000_000_000;
    let part = digits(fraction)? * nanos_per_unit / scale;
    let nanos = digits(whole)?
        .checked_mul(nanos_per_unit)
        .and_then(|n| n.checked_add(part))
        .filter(|&n| n <= week)
        .ok_or_else(|| format!("'{text}': a duration must be above 0 and at most a week"))?;
    if nanos < 100_000 {
        return Err(format!("'{text}': a duration must be at least 100us"));
    }
    Ok(Duration::from_nanos(nanos as u64))
}

/// The address `serve` binds: `IP:PORT`, IPv6 in brackets.
pub fn parse_listen_addr(text: &str) -> Result<SocketAddr, String> {
    text.parse().map_err(|_| {
        format!("serve: '{text}' is not ADDR:PORT (e.g. 127.0.0.1:9432 or [::1]:9432)")
    })
}

impl ModeArgs {
    /// Turns the first word and the mode-only options into a mode; each
    /// option given to a mode that does not take it is an error naming
    /// both.
    pub fn finish(
        self,
        word: Option<&str>,
        serve_addr: Option<SocketAddr>,
    ) -> Result<Mode, String> {
        let name = word.unwrap_or(if self.events { "-E" } else { "the listing" });
        let takes: &[&str] = match word {
            Some("watch") => &["--sample", "--interval", "--count"],
            Some("wait") => &["--sample", "--timeout", "--gone"],
            Some("metrics") => &["--textfile", "--max-series"],
            Some("serve") => &["--max-series", "--sample"],
            _ => &[],
        };
        let given = [
            ("--sample", self.sample.is_some()),
            ("--interval", self.interval.is_some()),
            ("--count", self.count.is_some()),
            ("--timeout", self.timeout.is_some()),
            ("--gone", self.gone),
            ("--textfile", self.textfile.is_some()),
            ("--max-series", self.max_series.is_some()),
        ];
        if let Some((option, _)) = given
            .iter()
            .find(|(option, given)| *given && !takes.contains(option))
        {
            return Err(format!("{option} does not apply to {name}"));
        }
        if self.events && word.is_some() {
            return Err(format!("-E does not apply to {name}"));
        }
        let max_series = self.max_series.unwrap_or(DEFAULT_MAX_SERIES);
        Ok(match word {
            None if self.events => Mode::Events,
            None => Mode::List,
            Some("watch") => {
                let w = Watch {
                    sample: self.sample.unwrap_or(Duration::from_millis(10)),
                    interval: self.interval.unwrap_or(Duration::from_secs(1)),
                    count: self.count,
                };
                if w.sample > w.interval {
                    return Err("watch: --sample must not be longer than --interval".into());
                }
                Mode::Watch(w)
            }
            Some("wait") => Mode::Wait(Wait {
                sample: self.sample.unwrap_or(Duration::from_millis(100)),
                timeout: self.timeout,
                gone: self.gone,
            }),
            Some("metrics") => Mode::Metrics(Metrics {
                textfile: self.textfile,
                max_series,
            }),
            Some("serve") => Mode::Serve(Serve {
                addr: serve_addr.ok_or("serve needs ADDR:PORT (e.g. 127.0.0.1:9432)")?,
                max_series,
                sample: self.sample,
            }),
            Some(other) => return Err(format!("unknown subcommand '{other}'")),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        let ms = Duration::from_millis;
        assert_eq!(parse_duration("0.5"), Ok(ms(500)));
        assert_eq!(parse_duration("500ms"), Ok(ms(500)));
        assert_eq!(parse_duration("2s"), Ok(ms(2000)));
        assert_eq!(parse_duration("2"), Ok(ms(2000)));
        assert_eq!(parse_duration("1m"), Ok(ms(60_000)));
        assert_eq!(parse_duration("1.5m"), Ok(ms(90_000)));
        assert_eq!(parse_duration("1h"), Ok(ms(3_600_000)));
        for bad in [
            "",
            "s",
            "ms",
            ".",
            "-1",
            "0",
            "0ms",
            "1d",
            "1 s",
            "1e3",
            "1..2",
            "inf",
            "NaN",
            "99999999h",
        ] {
            assert!(parse_duration(bad).is_err(), "{bad:?}");
        }
        assert!(parse_duration("5us").unwrap_err().contains("'5us'"));
    }

    #[test]
    fn modes() {
        let args = || ModeArgs::default();
        assert_eq!(args().finish(None, None), Ok(Mode::List));
        let events = ModeArgs {
            events: true,
            ..args()
        };
        assert_eq!(events.finish(None, None), Ok(Mode::Events));
        let Ok(Mode::Watch(w)) = args().finish(Some("watch"), None) else {
            panic!()
        };
        assert_eq!(
            (w.sample, w.interval),
            (Duration::from_millis(10), Duration::from_secs(1))
        );
        let e = ModeArgs {
            count: Some(2),
            ..args()
        }
        .finish(Some("wait"), None);
        assert_eq!(e, Err("--count does not apply to wait".into()));
        let e = ModeArgs {
            gone: true,
            ..args()
        }
        .finish(None, None);
        assert_eq!(e, Err("--gone does not apply to the listing".into()));
        assert!(args().finish(Some("serve"), None).is_err());
        let addr = parse_listen_addr("[::1]:9432").unwrap();
        assert!(matches!(
            args().finish(Some("serve"), Some(addr)),
            Ok(Mode::Serve(Serve { sample: None, .. }))
        ));
        assert!(parse_listen_addr("localhost:80").is_err());
        let slow = ModeArgs {
            sample: Some(Duration::from_secs(2)),
            ..args()
        };
        assert!(slow.finish(Some("watch"), None).is_err());
    }
}
