//! Any text as a filter expression, in inet and unix mode: parsing never
//! panics; whatever parses compiles to a program the kernel's audit
//! accepts, and evaluating it never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sockdiag_codec::filter::bytecode::{self, Program};
use sockdiag_codec::filter::expr::Expr;
use sockdiag_codec::filter::parse::{ParseOptions, Resolve};
use sockdiag_codec::filter::socket::Entry;
use sockdiag_codec::wire::inet::TcpState;
use sockdiag_codec::wire::sock_diag::SockType;
use sockdiag_codec::wire::unix::{UnixName, UnixRecord};

/// Knows a few names, so the resolver paths run too.
struct Names;

impl Resolve for Names {
    fn service(&self, name: &str) -> Option<u16> {
        (name == "ssh").then_some(22)
    }
    fn device(&self, name: &str) -> Option<u32> {
        (name == "lo").then_some(1)
    }
    fn cgroup(&self, path: &str) -> Option<u64> {
        path.starts_with('/').then_some(path.len() as u64)
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = core::str::from_utf8(data) else {
        return;
    };
    for unix in [false, true] {
        let opts = ParseOptions {
            unix,
            resolve: &Names,
        };
        let Ok(expr) = Expr::parse(text, &opts) else {
            continue;
        };
        let mut buf = [0u8; bytecode::MAX_PROGRAM_LEN];
        match bytecode::compile(&expr, &mut buf) {
            Ok(n) if n > 0 => {
                let p = Program::new_checked(&buf[..n])
                    .unwrap_or_else(|e| panic!("{text:?} compiled to a refused program: {e}"));
                let e = Entry {
                    sport: 22,
                    ifindex: 1,
                    ..Entry::default()
                };
                assert_eq!(p.run(&e), expr.eval(&e), "{text:?}");
            }
            Ok(_) => assert!(expr.is_empty()),
            Err(bytecode::CompileError::UserSpaceOnly) => assert!(expr.has_unix_patterns()),
            Err(e) => panic!("{text:?}: {e:?} for an expression within the limits"),
        }
        let rec = UnixRecord {
            name: UnixName::Path(data),
            ..UnixRecord::new(SockType::Stream, TcpState::Listen, 7)
        };
        let _ = expr.eval_unix(&rec);
    }
});
