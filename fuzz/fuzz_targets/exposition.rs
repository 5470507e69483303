//! Arbitrary label values and help text through the Prometheus text
//! writer: valid names always write, invalid ones always fail, and every
//! sample line reads back to the values written (escaping round-trips).
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use sockdiag_codec::format::prometheus::{
    is_label_name, is_metric_name, write_family, write_sample, Label, MetricType, Value,
};

#[derive(Arbitrary, Debug)]
struct Input {
    name: String,
    help: String,
    labels: Vec<(String, String)>,
    value: u64,
    seconds: bool,
}

/// Reads a label value written escaped, up to its closing quote: the
/// value and what follows.
fn unescape(text: &str) -> (String, &str) {
    let mut out = String::new();
    let mut chars = text.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return (out, &text[i + 1..]),
            '\\' => match chars.next() {
                Some((_, 'n')) => out.push('\n'),
                Some((_, c @ ('\\' | '"'))) => out.push(c),
                other => panic!("bad escape {other:?} in {text:?}"),
            },
            '\n' => panic!("raw newline in a label value: {text:?}"),
            c => out.push(c),
        }
    }
    panic!("unterminated label value: {text:?}")
}

fuzz_target!(|input: Input| {
    let mut out = String::new();
    let family = write_family(&mut out, &input.name, MetricType::Counter, &input.help);
    assert_eq!(family.is_ok(), is_metric_name(&input.name));
    if family.is_ok() {
        // The help text stays on its line.
        assert_eq!(out.lines().count(), 2, "{out:?}");
    }
    let labels: Vec<Label> = input
        .labels
        .iter()
        .map(|(name, value)| Label { name, value })
        .collect();
    let value = if input.seconds {
        Value::Seconds(input.value)
    } else {
        Value::Int(input.value)
    };
    let mut line = String::new();
    let written = write_sample(&mut line, &input.name, &labels, value);
    let valid = is_metric_name(&input.name) && input.labels.iter().all(|(n, _)| is_label_name(n));
    assert_eq!(written.is_ok(), valid);
    if !valid {
        return;
    }
    assert_eq!(line.matches('\n').count(), 1, "{line:?}");
    let mut rest = line.strip_prefix(input.name.as_str()).unwrap();
    for (i, (name, value)) in input.labels.iter().enumerate() {
        rest = rest.strip_prefix(if i == 0 { "{" } else { "," }).unwrap();
        rest = rest
            .strip_prefix(name.as_str())
            .unwrap()
            .strip_prefix("=\"")
            .unwrap();
        let (read, after) = unescape(rest);
        assert_eq!(&read, value);
        rest = after;
    }
    if !input.labels.is_empty() {
        rest = rest.strip_prefix('}').unwrap();
    }
    assert_eq!(rest, format!(" {value}\n"));
});
