//! Which container and Kubernetes pod a network namespace belongs to, as
//! the host shows it without asking anyone: the cgroup path of a process
//! in the namespace (container runtimes name the leaf after the container
//! id; the kubelet files pods under `kubepods`, by pod UID) and the
//! kubelet's log directories, `/var/log/pods/<namespace>_<pod>_<uid>`.

use std::fs;

use sockdiag_codec::netns::Pod;

/// Where the kubelet keeps each pod's logs.
const POD_LOGS: &str = "/var/log/pods";

/// What was found for one namespace; each part on its own.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PodInfo {
    pub namespace: Option<String>,
    pub name: Option<String>,
    pub uid: Option<String>,
    pub container_id: Option<String>,
}

impl PodInfo {
    pub fn view(&self) -> Pod<'_> {
        Pod {
            namespace: self.namespace.as_deref(),
            name: self.name.as_deref(),
            uid: self.uid.as_deref(),
            container_id: self.container_id.as_deref(),
        }
    }
}

/// The pod attributions of a run: `/var/log/pods` is read once, when the
/// first pod UID is found.
#[derive(Debug, Default)]
pub struct Pods {
    /// (uid, namespace, pod) of each log directory.
    logs: Option<Vec<(String, String, String)>>,
}

impl Pods {
    /// The container and pod of process `pid`, from its cgroup; nothing
    /// when the process has gone or sits in no container's cgroup.
    pub fn of_process(&mut self, pid: u32) -> PodInfo {
        let Ok(text) = fs::read_to_string(format!("/proc/{pid}/cgroup")) else {
            return PodInfo::default();
        };
        let Some(path) = cgroup_path(&text) else {
            return PodInfo::default();
        };
        let mut info = PodInfo {
            uid: pod_uid(path),
            container_id: container_id(path).map(str::to_string),
            ..PodInfo::default()
        };
        if let Some(uid) = &info.uid {
            let logs = self.logs.get_or_insert_with(read_pod_logs);
            if let Some((_, namespace, name)) = logs.iter().find(|(u, _, _)| u == uid) {
                info.namespace = Some(namespace.clone());
                info.name = Some(name.clone());
            }
        }
        info
    }
}

/// The cgroup path that says the most, from /proc/PID/cgroup's
/// `ID:CONTROLLERS:PATH` lines: one under `kubepods` in any hierarchy
/// (cgroup v1 hosts file pods in each), else the cgroup v2 one, else the
/// first that is not the root.
fn cgroup_path(text: &str) -> Option<&str> {
    let lines = || {
        text.lines()
            .filter_map(|l| l.splitn(3, ':').nth(2).map(|path| (l, path)))
    };
    let not_root = |p: &&str| *p != "/" && !p.is_empty();
    lines()
        .map(|(_, p)| p)
        .find(|p| p.contains("/kubepods"))
        .or_else(|| {
            lines()
                .find(|(l, _)| l.starts_with("0::"))
                .map(|(_, p)| p)
                .filter(not_root)
        })
        .or_else(|| lines().map(|(_, p)| p).find(not_root))
}

/// The pod UID in a `kubepods` path: a part `pod<UID>` (the cgroupfs
/// driver) or `kubepods-<class>-pod<UID>.slice` (the systemd driver,
/// which writes the UID's dashes as underscores).
fn pod_uid(path: &str) -> Option<String> {
    if !path.contains("/kubepods") {
        return None;
    }
    path.split('/').find_map(|part| {
        let part = part.strip_suffix(".slice").unwrap_or(part);
        let uid = match part.strip_prefix("pod") {
            Some(uid) => uid,
            None => part.rsplit_once("-pod")?.1,
        };
        let uid = uid.replace('_', "-");
        let looks_right = uid.len() >= 8
            && uid.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-')
            && uid.bytes().any(|b| b.is_ascii_hexdigit());
        looks_right.then_some(uid)
    })
}

