//! Cgroup v2 paths by id, for `-e`'s `cgroup:` (ss's `cg_id_to_path`).
//!
//! The kernel reports a socket's cgroup as the 64-bit kernfs id, which on
//! 64-bit kernels is the inode number of the cgroup's directory. The map
//! is built once, on first use, by walking the cgroup2 mount (without
//! crossing into other mounts); lookups then cost nothing per socket.

use std::borrow::Cow;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

use sockdiag_codec::capture::Kind;

use crate::host::context::Host;

#[derive(Default)]
pub struct Cgroups {
    /// (id, path) sorted by id, which is unique on the one file system
    /// walked: a binary search needs no hasher in the binary.
    map: Option<Vec<(u64, String)>>,
    host: Host,
}

impl Cgroups {
    /// Paths asked through `host`.
    pub fn through(host: Host) -> Cgroups {
        Cgroups { map: None, host }
    }

    /// The path of cgroup `id` relative to the cgroup2 mount (`/` for the
    /// root), or `None` when no directory has that id (a removed cgroup,
    /// no cgroup2 mount): ss then prints `unreachable:ID`.
    pub fn path(&mut self, id: u64) -> Option<&str> {
        let map = &mut self.map;
        let path = self.host.answer(Kind::Cgroup, 0, id, || {
            let map = map.get_or_insert_with(build);
            let i = map.binary_search_by_key(&id, |e| e.0).ok()?;
            map.get(i).map(|e| Cow::Borrowed(e.1.as_bytes()))
        });
        match path? {
            Cow::Borrowed(path) => std::str::from_utf8(path).ok(),
            Cow::Owned(_) => None,
        }
    }
}

/// The first cgroup2 mount point in /proc/self/mounts.
fn mount_point() -> Option<String> {
    let mounts = std::fs::read_to_string("/proc/self/mounts").ok()?;
    mounts.lines().find_map(|line| {
        let mut f = line.split(' ');
        let (_, dir, fstype) = (f.next()?, f.next()?, f.next()?);
        (fstype == "cgroup2").then(|| unescape(dir))
    })
}

/// Undoes the octal escapes (`\040` for a space) of /proc/self/mounts.
fn unescape(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let digits = b
            .get(i + 1..i + 4)
            .filter(|d| d.iter().all(|c| (b'0'..=b'7').contains(c)));
        match (b[i], digits) {
            (b'\\', Some(d)) => {
                out.push((d[0] - b'0') << 6 | (d[1] - b'0') << 3 | (d[2] - b'0'));
                i += 4;
            }
            (c, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn build() -> Vec<(u64, String)> {
    let mut map = walk();
    crate::sort::sort_by_key(&mut map, |e| e.0);
    map
}

fn walk() -> Vec<(u64, String)> {
    let mut map = Vec::new();
    let Some(root) = mount_point() else {
        return map;
    };
    let root = Path::new(&root);
    let Ok(meta) = std::fs::metadata(root) else {
        return map;
    };
    map.push((meta.ino(), "/".to_string()));
    let mut stack = vec![(root.to_path_buf(), String::new())];
    while let Some((dir, rel)) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if !kind.is_dir() {
                continue;
            }
            let Ok(m) = entry.metadata() else { continue };
            // FTW_MOUNT, as ss: stay on the cgroup2 file system.
            if m.dev() != meta.dev() {
                continue;
            }
            let path = format!("{rel}/{}", entry.file_name().to_string_lossy());
            map.push((m.ino(), path.clone()));
            stack.push((entry.path(), path));
        }
    }
    map
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unescapes_mount_points() {
        assert_eq!(unescape(r"/a\040b\\c"), r"/a b\\c");
        assert_eq!(unescape(r"/x\04"), r"/x\04");
    }

    /// This process's own cgroup (from /proc/self/cgroup) has a path the
    /// map finds by the directory's inode.
    #[test]
    fn finds_own_cgroup() {
        let Some(mount) = mount_point() else {
            return; // no cgroup2 here: nothing to find
        };
        let own = std::fs::read_to_string("/proc/self/cgroup").unwrap();
        let rel = own
            .lines()
            .find_map(|l| l.strip_prefix("0::"))
            .expect("a cgroup2 line");
        let ino = std::fs::metadata(format!("{mount}{rel}")).unwrap().ino();
        let mut c = Cgroups::default();
        assert_eq!(c.path(ino), Some(rel));
    }
}
