//! Netlink attributes (`struct nlattr`, `linux/netlink.h`): the TLVs that
//! follow every diag message and some requests.
//!
//! ```text
//!  0       2       4
//! +-------+-------+---------------------+-----+
//! | len   | type  | payload (len - 4)   | pad |
//! +-------+-------+---------------------+-----+
//! ```
//! `len` is host order and excludes padding; bit 15 of `type` is
//! NLA_F_NESTED and bit 14 NLA_F_NET_BYTEORDER. Type 0 is a real attribute in
//! several families, not a terminator.

use byteorder::{ByteOrder, NativeEndian};

use crate::{align4, Error, Result};

mod field {
    use crate::Field;
    pub const LEN: Field = 0..2;
    pub const TYPE: Field = 2..4;
}

/// Size of `struct nlattr`.
pub const HEADER_LEN: usize = field::TYPE.end;

/// The bits of `nla_type` that are flags, not the type (`NLA_TYPE_MASK`).
pub const TYPE_MASK: u16 = 0x3fff;
/// `NLA_F_NESTED`: set by some senders on nests; not to be relied on.
pub const F_NESTED: u16 = 0x8000;

/// A checked, zero-copy view of one attribute.
#[derive(Debug, Clone, Copy)]
pub struct Attr<'a> {
    buffer: &'a [u8],
}

impl<'a> Attr<'a> {
    /// Wraps a buffer without any check; accessors may panic until
    /// [`check_len`](Self::check_len) returned `Ok`.
    pub const fn new_unchecked(buffer: &'a [u8]) -> Attr<'a> {
        Attr { buffer }
    }

    // Hinted for x86-64's static build, which inlines little unhinted
    // (-inline-threshold=5, .cargo/config.toml): every attribute of every
    // record passes here. Not on s390x, whose build grew with them.
    /// Validates the attribute at the start of `buffer`; trailing bytes
    /// (later attributes) are allowed and left out of the view.
    #[cfg_attr(target_arch = "x86_64", inline)]
    pub fn new_checked(buffer: &'a [u8]) -> Result<Attr<'a>> {
        Attr::new_unchecked(buffer).check_len()?;
        let len = NativeEndian::read_u16(&buffer[field::LEN]) as usize;
        Ok(Attr {
            buffer: &buffer[..len],
        })
    }

    /// The header must fit, and `nla_len` must cover the header and no more
    /// than the buffer holds.
    #[cfg_attr(target_arch = "x86_64", inline)]
    pub fn check_len(&self) -> Result<()> {
        if self.buffer.len() < HEADER_LEN {
            return Err(Error::Truncated);
        }
        let len = NativeEndian::read_u16(&self.buffer[field::LEN]) as usize;
        if len < HEADER_LEN {
            return Err(Error::BadLength);
        }
        if len > self.buffer.len() {
            return Err(Error::Truncated);
        }
        Ok(())
    }

    /// Gives the buffer back.
    pub fn into_inner(self) -> &'a [u8] {
        self.buffer
    }

    /// The attribute type with the flag bits masked off.
    #[cfg_attr(target_arch = "x86_64", inline)]
    pub fn kind(&self) -> u16 {
        NativeEndian::read_u16(&self.buffer[field::TYPE]) & TYPE_MASK
    }

    /// The raw `nla_type`, flags included.
    #[cfg_attr(target_arch = "x86_64", inline)]
    pub fn raw_kind(&self) -> u16 {
        NativeEndian::read_u16(&self.buffer[field::TYPE])
    }

    /// `nla_len`: header plus unpadded payload.
    #[cfg_attr(target_arch = "x86_64", inline)]
    pub fn len(&self) -> usize {
        NativeEndian::read_u16(&self.buffer[field::LEN]) as usize
    }

    /// True when the payload is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == HEADER_LEN
    }

    /// The payload, without padding.
    #[cfg_attr(target_arch = "x86_64", inline)]
    pub fn payload(&self) -> &'a [u8] {
        &self.buffer[HEADER_LEN..self.len()]
    }

    /// A payload that must be exactly one `u8`.
    #[cfg_attr(target_arch = "x86_64", inline)]
    pub fn u8(&self) -> Result<u8> {
        match self.payload() {
            [b] => Ok(*b),
            _ => Err(Error::BadAttribute),
        }
    }

    /// A payload that must be exactly one host-order `u32`.
    #[cfg_attr(target_arch = "x86_64", inline)]
    pub fn u32_ne(&self) -> Result<u32> {
        let p = self.payload();
        if p.len() != 4 {
            return Err(Error::BadAttribute);
        }
        Ok(NativeEndian::read_u32(p))
    }

    /// A payload that must be exactly one host-order `u64`.
    #[cfg_attr(target_arch = "x86_64", inline)]
    pub fn u64_ne(&self) -> Result<u64> {
        let p = self.payload();
        if p.len() != 8 {
            return Err(Error::BadAttribute);
        }
        Ok(NativeEndian::read_u64(p))
    }
}

