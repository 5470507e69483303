//! The ss listing: the summary if asked, then every selected table dumped
//! in ss's order, each record printed as it is decoded; a table the kernel
//! cannot dump is one line on stderr while the others still print. With
//! `-N` the tables are another namespace's; with `--all-netns` every
//! namespace's in turn, each row led by its namespace.

use std::cell::RefCell;
use std::io;
use std::path::PathBuf;

use sockdiag_codec::filter::bytecode::{self, CompileError};
use sockdiag_codec::filter::expr::Expr;
use sockdiag_codec::format::netns::Cell;
use sockdiag_codec::netns::Netns as NetnsInfo;
use sockdiag_codec::proc::sockstat::Summary;
use sockdiag_codec::wire::conversation::Outcome;
use sockdiag_codec::wire::datagram::Body;
use sockdiag_codec::wire::inet::InetRecord;

use crate::cli::Options;
use crate::client::walk::{is_enoent, walk, Records};
use crate::error::Error;
use crate::host::ifnames::IfNames;
use crate::host::pods::{PodInfo, Pods};
use crate::host::services::{ephemeral_range, ephemeral_through, NetnsResolver};
use crate::kernel::diag_file;
use crate::kernel::netns::{self, Netns, NetnsError, Scope};
use crate::kernel::socket::{DiagSocket, NetError, RECV_BUF};
use crate::kernel::source::Source;
use crate::modes::kill::{Closed, Killer};
use crate::output::printer::{Namespace, Printer};
use crate::output::summary;
use crate::tables::explain::explain;
use crate::tables::proc::{self, ProcEnv, ProcListing, Why};
use crate::tables::{Query, RecordKind, Table};

const EPERM: i32 = 1;
const ENOENT: i32 = 2;

/// One namespace of the listing: the way in (none for a replayed one) and
/// what `--all-netns` calls it.
struct Listed<'a> {
    netns: Option<&'a Netns>,
    info: NetnsInfo<'a>,
    cell: String,
}

/// What is opened inside a namespace before its tables are dumped.
struct Inside {
    /// None when the kernel has no sock_diag: the tables come from /proc.
    socket: Option<DiagSocket>,
    ephemeral: (u16, u16),
    /// A snapshot's: the namespace's `/proc/net/dev`, which names every
    /// interface (sysfs shows its mounter's namespace).
    devices: Option<String>,
}

/// Opens what a namespace's listing needs; no sock_diag socket when every
/// table comes from /proc files ss's variables name (ss opens none then,
/// and /proc/net/netlink would list it).
fn open_inside(kernel: bool, snapshot: bool) -> Result<Inside, NetError> {
    let socket = match kernel.then(DiagSocket::open) {
        Some(Ok(socket)) => Some(socket),
        Some(Err(NetError::NoSockDiag)) | None => None,
        Some(Err(e)) => return Err(e),
    };
    Ok(Inside {
        socket,
        ephemeral: ephemeral_range(),
        devices: snapshot
            .then(|| std::fs::read_to_string("/proc/thread-self/net/dev").ok())
            .flatten(),
    })
}

/// The interface names of a `/proc/net/dev` text: each line after the
/// two of its header, up to the colon.
fn device_names(text: &str) -> impl Iterator<Item = &str> {
    text.lines()
        .skip(2)
        .filter_map(|l| Some(l.split_once(':')?.0.trim()))
}

/// Prints a line on stderr after what stdout holds so far.
fn say<W: io::Write>(printer: &mut Printer<'_, W>, line: &str) -> Result<(), Error> {
    printer.flush()?;
    eprintln!("sockdiag: {line}");
    Ok(())
}

