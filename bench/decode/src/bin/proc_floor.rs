//! The floor of `-p`: what any tool must do to learn which process holds
//! which socket. List /proc, list each process's fd directory, and read
//! each descriptor's link once (`socket:[INODE]`), with no allocation per
//! descriptor and nothing kept. Prints the number of socket descriptors.
//!
//! `bench/run.sh` times it beside `sockdiag -tanp`: the floor of `-tanp` is
//! this walk plus the one-walk dump floor (`floor tcp1`).

use rustix::fd::OwnedFd;
use rustix::fs::{openat, readlinkat, Dir, Mode, OFlags, CWD};

fn open_dir(at: impl rustix::fd::AsFd, path: &rustix::ffi::CStr) -> Option<OwnedFd> {
    openat(
        at,
        path,
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
        Mode::empty(),
    )
    .ok()
}

fn fail() -> ! {
    eprintln!("proc-floor: cannot list /proc");
    std::process::exit(1)
}

fn main() {
    let Some(proc) = open_dir(CWD, c"/proc") else {
        fail()
    };
    let Ok(mut procs) = Dir::read_from(&proc) else {
        fail()
    };
    let mut link = Vec::with_capacity(64);
    let mut sockets = 0u64;
    let mut fd_path = [0u8; 24];
    while let Some(Ok(entry)) = procs.next() {
        let name = entry.file_name().to_bytes();
        if name.is_empty() || !name.iter().all(u8::is_ascii_digit) || name.len() > 16 {
            continue;
        }
        // "PID/fd" as a C string, relative to /proc.
        fd_path[..name.len()].copy_from_slice(name);
        fd_path[name.len()..name.len() + 4].copy_from_slice(b"/fd\0");
        let Ok(path) = rustix::ffi::CStr::from_bytes_with_nul(&fd_path[..name.len() + 4]) else {
            continue;
        };
        let Some(fds) = open_dir(&proc, path) else {
            continue;
        };
        let Ok(mut fd_entries) = Dir::read_from(&fds) else {
            continue;
        };
        while let Some(Ok(fd)) = fd_entries.next() {
            if fd.file_name().to_bytes().first() == Some(&b'.') {
                continue;
            }
            link.clear();
            if let Ok(target) = readlinkat(&fds, fd.file_name(), std::mem::take(&mut link)) {
                if target.as_bytes().starts_with(b"socket:[") {
                    sockets += 1;
                }
                link = target.into_bytes();
            }
        }
    }
    println!("{sockets}");
}
