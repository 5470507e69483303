//! Which socket tables a command line selects, by ss's own rules: table
//! options (`-t`, `-M`, `-A LIST`, ...) name "databases", family options
//! (`-4`, `-x`, `-0`, `-f FAMILY`) name address families, each brings its
//! default states, and at the end each side fills in what the other
//! implies (`-4` alone means every IPv4 table; `-t` alone both families).

use sockdiag_codec::family;
use sockdiag_codec::filter::states::StateSet;
use sockdiag_codec::wire::inet::TcpState;

use crate::tables::Table;

/// One of ss's socket databases; unix and packet tables split by type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Db {
    Tcp,
    Mptcp,
    Udp,
    Raw,
    UnixDgram,
    UnixStream,
    UnixSeq,
    PacketDgram,
    PacketRaw,
    Netlink,
    Sctp,
}

const ALL_DBS: [Db; 11] = [
    Db::Tcp,
    Db::Mptcp,
    Db::Udp,
    Db::Raw,
    Db::UnixDgram,
    Db::UnixStream,
    Db::UnixSeq,
    Db::PacketDgram,
    Db::PacketRaw,
    Db::Netlink,
    Db::Sctp,
];

/// Netlink and packet sockets are always UNCONN to ss; so are unbound
/// unix datagram sockets.
const CLOSE: u32 = TcpState::Close.mask();
const ESTAB: u32 = TcpState::Established.mask();

impl Db {
    pub const fn bit(self) -> u16 {
        1 << self as u16
    }

    /// The states ss shows for this table when nothing else says.
    fn default_states(self) -> u32 {
        match self {
            Db::Tcp | Db::Mptcp | Db::Sctp | Db::UnixStream | Db::UnixSeq => StateSet::CONNECTED.0,
            Db::Udp | Db::Raw => ESTAB,
            Db::UnixDgram | Db::PacketDgram | Db::PacketRaw | Db::Netlink => CLOSE,
        }
    }

    /// The address families the table lives in.
    fn families(self) -> u64 {
        match self {
            Db::Tcp | Db::Mptcp | Db::Udp | Db::Raw | Db::Sctp => {
                fam(family::INET) | fam(family::INET6)
            }
            Db::UnixDgram | Db::UnixStream | Db::UnixSeq => fam(family::UNIX),
            Db::PacketDgram | Db::PacketRaw => fam(family::PACKET),
            Db::Netlink => fam(family::NETLINK),
        }
    }

    /// The table that dumps this database.
    pub fn table(self) -> Table {
        match self {
            Db::Tcp => Table::Tcp,
            Db::Mptcp => Table::Mptcp,
            Db::Udp => Table::Udp,
            Db::Raw => Table::Raw,
            Db::UnixDgram | Db::UnixStream | Db::UnixSeq => Table::Unix,
            Db::PacketDgram | Db::PacketRaw => Table::Packet,
            Db::Netlink => Table::Netlink,
            Db::Sctp => Table::Sctp,
        }
    }
}

const fn fam(af: u8) -> u64 {
    1 << af
}

fn mask(dbs: &[Db]) -> u16 {
    dbs.iter().fold(0, |m, d| m | d.bit())
}

const INET_DBS: [Db; 5] = [Db::Udp, Db::Tcp, Db::Mptcp, Db::Sctp, Db::Raw];

/// The `-A` names ss accepts that sockdiag dumps, and their databases.
const QUERY_NAMES: [(&str, &[Db]); 21] = [
    // Not an ss name: the inet tables, IPv6 only (like `-6`).
    ("inet6", &INET_DBS),
    ("all", &ALL_DBS),
    ("inet", &INET_DBS),
    ("tcp", &[Db::Tcp]),
    ("mptcp", &[Db::Mptcp]),
    ("udp", &[Db::Udp]),
    ("raw", &[Db::Raw]),
    ("sctp", &[Db::Sctp]),
    ("unix", &[Db::UnixStream, Db::UnixDgram, Db::UnixSeq]),
    ("unix_stream", &[Db::UnixStream]),
    ("u_str", &[Db::UnixStream]),
    ("unix_dgram", &[Db::UnixDgram]),
    ("u_dgr", &[Db::UnixDgram]),
    ("unix_seqpacket", &[Db::UnixSeq]),
    ("u_seq", &[Db::UnixSeq]),
    ("packet", &[Db::PacketRaw, Db::PacketDgram]),
    ("packet_raw", &[Db::PacketRaw]),
    ("p_raw", &[Db::PacketRaw]),
    ("packet_dgram", &[Db::PacketDgram]),
    ("p_dgr", &[Db::PacketDgram]),
    ("netlink", &[Db::Netlink]),
];

/// The command line's table selection while it is being parsed.
#[derive(Debug, Clone, Default)]
pub struct SelectionBuilder {
    dbs: u16,
    families: u64,
    /// The states the named tables and families bring.
    default_states: u32,
    /// What `-a`, `-l` and `-A` set, and later `state`/`exclude`.
    pub state_filter: u32,
    /// No table or family option at all: every table, connected states.
    touched: bool,
    saw_query: bool,
    /// The last family option, which ss lets pick the IP family dumped.
    preferred: u8,
    /// Tables asked for one by one (not through `all`, `inet` or a family).
    explicit: u16,
}

