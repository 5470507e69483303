//! Network namespaces: the one `-N` names, every one `--all-netns` finds,
//! and running a few syscalls inside one. A socket stays in the namespace
//! it was created in (PROTOCOL.md, "Network namespaces"), so a namespace is
//! entered only to open its sockets and read its /proc files, and the
//! thread returns to its own namespace before anything else runs.
//!
//! Modes list namespaces the same way: [`select`] the ones a [`Scope`]
//! covers, then for each, [`Netns::within`] opens what the mode needs.

use std::ffi::OsStr;
use std::fs::File;
use std::io;
use std::os::fd::AsFd;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use rustix::io::Errno;
use rustix::thread::{move_into_link_name_space, LinkNameSpaceType};

/// Where named namespaces are bound (`ip netns add`), in ss's order.
const NAMED_DIRS: [&str; 2] = ["/run/netns", "/var/run/netns"];

/// The calling thread's namespace file. Not /proc/self, which is the
/// thread group leader's, nor /proc/net, which follows /proc/self.
const OWN_FILE: &str = "/proc/thread-self/ns/net";

/// How `-N` names a namespace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// `NAME`: bound at /run/netns/NAME (or /var/run/netns/NAME).
    Name(String),
    /// A namespace file: `/proc/PID/ns/net`, any bind mount of one.
    Path(PathBuf),
    /// `pid:PID`: the namespace process PID is in.
    Pid(u32),
}

impl Target {
    /// Reads `-N`'s argument: `pid:PID`, a path (anything with a `/`), or
    /// a name.
    pub fn parse(arg: &OsStr) -> Result<Target, String> {
        let bytes = arg.as_bytes();
        if let Some(pid) = bytes.strip_prefix(b"pid:") {
            let pid = std::str::from_utf8(pid)
                .ok()
                .and_then(|p| p.parse().ok())
                .filter(|&p: &u32| p > 0);
            return pid.map(Target::Pid).ok_or_else(|| {
                format!(
                    "-N {}: expected pid:PID with a process id",
                    arg.to_string_lossy()
                )
            });
        }
        if bytes.contains(&b'/') {
            return Ok(Target::Path(PathBuf::from(arg)));
        }
        match arg.to_str() {
            Some(name) if !name.is_empty() && name != "." && name != ".." => {
                Ok(Target::Name(name.to_string()))
            }
            _ => Err(format!(
                "-N {}: not a namespace name",
                arg.to_string_lossy()
            )),
        }
    }
}

/// Which namespaces a run covers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Scope {
    /// The caller's own (no option).
    #[default]
    Own,
    /// `-N`
    One(Target),
    /// `--all-netns`
    All,
}

/// Why a namespace could not be listed; names it as the user knows it.
#[derive(Debug)]
pub struct NetnsError {
    /// The namespace: its name, `pid:PID`, or the path given.
    pub who: String,
    pub kind: NetnsErrorKind,
}

#[derive(Debug)]
pub enum NetnsErrorKind {
    /// `-N NAME` with no such name in /run/netns or /var/run/netns.
    NoSuchName,
    /// Its file could not be opened.
    Open(PathBuf, io::Error),
    /// setns() refused it.
    Enter(Errno),
    /// Its descriptor could not be duplicated (no descriptor left).
    Duplicate(io::Error),
    /// This thread's own namespace file could not be opened (no /proc):
    /// without it there is no way back.
    Home(io::Error),
    /// setns() back to this thread's namespace failed: the run must end
    /// rather than look anything up in the wrong namespace.
    Return(Errno),
}

impl NetnsError {
    fn new(who: impl Into<String>, kind: NetnsErrorKind) -> NetnsError {
        NetnsError {
            who: who.into(),
            kind,
        }
    }

    /// A failure that leaves this thread elsewhere: the run stops.
    pub fn is_fatal(&self) -> bool {
        matches!(self.kind, NetnsErrorKind::Return(_))
    }

    /// setns() said EPERM: the caller lacks CAP_SYS_ADMIN there.
    pub fn is_permission(&self) -> bool {
        matches!(self.kind, NetnsErrorKind::Enter(Errno::PERM))
    }
}

