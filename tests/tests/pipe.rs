//! `sockdiag -a | head -1`: a reader that goes away is not an error.
//!
//! Its own test binary, so that its thousands of descriptors do not count
//! against the other tests' limit.

use std::io::{BufRead, BufReader, Read};
use std::os::unix::net::UnixStream;
use std::process::{Command, Stdio};

use sockdiag_tests::{sockdiag, sockdiag_bin};

/// More output than the pipe (64 KiB) and sockdiag's buffer (64 KiB) hold
/// together, so writes fail with EPIPE once the reader is gone: 2000 pairs
/// are 4000 unix lines of about 90 bytes.
const PAIRS: usize = 2000;

#[test]
fn closed_stdout_exits_quietly() {
    let _pairs: Vec<(UnixStream, UnixStream)> = (0..PAIRS)
        .map(|i| {
            UnixStream::pair().unwrap_or_else(|e| {
                panic!(
                    "socketpair {i} of {PAIRS}: {e} (is `ulimit -n` below {}?)",
                    2 * PAIRS + 100
                )
            })
        })
        .collect();
    // Unix sockets come first in the listing, so the writes fail while
    // sockdiag prints them, whatever the other tables hold.
    let unix = sockdiag(&["-xa"]);
    assert!(
        unix.success().len() > 4 * 64 * 1024,
        "the unix listing alone should overflow the pipe: {} bytes",
        unix.stdout.len()
    );

    let mut child = Command::new(sockdiag_bin())
        .arg("-a")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn sockdiag");
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).expect("read the first line");
    assert!(first.starts_with("Netid"), "the header first: {first:?}");
    drop(stdout);

    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let status = child.wait().unwrap();
    assert_eq!(stderr, "", "sockdiag complained about the closed pipe");
    assert_eq!(status.code(), Some(0), "{status}");
}