/// Runs the listing `opts` asks for. `Ok(false)`: something was missing
/// (said on stderr), the rest printed.
pub fn run(opts: &Options) -> Result<bool, Error> {
    if let Some(path) = opts
        .decode
        .as_deref()
        .filter(|p| diag_file::is_diag_file(p))
    {
        // ss's raw dump: its TCP table, as TCPDIAG_FILE reads it.
        let mut printer = Printer::new(io::stdout().lock(), opts, false);
        printer.header()?;
        printer.begin_table(Table::Tcp);
        diag_file::list(path, &mut printer)?;
        printer.close()?;
        printer.flush()?;
        return Ok(true);
    }
    let all = opts.netns == Scope::All;
    let mut src = Source::open(
        opts.decode.as_deref(),
        opts.dump_raw.as_deref(),
        opts.snapshot,
    )?;
    let replaying = opts.decode.is_some();
    let mut selected = match replaying {
        true => netns::Selected::default(),
        false => netns::select(&opts.netns)?,
    };
    let mut all_ok = true;
    let mut problems: Vec<String> = selected.errors.iter().map(|e| e.to_string()).collect();
    // Without CAP_SYS_ADMIN no other namespace can be entered: one line
    // says so instead of one per namespace.
    if all && !replaying && !netns::may_enter_others() {
        let others = selected.namespaces.len() - 1;
        selected.namespaces.truncate(1);
        problems.push(format!(
            "--all-netns: listing only this process's network namespace; entering the \
             {others} other(s) found needs CAP_SYS_ADMIN (run as root)"
        ));
    }
    let pods: Vec<PodInfo> = {
        let mut pods = Pods::default();
        let wanted = all && !replaying;
        selected
            .namespaces
            .iter()
            .map(|ns| match ns.pid {
                Some(pid) if wanted => pods.of_process(pid),
                _ => PodInfo::default(),
            })
            .collect()
    };
    let replayed = match (all, replaying) {
        (true, true) => src.replayed_namespaces().map_err(Error::Capture)?.to_vec(),
        _ => Vec::new(),
    };
    let listed: Vec<Listed<'_>> = match replaying {
        true if all => replayed.iter().map(|&info| listed(None, info)).collect(),
        true => vec![listed(None, NetnsInfo::default())],
        false => selected
            .namespaces
            .iter()
            .zip(&pods)
            .map(|(ns, pod)| {
                let info = NetnsInfo {
                    inode: ns.inode,
                    name: ns.name.as_deref(),
                    pid: ns.pid,
                    pod: pod.view(),
                };
                listed(Some(ns), info)
            })
            .collect(),
    };

    let host = src.host();
    let mut printer = Printer::through(io::stdout().lock(), opts, all, host.clone());
    if opts.snapshot {
        // Printed only so that every host answer a query needs is saved.
        printer.discard();
    }
    for line in problems.drain(..) {
        say(&mut printer, &line)?;
        all_ok = false;
    }
    let mut unreachable = vec![false; listed.len()];
    if opts.summary {
        for (at, ns) in listed.iter().enumerate() {
            let key = netns_key(all, &ns.info);
            let read = match ns.netns {
                Some(n) => n.within(|| summary::read(&host, key, n.proc_net())),
                // A version 1 capture holds no counters: this machine's.
                None => Ok(summary::read(&host, key, "/proc/net")),
            };
            let summary = match read {
                Ok(s) => s?,
                Err(e) => {
                    unreachable[at] = true;
                    all_ok &= skip(&mut printer, e)?;
                    continue;
                }
            };
            if !opts.snapshot {
                print_summary(summary, all.then_some(ns.cell.as_str()));
            }
        }
    }
    if opts.summary_only {
        return Ok(all_ok);
    }

    let mut buf = vec![0u8; RECV_BUF];
    // The header comes with the first namespace that opens: a run whose
    // one namespace cannot be entered prints only why.
    let mut header = false;
    let program = compile(&opts.filter)?;
    let families = opts.families();
    let env = ProcEnv::from_env();
    let asks_kernel = opts.kill || opts.tables.iter().any(|&t| env.forced_by(t).is_none());
    // The ephemeral range is asked through the host, and so recorded,
    // only when the run uses it: to leave ports unnamed, or for
    // `autobound`.
    let uses_range =
        (!opts.details.numeric && !opts.json) || opts.filter.has_autobound() || opts.snapshot;
    let mut reported: Vec<String> = Vec::new();
    // Interface names of the filter that no namespace has so far.
    let mut unknown_everywhere: Option<Vec<String>> = None;
    // -K: a socket of the namespace listed, to close its sockets with.
    let mut killer: Option<Killer> = None;
    let mut left_open: Vec<(u32, usize)> = Vec::new();
    for (at, ns) in listed.iter().enumerate() {
        if unreachable[at] {
            continue;
        }
        let mut namespace = Namespace {
            label: all.then_some((&ns.info, ns.cell.as_str())),
            ifnames: IfNames::through(host.clone(), netns_key(all, &ns.info), None),
            ephemeral: (0, 0),
            filter: None,
        };
        if ns.netns.is_none() {
            // A replay's: the capture's (a version 1 capture: this
            // machine's); the filter's names too.
            let key = netns_key(all, &ns.info);
            if uses_range {
                namespace.ephemeral = ephemeral_through(&host, key, ephemeral_range);
            }
            if !opts.filter.is_empty() {
                let sys = opts.resolver(&host);
                let filter = match opts.netns {
                    Scope::Own => opts.filter_in(&sys),
                    _ => {
                        let resolver = NetnsResolver {
                            sys: &sys,
                            socket: None,
                            netns: key,
                            unknown: RefCell::new(Vec::new()),
                        };
                        let filter = opts.filter_in(&resolver);
                        unknown_in(&mut unknown_everywhere, resolver.unknown.into_inner());
                        filter
                    }
                };
                namespace.filter = Some(filter.map_err(Error::Filter)?);
            }
        }
        if let Some(handle) = ns.netns {
            let inside = match handle.within(|| open_inside(asks_kernel, opts.snapshot)) {
                Ok(inside) => inside?,
                Err(e) => {
                    all_ok &= skip(&mut printer, e)?;
                    continue;
                }
            };
            if let Some(Ok(fd)) = inside
                .socket
                .as_ref()
                .map(|s| s.as_fd().try_clone_to_owned())
            {
                let key = netns_key(all, &ns.info);
                namespace.ifnames = IfNames::through(host.clone(), key, Some(fd));
                // A snapshot names every interface, so that a later
                // `dev NAME` finds one no socket is bound to.
                if let (Some(text), Some(socket)) = (&inside.devices, &inside.socket) {
                    for name in device_names(text) {
                        if let Ok(index) =
                            rustix::net::netdevice::name_to_index(socket.as_fd(), name)
                        {
                            namespace.ifnames.name(index);
                        }
                    }
                }
            }
            let key = netns_key(all, &ns.info);
            namespace.ephemeral = match uses_range {
                true => ephemeral_through(&host, key, || inside.ephemeral),
                false => inside.ephemeral,
            };
            // Without sock_diag (every table from /proc) the filter's
            // interface names are looked up where sockdiag runs.
            let socket = inside.socket.as_ref().filter(|_| opts.netns != Scope::Own);
            if let (Some(socket), false) = (socket, opts.filter.is_empty()) {
                let sys = opts.resolver(&host);
                let resolver = NetnsResolver {
                    sys: &sys,
                    socket: Some(socket.as_fd()),
                    netns: key,
                    unknown: RefCell::new(Vec::new()),
                };
                let filter = opts.filter_in(&resolver).map_err(Error::Filter)?;
                let unknown = resolver.unknown.into_inner();
                // One namespace: an interface it lacks is an error, as ss
                // says for its own. Every namespace: an error when none has
                // it.
                if let (false, Some(name)) = (all, unknown.first()) {
                    let line = format!(
                        "netns {}: filter: no interface named '{name}' in this namespace",
                        handle.who
                    );
                    say(&mut printer, &line)?;
                    return Ok(false);
                }
                unknown_in(&mut unknown_everywhere, unknown);
                namespace.filter = Some(filter);
            } else if opts.netns == Scope::Own && !opts.filter.is_empty() {
                // Parsed again through the host, which records the files
                // its names come from.
                let sys = opts.resolver(&host);
                namespace.filter = Some(opts.filter_in(&sys).map_err(Error::Filter)?);
            }
            src.use_socket(inside.socket, handle.try_clone()?);
        }
        if opts.kill {
            let opened = match ns.netns {
                Some(handle) => match handle.within(Killer::open) {
                    Ok(opened) => opened?,
                    Err(e) => {
                        all_ok &= skip(&mut printer, e)?;
                        continue;
                    }
                },
                None => Killer::open()?,
            };
            if let Some(done) = killer.replace(opened) {
                add_left_open(&mut left_open, &done.left_open);
            }
        }
        if all {
            src.begin_namespace(&ns.info)?;
        }
        if !header {
            printer.header()?;
            header = true;
        }
        let namespace_program;
        let bytecode = match &namespace.filter {
            Some(filter) => {
                namespace_program = compile(filter)?;
                namespace_program.as_slice()
            }
            None => program.as_slice(),
        };
        printer.enter(namespace);
        let query = query(opts, bytecode, &families);
        for &table in &opts.tables {
            let listed = list_table(
                &mut src,
                &mut buf,
                &mut printer,
                table,
                &query,
                &env,
                killer.as_mut(),
            );
            // What was listed (and, with -K, closed) is printed even when
            // a table failed.
            let end = match listed {
                Ok(end) => end,
                Err(e) => {
                    printer.close()?;
                    printer.flush()?;
                    return Err(e);
                }
            };
            let named = opts.selection.explicit(table);
            let Some((msg, failed)) = end_message(end, table, named, opts, &query, all, &ns.cell)
            else {
                continue;
            };
            all_ok &= !failed;
            if !reported.contains(&msg) {
                say(&mut printer, &msg)?;
                reported.push(msg);
            }
        }
    }
    printer.close()?;
    printer.flush()?;
    if let Some(done) = killer {
        add_left_open(&mut left_open, &done.left_open);
    }
    for (protocol, n) in left_open {
        let name = sockdiag_codec::format::names::inet_netid(protocol);
        eprintln!(
            "sockdiag: -K: {n} {name} socket{} left open: the kernel cannot close {name} sockets",
            if n == 1 { "" } else { "s" }
        );
        all_ok = false;
    }
    src.finish()?;
    if let Some(name) = unknown_everywhere.and_then(|u| u.into_iter().next()) {
        eprintln!("sockdiag: filter: no network namespace has an interface named '{name}'");
        all_ok = false;
    }
    Ok(all_ok)
}

