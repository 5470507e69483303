//! What every /proc/net socket table shares: a line of whitespace-separated
//! columns, numbers printed by the kernel's `seq_printf()` in fixed-width
//! hex or in decimal. Each reader accepts exactly the digits the kernel
//! prints; a sign where none belongs, a stray byte, too many digits or a
//! value past its type is [`Error::BadText`].

use crate::{Error, Result};

/// The longest line accepted. The kernel's longest socket line (tcp6, or a
/// unix line with a 107-byte path) is under 250 bytes; the margin is for
/// columns future kernels add, anything longer is not a table line.
pub const MAX_LINE_LEN: usize = 1024;

/// The columns of one line, left to right.
#[derive(Debug, Clone)]
pub(crate) struct Columns<'a> {
    line: &'a [u8],
    pos: usize,
}

impl<'a> Columns<'a> {
    /// Refuses a line longer than [`MAX_LINE_LEN`].
    pub(crate) fn new(line: &'a [u8]) -> Result<Columns<'a>> {
        if line.len() > MAX_LINE_LEN {
            return Err(Error::BadText);
        }
        Ok(Columns { line, pos: 0 })
    }

    /// The next column, `None` at the end of the line.
    pub(crate) fn next_column(&mut self) -> Option<&'a [u8]> {
        let rest = self.line.get(self.pos..)?;
        let start = rest.iter().position(|b| !b.is_ascii_whitespace())?;
        let len = rest[start..]
            .iter()
            .position(u8::is_ascii_whitespace)
            .unwrap_or(rest.len() - start);
        self.pos += start + len;
        Some(&rest[start..start + len])
    }

    /// The next column, which must be there.
    pub(crate) fn column(&mut self) -> Result<&'a [u8]> {
        self.next_column().ok_or(Error::Truncated)
    }

    /// Everything after the last column taken, separator included.
    pub(crate) fn rest(&self) -> &'a [u8] {
        self.line.get(self.pos..).unwrap_or(&[])
    }
}

/// Splits `s` at its first `sep` (`tx_queue:rx_queue`, `ADDR:PORT`).
pub(crate) fn split(s: &[u8], sep: u8) -> Result<(&[u8], &[u8])> {
    let at = s.iter().position(|&b| b == sep).ok_or(Error::BadText)?;
    Ok((&s[..at], &s[at + 1..]))
}

/// Up to `max_digits` hex digits, either case, nothing else.
pub(crate) fn hex(s: &[u8], max_digits: usize) -> Result<u64> {
    if s.is_empty() || s.len() > max_digits || s.len() > 16 {
        return Err(Error::BadText);
    }
    s.iter().try_fold(0u64, |acc, &b| {
        let digit = (b as char).to_digit(16).ok_or(Error::BadText)?;
        Ok((acc << 4) | u64::from(digit))
    })
}

/// A socket's kernel address as `%pK` prints it: hex digits, or, before
/// the kernel's pointer-hashing key is ready (early boot on a machine short
/// of entropy, as a fresh guest is), its placeholder, which hides the
/// address as 0 does.
pub(crate) fn pointer(s: &[u8]) -> Result<u64> {
    match s {
        b"(____ptrval____)" | b"(ptrval)" => Ok(0),
        _ => hex(s, 16),
    }
}

/// A `%08X`-style column: at most 8 hex digits.
pub(crate) fn hex_u32(s: &[u8]) -> Result<u32> {
    hex(s, 8).map(|v| v as u32)
}

/// Hex digits that must fit a `u8` (`%02X` states and timers).
pub(crate) fn hex_u8(s: &[u8]) -> Result<u8> {
    u8::try_from(hex(s, 16)?).map_err(|_| Error::BadText)
}

