//! The /proc fallback, as ss has it: a table whose dump the kernel cannot
//! serve (no sock_diag at all, or a dump ending in ENOENT or
//! EPROTONOSUPPORT because a diag module is missing) is read from its
//! /proc/net files instead, through the same printer and filters; so is a
//! table one of ss's variables (`PROC_ROOT`, `PROC_NET_TCP`, ...) points
//! at. One line on stderr says so and names what /proc cannot show.

use std::ffi::OsString;
use std::io::{self, Write};
use std::path::PathBuf;

use sockdiag_codec::family;
use sockdiag_codec::proc::inet::{ProcInet, Table as InetLayout};
use sockdiag_codec::proc::netlink::ProcNetlink;
use sockdiag_codec::proc::packet::ProcPacket;
use sockdiag_codec::proc::unix::ProcUnix;
use sockdiag_codec::proc::ProcFile;

use super::{Query, RecordKind, Table};
use crate::error::Error;
use crate::kernel::source::Source;
use crate::output::printer::Printer;

/// Why a table is read from /proc.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Why {
    /// The kernel has no sock_diag at all.
    NoSockDiag,
    /// The dump ended in ENOENT or EPROTONOSUPPORT: this module (or
    /// inet_diag) is missing.
    Missing(&'static str),
    /// This variable of ss's is set.
    Variable(&'static str),
    /// The capture being decoded holds the table's /proc text.
    Recorded,
}

/// The /proc files of a table: its only one, or the IPv4 and IPv6 ones.
pub const fn files(table: Table) -> Option<(ProcFile, Option<ProcFile>)> {
    match table {
        Table::Tcp => Some((ProcFile::Tcp, Some(ProcFile::Tcp6))),
        Table::Udp => Some((ProcFile::Udp, Some(ProcFile::Udp6))),
        Table::Raw => Some((ProcFile::Raw, Some(ProcFile::Raw6))),
        Table::Unix => Some((ProcFile::Unix, None)),
        Table::Packet => Some((ProcFile::Packet, None)),
        Table::Netlink => Some((ProcFile::Netlink, None)),
        _ => None,
    }
}

/// The file of `table` that holds `family`'s sockets.
fn file_for(table: Table, family: u8) -> Option<ProcFile> {
    let (first, ipv6) = files(table)?;
    match ipv6 {
        Some(v6) if family == family::INET6 => Some(v6),
        _ => Some(first),
    }
}

/// ss's variable for each file (`generic_proc_open()` in ss.c).
const fn variable(file: ProcFile) -> &'static str {
    match file {
        ProcFile::Tcp => "PROC_NET_TCP",
        ProcFile::Tcp6 => "PROC_NET_TCP6",
        ProcFile::Udp => "PROC_NET_UDP",
        ProcFile::Udp6 => "PROC_NET_UDP6",
        ProcFile::Raw => "PROC_NET_RAW",
        ProcFile::Raw6 => "PROC_NET_RAW6",
        ProcFile::Unix => "PROC_NET_UNIX",
        ProcFile::Packet => "PROC_NET_PACKET",
        ProcFile::Netlink => "PROC_NET_NETLINK",
    }
}

/// ss's variables, read once: `PROC_ROOT` (where /proc is) and one per
/// file. As in ss, a table is read from /proc, without asking the kernel,
/// when `PROC_ROOT` or the variable of its first file is set (for TCP
/// `PROC_NET_TCP`; `PROC_NET_TCP6` alone changes nothing), and each file is
/// then read from its own variable, else from `$PROC_ROOT/net/NAME`, else
/// from `/proc/net/NAME`. Set but empty counts as set.
#[derive(Debug, Clone, Default)]
pub struct ProcEnv {
    root: Option<OsString>,
    files: [Option<OsString>; ProcFile::ALL.len()],
}

impl ProcEnv {
    /// The process's environment.
    pub fn from_env() -> ProcEnv {
        ProcEnv::from_vars(|name| std::env::var_os(name))
    }

    /// The variables `get` returns.
    pub fn from_vars(get: impl Fn(&str) -> Option<OsString>) -> ProcEnv {
        ProcEnv {
            root: get("PROC_ROOT"),
            files: ProcFile::ALL.map(|f| get(variable(f))),
        }
    }

    fn var(&self, file: ProcFile) -> Option<&OsString> {
        let at = ProcFile::ALL.iter().position(|&f| f == file)?;
        self.files[at].as_ref()
    }

