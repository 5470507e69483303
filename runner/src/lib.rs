//! sockdiag: ss's socket listing for systems that have no ss, and a
//! library that asks the kernel the same questions from Rust.
//!
//! The accept queue and backlog limit of a listener, in a few lines (no
//! root needed for the caller's own sockets):
//!
//! ```
//! use sockdiag::{Client, Query, StateSet, Table};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
//! let port = listener.local_addr()?.port();
//! let query = Query::new(Table::Tcp)
//!     .states(StateSet::LISTEN)
//!     .filter(&format!("sport = :{port}"))?;
//! let mut found = Vec::new();
//! Client::new()?.for_each(&query, |record| {
//!     if let Some(l) = record.inet() {
//!         // For a listener: the accept queue and the limit listen() gave.
//!         found.push((l.rqueue, l.wqueue));
//!     }
//! })?;
//! assert_eq!(found, [(0, 128)]);
//! # Ok(())
//! # }
//! ```
//!
//! A [`Client`] holds one sock_diag socket in one network namespace
//! ([`Client::in_namespace`], [`Client::every_namespace`]). A [`Query`]
//! names a [`Table`], the states, the extensions the kernel adds to each
//! record and a filter in ss's syntax, which is compiled to the kernel's
//! bytecode so that only matching sockets cross into user space. Records
//! come to a callback borrowed from the receive buffer, nothing allocated
//! per socket ([`Client::for_each`]; why a callback: see [`Client`]);
//! [`Record::to_owned_inet`] and [`Client::collect`] copy them out. Closing
//! sockets ([`Client::kill`]) and destroy events ([`Client::events`]) are
//! the same calls `sockdiag -K` and `sockdiag -E` make. Records are the
//! types of [`codec`], the no_std decoder under it all. Every failure is
//! one [`Error`].
//!
//! The binary is a command line over this crate: its listing walks each
//! table with the client's walk. Examples: `runner/examples/`.
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
//! - `client/`: the library API, a std client over one sock_diag socket
//!   returning records, built on `kernel/` and `tables/`; `walk.rs` is the
//!   walk of one table that the listing (`modes/list.rs`, `wait`) and the
//!   client share.

#![warn(missing_docs)]

mod cli;
mod client;
mod error;
mod host;
mod kernel;
mod modes;
mod output;
mod sort;
mod tables;

pub use cli::{parse, Exit, Options, USAGE};
pub use client::{Client, Event, Events, OwnedInet, Query, Record, StateSet};
pub use error::Error;
pub use modes::run;
/// The decoder the records come from: their types
/// ([`codec::wire::inet::InetRecord`], ...) and their details.
pub use sockdiag_codec as codec;
pub use tables::Table;
