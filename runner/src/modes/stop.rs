//! How the long-running modes (`-E`, `watch`, `wait`, `serve`) wait: in
//! one poll() over their sockets, a self-pipe that SIGINT and SIGTERM
//! write to (signal-hook's handler, the only code that runs in the signal),
//! and stdout, whose POLLERR/POLLHUP says the reader of a pipe has gone.
//! Each is an end to leave by, flushing what was written.

use std::io;
use std::os::fd::{AsFd, BorrowedFd};
use std::os::unix::net::UnixStream;
use std::time::{Duration, Instant};

use rustix::event::{poll, PollFd, PollFlags, Timespec};
use rustix::io::Errno;
use signal_hook::consts::{SIGINT, SIGTERM};

/// Why [`Stop::wait`] returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wake {
    /// This one of the given descriptors (the first such) is readable.
    Ready(usize),
    /// The deadline passed.
    Timeout,
    /// SIGINT or SIGTERM arrived.
    Signal,
    /// stdout is a pipe or socket whose reader has gone.
    OutputClosed,
}

/// The self-pipe the signal handlers write to.
pub struct Stop {
    wake: UnixStream,
    ids: Vec<signal_hook::SigId>,
}

impl Stop {
    /// Installs the handlers for SIGINT and SIGTERM; dropping the value
    /// puts back the defaults.
    pub fn install() -> io::Result<Stop> {
        let (wake, signal_end) = UnixStream::pair()?;
        wake.set_nonblocking(true)?;
        let mut ids = Vec::new();
        for signal in [SIGINT, SIGTERM] {
            ids.push(signal_hook::low_level::pipe::register(
                signal,
                signal_end.try_clone()?,
            )?);
        }
        Ok(Stop { wake, ids })
    }

    /// Waits until one of `fds` is readable, a signal arrives, stdout's
    /// reader goes, or `deadline` passes (`None`: no deadline).
    pub fn wait(&self, fds: &[BorrowedFd<'_>], deadline: Option<Instant>) -> io::Result<Wake> {
        let stdout = io::stdout();
        let mut set = Vec::with_capacity(fds.len() + 2);
        set.push(PollFd::new(&self.wake, PollFlags::IN));
        // Asking for no event still reports ERR and HUP.
        set.push(PollFd::new(&stdout, PollFlags::empty()));
        set.extend(fds.iter().map(|fd| PollFd::new(fd, PollFlags::IN)));
        loop {
            let timeout = match deadline {
                None => None,
                Some(d) => {
                    let left = d.saturating_duration_since(Instant::now());
                    // Timespec from a Duration can only fail past i64 seconds.
                    Some(Timespec::try_from(left).unwrap_or(Timespec {
                        tv_sec: i64::MAX,
                        tv_nsec: 0,
                    }))
                }
            };
            match poll(&mut set, timeout.as_ref()) {
                Err(Errno::INTR) => continue,
                Err(e) => return Err(e.into()),
                Ok(0) => return Ok(Wake::Timeout),
                Ok(_) => {}
            }
            if !set[0].revents().is_empty() {
                return Ok(Wake::Signal);
            }
            if set[1].revents().intersects(PollFlags::ERR | PollFlags::HUP) {
                return Ok(Wake::OutputClosed);
            }
            // ERR on a socket is readable too: its recv() says why.
            if let Some(i) = set[2..].iter().position(|fd| !fd.revents().is_empty()) {
                return Ok(Wake::Ready(i));
            }
        }
    }
}

/// The self-pipe, for callers that poll themselves.
impl AsFd for Stop {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.wake.as_fd()
    }
}

impl Drop for Stop {
    fn drop(&mut self) {
        for id in self.ids.drain(..) {
            signal_hook::low_level::unregister(id);
        }
    }
}

/// The next deadline of a fixed-rate timer started at `start` with
/// `period`: the first tick after `now`, so a late wake skips the ticks it
/// missed instead of running them back to back.
pub fn next_tick(start: Instant, period: Duration, now: Instant) -> Instant {
    let period_ns = period.as_nanos().max(1);
    let elapsed = now.saturating_duration_since(start).as_nanos();
    let ticks = elapsed / period_ns + 1;
    let offset = ticks.saturating_mul(period_ns);
    start + Duration::from_nanos(u64::try_from(offset).unwrap_or(u64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_skip_what_was_missed() {
        let start = Instant::now();
        let ms = Duration::from_millis;
        assert_eq!(next_tick(start, ms(10), start), start + ms(10));
        assert_eq!(next_tick(start, ms(10), start + ms(9)), start + ms(10));
        assert_eq!(next_tick(start, ms(10), start + ms(10)), start + ms(20));
        assert_eq!(next_tick(start, ms(10), start + ms(95)), start + ms(100));
    }
}