impl std::fmt::Display for NetnsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "netns {}: ", self.who)?;
        match &self.kind {
            NetnsErrorKind::NoSuchName => write!(
                f,
                "no such network namespace in {} or {}",
                NAMED_DIRS[0], NAMED_DIRS[1]
            ),
            NetnsErrorKind::Open(path, e) => write!(f, "cannot open {}: {e}", path.display()),
            NetnsErrorKind::Enter(Errno::PERM) => f.write_str(
                "cannot enter: operation not permitted (entering a network namespace \
                 needs CAP_SYS_ADMIN)",
            ),
            // setns() says EINVAL for a file of another kind.
            NetnsErrorKind::Enter(Errno::INVAL) => {
                f.write_str("cannot enter: not a network namespace file (a stale bind mount?)")
            }
            NetnsErrorKind::Enter(e) => write!(f, "cannot enter: {}", io::Error::from(*e)),
            NetnsErrorKind::Duplicate(e) => write!(f, "cannot duplicate its descriptor: {e}"),
            NetnsErrorKind::Home(e) => {
                write!(f, "cannot open {OWN_FILE} to come back from it: {e}")
            }
            NetnsErrorKind::Return(e) => write!(
                f,
                "cannot return to this process's own network namespace: {}",
                io::Error::from(*e)
            ),
        }
    }
}

/// A namespace file's identity: its device (nsfs) and inode.
type Identity = (u64, u64);

fn identity(file: &File) -> io::Result<Identity> {
    let m = file.metadata()?;
    Ok((m.dev(), m.ino()))
}

/// One network namespace a run lists.
#[derive(Debug)]
pub struct Netns {
    /// The inode of its namespace file.
    pub inode: u64,
    /// Its name under /run/netns (or the name `-N` gave).
    pub name: Option<String>,
    /// The lowest process found in it.
    pub pid: Option<u32>,
    /// What messages call it: the name, `pid:PID`, the path given.
    pub who: String,
    /// The namespace file; `None` for the caller's own namespace, which
    /// is never entered.
    file: Option<File>,
}

impl Netns {
    /// The calling thread's own namespace, as a run without `-N` lists it;
    /// nothing is opened (its inode is 0: unknown, unused).
    pub fn own() -> Netns {
        Netns {
            inode: 0,
            name: None,
            pid: None,
            who: "own".into(),
            file: None,
        }
    }

    /// True for the caller's own namespace.
    pub fn is_own(&self) -> bool {
        self.file.is_none()
    }

    /// The directory of its /proc net files (sockstat, raw, ...), valid
    /// inside [`Netns::within`]: /proc/net for the caller's own, which
    /// any kernel has; the thread's own view inside another.
    pub fn proc_net(&self) -> &'static str {
        if self.is_own() {
            "/proc/net"
        } else {
            "/proc/thread-self/net"
        }
    }

    /// A second handle on the same namespace.
    pub fn try_clone(&self) -> Result<Netns, NetnsError> {
        let file = self.file.as_ref().map(File::try_clone).transpose();
        Ok(Netns {
            inode: self.inode,
            name: self.name.clone(),
            pid: self.pid,
            who: self.who.clone(),
            file: file
                .map_err(|e| NetnsError::new(self.who.as_str(), NetnsErrorKind::Duplicate(e)))?,
        })
    }

    /// Runs `f` with the calling thread inside the namespace, then brings
    /// the thread back, before returning what `f` returned. Sockets and
    /// files `f` opens stay in the namespace. An error of
    /// [`NetnsError::is_fatal`] means the thread could not come back.
    pub fn within<T>(&self, f: impl FnOnce() -> T) -> Result<T, NetnsError> {
        let Some(file) = &self.file else {
            return Ok(f());
        };
        let error = |kind| NetnsError::new(self.who.as_str(), kind);
        let home = File::open(OWN_FILE).map_err(|e| error(NetnsErrorKind::Home(e)))?;
        let network = Some(LinkNameSpaceType::Network);
        move_into_link_name_space(file.as_fd(), network)
            .map_err(|e| error(NetnsErrorKind::Enter(e)))?;
        let value = f();
        move_into_link_name_space(home.as_fd(), network)
            .map_err(|e| error(NetnsErrorKind::Return(e)))?;
        Ok(value)
    }
}

/// The namespaces a scope covers, and the ones found but not reachable.
#[derive(Debug, Default)]
pub struct Selected {
    pub namespaces: Vec<Netns>,
    pub errors: Vec<NetnsError>,
}

/// The namespaces `scope` covers: the caller's own; the one `-N` names
/// (an error if it cannot be opened); or every one on the host, the
/// caller's first, then the named ones by name, then the others by their
/// lowest process.
pub fn select(scope: &Scope) -> Result<Selected, NetnsError> {
    match scope {
        Scope::Own => Ok(Selected {
            namespaces: vec![Netns::own()],
            errors: Vec::new(),
        }),
        Scope::One(target) => Ok(Selected {
            namespaces: vec![open(target)?],
            errors: Vec::new(),
        }),
        Scope::All => every(),
    }
}

/// The caller's own namespace file's identity.
fn own_identity() -> Result<Identity, NetnsError> {
    let home = |e| NetnsError::new("own", NetnsErrorKind::Home(e));
    identity(&File::open(OWN_FILE).map_err(home)?).map_err(home)
}

