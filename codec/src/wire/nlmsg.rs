//! The netlink message header (`struct nlmsghdr`, `linux/netlink.h`) and the
//! errno that ends a reply.
//!
//! ```text
//!  0               4       6       8               12              16
//! +---------------+-------+-------+---------------+---------------+------
//! | nlmsg_len     | type  | flags | nlmsg_seq     | nlmsg_pid     | payload
//! +---------------+-------+-------+---------------+---------------+------
//! ```
//! All fields are host byte order. `nlmsg_len` counts the header; the next
//! message starts at `align4(nlmsg_len)`.

use byteorder::{ByteOrder, NativeEndian};

use crate::{Error, Field, Result};

mod field {
    use crate::Field;
    pub const LEN: Field = 0..4;
    pub const TYPE: Field = 4..6;
    pub const FLAGS: Field = 6..8;
    pub const SEQ: Field = 8..12;
    pub const PID: Field = 12..16;
}

/// Size of `struct nlmsghdr`.
pub const HEADER_LEN: usize = field::PID.end;

/// Message types every netlink family shares (`NLMSG_*`); sock_diag's own
/// are in [`super::sock_diag`].
pub mod kind {
    /// `NLMSG_NOOP`: ignored.
    pub const NOOP: u16 = 1;
    /// `NLMSG_ERROR`: an errno (or 0, an ACK) and the request it answers.
    pub const ERROR: u16 = 2;
    /// `NLMSG_DONE`: the end of a dump, carrying 0 or a negative errno.
    pub const DONE: u16 = 3;
    /// `NLMSG_OVERRUN`: data lost.
    pub const OVERRUN: u16 = 4;
}

/// Header flags (`NLM_F_*`).
pub mod flags {
    /// `NLM_F_REQUEST`
    pub const REQUEST: u16 = 0x1;
    /// `NLM_F_MULTI`: part of a multi-part reply ended by DONE.
    pub const MULTI: u16 = 0x2;
    /// `NLM_F_ACK`
    pub const ACK: u16 = 0x4;
    /// `NLM_F_DUMP_INTR` (never set by sock_diag).
    pub const DUMP_INTR: u16 = 0x10;
    /// `NLM_F_ROOT`
    pub const ROOT: u16 = 0x100;
    /// `NLM_F_MATCH`
    pub const MATCH: u16 = 0x200;
    /// `NLM_F_DUMP` = ROOT | MATCH: walk every socket of the family.
    pub const DUMP: u16 = ROOT | MATCH;
}

/// A checked, zero-copy view of one netlink message.
#[derive(Debug, Clone)]
pub struct Packet<T: AsRef<[u8]>> {
    buffer: T,
}

impl<T: AsRef<[u8]>> Packet<T> {
    /// Wraps a buffer without any check; accessors may panic until
    /// [`check_len`](Self::check_len) returned `Ok`.
    pub const fn new_unchecked(buffer: T) -> Packet<T> {
        Packet { buffer }
    }

    // Hinted for x86-64's static build, which inlines little unhinted
    // (-inline-threshold=5, .cargo/config.toml): every message passes here.
    /// Wraps a buffer and validates it, so no accessor can panic.
    #[cfg_attr(target_arch = "x86_64", inline)]
    pub fn new_checked(buffer: T) -> Result<Packet<T>> {
        let packet = Self::new_unchecked(buffer);
        packet.check_len()?;
        Ok(packet)
    }

    /// The header must fit, and `nlmsg_len` must cover the header and no
    /// more than the buffer holds.
    #[cfg_attr(target_arch = "x86_64", inline)]
    pub fn check_len(&self) -> Result<()> {
        let data = self.buffer.as_ref();
        if data.len() < HEADER_LEN {
            return Err(Error::Truncated);
        }
        let len = self.len() as usize;
        if len < HEADER_LEN {
            return Err(Error::BadLength);
        }
        if len > data.len() {
            return Err(Error::Truncated);
        }
        Ok(())
    }

    /// Gives the buffer back.
    pub fn into_inner(self) -> T {
        self.buffer
    }

    /// `nlmsg_len`: header plus payload, unpadded.
    #[cfg_attr(target_arch = "x86_64", inline)]
    pub fn len(&self) -> u32 {
        NativeEndian::read_u32(&self.buffer.as_ref()[field::LEN])
    }

    /// True when the message has no payload.
    pub fn is_empty(&self) -> bool {
        self.len() as usize <= HEADER_LEN
    }

    /// `nlmsg_type`
    pub fn msg_type(&self) -> u16 {
        NativeEndian::read_u16(&self.buffer.as_ref()[field::TYPE])
    }

