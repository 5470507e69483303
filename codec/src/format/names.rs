//! ss's spellings: state, timer, Netid and protocol names, and how a unix
//! name or any other byte string from the kernel becomes text. Shared by
//! the text and the JSON output.

use core::fmt::{self, Write};

use crate::wire::inet::{self, TcpState, Timer};
use crate::wire::packet::FanoutType;
use crate::wire::sock_diag::SockType;
use crate::wire::unix::UnixName;

/// ss's spelling of a state in the State column.
pub const fn state_name(state: TcpState) -> &'static str {
    match state {
        TcpState::Established => "ESTAB",
        TcpState::SynSent => "SYN-SENT",
        TcpState::SynRecv => "SYN-RECV",
        TcpState::FinWait1 => "FIN-WAIT-1",
        TcpState::FinWait2 => "FIN-WAIT-2",
        TcpState::TimeWait => "TIME-WAIT",
        TcpState::Close => "UNCONN",
        TcpState::CloseWait => "CLOSE-WAIT",
        TcpState::LastAck => "LAST-ACK",
        TcpState::Listen => "LISTEN",
        TcpState::Closing => "CLOSING",
        TcpState::NewSynRecv => "NEW-SYN-RECV",
        TcpState::BoundInactive => "BOUND-INACTIVE",
        TcpState::Unknown(_) => "UNKNOWN",
    }
}

/// ss's name for a timer (`-o`).
pub const fn timer_name(timer: Timer) -> &'static str {
    match timer {
        Timer::Off => "off",
        Timer::Retransmit => "on",
        Timer::Keepalive => "keepalive",
        Timer::TimeWait => "timewait",
        Timer::Probe => "persist",
        Timer::Delack => "delack",
        Timer::Unknown(_) => "unknown",
    }
}

/// The Netid ss prints for an inet table, by the protocol asked for.
pub const fn inet_netid(protocol: u32) -> &'static str {
    match protocol {
        inet::proto::TCP => "tcp",
        inet::proto::UDP => "udp",
        inet::proto::RAW => "raw",
        inet::proto::UDPLITE => "udplite",
        inet::proto::DCCP => "dccp",
        inet::proto::SCTP => "sctp",
        inet::proto::MPTCP => "mptcp",
        _ => "???",
    }
}

/// The Netid ss prints for a unix socket.
pub const fn unix_netid(sock_type: SockType) -> &'static str {
    match sock_type {
        SockType::Stream => "u_str",
        SockType::Dgram => "u_dgr",
        SockType::SeqPacket => "u_seq",
        SockType::Raw | SockType::Unknown(_) => "u_???",
    }
}

/// The Netid ss prints for a packet socket.
pub const fn packet_netid(sock_type: SockType) -> &'static str {
    // ss calls everything but SOCK_RAW a datagram socket.
    if let SockType::Raw = sock_type {
        "p_raw"
    } else {
        "p_dgr"
    }
}

/// The Netid ss prints for a vsock socket.
pub const fn vsock_netid(sock_type: SockType) -> &'static str {
    match sock_type {
        SockType::Stream => "v_str",
        SockType::Dgram => "v_dgr",
        _ => "???",
    }
}

/// `SOCK_RDM`, reliably delivered messages: a TIPC socket type that
/// [`SockType`] keeps as `Unknown(4)`.
const SOCK_RDM: SockType = SockType::Unknown(4);

/// The Netid ss prints for a TIPC socket.
pub const fn tipc_netid(sock_type: SockType) -> &'static str {
    match sock_type {
        SockType::Stream => "ti_st",
        SockType::Dgram => "ti_dg",
        SOCK_RDM => "ti_rd",
        SockType::SeqPacket => "ti_sq",
        _ => "???",
    }
}

/// ss's name of a socket type in `--tipcinfo`'s `type:`.
pub const fn sock_type_name(sock_type: SockType) -> &'static str {
    match sock_type {
        SockType::Stream => "STREAM",
        SockType::Dgram => "DGRAM",
        SOCK_RDM => "RDM",
        SockType::SeqPacket => "SEQPACKET",
        _ => "UNKNOWN",
    }
}

/// Writes a run of bytes that should be text: valid UTF-8 as is, anything
/// else as `?`, so a hostile name cannot break the output encoding.
pub fn write_lossy<W: Write>(w: &mut W, bytes: &[u8]) -> fmt::Result {
    for chunk in bytes.utf8_chunks() {
        w.write_str(chunk.valid())?;
        if !chunk.invalid().is_empty() {
            w.write_char('?')?;
        }
    }
    Ok(())
}

