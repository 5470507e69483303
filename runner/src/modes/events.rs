//! `-E`: every TCP and UDP socket as the kernel destroys it, from the
//! sock_diag destroy groups, through the same filter and printer as the
//! listing; each event is written out at once. With `-j`, JSON Lines with
//! a timestamp: a flow log of closed connections.

use std::io;
use std::os::fd::AsFd;

use sockdiag_codec::format::netns::Cell;
use sockdiag_codec::wire::datagram::{Body, Messages};
use sockdiag_codec::wire::sock_diag::SOCK_DIAG_BY_FAMILY;
use sockdiag_codec::Error as CodecError;

use crate::cli::Options;
use crate::error::Error;
use crate::kernel::events::{group, EventSocket, Received};
use crate::kernel::netns::Scope;
use crate::kernel::socket::RECV_BUF;
use crate::modes::namespaces::{self, is_fatal};
use crate::modes::stop::{Stop, Wake};
use crate::output::printer::{Namespace, Printer};
use crate::tables::Table;

/// The destroy groups the selected tables and families need.
fn groups(opts: &Options) -> Vec<u32> {
    let mut groups = Vec::new();
    for &family in &opts.families() {
        for table in &opts.tables {
            groups.push(group::of(family, *table == Table::Tcp));
        }
    }
    groups
}

/// Runs until SIGINT, SIGTERM or a closed stdout; an error reading the
/// events ends the run. With `--all-netns`, one socket per namespace found
/// at the start (the kernel sends each namespace's events to its own
/// listeners), each event led by its namespace.
pub fn run(opts: &Options) -> Result<bool, Error> {
    let stop = Stop::install().map_err(Error::Output)?;
    let all = opts.netns == Scope::All;
    let (found, problems) = namespaces::select(opts)?;
    let mut all_ok = problems.is_empty();
    for p in problems {
        eprintln!("sockdiag: {p}");
    }
    let groups = groups(opts);
    let mut socks = Vec::with_capacity(found.len());
    let mut reached = Vec::with_capacity(found.len());
    for covered in &found {
        let opened = covered
            .netns
            .try_clone()
            .map_err(Error::Netns)
            .and_then(|netns| EventSocket::open_in(netns, &groups))
            .and_then(|sock| Ok((sock, covered.open(opts)?)));
        match opened {
            Ok((sock, opened)) => {
                socks.push(sock);
                reached.push((covered, opened));
            }
            Err(e) if is_fatal(&e) || !all => return Err(e),
            Err(e) => {
                eprintln!("sockdiag: {}", covered.say(all, &e));
                all_ok = false;
            }
        }
    }
    let infos: Vec<_> = reached.iter().map(|(c, _)| c.info()).collect();
    let cells: Vec<String> = infos.iter().map(|i| Cell(i).to_string()).collect();
    let mut slots: Vec<Option<Namespace<'_>>> = reached
        .into_iter()
        .zip(infos.iter().zip(&cells))
        .map(|((_, o), (info, cell))| {
            Some(Namespace {
                label: all.then_some((info, cell.as_str())),
                ifnames: o.ifnames,
                ephemeral: o.ephemeral,
                filter: o.filter,
            })
        })
        .collect();
    let mut buf = vec![0u8; RECV_BUF];
    let mut printer = Printer::new(io::stdout().lock(), opts, all);
    printer.header()?;
    printer.stream()?;
    printer.flush()?;
    let mut current = None;
    // Where the next wait starts looking, so one busy namespace cannot
    // starve the others.
    let mut next = 0usize;
    loop {
        let n = socks.len().max(1);
        let fds: Vec<_> = (0..socks.len())
            .map(|i| socks[(next + i) % n].as_fd())
            .collect();
        let at = match stop.wait(&fds, None).map_err(Error::Output)? {
            Wake::Ready(i) => {
                let at = (next + i) % n;
                next = at + 1;
                at
            }
            Wake::Timeout => continue,
            Wake::Signal | Wake::OutputClosed => break,
        };
        let Some(sock) = socks.get_mut(at) else {
            continue;
        };
        if current != Some(at) {
            if let Some(before) = current {
                slots[before] = Some(printer.leave());
            }
            if let Some(ns) = slots[at].take() {
                printer.enter(ns);
            }
            current = Some(at);
        }
        let datagram = match sock.recv(&mut buf)? {
            Received::Datagram(d) => d,
            Received::Overrun => {
                printer.flush()?;
                let netns = match all {
                    true => format!(" (netns {})", cells[at]),
                    false => String::new(),
                };
                match sock.lost() {
                    Some(n) => eprintln!(
                        "sockdiag: -E: the kernel dropped {n} events{netns} (receive buffer \
                         full); listening on"
                    ),
                    None => eprintln!(
                        "sockdiag: -E: the kernel dropped events{netns} (receive buffer full; \
                         how many is unknown without netlink_diag); listening on"
                    ),
                }
                continue;
            }
        };
        if opts.json {
            printer.set_json_lead(format_args!("\"timestamp\":\"{}\",", super::now()));
        }
        for message in Messages::new(datagram) {
            let message = message.map_err(Error::Malformed)?;
            if message.header.msg_type != SOCK_DIAG_BY_FAMILY {
                continue;
            }
            let Body::Inet(rec) = message.body else {
                return Err(Error::Malformed(CodecError::BadFamily));
            };
            // The kernel names the protocol of every destroyed socket; the
            // printer needs it to read INFO.
            let protocol = rec
                .protocol
                .ok_or(Error::Malformed(CodecError::BadAttribute))?;
            printer.inet(Some(u32::from(protocol)), &rec)?;
        }
        printer.flush()?;
    }
    printer.close()?;
    printer.flush()?;
    Ok(all_ok)
}