    /// `nlmsg_flags`
    #[cfg_attr(target_arch = "x86_64", inline)]
    pub fn flags(&self) -> u16 {
        NativeEndian::read_u16(&self.buffer.as_ref()[field::FLAGS])
    }

    /// `nlmsg_seq`: replies echo the request's.
    pub fn seq(&self) -> u32 {
        NativeEndian::read_u32(&self.buffer.as_ref()[field::SEQ])
    }

    /// `nlmsg_pid`: in replies, the receiver's port id, not the sender's.
    pub fn pid(&self) -> u32 {
        NativeEndian::read_u32(&self.buffer.as_ref()[field::PID])
    }
}

impl<'a, T: AsRef<[u8]> + ?Sized> Packet<&'a T> {
    /// The bytes after the header, up to `nlmsg_len`.
    #[cfg_attr(target_arch = "x86_64", inline)]
    pub fn payload(&self) -> &'a [u8] {
        let len = self.len() as usize;
        &self.buffer.as_ref()[HEADER_LEN..len]
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> Packet<T> {
    /// Sets `nlmsg_len`.
    pub fn set_len(&mut self, value: u32) {
        NativeEndian::write_u32(&mut self.buffer.as_mut()[field::LEN], value)
    }
    /// Sets `nlmsg_type`.
    pub fn set_msg_type(&mut self, value: u16) {
        NativeEndian::write_u16(&mut self.buffer.as_mut()[field::TYPE], value)
    }
    /// Sets `nlmsg_flags`.
    pub fn set_flags(&mut self, value: u16) {
        NativeEndian::write_u16(&mut self.buffer.as_mut()[field::FLAGS], value)
    }
    /// Sets `nlmsg_seq`.
    pub fn set_seq(&mut self, value: u32) {
        NativeEndian::write_u32(&mut self.buffer.as_mut()[field::SEQ], value)
    }
    /// Sets `nlmsg_pid`.
    pub fn set_pid(&mut self, value: u32) {
        NativeEndian::write_u32(&mut self.buffer.as_mut()[field::PID], value)
    }
}

/// The header as plain values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeaderRepr {
    /// `nlmsg_type`
    pub msg_type: u16,
    /// `nlmsg_flags`
    pub flags: u16,
    /// `nlmsg_seq`
    pub seq: u32,
    /// `nlmsg_pid`
    pub pid: u32,
}

impl HeaderRepr {
    /// Reads the header of a checked packet.
    pub fn parse<T: AsRef<[u8]>>(packet: &Packet<T>) -> HeaderRepr {
        HeaderRepr {
            msg_type: packet.msg_type(),
            flags: packet.flags(),
            seq: packet.seq(),
            pid: packet.pid(),
        }
    }

    /// Writes the header for a message of `payload_len` bytes into the front
    /// of `buf`, which must hold the whole message.
    pub fn emit(&self, buf: &mut [u8], payload_len: usize) -> Result<()> {
        let total = HEADER_LEN
            .checked_add(payload_len)
            .ok_or(Error::BufferTooSmall)?;
        if buf.len() < total {
            return Err(Error::BufferTooSmall);
        }
        let len = u32::try_from(total).map_err(|_| Error::BufferTooSmall)?;
        let mut packet = Packet::new_unchecked(buf);
        packet.set_len(len);
        packet.set_msg_type(self.msg_type);
        packet.set_flags(self.flags);
        packet.set_seq(self.seq);
        packet.set_pid(self.pid);
        Ok(())
    }
}

/// The errno carried by an `NLMSG_ERROR` or `NLMSG_DONE` payload, as a
/// positive number (0: success or ACK).
///
/// The kernel stores `-errno` as a host-order `int` at offset 0. A DONE with
/// an empty payload (allowed by older kernels) means success.
pub fn parse_errno(payload: &[u8], msg_type: u16) -> Result<i32> {
    const ERRNO: Field = 0..4;
    if payload.len() < ERRNO.end {
        return if msg_type == kind::DONE && payload.is_empty() {
            Ok(0)
        } else {
            Err(Error::Truncated)
        };
    }
    let raw = NativeEndian::read_i32(&payload[ERRNO]);
    // -i32::MIN overflows; no kernel sends it, so it is malformed.
    raw.checked_neg().ok_or(Error::BadLength)
}

