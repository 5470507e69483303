//! Interface names for the `%ifname` suffix ss prints after an address
//! bound to a device. Asked of the kernel through a socket of the network
//! namespace being listed (SIOCGIFNAME answers for the socket's namespace),
//! since /sys/class/net shows whoever mounted sysfs, not that namespace.
//! Without a socket (`--decode`), sysfs is read once. A name the kernel
//! does not know gets ss's fallback spelling `if<N>`. Each question goes
//! through the [`Host`] seam (a replay answers from its capture).

use std::borrow::Cow;
use std::fs;
use std::os::fd::OwnedFd;

use sockdiag_codec::capture::Kind;

use crate::host::context::Host;

#[derive(Default)]
pub struct IfNames {
    /// A socket of the namespace; `None`: read sysfs.
    socket: Option<OwnedFd>,
    /// Each index asked about, with its name if it has one.
    names: Vec<(u32, Option<String>)>,
    /// Every name in sysfs, read on the first question without a socket.
    sysfs: Option<Vec<(u32, String)>>,
    fallback: String,
    host: Host,
    /// The namespace's key in the host's questions.
    netns: u64,
}

impl IfNames {
    /// Names asked of the kernel through `socket`, each once.
    pub fn of_socket(socket: OwnedFd) -> IfNames {
        IfNames {
            socket: Some(socket),
            ..IfNames::default()
        }
    }

    /// Names asked through `host` for namespace `netns` (0: the one
    /// listed), live through `socket` (`None`: sysfs).
    pub fn through(host: Host, netns: u64, socket: Option<OwnedFd>) -> IfNames {
        IfNames {
            socket,
            host,
            netns,
            ..IfNames::default()
        }
    }

    /// The name of interface `index`, or `None` for index 0 (no device).
    pub fn name(&mut self, index: u32) -> Option<&str> {
        if index == 0 {
            return None;
        }
        let at = match self.names.iter().position(|(i, _)| *i == index) {
            Some(at) => at,
            None => self.look_up(index),
        };
        match &self.names[at].1 {
            Some(name) => Some(name.as_str()),
            None => {
                self.fallback.clear();
                use std::fmt::Write;
                let _ = write!(self.fallback, "if{index}");
                Some(self.fallback.as_str())
            }
        }
    }

    /// Asks for `index`; returns where its entry is.
    fn look_up(&mut self, index: u32) -> usize {
        let (socket, sysfs) = (&self.socket, &mut self.sysfs);
        let name = self
            .host
            .text(Kind::IfName, self.netns, index.into(), || match socket {
                Some(socket) => rustix::net::netdevice::index_to_name_inlined(socket, index)
                    .ok()
                    .map(|n| Cow::Owned(n.as_str().as_bytes().to_vec())),
                None => sysfs
                    .get_or_insert_with(|| read_sysfs().unwrap_or_default())
                    .iter()
                    .find(|(i, _)| *i == index)
                    .map(|(_, name)| Cow::Borrowed(name.as_bytes())),
            });
        self.names.push((index, name));
        self.names.len() - 1
    }
}

fn read_sysfs() -> std::io::Result<Vec<(u32, String)>> {
    let mut names = Vec::new();
    for entry in fs::read_dir("/sys/class/net")? {
        let entry = entry?;
        let Ok(name) = entry.file_name().into_string() else {
            continue;
        };
        let Ok(index) = fs::read_to_string(entry.path().join("ifindex")) else {
            continue;
        };
        if let Ok(index) = index.trim().parse() {
            names.push((index, name));
        }
    }
    Ok(names)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rustix::net::{AddressFamily, SocketFlags, SocketType};

    /// Loopback is index 1 in every namespace, by the socket and by sysfs;
    /// an index no interface has gets ss's `if<N>`.
    #[test]
    fn names_loopback() {
        let socket = rustix::net::socket_with(
            AddressFamily::NETLINK,
            SocketType::RAW,
            SocketFlags::CLOEXEC,
            None,
        )
        .unwrap();
        let mut by_socket = IfNames::of_socket(socket);
        assert_eq!(by_socket.name(1), Some("lo"));
        assert_eq!(by_socket.name(0), None);
        assert_eq!(by_socket.name(0x7fff_fff0), Some("if2147483632"));
        assert_eq!(by_socket.name(1), Some("lo"));
        assert_eq!(by_socket.names.len(), 2);
        let mut by_sysfs = IfNames::default();
        assert_eq!(by_sysfs.name(1), Some("lo"));
        assert_eq!(by_sysfs.name(0x7fff_fff0), Some("if2147483632"));
    }
}
