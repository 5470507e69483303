//! ss's columns: which are shown ([`Layout`]), their widths, padding, the
//! header, and the `address:port` cells.
//!
//! Columns have fixed widths so records can be printed as they are decoded
//! (ss buffers everything to size its columns; a stream cannot). Padding is
//! written by hand: `core::fmt`'s width machinery writes fill one char at a
//! time, which costs more than the rest of a plain line.

use core::fmt::{self, Write};
use core::net::IpAddr;

use crate::format::names::state_name;
use crate::format::number::Decimal;
use crate::wire::inet::TcpState;
use crate::wire::unix::UnixRecord;

/// Column widths in chars.
pub(crate) mod width {
    pub const NETID: usize = 5;
    pub const STATE: usize = 10;
    pub const QUEUE: usize = 6;
    pub const ADDR: usize = 20;
    pub const PORT: usize = 7;
}

/// Which columns a listing shows, and whether `-e`'s members follow them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Layout {
    /// Print the Netid column (ss does when more than one table is shown).
    pub netid: bool,
    /// Print the State column (ss drops it when one state is selected).
    pub state: bool,
    /// `-e`: timer, uid, inode, cookie, mark, v6only and shutdown after the
    /// columns (for unix: shutdown, bound file and pending connections).
    pub extended: bool,
}

const SPACES: &str = "                                ";

/// `n` spaces.
pub(crate) fn pad<W: Write>(w: &mut W, mut n: usize) -> fmt::Result {
    while n > 0 {
        let k = n.min(SPACES.len());
        w.write_str(&SPACES[..k])?;
        n -= k;
    }
    Ok(())
}

/// `text` right-aligned in `width` chars (`{:>width$}`).
pub(crate) fn write_right_aligned<W: Write>(w: &mut W, text: &str, width: usize) -> fmt::Result {
    pad(w, width.saturating_sub(text.chars().count()))?;
    w.write_str(text)
}

/// `text` left-aligned in `width` chars (`{:<width$}`).
pub(crate) fn write_left_aligned<W: Write>(w: &mut W, text: &str, width: usize) -> fmt::Result {
    w.write_str(text)?;
    pad(w, width.saturating_sub(text.chars().count()))
}

/// Counts the chars written through it, so a name's display width comes
/// from the same code that writes it.
pub(crate) struct CharCount(pub usize);

impl Write for CharCount {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.0 += s.chars().count();
        Ok(())
    }
}

/// Writes `d` padded with spaces to `width` chars, on the left (`right`
/// aligned) or on the right; the width is measured by writing `d` once.
pub(crate) fn write_aligned<W: Write>(
    w: &mut W,
    d: &dyn fmt::Display,
    width: usize,
    right: bool,
) -> fmt::Result {
    let mut n = CharCount(0);
    write!(n, "{d}")?;
    let fill = width.saturating_sub(n.0);
    if right {
        pad(w, fill)?;
        write!(w, "{d}")
    } else {
        write!(w, "{d}")?;
        pad(w, fill)
    }
}

/// Dotted quad, without `Ipv4Addr`'s `Display` (which goes through the
/// padding machinery for every address).
fn write_ipv4<W: Write>(w: &mut W, a: core::net::Ipv4Addr) -> fmt::Result {
    for (i, octet) in a.octets().into_iter().enumerate() {
        if i > 0 {
            w.write_char('.')?;
        }
        Decimal::new(octet.into()).write(w)?;
    }
    Ok(())
}

/// Writes an address as ss shows it, with the bracket, wildcard and
/// `%ifname` rules, right-aligned in `width` chars. The width of an IPv4
/// address is counted from its octets, so the common case is formatted
/// once, straight into the output.
pub(crate) fn write_address<W: Write>(
    w: &mut W,
    addr: IpAddr,
    ifname: Option<&str>,
    v6only: bool,
    width: usize,
) -> fmt::Result {
    let if_len = ifname.map_or(0, |n| 1 + n.chars().count());
    match addr {
        IpAddr::V4(a) => {
            let digits: usize = a
                .octets()
                .iter()
                .map(|&o| 1 + usize::from(o >= 10) + usize::from(o >= 100))
                .sum();
            pad(w, width.saturating_sub(digits + 3 + if_len))?;
            write_ipv4(w, a)?;
        }
        // ss shows a dual-stack wildcard as `*`, a v6-only one as `[::]`.
        IpAddr::V6(a) if a.is_unspecified() && !v6only => {
            pad(w, width.saturating_sub(1 + if_len))?;
            w.write_char('*')?;
        }
        IpAddr::V6(a) => {
            write_aligned(
                w,
                &format_args!("[{a}]"),
                width.saturating_sub(if_len),
                true,
            )?;
        }
    }
    if let Some(name) = ifname {
        w.write_char('%')?;
        w.write_str(name)?;
    }
    Ok(())
}

