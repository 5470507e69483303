//! The kernel's /proc text tables, for what sock_diag does not answer: a
//! table whose diag module is missing, `-s`'s counters, and the accept
//! queues' overflow counters of `watch` and the metrics. Each parser
//! takes one line at a time, so the runner can stream a file.

pub mod columns;
pub mod inet;
pub mod netlink;
pub mod netstat;
pub mod packet;
pub mod sockstat;
pub mod unix;

/// The socket tables under `/proc/net` that stand in for a diag module.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProcFile {
    /// `tcp`: [`inet`], [`inet::Table::Tcp`].
    Tcp,
    /// `tcp6`
    Tcp6,
    /// `udp`: [`inet`], [`inet::Table::Udp`].
    Udp,
    /// `udp6`
    Udp6,
    /// `raw`: [`inet`], [`inet::Table::Raw`].
    Raw,
    /// `raw6`
    Raw6,
    /// `unix`: [`unix`].
    Unix,
    /// `packet`: [`packet`].
    Packet,
    /// `netlink`: [`netlink`].
    Netlink,
}

impl ProcFile {
    /// Every table.
    pub const ALL: [ProcFile; 9] = [
        ProcFile::Tcp,
        ProcFile::Tcp6,
        ProcFile::Udp,
        ProcFile::Udp6,
        ProcFile::Raw,
        ProcFile::Raw6,
        ProcFile::Unix,
        ProcFile::Packet,
        ProcFile::Netlink,
    ];

    /// The file's name in `/proc/net`.
    pub const fn name(self) -> &'static str {
        match self {
            ProcFile::Tcp => "tcp",
            ProcFile::Tcp6 => "tcp6",
            ProcFile::Udp => "udp",
            ProcFile::Udp6 => "udp6",
            ProcFile::Raw => "raw",
            ProcFile::Raw6 => "raw6",
            ProcFile::Unix => "unix",
            ProcFile::Packet => "packet",
            ProcFile::Netlink => "netlink",
        }
    }

    /// The layout of an IP table's lines, `None` for the others.
    pub const fn inet_table(self) -> Option<inet::Table> {
        match self {
            ProcFile::Tcp | ProcFile::Tcp6 => Some(inet::Table::Tcp),
            ProcFile::Udp | ProcFile::Udp6 => Some(inet::Table::Udp),
            ProcFile::Raw | ProcFile::Raw6 => Some(inet::Table::Raw),
            ProcFile::Unix | ProcFile::Packet | ProcFile::Netlink => None,
        }
    }
}
