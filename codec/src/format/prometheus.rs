//! Prometheus' text exposition format (version 0.0.4): a metric family's
//! `# HELP` and `# TYPE` lines, then its samples, `name{label="value",...}
//! value`. Label values and help text come from the system (namespace
//! names, addresses), so they are escaped as the format requires
//! (backslash, double quote and newline in label values; backslash and
//! newline in help text), and names are checked against the format's
//! alphabet: a bad one is a `fmt::Error`, never a malformed line.

use core::fmt::{self, Write};

use crate::format::number::Decimal;

/// A metric family's type, as `# TYPE` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetricType {
    /// A value that goes up and down.
    Gauge,
    /// A value that only goes up (resets on restart).
    Counter,
}

impl MetricType {
    /// The word `# TYPE` uses.
    pub const fn name(self) -> &'static str {
        match self {
            MetricType::Gauge => "gauge",
            MetricType::Counter => "counter",
        }
    }
}

/// One label of a sample: its name and its value, written escaped.
#[derive(Clone, Copy)]
pub struct Label<'a> {
    /// `[a-zA-Z_][a-zA-Z0-9_]*`, not starting with `__` (reserved).
    pub name: &'a str,
    /// Any text.
    pub value: &'a dyn fmt::Display,
}

/// A sample's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Value {
    /// A count or size.
    Int(u64),
    /// A duration in nanoseconds, written in seconds with nine decimals
    /// (integer arithmetic: no float formatter in a small binary).
    Seconds(u64),
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Value::Int(v) => write!(f, "{v}"),
            Value::Seconds(ns) => write!(f, "{}.{:09}", ns / 1_000_000_000, ns % 1_000_000_000),
        }
    }
}

/// True for a metric name: `[a-zA-Z_:][a-zA-Z0-9_:]*`.
pub fn is_metric_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    matches!(bytes.next(), Some(b'a'..=b'z' | b'A'..=b'Z' | b'_' | b':'))
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b':')
}

/// True for a label name: `[a-zA-Z_][a-zA-Z0-9_]*`, not `__`-prefixed.
pub fn is_label_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    !name.starts_with("__")
        && matches!(bytes.next(), Some(b'a'..=b'z' | b'A'..=b'Z' | b'_'))
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// Writes `text` with backslash and newline escaped, and the double quote
/// too inside a label value.
struct Escaping<'w, W: Write> {
    inner: &'w mut W,
    quote: bool,
}

impl<W: Write> Write for Escaping<'_, W> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        // Addresses, ports and namespace names need no escape: one scan,
        // then one write.
        let quote = self.quote;
        if !s
            .bytes()
            .any(|b| b == b'\\' || b == b'\n' || (quote && b == b'"'))
        {
            return self.inner.write_str(s);
        }
        for piece in s.split_inclusive(['\\', '\n', '"']) {
            let (body, last) = match piece.char_indices().last() {
                Some((i, c @ ('\\' | '\n'))) => (&piece[..i], Some(c)),
                Some((i, '"')) if self.quote => (&piece[..i], Some('"')),
                _ => (piece, None),
            };
            self.inner.write_str(body)?;
            match last {
                Some('\\') => self.inner.write_str("\\\\")?,
                Some('\n') => self.inner.write_str("\\n")?,
                Some('"') => self.inner.write_str("\\\"")?,
                _ => {}
            }
        }
        Ok(())
    }
}

/// A metric family whose `# HELP` and `# TYPE` lines are written: its
/// name was checked then, so its samples need not check it again.
#[derive(Debug, Clone, Copy)]
pub struct Family<'n> {
    name: &'n str,
}

/// Starts a metric family: its `# HELP` and `# TYPE` lines. Every sample
/// of the family must follow, before any other family's.
pub fn write_family<'n, W: Write>(
    w: &mut W,
    name: &'n str,
    kind: MetricType,
    help: &str,
) -> Result<Family<'n>, fmt::Error> {
    if !is_metric_name(name) {
        return Err(fmt::Error);
    }
    write!(w, "# HELP {name} ")?;
    Escaping {
        inner: w,
        quote: false,
    }
    .write_str(help)?;
    writeln!(w, "\n# TYPE {name} {}", kind.name())?;
    Ok(Family { name })
}

impl Family<'_> {
    /// Writes one sample line of the family whose label set `labels` is
    /// what [`write_labels`] wrote.
    pub fn write_sample_labelled<W: Write>(
        self,
        w: &mut W,
        labels: &str,
        value: Value,
    ) -> fmt::Result {
        w.write_str(self.name)?;
        w.write_str(labels)?;
        write_value(w, value)
    }
}