/// True when `datagram` is a middle part of a multi-part reply: every
/// message in it is well formed, carries `NLM_F_MULTI`, and none is the
/// `NLMSG_DONE` or `NLMSG_ERROR` that ends it. A reader that only moves
/// datagrams (the runner's second process) asks this to know whether to
/// receive again; anything else, a malformed datagram included, is left
/// for the decoder to judge.
pub fn continues(datagram: &[u8]) -> bool {
    let mut rest = datagram;
    while !rest.is_empty() {
        let Ok(packet) = Packet::new_checked(rest) else {
            return false;
        };
        let ends = matches!(packet.msg_type(), kind::DONE | kind::ERROR);
        if ends || packet.flags() & flags::MULTI == 0 {
            return false;
        }
        // align4 of a checked length: at most rest.len() + 3.
        let step = (packet.len() as usize + 3) & !3;
        rest = rest.get(step..).unwrap_or(&[]);
    }
    !datagram.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(msg_type: u16, payload: &[u8]) -> [u8; 64] {
        let mut buf = [0xa5u8; 64];
        let len = HEADER_LEN + payload.len();
        buf[0..4].copy_from_slice(&(len as u32).to_ne_bytes());
        buf[4..6].copy_from_slice(&msg_type.to_ne_bytes());
        buf[6..8].copy_from_slice(&flags::MULTI.to_ne_bytes());
        buf[8..12].copy_from_slice(&7u32.to_ne_bytes());
        buf[12..16].copy_from_slice(&4242u32.to_ne_bytes());
        buf[16..len].copy_from_slice(payload);
        buf
    }

    #[test]
    fn test_parse() {
        let buf = message(kind::DONE, &0i32.to_ne_bytes());
        let packet = Packet::new_checked(&buf[..]).unwrap();
        assert_eq!(packet.len(), 20);
        assert_eq!(
            HeaderRepr::parse(&packet),
            HeaderRepr {
                msg_type: kind::DONE,
                flags: flags::MULTI,
                seq: 7,
                pid: 4242
            }
        );
        assert_eq!(packet.payload(), &0i32.to_ne_bytes());
        assert_eq!(parse_errno(packet.payload(), kind::DONE), Ok(0));
    }

    #[test]
    fn test_errno() {
        assert_eq!(parse_errno(&(-2i32).to_ne_bytes(), kind::DONE), Ok(2));
        assert_eq!(parse_errno(&[], kind::DONE), Ok(0));
        assert_eq!(parse_errno(&[], kind::ERROR), Err(Error::Truncated));
        assert_eq!(
            parse_errno(&i32::MIN.to_ne_bytes(), kind::ERROR),
            Err(Error::BadLength)
        );
    }

    #[test]
    fn test_emit() {
        let mut buf = [0xa5u8; 20];
        let repr = HeaderRepr {
            msg_type: crate::wire::sock_diag::SOCK_DIAG_BY_FAMILY,
            flags: 0x301,
            seq: 9,
            pid: 0,
        };
        repr.emit(&mut buf, 4).unwrap();
        let mut want = [0xa5u8; 20];
        want[0..4].copy_from_slice(&20u32.to_ne_bytes());
        want[4..6].copy_from_slice(&20u16.to_ne_bytes());
        want[6..8].copy_from_slice(&0x301u16.to_ne_bytes());
        want[8..12].copy_from_slice(&9u32.to_ne_bytes());
        want[12..16].copy_from_slice(&0u32.to_ne_bytes());
        assert_eq!(buf, want);
        assert_eq!(repr.emit(&mut buf[..19], 4), Err(Error::BufferTooSmall));
    }

    #[test]
    fn test_continues() {
        let socket = message(20, &[2, 0, 0, 0]);
        let done = message(kind::DONE, &0i32.to_ne_bytes());
        let mut two = [0u8; 40];
        two[..20].copy_from_slice(&socket[..20]);
        two[20..].copy_from_slice(&socket[..20]);
        assert!(continues(&two));
        two[20..].copy_from_slice(&done[..20]);
        assert!(!continues(&two), "DONE ends it");
        let error = message(kind::ERROR, &(-22i32).to_ne_bytes());
        assert!(!continues(&error[..20]), "an ERROR ends it");
        let mut single = socket;
        single[6..8].copy_from_slice(&0u16.to_ne_bytes());
        assert!(!continues(&single[..20]), "no NLM_F_MULTI: the only part");
        assert!(!continues(&[]));
        assert!(!continues(&socket[..19]), "malformed: the decoder judges");
        // A last message padded short of its alignment still counts.
        let mut odd = message(20, &[2, 0, 0]);
        odd[0..4].copy_from_slice(&19u32.to_ne_bytes());
        assert!(continues(&odd[..19]));
    }

    #[test]
    fn test_truncated() {
        let buf = message(kind::DONE, &0i32.to_ne_bytes());
        for cut in 0..20 {
            assert!(Packet::new_checked(&buf[..cut]).is_err(), "prefix {cut}");
        }
        let mut short = buf;
        short[0..4].copy_from_slice(&15u32.to_ne_bytes());
        assert_eq!(
            Packet::new_checked(&short[..]).unwrap_err(),
            Error::BadLength
        );
    }
}