/// Unsigned decimal digits that fit a `u64`.
pub(crate) fn dec_u64(s: &[u8]) -> Result<u64> {
    if s.is_empty() || s.len() > 20 {
        return Err(Error::BadText);
    }
    s.iter().try_fold(0u64, |acc, &b| {
        let digit = (b as char).to_digit(10).ok_or(Error::BadText)?;
        acc.checked_mul(10)
            .and_then(|v| v.checked_add(u64::from(digit)))
            .ok_or(Error::BadText)
    })
}

/// Unsigned decimal digits that fit a `u32`.
pub(crate) fn dec_u32(s: &[u8]) -> Result<u32> {
    u32::try_from(dec_u64(s)?).map_err(|_| Error::BadText)
}

/// Decimal digits with an optional leading `-` that fit an `i32` (`%d`).
pub(crate) fn dec_i32(s: &[u8]) -> Result<i32> {
    let (negative, digits) = match s.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, s),
    };
    let magnitude = i64::try_from(dec_u64(digits)?).map_err(|_| Error::BadText)?;
    let value = if negative { -magnitude } else { magnitude };
    i32::try_from(value).map_err(|_| Error::BadText)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_parse() {
        let mut c = Columns::new(b"  1: 0A:00000003\t-1  x y ").unwrap();
        assert_eq!(c.column(), Ok(&b"1:"[..]));
        let (a, b) = split(c.column().unwrap(), b':').unwrap();
        assert_eq!((hex_u8(a), hex_u32(b)), (Ok(10), Ok(3)));
        assert_eq!(dec_i32(c.column().unwrap()), Ok(-1));
        assert_eq!(c.column(), Ok(&b"x"[..]));
        assert_eq!(c.rest(), b" y ");
        assert_eq!(c.column(), Ok(&b"y"[..]));
        assert_eq!(c.rest(), b" ");
        assert_eq!(c.column(), Err(Error::Truncated));
        assert_eq!(c.next_column(), None);
        assert_eq!(hex(b"ffffffffFFFFFFFF", 16), Ok(u64::MAX));
        assert_eq!(pointer(b"ffff8f3a0b4c1e00"), Ok(0xffff_8f3a_0b4c_1e00));
        assert_eq!(pointer(b"(____ptrval____)"), Ok(0));
        assert_eq!(pointer(b"(ptrval)"), Ok(0));
        assert_eq!(pointer(b"(ptrval"), Err(Error::BadText));
        assert_eq!(dec_u64(b"18446744073709551615"), Ok(u64::MAX));
        assert_eq!(dec_u32(b"4294967295"), Ok(u32::MAX));
        assert_eq!(dec_i32(b"-2147483648"), Ok(i32::MIN));
    }

    #[test]
    fn test_malformed() {
        for bad in [&b""[..], b"+1", b"-1", b"1a", b" 1", b"\xc3\xa9"] {
            assert_eq!(dec_u64(bad), Err(Error::BadText), "{bad:?}");
        }
        assert_eq!(dec_u64(b"18446744073709551616"), Err(Error::BadText));
        assert_eq!(dec_u32(b"4294967296"), Err(Error::BadText));
        assert_eq!(dec_i32(b"2147483648"), Err(Error::BadText));
        assert_eq!(dec_i32(b"-2147483649"), Err(Error::BadText));
        assert_eq!(dec_i32(b"--1"), Err(Error::BadText));
        assert_eq!(dec_i32(b"-"), Err(Error::BadText));
        for bad in [&b""[..], b"+1", b"0x1", b"g", b"123456789"] {
            assert_eq!(hex_u32(bad), Err(Error::BadText), "{bad:?}");
        }
        assert_eq!(hex(b"11111111111111111", 20), Err(Error::BadText));
        assert_eq!(hex_u8(b"100"), Err(Error::BadText));
        assert_eq!(split(b"abc", b':'), Err(Error::BadText));
        let long = [b'1'; MAX_LINE_LEN + 1];
        assert_eq!(Columns::new(&long).unwrap_err(), Error::BadText);
        assert!(Columns::new(&long[..MAX_LINE_LEN]).is_ok());
    }
}
