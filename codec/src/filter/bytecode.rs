//! inet_diag filter bytecode (`INET_DIAG_REQ_BYTECODE`, `struct
//! inet_diag_bc_op` in `linux/inet_diag.h`): the compiler from a filter
//! [`Expr`], the kernel's audit (`inet_diag_bc_audit` in
//! `net/ipv4/inet_diag.c`) as a validator, and an interpreter that runs a
//! program on one socket as `inet_diag_bc_run` does.
//!
//! A program is a run of 4-byte ops `{code u8, yes u8, no u16}` (host
//! order), some followed by an operand. Execution starts at byte 0; when an
//! op's condition holds it advances `yes` bytes, else `no` bytes. The socket
//! passes when execution lands exactly on the end; landing beyond it (the
//! compiler jumps to `end + 4`) rejects.

use byteorder::{ByteOrder, NativeEndian};

use crate::filter::expr::{Expr, HostCond, Node, NodeId, Pred};
use crate::filter::socket::{host_matches, End, Entry};
use crate::wire::inet::{req_attr, ReqRepr};
use crate::wire::sock_diag::Request;
use crate::wire::{attr, sk_storage};
use crate::{family, Error, Result};

/// Op codes (`INET_DIAG_BC_*`).
pub mod code {
    /// `INET_DIAG_BC_NOP`: always takes `yes`.
    pub const NOP: u8 = 0;
    /// `INET_DIAG_BC_JMP`: always takes `no`.
    pub const JMP: u8 = 1;
    /// `INET_DIAG_BC_S_GE`: local port >= operand.
    pub const S_GE: u8 = 2;
    /// `INET_DIAG_BC_S_LE`: local port <= operand.
    pub const S_LE: u8 = 3;
    /// `INET_DIAG_BC_D_GE`: remote port >= operand.
    pub const D_GE: u8 = 4;
    /// `INET_DIAG_BC_D_LE`: remote port <= operand.
    pub const D_LE: u8 = 5;
    /// `INET_DIAG_BC_AUTO`: the local port was not bound explicitly.
    pub const AUTO: u8 = 6;
    /// `INET_DIAG_BC_S_COND`: local address/prefix and port.
    pub const S_COND: u8 = 7;
    /// `INET_DIAG_BC_D_COND`: remote address/prefix and port.
    pub const D_COND: u8 = 8;
    /// `INET_DIAG_BC_DEV_COND`: bound interface index.
    pub const DEV_COND: u8 = 9;
    /// `INET_DIAG_BC_MARK_COND`: `(mark & mask) == value` (CAP_NET_ADMIN).
    pub const MARK_COND: u8 = 10;
    /// `INET_DIAG_BC_S_EQ`: local port == operand.
    pub const S_EQ: u8 = 11;
    /// `INET_DIAG_BC_D_EQ`: remote port == operand.
    pub const D_EQ: u8 = 12;
    /// `INET_DIAG_BC_CGROUP_COND`: cgroup v2 id.
    pub const CGROUP_COND: u8 = 13;
}

/// Byte ranges of an op and of the operands that follow it.
mod field {
    use crate::Field;
    pub const CODE: usize = 0;
    pub const YES: usize = 1;
    pub const NO: Field = 2..4;
    pub const OP_LEN: usize = NO.end;
    /// Port comparisons put the port in the `no` field of a second op.
    pub const PORT: Field = OP_LEN + 2..OP_LEN + 4;
    pub const PORT_OP_LEN: usize = PORT.end;
    /// `struct inet_diag_hostcond` after the op.
    pub const HC_FAMILY: usize = OP_LEN;
    pub const HC_PREFIX: usize = OP_LEN + 1;
    pub const HC_PORT: Field = OP_LEN + 4..OP_LEN + 8;
    pub const HC_ADDR: usize = HC_PORT.end;
    pub const DEV: Field = OP_LEN..OP_LEN + 4;
    pub const MARK: Field = OP_LEN..OP_LEN + 4;
    pub const MASK: Field = MARK.end..MARK.end + 4;
    pub const CGROUP: Field = OP_LEN..OP_LEN + 8;
}

