#!/usr/bin/env bash
# Times `sockdiag --all-netns -tln` against `ip -all netns exec ss -tln` on
# many network namespaces, each holding 3 TCP listeners and 2 connections
# (one accepted, one waiting in an accept queue), one of them also holding a
# socket farm; checks that both print the same listeners for every namespace,
# and measures sockdiag's peak RSS with few and with all namespaces.
#
#   bench/netns.sh                 (as root) 200 namespaces, a 100,000-socket farm
#   NAMESPACES=50 FARM=10000 bench/netns.sh
#
# Env: NAMESPACES (default 200), FEW (the RSS comparison's smaller count,
# default 20), FARM (TCP sockets, default 100000), RUNS (default 10),
# SOCKDIAG_BENCH_SHARED (default ../shared/bench beside the repo), SOCKDIAG_BIN
# (default: the static build). Needs: ip, ss, hyperfine, python3, cargo, GNU time.
# Every namespace it makes is deleted when it ends, also on failure or Ctrl-C.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
shared=${SOCKDIAG_BENCH_SHARED:-$repo/../shared/bench}
. "$repo/bench/lib.sh"
total=${NAMESPACES:-200}
few=${FEW:-20}
farm_tcp=${FARM:-100000}
runs=${RUNS:-10}
need ip ss hyperfine python3 cargo
[ "$few" -lt "$total" ] || { echo "bench: FEW must be below NAMESPACES" >&2; exit 1; }

out=$repo/target/bench/netns
mkdir -p "$out"
sockdiag_bin

