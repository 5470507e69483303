//! The Debian packages a guest is made of, for any architecture dpkg knows
//! (`dpkg --add-architecture`): the distribution's kernel (its image and
//! the diag modules) and static busybox. Each is fetched once with
//! `apt-get download` and cached under `<target>/initramfs-packages/`,
//! keyed by the package file's name, which holds its version.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// What the guest must load, dependencies first (added from the modules'
/// own `depends=` field: the package ships no modules.dep, depmod makes it
/// at install time).
pub const DIAG_MODULES: [&str; 4] = ["inet_diag", "tcp_diag", "udp_diag", "unix_diag"];

/// The kernel and the diag modules (with their dependencies) in load order.
pub struct Kernel {
    pub vmlinuz: PathBuf,
    /// (module name, file), dependencies first.
    pub modules: Vec<(String, PathBuf)>,
}

/// The kernel package that `linux-image-<flavour>` depends on, for example
/// `linux-image-6.1.0-57-arm64:arm64`.
pub fn kernel(target: &Path, arch: &str, flavour: &str) -> Result<Kernel, String> {
    let meta = format!("linux-image-{flavour}:{arch}");
    let out = run_ok(Command::new("apt-cache").args(["depends", &meta]))?;
    let text = String::from_utf8_lossy(&out);
    let package = text
        .lines()
        .filter_map(|l| l.trim().strip_prefix("Depends: "))
        .find(|p| p.starts_with("linux-image-"))
        .map(|p| p.split(':').next().unwrap_or(p))
        .ok_or_else(|| format!("apt-cache knows no kernel package behind {meta}"))?;
    let cache = cached(&format!("{package}:{arch}"), target, |tree, out| {
        unpack_kernel(tree, out)
    })?;
    let order = cache.join("modules.order");
    let modules = std::fs::read_to_string(&order)
        .map_err(|e| format!("{}: {e}", order.display()))?
        .lines()
        .map(|name| (name.to_string(), cache.join(format!("{name}.ko"))))
        .collect();
    Ok(Kernel {
        vmlinuz: cache.join("vmlinuz"),
        modules,
    })
}

/// busybox from busybox-static: statically linked, so it runs in an
/// initramfs without a libc.
pub fn busybox(target: &Path, arch: &str) -> Result<PathBuf, String> {
    let cache = cached(&format!("busybox-static:{arch}"), target, |tree, out| {
        std::fs::rename(tree.join("bin/busybox"), out.join("busybox"))
            .map_err(|e| format!("the package has no /bin/busybox: {e}"))
    })?;
    Ok(cache.join("busybox"))
}

/// The cache directory of `package` (`name:arch`), filled on first use by
/// `keep`, which moves what the guest needs from the unpacked package
/// (first argument) to the new cache directory (second).
fn cached(
    package: &str,
    target: &Path,
    keep: impl FnOnce(&Path, &Path) -> Result<(), String>,
) -> Result<PathBuf, String> {
    // `'URI' FILE SIZE HASH`: the file name carries name, version and arch.
    let uris = run_ok(Command::new("apt-get").args(["download", "--print-uris", package]))
        .map_err(|e| format!("the package {package} (apt-get update?): {e}"))?;
    let uris = String::from_utf8_lossy(&uris);
    let file = uris
        .split_whitespace()
        .nth(1)
        .and_then(|f| f.strip_suffix(".deb"))
        .ok_or_else(|| format!("apt-get download --print-uris {package} said {uris:?}"))?;
    let cache = target.join("initramfs-packages").join(file);
    let complete = cache.join(".complete");
    if complete.is_file() {
        return Ok(cache);
    }

    // Not with_extension: the version's dots would make it cut the name
    // there, and two architectures of one package share that prefix.
    let tmp = cache.with_file_name(format!("{file}.partial"));
    let _ = std::fs::remove_dir_all(&tmp);
    let io = |e: std::io::Error| format!("{}: {e}", tmp.display());
    std::fs::create_dir_all(tmp.join("tree")).map_err(io)?;
    std::fs::create_dir_all(tmp.join("out")).map_err(io)?;
    let result = (|| {
        run_ok(
            Command::new("apt-get")
                .args(["download", "-q", package])
                .current_dir(&tmp),
        )?;
        let deb = std::fs::read_dir(&tmp)
            .map_err(io)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .find(|p| p.extension().is_some_and(|x| x == "deb"))
            .ok_or_else(|| format!("apt-get download {package} left no .deb"))?;
        run_ok(
            Command::new("dpkg-deb")
                .arg("-x")
                .arg(&deb)
                .arg(tmp.join("tree")),
        )?;
        keep(&tmp.join("tree"), &tmp.join("out"))?;
        std::fs::write(tmp.join("out/.complete"), "").map_err(io)?;
        let _ = std::fs::remove_dir_all(&cache);
        std::fs::rename(tmp.join("out"), &cache).map_err(io)
    })();
    let _ = std::fs::remove_dir_all(&tmp);
    result.map_err(|e| format!("the package {package}: {e}"))?;
    Ok(cache)
}

