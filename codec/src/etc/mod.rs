//! The name tables of `/etc` that ss reads through the C library: services
//! (port names), protocols (a raw socket's protocol name) and hosts (host
//! names for `-r` and for filters). Each parser takes one line, as
//! services(5), protocols(5) and hosts(5) define it, and skips what the C
//! library skips (comments, blank and malformed lines), so the runner can
//! stream a file and build its own lookup.

pub mod hosts;
pub mod protocols;
pub mod services;

/// The words of a line before its `#` comment.
fn words(line: &str) -> core::str::SplitAsciiWhitespace<'_> {
    let text = match line.find('#') {
        Some(i) => &line[..i],
        None => line,
    };
    text.split_ascii_whitespace()
}

/// The words of `line` from `word` on (a word `words(line)` yielded), up to
/// the comment: the aliases after a line's fixed fields.
fn rest_from<'a>(line: &'a str, word: Option<&'a str>) -> &'a str {
    let Some(word) = word else { return "" };
    // `word` borrows from `line`: its address gives its offset.
    let at = (word.as_ptr() as usize).wrapping_sub(line.as_ptr() as usize);
    let text = line.get(at..).unwrap_or("");
    match text.find('#') {
        Some(i) => &text[..i],
        None => text,
    }
}
