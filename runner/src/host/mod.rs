//! Lookups outside sock_diag, on the host the listing runs on: processes
//! holding sockets (`-p`), interface names, cgroup paths, service, protocol
//! and host names and the ephemeral port range, and the container and pod
//! a network namespace belongs to. Each is read once, on first need.

pub mod cgroups;
pub mod context;
pub mod hosts;
pub mod ifnames;
pub mod pods;
pub mod procs;
pub mod services;
