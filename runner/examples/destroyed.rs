//! Prints TCP sockets as the kernel destroys them, until COUNT have gone
//! (needs CAP_NET_ADMIN): `cargo run --example destroyed -- 10`.

use std::net::SocketAddr;

use sockdiag::{Client, Event};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let count: usize = std::env::args()
        .nth(1)
        .ok_or("usage: destroyed COUNT")?
        .parse()?;
    let mut events = Client::new()?.events(true)?;
    println!("listening");
    let mut seen = 0;
    while seen < count {
        match events.next(|socket| {
            let id = &socket.id;
            let (local, remote) = (
                SocketAddr::new(id.src, id.sport),
                SocketAddr::new(id.dst, id.dport),
            );
            println!("{local} -> {remote}");
        })? {
            Event::Destroyed(n) => seen += n,
            Event::Lost(n) => eprintln!("lost {n:?} events"),
        }
    }
    Ok(())
}
