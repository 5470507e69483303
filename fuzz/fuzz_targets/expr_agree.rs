//! Expressions built from ss's vocabulary and sockets built from arbitrary
//! bytes: every expression compiles to a program the audit accepts, and
//! running the program agrees with evaluating the expression on every
//! socket.
#![no_main]

use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;
use sockdiag_codec::filter::bytecode::{self, Program};
use sockdiag_codec::filter::expr::Expr;
use sockdiag_codec::filter::parse::ParseOptions;
use sockdiag_codec::filter::socket::Entry;

const WORDS: &[&str] = &[
    "sport",
    "dport",
    "src",
    "dst",
    "autobound",
    "fwmark",
    "cgroup",
    "dev",
    "and",
    "or",
    "not",
    "!",
    "&",
    "&&",
    "|",
    "||",
    "(",
    ")",
    "(",
    ")",
    "=",
    "==",
    "!=",
    "<",
    "<=",
    ">",
    ">=",
    "eq",
    "ne",
    "lt",
    "le",
    "gt",
    "ge",
    "geq",
    "leq",
    "neq",
    ":*",
    "*",
    ":80",
    "80",
    "127.0.0.1",
    "127.0.0.0/8",
    "10.1.2.3:443",
    "0.0.0.0/0",
    "[::1]",
    "[::ffff:127.0.0.1]",
    "[::ffff:127.0.0.0/104]:80",
    "[fe80::/10]",
    "[::/0]:*",
    "*:22",
    ":22",
    "0x10/0xf0",
    "7",
];

fn word(u: &mut Unstructured<'_>, out: &mut String) -> Result<()> {
    match u.int_in_range(0..=9)? {
        // A number in any base ss reads, small enough to hit real ports.
        0 => out.push_str(&format!(":{}", u.int_in_range(0u16..=100)?)),
        1 => out.push_str(&format!("0x{:x}", u.int_in_range(0u32..=300)?)),
        2 => {
            let a: [u8; 4] = u.arbitrary()?;
            out.push_str(&format!(
                "{}.{}.{}.{}/{}",
                a[0] % 4,
                a[1] % 2,
                0,
                a[3] % 3,
                a[2] % 33
            ));
        }
        _ => out.push_str(u.choose(WORDS)?),
    }
    out.push(' ');
    Ok(())
}

fn entry(u: &mut Unstructured<'_>) -> Result<Entry> {
    let v6 = u.arbitrary::<bool>()?;
    let addr = |u: &mut Unstructured<'_>| -> Result<[u8; 16]> {
        let mut a = [0u8; 16];
        match u.int_in_range(0..=3)? {
            0 => a[..4].copy_from_slice(&[127, 0, 0, u.int_in_range(0..=3)?]),
            1 if v6 => {
                a[10] = 0xff;
                a[11] = 0xff;
                a[12..].copy_from_slice(&[127, 0, 0, u.int_in_range(0..=3)?]);
            }
            2 if v6 => a[15] = 1,
            _ => a = u.arbitrary()?,
        }
        Ok(a)
    };
    Ok(Entry {
        family: if v6 { 10 } else { 2 },
        src: addr(u)?,
        dst: addr(u)?,
        sport: u.int_in_range(0..=100)?,
        dport: u.int_in_range(0..=100)?,
        ifindex: u.int_in_range(0..=2)?,
        autobound: u.arbitrary()?,
        mark: u.int_in_range(0..=0x120)?,
        cgroup_id: u.int_in_range(0..=8)?,
    })
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let mut text = String::new();
    let n = u.int_in_range(1..=24).unwrap_or(1);
    for _ in 0..n {
        if word(&mut u, &mut text).is_err() {
            break;
        }
    }
    let Ok(expr) = Expr::parse(&text, &ParseOptions::inet()) else {
        return;
    };
    let mut buf = [0u8; bytecode::MAX_PROGRAM_LEN];
    let len = bytecode::compile(&expr, &mut buf).expect("inet expressions compile");
    if len == 0 {
        return;
    }
    let program = Program::new_checked(&buf[..len])
        .unwrap_or_else(|e| panic!("{text:?} compiled to a refused program: {e}"));
    // Unstructured hands out default values once its bytes run out, so
    // stop there (after at least one socket), and after 64 sockets.
    for _ in 0..64 {
        let Ok(e) = entry(&mut u) else { break };
        assert_eq!(program.run(&e), expr.eval(&e), "{text:?} on {e:?}");
        if u.is_empty() {
            break;
        }
    }
});
