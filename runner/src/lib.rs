//! sockdiag: ss's socket listing for systems that have no ss.
//!
//! Thin by design: parse the command line, ask the kernel, and hand every
//! datagram to sockdiag-codec, which decodes and formats it. Records are
//! printed as they arrive; nothing is allocated per socket.
//!
//! # Where things live
//!
//! - `cli/`: the command line. `mod.rs` parses it into [`Options`],
//!   `selection.rs` applies ss's rules for which tables, families and
//!   states, `usage.rs` is `--help`. A new option starts here.
//! - `tables/`: one `Table` describing each socket table (name, kernel
//!   module and `CONFIG_` option, its requests, its kind of record, whether
//!   a missing module is silent), a file per table's request, the /proc
//!   fallback for raw sockets, and `explain.rs`, the one-line reason a
//!   table could not be dumped. A new table (vsock, xdp, tipc, a /proc
//!   fallback for the others) goes here.
//! - `kernel/`: `socket.rs`, the NETLINK_SOCK_DIAG socket; `source.rs`,
//!   where datagrams come from (the kernel, or a `--decode` capture) and
//!   the `--dump-raw` recorder; `dump.rs`, the one dumper that sends a
//!   request and drives the codec's conversation; `events.rs`, the
//!   multicast socket of destroy events (`-E`); `listeners.rs`, the
//!   LISTEN-only sampling of accept queues (`watch`, `metrics`, `serve`);
//!   `netns.rs`, the network namespaces a run covers (`-N`, `--all-netns`:
//!   `select` them, then `Netns::within` opens each one's sockets and
//!   files and comes back).
//! - `output/`: `out.rs`, the buffered writer; `printer.rs`, which filters
//!   each record in user space and formats it; `summary.rs`, `-s`;
//!   `exposition.rs`, the metric families of `metrics` and `serve`. A new
//!   output form goes here, and what it computes without a syscall goes to
//!   the codec's `format` module (as the Prometheus text format,
//!   `watch`'s rows and the timestamps did).
//! - `host/`: lookups outside sock_diag: processes (`-p`), interface names
//!   (asked through the listed namespace's socket), cgroup paths, service
//!   names, pods and containers (`pods.rs`). Host and DNS names (`-r`) go
//!   here.
//! - `modes/`: what a run does. `list.rs` is the ss listing; `events.rs`
//!   (`-E`), `watch.rs`, `wait.rs`, `metrics.rs` and `serve.rs` the modes
//!   over time, `stop.rs` how they wait for their sockets, a signal or a
//!   closed stdout; kill (`-K`) gets a file beside them.
//! - `error.rs`: the errors that cross modules, one type each.
//!
//! The library API for Rust programs (a std client over one sock_diag
//! socket, returning records) will be a `client/` room that this crate
//! exports, built on `kernel/` and `tables/`; the modes will then use it.
//! For now the crate exports only what `main.rs` calls.

mod cli;
mod client;
mod error;
mod host;
mod kernel;
mod modes;
mod output;
mod tables;

pub use cli::{parse, Exit, Options, USAGE};
pub use client::{Client, Event, Events, OwnedInet, Query, Record, StateSet};
pub use error::Error;
pub use modes::run;
/// The decoder the records come from: their types
/// ([`codec::wire::inet::InetRecord`], ...) and their details.
pub use sockdiag_codec as codec;
pub use tables::Table;
