//! Interface names for the `%ifname` suffix ss prints after an address
//! bound to a device. Read once from sysfs on first need; a system without
//! /sys (an early initramfs) gets ss's fallback spelling `if<N>`.

use std::fs;

#[derive(Default)]
pub struct IfNames {
    loaded: bool,
    names: Vec<(u32, String)>,
    fallback: String,
}

impl IfNames {
    /// The name of interface `index`, or `None` for index 0 (no device).
    pub fn name(&mut self, index: u32) -> Option<&str> {
        if index == 0 {
            return None;
        }
        if !self.loaded {
            self.loaded = true;
            self.names = read_sysfs().unwrap_or_default();
        }
        match self.names.iter().position(|(i, _)| *i == index) {
            Some(at) => Some(self.names[at].1.as_str()),
            None => {
                self.fallback.clear();
                use std::fmt::Write;
                let _ = write!(self.fallback, "if{index}");
                Some(self.fallback.as_str())
            }
        }
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
