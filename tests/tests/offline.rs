//! Offline decoding: `--dump-raw FILE` records a live run, `--decode FILE`
//! with the same options prints exactly what that run printed; a damaged
//! or foreign file is one line on stderr and exit 1, never a panic.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, UdpSocket};
use std::path::{Path, PathBuf};

use sockdiag_tests::{
    abstract_addr, sockdiag, tcp_listener, unique_name, unix_connect, unix_listener, Run, TempDir,
};
use socket2::Type;

/// Records `args` into a file in `dir` and returns the live run and the file.
fn record(dir: &Path, args: &[&str]) -> (Run, PathBuf) {
    let file = dir.join(format!("{}.cap", unique_name()));
    let mut full: Vec<&str> = args.to_vec();
    full.extend(["--dump-raw", file.to_str().unwrap()]);
    (sockdiag(&full), file)
}

fn decode(file: &Path, args: &[&str]) -> Run {
    let mut full: Vec<&str> = args.to_vec();
    full.extend(["--decode", file.to_str().unwrap()]);
    sockdiag(&full)
}

/// Asserts a one-line error naming `file` and `what`, exit code 1.
#[track_caller]
fn assert_file_error(run: &Run, file: &Path, what: &str) {
    assert_eq!(run.code, Some(1), "{run}");
    assert_eq!(run.stderr.lines().count(), 1, "one line: {run}");
    assert!(
        run.stderr.starts_with("sockdiag: ") && run.stderr.contains(file.to_str().unwrap()),
        "{run}"
    );
    assert!(run.stderr.contains(what), "expected {what:?}: {run}");
    assert!(!run.stderr.contains("panicked"), "{run}");
}

#[test]
fn decode_reproduces_the_live_output() {
    // Something in every table, so no listing is empty.
    let (_t4, _) = tcp_listener(IpAddr::V4(Ipv4Addr::LOCALHOST), 5);
    let (_t6, _) = tcp_listener(IpAddr::V6(Ipv6Addr::LOCALHOST), 5);
    let _udp = UdpSocket::bind("127.0.0.1:0").unwrap();
    let addr = abstract_addr(&unique_name());
    let _ul = unix_listener(Type::STREAM, &addr, 4);
    let _uc = unix_connect(Type::STREAM, &addr);
    let dir = TempDir::new();
    let option_sets: &[&[&str]] = &[
        &["-tuwxan"],
        &["-tlnH"],
        &["-tanj"],
        &["-xae"],
        &["-xaj"],
        &["-uanH4"],
        &["-wan"],
        &["-tlne", "sport", "=", ":22"],
        &[],
    ];
    for args in option_sets {
        let (live, file) = record(dir.path(), args);
        assert!(live.code == Some(0) || live.code == Some(1), "{live}");
        let replay = decode(&file, args);
        assert_eq!(replay.code, live.code, "{live}\n{replay}");
        assert_eq!(replay.stderr, live.stderr, "{args:?}");
        assert!(!live.stdout.is_empty(), "{live}");
        // The reference is the recording run's own stdout: the same dump.
        assert_eq!(replay.stdout, live.stdout, "{args:?}: byte for byte");
    }
}

#[test]
fn decode_with_other_options_says_so() {
    let dir = TempDir::new();
    let (live, file) = record(dir.path(), &["-tln"]);
    live.success();
    let run = decode(&file, &["-uln"]);
    assert_file_error(&run, &file, "request 1 was a tcp IPv4 dump");
    // Fewer requests than recorded: the rest of the file is not silently
    // ignored.
    let run = decode(&file, &["-tln4"]);
    assert_file_error(&run, &file, "more than this run reads");
    // More requests than recorded.
    let (live, file4) = record(dir.path(), &["-tln4"]);
    live.success();
    let run = decode(&file4, &["-tln"]);
    assert_file_error(&run, &file4, "ends before");
}

#[test]
fn damaged_files_are_one_line_errors() {
    let dir = TempDir::new();
    let (live, file) = record(dir.path(), &["-tuxan"]);
    live.success();
    let good = std::fs::read(&file).unwrap();
    let write = |name: &str, bytes: &[u8]| {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    };

    // Cut anywhere inside a record: truncated, named with its offset.
    for cut in [good.len() - 1, good.len() / 2, 20] {
        let path = write("cut.cap", &good[..cut]);
        assert_file_error(&decode(&path, &["-tuxan"]), &path, "truncated");
    }
    let path = write("short-header.cap", &good[..10]);
    assert_file_error(&decode(&path, &["-tuxan"]), &path, "truncated");
    // The framing is checked before anything is printed.
    assert!(decode(&path, &["-tuxan"]).stdout.is_empty());

    let mut bad = good.clone();
    bad[0] ^= 0xff;
    let path = write("magic.cap", &bad);
    assert_file_error(&decode(&path, &["-tuxan"]), &path, "not a sockdiag capture");
    let path = write("empty.cap", &[]);
    assert_file_error(&decode(&path, &["-tuxan"]), &path, "not a sockdiag capture");

    // The marker as a host of the other byte order writes it.
    let mut foreign = good.clone();
    foreign[8..12].reverse();
    let path = write("foreign.cap", &foreign);
    assert_file_error(&decode(&path, &["-tuxan"]), &path, "other byte order");

    let mut version = good.clone();
    version[12..14].copy_from_slice(&9u16.to_ne_bytes());
    let path = write("version.cap", &version);
    assert_file_error(&decode(&path, &["-tuxan"]), &path, "version");

    let missing = dir.path().join("missing.cap");
    assert_file_error(&decode(&missing, &["-t"]), &missing, "cannot read");
}

#[test]
fn a_corrupt_datagram_is_an_error_not_a_panic() {
    let dir = TempDir::new();
    let (live, file) = record(dir.path(), &["-tln4"]);
    live.success();
    let mut bytes = std::fs::read(&file).unwrap();
    // The first datagram record follows the header (16) and the request
    // record (8 + 72); set its first message's nlmsg_len to 15, shorter
    // than a netlink header.
    let datagram = 16 + 8 + 72 + 8;
    assert_eq!(&bytes[16..18], &1u16.to_ne_bytes(), "a request record");
    bytes[datagram..datagram + 4].copy_from_slice(&15u32.to_ne_bytes());
    std::fs::write(&file, &bytes).unwrap();
    let run = decode(&file, &["-tln4"]);
    assert_eq!(run.code, Some(1), "{run}");
    assert_eq!(run.stderr.lines().count(), 1, "{run}");
    assert!(run.stderr.contains("impossible length"), "{run}");
}
