//! Wall-clock time as the streams of `-E -j` and `watch` print it: RFC 3339
//! in UTC with microseconds (`2026-11-30T08:34:53.123456Z`), from seconds
//! and microseconds since the Unix epoch; the calendar arithmetic is
//! integer-only, so no time zone database or allocation is needed.

use core::fmt;

/// A point in time since 1970-01-01T00:00:00Z, printed as RFC 3339 UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timestamp {
    /// Whole seconds since the epoch.
    pub secs: u64,
    /// Microseconds into that second (0 to 999,999; more is clamped).
    pub micros: u32,
}

/// The civil date of a day number (days since 1970-01-01): year, month
/// (1-12) and day (1-31), in the proleptic Gregorian calendar. Counts in
/// 400-year eras of 146,097 days, with years starting on March 1 so the
/// leap day ends a year.
fn civil_from_days(days: u64) -> (u64, u32, u32) {
    // Shift the epoch to 0000-03-01.
    let z = days + 719_468;
    let era = z / 146_097;
    let day_of_era = z % 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = year_of_era + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (days, rest) = (self.secs / 86_400, self.secs % 86_400);
        let (year, month, day) = civil_from_days(days);
        write!(
            f,
            "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:06}Z",
            rest / 3600,
            rest / 60 % 60,
            rest % 60,
            self.micros.min(999_999)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::fmt::Write;
    use heapless::String;

    fn text(secs: u64, micros: u32) -> String<40> {
        let mut s = String::new();
        write!(s, "{}", Timestamp { secs, micros }).unwrap();
        s
    }

    #[test]
    fn test_emit() {
        assert_eq!(text(0, 0).as_str(), "1970-01-01T00:00:00.000000Z");
        // `date -u -d @1764491693`: Sun Nov 30 08:34:53 UTC 2025.
        assert_eq!(
            text(1_764_491_693, 123_456).as_str(),
            "2025-11-30T08:34:53.123456Z"
        );
        // A leap day, the day after, and the end of a century's year.
        assert_eq!(text(951_782_400, 7).as_str(), "2000-02-29T00:00:00.000007Z");
        assert_eq!(text(951_868_800, 0).as_str(), "2000-03-01T00:00:00.000000Z");
        assert_eq!(
            text(4_107_542_399, 0).as_str(),
            "2100-02-28T23:59:59.000000Z"
        );
        assert_eq!(
            text(4_107_542_400, 0).as_str(),
            "2100-03-01T00:00:00.000000Z"
        );
        assert_eq!(
            text(86_399, 2_000_000).as_str(),
            "1970-01-01T23:59:59.999999Z"
        );
    }

    #[test]
    fn test_every_day_follows_the_last() {
        // Walk 800 years day by day: dates strictly increase, days within
        // months, months within years. Miri, which looks for undefined
        // behaviour rather than wrong dates, samples every 97th day.
        let step = if cfg!(miri) { 97 } else { 1 };
        let mut last = civil_from_days(0);
        for d in (1..800 * 366).step_by(step) {
            let now = civil_from_days(d);
            assert!(now > last, "{d}: {last:?} then {now:?}");
            assert!((1..=12).contains(&now.1) && (1..=31).contains(&now.2));
            last = now;
        }
    }

    #[test]
    fn test_far_future() {
        // No overflow up to u64::MAX seconds.
        let mut s: String<64> = String::new();
        write!(
            s,
            "{}",
            Timestamp {
                secs: u64::MAX,
                micros: u32::MAX
            }
        )
        .unwrap();
        assert!(s.ends_with(".999999Z"));
    }
}