/// Writes a unix name as ss does: the path, `@` and the abstract name
/// (embedded NULs shown as `@`), or `*`.
pub fn write_unix_name<W: Write>(w: &mut W, name: &UnixName<'_>) -> fmt::Result {
    match *name {
        UnixName::Unnamed => w.write_char('*'),
        UnixName::Path(p) => write_lossy(w, p),
        UnixName::Abstract(a) => {
            w.write_char('@')?;
            for part in a.split(|&b| b == 0).enumerate() {
                if part.0 > 0 {
                    w.write_char('@')?;
                }
                write_lossy(w, part.1)?;
            }
            Ok(())
        }
    }
}

/// The kind of a unix name, as JSON's `name_kind` spells it.
pub const fn unix_name_kind(name: &UnixName<'_>) -> &'static str {
    match name {
        UnixName::Unnamed => "unnamed",
        UnixName::Path(_) => "path",
        UnixName::Abstract(_) => "abstract",
    }
}

/// ss's name for a netlink protocol (iproute2's `nl_protos` table).
pub const fn netlink_proto_name(protocol: u8) -> Option<&'static str> {
    Some(match protocol {
        0 => "rtnl",
        1 => "unused",
        2 => "usersock",
        3 => "fw",
        4 => "tcpdiag",
        5 => "nflog",
        6 => "xfrm",
        7 => "selinux",
        8 => "iscsi",
        9 => "audit",
        10 => "fiblookup",
        11 => "connector",
        12 => "nft",
        13 => "ip6fw",
        14 => "dec-rt",
        15 => "uevent",
        16 => "genl",
        18 => "scsi-trans",
        19 => "ecryptfs",
        20 => "rdma",
        21 => "crypto",
        _ => return None,
    })
}

/// ss's name for an ethertype (iproute2's `ll_proto` table; the first
/// name wins where the table has two).
pub const fn ll_proto_name(protocol: u16) -> Option<&'static str> {
    Some(match protocol {
        0x0001 => "802_3",
        0x0002 => "ax25",
        0x0003 => "all",
        0x0004 => "802_2",
        0x0005 => "snap",
        0x0006 => "ddcmp",
        0x0007 => "wan_ppp",
        0x0008 => "ppp_mp",
        0x0009 => "localtalk",
        0x000c => "can",
        0x0010 => "ppptalk",
        0x0011 => "tr_802_2",
        0x0015 => "mobitex",
        0x0016 => "control",
        0x0017 => "irda",
        0x0018 => "econet",
        0x0060 => "loop",
        0x0200 => "pup",
        0x0201 => "pupat",
        0x0800 => "ip",
        0x0805 => "x25",
        0x0806 => "arp",
        0x08ff => "bpq",
        0x0a00 => "ieeepup",
        0x0a01 => "ieeepupat",
        0x6000 => "dec",
        0x6001 => "dna_dl",
        0x6002 => "dna_rc",
        0x6003 => "dna_rt",
        0x6004 => "lat",
        0x6005 => "diag",
        0x6006 => "cust",
        0x6007 => "sca",
        0x6558 => "teb",
        0x8035 => "rarp",
        0x809b => "atalk",
        0x80f3 => "aarp",
        0x8100 => "802.1Q",
        0x8137 => "ipx",
        0x86dd => "ipv6",
        0x8847 => "mpls_uc",
        0x8848 => "mpls_mc",
        0x884c => "atmmpoa",
        0x8863 => "ppp_disc",
        0x8864 => "ppp_ses",
        0x8884 => "atmfate",
        0x8892 => "profinet",
        0x88a2 => "aoe",
        0x88a4 => "ethercat",
        0x88a8 => "802.1ad",
        0x88ca => "tipc",
        0x88cc => "LLDP",
        _ => return None,
    })
}

/// ss's name of a fanout mode.
pub fn write_fanout_name<W: Write>(w: &mut W, mode: FanoutType) -> fmt::Result {
    match mode {
        FanoutType::Hash => w.write_str("hash"),
        FanoutType::Lb => w.write_str("lb"),
        FanoutType::Cpu => w.write_str("cpu"),
        FanoutType::Rollover => w.write_str("roll"),
        FanoutType::Random => w.write_str("random"),
        FanoutType::QueueMapping => w.write_str("qm"),
        FanoutType::Cbpf => write!(w, "0x{:x}", 6),
        FanoutType::Ebpf => write!(w, "0x{:x}", 7),
        FanoutType::Unknown(t) => write!(w, "0x{t:x}"),
    }
}
