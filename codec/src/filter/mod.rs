//! ss's filter language and the kernel's inet_diag bytecode. Imports point
//! one way: [`socket`] (the socket both evaluators see) <- [`expr`] (the
//! tree) <- [`parse`], [`eval`] <- [`bytecode`]; [`states`] stands apart.

pub mod bytecode;
pub mod eval;
pub mod expr;
pub mod glob;
pub mod parse;
pub mod socket;
pub mod states;