/// What to say about how `table` ended, and whether that fails the run;
/// `None` when it is not worth a word. Out of line: cold, and inlined it
/// grew every listing's table loop.
#[inline(never)]
fn end_message(
    end: TableEnd,
    table: Table,
    named: bool,
    opts: &Options,
    query: &Query<'_>,
    all: bool,
    cell: &str,
) -> Option<(String, bool)> {
    let mut failed = false;
    let msg = match end {
        TableEnd::Dumped(outcome) => {
            if table.missing_is_silent(named, &outcome) {
                return None;
            }
            // -K reads no /proc: a socket found there cannot be
            // closed.
            if opts.kill && !named && missing(table, &outcome).is_some() {
                return None;
            }
            let mut msg = explain(table, &outcome)?;
            let eperm = matches!(outcome, Outcome::Refused(EPERM) | Outcome::Failed(EPERM));
            if eperm && table.is_inet() && opts.bpf_maps.is_some() {
                msg.push_str(
                    ": the sockets' BPF storage (--bpf-maps, --bpf-map-id) \
                     is shown only to CAP_BPF or CAP_SYS_ADMIN",
                );
            }
            failed = true;
            // A missing module is missing in every namespace: said
            // once.
            match (all, is_enoent(&outcome)) {
                (true, false) => format!("netns {cell}: {msg}"),
                _ => msg,
            }
        }
        // The fallback answered: a note (once), and the run still
        // succeeds.
        // A table not asked for by name whose own module is
        // missing (raw_diag, absent from many kernels) loses its
        // details without a word, as in ss; without inet_diag
        // (no IP table at all) the note stays.
        TableEnd::FromProc {
            why: Why::Missing(module),
            ..
        } if !named && module != "inet_diag" => return None,
        TableEnd::FromProc { why, read } => proc::note(table, why, &read, query)?,
        TableEnd::NoSockDiag => {
            // As with a missing module, what was not asked for by
            // name is not worth a word.
            if table.missing_is_silent(named, &Outcome::Failed(ENOENT)) {
                return None;
            }
            failed = true;
            format!("{}: {}", table.name(), NetError::NoSockDiag)
        }
        TableEnd::Unreadable { why, path, error } => {
            failed = true;
            let missing = match why {
                Why::Missing(_) | Why::NoSockDiag => "the kernel cannot dump it, and ",
                Why::Variable(_) | Why::Recorded => "",
            };
            format!(
                "{}: {missing}{} cannot be read: {error}",
                table.name(),
                path.display()
            )
        }
    };
    Some((msg, failed))
}

