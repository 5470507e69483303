//! Offline decoding: `--dump-raw FILE` records a live run, `--decode FILE`
//! with the same options prints exactly what that run printed; a damaged
//! or foreign file is one line on stderr and exit 1, never a panic.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, UdpSocket};
use std::path::{Path, PathBuf};

use sockdiag_codec::capture::{self, Capture, Kind};
use sockdiag_codec::wire::inet_legacy::TCPDIAG_GETSOCK;
use sockdiag_codec::wire::nlmsg::{kind, Packet};
use sockdiag_tests::{
    abstract_addr, sockdiag, squash, tcp_listener, unique_name, unix_connect, unix_listener, Run,
    TempDir,
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
    assert_file_error(&run, &file, "request 1 was a tcp dump of both IP families");
    let run = decode(&file, &["-tln4"]);
    assert_file_error(&run, &file, "this run asks for a tcp IPv4 dump");
    // Fewer requests than recorded: the rest of the file is not silently
    // ignored.
    let (live, file_tu) = record(dir.path(), &["-tuln"]);
    live.success();
    let run = decode(&file_tu, &["-uln"]);
    assert_file_error(&run, &file_tu, "more than this run reads");
    // More requests than recorded.
    let (live, file4) = record(dir.path(), &["-tln4"]);
    live.success();
    let run = decode(&file4, &["-tln"]);
    assert_file_error(&run, &file4, "ends before");
}

/// The records of a capture file.
fn records(file: &Path) -> Vec<(Kind, Vec<u8>)> {
    let bytes = std::fs::read(file).unwrap();
    let cap = Capture::new_checked(&bytes).unwrap();
    cap.records()
        .map(|r| r.map(|r| (r.kind, r.data.to_vec())).unwrap())
        .collect()
}

/// Writes a capture file of `records` as `name` in `dir`.
fn write_capture(dir: &Path, name: &str, records: &[(Kind, Vec<u8>)]) -> PathBuf {
    let mut out = vec![0u8; capture::HEADER_LEN];
    capture::emit_header(&mut out).unwrap();
    for (kind, data) in records {
        let at = out.len();
        out.resize(at + capture::RECORD_HEADER_LEN + data.len(), 0);
        capture::emit_record(&mut out[at..], *kind, data).unwrap();
    }
    let path = dir.join(name);
    std::fs::write(&path, out).unwrap();
    path
}

/// `records` with every netlink message in them numbered `seq`, as if
/// their request had been sent with that sequence number.
fn renumbered(mut records: Vec<(Kind, Vec<u8>)>, seq: u32) -> Vec<(Kind, Vec<u8>)> {
    for (_, data) in &mut records {
        let mut at = 0;
        while let Ok(packet) = Packet::new_checked(&data[at..]) {
            let len = packet.len() as usize;
            data[at + 8..at + 12].copy_from_slice(&seq.to_ne_bytes());
            at += (len + 3) & !3;
            if at >= data.len() {
                break;
            }
        }
    }
    records
}

/// What the kernel answers a request it refuses (NLMSG_ERROR) or a dump
/// that fails (NLMSG_DONE with -errno), numbered `seq`.
fn failure(msg_type: u16, errno: i32, seq: u32) -> Vec<u8> {
    let len: u32 = if msg_type == kind::ERROR { 36 } else { 20 };
    let mut m = Vec::new();
    m.extend_from_slice(&len.to_ne_bytes());
    m.extend_from_slice(&msg_type.to_ne_bytes());
    m.extend_from_slice(&0x100u16.to_ne_bytes());
    m.extend_from_slice(&seq.to_ne_bytes());
    m.extend_from_slice(&0u32.to_ne_bytes());
    m.extend_from_slice(&(-errno).to_ne_bytes());
    // An error echoes the request's header (CAPPED: not its payload).
    m.resize(len as usize, 0);
    m
}

/// Each line's fields, single-spaced: one listing measures its columns
/// over all its rows, the per-family runs each over their own.
fn squashed(text: &str) -> String {
    text.lines().map(|l| squash(l) + "\n").collect()
}

/// Listeners on both families, and the per-family captures of `-tlnH`:
/// the live runs and their records.
struct PerFamily {
    _listeners: [std::net::TcpListener; 2],
    dir: TempDir,
    stdout: String,
    v4: Vec<(Kind, Vec<u8>)>,
    v6: Vec<(Kind, Vec<u8>)>,
}

