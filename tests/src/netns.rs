//! Network namespaces for the tests of `-N` and `--all-netns`, each made
//! by the test and removed when its guard drops, also when the test fails:
//! named ones (`ip netns add`), unnamed ones held by a process
//! (`unshare -n`), sockets opened inside either, and cgroups.

use std::fs::File;
use std::os::fd::{AsFd, AsRawFd};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use rustix::thread::{move_into_link_name_space, LinkNameSpaceType};

use crate::unique_name;

/// Runs a command that must succeed (`ip`, `mkdir`...), naming it on
/// failure.
#[track_caller]
pub fn must(program: &str, args: &[&str]) {
    let out = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {program}: {e}"));
    assert!(
        out.status.success(),
        "{program} {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A namespace bound at /run/netns/NAME with loopback up; `ip netns del`
/// when dropped.
pub struct NamedNetns {
    pub name: String,
    /// Held open, so [`isolated`] binds the namespace itself, whatever
    /// happens to /run/netns meanwhile.
    file: Option<File>,
}

impl NamedNetns {
    #[track_caller]
    pub fn new() -> NamedNetns {
        let mut ns = NamedNetns {
            name: unique_name(),
            file: None,
        };
        must("ip", &["netns", "add", &ns.name]);
        ns.file = Some(File::open(ns.path()).expect("the new namespace's file"));
        must("ip", &["-n", &ns.name, "link", "set", "lo", "up"]);
        ns
    }

    /// The namespace through this process's descriptor of it (mount must
    /// not canonicalize it: the link's text is the path in /run/netns).
    fn held(&self) -> String {
        let fd = self.file.as_ref().expect("held open").as_raw_fd();
        format!("/proc/{}/fd/{fd}", std::process::id())
    }

    /// Its namespace file.
    pub fn path(&self) -> PathBuf {
        Path::new("/run/netns").join(&self.name)
    }

    /// Runs `ip -n NAME ARGS...`.
    #[track_caller]
    pub fn ip(&self, args: &[&str]) {
        let mut all = vec!["-n", &self.name];
        all.extend_from_slice(args);
        must("ip", &all);
    }

    /// Runs `f` on a thread inside the namespace.
    pub fn run<T: Send>(&self, f: impl FnOnce() -> T + Send) -> T {
        inside(&self.path(), f)
    }
}

impl Default for NamedNetns {
    fn default() -> NamedNetns {
        NamedNetns::new()
    }
}

impl Drop for NamedNetns {
    fn drop(&mut self) {
        self.file = None;
        // A mount namespace another program made meanwhile (ip netns exec,
        // unshare -m) may hold a copy of the bind mount, and the file
        // cannot be removed (EBUSY) until it ends: try again a while.
        let path = self.path();
        for _ in 0..100 {
            let _ = Command::new("ip")
                .args(["netns", "del", &self.name])
                .output();
            if !path.exists() {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        eprintln!("could not remove network namespace {}", self.name);
    }
}

/// A process alone in a namespace of its own, unnamed (`unshare -n sleep`);
/// killed when dropped, which frees the namespace.
pub struct UnnamedNetns {
    child: Child,
}

impl UnnamedNetns {
    #[track_caller]
    pub fn new() -> UnnamedNetns {
        let child = Command::new("unshare")
            .args(["-n", "sleep", "600"])
            .stdin(Stdio::null())
            .spawn()
            .expect("cannot run unshare -n sleep");
        let ns = UnnamedNetns { child };
        // unshare execs sleep once the namespace is made: wait for that,
        // so the namespace file is the new one.
        let own = std::fs::read_link("/proc/self/ns/net").unwrap();
        crate::wait_for(
            "unshare to enter its namespace",
            || match std::fs::read_link(ns.path()) {
                Ok(l) if l != own => Ok(()),
                other => Err(format!("{other:?}")),
            },
        );
        ns.ip(&["link", "set", "lo", "up"]);
        ns
    }

    /// The pid of its one process.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn path(&self) -> PathBuf {
        PathBuf::from(format!("/proc/{}/ns/net", self.pid()))
    }

    /// Runs `ip -n`'s equivalent, `nsenter -t PID -n ip ARGS...`.
    #[track_caller]
    pub fn ip(&self, args: &[&str]) {
        let pid = self.pid().to_string();
        let mut all = vec!["-t", &pid, "-n", "ip"];
        all.extend_from_slice(args);
        must("nsenter", &all);
    }

    /// Runs `f` on a thread inside the namespace.
    pub fn run<T: Send>(&self, f: impl FnOnce() -> T + Send) -> T {
        inside(&self.path(), f)
    }
}

impl Default for UnnamedNetns {
    fn default() -> UnnamedNetns {
        UnnamedNetns::new()
    }
}

impl Drop for UnnamedNetns {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs `f` on a new thread that first enters the namespace at `path`;
/// the thread ends with `f`, so none is left there. Sockets `f` opens stay
/// in that namespace.
pub fn inside<T: Send>(path: &Path, f: impl FnOnce() -> T + Send) -> T {
    let file = File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    std::thread::scope(|s| {
        s.spawn(|| {
            move_into_link_name_space(file.as_fd(), Some(LinkNameSpaceType::Network))
                .expect("setns");
            f()
        })
        .join()
        .expect("the thread in the namespace panicked")
    })
}

/// The first cgroup2 mount point.
pub fn cgroup2_mount() -> Option<PathBuf> {
    let mounts = std::fs::read_to_string("/proc/self/mounts").ok()?;
    mounts.lines().find_map(|line| {
        let mut f = line.split(' ');
        let (_, dir, fstype) = (f.next()?, f.next()?, f.next()?);
        (fstype == "cgroup2").then(|| PathBuf::from(dir))
    })
}

/// A chain of cgroup directories under a cgroup2 mount, removed leaf
/// first when dropped (kill the processes in it before).
pub struct CgroupPath {
    dirs: Vec<PathBuf>,
}

impl CgroupPath {
    /// Makes `mount/parts[0]/parts[1]/...`.
    #[track_caller]
    pub fn new(mount: &Path, parts: &[&str]) -> CgroupPath {
        let mut cg = CgroupPath { dirs: Vec::new() };
        let mut dir = mount.to_path_buf();
        for part in parts {
            dir.push(part);
            std::fs::create_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
            cg.dirs.push(dir.clone());
        }
        cg
    }

    /// Moves process `pid` into the innermost directory.
    #[track_caller]
    pub fn add(&self, pid: u32) {
        let procs = self.dirs.last().expect("a cgroup").join("cgroup.procs");
        std::fs::write(&procs, pid.to_string())
            .unwrap_or_else(|e| panic!("{}: {e}", procs.display()));
    }
}

impl Drop for CgroupPath {
    fn drop(&mut self) {
        for dir in self.dirs.iter().rev() {
            // A process that just died leaves its cgroup a moment later.
            for _ in 0..100 {
                if std::fs::remove_dir(dir).is_ok() || !dir.exists() {
                    break;
                }
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
        }
    }
}

/// Runs sockdiag with `args` in a private mount namespace (`unshare -m`)
/// whose /run/netns holds only the `named` namespaces, so namespaces other
/// programs add or remove meanwhile do not show; `setup` (shell) runs
/// before, and `wrapper` (a command prefix, such as `setpriv ...`) wraps
/// sockdiag. What the script mounts is gone when it ends.
pub fn isolated(named: &[&NamedNetns], setup: &str, wrapper: &str, args: &[&str]) -> crate::Run {
    let binds: Vec<String> = named
        .iter()
        .map(|n| format!("{}={}", n.name, n.held()))
        .collect();
    let script = format!(
        "set -e
        mount -t tmpfs sockdiag-test /run/netns
        for bind in {binds}; do
            : > \"/run/netns/${{bind%%=*}}\"
            mount --no-canonicalize --bind \"${{bind#*=}}\" \"/run/netns/${{bind%%=*}}\"
        done
        {setup}
        exec {wrapper} \"$SOCKDIAG\" \"$@\"",
        binds = binds.join(" "),
    );
    let bin = crate::sockdiag_bin();
    let out = Command::new("unshare")
        .args(["-m", "--propagation", "private", "sh", "-c", &script, "sh"])
        .args(args)
        .env("SOCKDIAG", &bin)
        .output()
        .expect("cannot run unshare -m");
    crate::Run::from_output(format!("unshare -m sh -c {script:?} {args:?}"), out)
}

/// A process started in a namespace (`ip netns exec NAME sleep`), killed
/// when dropped.
pub struct Sleeper(Child);

impl Sleeper {
    #[track_caller]
    pub fn in_named(ns: &NamedNetns) -> Sleeper {
        let child = Command::new("ip")
            .args(["netns", "exec", &ns.name, "sleep", "600"])
            .stdin(Stdio::null())
            .spawn()
            .expect("cannot run ip netns exec");
        let sleeper = Sleeper(child);
        let want = std::fs::metadata(ns.path()).unwrap();
        crate::wait_for("ip netns exec to enter the namespace", || {
            use std::os::unix::fs::MetadataExt;
            match std::fs::metadata(format!("/proc/{}/ns/net", sleeper.pid())) {
                Ok(m) if m.ino() == want.ino() => Ok(()),
                other => Err(format!("{other:?}")),
            }
        });
        sleeper
    }

    pub fn pid(&self) -> u32 {
        self.0.id()
    }
}

impl Drop for Sleeper {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Runs `script` with `sh -c` in fresh network, mount, PID and cgroup
/// namespaces with their own /proc (`unshare`), killed after two minutes.
/// The shell is the PID namespace's init: when it exits, also on a failed
/// test, every process it started goes with it, and the namespaces too.
#[track_caller]
pub fn run_in_private_namespaces(script: &str) {
    let out = Command::new("timeout")
        .args(["120", "unshare", "--net", "--mount", "--pid", "--fork"])
        .args(["--cgroup", "--mount-proc", "sh", "-c", script])
        .output()
        .expect("cannot run unshare");
    assert!(
        out.status.success(),
        "the script inside private namespaces failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The text of `dir/name`, which the test's script must have written.
#[track_caller]
pub fn read_written(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}