prefix=sdbench-$$
holders=()
farm=
cleanup() {
    local pid
    for pid in ${farm:+"$farm"} ${holders[@]+"${holders[@]}"}; do
        kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    done
    for ns in $(ip netns list | awk -v p="$prefix-" 'index($1, p) == 1 {print $1}'); do
        ip netns del "$ns" || true
    done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# One process holds every namespace's sockets: it enters each namespace
# (setns, through ctypes: python 3.11 has no os.setns) and opens them there;
# a socket stays in the namespace it was made in.
cat >"$out/holder.py" <<'EOF'
import ctypes, os, signal, socket, sys, time
libc = ctypes.CDLL(None, use_errno=True)
CLONE_NEWNET = 0x40000000
keep = []
for name in sys.argv[2:]:
    fd = os.open(f"/run/netns/{name}", os.O_RDONLY)
    if libc.setns(fd, CLONE_NEWNET) != 0:
        raise OSError(ctypes.get_errno(), f"setns {name}")
    os.close(fd)
    listeners = []
    for port in (8000, 8001, 8002):
        s = socket.socket()
        s.bind(("127.0.0.1", port))
        s.listen(16)
        listeners.append(s)
    client = socket.create_connection(("127.0.0.1", 8000))
    server, _ = listeners[0].accept()
    waiting = socket.create_connection(("127.0.0.1", 8001))
    keep += listeners + [client, server, waiting]
signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
open(sys.argv[1], "w").write("ready\n")
while True:
    time.sleep(3600)
EOF

# Makes namespaces FROM..TO-1 (loopback up) and a holder for their sockets.
populate() {
    local from=$1 to=$2 i names=()
    for ((i = from; i < to; i++)); do
        ip netns add "$prefix-$i"
        ip -n "$prefix-$i" link set lo up
        names+=("$prefix-$i")
    done
    rm -f "$out/holder.ready"
    python3 "$out/holder.py" "$out/holder.ready" "${names[@]}" &
    holders+=($!)
    while [ ! -s "$out/holder.ready" ]; do
        kill -0 "${holders[-1]}" 2>/dev/null || { echo "bench: the holder died" >&2; exit 1; }
        sleep 0.2
    done
}

# The namespaces sockdiag --all-netns visits: the named ones and every
# distinct one of a process, by inode (the machine's own and others'
# included), as sockdiag counts them.
count_namespaces() {
    python3 - <<'EOF'
import os
seen = set()
for d in ("/run/netns",):
    for n in os.listdir(d) if os.path.isdir(d) else []:
        try: seen.add(os.stat(os.path.join(d, n)).st_ino)
        except OSError: pass
for p in os.listdir("/proc"):
    if p.isdigit():
        try: seen.add(os.stat(f"/proc/{p}/ns/net").st_ino)
        except OSError: pass
print(len(seen))
EOF
}

# Peak RSS in KiB of one run, output discarded; the median of nine (see
# bench/run.sh for why).
peak_rss() {
    if [ -x /usr/bin/time ]; then
        for _ in 1 2 3 4 5 6 7 8 9; do
            /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1
        done | sort -n | sed -n 5p
    else
        echo "n/a (apt-get install time)"
    fi
}

# Each bench namespace's listeners as `NAME LINE`, spacing normalised:
# from sockdiag's Netns column, and from the `netns: NAME` headers of
# ip -all netns exec.
ours() {
    "$sd" --all-netns -tlnH | awk -v p="$prefix-" 'index($1, p) == 1' |
        tr -s ' ' | sed 's/ $//' | sort
}
theirs() {
    ip -all netns exec ss -tlnH | awk -v p="$prefix-" '
        /^netns: / { ns = $2; next }
        /^$/ { next }
        index(ns, p) == 1 { print ns " " $0 }' | tr -s ' ' | sed 's/ $//' | sort
}
compare() {
    ours >"$out/sockdiag.txt"
    theirs >"$out/ss.txt"
    if ! cmp -s "$out/sockdiag.txt" "$out/ss.txt"; then
        echo "  OUTPUT DIFFERS: sockdiag --all-netns -tln and ip -all netns exec ss -tln" >&2
        diff "$out/sockdiag.txt" "$out/ss.txt" | head -20 >&2
        exit 1
    fi
    echo "  same listeners: $(wc -l <"$out/sockdiag.txt") lines in the $1 bench namespaces"
}

echo "sockdiag: $sd ($(stat -c %s "$sd") bytes); medians of $runs runs; $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
populate 0 "$few"
listen=$((farm_tcp / 100))
conns=$(((farm_tcp - listen) / 2))
rm -f "$out/farm.json"
ip netns exec "$prefix-0" python3 "$shared/sockfarm.py" --listen "$listen" --conns "$conns" \
    --ready "$out/farm.json" >"$out/farm.log" 2>&1 &
farm=$!
while [ ! -s "$out/farm.json" ]; do
    kill -0 "$farm" 2>/dev/null || { echo "bench: sockfarm died" >&2; cat "$out/farm.log" >&2; exit 1; }
    sleep 0.5
done
echo "== $few namespaces, a farm of $((listen + 2 * conns)) TCP sockets in $prefix-0"
compare "$few"
rss_few=$(peak_rss "$sd" --all-netns -tln)
visited_few=$(count_namespaces)

populate "$few" "$total"
echo "== $total namespaces"
compare "$total"
rss_all=$(peak_rss "$sd" --all-netns -tln)
visited=$(count_namespaces)
# The farm's namespace alone: a listener query that walked the established
# table would pay for its 100,000 sockets here.
hyperfine -N --runs "$runs" --warmup 2 --style basic --export-json "$out/times.json" \
    "$sd --all-netns -tln" "ip -all netns exec ss -tln" \
    "$sd -N $prefix-0 -tln" "ip netns exec $prefix-0 ss -tln" >"$out/hyperfine.log" 2>&1 ||
    { cat "$out/hyperfine.log" >&2; exit 1; }
python3 - "$out/times.json" "$sd" "$prefix" "$visited" "$visited_few" "$few" "$rss_few" "$rss_all" <<'EOF'
import json, statistics, sys
times = {r["command"]: statistics.median(r["times"]) for r in json.load(open(sys.argv[1]))["results"]}
sd, prefix, visited, visited_few, few, rss_few, rss_all = sys.argv[2:]
name = lambda c: c.replace(sd, "sockdiag")
print(f"  {'command':40} {'median ms':>10}")
for c, t in times.items():
    print(f"  {name(c):40} {t * 1000:10.1f}")
ours, theirs = times[f"{sd} --all-netns -tln"], times["ip -all netns exec ss -tln"]
print(f"  sockdiag --all-netns / ip -all netns exec ss: {ours / theirs:.3f}x")
print(f"  per namespace: {ours * 1000 / int(visited):.2f} ms ({visited} namespaces visited)")
one, one_ss = times[f"{sd} -N {prefix}-0 -tln"], times[f"ip netns exec {prefix}-0 ss -tln"]
print(f"  the farm's namespace alone: sockdiag / ss = {one / one_ss:.3f}x")
print(f"  peak RSS (KiB, median of 9): {rss_few} with {visited_few} namespaces, {rss_all} with {visited}")
EOF