impl PerFamily {
    fn record() -> PerFamily {
        let (l4, _) = tcp_listener(IpAddr::V4(Ipv4Addr::LOCALHOST), 5);
        let (l6, _) = tcp_listener(IpAddr::V6(Ipv6Addr::LOCALHOST), 5);
        let dir = TempDir::new();
        let (live4, file4) = record(dir.path(), &["-tlnH4"]);
        let (live6, file6) = record(dir.path(), &["-tlnH6"]);
        let stdout = format!("{}{}", live4.success(), live6.success());
        assert!(stdout.contains("127.0.0.1:") && stdout.contains("[::1]:"));
        PerFamily {
            _listeners: [l4, l6],
            v4: records(&file4),
            v6: records(&file6),
            dir,
            stdout,
        }
    }
}

/// A capture made by a sockdiag that asked per family, before the one
/// walk, still decodes: the replay follows the recorded requests.
#[test]
fn decode_follows_a_capture_asked_per_family() {
    let per = PerFamily::record();
    let mut old = per.v4.clone();
    old.extend(renumbered(per.v6.clone(), 2));
    let file = write_capture(per.dir.path(), "old.cap", &old);
    let run = decode(&file, &["-tlnH"]);
    assert_eq!(squashed(run.success()), squashed(&per.stdout), "{run}");
}

/// A kernel that refuses the one-walk request, or fails it before any
/// record, gets the per-family requests, and the listing is theirs.
#[test]
fn a_failed_one_walk_falls_back_per_family() {
    let per = PerFamily::record();
    let (live, file) = record(per.dir.path(), &["-tlnH"]);
    live.success();
    let one_walk = records(&file).remove(0);
    let request = Packet::new_checked(&one_walk.1[..]).unwrap();
    assert_eq!(
        request.msg_type(),
        TCPDIAG_GETSOCK,
        "-tlnH asks in one walk"
    );
    const EINVAL: i32 = 22;
    const ENOENT: i32 = 2;
    const EOPNOTSUPP: i32 = 95;
    for (msg_type, errno) in [
        (kind::ERROR, EINVAL),
        (kind::ERROR, EOPNOTSUPP),
        (kind::DONE, ENOENT),
    ] {
        let mut refused = vec![
            one_walk.clone(),
            (Kind::Datagram, failure(msg_type, errno, 1)),
        ];
        refused.extend(renumbered(per.v4.clone(), 2));
        refused.extend(renumbered(per.v6.clone(), 3));
        let file = write_capture(per.dir.path(), "refused.cap", &refused);
        let run = decode(&file, &["-tlnH"]);
        assert_eq!(
            squashed(run.success()),
            squashed(&per.stdout),
            "{msg_type} {errno}: {run}"
        );
    }
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

/// A file `ss -D` wrote (raw netlink messages, no header) is told from a
/// capture by its content: `--decode` prints its TCP table as ss reads it
/// back through TCPDIAG_FILE.
#[test]
fn decode_reads_an_ss_dump_file() {
    let (_listener, port) = tcp_listener(IpAddr::V4(Ipv4Addr::LOCALHOST), 5);
    let dir = TempDir::new();
    let file = dir.path().join("ss.dump");
    let file = file.to_str().unwrap();
    // IPv4 only: ss 6.1 reads back only a file's first batch.
    let dumped = sockdiag_tests::ss(&["-tln4", "-D", file]);
    assert_eq!(dumped.code, Some(0), "{dumped}");
    let decoded = sockdiag(&["-tln4", "--decode", file]);
    let witness = std::process::Command::new("ss")
        .args(["-tln4"])
        .env("TCPDIAG_FILE", file)
        .output()
        .unwrap();
    decoded.success();
    assert!(
        decoded.stdout.contains(&format!("127.0.0.1:{port} ")),
        "{decoded}"
    );
    // ss's own reading of the file, row for row (ss 6.1 runs its header's
    // last two columns together).
    let ss_lines: Vec<String> = String::from_utf8(witness.stdout)
        .unwrap()
        .lines()
        .map(squash)
        .collect();
    let ours: Vec<String> = decoded.stdout.lines().map(squash).collect();
    assert!(ours.len() > 1, "{decoded}");
    assert_eq!(ours[1..], ss_lines[1..], "{decoded}");
}
