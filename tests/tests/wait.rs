//! `sockdiag wait`: returns 0 soon after the test starts the listener it
//! waits for, exits 1 with one line after `--timeout`, and with `--gone`
//! returns when the listener closes.

use std::net::TcpListener;
use std::time::{Duration, Instant};

use sockdiag_tests::process::{free_port, Spawned};
use sockdiag_tests::sockdiag;

const WAIT: Duration = Duration::from_secs(5);

#[test]
fn returns_when_the_listener_appears() {
    let port = free_port();
    let filter = format!("sport = :{port}");
    let mut wait = Spawned::sockdiag(&["wait", "-tl", &filter]);
    std::thread::sleep(Duration::from_millis(400));
    assert!(
        wait.running(),
        "{} returned before the listener",
        wait.command
    );
    let _listener = TcpListener::bind(("127.0.0.1", port)).expect("the free port");
    let started = Instant::now();
    let status = wait.wait_for_exit(WAIT).expect("wait returns");
    assert_eq!(status.code(), Some(0), "{}", wait.stderr_now());
    // It polls every 100 ms.
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn times_out_with_one_line() {
    let port = free_port();
    let filter = format!("sport = :{port}");
    let started = Instant::now();
    let run = sockdiag(&["wait", "--timeout", "300ms", "-tl", &filter]);
    let took = started.elapsed();
    assert_eq!(run.code, Some(1), "{run}");
    assert_eq!(
        run.stderr, "sockdiag: wait: no socket matches after 300ms\n",
        "{run}"
    );
    assert!(run.stdout.is_empty(), "{run}");
    assert!(
        took >= Duration::from_millis(300) && took < Duration::from_secs(3),
        "{took:?}"
    );
}

#[test]
fn gone_returns_when_the_listener_closes() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let filter = format!("sport = :{port}");
    let mut wait = Spawned::sockdiag(&["wait", "--gone", "-tl", &filter]);
    std::thread::sleep(Duration::from_millis(400));
    assert!(
        wait.running(),
        "{} returned while the listener was open",
        wait.command
    );
    drop(listener);
    let status = wait.wait_for_exit(WAIT).expect("wait --gone returns");
    assert_eq!(status.code(), Some(0), "{}", wait.stderr_now());
    // And a listener that stays: --gone times out.
    let stays = TcpListener::bind("127.0.0.1:0").unwrap();
    let filter = format!("sport = :{}", stays.local_addr().unwrap().port());
    let run = sockdiag(&["wait", "--gone", "--timeout", "0.2", "-tl", &filter]);
    assert_eq!(run.code, Some(1), "{run}");
    assert!(run.stderr.contains("still there after 200ms"), "{run}");
}

#[test]
fn bad_durations_are_usage_errors() {
    for (args, want) in [
        (
            &["wait", "--timeout", "soon"][..],
            "--timeout: 'soon' is not a duration",
        ),
        (&["wait", "--timeout"][..], "--timeout needs a duration"),
        (
            &["wait", "--count", "2"][..],
            "--count does not apply to wait",
        ),
    ] {
        let run = sockdiag(args);
        assert_eq!(run.code, Some(2), "{run}");
        assert!(
            run.stderr.starts_with(&format!("sockdiag: {want}")),
            "{run}"
        );
    }
}
