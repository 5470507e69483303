//! One line on stderr for a table the kernel would not dump, naming what is
//! missing (module, config option) or what refused it.

use std::io;

use sockdiag_codec::wire::conversation::Outcome;

use super::Table;

const ENOENT: i32 = 2;
const EPERM: i32 = 1;
const EACCES: i32 = 13;

/// One line explaining why a table could not be dumped, `None` when it was.
pub fn explain(table: Table, outcome: &Outcome) -> Option<String> {
    let name = table.name();
    let (module, config) = table.module();
    let (errno, refused) = match *outcome {
        Outcome::Done => return None,
        Outcome::Refused(e) => (e, true),
        Outcome::Failed(e) => (e, false),
    };
    Some(match errno {
        // NLMSG_ERROR/ENOENT: sock_diag has no handler for the family, so
        // for IP tables inet_diag itself is missing.
        // The kernel's DCCP went in 6.16: no module will come.
        ENOENT if table == Table::Dccp => format!(
            "{name}: the kernel cannot dump {name} sockets: {module} is missing \
             ({config}; Linux 6.16 removed DCCP)"
        ),
        ENOENT if refused && table.is_inet() => format!(
            "{name}: the kernel cannot dump {name} sockets: inet_diag is missing \
             (CONFIG_INET_DIAG; modprobe inet_diag {module})"
        ),
        ENOENT => format!(
            "{name}: the kernel cannot dump {name} sockets: {module} is missing \
             ({config}; modprobe {module})"
        ),
        EPERM | EACCES => format!("{name}: permission denied by the kernel"),
        e => format!(
            "{name}: the kernel refused the dump: {}",
            io::Error::from_raw_os_error(e)
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explain_names_the_missing_piece() {
        assert_eq!(explain(Table::Tcp, &Outcome::Done), None);
        let udp = explain(Table::Udp, &Outcome::Failed(ENOENT)).unwrap();
        assert!(
            udp.starts_with("udp: ")
                && udp.contains("udp_diag")
                && udp.contains("CONFIG_INET_UDP_DIAG")
        );
        let inet = explain(Table::Tcp, &Outcome::Refused(ENOENT)).unwrap();
        assert!(inet.contains("inet_diag is missing") && inet.contains("CONFIG_INET_DIAG"));
        let unix = explain(Table::Unix, &Outcome::Refused(ENOENT)).unwrap();
        assert!(unix.contains("unix_diag is missing") && unix.contains("CONFIG_UNIX_DIAG"));
        // Netlink and packet have no inet_diag behind them: a refusal names
        // their own module.
        let nl = explain(Table::Netlink, &Outcome::Refused(ENOENT)).unwrap();
        assert!(nl.starts_with("netlink: ") && nl.contains("netlink_diag is missing"));
        let pk = explain(Table::Packet, &Outcome::Refused(ENOENT)).unwrap();
        assert!(pk.contains("packet_diag is missing") && pk.contains("CONFIG_PACKET_DIAG"));
        let sctp = explain(Table::Sctp, &Outcome::Failed(ENOENT)).unwrap();
        assert!(sctp.contains("sctp_diag") && sctp.contains("CONFIG_INET_SCTP_DIAG"));
        let mptcp = explain(Table::Mptcp, &Outcome::Failed(ENOENT)).unwrap();
        assert!(mptcp.contains("mptcp_diag"));
        let dccp = explain(Table::Dccp, &Outcome::Failed(ENOENT)).unwrap();
        assert_eq!(
            dccp,
            "dccp: the kernel cannot dump dccp sockets: dccp_diag is missing \
             (CONFIG_INET_DCCP_DIAG; Linux 6.16 removed DCCP)"
        );
        for (table, module) in [
            (
                Table::Vsock,
                "vsock_diag is missing (CONFIG_VSOCKETS_DIAG; modprobe vsock_diag)",
            ),
            (
                Table::Xdp,
                "xsk_diag is missing (CONFIG_XDP_SOCKETS_DIAG; modprobe xsk_diag)",
            ),
            (
                Table::Tipc,
                "tipc_diag is missing (CONFIG_TIPC_DIAG; modprobe tipc_diag)",
            ),
        ] {
            // sock_diag has no handler for the family: NLMSG_ERROR.
            let line = explain(table, &Outcome::Refused(ENOENT)).unwrap();
            assert!(line.ends_with(module), "{line}");
        }
        let perm = explain(Table::Raw, &Outcome::Refused(1)).unwrap();
        assert_eq!(perm, "raw: permission denied by the kernel");
        let other = explain(Table::Tcp, &Outcome::Refused(22)).unwrap();
        assert!(other.contains("Invalid argument"), "{other}");
        for msg in [udp, inet, unix, nl, pk, sctp, mptcp, dccp, perm, other] {
            assert!(!msg.contains('\n'), "one line: {msg}");
        }
    }
}
