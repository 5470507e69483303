//! Any text as /etc/services, /etc/protocols or /etc/hosts: every line
//! through each parser, and what a parsed line says read back. Plus the
//! text as a BPF socket-storage nest (`--bpf-maps`), whose walker must stop
//! after one error.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sockdiag_codec::etc::{hosts::Host, protocols::Protocol, services::Service};
use sockdiag_codec::wire::sk_storage;

fuzz_target!(|data: &[u8]| {
    let mut errors = 0;
    for s in sk_storage::storages(data) {
        if s.is_err() {
            errors += 1;
        }
    }
    assert!(errors <= 1, "the walker stops after an error");
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for line in text.lines() {
        if let Some(s) = Service::parse(line) {
            assert!(!s.name.is_empty() && !s.protocol.is_empty());
            assert!(s.is_named(s.name));
            for alias in s.aliases() {
                assert!(s.is_named(alias));
            }
        }
        if let Some(p) = Protocol::parse(line) {
            assert!(!p.name.is_empty());
        }
        if let Some(h) = Host::parse(line) {
            assert!(h.is_named(h.name));
            for alias in h.aliases() {
                assert!(h.is_named(alias) && !alias.contains('#'));
            }
        }
    }
});
