//! Every number ss prints, in one place: plain decimals, C's `%g`
//! (significant digits), bit rates, microseconds as milliseconds, timer
//! countdowns and `%#x`. Hot ones are written with integer arithmetic
//! where that gives the same text as the float path, which stays for the
//! rare cases (ties, exponent form) and is tested against it.

use core::fmt::{self, Write};

use crate::format::columns::AsciiWrite;

/// An unsigned number's decimal digits on the stack, so a column can be
/// padded by its length without a second formatting pass.
pub struct Decimal {
    buf: [u8; 20],
    start: usize,
}

/// "00" to "99": two digits per division, and no arithmetic per digit.
const PAIRS: &[u8; 200] = b"\
    0001020304050607080910111213141516171819\
    2021222324252627282930313233343536373839\
    4041424344454647484950515253545556575859\
    6061626364656667686970717273747576777879\
    8081828384858687888990919293949596979899";

impl Decimal {
    /// The digits of `v`.
    #[inline]
    pub fn new(v: u64) -> Decimal {
        let mut d = Decimal {
            buf: [b'0'; 20],
            start: 20,
        };
        // 64-bit divisions only while the value needs them.
        let mut v = v;
        while v > u64::from(u32::MAX) {
            d.push_pair((v % 100) as usize);
            v /= 100;
        }
        let mut v = v as u32;
        while v >= 100 {
            d.push_pair((v % 100) as usize);
            v /= 100;
        }
        if v >= 10 {
            d.push_pair(v as usize);
        } else if let Some(start) = d.start.checked_sub(1) {
            d.start = start;
            if let Some(digit) = d.buf.get_mut(start) {
                *digit = b'0' + v as u8;
            }
        }
        d
    }

    /// Puts the two digits of `pair` (below 100) in front.
    #[inline]
    fn push_pair(&mut self, pair: usize) {
        let Some(start) = self.start.checked_sub(2) else {
            return;
        };
        self.start = start;
        if let (Some(to), Some(from)) = (
            self.buf.get_mut(start..start + 2),
            PAIRS.get(2 * pair..2 * pair + 2),
        ) {
            to.copy_from_slice(from);
        }
    }

    /// The digits.
    pub fn as_str(&self) -> &str {
        // ASCII digits only: the check cannot fail.
        core::str::from_utf8(self.as_bytes()).unwrap_or("")
    }

    /// The digits as ASCII bytes, for a writer that takes them at once
    /// ([`crate::format::columns::AsciiWrite::write_ascii`]).
    pub fn as_bytes(&self) -> &[u8] {
        self.buf.get(self.start..).unwrap_or(&[])
    }

    /// How many digits.
    pub fn len(&self) -> usize {
        self.as_bytes().len()
    }

    /// Always false: 0 has a digit.
    pub fn is_empty(&self) -> bool {
        self.as_bytes().is_empty()
    }

    /// Writes the digits a char at a time. A line is mostly short numbers,
    /// and for those [`Decimal::as_str`]'s UTF-8 check costs more than the
    /// digits; a writer that takes an ASCII char as a byte (the runner's)
    /// needs neither.
    #[inline]
    pub fn write<W: Write>(&self, w: &mut W) -> fmt::Result {
        for &d in self.as_bytes() {
            w.write_char(char::from(d))?;
        }
        Ok(())
    }
}

/// C's `%.<digits>g` of a finite, non-negative value: `digits` significant
/// digits, trailing zeros dropped, exponent form below 1e-4 or at
/// 10^digits.
pub struct SignificantDigits {
    /// The value.
    pub value: f64,
    /// How many significant digits (`%g`'s precision; 0 counts as 1).
    pub digits: usize,
}

impl fmt::Display for SignificantDigits {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (v, prec) = (self.value, self.digits.max(1));
        if v == 0.0 || !v.is_finite() {
            return write!(f, "{v}");
        }
        // The exponent after rounding to `prec` digits decides the form,
        // as C specifies; Rust's `{:e}` rounds the exact binary value like
        // glibc does. Its digits are also the fixed form's digits (the
        // rounding position is the same), so one float conversion serves
        // both forms: the fixed one only moves the decimal point.
        let mut sci: heapless::String<48> = heapless::String::new();
        write!(sci, "{:.*e}", prec - 1, v)?;
        let (mantissa, exp) = sci.split_once('e').unwrap_or((sci.as_str(), "0"));
        let exp: i32 = exp.parse().unwrap_or(0);
        if exp < -4 || exp >= prec as i32 {
            f.write_str(trim_zeros(mantissa))?;
            let sign = if exp < 0 { '-' } else { '+' };
            return write!(f, "e{sign}{:02}", exp.unsigned_abs());
        }
        let mut digits: heapless::Vec<u8, 48> = heapless::Vec::new();
        for b in mantissa.bytes().filter(u8::is_ascii_digit) {
            digits.push(b).map_err(|_| fmt::Error)?;
        }
        write_fixed(f, &digits, exp)
    }
}

