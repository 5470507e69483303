//! The initramfs guest's socket maker (tests/tests/initramfs/): opens a
//! vsock loopback listener with one connection, a bound AF_XDP socket, a
//! TIPC socket with a published service and a raw ICMP socket, prints one
//! line per socket with what the kernel says of it outside sock_diag
//! (getsockname, getpeername, fstat), then `ready`, and holds the sockets
//! until it is killed. The test compares those lines with sockdiag's rows.
//!
//! Line format, fields separated by one blank:
//! `vsock STATE LOCAL PEER`, `xdp IFNAME QUEUE INODE RX FILL COMPLETION
//! UMEM_SIZE CHUNK`, `tipc NODE PORT INODE`, `raw INODE`.

use std::io::{self, Write};
use std::mem::size_of;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};

/// The vsock listener's port.
const VSOCK_PORT: u32 = 1234;
/// The TIPC service the socket publishes: {type, instance}.
const TIPC_SERVICE: (u32, u32) = (18888, 17);
/// AF_XDP: ring sizes (powers of two) and the umem's frames.
const RX_ENTRIES: u32 = 512;
const FILL_ENTRIES: u32 = 1024;
const COMPLETION_ENTRIES: u32 = 256;
const CHUNK: u32 = 4096;
const FRAMES: u32 = 16;

fn main() {
    if let Err((step, e)) = run() {
        eprintln!("guest-sockets: {step}: {e}");
        std::process::exit(1);
    }
}

