//! `-p`: which processes hold each socket. One walk over /proc/*/fd builds
//! an index sorted by socket inode; each printed socket then costs a binary
//! search and no allocation. The walk allocates in proportion to the open
//! file descriptors, never per printed socket, and is linear in processes
//! and descriptors.
//!
//! Like ss, a process is shown with the command name from /proc/PID/stat
//! (up to the first `)`), and the holders of one socket are listed most
//! recently found first: highest pid, then highest fd. With `-Z` each
//! holder also shows its SELinux context (`/proc/TID/attr/current`), with
//! `-z` the socket's too (the `security.selinux` attribute of the
//! descriptor's inode), as ss's `getpidcon` and `getfilecon` read them.

use std::fmt::{self, Write};
use std::fs;
use std::io::Read;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use sockdiag_codec::capture::{self, Kind};

use crate::host::context::Host;

/// One open descriptor of a socket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Holder {
    pub inode: u32,
    pub pid: u32,
    /// The thread (the pid itself for the main thread); shown with `-T`.
    pub tid: u32,
    pub fd: u32,
    /// Where the command name sits in [`ProcIndex::names`].
    name: (u32, u32),
    /// The task's and the socket's SELinux contexts, likewise (`-Z`, `-z`).
    contexts: [(u32, u32); 2],
}

/// Which SELinux contexts are shown: `-Z` the process's, `-z` the socket's
/// too.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Contexts {
    pub process: bool,
    pub socket: bool,
}

/// Whether SELinux runs here: its file system is mounted.
pub fn selinux_enabled() -> bool {
    Path::new("/sys/fs/selinux/enforce").exists()
}

/// What ss shows for a context that cannot be read.
const UNAVAILABLE: &str = "unavailable";

/// A context as the kernel gives it, without the trailing NUL or newline.
pub fn context_text(raw: &[u8]) -> String {
    let end = raw
        .iter()
        .rposition(|&b| b != 0 && b != b'\n')
        .map_or(0, |i| i + 1);
    String::from_utf8_lossy(&raw[..end]).into_owned()
}

/// The SELinux context of task `tid` (ss's `getpidcon`).
pub fn task_context(tid: u32) -> Option<String> {
    let raw = fs::read(format!("/proc/{tid}/attr/current")).ok()?;
    Some(context_text(&raw)).filter(|c| !c.is_empty())
}

/// The SELinux context of the file behind `path` (ss's `getfilecon`).
fn file_context(path: &Path) -> Option<String> {
    let mut buf = [0u8; 256];
    let n = rustix::fs::getxattr(path, "security.selinux", &mut buf[..]).ok()?;
    Some(context_text(buf.get(..n)?)).filter(|c| !c.is_empty())
}

/// Every socket descriptor of every process this user may look at.
#[derive(Default)]
pub struct ProcIndex {
    holders: Vec<Holder>,
    names: String,
    /// `-T`: each thread's holders, and `tid=` shown.
    threads: bool,
    contexts: Contexts,
    /// Where the holders of each socket shown are recorded.
    host: Host,
}

/// The number in a /proc directory name, if it is all digits.
fn number(name: &[u8]) -> Option<u32> {
    if name.is_empty() || !name.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(name).ok()?.parse().ok()
}

/// The inode in a descriptor's link text `socket:[12345]`.
pub fn socket_inode(link: &[u8]) -> Option<u32> {
    let inner = link.strip_prefix(b"socket:[")?.strip_suffix(b"]")?;
    number(inner)
}

/// The command name in a /proc/PID/stat line, `PID (name) state ...`, cut
/// at the first `)` as ss cuts it.
pub fn stat_comm(stat: &[u8]) -> Option<&[u8]> {
    let open = stat.iter().position(|&b| b == b'(')?;
    let rest = &stat[open + 1..];
    let close = rest.iter().position(|&b| b == b')')?;
    Some(&rest[..close])
}

