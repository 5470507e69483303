//! ss's columns: which are shown ([`Layout`]), the cells a text formatter
//! writes ([`Cells`]), the widths ss measures over the rows ([`Widths`]),
//! a bounded buffer of rows ([`Rows`]) and their rendering with ss's
//! alignment ([`Rows::render`]). Mirrors the `columns[]` table and the
//! `render*`/`field_*` functions of iproute2's `misc/ss.c`.
//!
//! ss writes every field of every row into a buffer, measures each
//! column's widest field, then prints: each column but the first after its
//! delimiter (a space, none before a port or the process and detail
//! columns), the address columns right-aligned, the others left-aligned.
//! Widths count bytes, as ss counts them. Not on a terminal, ss 7 pads no
//! column after the last one with text; on a terminal it spreads the
//! screen's width over the columns ([`Widths::fit_screen`]).

use core::fmt::{self, Write};
use core::net::IpAddr;

use crate::format::names::state_name;
use crate::format::number::Decimal;
use crate::wire::inet::TcpState;
use crate::wire::unix::UnixRecord;

/// One of ss's columns, in the order they are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Column {
    /// `Netns`: the socket's network namespace (`--all-netns`).
    Netns,
    /// `Netid`: tcp, udp, u_str, ...
    Netid,
    /// `State`
    State,
    /// `Recv-Q`
    RecvQ,
    /// `Send-Q`
    SendQ,
    /// `Local Address:`, the address and the `:` (or space) before the port.
    Local,
    /// The local `Port` (or inode, interface, port id).
    LocalPort,
    /// `Peer Address:`
    Peer,
    /// The peer `Port`.
    PeerPort,
    /// `Process`: ` users:((...))` (only with `-p`).
    Process,
    /// What follows: `-e`, `-o`, `-m`, `-i` members and detail lines.
    Details,
}

/// How many columns there are.
pub const COLUMNS: usize = 11;

impl Column {
    /// Every column, in order.
    pub const ALL: [Column; COLUMNS] = [
        Column::Netns,
        Column::Netid,
        Column::State,
        Column::RecvQ,
        Column::SendQ,
        Column::Local,
        Column::LocalPort,
        Column::Peer,
        Column::PeerPort,
        Column::Process,
        Column::Details,
    ];

    /// The column's place in [`Column::ALL`].
    pub const fn index(self) -> usize {
        self as usize
    }

    /// The header text.
    pub const fn header(self) -> &'static str {
        match self {
            Column::Netns => "Netns",
            Column::Netid => "Netid",
            Column::State => "State",
            Column::RecvQ => "Recv-Q",
            Column::SendQ => "Send-Q",
            Column::Local => "Local Address:",
            Column::LocalPort | Column::PeerPort => "Port",
            Column::Peer => "Peer Address:",
            Column::Process => "Process",
            Column::Details => "",
        }
    }

    /// Address columns are right-aligned against their port.
    pub const fn right_aligned(self) -> bool {
        matches!(self, Column::Local | Column::Peer)
    }

    /// What separates the column from the one before it (nothing before
    /// the first column shown): the address cell ends in the `:` that
    /// joins it to its port, and the process and detail texts start with
    /// their own space.
    pub const fn delimiter(self) -> &'static str {
        match self {
            Column::LocalPort | Column::PeerPort | Column::Process | Column::Details => "",
            _ => " ",
        }
    }

    /// ss prints the queues with `%-6d`: never narrower than 6.
    const fn min_width(self) -> usize {
        match self {
            Column::RecvQ | Column::SendQ => 6,
            _ => 0,
        }
    }
}

/// Which columns a listing shows, and whether `-e`'s members follow them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Layout {
    /// Print the Netns column first (`--all-netns`).
    pub netns: bool,
    /// Print the Netid column (ss does when more than one table is shown).
    pub netid: bool,
    /// Print the State column (ss drops it when one state is selected).
    pub state: bool,
    /// `-Q`: leave out Recv-Q and Send-Q.
    pub no_queues: bool,
    /// `-p`: the Process column (ss 7 shows it, and its header, only then).
    pub process: bool,
    /// `-e`: timer, uid, inode, cookie, mark, v6only and shutdown after the
    /// columns (for unix: shutdown, bound file and pending connections).
    pub extended: bool,
}

