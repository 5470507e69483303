//! The kernel's /proc text tables, for what sock_diag does not answer: a
//! table whose diag module is missing, and `-s`'s counters. Each parser
//! takes one line at a time, so the runner can stream a file.

pub mod columns;
pub mod inet;
pub mod netlink;
pub mod packet;
pub mod sockstat;
pub mod unix;

