#!/usr/bin/env bash
# Benchmarks the modes that watch over time (README, "Benchmark"): one
# `sockdiag metrics` scrape with LISTENERS TCP listeners beside a farm of
# TCP connections, `watch` sampling at 1 kHz on the same farm, and the size
# of the static binary. Everything runs in one private network namespace,
# removed at the end (also on failure or Ctrl-C).
#
#   bench/modes.sh [TCP_SOCKETS]     default 100000 (run as root)
#
# Then the same scrape over every namespace (`metrics --all-netns`) with
# NAMESPACES more namespaces of PER_NS listeners each beside the farm's,
# and `serve --all-netns` scraped RUNS times (its own measure of each),
# beside the kernel's floor for that scrape (bench/decode's scrape-floor).
#
# Env: SOCKDIAG_BENCH_SHARED (default ../shared/bench beside the repo),
# SOCKDIAG_BIN (default: the static build, `cargo +nightly static`),
# LISTENERS (default 1000), RUNS (default 20), WATCH_SECONDS (default 10),
# NAMESPACES (default 200), PER_NS (default 5).
# Needs: ip, hyperfine, python3, cargo, curl, GNU time (/usr/bin/time).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
shared=${SOCKDIAG_BENCH_SHARED:-$repo/../shared/bench}
. "$repo/bench/lib.sh"
runs=${RUNS:-20}
listeners=${LISTENERS:-1000}
watch_seconds=${WATCH_SECONDS:-10}
namespaces=${NAMESPACES:-200}
per_ns=${PER_NS:-5}
tcp=${1:-100000}
need ip hyperfine python3 cargo curl /usr/bin/time

out=$repo/target/bench
mkdir -p "$out"
sockdiag_bin
cargo build -q --release --manifest-path "$shared/floor/Cargo.toml" --target-dir "$out/floor"
floor=$out/floor/release/floor
(cd "$repo" && cargo build -q --release -p sockdiag-bench --bin scrape-floor --target-dir "$out/proc-floor")
scrapefloor=$out/proc-floor/release/scrape-floor

ns=sockdiag-bench-modes-$$
farm=
holder=
serve=
cleanup() {
    [ -n "$serve" ] && kill "$serve" 2>/dev/null && wait "$serve" 2>/dev/null
    [ -n "$farm" ] && kill "$farm" 2>/dev/null && wait "$farm" 2>/dev/null
    [ -n "$holder" ] && kill "$holder" 2>/dev/null && wait "$holder" 2>/dev/null
    ip netns del "$ns" 2>/dev/null || true
    for i in $(seq 0 $((namespaces - 1))); do
        ip netns del "$ns-$i" 2>/dev/null || true
    done
}
trap cleanup EXIT INT TERM
inns() { ip netns exec "$ns" "$@"; }

echo "== machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== binary: $sd, $(stat -c %s "$sd") bytes (budget 524288)"

conns=$(((tcp - listeners) / 2))
ip netns add "$ns"
rm -f "$out/modes-farm.json"
# $! must be python itself (ip netns exec execs it), so kill reaches it.
ip netns exec "$ns" python3 "$shared/sockfarm.py" --listen "$listeners" --conns "$conns" \
    --fill 8081:64:17 --ready "$out/modes-farm.json" >"$out/modes-farm.log" 2>&1 &
farm=$!
while [ ! -s "$out/modes-farm.json" ]; do
    kill -0 "$farm" 2>/dev/null || { echo "bench: sockfarm died" >&2; exit 1; }
    sleep 0.5
done
echo "== farm: $(inns "$floor" tcp) TCP sockets (floor's count), one namespace"

# The answer first: every listener is in the exposition, 8081 with its 17.
inns "$sd" metrics >"$out/metrics.prom"
n=$(grep -c '^sockdiag_tcp_listen_queue_length{' "$out/metrics.prom")
# The farm's, 8081, and the one its connections were made through.
[ "$n" -ge $((listeners + 1)) ] || { echo "bench: $n listeners in the exposition" >&2; exit 1; }
grep -q '^sockdiag_tcp_listen_queue_length{.*port="8081".*} 17$' "$out/metrics.prom" ||
    { echo "bench: port 8081 does not show 17" >&2; exit 1; }
echo "  exposition: $n listeners, $(wc -c <"$out/metrics.prom") bytes, 8081 shows 17"
echo "  its own measure: $(grep '^sockdiag_scrape_duration_seconds ' "$out/metrics.prom")"

# One scrape, process start included (target: 20 ms).
hyperfine -N --runs "$runs" --warmup 3 --export-json "$out/metrics.json" \
    "ip netns exec $ns $sd metrics" >/dev/null
python3 - "$out/metrics.json" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
print(f"  metrics (one scrape): median {r['median'] * 1e3:.2f} ms, "
      f"min {r['min'] * 1e3:.2f} ms, max {r['max'] * 1e3:.2f} ms over {len(r['times'])} runs "
      "(includes ip netns exec's own start)")
EOF
# The same without ip netns exec's cost: the floor's listener-free run.
hyperfine -N --runs "$runs" --warmup 3 --export-json "$out/netns-exec.json" \
    "ip netns exec $ns true" >/dev/null
python3 - "$out/netns-exec.json" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
print(f"  ip netns exec true: median {r['median'] * 1e3:.2f} ms (subtract from the above)")
EOF