impl Layout {
    /// Whether `column` is printed.
    pub const fn shows(&self, column: Column) -> bool {
        match column {
            Column::Netns => self.netns,
            Column::Netid => self.netid,
            Column::State => self.state,
            Column::RecvQ | Column::SendQ => !self.no_queues,
            Column::Process => self.process,
            _ => true,
        }
    }

    /// The columns printed, in order.
    pub fn shown(&self) -> impl Iterator<Item = Column> + '_ {
        Column::ALL.into_iter().filter(|&c| self.shows(c))
    }
}

/// A text writer that can take ASCII text at hand as bytes (digits, an
/// address): a char at a time unless it stores bytes (the row buffer
/// copies them at once, without a UTF-8 check).
pub trait AsciiWrite: Write {
    /// Writes `text`, which is ASCII.
    fn write_ascii(&mut self, text: &[u8]) -> fmt::Result {
        text.iter()
            .try_for_each(|&b| self.write_char(char::from(b)))
    }
}

impl AsciiWrite for fmt::Formatter<'_> {}

/// What a text formatter writes a row into: text, cut into cells. A
/// formatter starts each column's cell in order and writes its text;
/// writing to a column the layout does not show costs nothing and is
/// dropped, so formatters need not know the layout.
pub trait Cells: AsciiWrite {
    /// Ends the cell being written and starts `column`'s. Columns skipped
    /// are left empty; a column before the current one is ignored (the
    /// text goes on into the current cell).
    fn cell(&mut self, column: Column) -> fmt::Result;
}

/// Where rendered rows go: the bytes of the cells as they were written,
/// and padding. A separate trait from `fmt::Write` so stored cells are
/// copied as bytes, without checking them again as UTF-8.
pub trait RowOut {
    /// Writes bytes that came from `fmt::Write::write_str` pieces.
    fn write_bytes(&mut self, bytes: &[u8]) -> fmt::Result;

    /// `n` spaces.
    fn write_spaces(&mut self, mut n: usize) -> fmt::Result {
        while n > 0 {
            let k = n.min(SPACES.len());
            self.write_bytes(&SPACES.as_bytes()[..k])?;
            n -= k;
        }
        Ok(())
    }
}

/// Each column's width in bytes: the widest cell measured so far (the
/// header included), at least what ss's format gives (6 for the queues).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Widths([usize; COLUMNS]);

impl Default for Widths {
    fn default() -> Widths {
        let mut w = [0; COLUMNS];
        let mut i = 0;
        while i < COLUMNS {
            w[i] = Column::ALL[i].min_width();
            i += 1;
        }
        Widths(w)
    }
}

impl Widths {
    /// The width of `column`.
    pub const fn get(&self, column: Column) -> usize {
        self.0[column.index()]
    }

    /// Widens `column` to hold `len` bytes.
    pub fn measure(&mut self, column: Column, len: usize) {
        let w = &mut self.0[column.index()];
        *w = (*w).max(len);
    }

    /// Widens every column to hold what `other` measured.
    pub fn merge(&mut self, other: &Widths) {
        for (w, o) in self.0.iter_mut().zip(other.0) {
            *w = (*w).max(o);
        }
    }

