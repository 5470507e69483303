//! [`Line`]: everything a printed socket needs besides its record, in one
//! value. The listing's switches (`-e`, `-o`, `--tos`, `-m`, `-i`, `-n`,
//! `-O`, `--cgroup`, `--inet-sockopt`, `-b`, `--tipcinfo`) and what the
//! runner found outside the kernel's answer (interface, cgroup, host and
//! service names, a netlink port's owner, `-p`'s processes). Each kind of
//! socket uses the parts that apply to it.

use core::fmt;

use crate::format::columns::Layout;
use crate::netns::Netns;

/// How one socket is printed, text or JSON.
#[derive(Clone, Copy)]
pub struct Line<'a> {
    /// Which columns, and whether `-e`'s members follow them.
    pub layout: Layout,
    /// `-o`: the timer (`-e` shows it too).
    pub timer: bool,
    /// `--tos`: TOS, TCLASS and class id.
    pub tos: bool,
    /// `-m`: socket memory.
    pub memory: bool,
    /// `-i`: tcp_info, congestion control, ULP, MPTCP info.
    pub info: bool,
    /// `-n`: rates with all their digits; netlink protocols, port owners
    /// and packet protocols as numbers.
    pub numeric: bool,
    /// `-O`: details on the socket's line instead of a second line.
    pub oneline: bool,
    /// `--tipcinfo`: a TIPC socket's type, congestion, drops and service.
    pub tipcinfo: bool,
    /// `--cgroup`: an inet socket's cgroup path.
    pub cgroups: bool,
    /// `--inet-sockopt`: an inet socket's option flags.
    pub sockopt: bool,
    /// `-b`: a packet socket's classic BPF filter.
    pub bpf: bool,
    /// `--bpf-maps` (empty: every map) or `--bpf-map-id`: an inet socket's
    /// BPF storage of these maps.
    pub bpf_maps: Option<&'a [u32]>,
    /// The inet table dumped (an `IPPROTO_*` number): its Netid, and what
    /// its INFO attribute holds. Other kinds ignore it.
    pub protocol: u32,
    /// The name of the interface the socket is bound to, when it is (the
    /// runner looks it up).
    pub ifname: Option<&'a str>,
    /// `-e`: the cgroup path of the record's cgroup id, as the runner found
    /// it (`None`: not found, printed as ss does, `unreachable:ID`).
    pub cgroup: Option<&'a str>,
    /// `-r`: the host names of the local and the peer address, when the
    /// runner found them (`None`: the address is printed).
    pub hosts: [Option<&'a str>; 2],
    /// The service names of the local and the peer port (ss's
    /// `resolve_service`: without `-n`, from /etc/services; a raw
    /// socket's protocol from /etc/protocols), when there are.
    pub services: [Option<&'a str>; 2],
    /// A netlink socket: the command name of the process whose pid is its
    /// port id, if any (the runner reads it from /proc, as ss does).
    pub owner: Option<&'a str>,
    /// Written right after the peer column (ss's ` users:((...))`), when
    /// `-p` asked for it.
    pub process: Option<&'a dyn fmt::Display>,
    /// Written into a JSON object before its `}` (`,"users":[...]`), when
    /// `-p` asked for it.
    pub process_json: Option<&'a dyn fmt::Display>,
    /// Written into a JSON object right after its `{`, each member
    /// followed by a comma (`"timestamp":"...",`); may write nothing.
    pub json_lead: &'a dyn fmt::Display,
    /// The network namespace of the socket, when the listing covers every
    /// namespace: JSON names it in each object (the text column is the
    /// runner's, [`crate::format::netns`]).
    pub netns: Option<&'a Netns<'a>>,
}

impl Line<'static> {
    /// Nothing but the address columns: no Netid, no State, no option, no
    /// names, protocol 0 (set it for an inet line).
    pub const PLAIN: Line<'static> = Line {
        layout: Layout {
            netns: false,
            netid: false,
            state: false,
            no_queues: false,
            process: false,
            extended: false,
        },
        timer: false,
        tos: false,
        memory: false,
        info: false,
        numeric: false,
        oneline: false,
        tipcinfo: false,
        cgroups: false,
        sockopt: false,
        bpf: false,
        bpf_maps: None,
        protocol: 0,
        ifname: None,
        cgroup: None,
        hosts: [None, None],
        services: [None, None],
        owner: None,
        process: None,
        process_json: None,
        json_lead: &"",
        netns: None,
    };
}

impl Default for Line<'_> {
    fn default() -> Self {
        Line::PLAIN
    }
}

impl fmt::Debug for Line<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Line")
            .field("layout", &self.layout)
            .field("timer", &self.timer)
            .field("tos", &self.tos)
            .field("memory", &self.memory)
            .field("info", &self.info)
            .field("numeric", &self.numeric)
            .field("oneline", &self.oneline)
            .field("tipcinfo", &self.tipcinfo)
            .field("cgroups", &self.cgroups)
            .field("sockopt", &self.sockopt)
            .field("bpf", &self.bpf)
            .field("bpf_maps", &self.bpf_maps)
            .field("protocol", &self.protocol)
            .field("ifname", &self.ifname)
            .field("cgroup", &self.cgroup)
            .field("hosts", &self.hosts)
            .field("services", &self.services)
            .field("owner", &self.owner)
            .field("netns", &self.netns)
            .finish_non_exhaustive()
    }
}