/// A port cell: the number, or `*` for 0, left-aligned in `width` chars.
pub(crate) fn write_port<W: Write>(w: &mut W, port: u16, width: usize) -> fmt::Result {
    if port == 0 {
        w.write_char('*')?;
        pad(w, width.saturating_sub(1))
    } else {
        Decimal::new(u64::from(port)).write_left_aligned(w, width)
    }
}

/// Recv-Q and Send-Q of a unix socket: RQLEN when the kernel sent it.
pub fn unix_queues(rec: &UnixRecord<'_>) -> (u32, u32) {
    rec.rqlen.unwrap_or((0, 0))
}

/// Writes the header line.
pub fn write_header<W: Write>(w: &mut W, layout: &Layout) -> fmt::Result {
    if layout.netid {
        write!(w, "{:<n$} ", "Netid", n = width::NETID)?;
    }
    if layout.state {
        write!(w, "{:<s$} ", "State", s = width::STATE)?;
    }
    writeln!(
        w,
        "{:<q$} {:<q$} {:>a$}:{:<p$} {:>a$}:Port Process",
        "Recv-Q",
        "Send-Q",
        "Local Address",
        "Port",
        "Peer Address",
        q = width::QUEUE,
        a = width::ADDR,
        p = width::PORT,
    )
}

/// The columns every kind shares before the addresses: Netid and State
/// when the layout shows them, Recv-Q and Send-Q.
pub(crate) fn write_lead<W: Write>(
    w: &mut W,
    layout: &Layout,
    netid: &str,
    state: TcpState,
    recv_q: u32,
    send_q: u32,
) -> fmt::Result {
    if layout.netid {
        write_left_aligned(w, netid, width::NETID)?;
        w.write_char(' ')?;
    }
    if layout.state {
        write_left_aligned(w, state_name(state), width::STATE)?;
        w.write_char(' ')?;
    }
    Decimal::new(recv_q.into()).write_left_aligned(w, width::QUEUE)?;
    w.write_char(' ')?;
    Decimal::new(send_q.into()).write_left_aligned(w, width::QUEUE)?;
    w.write_char(' ')
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use core::net::Ipv4Addr;
    use heapless::String;

    /// The words of `s`, one space between them.
    pub(crate) fn squash(s: &str) -> String<256> {
        let mut out = String::new();
        for (i, word) in s.split_whitespace().enumerate() {
            if i > 0 {
                out.push(' ').unwrap();
            }
            out.push_str(word).unwrap();
        }
        out
    }

    /// The hand-rolled digits and padding agree with `core::fmt`'s.
    #[test]
    fn test_fast_text() {
        for a in [
            [0, 0, 0, 0],
            [127, 0, 0, 1],
            [255, 255, 255, 255],
            [10, 200, 3, 40],
        ] {
            let (mut got, mut want): (String<16>, String<16>) = (String::new(), String::new());
            write_ipv4(&mut got, Ipv4Addr::from(a)).unwrap();
            write!(want, "{}", Ipv4Addr::from(a)).unwrap();
            assert_eq!(got, want);
        }
        for (text, width) in [("", 3), ("ab", 3), ("abcd", 3), ("é", 2), ("x", 40)] {
            let (mut got, mut want): (String<128>, String<128>) = (String::new(), String::new());
            write_right_aligned(&mut got, text, width).unwrap();
            write_left_aligned(&mut got, text, width).unwrap();
            write!(want, "{text:>width$}{text:<width$}").unwrap();
            assert_eq!(got, want);
        }
    }

    #[test]
    fn test_header() {
        let mut s: String<256> = String::new();
        write_header(
            &mut s,
            &Layout {
                netid: true,
                state: true,
                extended: false,
            },
        )
        .unwrap();
        assert_eq!(
            squash(&s),
            "Netid State Recv-Q Send-Q Local Address:Port Peer Address:Port Process"
        );
        s.clear();
        write_header(&mut s, &Layout::default()).unwrap();
        assert_eq!(
            squash(&s),
            "Recv-Q Send-Q Local Address:Port Peer Address:Port Process"
        );
    }
}
