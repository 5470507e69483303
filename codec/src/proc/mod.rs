//! The kernel's /proc text tables.

pub mod inet;
pub mod sockstat;
