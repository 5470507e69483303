//! ss's filter language and the kernel's inet_diag bytecode.

pub mod bytecode;
pub mod expr;
pub mod states;