/// Prints `-s`'s summary, after a `Netns: CELL` line when every namespace
/// is listed.
fn print_summary(summary: Summary, cell: Option<&str>) {
    let mut text = String::new();
    if let Some(cell) = cell {
        text = format!("Netns: {cell}\n");
    }
    // Writing into a String cannot fail.
    let _ = summary.write(&mut text);
    print!("{text}");
}

/// A namespace's key in host questions: its inode when every namespace
/// is listed, else 0 (a capture of one namespace decodes with `-N` or
/// without).
/// Keeps in `everywhere` the filter's interface names that no namespace
/// so far has, given the names one more namespace lacks.
fn unknown_in(everywhere: &mut Option<Vec<String>>, unknown: Vec<String>) {
    match everywhere {
        Some(before) => before.retain(|name| unknown.contains(name)),
        None => *everywhere = Some(unknown),
    }
}

fn netns_key(all: bool, info: &NetnsInfo<'_>) -> u64 {
    if all {
        info.inode
    } else {
        0
    }
}

fn listed<'a>(netns: Option<&'a Netns>, info: NetnsInfo<'a>) -> Listed<'a> {
    Listed {
        netns,
        info,
        cell: Cell(&info).to_string(),
    }
}

/// A namespace that could not be entered: one line; `Ok(false)` (the
/// listing goes on) unless the thread could not come back.
fn skip<W: io::Write>(printer: &mut Printer<'_, W>, e: NetnsError) -> Result<bool, Error> {
    if e.is_fatal() {
        return Err(Error::Netns(e));
    }
    say(printer, &e.to_string())?;
    Ok(false)
}

