//! ss options sockdiag does not run in this build, each with its reason,
//! so an ss user gets the reason instead of "invalid option". The README's
//! table "ss options and sockdiag" lists every ss option, these with the
//! same reasons, and `tests/tests/options.rs` keeps the two in step.

use lexopt::Arg;

/// An ss option sockdiag does not run, and why.
pub struct Unsupported {
    pub short: Option<char>,
    pub long: &'static str,
    pub reason: &'static str,
}

/// Every ss 7.1 option sockdiag does not run yet.
pub const UNSUPPORTED: &[Unsupported] = &[
    Unsupported {
        short: Some('E'),
        long: "events",
        reason: "not yet: the destroy-event listener is being built (issue 12)",
    },
    Unsupported {
        short: Some('N'),
        long: "net",
        reason: "not yet: listing another network namespace is being built (issue 11)",
    },
];

/// The one line for an ss option this build does not run, if `arg` is
/// one.
pub fn refusal(arg: &Arg<'_>) -> Option<String> {
    let u = UNSUPPORTED.iter().find(|u| match arg {
        Arg::Short(c) => u.short == Some(*c),
        Arg::Long(l) => u.long == *l,
        Arg::Value(_) => false,
    })?;
    let name = match u.short {
        Some(c) => format!("-{c}, --{}", u.long),
        None => format!("--{}", u.long),
    };
    Some(format!("{name}: {}", u.reason))
}