impl ProcIndex {
    /// The index `host` gives: a replayed capture's holders, else this
    /// machine's (see [`ProcIndex::build`]), recorded as they are shown.
    pub fn through(host: Host, threads: bool, contexts: Contexts) -> ProcIndex {
        if !host.is_replay() {
            return ProcIndex {
                host,
                ..ProcIndex::build(threads, contexts)
            };
        }
        let contexts_on = contexts;
        let mut index = ProcIndex {
            threads,
            contexts,
            ..ProcIndex::default()
        };
        for &(inode, value) in host.holders() {
            // Checked when the capture was opened.
            for h in capture::Holders::new(value).map_while(Result::ok) {
                // A snapshot holds every thread's holders (-T); without
                // -T a process shows as its main thread, as live.
                if !threads && h.tid != h.pid {
                    continue;
                }
                let name = index.add_text(&String::from_utf8_lossy(h.comm));
                let mut contexts = [(0, 0); 2];
                for (at, on, kind, key) in [
                    (0, contexts_on.process, Kind::TaskContext, u64::from(h.tid)),
                    (1, contexts_on.socket, Kind::SocketContext, inode),
                ] {
                    if on {
                        let text = host.text(kind, 0, key, || None);
                        contexts[at] = index.add_text(text.as_deref().unwrap_or(UNAVAILABLE));
                    }
                }
                index.holders.push(Holder {
                    inode: inode as u32,
                    pid: h.pid,
                    tid: h.tid,
                    fd: h.fd,
                    name,
                    contexts,
                });
            }
        }
        index.sort();
        index
    }

    /// Sorts the holders by inode; stable, so the holders of one socket
    /// keep their order.
    fn sort(&mut self) {
        crate::sort::sort_by_key(&mut self.holders, |h| h.inode);
    }

    /// Walks /proc; with `threads` (`-T`) every thread's view too, as ss
    /// lists a socket once per thread that can use it. Processes that
    /// vanish or refuse access (another user's, without privilege) are
    /// skipped, as ss skips them.
    pub fn build(threads: bool, contexts: Contexts) -> ProcIndex {
        let mut index = ProcIndex {
            threads,
            contexts,
            ..ProcIndex::default()
        };
        let Ok(procs) = fs::read_dir("/proc") else {
            return index;
        };
        let mut stat = Vec::with_capacity(512);
        for proc_entry in procs.flatten() {
            let Some(pid) = number(proc_entry.file_name().as_bytes()) else {
                continue;
            };
            let dir = proc_entry.path();
            index.add_task(&dir, pid, pid, &mut stat);
            if !threads {
                continue;
            }
            let Ok(tasks) = fs::read_dir(dir.join("task")) else {
                continue;
            };
            for task in tasks.flatten() {
                match number(task.file_name().as_bytes()) {
                    // ss reads a thread's descriptors and name under
                    // /proc/TID, which is there though not listed.
                    Some(tid) if tid != pid => {
                        index.add_task(Path::new(&format!("/proc/{tid}")), pid, tid, &mut stat)
                    }
                    _ => {}
                }
            }
        }
        // ss lists the last found first; a stable sort keeps that order
        // among the holders of one socket.
        index.holders.reverse();
        index.sort();
        index
    }

    /// The socket descriptors of the task in `dir`.
    fn add_task(&mut self, dir: &Path, pid: u32, tid: u32, stat: &mut Vec<u8>) {
        let Ok(fds) = fs::read_dir(dir.join("fd")) else {
            return;
        };
        let mut name: Option<(u32, u32)> = None;
        let mut task_ctx: Option<(u32, u32)> = None;
        for fd_entry in fds.flatten() {
            let Some(fd) = number(fd_entry.file_name().as_bytes()) else {
                continue;
            };
            let Ok(link) = fs::read_link(fd_entry.path()) else {
                continue;
            };
            let Some(inode) = socket_inode(link.as_os_str().as_bytes()) else {
                continue;
            };
            // The name is read once per task, and only for tasks that
            // hold a socket.
            let name = *name.get_or_insert_with(|| self.add_name(dir, stat));
            let mut contexts = [(0, 0); 2];
            if self.contexts.process {
                contexts[0] = *task_ctx.get_or_insert_with(|| {
                    let ctx = task_context(tid);
                    self.add_text(ctx.as_deref().unwrap_or(UNAVAILABLE))
                });
            }
            if self.contexts.socket {
                let ctx = file_context(&fd_entry.path());
                contexts[1] = self.add_text(ctx.as_deref().unwrap_or(UNAVAILABLE));
            }
            self.holders.push(Holder {
                inode,
                pid,
                tid,
                fd,
                name,
                contexts,
            });
        }
    }