/// The container id a runtime names the last part of the path after:
/// `<id>`, `docker-<id>.scope`, `cri-containerd-<id>.scope`,
/// `crio-<id>.scope`, `libpod-<id>.scope`. An id is 12 or more hex digits.
fn container_id(path: &str) -> Option<&str> {
    let last = path.rsplit('/').next()?;
    let last = last.strip_suffix(".scope").unwrap_or(last);
    let id = last.rsplit_once('-').map_or(last, |(_, id)| id);
    (id.len() >= 12 && id.bytes().all(|b| b.is_ascii_hexdigit())).then_some(id)
}

/// Each `<namespace>_<pod>_<uid>` directory under /var/log/pods. Names of
/// Kubernetes namespaces and pods hold no `_`, so the split is exact.
fn read_pod_logs() -> Vec<(String, String, String)> {
    let Ok(entries) = fs::read_dir(POD_LOGS) else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            let mut parts = name.splitn(3, '_');
            let (namespace, pod, uid) = (parts.next()?, parts.next()?, parts.next()?);
            Some((uid.to_string(), namespace.to_string(), pod.to_string()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const UID: &str = "0d7c5a10-6f2e-4c1b-9a53-2f1e8b9c4d21";
    const ID: &str = "4b5e0c1d2e3f405162738495a6b7c8d9e0f1a2b3c4d5e6f708192a3b4c5d6e7f";

    #[test]
    fn picks_the_telling_cgroup_line() {
        let v1 = format!(
            "12:pids:/kubepods/burstable/pod{UID}/{ID}\n0::/\n1:name=systemd:/init.scope\n"
        );
        assert_eq!(
            cgroup_path(&v1),
            Some(format!("/kubepods/burstable/pod{UID}/{ID}").as_str())
        );
        assert_eq!(
            cgroup_path("0::/system.slice/x.service\n"),
            Some("/system.slice/x.service")
        );
        assert_eq!(cgroup_path("4:memory:/a\n0::/\n"), Some("/a"));
        assert_eq!(cgroup_path("0::/\n"), None);
        assert_eq!(cgroup_path(""), None);
    }

    #[test]
    fn reads_pod_uids() {
        let cgroupfs = format!("/kubepods/besteffort/pod{UID}/{ID}");
        assert_eq!(pod_uid(&cgroupfs).as_deref(), Some(UID));
        let systemd = format!(
            "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod{}.slice/cri-containerd-{ID}.scope",
            UID.replace('-', "_")
        );
        assert_eq!(pod_uid(&systemd).as_deref(), Some(UID));
        let guaranteed = format!(
            "/kubepods.slice/kubepods-pod{}.slice",
            UID.replace('-', "_")
        );
        assert_eq!(pod_uid(&guaranteed).as_deref(), Some(UID));
        // A test's cgroup below some prefix is still a kubepods path.
        let nested = format!("/sockdiag-test-1/kubepods/burstable/pod{UID}/{ID}");
        assert_eq!(pod_uid(&nested).as_deref(), Some(UID));
        assert_eq!(pod_uid(&format!("/system.slice/pod{UID}")), None);
        assert_eq!(pod_uid("/kubepods/burstable/podzzz"), None);
        assert_eq!(pod_uid("/kubepods/burstable"), None);
    }

    #[test]
    fn reads_container_ids() {
        for path in [
            format!("/kubepods/burstable/pod{UID}/{ID}"),
            format!("/system.slice/docker-{ID}.scope"),
            format!("/kubepods.slice/x.slice/cri-containerd-{ID}.scope"),
            format!("/machine.slice/libpod-{ID}.scope"),
            format!("/docker/{ID}"),
        ] {
            assert_eq!(container_id(&path), Some(ID), "{path}");
        }
        assert_eq!(container_id("/system.slice/ssh.service"), None);
        assert_eq!(container_id("/init.scope"), None);
        assert_eq!(container_id("/user.slice/session-abc123.scope"), None);
    }
}