/// Opens the namespace `-N` names. The caller's own namespace, however
/// named, is not entered.
pub fn open(target: &Target) -> Result<Netns, NetnsError> {
    let (who, path, name, pid) = match target {
        Target::Name(name) => {
            let path = NAMED_DIRS
                .iter()
                .map(|dir| Path::new(dir).join(name))
                .find(|p| p.exists())
                .ok_or_else(|| NetnsError::new(name.as_str(), NetnsErrorKind::NoSuchName))?;
            (name.clone(), path, Some(name.clone()), None)
        }
        Target::Path(path) => (path.display().to_string(), path.clone(), None, None),
        Target::Pid(pid) => (
            format!("pid:{pid}"),
            PathBuf::from(format!("/proc/{pid}/ns/net")),
            None,
            Some(*pid),
        ),
    };
    let file = File::open(&path)
        .map_err(|e| NetnsError::new(who.as_str(), NetnsErrorKind::Open(path.clone(), e)))?;
    let id = identity(&file)
        .map_err(|e| NetnsError::new(who.as_str(), NetnsErrorKind::Open(path.clone(), e)))?;
    let own = own_identity().ok() == Some(id);
    Ok(Netns {
        inode: id.1,
        name,
        pid,
        who,
        file: (!own).then_some(file),
    })
}

/// The inode in a namespace link's text, `net:[4026531840]`.
fn link_inode(link: &[u8]) -> Option<u64> {
    let digits = link.strip_prefix(b"net:[")?.strip_suffix(b"]")?;
    std::str::from_utf8(digits).ok()?.parse().ok()
}

/// A /proc entry's pid, if its name is all digits.
fn pid_of(name: &OsStr) -> Option<u32> {
    let name = name.to_str()?;
    name.bytes()
        .all(|b| b.is_ascii_digit())
        .then(|| name.parse().ok())
        .flatten()
}

/// The namespaces found so far, by identity: a sorted list, as small in
/// code as it is quick for the few hundred namespaces of a host.
#[derive(Default)]
struct Found {
    ids: Vec<(Identity, usize)>,
}

impl Found {
    /// Where namespace `id` is in the list, if found before.
    fn get(&self, id: Identity) -> Option<usize> {
        let at = self.ids.binary_search_by(|(i, _)| i.cmp(&id)).ok()?;
        Some(self.ids[at].1)
    }

    fn insert(&mut self, id: Identity, at: usize) {
        if let Err(slot) = self.ids.binary_search_by(|(i, _)| i.cmp(&id)) {
            self.ids.insert(slot, (id, at));
        }
    }
}

/// Every namespace: the caller's, the named ones by name, and one per
/// distinct `/proc/*/ns/net` by its lowest process, each once (by inode on
/// nsfs). A named entry that cannot be opened is an error; a process that
/// ends or hides its namespace (another user's, without privilege) is
/// skipped, as `-p` skips it.
fn every() -> Result<Selected, NetnsError> {
    let own = own_identity()?;
    let mut selected = Selected::default();
    let mut found = Found::default();
    selected.namespaces.push(Netns {
        inode: own.1,
        ..Netns::own()
    });
    found.insert(own, 0);

    for dir in NAMED_DIRS {
        let Ok(entries) = std::fs::read_dir(dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let path = entry.path();
            // /var/run is usually /run: the same file twice, told by a
            // stat (through the bind mount) before anything is opened.
            if let Some(at) = std::fs::metadata(&path)
                .ok()
                .and_then(|m| found.get((m.dev(), m.ino())))
            {
                let ns = &mut selected.namespaces[at];
                ns.name.get_or_insert_with(|| name.clone());
                continue;
            }
            let opened = File::open(&path).and_then(|f| Ok((identity(&f)?, f)));
            let (id, file) = match opened {
                Ok(opened) => opened,
                Err(e) => {
                    let kind = NetnsErrorKind::Open(path, e);
                    selected.errors.push(NetnsError::new(name, kind));
                    continue;
                }
            };
            // Bound again since the stat above.
            if let Some(at) = found.get(id) {
                let ns = &mut selected.namespaces[at];
                ns.name.get_or_insert_with(|| name.clone());
                continue;
            }
            // In name order, after the caller's own.
            let named = &selected.namespaces[1..];
            let at = 1 + named.partition_point(|n| n.name.as_deref() < Some(name.as_str()));
            for (_, index) in &mut found.ids {
                *index += usize::from(*index >= at);
            }
            found.insert(id, at);
            selected.namespaces.insert(
                at,
                Netns {
                    inode: id.1,
                    name: Some(name.clone()),
                    pid: None,
                    who: name,
                    file: Some(file),
                },
            );
        }
    }

    let procs = std::fs::read_dir("/proc")
        .map_err(|e| NetnsError::new("--all-netns", NetnsErrorKind::Open("/proc".into(), e)))?;
    // The kernel lists processes by rising pid, so the first process seen
    // in a namespace is its lowest, and unnamed namespaces are appended in
    // the order of their labels.
    let mut link = PathBuf::new();
    for entry in procs.flatten() {
        let Some(pid) = pid_of(&entry.file_name()) else {
            continue;
        };
        link.clear();
        link.push(entry.path());
        link.push("ns/net");
        let Some(inode) = std::fs::read_link(&link)
            .ok()
            .and_then(|l| link_inode(l.as_os_str().as_bytes()))
        else {
            continue;
        };
        let id = (own.0, inode);
        if let Some(at) = found.get(id) {
            let ns = &mut selected.namespaces[at];
            ns.pid = Some(ns.pid.map_or(pid, |p| p.min(pid)));
            continue;
        }
        // Opened now, while the process holds the namespace; a process
        // that ended, or a pid reused for another namespace, is passed by.
        let Ok(file) = File::open(&link) else {
            continue;
        };
        if identity(&file).ok() != Some(id) {
            continue;
        }
        found.insert(id, selected.namespaces.len());
        selected.namespaces.push(Netns {
            inode,
            name: None,
            pid: Some(pid),
            who: format!("pid:{pid}"),
            file: Some(file),
        });
    }
    Ok(selected)
}