    fn add_name(&mut self, dir: &Path, stat: &mut Vec<u8>) -> (u32, u32) {
        stat.clear();
        let read = fs::File::open(dir.join("stat")).and_then(|mut f| f.read_to_end(stat));
        let comm = read
            .ok()
            .and_then(|_| stat_comm(stat))
            .map(String::from_utf8_lossy)
            .unwrap_or_default();
        self.add_text(&comm)
    }

    fn add_text(&mut self, text: &str) -> (u32, u32) {
        let start = self.names.len();
        self.names.push_str(text);
        (start as u32, text.len() as u32)
    }

    /// The holders of the socket with `inode` (none for inode 0).
    pub fn holders(&self, inode: u32) -> &[Holder] {
        if inode == 0 {
            return &[];
        }
        let start = self.holders.partition_point(|h| h.inode < inode);
        let end = start + self.holders[start..].partition_point(|h| h.inode == inode);
        let holders = &self.holders[start..end];
        if !holders.is_empty() {
            self.host.note(Kind::Holders, 0, inode.into(), || {
                let mut value = vec![0u8; 0];
                for h in holders {
                    let h = capture::Holder {
                        pid: h.pid,
                        tid: h.tid,
                        fd: h.fd,
                        comm: self.name(h).as_bytes(),
                    };
                    let at = value.len();
                    value.resize(at + h.buffer_len(), 0);
                    // Sized just above.
                    let _ = h.emit(&mut value[at..]);
                }
                value
            });
            // -Z's and -z's contexts beside them: a task's by its thread
            // id, a socket's by its inode (all its descriptors show the
            // one inode's). The recorder writes each question once.
            if self.contexts.process {
                for h in holders {
                    self.host.note(Kind::TaskContext, 0, h.tid.into(), || {
                        self.stored(h.contexts[0]).into()
                    });
                }
            }
            if let (true, Some(h)) = (self.contexts.socket, holders.first()) {
                self.host.note(Kind::SocketContext, 0, inode.into(), || {
                    self.stored(h.contexts[1]).into()
                });
            }
        }
        holders
    }

    /// The command name of a holder.
    pub fn name(&self, h: &Holder) -> &str {
        self.stored(h.name)
    }

    fn stored(&self, (start, len): (u32, u32)) -> &str {
        let (start, len) = (start as usize, len as usize);
        self.names.get(start..start + len).unwrap_or("")
    }

    /// ss's ` users:(("comm",pid=N,fd=M),...)` for `inode`, or nothing.
    pub fn text(&self, inode: u32) -> Users<'_> {
        Users {
            index: self,
            holders: self.holders(inode),
            json: false,
        }
    }

    /// `,"users":[{"comm":"...","pid":N,"fd":M},...]` for `inode`.
    pub fn json(&self, inode: u32) -> Users<'_> {
        Users {
            index: self,
            holders: self.holders(inode),
            json: true,
        }
    }
}

/// The holders of one socket, written as ss writes them or as JSON.
pub struct Users<'a> {
    index: &'a ProcIndex,
    holders: &'a [Holder],
    json: bool,
}

impl fmt::Display for Users<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.json {
            f.write_str(",\"users\":[")?;
            for (i, h) in self.holders.iter().enumerate() {
                f.write_str(if i > 0 {
                    ",{\"comm\":\""
                } else {
                    "{\"comm\":\""
                })?;
                for c in self.index.name(h).chars() {
                    match c {
                        '"' => f.write_str("\\\"")?,
                        '\\' => f.write_str("\\\\")?,
                        c if (c as u32) < 0x20 => write!(f, "\\u{:04x}", c as u32)?,
                        c => write!(f, "{c}")?,
                    }
                }
                write!(f, "\",\"pid\":{},", h.pid)?;
                if self.index.threads {
                    write!(f, "\"tid\":{},", h.tid)?;
                }
                write!(f, "\"fd\":{}", h.fd)?;
                let ctx = self.index.contexts;
                for (on, key, at) in [(ctx.process, "proc_ctx", 0), (ctx.socket, "sock_ctx", 1)] {
                    if on {
                        // Contexts are printable ASCII; a quote or backslash
                        // would still be escaped.
                        write!(f, ",\"{key}\":\"")?;
                        for c in self.index.stored(h.contexts[at]).chars() {
                            match c {
                                '"' | '\\' => write!(f, "\\{c}")?,
                                c if (c as u32) < 0x20 => write!(f, "\\u{:04x}", c as u32)?,
                                c => f.write_char(c)?,
                            }
                        }
                        f.write_char('"')?;
                    }
                }
                f.write_char('}')?;
            }
            return f.write_str("]");
        }
        if self.holders.is_empty() {
            return Ok(());
        }
        f.write_str(" users:(")?;
        for (i, h) in self.holders.iter().enumerate() {
            f.write_str(if i > 0 { ",(\"" } else { "(\"" })?;
            // A process names itself (prctl PR_SET_NAME): a control
            // character must not reach the terminal. ss 7 escapes them too.
            for c in self.index.name(h).chars() {
                if c.is_ascii_control() {
                    write!(f, "\\{:03o}", u32::from(c))?;
                } else {
                    f.write_char(c)?;
                }
            }
            write!(f, "\",pid={},", h.pid)?;
            if self.index.threads {
                write!(f, "tid={},", h.tid)?;
            }
            let ctx = self.index.contexts;
            if ctx.process {
                write!(f, "proc_ctx={},", self.index.stored(h.contexts[0]))?;
            }
            write!(f, "fd={}", h.fd)?;
            if ctx.socket {
                write!(f, ",sock_ctx={}", self.index.stored(h.contexts[1]))?;
            }
            f.write_char(')')?;
        }
        f.write_str(")")
    }
}

