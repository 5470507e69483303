//! The Netns column of a listing of every network namespace (`sockdiag
//! --all-netns`): the first cell of each line names the socket's namespace,
//! as `namespace/pod` when its Kubernetes pod is known, else by its label.
//! The column is laid out as the others ([`crate::format::columns`]): as
//! wide as its widest cell.

use core::fmt;

use crate::netns::Netns;

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::netns::Pod;
    use core::fmt::Write;
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

    /// The column is as wide as its widest cell, the header's included,
    /// and leads every row.
    #[test]
    fn test_width() {
        use crate::format::columns::tests::laid_out;
        use crate::format::columns::{Cells, Column, Layout};
        let layout = Layout {
            netns: true,
            no_queues: true,
            ..Layout::default()
        };
        let s = laid_out(layout, |r| {
            r.begin_row();
            r.header_cells().unwrap();
            assert!(r.end_row());
            for cell in ["a", "pid:123456"] {
                r.begin_row();
                r.cell(Column::Netns).unwrap();
                r.write_str(cell).unwrap();
                r.cell(Column::Local).unwrap();
                r.write_str("*:").unwrap();
                r.cell(Column::LocalPort).unwrap();
                r.write_str("22").unwrap();
                assert!(r.end_row());
            }
        });
        assert_eq!(
            s.as_str(),
            "Netns      Local Address:Port Peer Address:Port\n\
             a                      *:22\n\
             pid:123456             *:22\n"
        );
    }
}