/// Counts of sockets -K could not close, by protocol, over namespaces.
fn add_left_open(total: &mut Vec<(u32, usize)>, more: &[(u32, usize)]) {
    for &(protocol, n) in more {
        match total.iter_mut().find(|(p, _)| *p == protocol) {
            Some((_, sum)) => *sum += n,
            None => total.push((protocol, n)),
        }
    }
}

/// What every table is asked for: the states, families and extensions of
/// the command line, and the filter's `bytecode`.
pub fn query<'a>(opts: &Options, bytecode: &'a [u8], families: &'a [u8]) -> Query<'a> {
    Query {
        states: opts.states,
        families,
        bytecode,
        extended: opts.extended,
        // A snapshot holds what JSON needs too (unix and packet lists).
        json: opts.json || opts.snapshot,
        memory: opts.details.memory,
        info: opts.details.info,
        tos: opts.details.tos,
        bpf_storages: opts.bpf_maps.is_some(),
    }
}

/// The kernel runs the filter; an expression it cannot run at all (a unix
/// pattern, which leaves the unix table alone listed) is left to the
/// user-space test. Any other failure would silently run the listing
/// unfiltered in the kernel: it is an error.
pub fn compile(filter: &Expr) -> Result<Vec<u8>, Error> {
    let mut program = vec![0u8; bytecode::MAX_PROGRAM_LEN];
    let len = match bytecode::compile(filter, &mut program) {
        Ok(len) => len,
        Err(CompileError::UserSpaceOnly) => 0,
        Err(e) => return Err(Error::FilterTooLarge(e)),
    };
    program.truncate(len);
    Ok(program)
}

/// The filter program the kernel runs for the command line's filter in
/// the caller's own namespace (empty: none), as [`compile`] makes it.
pub fn kernel_filter(opts: &Options) -> Result<Vec<u8>, Error> {
    compile(&opts.filter)
}

/// How one table's listing ended.
pub enum TableEnd {
    /// The kernel answered (or refused) the dump.
    Dumped(Outcome),
    /// /proc answered: these files were read.
    FromProc { why: Why, read: Vec<PathBuf> },
    /// The kernel has no sock_diag and the table has no /proc file.
    NoSockDiag,
    /// The table had to come from /proc, and this file could not be read.
    Unreadable {
        why: Why,
        path: PathBuf,
        error: io::Error,
    },
}

/// Why a table is not asked of the kernel at all: a variable of ss's
/// points at its /proc file, the kernel has no sock_diag, or the capture
/// being decoded read it from /proc.
fn proc_first(src: &mut Source, table: Table, env: &ProcEnv) -> Result<Option<Why>, Error> {
    let Some((first, _)) = proc::files(table) else {
        return Ok(None);
    };
    if src.is_replay() {
        return Ok(src.proc_is_next(first).then_some(Why::Recorded));
    }
    if let Some(var) = env.forced_by(table) {
        return Ok(Some(Why::Variable(var)));
    }
    Ok((!src.has_sock_diag()).then_some(Why::NoSockDiag))
}