/// `%g` of `value` with 6 significant digits, C's default.
const fn g6(value: f64) -> SignificantDigits {
    SignificantDigits { value, digits: 6 }
}

/// %g's fixed form from the rounded significant digits (ASCII) and the
/// exponent of the first one, -4 <= `exp` < the digit count: the decimal
/// point moves, trailing zeros go.
fn write_fixed<W: AsciiWrite>(f: &mut W, digits: &[u8], exp: i32) -> fmt::Result {
    // 0 <= exp: `exp + 1` integer digits; exp < 0: "0." and `-exp - 1`
    // zeros before the digits.
    let int_len = usize::try_from(exp + 1).unwrap_or(0);
    let (int, frac) = digits.split_at(int_len.min(digits.len()));
    let frac_len = frac.iter().rposition(|&b| b != b'0').map_or(0, |i| i + 1);
    if int.is_empty() {
        f.write_char('0')?;
    }
    f.write_ascii(int)?;
    if frac_len > 0 {
        f.write_char('.')?;
        for _ in exp + 1..0 {
            f.write_char('0')?;
        }
        f.write_ascii(frac.get(..frac_len).unwrap_or(&[]))?;
    }
    Ok(())
}

fn trim_zeros(s: &str) -> &str {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        s
    }
}

/// ss's `%g` of a fixed-point gain, `raw / 256` (BBR's pacing and cwnd
/// gains). Such a value has an exact decimal form of at most 8 decimals
/// (1/256 = 0.00390625), so rounding it to 6 significant digits is integer
/// work; an exact tie, or a value that needs the exponent form, takes
/// [`SignificantDigits`]' float path.
pub fn write_gain<W: AsciiWrite>(w: &mut W, raw: u32) -> fmt::Result {
    let float = |w: &mut W| write!(w, "{}", g6(f64::from(raw) / 256.0));
    // value * 10^8, exact.
    let n = u64::from(raw) * 390_625;
    if n == 0 {
        return float(w);
    }
    let len = Decimal::new(n).len() as u32;
    let (mut q, mut exp) = if len > 6 {
        let p = 10u64.pow(len - 6);
        let (q, r) = (n / p, n % p);
        if 2 * r == p {
            return float(w);
        }
        (q + u64::from(2 * r > p), len as i32 - 9)
    } else {
        (n * 10u64.pow(6 - len), len as i32 - 9)
    };
    if q == 1_000_000 {
        q = 100_000;
        exp += 1;
    }
    if !(-4..6).contains(&exp) {
        return float(w);
    }
    write_fixed(w, Decimal::new(q).as_bytes(), exp)
}

/// ss's `sprint_bw`: a rate in bits per second, `%.0f` with all its digits
/// (`-n`), else `%.3g` with a k/M/G/T suffix.
pub struct BitRate {
    /// Bits per second.
    pub bits_per_second: f64,
    /// `-n`: every digit, no suffix.
    pub all_digits: bool,
}

impl fmt::Display for BitRate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write(f)
    }
}

impl BitRate {
    /// The rate written straight to `f`, without `core::fmt`'s argument
    /// machinery (a detail line has up to five).
    pub fn write<W: AsciiWrite>(&self, f: &mut W) -> fmt::Result {
        let bw = self.bits_per_second;
        // An idle BBR flow's bandwidth: `%g` of 0.
        if bw == 0.0 && bw.is_sign_positive() {
            return f.write_char('0');
        }
        if self.all_digits {
            // `%.0f`: below 2^52 the integer part and the fraction split
            // exactly, so a value off a tie rounds with integer arithmetic
            // (a float conversion per rate is most of what -in costs); a
            // tie or a larger value takes the float path.
            if (0.0..4_503_599_627_370_496.0).contains(&bw) {
                let int = bw as u64;
                let frac = bw - int as f64;
                if frac != 0.5 {
                    let int = if frac > 0.5 { int + 1 } else { int };
                    return f.write_ascii(Decimal::new(int).as_bytes());
                }
            }
            return write!(f, "{bw:.0}");
        }
        for (scale, unit) in [(1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k")] {
            if bw >= scale {
                let value = SignificantDigits {
                    value: bw / scale,
                    digits: 3,
                };
                return write!(f, "{value}{unit}");
            }
        }
        write!(f, "{}", g6(bw))
    }
}

/// Microseconds as ss's milliseconds (`%g` of us / 1000).
pub struct MillisFromMicros(pub u32);

impl fmt::Display for MillisFromMicros {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_millis_from_micros(f, self.0)
    }
}