fn run_ok(cmd: &mut Command) -> Result<Vec<u8>, String> {
    let out = cmd.output().map_err(|e| format!("{cmd:?}: {e}"))?;
    if out.status.success() {
        Ok(out.stdout)
    } else {
        Err(format!(
            "{cmd:?} failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

/// Keeps `vmlinuz`, the diag modules with their dependencies (unpacked,
/// for busybox insmod) and `modules.order`, their load order.
fn unpack_kernel(tree: &Path, out: &Path) -> Result<(), String> {
    let vmlinuz = std::fs::read_dir(tree.join("boot"))
        .map_err(|e| format!("the package has no /boot: {e}"))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("vmlinuz-"))
        })
        .ok_or("the package has no /boot/vmlinuz-*")?;
    let mut files = BTreeMap::new();
    let mut builtin = String::new();
    for lib in ["lib/modules", "usr/lib/modules"] {
        let Ok(versions) = std::fs::read_dir(tree.join(lib)) else {
            continue;
        };
        for version in versions.filter_map(|e| e.ok()) {
            builtin += &std::fs::read_to_string(version.path().join("modules.builtin"))
                .unwrap_or_default();
            index_modules(&version.path(), &mut files);
        }
    }
    let builtin: Vec<String> = builtin
        .lines()
        .filter_map(|l| l.rsplit('/').next()?.strip_suffix(".ko"))
        .map(|m| m.replace('-', "_"))
        .collect();

    let mut order = Vec::new();
    for name in DIAG_MODULES {
        add_module(name, &files, &builtin, out, &mut order)?;
    }
    std::fs::rename(&vmlinuz, out.join("vmlinuz")).map_err(|e| e.to_string())?;
    std::fs::write(out.join("modules.order"), order.join("\n") + "\n").map_err(|e| e.to_string())
}

/// Every `*.ko*` under `dir`, by module name (`-` and `_` are one).
fn index_modules(dir: &Path, files: &mut BTreeMap<String, PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.filter_map(|e| e.ok()) {
        let path = entry.path();
        if path.is_dir() {
            index_modules(&path, files);
        } else if let Some(name) = path.file_name().and_then(|n| n.to_str()) {
            if let Some((stem, _)) = name.split_once(".ko") {
                files.insert(stem.replace('-', "_"), path.clone());
            }
        }
    }
}

/// Writes module `name` uncompressed to `out` after its dependencies, and
/// appends it to `order`. busybox insmod loads plain .ko files only, so a
/// compressed module is unpacked here with the matching tool.
fn add_module(
    name: &str,
    files: &BTreeMap<String, PathBuf>,
    builtin: &[String],
    out: &Path,
    order: &mut Vec<String>,
) -> Result<(), String> {
    if order.iter().any(|m| m == name) || builtin.iter().any(|m| m == name) {
        return Ok(());
    }
    let path = files
        .get(name)
        .ok_or_else(|| format!("module {name} in the kernel package"))?;
    let file = path.to_string_lossy();
    let bytes = if file.ends_with(".ko") {
        std::fs::read(path).map_err(|e| e.to_string())?
    } else {
        let tool = match file.rsplit('.').next() {
            Some("xz") => "xz",
            Some("zst") => "zstd",
            Some("gz") => "gzip",
            _ => return Err(format!("a way to unpack {file}")),
        };
        run_ok(Command::new(tool).arg("-dc").arg(path))
            .map_err(|e| format!("{tool} to unpack {file} (apt-get install {tool}): {e}"))?
    };
    // The .modinfo section holds NUL-terminated `key=value` strings.
    let depends = bytes
        .split(|&b| b == 0)
        .find_map(|s| s.strip_prefix(b"depends="))
        .unwrap_or_default();
    for dep in String::from_utf8_lossy(depends)
        .split(',')
        .filter(|d| !d.is_empty())
    {
        add_module(&dep.replace('-', "_"), files, builtin, out, order)?;
    }
    std::fs::write(out.join(format!("{name}.ko")), bytes).map_err(|e| e.to_string())?;
    order.push(name.to_string());
    Ok(())
}
