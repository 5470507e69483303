//! The network namespaces a mode over time covers (`-N`, `--all-netns`):
//! each one's labels, and what is opened inside it (its sock_diag socket,
//! its ephemeral port range, its own reading of the filter's interface
//! names), the way the listing opens them.

use std::cell::RefCell;

use sockdiag_codec::filter::expr::Expr;
use sockdiag_codec::netns::Netns as NetnsInfo;

use crate::cli::Options;
use crate::error::Error;
use crate::host::context::Host;
use crate::host::ifnames::IfNames;
use crate::host::pods::{PodInfo, Pods};
use crate::host::services::{ephemeral_range, NetnsResolver};
use crate::kernel::netns::{self, Netns, Scope};
use crate::kernel::socket::DiagSocket;
use crate::kernel::source::Source;

/// One namespace a mode covers.
pub struct Covered {
    pub netns: Netns,
    /// The `netns` label: its name under /run/netns (or as `-N` gave it),
    /// else `net:[INODE]` as `readlink /proc/PID/ns/net` shows it. Not
    /// `pid:PID`, which changes when that process restarts.
    pub label: String,
    /// The Kubernetes namespace and pod, when the host shows both.
    pub pod: Option<(String, String)>,
    /// What the host shows of its pod and container (`--all-netns`).
    pub pod_info: PodInfo,
}

/// What a mode opened inside one namespace.
pub struct Opened {
    pub src: Source,
    /// ss's `autobound` range there.
    pub ephemeral: (u16, u16),
    /// The filter as this namespace names its interfaces; `None`: the
    /// command line's as parsed (the caller's own namespace).
    pub filter: Option<Expr>,
    /// Its interfaces' names, asked through its socket.
    pub ifnames: IfNames,
}

/// True for an error after which this thread may be in another namespace:
/// the run must stop.
pub fn is_fatal(e: &Error) -> bool {
    matches!(e, Error::Netns(n) if n.is_fatal())
}

/// The caller's own namespace's inode, from its link.
fn own_inode() -> u64 {
    std::fs::read_link("/proc/thread-self/ns/net")
        .ok()
        .and_then(|l| {
            let l = l.to_str()?;
            l.strip_prefix("net:[")?.strip_suffix(']')?.parse().ok()
        })
        .unwrap_or(0)
}

/// The namespaces `opts` covers, and one line for each found but not
/// reachable (or, without CAP_SYS_ADMIN, one for all the others).
pub fn select(opts: &Options) -> Result<(Vec<Covered>, Vec<String>), Error> {
    let all = opts.netns == Scope::All;
    let mut selected = netns::select(&opts.netns).map_err(Error::Netns)?;
    let mut problems: Vec<String> = selected.errors.iter().map(|e| e.to_string()).collect();
    if all && !netns::may_enter_others() {
        let others = selected.namespaces.len() - 1;
        selected.namespaces.truncate(1);
        problems.push(format!(
            "--all-netns: covering only this process's network namespace; entering the \
             {others} other(s) found needs CAP_SYS_ADMIN (run as root)"
        ));
    }
    let mut pods = Pods::default();
    let covered = selected
        .namespaces
        .into_iter()
        .map(|netns| {
            let inode = match netns.inode {
                0 => own_inode(),
                i => i,
            };
            let label = match &netns.name {
                Some(name) => name.clone(),
                None => format!("net:[{inode}]"),
            };
            let pod_info = match netns.pid {
                Some(pid) if all => pods.of_process(pid),
                _ => PodInfo::default(),
            };
            let pod = pod_info.namespace.clone().zip(pod_info.name.clone());
            Covered {
                netns,
                label,
                pod,
                pod_info,
            }
        })
        .collect();
    Ok((covered, problems))
}

impl Covered {
    /// `e` as one line, naming the namespace when `all` are covered (a
    /// namespace error names it already).
    pub fn say(&self, all: bool, e: &Error) -> String {
        match (all, e) {
            (true, Error::Netns(_)) | (false, _) => e.to_string(),
            (true, e) => format!("netns {}: {e}", self.label),
        }
    }

    /// The namespace as the listing's `--all-netns` names it (`Netns`
    /// column, JSON members).
    pub fn info(&self) -> NetnsInfo<'_> {
        NetnsInfo {
            inode: self.netns.inode,
            name: self.netns.name.as_deref(),
            pid: self.netns.pid,
            pod: self.pod_info.view(),
        }
    }

    /// Opens what a mode needs inside the namespace. An error names the
    /// namespace; [`is_fatal`] ones end the run.
    pub fn open(&self, opts: &Options) -> Result<Opened, Error> {
        self.open_with(opts, true, || ()).map(|(opened, ())| opened)
    }

    /// As [`Covered::open`], running `inside` too while in the namespace
    /// (once its socket is open): one visit instead of two. The ephemeral
    /// range is read only if `ephemeral` (else it is `(0, 0)`): finding
    /// its sysctl file is slow with many namespaces (the kernel compares
    /// every namespace's entry of that name), and only `autobound` or a
    /// printer needs it.
    pub fn open_with<T>(
        &self,
        opts: &Options,
        ephemeral: bool,
        inside: impl FnOnce() -> T,
    ) -> Result<(Opened, T), Error> {
        let range = || if ephemeral { ephemeral_range() } else { (0, 0) };
        let (socket, ephemeral, value) = self
            .netns
            .within(|| DiagSocket::open().map(|s| (s, range(), inside())))
            .map_err(Error::Netns)?
            .map_err(Error::Kernel)?;
        let filter = match opts.netns {
            Scope::Own => None,
            _ if opts.filter.is_empty() => None,
            _ => {
                // Live only: these modes record no capture.
                let sys = opts.resolver(&Host::Live);
                let resolver = NetnsResolver {
                    sys: &sys,
                    socket: Some(socket.as_fd()),
                    netns: 0,
                    // A name this namespace lacks matches none of its
                    // sockets.
                    unknown: RefCell::new(Vec::new()),
                };
                Some(opts.filter_in(&resolver).map_err(Error::Filter)?)
            }
        };
        let ifnames = match (&opts.netns, socket.as_fd().try_clone_to_owned()) {
            (Scope::Own, _) | (_, Err(_)) => IfNames::default(),
            (_, Ok(fd)) => IfNames::of_socket(fd),
        };
        let mut src = Source::open(None, None, false)?;
        src.use_socket(Some(socket), self.netns.try_clone().map_err(Error::Netns)?);
        let opened = Opened {
            src,
            ephemeral,
            filter,
            ifnames,
        };
        Ok((opened, value))
    }
}