/// Size of one `struct inet_diag_bc_op`.
pub const OP_LEN: usize = field::OP_LEN;

/// The longest program the compiler can produce from an [`Expr`]: every
/// node at its largest (an IPv6 host condition, 28 bytes, or a 4-byte jump).
pub const MAX_PROGRAM_LEN: usize = crate::filter::expr::MAX_NODES * (field::HC_ADDR + 16);

/// Why the compiler could not produce a program.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompileError {
    /// The caller's buffer is shorter than the program.
    BufferTooSmall,
    /// A jump does not fit the 16-bit `no` field.
    TooLong,
    /// The expression holds a unix path pattern, which only user space
    /// evaluates.
    UserSpaceOnly,
}

/// Why the audit refused a program; the kernel answers EINVAL to each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditErrorKind {
    /// Fewer than 4 bytes.
    Empty,
    /// An op code the kernel does not know.
    UnknownCode(u8),
    /// The op is shorter than its operand needs.
    ShortOp,
    /// A host condition with a family other than AF_UNSPEC, AF_INET, AF_INET6.
    BadFamily(u8),
    /// A prefix longer than the address.
    BadPrefix,
    /// `yes` below the op's length, beyond the end, or not a multiple of 4.
    BadYes,
    /// `no` below the op's length, beyond end + 4, or not a multiple of 4.
    BadNo,
    /// `no` lands inside an op rather than on an op boundary.
    NoOffBoundary,
    /// The ops do not end exactly at the end of the program.
    BadLength,
}

/// A refused program: where and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuditError {
    /// Byte offset of the op at fault.
    pub offset: usize,
    /// What is wrong with it.
    pub kind: AuditErrorKind,
}

impl core::fmt::Display for CompileError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            CompileError::BufferTooSmall => "the program does not fit the buffer",
            CompileError::TooLong => "the program is too long for the kernel's 16-bit jumps",
            CompileError::UserSpaceOnly => "unix name patterns run in user space only",
        })
    }
}

impl core::error::Error for CompileError {}

impl core::fmt::Display for AuditErrorKind {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            AuditErrorKind::Empty => f.write_str("shorter than one op"),
            AuditErrorKind::UnknownCode(c) => write!(f, "unknown op code {c}"),
            AuditErrorKind::ShortOp => f.write_str("op shorter than its operand"),
            AuditErrorKind::BadFamily(fam) => write!(f, "host condition of family {fam}"),
            AuditErrorKind::BadPrefix => f.write_str("prefix longer than the address"),
            AuditErrorKind::BadYes => f.write_str("bad 'yes' jump"),
            AuditErrorKind::BadNo => f.write_str("bad 'no' jump"),
            AuditErrorKind::NoOffBoundary => f.write_str("'no' jump into the middle of an op"),
            AuditErrorKind::BadLength => f.write_str("ops do not end at the program's end"),
        }
    }
}

impl core::fmt::Display for AuditError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "bytecode op at byte {}: {}", self.offset, self.kind)
    }
}

impl core::error::Error for AuditError {}

fn u16_at(b: &[u8], r: core::ops::Range<usize>) -> u16 {
    b.get(r).map_or(0, NativeEndian::read_u16)
}

fn u32_at(b: &[u8], r: core::ops::Range<usize>) -> u32 {
    b.get(r).map_or(0, NativeEndian::read_u32)
}

fn byte_at(b: &[u8], i: usize) -> u8 {
    b.get(i).copied().unwrap_or(0)
}

/// Address length of a host condition's family, `None` for a family the
/// kernel refuses.
fn addr_len(fam: u8) -> Option<usize> {
    match fam {
        0 => Some(0),
        family::INET => Some(4),
        family::INET6 => Some(16),
        _ => None,
    }
}

