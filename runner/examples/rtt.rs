//! The round-trip time of every TCP connection to a remote port:
//! `cargo run --example rtt -- 443`.

use sockdiag::{Client, Query, StateSet, Table};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let port: u16 = std::env::args().nth(1).ok_or("usage: rtt PORT")?.parse()?;
    let query = Query::new(Table::Tcp)
        .states(StateSet::CONNECTED)
        .info()
        .filter(&format!("dport = :{port}"))?;
    // Owned copies, to sort them: the records themselves live only as long
    // as the datagram they came in.
    let mut connections = Client::new()?.collect(&query)?;
    connections.sort_by_key(|c| c.local());
    for c in &connections {
        let rtt = c
            .rtt()
            .map_or("-".into(), |d| format!("{}us", d.as_micros()));
        println!("{} -> {} rtt {rtt}", c.local(), c.remote());
    }
    Ok(())
}