    /// ss's layout on a terminal `screen` columns wide: the spare width of
    /// each screen line is spread over its columns (the first ones get the
    /// remainder), and columns that do not fit start a new screen line, so
    /// the terminal wraps them at a column's edge. As ss's
    /// `render_calc_width`, whose widths include the delimiter before the
    /// column; the result does not.
    pub fn fit_screen(&self, layout: &Layout, screen: usize) -> Widths {
        // With the delimiter, as ss counts; 0 for a column not shown or
        // empty.
        let mut total = [0usize; COLUMNS];
        let mut first = true;
        for c in layout.shown() {
            let w = self.get(c);
            total[c.index()] = if !first && w > 0 {
                w + c.delimiter().len()
            } else {
                w
            }
            .min(screen);
            if total[c.index()] > 0 {
                first = false;
            }
        }
        let (mut len, mut linecols, mut line_start) = (0usize, 0usize, 0usize);
        let mut i = 0;
        while i < COLUMNS {
            if total[i] == 0 {
                i += 1;
                continue;
            }
            linecols += 1;
            len += total[i];
            let last = total[i + 1..].iter().all(|&t| t == 0);
            if !last && len < screen {
                i += 1;
                continue;
            }
            if len != screen {
                let mut end = i;
                if len > screen && linecols > 1 {
                    // This column starts the next screen line.
                    len -= total[i];
                    linecols -= 1;
                    end = i - 1;
                }
                let spare = screen.saturating_sub(len);
                let (each, mut rem) = (spare / linecols.max(1), spare % linecols.max(1));
                for t in total[line_start..=end].iter_mut().rev() {
                    if *t == 0 {
                        continue;
                    }
                    *t += each;
                    if rem > 0 {
                        *t += 1;
                        rem -= 1;
                    }
                }
                i = end;
            }
            line_start = i + 1;
            len = 0;
            linecols = 0;
            i += 1;
        }
        let mut out = *self;
        let mut first = true;
        for c in layout.shown() {
            let t = total[c.index()];
            if t == 0 {
                continue;
            }
            out.0[c.index()] = if first { t } else { t - c.delimiter().len() };
            first = false;
        }
        out
    }
}

/// Bytes of a cell's length in [`Rows`]' buffer.
const LEN_BYTES: usize = 4;

/// The smallest buffer [`Rows`] takes: room for one row of empty cells.
pub const MIN_ROWS_BUF: usize = COLUMNS * LEN_BYTES;

/// Rows kept in a caller's buffer `B` until they are printed, with the widths
/// measured over them. A row is stored as the lengths of its shown cells
/// (native order), then their bytes as they were written, once: cells are
/// padded only when the rows are rendered. A hidden column's text is
/// dropped as it is written.
///
/// A row that does not fit while other rows are held is dropped whole, and
/// [`Rows::end_row`] returns false: the caller prints the rows held,
/// clears, and writes the row again. A row longer than the empty buffer
/// has its cells cut (ss cuts a field at 64 KiB).
#[derive(Debug)]
pub struct Rows<B> {
    buf: B,
    layout: Layout,
    /// The columns shown, in order: the cells of each row.
    shown: [Column; COLUMNS],
    shown_len: usize,
    /// For each column, how many shown columns come before it: its cell's
    /// place in a row when it is shown.
    slot: [u8; COLUMNS],
    /// Bit `i` set when column `i` is shown.
    shown_mask: u16,
    /// Bytes of the complete rows.
    held: usize,
    /// Where the row being written goes on.
    end: usize,
    /// The ends of the row's cells that are complete, `done` of them.
    ends: [usize; COLUMNS],
    done: usize,
    /// Text written now goes into cell `done` (else it is dropped).
    open: bool,
    /// Columns before this index take no more cells in this row.
    next: usize,
    /// The row being written did not fit.
    overflow: bool,
    widths: Widths,
    rows: usize,
}

impl<B: AsRef<[u8]> + AsMut<[u8]>> Rows<B> {
    /// No rows, in `buf`; `None` when `buf` is shorter than
    /// [`MIN_ROWS_BUF`].
    pub fn new(buf: B, layout: Layout) -> Option<Rows<B>> {
        if buf.as_ref().len() < MIN_ROWS_BUF {
            return None;
        }
        let mut shown = [Column::Details; COLUMNS];
        let mut slot = [0; COLUMNS];
        let mut shown_mask = 0;
        let mut shown_len = 0;
        for c in Column::ALL {
            slot[c.index()] = shown_len as u8;
            if layout.shows(c) {
                shown_mask |= 1 << c.index();
            }
            if let Some(s) = shown.get_mut(shown_len).filter(|_| layout.shows(c)) {
                *s = c;
                shown_len += 1;
            }
        }
        let mut rows = Rows {
            buf,
            layout,
            shown,
            shown_len,
            slot,
            shown_mask,
            held: 0,
            end: 0,
            ends: [0; COLUMNS],
            done: 0,
            open: false,
            next: 0,
            overflow: false,
            widths: Widths::default(),
            rows: 0,
        };
        rows.begin_row();
        Some(rows)
    }

