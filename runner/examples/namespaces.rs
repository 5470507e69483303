//! Every network namespace's TCP listeners, with their queues (needs
//! CAP_SYS_ADMIN to enter the others): `cargo run --example namespaces`.

use std::net::SocketAddr;

use sockdiag::{Client, Query, StateSet, Table};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let query = Query::new(Table::Tcp).states(StateSet::LISTEN);
    let (clients, unreachable) = Client::every_namespace()?;
    for e in unreachable {
        eprintln!("{e}");
    }
    for mut client in clients {
        let name = client.namespace().unwrap_or("-").to_owned();
        let listed = client.for_each(&query, |record| {
            if let Some(l) = record.inet() {
                let local = SocketAddr::new(l.id.src, l.id.sport);
                println!("{name} {local} queue {} limit {}", l.rqueue, l.wqueue);
            }
        });
        // A namespace can go away while it is listed: say so, go on.
        if let Err(e) = listed {
            eprintln!("{name}: {e}");
        }
    }
    Ok(())
}
