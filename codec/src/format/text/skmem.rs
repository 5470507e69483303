//! ss's `skmem:(...)`: the `SK_MEMINFO_*` counters every kind may carry.

use core::fmt;

use crate::format::columns::AsciiWrite;
use crate::format::number::Decimal;
use crate::wire::sock_diag::{idx as sk, SkMemInfo};

/// Writes ss's ` skmem:(r..,rb..,t..,tb..,f..,w..,o..,bl..,d..)`; entries
/// an older kernel did not send are left out.
pub fn write_skmem<W: AsciiWrite>(w: &mut W, m: &SkMemInfo<'_>) -> fmt::Result {
    const NAMES: [(usize, &str); 9] = [
        (sk::RMEM_ALLOC, "r"),
        (sk::RCVBUF, "rb"),
        (sk::WMEM_ALLOC, "t"),
        (sk::SNDBUF, "tb"),
        (sk::FWD_ALLOC, "f"),
        (sk::WMEM_QUEUED, "w"),
        (sk::OPTMEM, "o"),
        (sk::BACKLOG, "bl"),
        (sk::DROPS, "d"),
    ];
    w.write_str(" skmem:(")?;
    let mut first = true;
    for (i, name) in NAMES {
        if let Some(v) = m.get(i) {
            if !first {
                w.write_char(',')?;
            }
            w.write_str(name)?;
            w.write_ascii(Decimal::new(v.into()).as_bytes())?;
            first = false;
        }
    }
    w.write_char(')')
}

#[cfg(test)]
mod tests {
    use super::*;
    use heapless::String;

    #[test]
    fn test_older_kernel() {
        // Seven entries from an older kernel: no bl, no d.
        let mut raw = [0u8; 28];
        for i in 0..7u32 {
            raw[i as usize * 4..i as usize * 4 + 4].copy_from_slice(&(i + 1).to_ne_bytes());
        }
        let m = SkMemInfo::new_checked(&raw).unwrap();
        let mut s: String<64> = String::new();
        write_skmem(&mut s, &m).unwrap();
        assert_eq!(s.as_str(), " skmem:(r1,rb2,t3,tb4,f5,w6,o7)");
    }
}