/// [`MillisFromMicros`] written straight to `w`, without `core::fmt`'s
/// argument machinery (a detail line has half a dozen of them).
pub fn write_millis_from_micros<W: AsciiWrite>(f: &mut W, us: u32) -> fmt::Result {
    // Below a second, us / 1000 has at most 6 significant digits, so
    // %g rounds nothing and prints the exact decimal: integer
    // arithmetic gives the same text without a float conversion, which
    // is most of what -i costs per socket.
    if us >= 1_000_000 {
        return write!(f, "{}", g6(f64::from(us) / 1000.0));
    }
    let (int, frac) = (us / 1000, us % 1000);
    f.write_ascii(Decimal::new(int.into()).as_bytes())?;
    if frac != 0 {
        // Three decimals with their leading zeros, trailing ones cut.
        let digits = [
            b'0' + (frac / 100) as u8,
            b'0' + (frac / 10 % 10) as u8,
            b'0' + (frac % 10) as u8,
        ];
        let len = digits.iter().rposition(|&d| d != b'0').map_or(0, |i| i + 1);
        f.write_char('.')?;
        f.write_ascii(digits.get(..len).unwrap_or(&[]))?;
    }
    Ok(())
}

/// A timer's remaining time in milliseconds as ss prints it: minutes,
/// seconds and milliseconds, dropping the finer units once the coarser
/// ones are large (`200ms`, `1.500ms`, `42sec`, `2min3sec`, `15min`).
pub struct TimeLeft(pub u32);

impl fmt::Display for TimeLeft {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let minutes = self.0 / 60_000;
        let mut secs = self.0 / 1000 % 60;
        let mut ms = self.0 % 1000;
        if minutes > 0 {
            write!(f, "{minutes}min")?;
            ms = 0;
            if minutes > 9 {
                secs = 0;
            }
        }
        if secs > 0 {
            if secs > 9 {
                ms = 0;
            }
            write!(f, "{secs}{}", if ms > 0 { "." } else { "sec" })?;
        }
        if ms > 0 {
            write!(f, "{ms:03}ms")?;
        }
        Ok(())
    }
}

/// C's `%#x`: `0` for zero, else `0x` and the hex digits.
pub struct PrefixedHex(pub u32);

