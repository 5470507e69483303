//! Any bytes as a filter program: the audit never panics, and a program it
//! accepts runs to an answer on any socket without panicking or looping.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sockdiag_codec::filter::bytecode::Program;
use sockdiag_codec::filter::socket::Entry;

fuzz_target!(|data: &[u8]| {
    let (head, program) = data.split_at(data.len().min(40));
    let mut e = Entry::default();
    if let [fam, s0, s1, d0, d1, auto, rest @ ..] = head {
        e.family = if fam & 1 == 0 { 2 } else { 10 };
        e.sport = u16::from_ne_bytes([*s0, *s1]);
        e.dport = u16::from_ne_bytes([*d0, *d1]);
        e.autobound = auto & 1 == 1;
        for (i, b) in rest.iter().enumerate().take(32) {
            if i < 16 {
                e.src[i] = *b;
            } else {
                e.dst[i - 16] = *b;
            }
        }
    }
    if let Ok(p) = Program::new_checked(program) {
        let _ = p.run(&e);
        let _ = p.needs_net_admin();
    }
});