impl SelectionBuilder {
    fn db_set(&mut self, db: Db, enable: bool) {
        if enable {
            self.default_states |= db.default_states();
            self.dbs |= db.bit();
        } else {
            self.dbs &= !db.bit();
        }
        self.touched = true;
    }

    /// A one-table option: `-t`, `-u`, `-w`, `-M`, `-S`.
    pub fn table(&mut self, db: Db) {
        self.db_set(db, true);
        self.explicit |= db.bit();
    }

    /// A family option: `-4`, `-6`, `-x`, `-0`, `-f FAMILY`.
    pub fn family(&mut self, af: u8) {
        self.default_states |= match af {
            family::PACKET | family::NETLINK => CLOSE,
            _ => StateSet::CONNECTED.0,
        };
        self.families |= fam(af);
        self.touched = true;
        self.preferred = af;
        // Naming unix, packet or netlink asks for those tables.
        self.explicit |= match af {
            family::UNIX => mask(&[Db::UnixStream, Db::UnixDgram, Db::UnixSeq]),
            family::PACKET => mask(&[Db::PacketRaw, Db::PacketDgram]),
            family::NETLINK => Db::Netlink.bit(),
            _ => 0,
        };
    }

    /// `-f NAME`.
    pub fn family_name(&mut self, name: &str) -> Result<(), String> {
        let af = match name {
            "inet" => family::INET,
            "inet6" => family::INET6,
            "link" => family::PACKET,
            "unix" => family::UNIX,
            "netlink" => family::NETLINK,
            _ => {
                return Err(format!(
                    "-f: '{name}' is not a family sockdiag lists \
                     (inet, inet6, link, unix, netlink)"
                ))
            }
        };
        self.family(af);
        Ok(())
    }

    /// `-A LIST`: comma-separated table names, `!name` removing one.
    pub fn query(&mut self, list: &str) -> Result<(), String> {
        if !self.saw_query {
            // The first -A starts from no table and, unless -a or -l came
            // first, from connected states only, as in ss.
            self.dbs = 0;
            if self.state_filter == 0 {
                self.state_filter = StateSet::CONNECTED.0;
            }
            self.saw_query = true;
            self.touched = true;
        }
        for word in list.split(',') {
            let (enable, name) = match word.strip_prefix('!') {
                Some(rest) => (false, rest),
                None => (true, word),
            };
            let dbs = QUERY_NAMES
                .iter()
                .find(|(n, _)| *n == name)
                .map(|&(_, d)| d)
                .ok_or_else(|| {
                    format!(
                        "-A: '{word}' is not a socket table sockdiag lists (all, inet, inet6, \
                         tcp, mptcp, udp, raw, sctp, unix, unix_stream, unix_dgram, unix_seqpacket, \
                         packet, packet_raw, packet_dgram, netlink)"
                    )
                })?;
            for &db in dbs {
                self.db_set(db, enable);
            }
            if enable && name == "inet6" {
                self.families |= fam(family::INET6);
                self.preferred = family::INET6;
            }
            if enable && !matches!(name, "all" | "inet") {
                self.explicit |= mask(dbs);
            }
        }
        Ok(())
    }

    /// Ends parsing: `states` is what `-a`/`-l`/`-A` and the state clauses
    /// left (0 for nothing said).
    pub fn finish(mut self) -> Selection {
        let defaulted = !self.touched;
        if defaulted {
            if self.state_filter == 0 {
                self.state_filter = StateSet::CONNECTED.0;
            }
            for db in ALL_DBS {
                self.db_set(db, true);
            }
        }
        let states = if self.state_filter != 0 {
            self.state_filter
        } else {
            self.default_states
        };
        // Each side fills in what the other implies.
        for db in ALL_DBS {
            if self.dbs & db.bit() != 0 && db.families() & self.families == 0 {
                self.families |= db.families();
            }
        }
        for (af, dbs) in [
            (family::INET, &INET_DBS[..]),
            (family::INET6, &INET_DBS[..]),
            (
                family::UNIX,
                &[Db::UnixDgram, Db::UnixStream, Db::UnixSeq][..],
            ),
            (family::PACKET, &[Db::PacketDgram, Db::PacketRaw][..]),
            (family::NETLINK, &[Db::Netlink][..]),
        ] {
            if self.families & fam(af) != 0 && self.dbs & mask(dbs) == 0 {
                self.dbs |= mask(dbs);
            }
        }
        Selection {
            dbs: self.dbs,
            families: self.families,
            states: StateSet(states),
            preferred: self.preferred,
            explicit: self.explicit,
            defaulted,
        }
    }
}

