//! Command-line errors and exit codes.

use sockdiag_tests::sockdiag;

/// A usage error: exit code 2, a message naming the word at fault, and the
/// usage line, on stderr only.
#[track_caller]
fn assert_usage_error(args: &[&str], names: &str) {
    let run = sockdiag(args);
    assert_eq!(run.code, Some(2), "{run}");
    assert!(run.stderr.contains("Usage"), "no usage line:\n{run}");
    assert!(
        run.stderr.contains(names),
        "the message should name {names}:\n{run}"
    );
    assert_eq!(run.stdout, "", "{run}");
}

#[test]
fn bad_arguments_are_usage_errors() {
    assert_usage_error(&["--bogus"], "--bogus");
    assert_usage_error(&["-t", "state", "bogus"], "bogus");
    assert_usage_error(&["-t", "state"], "state");
    // A filter syntax error names the word, whether the filter comes as
    // one word or many; the end of input is named as such.
    assert_usage_error(&["-t", "sport = :1 or or dport = :2"], "'or' (byte 14)");
    assert_usage_error(&["-t", "sport", "=", ":1", "or"], "at the end");
    assert_usage_error(&["-t", "sport = :notaport"], ":notaport");
    assert_usage_error(&["-t", "src", "::1"], "'::1' (byte 4)");
    assert_usage_error(&["-t", "sport=:1"], "'sport=:1'");
}

#[test]
fn help_exits_zero() {
    for flag in ["--help", "-h"] {
        let run = sockdiag(&[flag]);
        assert!(run.success().starts_with("Usage: sockdiag"), "{run}");
    }
}

#[test]
fn tcp_listing_exits_zero_quietly() {
    sockdiag(&["-tn"]).success();
}
