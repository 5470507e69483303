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
