//! What a run does. Today one mode, the ss listing; the modes to come
//! (events `-E`, watch, wait, metrics, serve, kill `-K`) each get a file
//! here, built from the same rooms: cli for their options, tables for
//! what to ask, kernel for asking, output for printing.

pub mod kill;
pub mod list;