impl fmt::Display for PrefixedHex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 == 0 {
            f.write_str("0")
        } else {
            write!(f, "{:#x}", self.0)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use heapless::String;

    fn text(d: impl fmt::Display) -> String<64> {
        let mut s = String::new();
        write!(s, "{d}").unwrap();
        s
    }

    fn g(value: f64, digits: usize) -> SignificantDigits {
        SignificantDigits { value, digits }
    }

    fn bits(bits_per_second: f64, all_digits: bool) -> BitRate {
        BitRate {
            bits_per_second,
            all_digits,
        }
    }

    /// The hand-rolled digits agree with `core::fmt`'s.
    #[test]
    fn test_decimal() {
        for v in [0, 1, 9, 10, 99, 100, 65535, 4_294_967_295, u64::MAX] {
            let mut want: String<24> = String::new();
            write!(want, "{v}").unwrap();
            let d = Decimal::new(v);
            assert_eq!(d.as_str(), want.as_str());
            assert_eq!(d.len(), want.len());
            let mut written: String<24> = String::new();
            d.write(&mut written).unwrap();
            assert_eq!(written, want);
        }
    }

    #[test]
    fn test_time_left() {
        let cases: [(u32, &str); 8] = [
            (0, ""),
            (200, "200ms"),
            (1_500, "1.500ms"),
            (9_001, "9.001ms"),
            (42_300, "42sec"),
            (61_000, "1min1sec"),
            (123_456, "2min3sec"),
            (900_500, "15min"),
        ];
        for (ms, want) in cases {
            assert_eq!(text(TimeLeft(ms)).as_str(), want, "{ms} ms");
        }
    }

    /// Expected strings from C's printf (through Python's `%` operator).
    #[test]
    fn test_g() {
        // Miri runs these sweeps a thousand times slower: it samples them.
        let sweep = if cfg!(miri) { 97 } else { 1 };
        let cases: [(f64, &str); 14] = [
            (0.024, "0.024"),
            (204.0, "204"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (123456.0, "123456"),
            (1234567.0, "1.23457e+06"),
            (1234.5675, "1234.57"),
            (0.5, "0.5"),
            (100.0, "100"),
            (3.14159265e3, "3141.59"),
            (999999.5, "1e+06"),
            (65.536, "65.536"),
            (0.0, "0"),
            (2.5, "2.5"),
        ];
        for (v, want) in cases {
            assert_eq!(text(g(v, 6)).as_str(), want, "{v}");
        }
        // The fixed form moves the decimal point of the exponent form's
        // digits; C's definition formats the value again with `prec - 1 -
        // exp` decimals. Both agree.
        let mut v = 0.000_012_345_678_9_f64;
        while v < 1e7 {
            for prec in [3, 6] {
                let mut sci: String<48> = String::new();
                write!(sci, "{:.*e}", prec - 1, v).unwrap();
                let exp: i32 = sci.split_once('e').unwrap().1.parse().unwrap();
                if (-4..prec as i32).contains(&exp) {
                    let mut fixed: String<48> = String::new();
                    let decimals = (prec as i32 - 1 - exp) as usize;
                    write!(fixed, "{v:.decimals$}").unwrap();
                    assert_eq!(text(g(v, prec)).as_str(), trim_zeros(&fixed), "{v} {prec}");
                }
            }
            v *= 1.0137_f64.powi(sweep);
        }
        // The integer path for BBR gains agrees with %g of raw / 256.
        for raw in (0..70_000)
            .step_by(sweep as usize)
            .chain([u32::MAX / 3, u32::MAX])
        {
            let mut got: String<48> = String::new();
            write_gain(&mut got, raw).unwrap();
            assert_eq!(got, text(g(f64::from(raw) / 256.0, 6)), "{raw}");
        }
        // The integer path for milliseconds agrees with %g of us / 1000.
        let edges = [999_999, 1_000_000, 1_234_567, 4_294_967_295];
        for us in (0..3000).step_by(sweep as usize).chain(edges) {
            let via_float = text(g(f64::from(us) / 1000.0, 6));
            assert_eq!(
                text(MillisFromMicros(us)).as_str(),
                via_float.as_str(),
                "{us}"
            );
        }
        for us in (0..1_000_000).step_by(997 * sweep as usize) {
            assert_eq!(
                text(MillisFromMicros(us)),
                text(g(f64::from(us) / 1000.0, 6)),
                "{us}"
            );
        }
        let bw: [(f64, &str); 8] = [
            (206336000000.0, "206G"),
            (287825205440.0, "288G"),
            (999.0, "999"),
            (1000.0, "1k"),
            (1234567.0, "1.23M"),
            (99950.0, "100k"),
            (8e12, "8T"),
            (1.5e15, "1.5e+03T"),
        ];
        for (v, want) in bw {
            assert_eq!(text(bits(v, false)).as_str(), want, "{v}");
        }
        assert_eq!(text(bits(1.5e20, true)).as_str(), "150000000000000000000");
        // The integer path rounds as `{:.0}` does.
        let mut v = 0.25_f64;
        while v < 1e17 {
            for x in [v, v.floor(), v.floor() + 0.5, v + 0.49, v + 0.51] {
                let mut want: String<48> = String::new();
                write!(want, "{x:.0}").unwrap();
                assert_eq!(text(bits(x, true)), want, "{x}");
            }
            v = v * 1.37_f64.powi(sweep.min(4)) + 0.3;
        }
        assert_eq!(text(bits(206336000000.0, true)).as_str(), "206336000000");
        let mut s: String<16> = String::new();
        write!(s, "{:.1}", 12.25f64).unwrap();
        assert_eq!(s.as_str(), "12.2", "round half to even, as glibc");
        assert_eq!(text(PrefixedHex(0)).as_str(), "0");
        assert_eq!(text(PrefixedHex(0x10)).as_str(), "0x10");
    }
}
