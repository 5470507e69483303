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
  -f, --family=FAMILY  inet, inet6, link, unix, netlink
  -A, --query=LIST   tables: all inet inet6 tcp mptcp udp raw sctp unix unix_stream
                     unix_dgram unix_seqpacket packet packet_raw packet_dgram
                     netlink; !NAME removes one
  -n, --numeric      protocols as numbers, rates in full (ports always are numbers)
  -e, --extended     uid, inode, cookie, cgroup, v6only, shutdown
  -o, --options      timers                 -i, --info      TCP internals
  -m, --memory       socket memory          --tos           TOS, TCLASS, class id
  -p, --processes    processes using each socket
  -O, --oneline      details on one line    -s, --summary   socket counts
  -H, --no-header    no header line         -j, --json      a JSON array
  -F, --filter FILE  read the filter expression from FILE ('-': stdin)
  -N, --net NSNAME   the network namespace NSNAME (/run/netns), a namespace file
                     path, or pid:PID (the namespace of process PID)
  --all-netns        every network namespace, each row led by its Netns
                     (name, pid:PID, ino:INODE, or namespace/pod)
  -h, --help         this text              -V, --version   version
  --dump-raw FILE    also save every request and reply to FILE
  --decode FILE      print a saved dump instead of asking the kernel
                     (same options as the --dump-raw run)

No table option: all tables. States: established syn-sent syn-recv fin-wait-1
fin-wait-2 time-wait closed close-wait last-ack listening closing, and the
groups all connected synchronized bucket big.
FILTER: ss's expressions: sport/dport = != < <= > >= :PORT, src/dst ADDR[/LEN][:PORT],
dev, fwmark, cgroup, autobound; and or not ( ); run in the kernel for IP tables.
Example: sockdiag -tl sport = :8081   (Recv-Q: accept queue, Send-Q: backlog)";