/// The finished selection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selection {
    pub dbs: u16,
    pub families: u64,
    pub states: StateSet,
    pub preferred: u8,
    /// Databases named one by one; a missing kernel module for a table
    /// that came only with `all`, `inet` or a family is not an error.
    pub explicit: u16,
    /// No table or family option was given.
    pub defaulted: bool,
}

impl Selection {
    pub fn has(&self, db: Db) -> bool {
        self.dbs & db.bit() != 0
    }

    /// The tables to dump, in the order ss prints them.
    pub fn tables(&self) -> Vec<Table> {
        let mut tables: Vec<Table> = ALL_DBS
            .iter()
            .filter(|&&d| self.has(d))
            .map(|d| d.table())
            .collect();
        crate::sort::sort_by_key(&mut tables, |&t| t as u8);
        tables.dedup();
        tables
    }

    /// True when some database of `table` was named one by one.
    pub fn explicit(&self, table: Table) -> bool {
        ALL_DBS
            .iter()
            .any(|&d| d.table() == table && self.explicit & d.bit() != 0)
    }

    /// The IP families an inet table dumps, as ss picks them: both unless
    /// the last family option was -4 or -6.
    pub fn inet_families(&self) -> Vec<u8> {
        let has = |af: u8| self.families & fam(af) != 0;
        let mut out = Vec::new();
        if self.preferred != family::INET6 && has(family::INET) {
            out.push(family::INET);
        }
        if self.preferred != family::INET && has(family::INET6) {
            out.push(family::INET6);
        }
        out
    }

    /// ss shows the Netid column unless a single database is selected.
    pub fn show_netid(&self) -> bool {
        !self.dbs.is_power_of_two()
    }

    /// True when a family of the unix tables was named.
    pub fn unix_named(&self) -> bool {
        self.explicit & mask(&[Db::UnixStream, Db::UnixDgram, Db::UnixSeq]) != 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sel(build: impl FnOnce(&mut SelectionBuilder)) -> Selection {
        let mut q = SelectionBuilder::default();
        build(&mut q);
        q.finish()
    }

    #[test]
    fn defaults_follow_ss() {
        let s = sel(|_| {});
        assert_eq!(
            s.tables(),
            [
                Table::Netlink,
                Table::Packet,
                Table::Unix,
                Table::Raw,
                Table::Udp,
                Table::Tcp,
                Table::Sctp,
                Table::Mptcp
            ]
        );
        assert_eq!(s.states, StateSet::CONNECTED);
        assert!(s.defaulted && s.explicit == 0);
        let s = sel(|q| q.family(family::INET));
        assert_eq!(
            s.tables(),
            [
                Table::Raw,
                Table::Udp,
                Table::Tcp,
                Table::Sctp,
                Table::Mptcp
            ]
        );
        assert_eq!(s.inet_families(), [family::INET]);
        let s = sel(|q| q.family(family::PACKET));
        assert_eq!(
            (s.tables(), s.states),
            (vec![Table::Packet], StateSet(CLOSE))
        );
        assert!(s.show_netid(), "raw and dgram packet tables");
        let s = sel(|q| q.family_name("netlink").unwrap());
        assert!(!s.show_netid());
        assert!(s.explicit(Table::Netlink));
        let s = sel(|q| q.table(Db::Udp));
        assert_eq!(s.states, StateSet::ESTABLISHED);
        assert_eq!(s.inet_families(), [family::INET, family::INET6]);
    }

    #[test]
    fn query_lists() {
        let s = sel(|q| q.query("netlink").unwrap());
        assert_eq!(s.tables(), [Table::Netlink]);
        // -A starts from connected states, which leave netlink out, as in ss.
        assert_eq!(s.states, StateSet::CONNECTED);
        let s = sel(|q| {
            q.state_filter = StateSet::ALL.0;
            q.query("unix_stream,packet_raw").unwrap();
        });
        assert_eq!(s.tables(), [Table::Packet, Table::Unix]);
        assert!(s.has(Db::PacketRaw) && !s.has(Db::PacketDgram));
        assert_eq!(s.states, StateSet::ALL);
        let s = sel(|q| q.query("all,!tcp,!unix").unwrap());
        assert!(!s.has(Db::Tcp) && !s.has(Db::UnixSeq) && s.has(Db::Udp));
        assert!(!s.explicit(Table::Sctp), "'all' names no table one by one");
        let s = sel(|q| q.query("inet").unwrap());
        assert_eq!(
            s.tables(),
            [
                Table::Raw,
                Table::Udp,
                Table::Tcp,
                Table::Sctp,
                Table::Mptcp
            ]
        );
        let mut q = SelectionBuilder::default();
        assert!(q.query("tcp,bogus").unwrap_err().contains("'bogus'"));
        // ss names tables sockdiag does not dump; they are refused rather
        // than silently showing nothing.
        assert!(q.query("dccp").is_err());
        let s = sel(|q| q.query("inet6").unwrap());
        assert_eq!(s.inet_families(), [family::INET6]);
        assert!(s.has(Db::Raw) && !s.has(Db::UnixStream));
        assert!(q.family_name("vsock").unwrap_err().contains("'vsock'"));
    }
}