/// Whether this thread may enter namespaces other than its own: setns()
/// needs CAP_SYS_ADMIN.
pub fn may_enter_others() -> bool {
    rustix::thread::capabilities(None).is_ok_and(|c| {
        c.effective
            .contains(rustix::thread::CapabilitySet::SYS_ADMIN)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_targets() {
        let t = |s: &str| Target::parse(OsStr::new(s));
        assert_eq!(t("blue"), Ok(Target::Name("blue".into())));
        assert_eq!(t("pid:42"), Ok(Target::Pid(42)));
        assert_eq!(
            t("/proc/1/ns/net"),
            Ok(Target::Path("/proc/1/ns/net".into()))
        );
        assert_eq!(t("./x"), Ok(Target::Path("./x".into())));
        for bad in ["pid:", "pid:x", "pid:0", "pid:-1", "", ".", ".."] {
            assert!(t(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn reads_links_and_pids() {
        assert_eq!(link_inode(b"net:[4026531840]"), Some(4026531840));
        assert_eq!(link_inode(b"mnt:[4026531840]"), None);
        assert_eq!(link_inode(b"net:[]"), None);
        assert_eq!(pid_of(OsStr::new("123")), Some(123));
        assert_eq!(pid_of(OsStr::new("self")), None);
        assert_eq!(pid_of(OsStr::new("+1")), None);
    }

    /// `within` runs in the namespace and comes back: a process alone in
    /// a new namespace (`unshare -n`) shows which one the thread is in.
    #[test]
    fn within_enters_and_comes_back() {
        let mut child = std::process::Command::new("unshare")
            .args(["-n", "sleep", "60"])
            .spawn()
            .expect("unshare");
        let theirs = format!("/proc/{}/ns/net", child.id());
        let here = || std::fs::read_link(OWN_FILE).unwrap();
        let home = here();
        // unshare execs sleep once the namespace is made.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(2);
        while std::fs::read_link(&theirs).ok() == Some(home.clone()) {
            assert!(
                std::time::Instant::now() < deadline,
                "unshare -n did not run"
            );
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        let want = std::fs::read_link(&theirs);
        let ns = open(&Target::Pid(child.id()));
        let inside = ns.as_ref().map(|ns| ns.within(here));
        let after = here();
        let _ = child.kill();
        let _ = child.wait();
        let inside = inside.unwrap().unwrap();
        assert_eq!(inside, want.unwrap());
        assert_ne!(inside, home);
        assert_eq!(after, home);
    }

    /// The caller's own namespace, found through /proc/self, is the first
    /// of every namespace and is not entered; opening it by pid says so.
    #[test]
    fn own_namespace_comes_first_and_is_not_entered() {
        let all = every().unwrap();
        let own = &all.namespaces[0];
        assert!(own.is_own());
        let me = std::process::id();
        let by_pid = open(&Target::Pid(me)).unwrap();
        assert!(by_pid.is_own());
        assert_eq!(by_pid.inode, own.inode);
        assert_eq!(by_pid.within(|| 7).unwrap(), 7);
        let inodes: std::collections::HashSet<u64> =
            all.namespaces.iter().map(|n| n.inode).collect();
        assert_eq!(inodes.len(), all.namespaces.len(), "each namespace once");
    }
}