type Step<T> = Result<T, (&'static str, io::Error)>;

fn check(step: &'static str, ret: libc::c_int) -> Step<libc::c_int> {
    match ret {
        -1 => Err((step, io::Error::last_os_error())),
        n => Ok(n),
    }
}

fn socket(step: &'static str, family: i32, kind: i32, protocol: i32) -> Step<OwnedFd> {
    // SAFETY: socket(2) takes no pointers; a descriptor it returns is ours.
    let fd = check(step, unsafe { libc::socket(family, kind, protocol) })?;
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

fn setsockopt<T>(step: &'static str, fd: &OwnedFd, level: i32, name: i32, value: &T) -> Step<()> {
    // SAFETY: value points at a T of the length passed.
    let ret = unsafe {
        libc::setsockopt(
            fd.as_raw_fd(),
            level,
            name,
            (value as *const T).cast(),
            size_of::<T>() as libc::socklen_t,
        )
    };
    check(step, ret).map(drop)
}

fn bind<T>(step: &'static str, fd: &OwnedFd, addr: &T) -> Step<()> {
    // SAFETY: addr points at a sockaddr of the length passed.
    let ret = unsafe {
        libc::bind(
            fd.as_raw_fd(),
            (addr as *const T).cast(),
            size_of::<T>() as libc::socklen_t,
        )
    };
    check(step, ret).map(drop)
}

/// getsockname (`peer` false) or getpeername into a T.
fn name<T>(step: &'static str, fd: &OwnedFd, peer: bool) -> Step<T> {
    // SAFETY: the kernel writes at most `len` bytes into `addr`, and every
    // address struct here is plain integers, valid when zeroed.
    let mut addr: T = unsafe { std::mem::zeroed() };
    let mut len = size_of::<T>() as libc::socklen_t;
    let ptr = (&mut addr as *mut T).cast();
    let ret = unsafe {
        match peer {
            true => libc::getpeername(fd.as_raw_fd(), ptr, &mut len),
            false => libc::getsockname(fd.as_raw_fd(), ptr, &mut len),
        }
    };
    check(step, ret).map(|_| addr)
}

fn inode(step: &'static str, fd: &OwnedFd) -> Step<u64> {
    // SAFETY: fstat fills the zeroed stat struct.
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    check(step, unsafe { libc::fstat(fd.as_raw_fd(), &mut st) })?;
    Ok(st.st_ino)
}

fn run() -> Step<()> {
    let mut lines = String::new();
    let _vsock = vsock(&mut lines)?;
    let _xdp = xdp(&mut lines)?;
    let _tipc = tipc(&mut lines)?;
    let raw = socket(
        "raw socket",
        libc::AF_INET,
        libc::SOCK_RAW,
        libc::IPPROTO_ICMP,
    )?;
    lines += &format!("raw {}\n", inode("raw fstat", &raw)?);
    lines += "ready\n";
    let mut out = io::stdout();
    out.write_all(lines.as_bytes())
        .and_then(|()| out.flush())
        .map_err(|e| ("stdout", e))?;
    loop {
        // SAFETY: pause takes nothing; a signal ends the process.
        unsafe { libc::pause() };
    }
}

/// A CID or port as ss prints it, `*` for any (-1).
fn vsock_number(n: u32) -> String {
    match n {
        u32::MAX => "*".into(),
        n => n.to_string(),
    }
}

fn vsock_addr(cid: u32, port: u32) -> libc::sockaddr_vm {
    // SAFETY: sockaddr_vm is plain integers.
    let mut addr: libc::sockaddr_vm = unsafe { std::mem::zeroed() };
    addr.svm_family = libc::AF_VSOCK as libc::sa_family_t;
    addr.svm_cid = cid;
    addr.svm_port = port;
    addr
}

/// A stream listener on any CID, a connection to it over vsock_loopback
/// (CID 1) and the accepted end.
fn vsock(lines: &mut String) -> Step<[OwnedFd; 3]> {
    let listener = socket("vsock socket", libc::AF_VSOCK, libc::SOCK_STREAM, 0)?;
    bind(
        "vsock bind",
        &listener,
        &vsock_addr(libc::VMADDR_CID_ANY, VSOCK_PORT),
    )?;
    check("vsock listen", unsafe {
        libc::listen(listener.as_raw_fd(), 1)
    })?;
    let client = socket("vsock socket", libc::AF_VSOCK, libc::SOCK_STREAM, 0)?;
    let to = vsock_addr(libc::VMADDR_CID_LOCAL, VSOCK_PORT);
    // SAFETY: `to` is a sockaddr_vm of the length passed.
    check("vsock connect (vsock_loopback)", unsafe {
        libc::connect(
            client.as_raw_fd(),
            (&to as *const libc::sockaddr_vm).cast(),
            size_of::<libc::sockaddr_vm>() as libc::socklen_t,
        )
    })?;
    // SAFETY: no address wanted back.
    let accepted = check("vsock accept", unsafe {
        libc::accept(
            listener.as_raw_fd(),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
        )
    })?;
    let accepted = unsafe { OwnedFd::from_raw_fd(accepted) };
    let local: libc::sockaddr_vm = name("vsock getsockname", &listener, false)?;
    *lines += &format!(
        "vsock LISTEN {}:{} *:*\n",
        vsock_number(local.svm_cid),
        vsock_number(local.svm_port)
    );
    for fd in [&client, &accepted] {
        let local: libc::sockaddr_vm = name("vsock getsockname", fd, false)?;
        let peer: libc::sockaddr_vm = name("vsock getpeername", fd, true)?;
        *lines += &format!(
            "vsock ESTAB {}:{} {}:{}\n",
            vsock_number(local.svm_cid),
            vsock_number(local.svm_port),
            vsock_number(peer.svm_cid),
            vsock_number(peer.svm_port)
        );
    }
    Ok([listener, client, accepted])
}

/// `struct xdp_umem_reg` of Linux 6.8 and later (with tx_metadata_len).
#[repr(C)]
struct UmemReg {
    addr: u64,
    len: u64,
    chunk_size: u32,
    headroom: u32,
    flags: u32,
    tx_metadata_len: u32,
}

/// `struct sockaddr_xdp`.
#[repr(C)]
struct SockaddrXdp {
    family: u16,
    flags: u16,
    ifindex: u32,
    queue_id: u32,
    shared_umem_fd: u32,
}

const SOL_XDP: i32 = 283;
const XDP_RX_RING: i32 = 2;
const XDP_UMEM_REG: i32 = 4;
const XDP_UMEM_FILL_RING: i32 = 5;
const XDP_UMEM_COMPLETION_RING: i32 = 6;
/// Copy mode: lo has no zero-copy driver, and copy mode needs no XDP
/// program to bind.
const XDP_COPY: u16 = 1 << 1;

/// An AF_XDP socket with a umem and its rings, bound to lo's queue 0 (a
/// dump skips unbound sockets).
fn xdp(lines: &mut String) -> Step<(OwnedFd, Umem)> {
    let fd = socket("xdp socket", libc::AF_XDP, libc::SOCK_RAW, 0)?;
    let umem = Umem::new((CHUNK * FRAMES) as usize)?;
    let reg = UmemReg {
        addr: umem.0 as u64,
        len: u64::from(CHUNK * FRAMES),
        chunk_size: CHUNK,
        headroom: 0,
        flags: 0,
        tx_metadata_len: 0,
    };
    setsockopt("XDP_UMEM_REG", &fd, SOL_XDP, XDP_UMEM_REG, &reg)?;
    setsockopt(
        "XDP_UMEM_FILL_RING",
        &fd,
        SOL_XDP,
        XDP_UMEM_FILL_RING,
        &FILL_ENTRIES,
    )?;
    let completion = COMPLETION_ENTRIES;
    setsockopt(
        "XDP_UMEM_COMPLETION_RING",
        &fd,
        SOL_XDP,
        XDP_UMEM_COMPLETION_RING,
        &completion,
    )?;
    setsockopt("XDP_RX_RING", &fd, SOL_XDP, XDP_RX_RING, &RX_ENTRIES)?;
    let lo = unsafe { libc::if_nametoindex(c"lo".as_ptr()) };
    if lo == 0 {
        return Err(("if_nametoindex(lo)", io::Error::last_os_error()));
    }
    let addr = SockaddrXdp {
        family: libc::AF_XDP as u16,
        flags: XDP_COPY,
        ifindex: lo,
        queue_id: 0,
        shared_umem_fd: 0,
    };
    bind("xdp bind to lo queue 0", &fd, &addr)?;
    *lines += &format!(
        "xdp lo 0 {} {RX_ENTRIES} {FILL_ENTRIES} {COMPLETION_ENTRIES} {} {CHUNK}\n",
        inode("xdp fstat", &fd)?,
        CHUNK * FRAMES
    );
    Ok((fd, umem))
}

/// The umem's pages, unmapped on drop.
struct Umem(*mut libc::c_void, usize);

impl Umem {
    fn new(len: usize) -> Step<Umem> {
        // SAFETY: an anonymous private mapping, owned by the Umem.
        let ptr = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                len,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            )
        };
        match ptr {
            libc::MAP_FAILED => Err(("umem mmap", io::Error::last_os_error())),
            ptr => Ok(Umem(ptr, len)),
        }
    }
}

