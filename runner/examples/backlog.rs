//! The accept queue and backlog limit of the TCP listeners on a port:
//! `cargo run --example backlog -- 8080`.

use std::net::SocketAddr;

use sockdiag::{Client, Query, StateSet, Table};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let port: u16 = std::env::args()
        .nth(1)
        .ok_or("usage: backlog PORT")?
        .parse()?;
    // LISTEN alone: the kernel walks its listener table and nothing else,
    // and runs the filter there.
    let query = Query::new(Table::Tcp)
        .states(StateSet::LISTEN)
        .filter(&format!("sport = :{port}"))?;
    let mut client = Client::new()?;
    client.for_each(&query, |record| {
        if let Some(listener) = record.inet() {
            // For a listener the kernel's queues are the accept queue and
            // the limit given to listen().
            let local = SocketAddr::new(listener.id.src, listener.id.sport);
            println!(
                "{local} queue {} limit {}",
                listener.rqueue, listener.wqueue
            );
        }
    })?;
    Ok(())
}
