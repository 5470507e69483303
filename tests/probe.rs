//! What the MPTCP differential test needs, probed when the tests are built
//! (`build.rs` sets `cfg(sockdiag_mptcp)`, which un-ignores it).

/// Why this kernel cannot make an MPTCP socket, if it cannot.
pub fn mptcp_missing() -> Option<String> {
    use socket2::{Domain, Protocol, Socket, Type};
    match Socket::new(Domain::IPV4, Type::STREAM, Some(Protocol::MPTCP)) {
        Ok(_) => None,
        Err(e) => Some(format!(
            "an MPTCP socket ({e}): a kernel with CONFIG_MPTCP and sysctl net.mptcp.enabled=1"
        )),
    }
}
