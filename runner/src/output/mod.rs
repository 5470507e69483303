//! What reaches stdout: the buffered writer, the printer that filters and
//! formats each record, and `-s`'s summary. A new output form (a Prometheus
//! exposition, JSON Lines for events) gets a file here; what can be
//! computed without a syscall goes to the codec's `format` module.

pub mod exposition;
pub mod out;
pub mod printer;
pub mod summary;
pub mod table;
