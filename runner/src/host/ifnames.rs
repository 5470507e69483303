//! Interface names for the `%ifname` suffix ss prints after an address
//! bound to a device. Asked of the kernel through a socket of the network
//! namespace being listed (SIOCGIFNAME answers for the socket's namespace),
//! since /sys/class/net shows whoever mounted sysfs, not that namespace.
//! Without a socket (`--decode`), sysfs is read once. A name the kernel
//! does not know gets ss's fallback spelling `if<N>`.

use std::fs;
use std::os::fd::OwnedFd;

#[derive(Default)]
pub struct IfNames {
    /// A socket of the namespace; `None`: read sysfs.
    socket: Option<OwnedFd>,
    /// Each index asked about, with its name if it has one.
    names: Vec<(u32, Option<String>)>,
    sysfs_loaded: bool,
    fallback: String,
}

impl IfNames {
    /// Names asked of the kernel through `socket`, each once.
    pub fn of_socket(socket: OwnedFd) -> IfNames {
        IfNames {
            socket: Some(socket),
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

    /// Asks for `index` (with sysfs: reads every name once); returns where
    /// its entry is.
    fn look_up(&mut self, index: u32) -> usize {
        match &self.socket {
            Some(socket) => {
                let name = rustix::net::netdevice::index_to_name_inlined(socket, index)
                    .ok()
                    .map(|n| n.as_str().to_string());
                self.names.push((index, name));
            }
            None if !self.sysfs_loaded => {
                self.sysfs_loaded = true;
                let found = read_sysfs().unwrap_or_default();
                self.names
                    .extend(found.into_iter().map(|(i, name)| (i, Some(name))));
                if let Some(at) = self.names.iter().position(|(i, _)| *i == index) {
                    return at;
                }
                self.names.push((index, None));
            }
            None => self.names.push((index, None)),
        }
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
