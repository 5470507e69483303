//! The `sockdiag` command: parse, run, exit code. Everything else is in
//! the library (`lib.rs` says where).

use std::process::ExitCode;

use sockdiag::Exit;

fn main() -> ExitCode {
    let opts = match sockdiag::parse(std::env::args_os().skip(1)) {
        Ok(o) => o,
        Err(Exit::Info(text)) => {
            println!("{text}");
            return ExitCode::SUCCESS;
        }
        Err(Exit::Usage(msg)) => {
            eprintln!("sockdiag: {msg}");
            eprintln!("{}", sockdiag::USAGE.lines().next().unwrap_or(""));
            return ExitCode::from(2);
        }
        Err(Exit::Nothing(msg)) => {
            eprintln!("sockdiag: {msg}.");
            return ExitCode::SUCCESS;
        }
        Err(Exit::Fail(msg)) => {
            eprintln!("sockdiag: {msg}");
            return ExitCode::from(1);
        }
    };
    match sockdiag::run(&opts) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) if e.is_closed_output() => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("sockdiag: {e}");
            ExitCode::from(1)
        }
    }
}