    /// The layout rows are stored for.
    pub const fn layout(&self) -> &Layout {
        &self.layout
    }

    /// How many complete rows are held.
    pub const fn len(&self) -> usize {
        self.rows
    }

    /// True when no row is held.
    pub const fn is_empty(&self) -> bool {
        self.rows == 0
    }

    /// The widths of every row ended since the last [`Rows::reset`].
    pub const fn widths(&self) -> &Widths {
        &self.widths
    }

    // Hinted for x86-64's static build, which inlines little unhinted
    // (-inline-threshold=5, .cargo/config.toml): once per row and cell.
    /// Starts a row, dropping an unfinished one: its text starts after
    /// the lengths of its cells.
    #[cfg_attr(target_arch = "x86_64", inline)]
    pub fn begin_row(&mut self) {
        self.end = self.held + self.shown_len * LEN_BYTES;
        // An empty buffer has room for every length of a row.
        self.overflow = self.end > self.buf.as_ref().len();
        self.done = 0;
        self.open = false;
        self.next = 0;
    }

    /// Writes the header's cells: each shown column's name.
    pub fn header_cells(&mut self) -> fmt::Result {
        for c in Column::ALL {
            self.cell(c)?;
            self.write_str(c.header())?;
        }
        Ok(())
    }

    /// Ends the row: true when it is held, false when it did not fit and
    /// other rows are held (it is dropped).
    pub fn end_row(&mut self) -> bool {
        self.close_cells(self.shown_len);
        let held = !self.dropping();
        if held {
            let mut start = self.held + self.shown_len * LEN_BYTES;
            let (lens, widths) = (self.held..start, &mut self.widths.0);
            let slots = self.ends.iter().zip(&self.shown).take(self.shown_len);
            if let Some(lens) = self.buf.as_mut().get_mut(lens) {
                for (slot, (&end, c)) in lens.chunks_exact_mut(LEN_BYTES).zip(slots) {
                    let len = end - start;
                    slot.copy_from_slice(&(len as u32).to_ne_bytes());
                    let w = &mut widths[c.index()];
                    *w = (*w).max(len);
                    start = end;
                }
            }
            self.held = self.end;
            self.rows += 1;
        }
        self.begin_row();
        held
    }

    /// Drops every row; the widths stay, so later rows line up with the
    /// printed ones unless they are wider.
    pub fn clear(&mut self) {
        self.held = 0;
        self.rows = 0;
        self.begin_row();
    }

    /// Drops every row and forgets the widths.
    pub fn reset(&mut self) {
        self.clear();
        self.widths = Widths::default();
    }

    /// Prints the rows held with `widths`: each shown column's cell,
    /// padded to its width as ss aligns it, after the column's delimiter
    /// (not before the first one), then a newline. Without `pad_end` no
    /// line ends in spaces: nothing is written after the last cell with
    /// text, and no column is padded when the rest of its line is empty (a
    /// detail cell that starts with a newline starts the next line).
    pub fn render<W: RowOut>(&self, w: &mut W, widths: &Widths, pad_end: bool) -> fmt::Result {
        let shown = &self.shown[..self.shown_len];
        // Each shown column's width, whether a space comes before it (not
        // before the first), and whether it is right-aligned.
        let mut plan = [(0, false, false); COLUMNS];
        for (i, (p, &c)) in plan.iter_mut().zip(shown).enumerate() {
            *p = (
                widths.get(c),
                i > 0 && c.delimiter() == " ",
                c.right_aligned(),
            );
        }
        let buf = self.buf.as_ref();
        let mut at = 0;
        for _ in 0..self.rows {
            let lens = buf
                .get(at..at + shown.len() * LEN_BYTES)
                .ok_or(fmt::Error)?;
            at += lens.len();
            let mut cells: [&[u8]; COLUMNS] = [&[]; COLUMNS];
            for (cell, len) in cells.iter_mut().zip(lens.chunks_exact(LEN_BYTES)) {
                let len = u32::from_ne_bytes(len.try_into().map_err(|_| fmt::Error)?) as usize;
                *cell = buf.get(at..at + len).ok_or(fmt::Error)?;
                at += len;
            }
            let cells = &cells[..shown.len()];
            // The cells written: up to the last with text, padded up to
            // the last with text on this line (an address cell before
            // it padded too).
            let (last, pad_until) = match pad_end {
                true => (shown.len(), shown.len()),
                false => {
                    let last = cells.iter().rposition(|t| !t.is_empty());
                    let on_line = cells
                        .iter()
                        .rposition(|t| t.first().is_some_and(|&b| b != b'\n'));
                    let last = last.map_or(0, |i| i + 1);
                    (last, on_line.map_or(0, |i| i + 1))
                }
            };
            for (i, (&(width, space, right), &text)) in
                plan.iter().zip(cells).take(last).enumerate()
            {
                if space {
                    w.write_bytes(b" ")?;
                }
                let fill = width.saturating_sub(text.len());
                let pad = i + 1 < pad_until;
                if right {
                    if i < pad_until {
                        w.write_spaces(fill)?;
                    }
                    w.write_bytes(text)?;
                } else {
                    w.write_bytes(text)?;
                    if pad || pad_end {
                        w.write_spaces(fill)?;
                    }
                }
            }
            w.write_bytes(b"\n")?;
        }
        Ok(())
    }