/// Writes one sample line.
pub fn write_sample<W: Write>(
    w: &mut W,
    name: &str,
    labels: &[Label<'_>],
    value: Value,
) -> fmt::Result {
    if !is_metric_name(name) {
        return Err(fmt::Error);
    }
    w.write_str(name)?;
    write_labels(w, labels)?;
    write_value(w, value)
}

/// Writes `labels` as a sample carries them, `{name="value",...}`
/// (nothing for none), names checked and values escaped. A label set
/// that samples of several families share (a listener's) is written once
/// this way and handed to [`Family::write_sample_labelled`] for each:
/// formatting an address and escaping it is most of a sample's cost.
pub fn write_labels<W: Write>(w: &mut W, labels: &[Label<'_>]) -> fmt::Result {
    for (i, label) in labels.iter().enumerate() {
        if !is_label_name(label.name) {
            return Err(fmt::Error);
        }
        w.write_str(if i == 0 { "{" } else { "," })?;
        w.write_str(label.name)?;
        w.write_str("=\"")?;
        write!(
            Escaping {
                inner: w,
                quote: true,
            },
            "{}",
            label.value
        )?;
        w.write_char('"')?;
    }
    if !labels.is_empty() {
        w.write_char('}')?;
    }
    Ok(())
}

/// The end of a sample line: a space, the value, the newline.
fn write_value<W: Write>(w: &mut W, value: Value) -> fmt::Result {
    w.write_char(' ')?;
    match value {
        // Without the formatting machinery: a scrape writes thousands.
        Value::Int(v) => w.write_str(Decimal::new(v).as_str())?,
        seconds => write!(w, "{seconds}")?,
    }
    w.write_char('\n')
}

#[cfg(test)]
mod tests {
    use super::*;
    use heapless::String;

    #[test]
    fn test_emit() {
        let mut s: String<512> = String::new();
        write_family(
            &mut s,
            "sockdiag_x_total",
            MetricType::Counter,
            "Drops.\nA \\ b \"q\"",
        )
        .unwrap();
        let labels = [
            Label {
                name: "address",
                value: &"::1",
            },
            Label {
                name: "netns",
                value: &"a\"b\\c\nd",
            },
        ];
        write_sample(&mut s, "sockdiag_x_total", &labels, Value::Int(17)).unwrap();
        write_sample(&mut s, "sockdiag_y", &[], Value::Seconds(2_500_000)).unwrap();
        write_sample(&mut s, "sockdiag_y", &[], Value::Seconds(12_000_000_001)).unwrap();
        assert_eq!(
            s.as_str(),
            "# HELP sockdiag_x_total Drops.\\nA \\\\ b \"q\"\n\
             # TYPE sockdiag_x_total counter\n\
             sockdiag_x_total{address=\"::1\",netns=\"a\\\"b\\\\c\\nd\"} 17\n\
             sockdiag_y 0.002500000\n\
             sockdiag_y 12.000000001\n"
        );
    }

    #[test]
    fn test_emit_labelled() {
        // A label set written once gives the lines written whole.
        let labels = [
            Label {
                name: "address",
                value: &"10.0.0.1",
            },
            Label {
                name: "port",
                value: &8081u16,
            },
            Label {
                name: "netns",
                value: &"a\"b",
            },
        ];
        let mut whole: String<256> = String::new();
        let mut set: String<128> = String::new();
        let mut parts: String<256> = String::new();
        write_labels(&mut set, &labels).unwrap();
        write_family(&mut whole, "sockdiag_q", MetricType::Gauge, "Q.").unwrap();
        let family = write_family(&mut parts, "sockdiag_q", MetricType::Gauge, "Q.").unwrap();
        for v in [0, 7, u64::MAX] {
            write_sample(&mut whole, "sockdiag_q", &labels, Value::Int(v)).unwrap();
            family
                .write_sample_labelled(&mut parts, &set, Value::Int(v))
                .unwrap();
        }
        assert_eq!(parts, whole);
        assert_eq!(
            set.as_str(),
            "{address=\"10.0.0.1\",port=\"8081\",netns=\"a\\\"b\"}"
        );
        let mut bare: String<64> = String::new();
        write_labels(&mut bare, &[]).unwrap();
        family
            .write_sample_labelled(&mut bare, "", Value::Int(3))
            .unwrap();
        assert_eq!(bare.as_str(), "sockdiag_q 3\n");
    }

    #[test]
    fn test_names() {
        assert!(is_metric_name("sockdiag_build_info") && is_metric_name(":a1"));
        assert!(!is_metric_name("") && !is_metric_name("1a") && !is_metric_name("a-b"));
        assert!(is_label_name("pod_namespace") && is_label_name("_x"));
        assert!(!is_label_name("__name__") && !is_label_name("a:b") && !is_label_name(""));
        let mut s: String<64> = String::new();
        assert!(write_sample(&mut s, "bad name", &[], Value::Int(1)).is_err());
        let bad = [Label {
            name: "le-x",
            value: &1,
        }];
        assert!(write_sample(&mut s, "ok", &bad, Value::Int(1)).is_err());
        assert!(write_family(&mut s, "", MetricType::Gauge, "").is_err());
    }

    #[test]
    fn test_escape_every_split() {
        // A value written in pieces escapes as one written whole.
        let text = "a\\\"\n\"\\b";
        let mut whole: String<64> = String::new();
        Escaping {
            inner: &mut whole,
            quote: true,
        }
        .write_str(text)
        .unwrap();
        for cut in 0..=text.len() {
            let mut parts: String<64> = String::new();
            let mut e = Escaping {
                inner: &mut parts,
                quote: true,
            };
            e.write_str(&text[..cut]).unwrap();
            e.write_str(&text[cut..]).unwrap();
            assert_eq!(parts, whole);
        }
        assert_eq!(whole.as_str(), "a\\\\\\\"\\n\\\"\\\\b");
    }
}
