//! `decode_into` at a capacity of 4: what fits is kept, a full vector is
//! `CapacityExceeded` and never a shortened list, and resuming as the docs
//! say (`Messages::new(datagram).skip(n)`) yields exactly the messages the
//! plain walker yields.
#![no_main]

use heapless::Vec as HVec;
use libfuzzer_sys::fuzz_target;
use sockdiag_codec::wire::datagram::{decode_into, Messages};
use sockdiag_codec::Error;

fuzz_target!(|data: &[u8]| {
    let reference: Vec<_> = Messages::new(data).collect();
    let mut out: HVec<_, 4> = HVec::new();
    match decode_into(data, &mut out) {
        Ok(n) => {
            assert_eq!(n, out.len());
            let all: Vec<_> = reference.iter().map(|m| m.unwrap()).collect();
            assert_eq!(&all[..], &out[..]);
        }
        Err(Error::CapacityExceeded) => {
            assert_eq!(out.len(), 4);
            assert!(reference.len() > 4, "full only when a fifth message exists");
            for (got, want) in out.iter().zip(&reference) {
                assert_eq!(Ok(*got), *want);
            }
            // Resume after the four taken.
            let rest: Vec<_> = Messages::new(data).skip(out.len()).collect();
            assert_eq!(&rest[..], &reference[4..]);
        }
        Err(e) => {
            // A malformed message: those before it kept, then the error.
            assert_eq!(reference.get(out.len()), Some(&Err(e)));
            for (got, want) in out.iter().zip(&reference) {
                assert_eq!(Ok(*got), *want);
            }
        }
    }
});
