//! The IP tables (tcp, udp, raw, sctp, mptcp): one `inet_diag_req_v2` per
//! family, with the extensions the options need and the filter program;
//! for TCP over both families, the legacy request that asks for both in
//! one walk of the kernel's tables.

use sockdiag_codec::family;
use sockdiag_codec::filter::bytecode::FilteredReq;
use sockdiag_codec::wire::inet::{self, attr_kind as k, ext_bit, proto, TcpState};
use sockdiag_codec::wire::inet_legacy;

use super::{Query, TableRequest};

/// The `idiag_ext` bits ss sends for its options: `-m` MEMINFO and
/// SKMEMINFO, `-i` INFO, VEGASINFO (which also brings DCTCP and BBR info)
/// and CONG, `--tos` TOS and TCLASS (which also brings CLASS_ID). `-e`
/// needs none: SHUTDOWN, MARK, CGROUP_ID and SOCKOPT always come.
fn ext_bits(q: &Query<'_>) -> u8 {
    let mut ext = 0;
    if q.memory {
        ext |= ext_bit(k::MEMINFO) | ext_bit(k::SKMEMINFO);
    }
    if q.info {
        ext |= ext_bit(k::INFO) | ext_bit(k::VEGASINFO) | ext_bit(k::CONG);
    }
    if q.tos {
        ext |= ext_bit(k::TOS) | ext_bit(k::TCLASS);
    }
    ext
}

/// The states to ask `protocol`'s table for. ss's `-l` asks TCP for
/// LISTEN and CLOSE, and any bit besides LISTEN makes the kernel walk the
/// established table too, every socket of every namespace, after the
/// listeners. TCP never shows a CLOSE socket (closing unhashes it before
/// the state changes), so a listener query leaves CLOSE out: the same
/// answer from the listening table alone. Other queries walk both tables
/// anyway and are sent as asked.
fn request_states(states: u32, protocol: u32) -> u32 {
    let (listen, close) = (TcpState::Listen.mask(), TcpState::Close.mask());
    if protocol == proto::TCP && states & listen != 0 && states & !(listen | close) == 0 {
        states & !close
    } else {
        states
    }
}

/// One request per family of the query.
pub(super) fn requests<'a>(
    q: &Query<'a>,
    protocol: u32,
) -> impl Iterator<Item = TableRequest<'a>> + 'a {
    let states = request_states(q.states.0, protocol);
    let (ext, bytecode) = (ext_bits(q), q.bytecode);
    let bpf_storages = q.bpf_storages;
    q.families.iter().map(move |&family| {
        let mut req = inet::ReqRepr::dump(family, protocol, states);
        req.ext = ext;
        TableRequest::Inet(FilteredReq {
            req,
            bytecode,
            bpf_storages,
        })
    })
}

/// The legacy TCP request for a query that wants both IP families: the
/// states, extensions and filter program of the two per-family requests,
/// in one walk (a listener query too asks for LISTEN alone). Rows then
/// come in the kernel's walk order (listeners of both families first), not
/// IPv4 before IPv6. `None` for a query it cannot carry: BPF storages
/// (the kernel reads no attribute after the legacy request's bytecode).
pub(super) fn both_families<'a>(q: &Query<'a>) -> Option<FilteredReq<'a, inet_legacy::ReqRepr>> {
    if q.families != [family::INET, family::INET6] || q.bpf_storages {
        return None;
    }
    let mut req = inet_legacy::ReqRepr::dump(request_states(q.states.0, proto::TCP));
    req.ext = ext_bits(q);
    Some(FilteredReq {
        req,
        bytecode: q.bytecode,
        bpf_storages: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use sockdiag_codec::filter::states::StateSet;

    #[test]
    fn ext_bits_as_ss_sends_them() {
        let none = Query {
            states: StateSet::ALL,
            families: &[],
            bytecode: &[],
            extended: false,
            json: false,
            memory: false,
            info: false,
            tos: false,
            bpf_storages: false,
        };
        assert_eq!(ext_bits(&none), 0);
        let m = Query {
            memory: true,
            ..none
        };
        assert_eq!(ext_bits(&m), 0x01 | 0x40);
        let i = Query { info: true, ..none };
        assert_eq!(ext_bits(&i), 0x02 | 0x04 | 0x08);
        let t = Query { tos: true, ..none };
        assert_eq!(ext_bits(&t), 0x10 | 0x20);
    }

    #[test]
    fn one_walk_only_for_both_families() {
        let program = [0u8, 4, 8, 0];
        let both = Query {
            states: StateSet(1 << 10),
            families: &[family::INET, family::INET6],
            bytecode: &program,
            extended: false,
            json: false,
            memory: false,
            info: true,
            tos: false,
            bpf_storages: false,
        };
        let req = both_families(&both).expect("both families");
        assert_eq!(req.req.family, family::UNSPEC);
        assert_eq!(req.req.states, 1 << 10);
        assert_eq!(req.req.ext, 0x02 | 0x04 | 0x08);
        assert_eq!(req.bytecode, &program);
        for families in [&[family::INET][..], &[family::INET6], &[]] {
            assert!(both_families(&Query { families, ..both }).is_none());
        }
        // The legacy request carries no BPF storage request.
        let storages = Query {
            bpf_storages: true,
            ..both
        };
        assert!(both_families(&storages).is_none());
        let listeners = Query {
            states: StateSet::LISTENING,
            ..both
        };
        let req = both_families(&listeners).expect("both families");
        assert_eq!(req.req.states, 1 << 10);
    }

    #[test]
    fn listener_queries_ask_for_listen_only() {
        let (listen, close) = (1 << 10, 1 << 7);
        let listening = StateSet::LISTENING.0;
        assert_eq!(request_states(listening, proto::TCP), listen);
        // UDP's unconnected sockets are CLOSE: -l needs the bit there.
        assert_eq!(request_states(listening, proto::UDP), listening);
        // `state close` alone asks for what was asked.
        assert_eq!(request_states(close, proto::TCP), close);
        let all = StateSet::ALL.0;
        assert_eq!(request_states(all, proto::TCP), all);
    }
}