impl Drop for Umem {
    fn drop(&mut self) {
        // SAFETY: the mapping made in new.
        unsafe { libc::munmap(self.0, self.1) };
    }
}

/// `struct sockaddr_tipc` with a service address {type, instance, scope}.
#[repr(C)]
struct SockaddrTipc {
    family: u16,
    addrtype: u8,
    scope: i8,
    name_type: u32,
    name_instance: u32,
    domain: u32,
}

/// `struct sockaddr_tipc` with a socket address {ref, node}.
#[repr(C)]
struct SockaddrTipcId {
    family: u16,
    addrtype: u8,
    scope: i8,
    port: u32,
    node: u32,
    pad: u32,
}

const TIPC_SERVICE_ADDR: u8 = 2;
const TIPC_NODE_SCOPE: i8 = 3;

/// A reliable-datagram TIPC socket publishing a service on this node.
fn tipc(lines: &mut String) -> Step<OwnedFd> {
    let fd = socket("tipc socket", libc::AF_TIPC, libc::SOCK_RDM, 0)?;
    let service = SockaddrTipc {
        family: libc::AF_TIPC as u16,
        addrtype: TIPC_SERVICE_ADDR,
        scope: TIPC_NODE_SCOPE,
        name_type: TIPC_SERVICE.0,
        name_instance: TIPC_SERVICE.1,
        domain: 0,
    };
    bind("tipc bind", &fd, &service)?;
    let id: SockaddrTipcId = name("tipc getsockname", &fd, false)?;
    *lines += &format!(
        "tipc {} {} {}\n",
        id.node,
        id.port,
        inode("tipc fstat", &fd)?
    );
    Ok(fd)
}
