//! Reading a guest's serial console: the blocks its `block` helper printed,
//! each a command's stdout, stderr and exit code between markers.

use std::collections::BTreeMap;

/// What one `block` printed.
#[derive(Debug)]
pub struct Block {
    pub stdout: Vec<String>,
    pub stderr: Vec<String>,
    pub code: i32,
}

/// The blocks on `console` by name, kernel log lines left out.
pub fn blocks(console: &str) -> BTreeMap<String, Block> {
    let mut blocks = BTreeMap::new();
    let mut lines = console.lines().filter(|l| !is_kernel_log(l));
    while let Some(line) = lines.next() {
        let Some(name) = line.strip_prefix("@@begin ") else {
            continue;
        };
        let mut block = Block {
            stdout: Vec::new(),
            stderr: Vec::new(),
            code: -1,
        };
        let mut in_stderr = false;
        for line in lines.by_ref() {
            if line == format!("@@stderr {name}") {
                in_stderr = true;
            } else if let Some(code) = line.strip_prefix(&format!("@@end {name} ")) {
                block.code = code.parse().expect("exit code");
                break;
            } else if in_stderr {
                block.stderr.push(line.to_string());
            } else {
                block.stdout.push(line.to_string());
            }
        }
        blocks.insert(name.to_string(), block);
    }
    blocks
}

/// `[    4.107566] reboot: Power down`: printk lines that `quiet` lets
/// through and that may land between a block's lines.
fn is_kernel_log(line: &str) -> bool {
    line.strip_prefix('[')
        .and_then(|l| l.split_once(']'))
        .is_some_and(|(t, _)| t.trim().parse::<f64>().is_ok())
}
