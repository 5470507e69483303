//! The Netns column of a listing of every network namespace (`sockdiag
//! --all-netns`): the first cell of each line names the socket's namespace,
//! as `namespace/pod` when its Kubernetes pod is known, else by its label.
//! The runner knows every namespace before the first line, so the column
//! is as wide as its widest cell (up to [`MAX_WIDTH`]).

use core::fmt::{self, Write};

use crate::format::columns::{write_left_aligned, CharCount};
use crate::netns::Netns;

/// The widest the column gets; a longer cell pushes its line right.
pub const MAX_WIDTH: usize = 40;

/// The header's cell.
const TITLE: &str = "Netns";

/// The text of a namespace's cell: `namespace/pod`, or the label.
#[derive(Debug, Clone, Copy)]
pub struct Cell<'a>(pub &'a Netns<'a>);

impl fmt::Display for Cell<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.pod_path() {
            Some((namespace, pod)) => write!(f, "{namespace}/{pod}"),
            None => write!(f, "{}", self.0.label()),
        }
    }
}

/// The column's width for a listing of `namespaces`: its widest cell, at
/// least the title's and at most [`MAX_WIDTH`].
pub fn column_width<'a>(namespaces: impl IntoIterator<Item = &'a Netns<'a>>) -> usize {
    let widest = namespaces
        .into_iter()
        .map(|ns| {
            let mut n = CharCount(0);
            // Counting cannot fail.
            let _ = write!(n, "{}", Cell(ns));
            n.0
        })
        .max()
        .unwrap_or(0);
    widest.clamp(TITLE.len(), MAX_WIDTH)
}

/// The header's first cell, `Netns`, in a column `width` wide.
pub fn write_netns_header<W: Write>(w: &mut W, width: usize) -> fmt::Result {
    write_left_aligned(w, TITLE, width)?;
    w.write_char(' ')
}

/// A line's first cell: `cell` (a [`Cell`] written once per namespace) in
/// a column `width` wide.
pub fn write_netns_cell<W: Write>(w: &mut W, cell: &str, width: usize) -> fmt::Result {
    write_left_aligned(w, cell, width)?;
    w.write_char(' ')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::netns::Pod;
    use heapless::String;

    #[test]
    fn test_cell() {
        let mut ns = Netns {
            inode: 5,
            pid: Some(1),
            ..Netns::default()
        };
        let mut s: String<64> = String::new();
        write!(s, "{}", Cell(&ns)).unwrap();
        assert_eq!(s, "pid:1");
        ns.pod = Pod {
            namespace: Some("default"),
            name: Some("web-0"),
            ..Pod::default()
        };
        s.clear();
        write!(s, "{}", Cell(&ns)).unwrap();
        assert_eq!(s, "default/web-0");
        // A pod UID alone does not make a cell: the label stays.
        ns.pod.name = None;
        s.clear();
        write!(s, "{}", Cell(&ns)).unwrap();
        assert_eq!(s, "pid:1");
    }

    #[test]
    fn test_width() {
        let short = Netns {
            name: Some("a"),
            ..Netns::default()
        };
        let pid = Netns {
            pid: Some(123456),
            ..Netns::default()
        };
        let long = Netns {
            name: Some("a-name-longer-than-the-widest-column-allowed"),
            ..Netns::default()
        };
        assert_eq!(column_width([&short]), 5);
        assert_eq!(column_width([&short, &pid]), 10);
        assert_eq!(column_width([&short, &long]), MAX_WIDTH);
        assert_eq!(column_width([]), 5);
        let mut s: String<64> = String::new();
        write_netns_header(&mut s, 10).unwrap();
        write_netns_cell(&mut s, "pid:123456", 10).unwrap();
        write_netns_cell(&mut s, &long.name.unwrap()[..12], 10).unwrap();
        assert_eq!(s, "Netns      pid:123456 a-name-longe ");
    }
}
