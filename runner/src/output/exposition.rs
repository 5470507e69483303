//! The Prometheus exposition of `metrics` and `serve`: which metric
//! families there are, with their help text, types and labels, written
//! from one scrape with the codec's exposition format. The README lists
//! every metric; the names are part of sockdiag's interface.

use std::fmt::{self, Write};
use std::net::IpAddr;
use std::time::Duration;

use sockdiag_codec::family;
use sockdiag_codec::format::prometheus::{
    write_family, write_labels, write_sample, Label, MetricType, Value,
};
use sockdiag_codec::proc::netstat::ListenCounters;

use crate::kernel::listeners::Listener;

/// What the kernel counts of one namespace's sockets without a dump
/// (`/proc/net/sockstat`, `sockstat6`, `snmp`), and the listeners the
/// dump saw.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SocketCounts {
    /// Every TCP listener of the namespace (the filter aside).
    pub tcp_listen: u64,
    /// `Tcp: CurrEstab`: ESTABLISHED and CLOSE-WAIT.
    pub tcp_established: Option<u64>,
    /// `TCP: tw`
    pub tcp_time_wait: Option<u64>,
    /// `TCP: inuse` + `TCP6: inuse` + `tw`: every TCP socket in the
    /// kernel's tables.
    pub tcp_all: Option<u64>,
    /// `UDP: inuse` + `UDP6: inuse`
    pub udp_all: Option<u64>,
    /// `RAW: inuse` + `RAW6: inuse`
    pub raw_all: Option<u64>,
}

/// One namespace's part of a scrape.
#[derive(Debug, Clone, Default)]
pub struct NsScrape {
    /// The `netns` label.
    pub label: String,
    /// The `pod_namespace` and `pod` labels, when the host shows them.
    pub pod: Option<(String, String)>,
    pub counters: ListenCounters,
    pub sockets: SocketCounts,
}

/// One listener's series.
#[derive(Debug, Clone, Copy)]
pub struct ListenerSeries {
    /// Index of its namespace in [`Scrape::namespaces`].
    pub ns: usize,
    pub listener: Listener,
    /// The longest queue seen since the previous scrape (`serve --sample`).
    pub peak: Option<u32>,
}

/// Everything one exposition shows.
#[derive(Debug, Clone, Default)]
pub struct Scrape {
    pub namespaces: Vec<NsScrape>,
    /// At most the `--max-series` budget allows, in namespace order.
    pub listeners: Vec<ListenerSeries>,
    /// Per-listener series left out by `--max-series`.
    pub series_cut: u64,
    /// Namespaces or tables that could not be read.
    pub errors: u64,
    /// Whether the peak gauge is collected (`serve --sample`).
    pub peaks: bool,
    /// How long collecting took.
    pub took: Duration,
}

/// A metric family whose samples each come from one `T`.
struct Metric<T> {
    name: &'static str,
    kind: MetricType,
    help: &'static str,
    /// The sample of one `T`; `None`: that one has none.
    value: fn(&T) -> Option<u64>,
}

/// The per-listener metric families; the peak is last (only with
/// sampling).
const LISTENER_METRICS: [Metric<ListenerSeries>; 4] = [
    Metric {
        name: "sockdiag_tcp_listen_queue_length",
        kind: MetricType::Gauge,
        help: "Connections waiting in the TCP listener's accept queue.",
        value: |s| Some(s.listener.queue.into()),
    },
    Metric {
        name: "sockdiag_tcp_listen_queue_limit",
        kind: MetricType::Gauge,
        help: "The TCP listener's accept queue limit (the backlog given to listen(), \
               capped by net.core.somaxconn).",
        value: |s| Some(s.listener.limit.into()),
    },
    Metric {
        name: "sockdiag_tcp_listen_drops_total",
        kind: MetricType::Counter,
        help: "Connections the TCP listener dropped since it was created \
               (SK_MEMINFO_DROPS: a full accept queue, a failed child).",
        value: |s| s.listener.drops.map(u64::from),
    },
    Metric {
        name: "sockdiag_tcp_listen_queue_peak",
        kind: MetricType::Gauge,
        help: "The longest accept queue sampled since the previous scrape.",
        value: |s| s.peak.map(u64::from),
    },
];

/// The per-namespace counters.
const NETNS_METRICS: [Metric<NsScrape>; 2] = [
    Metric {
        name: "sockdiag_netns_tcp_listen_overflows_total",
        kind: MetricType::Counter,
        help: "Connections refused because an accept queue was full (TcpExt ListenOverflows).",
        value: |n| n.counters.overflows,
    },
    Metric {
        name: "sockdiag_netns_tcp_listen_drops_total",
        kind: MetricType::Counter,
        help: "Connections dropped at a listener, overflows included (TcpExt ListenDrops).",
        value: |n| n.counters.drops,
    },
];