    /// A row being dropped stores nothing more.
    fn dropping(&self) -> bool {
        self.overflow && self.rows > 0
    }

    /// Ends the cells before place `slot` of the row: the open one and
    /// those left empty.
    #[cfg_attr(target_arch = "x86_64", inline)]
    fn close_cells(&mut self, slot: usize) {
        while self.done < slot {
            if let Some(end) = self.ends.get_mut(self.done) {
                *end = self.end;
            }
            self.done += 1;
        }
        self.open = false;
    }

    /// A piece that does not fit: dropped with its row when other rows
    /// are held, else cut at a char boundary, so stored cells stay UTF-8.
    #[cold]
    fn write_cut(&mut self, s: &str) -> fmt::Result {
        self.overflow = true;
        if self.dropping() {
            self.open = false;
            return Ok(());
        }
        let mut n = self.buf.as_ref().len().saturating_sub(self.end);
        while !s.is_char_boundary(n) {
            n -= 1;
        }
        if let (Some(dst), Some(src)) = (
            self.buf.as_mut().get_mut(self.end..self.end + n),
            s.as_bytes().get(..n),
        ) {
            dst.copy_from_slice(src);
            self.end += n;
        }
        Ok(())
    }
}

impl<B: AsRef<[u8]> + AsMut<[u8]>> Write for Rows<B> {
    #[cfg_attr(target_arch = "x86_64", inline(always))]
    fn write_str(&mut self, s: &str) -> fmt::Result {
        if !self.open {
            return Ok(());
        }
        let end = self.end + s.len();
        match self.buf.as_mut().get_mut(self.end..end) {
            Some(dst) => {
                copy_small(dst, s.as_bytes());
                self.end = end;
                Ok(())
            }
            None => self.write_cut(s),
        }
    }

    // The default goes through `encode_utf8` and `write_str`; the
    // formatters write separators and digits a char at a time, and an
    // ASCII char is one byte.
    #[cfg_attr(target_arch = "x86_64", inline(always))]
    fn write_char(&mut self, c: char) -> fmt::Result {
        if let (Ok(byte), true) = (u8::try_from(c), self.open) {
            if let Some(slot) = self
                .buf
                .as_mut()
                .get_mut(self.end)
                .filter(|_| byte.is_ascii())
            {
                *slot = byte;
                self.end += 1;
                return Ok(());
            }
        }
        self.write_str(c.encode_utf8(&mut [0; 4]))
    }
}

impl<B: AsRef<[u8]> + AsMut<[u8]>> Cells for Rows<B> {
    fn cell(&mut self, column: Column) -> fmt::Result {
        let i = column.index();
        if i < self.next {
            return Ok(());
        }
        self.next = i + 1;
        self.close_cells(self.slot[i].into());
        self.open = self.shown_mask & (1 << i) != 0 && !self.dropping();
        Ok(())
    }
}