/// What a failed dump says is missing, when /proc can stand in: the
/// module (or, when sock_diag has no handler for IP at all, inet_diag).
fn missing(table: Table, outcome: &Outcome) -> Option<&'static str> {
    const EPROTONOSUPPORT: i32 = 93;
    proc::files(table)?;
    match *outcome {
        Outcome::Refused(ENOENT | EPROTONOSUPPORT) if table.is_inet() => Some("inet_diag"),
        Outcome::Refused(ENOENT | EPROTONOSUPPORT) | Outcome::Failed(ENOENT | EPROTONOSUPPORT) => {
            Some(table.module().0)
        }
        _ => None,
    }
}

/// Lists one table through the printer: from an `ss -D` file or /proc
/// when it must, else both IP families in one walk when the table and the
/// kernel can, else request by request (an IP table: each family in
/// turn), stopping at the first request that fails; when a dump shows the
/// module missing, the families not yet listed come from /proc. With a
/// `killer` (`-K`), each selected inet socket is closed first, and printed
/// if it was; it asks per family, and never reads /proc.
pub fn list_table<W: io::Write>(
    src: &mut Source,
    buf: &mut [u8],
    printer: &mut Printer<'_, W>,
    table: Table,
    query: &Query<'_>,
    env: &ProcEnv,
    killer: Option<&mut Killer>,
) -> Result<TableEnd, Error> {
    printer.begin_table(table);
    // ss reads the TCP table from an `ss -D` file when TCPDIAG_FILE names
    // one.
    if table == Table::Tcp {
        if let Some(path) = std::env::var_os(diag_file::ENV) {
            diag_file::list(path.as_ref(), printer)?;
            return Ok(TableEnd::Dumped(Outcome::Done));
        }
    }
    // The states rule the table out: neither the kernel nor /proc is asked.
    if table.requests(query).next().is_none() {
        return Ok(TableEnd::Dumped(Outcome::Done));
    }
    if killer.is_none() {
        if let Some(why) = proc_first(src, table, env)? {
            return from_proc(src, printer, table, env, why, query.families);
        }
    }
    if !src.has_sock_diag() {
        return Ok(TableEnd::NoSockDiag);
    }
    let per_family = killer.is_some();
    let mut listing = Listing {
        printer,
        killer,
        env,
        end: None,
    };
    let outcome = walk(src, buf, table, query, per_family, &mut listing)?;
    Ok(listing.end.unwrap_or(TableEnd::Dumped(outcome)))
}

/// The listing's sink for [`walk`]: the printer; with `-K`, each selected
/// inet socket is closed, then printed if the kernel closed it; where a
/// dump shows the module missing, the families left come from /proc.
struct Listing<'k, 'p, W: io::Write> {
    printer: &'k mut Printer<'p, W>,
    killer: Option<&'k mut Killer>,
    env: &'k ProcEnv,
    end: Option<TableEnd>,
}

impl<W: io::Write> Records for Listing<'_, '_, W> {
    fn record(&mut self, kind: RecordKind, family: u8, body: &Body<'_>) -> Result<(), Error> {
        match (self.killer.as_deref_mut(), kind, body) {
            (Some(k), RecordKind::Inet { protocol }, Body::Inet(rec)) if rec.family == family => {
                if self.printer.selects_inet(rec) && k.close(rec, protocol)? == Closed::Yes {
                    self.printer.print_inet(Some(protocol), rec)?;
                }
                Ok(())
            }
            (_, kind, body) => self.printer.record(kind, family, body),
        }
    }

    fn proc_inet(&mut self, rec: &InetRecord<'_>) -> Result<(), Error> {
        self.printer.inet(None, rec)
    }

    fn fallback(
        &mut self,
        src: &mut Source,
        table: Table,
        outcome: &Outcome,
        families: &[u8],
    ) -> Result<Option<Outcome>, Error> {
        let Some(missing) = missing(table, outcome) else {
            return Ok(None);
        };
        self.end = Some(from_proc(
            src,
            self.printer,
            table,
            self.env,
            Why::Missing(missing),
            families,
        )?);
        Ok(Some(Outcome::Done))
    }
}

/// Lists `families` of the table from /proc.
fn from_proc<W: io::Write>(
    src: &mut Source,
    printer: &mut Printer<'_, W>,
    table: Table,
    env: &ProcEnv,
    why: Why,
    families: &[u8],
) -> Result<TableEnd, Error> {
    Ok(match proc::list(src, printer, table, families, env)? {
        ProcListing::Read(read) => TableEnd::FromProc { why, read },
        ProcListing::Unreadable(path, error) => TableEnd::Unreadable { why, path, error },
    })
}