    /// The variable that makes `table` come from /proc, if one does.
    pub fn forced_by(&self, table: Table) -> Option<&'static str> {
        let (first, _) = files(table)?;
        if self.var(first).is_some() {
            Some(variable(first))
        } else if self.root.is_some() {
            Some("PROC_ROOT")
        } else {
            None
        }
    }

    /// Where `file` is read, in the namespace whose /proc net directory
    /// is `proc_net` (`Netns::proc_net`) unless a variable says otherwise.
    pub fn path(&self, file: ProcFile, proc_net: &str) -> PathBuf {
        match (self.var(file), &self.root) {
            (Some(path), _) => PathBuf::from(path),
            (None, Some(root)) => PathBuf::from(root).join("net").join(file.name()),
            (None, None) => PathBuf::from(proc_net).join(file.name()),
        }
    }
}

/// How a /proc listing ended.
#[derive(Debug)]
pub enum ProcListing {
    /// These files were read (an IPv6 file that does not exist is
    /// skipped, as in ss).
    Read(Vec<PathBuf>),
    /// This file could not be opened.
    Unreadable(PathBuf, io::Error),
}

/// ss reads a unix table in batches of as many sockets as fit in 1 MiB of
/// its `struct sockstat` (624 bytes in ss 6.1), and prints each batch
/// sorted by type, then inode.
const UNIX_BATCH: usize = 1024 * 1024 / 624 + 1;

/// Lists `table` from /proc for `families` (an IP table's, in order; the
/// others have one file).
pub fn list<W: Write>(
    src: &mut Source,
    printer: &mut Printer<'_, W>,
    table: Table,
    families: &[u8],
    env: &ProcEnv,
) -> Result<ProcListing, Error> {
    let mut read = Vec::new();
    let user_hz = user_hz();
    let mut unix = UnixBatch::default();
    let one = [0u8];
    let families = if table.is_inet() { families } else { &one };
    for &family in families {
        let Some(file) = file_for(table, family) else {
            continue;
        };
        let path = env.path(file, src.proc_net());
        let bad_line = |line, error| Error::ProcLine {
            path: path.clone(),
            line,
            error,
        };
        let opened = match table.kind() {
            RecordKind::Inet { protocol } => {
                let layout = file.inet_table().unwrap_or(InetLayout::Udp);
                src.proc_lines(file, &path, &mut |n, line| match ProcInet::parse(
                    line, layout, user_hz,
                )
                .map_err(|e| bad_line(n, e))?
                {
                    Some(row) => printer.proc_inet(protocol, &row, layout, user_hz),
                    None => Ok(()),
                })?
            }
            RecordKind::Unix => {
                src.proc_lines(file, &path, &mut |n, line| match ProcUnix::parse(line)
                    .map_err(|e| bad_line(n, e))?
                {
                    Some(row) => unix.add(printer, &row, line),
                    None => Ok(()),
                })?
            }
            RecordKind::Packet => {
                src.proc_lines(file, &path, &mut |n, line| match ProcPacket::parse(line)
                    .map_err(|e| bad_line(n, e))?
                {
                    Some(row) => printer.proc_packet(&row),
                    None => Ok(()),
                })?
            }
            RecordKind::Netlink => {
                src.proc_lines(file, &path, &mut |n, line| match ProcNetlink::parse(line)
                    .map_err(|e| bad_line(n, e))?
                {
                    Some(row) => printer.proc_netlink(&row),
                    None => Ok(()),
                })?
            }
            RecordKind::Vsock | RecordKind::Xdp | RecordKind::Tipc => continue,
        };
        match opened {
            Ok(()) => read.push(path),
            // ss skips a missing IPv6 file (a kernel without IPv6).
            Err(e) if e.kind() == io::ErrorKind::NotFound && family == family::INET6 => {}
            Err(e) => return Ok(ProcListing::Unreadable(path, e)),
        }
    }
    unix.flush(printer)?;
    Ok(ProcListing::Read(read))
}

/// Clock ticks per second, the unit of /proc's timer columns.
fn user_hz() -> u32 {
    u32::try_from(rustix::param::clock_ticks_per_second()).unwrap_or(u32::MAX)
}

/// Unix lines waiting to be printed in ss's order: their text, and for
/// each its sort key and place in the text. Bounded by [`UNIX_BATCH`].
#[derive(Default)]
struct UnixBatch {
    text: Vec<u8>,
    rows: Vec<(u8, u32, std::ops::Range<usize>)>,
}