/// The command name of process `pid`, for netlink port ids, read into
/// `buf` (reused across calls: no allocation once it is large enough).
pub fn comm_of(pid: u32, buf: &mut Vec<u8>) -> Option<&str> {
    use std::io::Write;
    let mut path = [0u8; 32];
    let len = {
        let mut cursor = std::io::Cursor::new(&mut path[..]);
        write!(cursor, "/proc/{pid}/stat").ok()?;
        cursor.position() as usize
    };
    let path = std::str::from_utf8(&path[..len]).ok()?;
    buf.clear();
    fs::File::open(path).ok()?.read_to_end(buf).ok()?;
    std::str::from_utf8(stat_comm(buf)?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::fd::AsRawFd;

    #[test]
    fn parses_links_and_stat() {
        assert_eq!(socket_inode(b"socket:[12345]"), Some(12345));
        assert_eq!(socket_inode(b"socket:[]"), None);
        assert_eq!(socket_inode(b"pipe:[12345]"), None);
        assert_eq!(socket_inode(b"socket:[12a]"), None);
        assert_eq!(stat_comm(b"42 (a b) S 1"), Some(&b"a b"[..]));
        // ss stops at the first ')'.
        assert_eq!(stat_comm(b"42 (a)b) S 1"), Some(&b"a"[..]));
        assert_eq!(stat_comm(b"42 a"), None);
    }

    /// A replayed capture gives each holder the SELinux contexts recorded
    /// on the machine it was taken on, and "unavailable" where it recorded
    /// none, never this machine's.
    #[test]
    fn replay_takes_contexts_from_the_capture() {
        use crate::host::context::Answers;
        use sockdiag_codec::capture::{Context, Record};
        use std::rc::Rc;

        fn record(kind: Kind, key: u64, value: &[u8]) -> Record<'static> {
            let mut data = vec![0u8; Context::HEADER_LEN];
            Context {
                netns: 0,
                key,
                value,
            }
            .emit_header(&mut data)
            .unwrap();
            data.extend_from_slice(value);
            Record {
                kind,
                offset: 0,
                data: data.leak(),
            }
        }
        let mut holders = Vec::new();
        for (tid, fd) in [(7, 3), (8, 4)] {
            let h = capture::Holder {
                pid: 7,
                tid,
                fd,
                comm: b"nginx",
            };
            let at = holders.len();
            holders.resize(at + h.buffer_len(), 0);
            h.emit(&mut holders[at..]).unwrap();
        }
        let records = [
            record(Kind::Holders, 5, &holders),
            record(Kind::TaskContext, 7, b"system_u:system_r:httpd_t:s0"),
            record(Kind::SocketContext, 5, b"system_u:system_r:httpd_t:s0:c1"),
        ];
        let answers = Answers::collect(records.into_iter()).ok().unwrap();
        let both = Contexts {
            process: true,
            socket: true,
        };
        let index = ProcIndex::through(Host::Replay(Rc::new(answers)), true, both);
        assert_eq!(
            index.text(5).to_string(),
            " users:((\"nginx\",pid=7,tid=7,proc_ctx=system_u:system_r:httpd_t:s0,fd=3,\
             sock_ctx=system_u:system_r:httpd_t:s0:c1),\
             (\"nginx\",pid=7,tid=8,proc_ctx=unavailable,fd=4,\
             sock_ctx=system_u:system_r:httpd_t:s0:c1))"
        );
    }

    /// With threads, the socket is listed once per thread of this process,
    /// each with its tid.
    #[test]
    fn lists_every_thread() {
        let sock = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        let fd = sock.as_raw_fd() as u32;
        let link = fs::read_link(format!("/proc/self/fd/{fd}")).unwrap();
        let inode = socket_inode(link.as_os_str().as_bytes()).unwrap();
        let (tx, rx) = std::sync::mpsc::channel::<()>();
        let (tid_tx, tid_rx) = std::sync::mpsc::channel();
        let worker = std::thread::spawn(move || {
            let tid = fs::read_link("/proc/thread-self").unwrap();
            let tid: u32 = tid
                .to_string_lossy()
                .rsplit('/')
                .next()
                .unwrap()
                .parse()
                .unwrap();
            tid_tx.send(tid).unwrap();
            rx.recv().ok();
        });
        let tid = tid_rx.recv().unwrap();
        let index = ProcIndex::build(true, Contexts::default());
        let me = std::process::id();
        let tids: Vec<u32> = index
            .holders(inode)
            .iter()
            .filter(|h| h.pid == me && h.fd == fd)
            .map(|h| h.tid)
            .collect();
        assert!(tids.contains(&me) && tids.contains(&tid), "{tids:?}");
        let text = index.text(inode).to_string();
        assert!(
            text.contains(&format!(",pid={me},tid={tid},fd={fd})")),
            "{text}"
        );
        assert!(index
            .json(inode)
            .to_string()
            .contains(&format!("\"tid\":{tid},")));
        drop(tx);
        worker.join().unwrap();
    }

    #[test]
    fn finds_our_own_socket() {
        let sock = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        let fd = sock.as_raw_fd() as u32;
        let link = fs::read_link(format!("/proc/self/fd/{fd}")).unwrap();
        let inode = socket_inode(link.as_os_str().as_bytes()).unwrap();
        let index = ProcIndex::build(false, Contexts::default());
        let me = std::process::id();
        let ours: Vec<_> = index
            .holders(inode)
            .iter()
            .filter(|h| h.pid == me)
            .collect();
        assert_eq!(ours.len(), 1, "{:?}", index.holders(inode));
        assert_eq!(ours[0].fd, fd);
        let mut buf = Vec::new();
        let comm = comm_of(me, &mut buf).unwrap().to_string();
        assert_eq!(index.name(ours[0]), comm);
        let text = index.text(inode).to_string();
        assert!(
            text.contains(&format!("(\"{comm}\",pid={me},fd={fd})")),
            "{text}"
        );
        assert!(index
            .json(inode)
            .to_string()
            .contains(&format!("\"pid\":{me},\"fd\":{fd}}}")));
        assert_eq!(index.text(0).to_string(), "");
        // A name with control characters is escaped.
        let odd = ProcIndex {
            holders: vec![Holder {
                inode: 9,
                pid: 1,
                tid: 1,
                fd: 2,
                name: (0, 4),
                contexts: [(4, 3), (7, 2)],
            }],
            names: "a\nb\u{7f}u:rs:".into(),
            threads: false,
            contexts: Contexts::default(),
            host: Host::Live,
        };
        assert_eq!(
            odd.text(9).to_string(),
            " users:((\"a\\012b\\177\",pid=1,fd=2))"
        );
        // -z: both contexts, where ss puts them.
        let both = ProcIndex {
            contexts: Contexts {
                process: true,
                socket: true,
            },
            ..odd
        };
        assert_eq!(
            both.text(9).to_string(),
            " users:((\"a\\012b\\177\",pid=1,proc_ctx=u:r,fd=2,sock_ctx=s:))"
        );
        assert!(both
            .json(9)
            .to_string()
            .ends_with(",\"fd\":2,\"proc_ctx\":\"u:r\",\"sock_ctx\":\"s:\"}]"));
        assert_eq!(
            context_text(b"system_u:object_r:x:s0\0"),
            "system_u:object_r:x:s0"
        );
        assert_eq!(index.json(0).to_string(), ",\"users\":[]");
    }
}