impl<B: AsRef<[u8]> + AsMut<[u8]>> AsciiWrite for Rows<B> {
    #[cfg_attr(target_arch = "x86_64", inline(always))]
    fn write_ascii(&mut self, text: &[u8]) -> fmt::Result {
        if !self.open {
            return Ok(());
        }
        let end = self.end + text.len();
        match self.buf.as_mut().get_mut(self.end..end) {
            Some(dst) => {
                copy_small(dst, text);
                self.end = end;
                Ok(())
            }
            // Cut or dropped; ASCII is UTF-8 as it is.
            None => self.write_cut(core::str::from_utf8(text).map_err(|_| fmt::Error)?),
        }
    }
}

/// Copies a short piece with fixed-size moves (two overlapping ones cover
/// any length in a range): a memcpy call per piece costs more than the
/// copy, with musl's memcpy above all. `dst` and `src` have one length.
#[inline]
pub fn copy_small(dst: &mut [u8], src: &[u8]) {
    let n = src.len();
    if dst.len() != n {
        return;
    }
    match n {
        0 => {}
        1..=3 => {
            dst[0] = src[0];
            dst[n / 2] = src[n / 2];
            dst[n - 1] = src[n - 1];
        }
        4..=7 => {
            dst[..4].copy_from_slice(&src[..4]);
            dst[n - 4..].copy_from_slice(&src[n - 4..]);
        }
        8..=16 => {
            dst[..8].copy_from_slice(&src[..8]);
            dst[n - 8..].copy_from_slice(&src[n - 8..]);
        }
        _ => dst.copy_from_slice(src),
    }
}

const SPACES: &str = "                                ";

/// Dotted quad, without `Ipv4Addr`'s `Display` (which goes through the
/// padding machinery for every address), gathered and written as one
/// piece.
fn write_ipv4<W: Cells>(w: &mut W, a: core::net::Ipv4Addr) -> fmt::Result {
    // Each octet's digits and a dot are written as 4 bytes, of which
    // `len` count.
    let mut text = [0u8; 16];
    let mut n = 0;
    for octet in a.octets() {
        let (d, len) = match octet {
            0..=9 => ([b'0' + octet, b'.', 0, 0], 2),
            10..=99 => ([b'0' + octet / 10, b'0' + octet % 10, b'.', 0], 3),
            _ => {
                let (h, t, u) = (octet / 100, octet / 10 % 10, octet % 10);
                ([b'0' + h, b'0' + t, b'0' + u, b'.'], 4)
            }
        };
        if let Some(dst) = text.get_mut(n..n + 4) {
            dst.copy_from_slice(&d);
        }
        n += len;
    }
    // Without the last dot.
    w.write_ascii(text.get(..n.saturating_sub(1)).unwrap_or(&[]))
}

/// Writes an inet address cell as ss does: the address (`name` in its
/// place when `-r` found one), a dual-stack IPv6 wildcard as `*`, IPv6 in
/// brackets, `%ifname` when bound to a device, then the `:` before the
/// port.
pub(crate) fn write_address<W: Cells>(
    w: &mut W,
    addr: IpAddr,
    name: Option<&str>,
    ifname: Option<&str>,
    v6only: bool,
) -> fmt::Result {
    match (addr, name) {
        // ss shows a dual-stack wildcard as `*`, a v6-only one as `[::]`.
        (IpAddr::V6(a), _) if a.is_unspecified() && !v6only => w.write_char('*')?,
        // A numeric IPv6 address is bracketed, a name is not.
        (_, Some(n)) if n.contains(':') => write!(w, "[{n}]")?,
        (_, Some(n)) => w.write_str(n)?,
        (IpAddr::V4(a), None) => write_ipv4(w, a)?,
        (IpAddr::V6(a), None) => write!(w, "[{a}]")?,
    }
    if let Some(n) = ifname {
        w.write_char('%')?;
        w.write_str(n)?;
    }
    w.write_char(':')
}

/// Writes a port cell: `*` for 0, the service name when there is one
/// (ss's `resolve_service`, without `-n`), else the number.
pub(crate) fn write_port<W: Cells>(w: &mut W, port: u16, name: Option<&str>) -> fmt::Result {
    match (port, name) {
        (0, _) => w.write_char('*'),
        (_, Some(n)) => w.write_str(n),
        (p, None) => w.write_ascii(Decimal::new(u64::from(p)).as_bytes()),
    }
}