impl UnixBatch {
    /// Keeps a line the listing shows (filters run first, as in ss, so a
    /// batch counts only what prints); prints the batch when it is full.
    fn add<W: Write>(
        &mut self,
        printer: &mut Printer<'_, W>,
        row: &ProcUnix<'_>,
        line: &[u8],
    ) -> Result<(), Error> {
        if !printer.unix_wanted(row) {
            return Ok(());
        }
        let start = self.text.len();
        self.text.extend_from_slice(line);
        let key = (row.record.sock_type.raw(), row.record.inode);
        self.rows.push((key.0, key.1, start..self.text.len()));
        if self.rows.len() >= UNIX_BATCH {
            self.flush(printer)?;
        }
        Ok(())
    }

    fn flush<W: Write>(&mut self, printer: &mut Printer<'_, W>) -> Result<(), Error> {
        // Stable, as ss inserts each line after those of equal key.
        crate::sort::sort_by_key(&mut self.rows, |&(t, inode, _)| (t, inode));
        for (_, _, at) in self.rows.drain(..) {
            let line = self.text.get(at).unwrap_or_default();
            // The line parsed when it was added.
            if let Ok(Some(row)) = ProcUnix::parse(line) {
                printer.proc_unix(&row)?;
            }
        }
        self.text.clear();
        Ok(())
    }
}

/// What /proc cannot show of `table` whatever is asked.
const fn always_lost(table: Table) -> Option<&'static str> {
    match table {
        Table::Tcp => Some("backlog limits"),
        Table::Unix => Some("queues and peers"),
        Table::Netlink => Some("connected peers"),
        _ => None,
    }
}

/// The detail options asked for that /proc cannot serve for `table` (what
/// ss's /proc paths print of them is less than its netlink paths do).
fn lost_options(table: Table, q: &Query<'_>) -> Vec<&'static str> {
    let (extended, info_tos) = match table {
        Table::Tcp | Table::Udp | Table::Raw => (true, true),
        Table::Unix | Table::Packet => (true, false),
        _ => (false, false),
    };
    [
        ("-e", q.extended && extended),
        ("-i", q.info && info_tos),
        ("-m", q.memory),
        ("--tos", q.tos && info_tos),
    ]
    .into_iter()
    .filter_map(|(name, lost)| lost.then_some(name))
    .collect()
}

/// `a`, `a and b`, `a, b and c`.
fn and_list<S: AsRef<str>>(items: &[S]) -> String {
    let mut out = String::new();
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(if i + 1 == items.len() { " and " } else { ", " });
        }
        out.push_str(item.as_ref());
    }
    out
}

