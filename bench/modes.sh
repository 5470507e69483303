#!/usr/bin/env bash
# Benchmarks the modes that watch over time (README, "Benchmark"): one
# `sockdiag metrics` scrape with LISTENERS TCP listeners beside a farm of
# TCP connections, `watch` sampling at 1 kHz on the same farm, and the size
# of the static binary. Everything runs in one private network namespace,
# removed at the end (also on failure or Ctrl-C).
#
#   bench/modes.sh [TCP_SOCKETS]     default 100000 (run as root)
#
# Env: SOCKDIAG_BENCH_SHARED (default ../shared/bench beside the repo),
# SOCKDIAG_BIN (default: the static build, `cargo +nightly static`),
# LISTENERS (default 1000), RUNS (default 20), WATCH_SECONDS (default 10).
# Needs: ip, hyperfine, python3, cargo, GNU time (/usr/bin/time).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
shared=${SOCKDIAG_BENCH_SHARED:-$repo/../shared/bench}
runs=${RUNS:-20}
listeners=${LISTENERS:-1000}
watch_seconds=${WATCH_SECONDS:-10}
tcp=${1:-100000}
for tool in ip hyperfine python3 cargo /usr/bin/time; do
    command -v "$tool" >/dev/null || { echo "bench: $tool is missing" >&2; exit 1; }
done

out=$repo/target/bench
mkdir -p "$out"
if [ -z "${SOCKDIAG_BIN:-}" ]; then
    (cd "$repo" && cargo +nightly -q static)
    SOCKDIAG_BIN=$repo/target/x86_64-unknown-linux-musl/release-small/sockdiag
fi
cargo build -q --release --manifest-path "$shared/floor/Cargo.toml" --target-dir "$out/floor"
floor=$out/floor/release/floor
sd=$SOCKDIAG_BIN

ns=sockdiag-bench-modes-$$
farm=
cleanup() {
    [ -n "$farm" ] && kill "$farm" 2>/dev/null && wait "$farm" 2>/dev/null
    ip netns del "$ns" 2>/dev/null || true
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