/// Recv-Q and Send-Q of a unix socket: RQLEN when the kernel sent it.
pub fn unix_queues(rec: &UnixRecord<'_>) -> (u32, u32) {
    rec.rqlen.unwrap_or((0, 0))
}

/// The cells every kind shares before the addresses: Netid, State,
/// Recv-Q and Send-Q; then starts the local address cell.
pub(crate) fn write_lead<W: Cells>(
    w: &mut W,
    netid: &str,
    state: TcpState,
    recv_q: u32,
    send_q: u32,
) -> fmt::Result {
    w.cell(Column::Netid)?;
    w.write_str(netid)?;
    w.cell(Column::State)?;
    w.write_str(state_name(state))?;
    w.cell(Column::RecvQ)?;
    w.write_ascii(Decimal::new(recv_q.into()).as_bytes())?;
    w.cell(Column::SendQ)?;
    w.write_ascii(Decimal::new(send_q.into()).as_bytes())?;
    w.cell(Column::Local)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use core::net::Ipv4Addr;
    use heapless::{String, Vec};

    impl<const N: usize> AsciiWrite for String<N> {}

    impl<const N: usize> Cells for String<N> {
        fn cell(&mut self, _: Column) -> fmt::Result {
            Ok(())
        }
    }

    impl<const N: usize> RowOut for String<N> {
        fn write_bytes(&mut self, bytes: &[u8]) -> fmt::Result {
            self.push_str(core::str::from_utf8(bytes).map_err(|_| fmt::Error)?)
                .map_err(|_| fmt::Error)
        }
    }

    pub(crate) type TestRows = Rows<[u8; 2048]>;

    /// Lays out rows written by `rows` as ss does, not padding line ends.
    pub(crate) fn laid_out(layout: Layout, rows: impl FnOnce(&mut TestRows)) -> String<2048> {
        let mut r = Rows::new([0u8; 2048], layout).unwrap();
        rows(&mut r);
        let mut s = String::new();
        r.render(&mut s, &r.widths().clone(), false).unwrap();
        s
    }

    /// One row written by `f`, laid out alone (no header), without the
    /// newline.
    pub(crate) fn row(
        layout: Layout,
        f: impl FnOnce(&mut TestRows) -> fmt::Result,
    ) -> String<2048> {
        let mut s = laid_out(layout, |r| {
            r.begin_row();
            f(r).unwrap();
            assert!(r.end_row());
        });
        s.pop();
        s
    }

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

    const ALL: Layout = Layout {
        netns: false,
        netid: true,
        state: true,
        no_queues: false,
        process: false,
        extended: false,
    };

    /// A row of text cells, for the layout tests.
    fn text_row<B: AsRef<[u8]> + AsMut<[u8]>>(r: &mut Rows<B>, cells: &[(Column, &str)]) {
        r.begin_row();
        for (c, t) in cells {
            r.cell(*c).unwrap();
            r.write_str(t).unwrap();
        }
        assert!(r.end_row());
    }

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
        for n in 0..40 {
            let src: Vec<u8, 40> = (0..n as u8).collect();
            let mut dst = [0u8; 40];
            copy_small(&mut dst[..n], &src);
            assert_eq!(&dst[..n], &src[..]);
        }
    }

    /// ss's alignment: the header and rows measured together, addresses
    /// right-aligned against their `:`, a space before each column but
    /// the ports, nothing after the last text.
    #[test]
    fn test_header() {
        let s = laid_out(ALL, |r| {
            r.begin_row();
            r.header_cells().unwrap();
            assert!(r.end_row());
            text_row(
                r,
                &[
                    (Column::Netid, "tcp"),
                    (Column::State, "LISTEN"),
                    (Column::RecvQ, "0"),
                    (Column::SendQ, "128"),
                    (Column::Local, "127.0.0.1:"),
                    (Column::LocalPort, "8081"),
                    (Column::Peer, "0.0.0.0:"),
                    (Column::PeerPort, "*"),
                ],
            );
        });
        assert_eq!(
            s.as_str(),
            "Netid State  Recv-Q Send-Q Local Address:Port Peer Address:Port\n\
             tcp   LISTEN 0      128        127.0.0.1:8081      0.0.0.0:*\n"
        );
        // -Q, no State, -p: the Process header, and no queues.
        let layout = Layout {
            state: false,
            no_queues: true,
            process: true,
            ..ALL
        };
        let s = laid_out(layout, |r| {
            r.begin_row();
            r.header_cells().unwrap();
            assert!(r.end_row());
        });
        assert_eq!(
            s.as_str(),
            "Netid Local Address:Port Peer Address:PortProcess\n"
        );
    }

    #[test]
    fn test_no_trailing_padding() {
        let s = laid_out(ALL, |r| {
            text_row(r, &[(Column::Netid, "udp"), (Column::PeerPort, "53")]);
            text_row(
                r,
                &[
                    (Column::Netid, "u_str"),
                    (Column::PeerPort, "12345"),
                    (Column::Details, " ino:1"),
                ],
            );
            text_row(
                r,
                &[
                    (Column::Netid, "tcp"),
                    (Column::PeerPort, "1"),
                    (Column::Details, "\n\tskmem:()"),
                ],
            );
        });
        // A column that is empty in every row is still delimited; the
        // queues are 6 wide even when empty. A detail cell that starts a
        // new line leaves no padding at the end of the first.
        let mut want: String<128> = String::new();
        let (a, b) = (19, 17);
        write!(
            want,
            "udp{:a$}53\nu_str{:b$}12345 ino:1\ntcp{:a$}1\n\tskmem:()\n",
            "", "", ""
        )
        .unwrap();
        assert_eq!(s, want);
    }

    #[test]
    fn test_fit_screen() {
        // ss on an 80-column terminal, `ss -tln` header widths.
        let mut w = Widths::default();
        for (c, n) in [
            (Column::State, 6),
            (Column::Local, 14),
            (Column::LocalPort, 4),
            (Column::Peer, 13),
            (Column::PeerPort, 4),
        ] {
            w.measure(c, n);
        }
        let layout = Layout {
            netid: false,
            ..ALL
        };
        let fit = w.fit_screen(&layout, 80);
        // 6+7+7+15+4+14+4 = 57 with delimiters; 23 spare over 7 columns:
        // 3 each, the 2 left over to the last two.
        let got: Vec<usize, 10> = layout.shown().map(|c| fit.get(c)).collect();
        assert_eq!(&got[..], &[9, 9, 9, 17, 7, 17, 8, 0]);
        // Too narrow: a screen line breaks before the peer address.
        let fit = w.fit_screen(&layout, 40);
        let got: Vec<usize, 10> = layout.shown().map(|c| fit.get(c)).collect();
        // The first screen line (up to the local port) has 1 spare, the
        // second (peer address and port) 22.
        assert_eq!(&got[..], &[6, 6, 6, 14, 5, 24, 15, 0]);
    }

    #[test]
    fn test_truncated() {
        // No room for even one row's lengths.
        assert!(Rows::new([0u8; MIN_ROWS_BUF - 1], ALL).is_none());
        // A row that does not fit after another is refused whole, and
        // fits alone once the buffer is empty.
        let mut r = Rows::new([0u8; 64], ALL).unwrap();
        text_row(&mut r, &[(Column::Netid, "tcp")]);
        r.begin_row();
        r.cell(Column::Local).unwrap();
        r.write_str("0123456789").unwrap();
        assert!(!r.end_row());
        assert_eq!(r.len(), 1);
        r.clear();
        r.begin_row();
        r.cell(Column::Local).unwrap();
        r.write_str("0123456789").unwrap();
        assert!(r.end_row());
        // Alone and too long, a row is cut at a char boundary.
        r.clear();
        r.begin_row();
        r.cell(Column::Details).unwrap();
        r.write_str("ééééééééééééééééééééééééééééééé").unwrap();
        assert!(r.end_row());
        let mut s: String<128> = String::new();
        r.render(&mut s, &Widths::default(), false).unwrap();
        assert!(s.ends_with("é\n") && s.len() < 64, "{s:?}");
    }

    #[test]
    fn test_out_of_order_cells() {
        let s = row(ALL, |r| {
            r.cell(Column::Local)?;
            r.write_str("a:")?;
            r.cell(Column::Netid)?;
            r.write_str("b")
        });
        assert_eq!(squash(&s), "a:b");
    }
}
