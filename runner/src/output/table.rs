//! The text table: rows are held in one bounded buffer and printed with the
//! widths ss would give them when the listing ends or the buffer fills;
//! after that every row is printed as it comes, with the widths measured so
//! far (a wider cell widens its column from there on). ss holds up to 5 MiB
//! before printing, so every listing that fits [`HOLD_BYTES`] is laid out
//! exactly as ss lays it out, and memory stays flat however many sockets
//! there are.

use std::fmt;
use std::io::{IsTerminal, Write};

use sockdiag_codec::format::columns::{Layout, Rows};

use crate::error::Error;
use crate::output::out::Out;

/// Bytes of rows held before printing: about 10,000 plain rows, 1,500 with
/// `-i`. Pages are touched only as rows arrive, so a short listing costs
/// only what it holds.
pub const HOLD_BYTES: usize = 1024 * 1024;

/// Where the table goes and how it is laid out.
pub struct Table {
    rows: Rows<Vec<u8>>,
    /// The held rows have been printed: rows now go out one by one.
    streaming: bool,
    /// ss on a terminal: the screen's width, spread over the columns, and
    /// every column padded; elsewhere no line ends in spaces.
    screen: Option<usize>,
}

/// The terminal width as ss 7 finds it: stdout's window size on a
/// terminal, else `COLUMNS` when set; `None` for compact output.
fn screen_width() -> Option<usize> {
    let stdout = std::io::stdout();
    if stdout.is_terminal() {
        if let Ok(size) = rustix::termios::tcgetwinsize(&stdout) {
            if size.ws_col > 0 {
                return Some(size.ws_col.into());
            }
        }
    }
    std::env::var("COLUMNS")
        .ok()?
        .trim()
        .parse()
        .ok()
        .filter(|&c: &usize| c > 0)
}

impl Table {
    pub fn new(layout: Layout) -> Table {
        Table::with_buffer(layout, HOLD_BYTES, screen_width())
    }

    fn with_buffer(layout: Layout, bytes: usize, screen: Option<usize>) -> Table {
        let rows = Rows::new(vec![0; bytes], layout);
        Table {
            // HOLD_BYTES is far above the one row of empty cells the
            // buffer needs.
            rows: rows.unwrap_or_else(|| unreachable!("the row buffer is large enough")),
            streaming: false,
            screen,
        }
    }

    /// The header row.
    pub fn header<W: Write>(&mut self, out: &mut Out<W>) -> Result<(), Error> {
        self.row(out, Rows::header_cells)
    }

    /// One row, written by `write` (called again when the buffer was full
    /// and its rows have just been printed).
    pub fn row<W: Write>(
        &mut self,
        out: &mut Out<W>,
        write: impl Fn(&mut Rows<Vec<u8>>) -> fmt::Result,
    ) -> Result<(), Error> {
        self.rows.begin_row();
        let r = write(&mut self.rows);
        out.check(r)?;
        if !self.rows.end_row() {
            self.print(out)?;
            self.rows.begin_row();
            let r = write(&mut self.rows);
            out.check(r)?;
            self.rows.end_row();
        }
        if self.streaming {
            self.print(out)?;
        }
        Ok(())
    }

    /// Prints the rows held, and streams from then on.
    pub fn print<W: Write>(&mut self, out: &mut Out<W>) -> Result<(), Error> {
        let measured = *self.rows.widths();
        let widths = match self.screen {
            Some(cols) => measured.fit_screen(self.rows.layout(), cols),
            None => measured,
        };
        let r = self.rows.render(out, &widths, self.screen.is_some());
        self.rows.clear();
        self.streaming = true;
        out.check(r)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sockdiag_codec::format::columns::{Cells, Column};
    use std::fmt::Write as _;

    fn row<'a>(local: &'a str, port: &'a str) -> impl Fn(&mut Rows<Vec<u8>>) -> fmt::Result + 'a {
        move |r| {
            r.cell(Column::State)?;
            r.write_str("LISTEN")?;
            r.cell(Column::Local)?;
            r.write_str(local)?;
            r.cell(Column::LocalPort)?;
            r.write_str(port)?;
            r.cell(Column::Peer)?;
            r.write_str("*:")?;
            r.cell(Column::PeerPort)?;
            r.write_str("*")
        }
    }

    /// Rows that fit are laid out together; when the buffer fills they are
    /// printed with their widths, and later rows follow those widths,
    /// widening a column only when a cell is wider: the last row's address
    /// moves its port and the peer along, but not the rows before it.
    #[test]
    fn held_rows_then_streaming() {
        let layout = Layout {
            state: true,
            no_queues: true,
            ..Layout::default()
        };
        // Room for the header and two short rows, not a third.
        let mut table = Table::with_buffer(layout, 160, None);
        let mut bytes = Vec::new();
        let mut out = Out::new(&mut bytes);
        table.header(&mut out).unwrap();
        for (local, port) in [
            ("10.0.0.1:", "22"),
            ("10.0.0.2:", "2222"),
            ("10.0.0.3:", "1"),
            ("fd00::1:", "8080"),
            ("[fd00:1234:5678::1]:", "443"),
        ] {
            table.row(&mut out, row(local, port)).unwrap();
        }
        table.print(&mut out).unwrap();
        out.flush().unwrap();
        drop(out);
        let text = String::from_utf8(bytes).unwrap();
        let mut want = String::new();
        for line in [
            "State  Local Address:Port Peer Address:Port",
            "LISTEN      10.0.0.1:22              *:*",
            "LISTEN      10.0.0.2:2222            *:*",
            "LISTEN      10.0.0.3:1               *:*",
            "LISTEN       fd00::1:8080            *:*",
            "LISTEN [fd00:1234:5678::1]:443             *:*",
        ] {
            writeln!(want, "{line}").unwrap();
        }
        assert_eq!(text, want);
    }
}
