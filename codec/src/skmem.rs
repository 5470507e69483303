//! Socket memory counters (`SK_MEMINFO_*`, `linux/sock_diag.h`): the `u32`
//! array that `UNIX_DIAG_MEMINFO`, `NETLINK_DIAG_MEMINFO`,
//! `PACKET_DIAG_MEMINFO` and `INET_DIAG_SKMEMINFO` carry.
//!
//! The kernel sends as many entries as it knows; older kernels send fewer
//! (no BACKLOG before 3.8-ish, no DROPS before 4.10). An entry beyond the
//! received length is absent (`None`), never a zero.

use byteorder::{ByteOrder, NativeEndian};

use crate::{Error, Result};

/// Indices into the array (`SK_MEMINFO_*`).
pub mod index {
    /// `SK_MEMINFO_RMEM_ALLOC`: bytes queued for receive.
    pub const RMEM_ALLOC: usize = 0;
    /// `SK_MEMINFO_RCVBUF`: SO_RCVBUF.
    pub const RCVBUF: usize = 1;
    /// `SK_MEMINFO_WMEM_ALLOC`: bytes in flight for transmit.
    pub const WMEM_ALLOC: usize = 2;
    /// `SK_MEMINFO_SNDBUF`: SO_SNDBUF.
    pub const SNDBUF: usize = 3;
    /// `SK_MEMINFO_FWD_ALLOC`: memory reserved but not yet used.
    pub const FWD_ALLOC: usize = 4;
    /// `SK_MEMINFO_WMEM_QUEUED`: bytes queued for transmit.
    pub const WMEM_QUEUED: usize = 5;
    /// `SK_MEMINFO_OPTMEM`: option memory.
    pub const OPTMEM: usize = 6;
    /// `SK_MEMINFO_BACKLOG`: the socket backlog queue.
    pub const BACKLOG: usize = 7;
    /// `SK_MEMINFO_DROPS`: packets dropped.
    pub const DROPS: usize = 8;
}

const ENTRY_LEN: usize = 4;

/// A checked, zero-copy view of a `SK_MEMINFO` array of any length.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[doc(alias = "sk_meminfo")]
pub struct SkMemInfo<'a>(&'a [u8]);

impl<'a> SkMemInfo<'a> {
    /// Validates that `payload` holds whole `u32` entries (zero is allowed).
    pub fn new_checked(payload: &'a [u8]) -> Result<SkMemInfo<'a>> {
        if !payload.len().is_multiple_of(ENTRY_LEN) {
            return Err(Error::BadAttribute);
        }
        Ok(SkMemInfo(payload))
    }

    /// How many entries the kernel sent.
    pub fn len(&self) -> usize {
        self.0.len() / ENTRY_LEN
    }

    /// True when the array is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Entry `i` (an [`index`] constant), if the kernel sent it.
    pub fn get(&self, i: usize) -> Option<u32> {
        let start = i.checked_mul(ENTRY_LEN)?;
        let bytes = self.0.get(start..start.checked_add(ENTRY_LEN)?)?;
        Some(NativeEndian::read_u32(bytes))
    }

    /// Every entry in order, including ones newer than [`index`] names.
    pub fn iter(&self) -> impl Iterator<Item = u32> + 'a {
        self.0.chunks_exact(ENTRY_LEN).map(NativeEndian::read_u32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn array<const N: usize>(values: [u32; N], out: &mut [u8]) -> usize {
        for (i, v) in values.iter().enumerate() {
            out[i * 4..i * 4 + 4].copy_from_slice(&v.to_ne_bytes());
        }
        N * 4
    }

    #[test]
    fn test_parse() {
        let mut b = [0u8; 40];
        let n = array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], &mut b);
        let m = SkMemInfo::new_checked(&b[..n]).unwrap();
        assert_eq!(m.len(), 10);
        assert_eq!(m.get(index::RCVBUF), Some(2));
        assert_eq!(m.get(index::DROPS), Some(9));
        assert_eq!(m.get(9), Some(10), "an entry from a newer kernel");
        assert_eq!(m.get(10), None);
        assert_eq!(m.get(usize::MAX), None);
        assert!(m.iter().eq(1..=10));
    }

    #[test]
    fn test_older_kernel() {
        // Seven entries: no BACKLOG, no DROPS; they are absent, not zero.
        let mut b = [0u8; 28];
        let n = array([1, 2, 3, 4, 5, 6, 7], &mut b);
        let m = SkMemInfo::new_checked(&b[..n]).unwrap();
        assert_eq!(m.get(index::OPTMEM), Some(7));
        assert_eq!(m.get(index::BACKLOG), None);
        assert_eq!(m.get(index::DROPS), None);
        assert!(SkMemInfo::new_checked(&[]).unwrap().is_empty());
    }

    #[test]
    fn test_truncated() {
        let b = [0u8; 12];
        for cut in 0..=12 {
            let r = SkMemInfo::new_checked(&b[..cut]);
            assert_eq!(r.is_ok(), cut % 4 == 0, "length {cut}");
        }
    }
}