/// Per-listener series one listener costs.
pub fn series_per_listener(peaks: bool) -> usize {
    if peaks {
        4
    } else {
        3
    }
}

/// The `family` label.
fn family_name(af: u8) -> &'static str {
    if af == family::INET6 {
        "inet6"
    } else {
        "inet"
    }
}

impl NsScrape {
    /// Its labels, `netns` and when known `pod_namespace` and `pod`, and
    /// how many of them there are.
    fn labels(&self) -> ([Label<'_>; 3], usize) {
        let (pod_namespace, pod): (&dyn fmt::Display, &dyn fmt::Display) = match &self.pod {
            Some((namespace, pod)) => (namespace, pod),
            None => (&"", &""),
        };
        let labels = [
            Label {
                name: "netns",
                value: &self.label,
            },
            Label {
                name: "pod_namespace",
                value: pod_namespace,
            },
            Label {
                name: "pod",
                value: pod,
            },
        ];
        (labels, if self.pod.is_some() { 3 } else { 1 })
    }
}

/// Each listener's label set, written once (every per-listener family
/// repeats it): one text and where each listener's ends, in
/// [`Scrape::listeners`] order; an empty range for a listener whose
/// namespace is unknown, which gets no series.
fn listener_labels(scrape: &Scrape) -> Result<(String, Vec<(usize, usize)>), fmt::Error> {
    let mut text = String::with_capacity(scrape.listeners.len() * 80);
    let mut ranges = Vec::with_capacity(scrape.listeners.len());
    // Listeners sharing a namespace, address and port (SO_REUSEPORT) are
    // told apart by `shard`, numbered in cookie order: they come sorted
    // so.
    let mut previous: Option<(usize, IpAddr, u16)> = None;
    let mut shard = 0u32;
    for s in &scrape.listeners {
        let l = &s.listener;
        let key = (s.ns, l.address, l.port);
        shard = if previous == Some(key) { shard + 1 } else { 0 };
        previous = Some(key);
        let start = text.len();
        if let Some(n) = scrape.namespaces.get(s.ns) {
            let ([netns, pod_namespace, pod], count) = n.labels();
            let labels = [
                Label {
                    name: "family",
                    value: &family_name(l.family),
                },
                Label {
                    name: "address",
                    value: &l.address,
                },
                Label {
                    name: "port",
                    value: &l.port,
                },
                Label {
                    name: "shard",
                    value: &shard,
                },
                netns,
                pod_namespace,
                pod,
            ];
            write_labels(&mut text, &labels[..4 + count])?;
        }
        ranges.push((start, text.len()));
    }
    Ok((text, ranges))
}

/// Writes the whole exposition of `scrape`.
pub fn write_exposition<W: Write>(w: &mut W, scrape: &Scrape) -> fmt::Result {
    let metrics = &LISTENER_METRICS[..series_per_listener(scrape.peaks)];
    let (text, ranges) = listener_labels(scrape)?;
    for m in metrics {
        let family = write_family(w, m.name, m.kind, m.help)?;
        for (s, &(start, end)) in scrape.listeners.iter().zip(&ranges) {
            let Some(v) = (m.value)(s) else { continue };
            if let Some(labels) = text.get(start..end).filter(|l| !l.is_empty()) {
                family.write_sample_labelled(w, labels, Value::Int(v))?;
            }
        }
    }
    for m in &NETNS_METRICS {
        write_family(w, m.name, m.kind, m.help)?;
        for n in &scrape.namespaces {
            if let Some(v) = (m.value)(n) {
                let (labels, count) = n.labels();
                write_sample(w, m.name, &labels[..count], Value::Int(v))?;
            }
        }
    }
    write_family(
        w,
        "sockdiag_sockets",
        MetricType::Gauge,
        "Sockets by protocol and state, as the kernel counts them without a dump \
         (ESTAB: ESTABLISHED and CLOSE-WAIT; all: every socket of the protocol).",
    )?;
    for n in &scrape.namespaces {
        let c = &n.sockets;
        for (protocol, state, v) in [
            ("tcp", "LISTEN", Some(c.tcp_listen)),
            ("tcp", "ESTAB", c.tcp_established),
            ("tcp", "TIME-WAIT", c.tcp_time_wait),
            ("tcp", "all", c.tcp_all),
            ("udp", "all", c.udp_all),
            ("raw", "all", c.raw_all),
        ] {
            let Some(v) = v else { continue };
            let ([netns, pod_namespace, pod], count) = n.labels();
            let labels = [
                Label {
                    name: "protocol",
                    value: &protocol,
                },
                Label {
                    name: "state",
                    value: &state,
                },
                netns,
                pod_namespace,
                pod,
            ];
            write_sample(w, "sockdiag_sockets", &labels[..2 + count], Value::Int(v))?;
        }
    }
    for (name, help, value) in [
        (
            "sockdiag_scrape_duration_seconds",
            "How long collecting this exposition took.",
            Value::Seconds(u64::try_from(scrape.took.as_nanos()).unwrap_or(u64::MAX)),
        ),
        (
            "sockdiag_scrape_errors",
            "Namespaces or tables that could not be read in this scrape.",
            Value::Int(scrape.errors),
        ),
        (
            "sockdiag_series_cut",
            "Per-listener series left out of this exposition by --max-series.",
            Value::Int(scrape.series_cut),
        ),
    ] {
        write_family(w, name, MetricType::Gauge, help)?;
        write_sample(w, name, &[], value)?;
    }
    write_family(
        w,
        "sockdiag_build_info",
        MetricType::Gauge,
        "The sockdiag version, as a label; always 1.",
    )?;
    let version = [Label {
        name: "version",
        value: &env!("CARGO_PKG_VERSION"),
    }];
    write_sample(w, "sockdiag_build_info", &version, Value::Int(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listener(port: u16, cookie: u64) -> Listener {
        Listener {
            family: family::INET,
            address: "127.0.0.1".parse().unwrap(),
            port,
            cookie,
            ifindex: 0,
            queue: 2,
            limit: 64,
            drops: Some(5),
        }
    }

    #[test]
    fn shards_and_families() {
        let scrape = Scrape {
            namespaces: vec![NsScrape {
                label: "own".into(),
                pod: None,
                counters: ListenCounters::parse(
                    "TcpExt: ListenOverflows ListenDrops\nTcpExt: 1 2\n",
                ),
                sockets: SocketCounts {
                    tcp_listen: 3,
                    ..SocketCounts::default()
                },
            }],
            listeners: [listener(80, 1), listener(80, 2), listener(81, 3)]
                .map(|listener| ListenerSeries {
                    ns: 0,
                    listener,
                    peak: None,
                })
                .to_vec(),
            ..Scrape::default()
        };
        let mut text = String::new();
        write_exposition(&mut text, &scrape).unwrap();
        let lines: Vec<&str> = text
            .lines()
            .filter(|l| l.starts_with("sockdiag_tcp_listen_queue_length"))
            .collect();
        assert_eq!(
            lines,
            [
                "sockdiag_tcp_listen_queue_length{family=\"inet\",address=\"127.0.0.1\",port=\"80\",shard=\"0\",netns=\"own\"} 2",
                "sockdiag_tcp_listen_queue_length{family=\"inet\",address=\"127.0.0.1\",port=\"80\",shard=\"1\",netns=\"own\"} 2",
                "sockdiag_tcp_listen_queue_length{family=\"inet\",address=\"127.0.0.1\",port=\"81\",shard=\"0\",netns=\"own\"} 2",
            ]
        );
        assert!(text.contains("sockdiag_netns_tcp_listen_drops_total{netns=\"own\"} 2\n"));
        assert!(
            text.contains("sockdiag_sockets{protocol=\"tcp\",state=\"LISTEN\",netns=\"own\"} 3\n")
        );
        assert!(!text.contains("queue_peak"));
        let version = env!("CARGO_PKG_VERSION");
        assert!(text.ends_with(&format!("sockdiag_build_info{{version=\"{version}\"}} 1\n")));
    }

    #[test]
    fn pod_labels() {
        let scrape = Scrape {
            namespaces: vec![NsScrape {
                label: "net:[4026532000]".into(),
                pod: Some(("kube-system".into(), "coredns-5d78c9869d-x2x7p".into())),
                ..NsScrape::default()
            }],
            listeners: vec![ListenerSeries {
                ns: 0,
                listener: listener(53, 1),
                peak: None,
            }],
            ..Scrape::default()
        };
        let mut text = String::new();
        write_exposition(&mut text, &scrape).unwrap();
        let labels = "netns=\"net:[4026532000]\",pod_namespace=\"kube-system\",\
                      pod=\"coredns-5d78c9869d-x2x7p\"";
        assert!(text.contains(&format!(
            "sockdiag_tcp_listen_queue_limit{{family=\"inet\",address=\"127.0.0.1\",port=\"53\",\
             shard=\"0\",{labels}}} 64\n"
        )));
        assert!(text.contains(&format!(
            "sockdiag_sockets{{protocol=\"tcp\",state=\"LISTEN\",{labels}}} 0\n"
        )));
    }
}
