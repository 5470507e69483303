//! Socket-local BPF storage (`linux/sock_diag.h`, `net/core/bpf_sk_storage.c`):
//! what `--bpf-maps` asks for with `INET_DIAG_REQ_SK_BPF_STORAGES` and what
//! comes back in `INET_DIAG_SK_BPF_STORAGES`. An empty request nest asks for
//! every map's data (the kernel needs CAP_BPF or CAP_SYS_ADMIN); the reply
//! nest holds one `SK_DIAG_BPF_STORAGE` nest per map with data on the
//! socket: the map's id and the value as stored.

use crate::wire::attr::{self, Attrs};
use crate::wire::inet::req_attr;
use crate::{Error, Result};

/// `SK_DIAG_BPF_STORAGE`: one map's data, in the reply nest.
pub const STORAGE: u16 = 1;

/// Attributes of one storage nest (`SK_DIAG_BPF_STORAGE_*`).
pub mod storage_attr {
    /// `SK_DIAG_BPF_STORAGE_PAD`: alignment for the u64s a value may hold.
    pub const PAD: u16 = 1;
    /// `SK_DIAG_BPF_STORAGE_MAP_ID`: u32.
    pub const MAP_ID: u16 = 2;
    /// `SK_DIAG_BPF_STORAGE_MAP_VALUE`: the value's bytes.
    pub const MAP_VALUE: u16 = 3;
}

/// Bytes of the request attribute that asks for every map's data.
pub const REQ_ALL_LEN: usize = attr::HEADER_LEN;

/// Writes the empty, nested `INET_DIAG_REQ_SK_BPF_STORAGES` that asks for
/// every map's data at the start of `buf`; returns its length.
pub fn emit_req_all(buf: &mut [u8]) -> Result<usize> {
    attr::emit(buf, req_attr::SK_BPF_STORAGES | attr::F_NESTED, &[])
}

/// One map's data on a socket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Storage<'a> {
    /// The map's id (`bpftool map show id N`).
    pub map_id: u32,
    /// The value as the map stores it; its layout is the map's BTF type.
    pub value: &'a [u8],
}

/// The storages in the payload of `INET_DIAG_SK_BPF_STORAGES`, in the
/// kernel's order. Yields an error once, then stops, for a nest that does
/// not decode or lacks the map id; unknown attributes are skipped.
pub fn storages(nest: &[u8]) -> impl Iterator<Item = Result<Storage<'_>>> {
    let mut outer = Attrs::new(nest);
    let mut failed = false;
    core::iter::from_fn(move || {
        while !failed {
            let a = match outer.next()? {
                Ok(a) => a,
                Err(e) => {
                    failed = true;
                    return Some(Err(e));
                }
            };
            if a.kind() != STORAGE {
                continue;
            }
            let parsed = parse_storage(a.payload());
            failed = parsed.is_err();
            return Some(parsed);
        }
        None
    })
}

fn parse_storage(payload: &[u8]) -> Result<Storage<'_>> {
    let (mut map_id, mut value) = (None, &[][..]);
    for a in Attrs::new(payload) {
        let a = a?;
        match a.kind() {
            storage_attr::MAP_ID => map_id = Some(a.u32_ne()?),
            storage_attr::MAP_VALUE => value = a.payload(),
            _ => {}
        }
    }
    Ok(Storage {
        map_id: map_id.ok_or(Error::BadAttribute)?,
        value,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::inet_attr::tests::emit_all;

    /// A reply nest as 6.18 sends it: map 3 holding 0x2a as a u32, with
    /// the pad attribute the kernel puts before it.
    fn reply(buf: &mut [u8; 64]) -> usize {
        let mut inner = [0u8; 32];
        let n = emit_all(
            &mut inner,
            &[
                (storage_attr::MAP_ID, &3u32.to_ne_bytes()),
                (storage_attr::PAD, &[]),
                (storage_attr::MAP_VALUE, &0x2au32.to_ne_bytes()),
            ],
        );
        emit_all(buf, &[(STORAGE | attr::F_NESTED, &inner[..n]), (9, &[1])])
    }

    #[test]
    fn test_parse() {
        let mut buf = [0u8; 64];
        let n = reply(&mut buf);
        let got: heapless::Vec<Storage<'_>, 4> = storages(&buf[..n]).map(|s| s.unwrap()).collect();
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].map_id, 3);
        assert_eq!(got[0].value, &0x2au32.to_ne_bytes());
        assert_eq!(storages(&[]).count(), 0);
    }

    #[test]
    fn test_emit() {
        let mut buf = [0xa5u8; 8];
        assert_eq!(emit_req_all(&mut buf), Ok(4));
        assert_eq!(
            &buf[..4],
            &[4u16.to_ne_bytes(), 0x8002u16.to_ne_bytes()].concat()[..]
        );
        assert_eq!(emit_req_all(&mut buf[..3]), Err(Error::BufferTooSmall));
    }

    #[test]
    fn test_truncated() {
        let mut buf = [0u8; 64];
        let n = reply(&mut buf);
        for cut in 1..n {
            // Never a panic; a cut inside the first nest is one error.
            let errors = storages(&buf[..cut]).filter(|s| s.is_err()).count();
            assert!(errors <= 1, "cut at {cut}");
        }
        // A storage without its map id is malformed.
        let mut inner = [0u8; 16];
        let k = emit_all(&mut inner, &[(storage_attr::MAP_VALUE, &[1, 2])]);
        let mut nest = [0u8; 32];
        let m = emit_all(&mut nest, &[(STORAGE, &inner[..k])]);
        let mut it = storages(&nest[..m]);
        assert_eq!(it.next(), Some(Err(Error::BadAttribute)));
        assert_eq!(it.next(), None);
    }
}
