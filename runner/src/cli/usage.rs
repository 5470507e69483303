//! The `--help` text.

/// What `-h` prints; its first line follows every usage error.
pub const USAGE: &str = "\
Usage: sockdiag [OPTIONS] [state NAME | exclude NAME]... [FILTER]
List sockets through the kernel's sock_diag interface, like ss.

  -t, --tcp          TCP sockets            -4, --ipv4      IPv4 only
  -u, --udp          UDP sockets            -6, --ipv6      IPv6 only
  -w, --raw          RAW sockets            -l, --listening listening and unconnected
  -x, --unix         UNIX sockets           -a, --all       every state
  -0, --packet       PACKET sockets         -M, --mptcp     MPTCP sockets
  -S, --sctp         SCTP sockets               --netlink   NETLINK sockets
  -d, --dccp         DCCP sockets               --vsock     VSOCK sockets
      --tipc         TIPC sockets               --xdp       XDP sockets
  -B, --bound-inactive  TCP sockets bound but not listening or connecting
  -f, --family=FAMILY  inet, inet6, link, unix, netlink, vsock, tipc, xdp
  -A, --query=LIST   tables: all inet inet6 tcp mptcp udp raw sctp dccp unix
                     unix_stream unix_dgram unix_seqpacket packet packet_raw
                     packet_dgram netlink vsock vsock_stream vsock_dgram tipc xdp;
                     !NAME removes one
  -n, --numeric      ports and protocols as numbers, rates in full
  -r, --resolve      host names (/etc/hosts)
  -e, --extended     uid, inode, cookie, cgroup, v6only, shutdown
  -o, --options      timers                 -i, --info      TCP internals
  -m, --memory       socket memory          --tos           TOS, TCLASS, class id
  --cgroup           cgroup paths           --inet-sockopt  IP socket options
  --tipcinfo         TIPC type, congestion, drops, service
  -p, --processes    processes using each socket
  -T, --threads      and their threads      -Z, -z          SELinux contexts
  -b, --bpf          packet sockets' BPF filters
  --bpf-maps, --bpf-map-id=ID   sockets' BPF storage
  -K, --kill         close the sockets selected (CAP_NET_ADMIN), print them
  -O, --oneline      details on one line    -s, --summary   socket counts
  -H, --no-header    no header line         -Q, --no-queues no Recv-Q, Send-Q
  -j, --json         a JSON array
  -F, --filter FILE  read the filter expression from FILE ('-': stdin)
  -D, --diag FILE    write the TCP table's replies to FILE as ss does
                     (read back with TCPDIAG_FILE=FILE)
  -N, --net NSNAME   the network namespace NSNAME (/run/netns), a namespace file
                     path, or pid:PID (the namespace of process PID)
  --all-netns        every network namespace, each row led by its Netns
                     (name, pid:PID, ino:INODE, or namespace/pod)
  --dump-raw FILE    also save every request and reply to FILE
  --decode FILE      print a saved dump instead of asking the kernel
                     (same options as the --dump-raw run; any of a snapshot)
  --snapshot FILE    save every table, state and detail to FILE, print nothing
  -h, --help         this text              -V, --version   version

No table option: all tables but TIPC's. A table whose diag module is missing
is read from /proc where it can be (tcp, udp, raw, unix, packet, netlink), as
are those the variables PROC_ROOT and PROC_NET_TCP, ... name. States:
established syn-sent syn-recv fin-wait-1 fin-wait-2 time-wait closed
close-wait last-ack listening closing bound-inactive, and the groups all
connected synchronized bucket big.
FILTER: ss's expressions: sport/dport = != < <= > >= :PORT,
src/dst ADDR[/LEN][:PORT] (ADDR: an address or a host name), dev, fwmark,
cgroup, autobound; and or not ( ); run in the kernel for IP tables.
Example: sockdiag -tl sport = :8081   (Recv-Q: accept queue, Send-Q: backlog)";
