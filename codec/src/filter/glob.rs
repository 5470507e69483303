//! ss's unix name patterns: C's `fnmatch(pattern, name, 0)`.

/// `fnmatch(pattern, name, 0)`: `*`, `?`, `[...]` (with `!`/`^` and
/// ranges) and backslash escapes; `/` and leading dots are not special.
pub fn fnmatch(pattern: &[u8], name: &[u8]) -> bool {
    let (mut p, mut n) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    loop {
        if p < pattern.len() {
            let c = pattern[p];
            if c == b'*' {
                star = Some((p + 1, n));
                p += 1;
                continue;
            }
            if n < name.len() {
                let step = match c {
                    b'?' => Some(1),
                    b'[' => match bracket(&pattern[p..], name[n]) {
                        Some((true, len)) => Some(len),
                        Some((false, _)) => None,
                        // No closing ']': a literal '['.
                        None => (name[n] == b'[').then_some(1),
                    },
                    b'\\' if p + 1 < pattern.len() => (pattern[p + 1] == name[n]).then_some(2),
                    _ => (c == name[n]).then_some(1),
                };
                if let Some(len) = step {
                    p += len;
                    n += 1;
                    continue;
                }
            }
        } else if n == name.len() {
            return true;
        }
        // Mismatch: let the last '*' swallow one more byte.
        match star {
            Some((sp, sn)) if sn < name.len() => {
                star = Some((sp, sn + 1));
                p = sp;
                n = sn + 1;
            }
            _ => return false,
        }
    }
}

/// Matches one byte against the bracket expression at the start of `pat`;
/// `None` when the bracket is not closed, else (matched, its length).
fn bracket(pat: &[u8], b: u8) -> Option<(bool, usize)> {
    let mut i = 1;
    let negate = matches!(pat.get(i), Some(b'!' | b'^'));
    if negate {
        i += 1;
    }
    let mut matched = false;
    let mut first = true;
    loop {
        let mut c = *pat.get(i)?;
        if c == b']' && !first {
            return Some((matched != negate, i + 1));
        }
        first = false;
        if c == b'\\' {
            i += 1;
            c = *pat.get(i)?;
        }
        if pat.get(i + 1) == Some(&b'-') && pat.get(i + 2).is_some_and(|&e| e != b']') {
            let mut hi = pat[i + 2];
            let mut skip = 3;
            if hi == b'\\' {
                hi = *pat.get(i + 3)?;
                skip = 4;
            }
            matched |= c <= b && b <= hi;
            i += skip;
        } else {
            matched |= c == b;
            i += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_fnmatch() {
        assert!(fnmatch(b"*", b""));
        assert!(fnmatch(b"a*b*c", b"axxbyyc"));
        assert!(!fnmatch(b"a*b*c", b"axxbyy"));
        assert!(fnmatch(b"[", b"["));
        assert!(fnmatch(b"[]]", b"]"));
        assert!(fnmatch(b"[^a]", b"b") && !fnmatch(b"[^a]", b"a"));
        assert!(fnmatch(b"\\*", b"*") && !fnmatch(b"\\*", b"x"));
        assert!(fnmatch(b"/a/*", b"/a/b/c"), "'/' is not special");
    }
}