/// `valid_cc`: whether `target` bytes before the end is reachable by
/// following `yes` jumps from the start.
fn on_boundary(prog: &[u8], target: usize) -> bool {
    let mut pos = 0usize;
    loop {
        let len = prog.len() - pos;
        if target > len {
            return false;
        }
        if target == len {
            return true;
        }
        let yes = byte_at(prog, pos + field::YES) as usize;
        if yes < OP_LEN || !yes.is_multiple_of(4) {
            return false;
        }
        pos += yes;
        if pos > prog.len() {
            return false;
        }
    }
}

/// A program that passed the kernel's audit: the only thing [`Program::run`]
/// accepts, so the interpreter never meets a jump that loops or leaves the
/// program.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Program<'a> {
    bytes: &'a [u8],
}

impl<'a> Program<'a> {
    /// Applies `inet_diag_bc_audit`, assuming CAP_NET_ADMIN (without it the
    /// kernel refuses MARK_COND with EPERM, see [`Program::needs_net_admin`]).
    pub fn new_checked(bytes: &'a [u8]) -> core::result::Result<Program<'a>, AuditError> {
        let err = |offset, kind| Err(AuditError { offset, kind });
        if bytes.len() < OP_LEN {
            return err(0, AuditErrorKind::Empty);
        }
        let mut pos = 0usize;
        while pos < bytes.len() {
            let len = bytes.len() - pos;
            let op = &bytes[pos..];
            if len < OP_LEN {
                return err(pos, AuditErrorKind::BadLength);
            }
            let mut min_len = OP_LEN;
            let c = op[field::CODE];
            match c {
                code::S_COND | code::D_COND => {
                    min_len = field::HC_ADDR;
                    if len < min_len {
                        return err(pos, AuditErrorKind::ShortOp);
                    }
                    let fam = op[field::HC_FAMILY];
                    let Some(alen) = addr_len(fam) else {
                        return err(pos, AuditErrorKind::BadFamily(fam));
                    };
                    min_len += alen;
                    if len < min_len {
                        return err(pos, AuditErrorKind::ShortOp);
                    }
                    if op[field::HC_PREFIX] as usize > 8 * alen {
                        return err(pos, AuditErrorKind::BadPrefix);
                    }
                }
                code::DEV_COND => min_len = field::DEV.end,
                code::S_EQ | code::S_GE | code::S_LE | code::D_EQ | code::D_GE | code::D_LE => {
                    min_len = field::PORT_OP_LEN
                }
                code::MARK_COND => min_len = field::MASK.end,
                code::CGROUP_COND => min_len = field::CGROUP.end,
                code::AUTO | code::JMP | code::NOP => {}
                other => return err(pos, AuditErrorKind::UnknownCode(other)),
            }
            if len < min_len {
                return err(pos, AuditErrorKind::ShortOp);
            }
            if c != code::NOP {
                let no = NativeEndian::read_u16(&op[field::NO]) as usize;
                if no < min_len || no > len + 4 || !no.is_multiple_of(4) {
                    return err(pos, AuditErrorKind::BadNo);
                }
                if no < len && !on_boundary(bytes, len - no) {
                    return err(pos, AuditErrorKind::NoOffBoundary);
                }
            }
            let yes = op[field::YES] as usize;
            if yes < min_len || yes > len + 4 || !yes.is_multiple_of(4) {
                return err(pos, AuditErrorKind::BadYes);
            }
            pos += yes;
        }
        if pos != bytes.len() {
            return err(pos, AuditErrorKind::BadLength);
        }
        Ok(Program { bytes })
    }

    /// The program's bytes.
    pub fn as_bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// True when the program holds a MARK_COND, which the kernel refuses
    /// (EPERM) to callers without CAP_NET_ADMIN.
    pub fn needs_net_admin(&self) -> bool {
        let mut pos = 0;
        while pos < self.bytes.len() {
            if byte_at(self.bytes, pos) == code::MARK_COND {
                return true;
            }
            pos += byte_at(self.bytes, pos + field::YES).max(4) as usize;
        }
        false
    }

    /// Runs the program on one socket as `inet_diag_bc_run` does.
    pub fn run(&self, e: &Entry) -> bool {
        let prog = self.bytes;
        let mut pos = 0usize;
        while pos < prog.len() {
            let op = &prog[pos..];
            let sport = u32::from(e.sport);
            let dport = u32::from(e.dport);
            let operand = || u32::from(u16_at(op, field::PORT));
            let yes = match byte_at(op, field::CODE) {
                code::NOP => true,
                code::JMP => false,
                code::S_EQ => sport == operand(),
                code::S_GE => sport >= operand(),
                code::S_LE => sport <= operand(),
                code::D_EQ => dport == operand(),
                code::D_GE => dport >= operand(),
                code::D_LE => dport <= operand(),
                code::AUTO => e.autobound,
                c @ (code::S_COND | code::D_COND) => {
                    let end = if c == code::S_COND {
                        End::Src
                    } else {
                        End::Dst
                    };
                    let port = u32_at(op, field::HC_PORT) as i32;
                    let fam = byte_at(op, field::HC_FAMILY);
                    let alen = addr_len(fam).unwrap_or(0);
                    let mut addr = [0u8; 16];
                    if let Some(a) = op.get(field::HC_ADDR..field::HC_ADDR + alen) {
                        addr[..alen].copy_from_slice(a);
                    }
                    host_matches(fam, byte_at(op, field::HC_PREFIX), port, &addr, end, e)
                }
                code::DEV_COND => u32_at(op, field::DEV) == e.ifindex,
                code::MARK_COND => e.mark & u32_at(op, field::MASK) == u32_at(op, field::MARK),
                code::CGROUP_COND => {
                    op.get(field::CGROUP).map_or(0, NativeEndian::read_u64) == e.cgroup_id
                }
                // The audit let no other code through; the kernel, too,
                // takes `yes` on a code it does not test.
                _ => true,
            };
            let step = if yes {
                byte_at(op, field::YES) as usize
            } else {
                u16_at(op, field::NO) as usize
            };
            if step == 0 {
                return false;
            }
            pos += step;
        }
        pos == prog.len()
    }
}

/// Writes one op header.
fn put_op(
    buf: &mut [u8],
    pos: usize,
    c: u8,
    yes: usize,
    no: usize,
) -> core::result::Result<(), CompileError> {
    let no = u16::try_from(no).map_err(|_| CompileError::TooLong)?;
    let op = buf
        .get_mut(pos..pos + OP_LEN)
        .ok_or(CompileError::BufferTooSmall)?;
    op[field::CODE] = c;
    op[field::YES] = yes as u8;
    NativeEndian::write_u16(&mut op[field::NO], no);
    Ok(())
}

/// Compiles `expr` into `buf` and returns the program's length; 0 for an
/// empty expression, which needs no program. The scheme is ss's: a
/// condition's `yes` falls through to the next op, its `no` jumps to 4
/// bytes past the end of the sub-program (reject); `a and b` redirects a's
/// rejections to b's end, `a or b` puts a jump over b after a, `not a`
/// puts a jump to reject after a.
pub fn compile(expr: &Expr, buf: &mut [u8]) -> core::result::Result<usize, CompileError> {
    match expr.root() {
        None => Ok(0),
        Some(root) => emit(expr, root, buf, 0),
    }
}

fn emit(
    expr: &Expr,
    id: NodeId,
    buf: &mut [u8],
    pos: usize,
) -> core::result::Result<usize, CompileError> {
    let Some(node) = expr.node(id) else {
        return Err(CompileError::TooLong);
    };
    match node {
        Node::And(a, b) => {
            let mid = emit(expr, a, buf, pos)?;
            let end = emit(expr, b, buf, mid)?;
            relocate(buf, pos, mid, end - mid)?;
            Ok(end)
        }
        Node::Or(a, b) => {
            let mid = emit(expr, a, buf, pos)?;
            let end = emit(expr, b, buf, mid + OP_LEN)?;
            put_op(buf, mid, code::JMP, OP_LEN, end - mid)?;
            Ok(end)
        }
        Node::Not(a) => {
            let end = emit(expr, a, buf, pos)?;
            put_op(buf, end, code::JMP, OP_LEN, 2 * OP_LEN)?;
            Ok(end + OP_LEN)
        }
        Node::Pred(p) => emit_pred(&p, buf, pos),
    }
}

/// Redirects the rejections of the sub-program in `buf[start..end]` (jumps
/// to `end + 4`) by `by` bytes, following `yes` from op to op as ss does.
fn relocate(
    buf: &mut [u8],
    start: usize,
    end: usize,
    by: usize,
) -> core::result::Result<(), CompileError> {
    let mut pos = start;
    while pos < end {
        let remaining = end - pos;
        let no = u16_at(buf, pos + 2..pos + 4) as usize;
        if no == remaining + OP_LEN {
            let no = u16::try_from(no + by).map_err(|_| CompileError::TooLong)?;
            if let Some(f) = buf.get_mut(pos + 2..pos + 4) {
                NativeEndian::write_u16(f, no);
            }
        }
        let yes = byte_at(buf, pos + field::YES) as usize;
        if yes == 0 {
            return Err(CompileError::TooLong);
        }
        pos += yes;
    }
    Ok(())
}

fn emit_pred(p: &Pred, buf: &mut [u8], pos: usize) -> core::result::Result<usize, CompileError> {
    fn simple(
        buf: &mut [u8],
        pos: usize,
        c: u8,
        len: usize,
    ) -> core::result::Result<&mut [u8], CompileError> {
        if buf.len() < pos + len {
            return Err(CompileError::BufferTooSmall);
        }
        put_op(buf, pos, c, len, len + OP_LEN)?;
        Ok(&mut buf[pos..pos + len])
    }
    let len = match *p {
        Pred::Host { end, cond } => {
            let HostCond {
                family: fam,
                prefix_len,
                port,
                addr,
            } = cond;
            let alen = addr_len(fam).unwrap_or(0);
            let len = field::HC_ADDR + alen;
            let c = if end == End::Src {
                code::S_COND
            } else {
                code::D_COND
            };
            let op = simple(buf, pos, c, len)?;
            op[field::HC_FAMILY] = fam;
            op[field::HC_PREFIX] = prefix_len;
            op[field::HC_PREFIX + 1..field::HC_PORT.start].fill(0);
            let port = port.map_or(-1, |p| p as i32);
            NativeEndian::write_i32(&mut op[field::HC_PORT], port);
            op[field::HC_ADDR..].copy_from_slice(&addr[..alen]);
            len
        }
        Pred::PortCmp { end, ge, port } => {
            let c = match (end, ge) {
                (End::Src, true) => code::S_GE,
                (End::Src, false) => code::S_LE,
                (End::Dst, true) => code::D_GE,
                (End::Dst, false) => code::D_LE,
            };
            let op = simple(buf, pos, c, field::PORT_OP_LEN)?;
            // The second op only carries the port; ss zeroes its code and yes.
            op[OP_LEN..field::PORT.start].fill(0);
            NativeEndian::write_u16(&mut op[field::PORT], port.clamp(0, 0xffff) as u16);
            field::PORT_OP_LEN
        }
        Pred::Auto => {
            simple(buf, pos, code::AUTO, OP_LEN)?;
            OP_LEN
        }
        Pred::Dev(ifindex) => {
            let op = simple(buf, pos, code::DEV_COND, field::DEV.end)?;
            NativeEndian::write_u32(&mut op[field::DEV], ifindex);
            field::DEV.end
        }
        Pred::Mark { mark, mask } => {
            let op = simple(buf, pos, code::MARK_COND, field::MASK.end)?;
            NativeEndian::write_u32(&mut op[field::MARK], mark);
            NativeEndian::write_u32(&mut op[field::MASK], mask);
            field::MASK.end
        }
        Pred::Cgroup(id) => {
            let op = simple(buf, pos, code::CGROUP_COND, field::CGROUP.end)?;
            NativeEndian::write_u64(&mut op[field::CGROUP], id);
            field::CGROUP.end
        }
        Pred::UnixPath { .. } => return Err(CompileError::UserSpaceOnly),
    };
    Ok(pos + len)
}

/// A dump request with a filter program attached as
/// `INET_DIAG_REQ_BYTECODE`; an empty program sends the plain request. The
/// request is an `inet_diag_req_v2`, or the legacy TCP request of
/// [`crate::wire::inet_legacy`], which takes bytecode the same way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[doc(alias = "INET_DIAG_REQ_BYTECODE")]
pub struct FilteredReq<'a, R = ReqRepr> {
    /// The request itself.
    pub req: R,
    /// The program (see [`compile`]); its bytes are sent as they are.
    pub bytecode: &'a [u8],
    /// Ask for every BPF map's socket storage (`--bpf-maps`).
    pub bpf_storages: bool,
}

