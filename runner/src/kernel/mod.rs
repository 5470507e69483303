//! Talking to the kernel: the sock_diag socket, the source of datagrams
//! (the kernel, or a capture being replayed, optionally recorded), and the
//! one dumper every table uses; the multicast socket of destroy events.

pub mod diag_file;
pub mod dump;
pub mod events;
pub mod listeners;
pub mod netns;
pub mod reader;
pub mod socket;
pub mod source;
