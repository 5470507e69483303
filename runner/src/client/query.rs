//! What a [`Client`](super::Client) is asked: one table, the states, the
//! IP families, the extensions the kernel adds to each record, and a
//! filter expression in ss's syntax that the kernel runs as bytecode.

use sockdiag_codec::family;
use sockdiag_codec::filter::expr::Expr;
use sockdiag_codec::filter::parse::ParseOptions;
use sockdiag_codec::filter::states::StateSet;

use crate::error::Error;
use crate::modes::list::compile;
use crate::tables::{self, Table};

/// A question for one table, built step by step:
///
/// ```
/// use sockdiag::{Query, StateSet, Table};
///
/// let query = Query::new(Table::Tcp)
///     .states(StateSet::LISTEN)
///     .ipv4()
///     .memory()
///     .filter("sport = :8080")?;
/// # Ok::<(), sockdiag::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Query {
    table: Table,
    states: StateSet,
    families: &'static [u8],
    memory: bool,
    info: bool,
    tos: bool,
    filter: Option<(Expr, Vec<u8>)>,
}

impl Query {
    /// Every socket of `table`, in every state, of both IP families.
    pub fn new(table: Table) -> Query {
        Query {
            table,
            states: StateSet::ALL,
            families: &[family::INET, family::INET6],
            memory: false,
            info: false,
            tos: false,
            filter: None,
        }
    }

    /// Only sockets in `states` (the kernel selects them; for TCP,
    /// [`StateSet::LISTEN`] alone walks only the listener table).
    pub fn states(mut self, states: StateSet) -> Query {
        self.states = states;
        self
    }

    /// IPv4 sockets only.
    pub fn ipv4(mut self) -> Query {
        self.families = &[family::INET];
        self
    }

    /// IPv6 sockets only.
    pub fn ipv6(mut self) -> Query {
        self.families = &[family::INET6];
        self
    }

    /// Socket memory (`INET_DIAG_MEMINFO`, `INET_DIAG_SKMEMINFO`), as
    /// `ss -m` asks.
    pub fn memory(mut self) -> Query {
        self.memory = true;
        self
    }

    /// TCP's `tcp_info` (rtt, cwnd, ...) and congestion control, as
    /// `ss -i` asks; read it with [`InetRecord::details`](crate::codec::wire::inet::InetRecord::details).
    pub fn info(mut self) -> Query {
        self.info = true;
        self
    }

    /// The TOS and traffic class, as `ss --tos` asks.
    pub fn tos(mut self) -> Query {
        self.tos = true;
        self
    }

    /// Only sockets matching `expr`, ss's filter syntax with numbers
    /// (`dport = :443 and dst 10.0.0.0/8`); no service or host names.
    /// It is compiled to the kernel's bytecode here, so a mistake is an
    /// [`Error::Filter`] before anything is sent. Inet tables only.
    pub fn filter(mut self, expr: &str) -> Result<Query, Error> {
        if !self.table.is_inet() {
            return Err(Error::Filter(format!(
                "filter: the library filters inet tables, not {}",
                self.table.name()
            )));
        }
        let parsed = Expr::parse(expr, &ParseOptions::inet())
            .map_err(|e| Error::Filter(format!("filter: {e}")))?;
        let program = compile(&parsed)?;
        self.filter = Some((parsed, program));
        Ok(self)
    }

    /// The table asked.
    pub fn table(&self) -> Table {
        self.table
    }

    pub(crate) fn states_set(&self) -> StateSet {
        self.states
    }

    pub(crate) fn expr(&self) -> Option<&Expr> {
        self.filter.as_ref().map(|(e, _)| e)
    }

    /// The listing's form of the question, which the walk takes.
    pub(crate) fn tables_query(&self) -> tables::Query<'_> {
        tables::Query {
            states: self.states,
            families: self.families,
            bytecode: self.filter.as_ref().map_or(&[], |(_, p)| p.as_slice()),
            extended: false,
            json: false,
            memory: self.memory,
            info: self.info,
            tos: self.tos,
            bpf_storages: false,
        }
    }
}