impl<'a> FilteredReq<'a> {
    /// `req` with `bytecode`, nothing else.
    pub const fn new(req: ReqRepr, bytecode: &'a [u8]) -> FilteredReq<'a> {
        FilteredReq {
            req,
            bytecode,
            bpf_storages: false,
        }
    }
}

impl<R: Request> Request for FilteredReq<'_, R> {
    fn msg_type(&self) -> u16 {
        self.req.msg_type()
    }

    fn payload_len(&self) -> usize {
        self.req.payload_len()
            + if self.bytecode.is_empty() {
                0
            } else {
                attr::buffer_len(self.bytecode.len())
            }
            + if self.bpf_storages {
                sk_storage::REQ_ALL_LEN
            } else {
                0
            }
    }

    fn emit_payload(&self, buf: &mut [u8]) -> Result<()> {
        if buf.len() < self.payload_len() {
            return Err(Error::BufferTooSmall);
        }
        let mut at = self.req.payload_len();
        self.req.emit_payload(&mut buf[..at])?;
        if !self.bytecode.is_empty() {
            at += attr::emit(&mut buf[at..], req_attr::BYTECODE, self.bytecode)?;
        }
        if self.bpf_storages {
            sk_storage::emit_req_all(&mut buf[at..])?;
        }
        Ok(())
    }

