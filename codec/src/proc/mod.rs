//! The kernel's /proc text tables, for what sock_diag does not answer: a
//! table whose diag module is missing, `-s`'s counters, and the accept
//! queues' overflow counters of `watch` and the metrics. Each parser
//! takes one line at a time, so the runner can stream a file.

pub mod inet;
pub mod netstat;
pub mod sockstat;