/// The one line saying that `table` was read from `read` and why, and
/// naming what that cannot show of the listing `q` asks for; `None` when
/// nothing is lost (a UDP or RAW table, or a table a variable chose, read
/// without detail options: the output is what ss prints, whole).
#[inline(never)]
pub fn note(table: Table, why: Why, read: &[PathBuf], q: &Query<'_>) -> Option<String> {
    let name = table.name();
    let (module, _) = table.module();
    let reason = match why {
        Why::NoSockDiag => "no sock_diag".to_string(),
        Why::Missing(missing) => format!("no {missing}"),
        Why::Variable(var) => format!("{var} is set"),
        Why::Recorded => "recorded from /proc".to_string(),
    };
    let mut lost: Vec<String> = Vec::new();
    // Whoever sets a variable knows what /proc holds; what an option
    // asked for is worth a word all the same.
    if !matches!(why, Why::Variable(_)) {
        lost.extend(always_lost(table).map(String::from));
    }
    let options = lost_options(table, q);
    if !options.is_empty() {
        lost.push(format!("the details of {}", and_list(&options)));
    }
    if lost.is_empty() {
        return None;
    }
    let files: Vec<String> = read.iter().map(|p| p.display().to_string()).collect();
    let files = match files.is_empty() {
        true => "nothing".to_string(),
        false => and_list(&files),
    };
    Some(format!(
        "{name}: {reason}: reading {files}; {} need {module}",
        and_list(&lost)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use sockdiag_codec::filter::states::StateSet;

    fn env(vars: &[(&str, &str)]) -> ProcEnv {
        ProcEnv::from_vars(|name| {
            vars.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| OsString::from(v))
        })
    }

    #[test]
    fn variables_as_in_ss() {
        let none = env(&[]);
        assert_eq!(none.forced_by(Table::Tcp), None);
        assert_eq!(
            none.path(ProcFile::Tcp6, "/proc/net"),
            PathBuf::from("/proc/net/tcp6")
        );
        // The first file's variable brings the table; the IPv6 one alone
        // does not, but once the table is read its path counts.
        let tcp = env(&[("PROC_NET_TCP", "/tmp/t"), ("PROC_NET_TCP6", "/tmp/t6")]);
        assert_eq!(tcp.forced_by(Table::Tcp), Some("PROC_NET_TCP"));
        assert_eq!(tcp.forced_by(Table::Udp), None);
        assert_eq!(
            tcp.path(ProcFile::Tcp, "/proc/net"),
            PathBuf::from("/tmp/t")
        );
        assert_eq!(
            tcp.path(ProcFile::Tcp6, "/proc/net"),
            PathBuf::from("/tmp/t6")
        );
        let tcp6 = env(&[("PROC_NET_TCP6", "/tmp/t6")]);
        assert_eq!(tcp6.forced_by(Table::Tcp), None);
        // PROC_ROOT brings every table that has a file, and moves them.
        let root = env(&[("PROC_ROOT", "/srv/proc"), ("PROC_NET_UNIX", "/tmp/u")]);
        for table in [
            Table::Tcp,
            Table::Udp,
            Table::Raw,
            Table::Packet,
            Table::Netlink,
        ] {
            assert_eq!(root.forced_by(table), Some("PROC_ROOT"), "{table:?}");
        }
        assert_eq!(root.forced_by(Table::Unix), Some("PROC_NET_UNIX"));
        assert_eq!(root.forced_by(Table::Vsock), None);
        assert_eq!(
            root.path(ProcFile::Raw6, "/proc/net"),
            PathBuf::from("/srv/proc/net/raw6")
        );
        assert_eq!(
            root.path(ProcFile::Unix, "/proc/net"),
            PathBuf::from("/tmp/u")
        );
        // Set but empty is set, as getenv() sees it.
        assert_eq!(
            env(&[("PROC_NET_NETLINK", "")]).forced_by(Table::Netlink),
            Some("PROC_NET_NETLINK")
        );
    }

    fn query(extended: bool, memory: bool) -> Query<'static> {
        Query {
            states: StateSet::ALL,
            families: &[],
            bytecode: &[],
            extended,
            json: false,
            memory,
            info: false,
            tos: false,
            bpf_storages: false,
        }
    }

    #[test]
    fn one_line_names_what_is_lost() {
        let tcp = [
            PathBuf::from("/proc/net/tcp"),
            PathBuf::from("/proc/net/tcp6"),
        ];
        assert_eq!(
            note(
                Table::Tcp,
                Why::Missing("inet_diag"),
                &tcp[..1],
                &query(false, false)
            )
            .unwrap(),
            "tcp: no inet_diag: reading /proc/net/tcp; backlog limits need tcp_diag"
        );
        assert_eq!(
            note(
                Table::Tcp,
                Why::Missing("tcp_diag"),
                &tcp,
                &query(true, true)
            )
            .unwrap(),
            "tcp: no tcp_diag: reading /proc/net/tcp and /proc/net/tcp6; backlog limits \
             and the details of -e and -m need tcp_diag"
        );
        let unix = [PathBuf::from("/proc/net/unix")];
        assert_eq!(
            note(Table::Unix, Why::NoSockDiag, &unix, &query(false, false)).unwrap(),
            "unix: no sock_diag: reading /proc/net/unix; queues and peers need unix_diag"
        );
        // RAW from /proc is whole, as ss prints it: no word unless an
        // option is lost.
        let raw = [PathBuf::from("/proc/net/raw")];
        let missing = Why::Missing("raw_diag");
        assert_eq!(note(Table::Raw, missing, &raw, &query(false, false)), None);
        assert_eq!(
            note(Table::Raw, missing, &raw, &query(false, true)).unwrap(),
            "raw: no raw_diag: reading /proc/net/raw; the details of -m need raw_diag"
        );
        // A variable chose /proc: a word only when an option is lost.
        let var = Why::Variable("PROC_NET_TCP");
        assert_eq!(note(Table::Tcp, var, &tcp, &query(false, false)), None);
        assert_eq!(
            note(Table::Tcp, var, &tcp[..1], &query(true, false)).unwrap(),
            "tcp: PROC_NET_TCP is set: reading /proc/net/tcp; the details of -e need tcp_diag"
        );
        // Netlink's -e is all in /proc (more than its diag module gives).
        let nl = [PathBuf::from("/proc/net/netlink")];
        assert_eq!(
            note(
                Table::Netlink,
                Why::Variable("PROC_ROOT"),
                &nl,
                &query(true, false)
            ),
            None
        );
        assert_eq!(and_list(&["a", "b", "c"]), "a, b and c");
        assert_eq!(and_list::<&str>(&[]), "");
    }
}