    fn is_dump(&self) -> bool {
        self.req.is_dump()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::filter::parse::{NoResolve, ParseOptions};
    use crate::wire::inet::REQ_LEN;

    fn prog(text: &str) -> ([u8; MAX_PROGRAM_LEN], usize) {
        let e = Expr::parse(text, &ParseOptions::inet()).unwrap();
        let mut buf = [0xa5u8; MAX_PROGRAM_LEN];
        let n = compile(&e, &mut buf).unwrap();
        (buf, n)
    }

    fn v4(sport: u16, dport: u16, src: [u8; 4], dst: [u8; 4]) -> Entry {
        let mut e = Entry {
            family: family::INET,
            sport,
            dport,
            ..Entry::default()
        };
        e.src[..4].copy_from_slice(&src);
        e.dst[..4].copy_from_slice(&dst);
        e
    }

    fn op(c: u8, yes: u8, no: u16) -> [u8; 4] {
        let n = no.to_ne_bytes();
        [c, yes, n[0], n[1]]
    }

    /// The bytes ss 6.1 sends for `sport = :80 or dport >= :1024`,
    /// laid out by hand from the op layout.
    #[test]
    fn test_emit() {
        let (buf, n) = prog("sport = :80 or dport >= :1024");
        let mut want = [0u8; 32];
        want[0..4].copy_from_slice(&op(code::S_COND, 12, 16));
        want[4] = 0; // AF_UNSPEC
        want[5] = 0;
        want[8..12].copy_from_slice(&80i32.to_ne_bytes());
        want[12..16].copy_from_slice(&op(code::JMP, 4, 12));
        want[16..20].copy_from_slice(&op(code::D_GE, 8, 12));
        want[20..24].copy_from_slice(&op(0, 0, 1024));
        assert_eq!(&buf[..n], &want[..24]);
        assert_eq!(buf[n], 0xa5, "nothing written past the end");
        assert!(Program::new_checked(&buf[..n]).is_ok());
        let (buf, n) = prog("src 10.0.0.0/8");
        assert_eq!(n, 16);
        assert_eq!(&buf[12..16], &[10, 0, 0, 0]);
        assert_eq!((buf[4], buf[5]), (family::INET, 8));
        assert_eq!(prog("").1, 0);
    }

    #[test]
    fn test_emit_short_buffer() {
        let e = Expr::parse("sport = :1 and ! dst [::1]", &ParseOptions::inet()).unwrap();
        let mut buf = [0u8; 64];
        let n = compile(&e, &mut buf).unwrap();
        for short in 0..n {
            assert_eq!(
                compile(&e, &mut buf[..short]),
                Err(CompileError::BufferTooSmall)
            );
        }
    }

    #[test]
    fn test_run() {
        let (buf, n) = prog("( sport >= :1000 and sport <= :2000 ) or not dst 10.0.0.0/8");
        let p = Program::new_checked(&buf[..n]).unwrap();
        assert!(p.run(&v4(1500, 1, [1; 4], [10, 1, 1, 1])));
        assert!(!p.run(&v4(999, 1, [1; 4], [10, 1, 1, 1])));
        assert!(p.run(&v4(999, 1, [1; 4], [11, 1, 1, 1])));
        // An AF_INET condition matches a v4-mapped address of an IPv6 socket.
        let (buf, n) = prog("dst 127.0.0.1/32");
        let p = Program::new_checked(&buf[..n]).unwrap();
        let mut e = Entry {
            family: family::INET6,
            ..Entry::default()
        };
        e.dst = core::net::Ipv4Addr::LOCALHOST.to_ipv6_mapped().octets();
        assert!(p.run(&e));
        e.dst[9] = 1;
        assert!(!p.run(&e));
        let (buf, n) = prog("autobound and fwmark = 0x10/0xf0 and cgroup = 7 and dev = 3");
        let p = Program::new_checked(&buf[..n]).unwrap();
        let e = Entry {
            autobound: true,
            mark: 0x1f,
            cgroup_id: 7,
            ifindex: 3,
            ..Entry::default()
        };
        assert!(p.run(&e));
        assert!(!p.run(&Entry { ifindex: 2, ..e }));
        assert!(!p.run(&Entry { mark: 0x2f, ..e }));
        assert!(p.needs_net_admin());
    }

    /// Interpreting the compiled program and evaluating the expression
    /// agree on a grid of sockets, and every program passes the audit.
    #[test]
    fn test_agree() {
        let exprs = [
            "sport = :80",
            "dport != :80",
            "sport > :100 or dport < :100",
            "! ( sport >= :50 && sport <= :150 ) | autobound",
            "src 127.0.0.1",
            "src 127.0.0.0/8:80 dst [::1]",
            "dst [::ffff:127.0.0.1]:*",
            "src * or dst :22",
            "not src [::/0] and not dst 0.0.0.0/0",
            "fwmark = 0x1/0x1 || cgroup = 5 || dev = 1",
            "( sport = :80 or sport = :443 ) and not ( dst 10.0.0.0/8 or dst [fe80::/10] )",
            "sport = :1 or sport = :2 and dport = :3 or not autobound",
        ];
        let addrs: [(u8, [u8; 16]); 5] = [
            (
                family::INET,
                [127, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
            ),
            (
                family::INET,
                [10, 9, 8, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
            ),
            (family::INET6, core::net::Ipv6Addr::LOCALHOST.octets()),
            (
                family::INET6,
                core::net::Ipv4Addr::LOCALHOST.to_ipv6_mapped().octets(),
            ),
            (
                family::INET6,
                [0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1],
            ),
        ];
        for text in exprs {
            let (buf, n) = prog(text);
            let p = Program::new_checked(&buf[..n]).unwrap_or_else(|e| panic!("{text}: {e}"));
            let expr = Expr::parse(text, &ParseOptions::inet()).unwrap();
            for (fam, a) in addrs {
                for (_, b) in addrs.iter().filter(|(f, _)| *f == fam) {
                    for (sport, dport) in [(80, 22), (443, 3), (1, 100), (2, 3), (150, 50)] {
                        for bits in 0..8u8 {
                            let e = Entry {
                                family: fam,
                                src: a,
                                dst: *b,
                                sport,
                                dport,
                                ifindex: u32::from(bits & 1),
                                autobound: bits & 2 != 0,
                                mark: u32::from(bits & 4 != 0),
                                cgroup_id: 5 * u64::from(bits & 1),
                            };
                            assert_eq!(p.run(&e), expr.eval(&e), "{text}: {e:?}");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn test_audit() {
        let bad = |bytes: &[u8], kind| {
            assert_eq!(
                Program::new_checked(bytes).map(|_| ()).unwrap_err().kind,
                kind,
                "{bytes:?}"
            )
        };
        bad(&[], AuditErrorKind::Empty);
        bad(&op(99, 4, 8), AuditErrorKind::UnknownCode(99));
        bad(&op(code::NOP, 0, 0), AuditErrorKind::BadYes);
        bad(&op(code::JMP, 4, 6), AuditErrorKind::BadNo);
        bad(&op(code::JMP, 4, 12), AuditErrorKind::BadNo);
        bad(&op(code::S_GE, 4, 8), AuditErrorKind::ShortOp);
        bad(
            &[op(code::NOP, 4, 0), [0; 4]].concat()[..6],
            AuditErrorKind::BadLength,
        );
        // A `no` into the operand of a port comparison.
        let into_operand = [op(code::JMP, 4, 8), op(code::S_GE, 8, 12), op(0, 0, 80)].concat();
        bad(&into_operand, AuditErrorKind::NoOffBoundary);
        let mut hc = [0u8; 16];
        hc[..4].copy_from_slice(&op(code::S_COND, 16, 20));
        hc[4] = family::INET;
        hc[5] = 33;
        bad(&hc, AuditErrorKind::BadPrefix);
        hc[4] = 3;
        bad(&hc, AuditErrorKind::BadFamily(3));
        // NOP's `no` is not checked; JMP to end + 4 is the reject target.
        assert!(Program::new_checked(&op(code::NOP, 4, 0xffff)).is_ok());
        assert!(Program::new_checked(&op(code::JMP, 4, 8)).is_ok());
        let _ = NoResolve;
    }

    #[test]
    fn test_filtered_request() {
        let (buf, n) = prog("dport = :443");
        let req = FilteredReq::new(
            ReqRepr::dump(family::INET, crate::wire::inet::proto::TCP, 2),
            &buf[..n],
        );
        let mut out = [0xa5u8; 128];
        let len = crate::wire::sock_diag::emit_request(&mut out, 1, &req).unwrap();
        assert_eq!(len, 16 + REQ_LEN + 4 + n);
        let at = 16 + REQ_LEN;
        assert_eq!(&out[at..at + 2], &((4 + n) as u16).to_ne_bytes());
        assert_eq!(&out[at + 2..at + 4], &req_attr::BYTECODE.to_ne_bytes());
        assert_eq!(&out[at + 4..at + 4 + n], &buf[..n]);
    }
}