# watch at 1 kHz: CPU time over wall time (target: 5% of one core), for
# the one listener an operator watches (8081, the filter run by the
# kernel) and for every listener of the farm.
watch_cpu() {
    local what=$1
    shift
    inns /usr/bin/time -f '%U %S %e' -o "$out/watch.time" \
        "$sd" watch -H --sample 1ms --interval 1s --count "$watch_seconds" "$@" >"$out/watch.txt"
    local user sys wall rows
    read -r user sys wall <"$out/watch.time"
    rows=$(grep -vc '^#' "$out/watch.txt")
    python3 -c "
u, s, w = $user, $sys, $wall
print(f'  watch --sample 1ms, $what: {(u + s) / w * 100:.1f}% of one core '
      f'(user {u:.2f} s, system {s:.2f} s over {w:.2f} s; $rows rows printed)')"
}
watch_cpu "sport = :8081" sport = :8081
watch_cpu "every listener"

# Every namespace: NAMESPACES more, each with PER_NS listeners (one with a
# connection waiting) held by one process that enters each in turn.
for i in $(seq 0 $((namespaces - 1))); do
    ip netns add "$ns-$i"
    ip -n "$ns-$i" link set lo up
done
rm -f "$out/modes-holder.ready"
python3 - "$out/modes-holder.ready" "$per_ns" $(seq -f "$ns-%g" 0 $((namespaces - 1))) <<'EOF' &
import ctypes, os, signal, socket, sys, time
libc = ctypes.CDLL(None, use_errno=True)
ready, per_ns, names = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
held = []
for name in names:
    fd = os.open(f"/run/netns/{name}", os.O_RDONLY)
    if libc.setns(fd, 0x40000000) != 0:  # CLONE_NEWNET
        sys.exit(f"setns {name}: errno {ctypes.get_errno()}")
    os.close(fd)
    for port in range(9000, 9000 + per_ns):
        s = socket.socket()
        s.bind(("127.0.0.1", port))
        s.listen(32)
        held.append(s)
    held.append(socket.create_connection(("127.0.0.1", 9000)))
signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
open(ready, "w").write("ready\n")
while True:
    time.sleep(3600)
EOF
holder=$!
while [ ! -s "$out/modes-holder.ready" ]; do
    kill -0 "$holder" 2>/dev/null || { echo "bench: the namespace holder died" >&2; exit 1; }
    sleep 0.2
done
"$sd" metrics --all-netns --max-series 100000 >"$out/metrics-all.prom"
spread=$(grep -c "^sockdiag_tcp_listen_queue_length{.*port=\"900[0-9]\".*netns=\"$ns-" "$out/metrics-all.prom" || true)
[ "$spread" -eq $((namespaces * per_ns)) ] ||
    { echo "bench: $spread of $((namespaces * per_ns)) namespace listeners in the exposition" >&2; exit 1; }
visited=$(grep -c '^sockdiag_netns_tcp_listen_drops_total{' "$out/metrics-all.prom")
total=$(grep -c '^sockdiag_tcp_listen_queue_length{' "$out/metrics-all.prom")
echo "== every namespace: $visited namespaces, $total listeners in the exposition ($spread in the $namespaces added ones)"
echo "  its own measure: $(grep '^sockdiag_scrape_duration_seconds ' "$out/metrics-all.prom")"
hyperfine -N --runs "$runs" --warmup 3 --export-json "$out/metrics-all.json" \
    "$sd metrics --all-netns --max-series 100000" >/dev/null
python3 - "$out/metrics-all.json" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
print(f"  metrics --all-netns --max-series 100000 (one scrape): median {r['median'] * 1e3:.2f} ms, "
      f"min {r['min'] * 1e3:.2f} ms, max {r['max'] * 1e3:.2f} ms over {len(r['times'])} runs")
EOF

# serve --all-netns: the first scrape opens each namespace's socket and
# /proc files; the later ones, timed by serve itself, reuse them.
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$sd" serve "127.0.0.1:$port" --all-netns --max-series 100000 >/dev/null 2>"$out/serve.err" &
serve=$!
until curl -sf -o /dev/null "http://127.0.0.1:$port/metrics"; do
    kill -0 "$serve" 2>/dev/null || { echo "bench: serve died: $(cat "$out/serve.err")" >&2; exit 1; }
    sleep 0.2
done
for _ in $(seq "$runs"); do
    curl -sf "http://127.0.0.1:$port/metrics" | sed -n 's/^sockdiag_scrape_duration_seconds //p'
done >"$out/serve-scrapes.txt"
python3 - "$out/serve-scrapes.txt" <<'EOF'
import statistics, sys
t = sorted(float(l) * 1e3 for l in open(sys.argv[1]))
print(f"  serve --all-netns (one scrape, its own measure): median {statistics.median(t):.2f} ms, "
      f"min {t[0]:.2f} ms, max {t[-1]:.2f} ms over {len(t)} scrapes")
EOF
# The floor of that scrape: what the kernel does for it, with nothing
# decoded or written (bench/decode's scrape-floor: per namespace one
# listener walk and one read of each /proc file the metrics come from,
# everything opened beforehand as serve keeps it; this namespace and
# every one named under /run/netns).
echo "  the kernel's floor (scrape-floor): $("$scrapefloor" "$runs")"