/// Walks the attributes in a byte run. Yields `Err` once on the first
/// malformed attribute, then stops.
#[derive(Debug, Clone)]
pub struct Attrs<'a> {
    rest: &'a [u8],
    failed: bool,
}

impl<'a> Attrs<'a> {
    /// Iterates over the attributes packed in `buffer`.
    pub const fn new(buffer: &'a [u8]) -> Attrs<'a> {
        Attrs {
            rest: buffer,
            failed: false,
        }
    }
}

impl<'a> Iterator for Attrs<'a> {
    type Item = Result<Attr<'a>>;

    #[cfg_attr(target_arch = "x86_64", inline)]
    fn next(&mut self) -> Option<Self::Item> {
        if self.failed || self.rest.is_empty() {
            return None;
        }
        match Attr::new_checked(self.rest) {
            Ok(attr) => {
                // The last attribute may omit its padding.
                let step = align4(attr.len()).min(self.rest.len());
                self.rest = &self.rest[step..];
                Some(Ok(attr))
            }
            Err(e) => {
                self.failed = true;
                Some(Err(e))
            }
        }
    }
}

/// Writes one attribute with `payload` at the start of `buf`, zeroing its
/// padding, and returns the bytes used (payload length rounded up to 4).
pub fn emit(buf: &mut [u8], kind: u16, payload: &[u8]) -> Result<usize> {
    let len = HEADER_LEN + payload.len();
    let len16 = u16::try_from(len).map_err(|_| Error::BufferTooSmall)?;
    let padded = align4(len);
    if buf.len() < padded {
        return Err(Error::BufferTooSmall);
    }
    NativeEndian::write_u16(&mut buf[field::LEN], len16);
    NativeEndian::write_u16(&mut buf[field::TYPE], kind);
    buf[HEADER_LEN..len].copy_from_slice(payload);
    buf[len..padded].fill(0);
    Ok(padded)
}

/// Bytes [`emit`] uses for a payload of `payload_len` bytes.
pub const fn buffer_len(payload_len: usize) -> usize {
    align4(HEADER_LEN + payload_len)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attr_bytes(out: &mut [u8], kind: u16, payload: &[u8]) -> usize {
        let len = HEADER_LEN + payload.len();
        out[0..2].copy_from_slice(&(len as u16).to_ne_bytes());
        out[2..4].copy_from_slice(&kind.to_ne_bytes());
        out[4..len].copy_from_slice(payload);
        align4(len)
    }

    #[test]
    fn test_parse() {
        let mut buf = [0u8; 32];
        let mut at = attr_bytes(&mut buf, 8, &[3]);
        at += attr_bytes(&mut buf[at..], 0x8000 | 19, &[]);
        at += attr_bytes(&mut buf[at..], 21, &77u64.to_ne_bytes());
        let got: [Attr; 3] = {
            let mut it = Attrs::new(&buf[..at]);
            [
                it.next().unwrap().unwrap(),
                it.next().unwrap().unwrap(),
                it.next().unwrap().unwrap(),
            ]
        };
        assert_eq!((got[0].kind(), got[0].u8()), (8, Ok(3)));
        assert_eq!(
            (got[1].kind(), got[1].raw_kind(), got[1].is_empty()),
            (19, 0x8013, true)
        );
        assert_eq!((got[2].kind(), got[2].u64_ne()), (21, Ok(77)));
        assert_eq!(got[2].u32_ne(), Err(Error::BadAttribute));
        assert_eq!(Attrs::new(&buf[..at]).count(), 3);
    }

    #[test]
    fn test_emit() {
        let mut buf = [0xa5u8; 12];
        assert_eq!(emit(&mut buf, 3, &[1, 2, 3, 4, 5]), Ok(12));
        let mut want = [0u8; 12];
        want[0..2].copy_from_slice(&9u16.to_ne_bytes());
        want[2..4].copy_from_slice(&3u16.to_ne_bytes());
        want[4..9].copy_from_slice(&[1, 2, 3, 4, 5]);
        assert_eq!(buf, want);
        assert_eq!(
            emit(&mut buf[..11], 3, &[1, 2, 3, 4, 5]),
            Err(Error::BufferTooSmall)
        );
        assert_eq!(buffer_len(5), 12);
    }

    #[test]
    fn test_truncated() {
        let mut buf = [0u8; 8];
        attr_bytes(&mut buf, 1, &[9, 9, 9, 9]);
        for cut in 0..8 {
            let mut it = Attrs::new(&buf[..cut]);
            if cut == 0 {
                assert!(it.next().is_none());
            } else {
                assert!(it.next().unwrap().is_err(), "prefix {cut}");
                assert!(it.next().is_none(), "stops after an error");
            }
        }
        buf[0..2].copy_from_slice(&3u16.to_ne_bytes());
        assert_eq!(Attr::new_checked(&buf).unwrap_err(), Error::BadLength);
    }
}
