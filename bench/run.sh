#!/usr/bin/env bash
# Times sockdiag against ss and against the floors (a dump whose messages
# are only counted: two requests, one per IP family, as ss asks; and one
# request that walks the kernel's tables once for both, as sockdiag asks;
# each asking for the extensions the command asks for; the shared floor
# asks for every state bit, dump-floor for ss's twelve states) on a socket farm in
# a private network namespace, checks that both tools print the same lines,
# and measures peak RSS. For -p, the floor adds one readlink per descriptor
# (proc-floor, in bench/decode).
#
#   bench/run.sh [TCP_SOCKETS...]      default: 10000 100000 (run as root)
#
# Env: SOCKDIAG_BENCH_SHARED (default ../shared/bench beside the repo),
# SOCKDIAG_BIN (default: the static build, `cargo +nightly static`), RUNS (default 7).
# Needs: ip, ss, hyperfine, python3, cargo, GNU time (/usr/bin/time, for RSS).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
shared=${SOCKDIAG_BENCH_SHARED:-$repo/../shared/bench}
. "$repo/bench/lib.sh"
runs=${RUNS:-7}
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(10000 100000)
need ip ss hyperfine python3 cargo

out=$repo/target/bench
mkdir -p "$out"
sockdiag_bin
cargo build -q --release --manifest-path "$shared/floor/Cargo.toml" --target-dir "$out/floor"
floor=$out/floor/release/floor
(cd "$repo" && cargo build -q --release -p sockdiag-bench --bin proc-floor --bin dump-floor \
    --target-dir "$out/proc-floor")
procfloor=$out/proc-floor/release/proc-floor
# The same floors asking for the states the commands ask for (ss's twelve)
# instead of every state bit, which also walks the bind table on Linux 6.6+.
dumpfloor=$out/proc-floor/release/dump-floor

ns=sockdiag-bench-$$
farm=
cleanup() {
    [ -n "$farm" ] && kill "$farm" 2>/dev/null && wait "$farm" 2>/dev/null
    ip netns del "$ns" 2>/dev/null || true
}
trap cleanup EXIT INT TERM
inns() { ip netns exec "$ns" "$@"; }

# Peak RSS in KiB of one run, output discarded. GNU time forks, so the
# child starts small; a launcher that uses vfork (python's subprocess)
# would hand its own peak to the child's ru_maxrss at exec.
# The median of nine runs: the same command's peak moves by up to 150 KiB
# from run to run (start-up, address layout) even on an empty table, so
# the highest of a few runs measures that noise, not the sockets.
peak_rss() {
    if [ -x /usr/bin/time ]; then
        for _ in 1 2 3 4 5 6 7 8 9; do
            inns /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1
        done | sort -n | sed -n 5p
    else
        echo "n/a (apt-get install time)"
    fi
}

# Table lines without the header, spacing normalised. ss pads columns and
# appends a Process column; sockdiag's widths are fixed.
normal() { tail -n +2 | tr -s ' \t' ' ' | sed 's/ $//'; }

# Compares sockdiag and ss on ARGS; with FIRST=1 only each record's first
# line (ss -i continues a record on indented lines). Fails the run on a
# difference, so a fast wrong answer cannot pass.
compare() {
    local a=$out/sockdiag.txt b=$out/ss.txt
    inns "$sd" "$@" | normal >"$a"
    inns ss "$@" | normal >"$b"
    if [ "${FIRST:-0}" = 1 ]; then
        grep -v '^ ' "$a" >"$a.1" || true; mv "$a.1" "$a"
        grep -v '^ ' "$b" >"$b.1" || true; mv "$b.1" "$b"
    fi
    local n
    n=$(wc -l <"$a")
    if cmp -s "$a" "$b"; then
        echo "  same output: $* ($n lines, same order)"
    elif cmp -s <(sort "$a") <(sort "$b"); then
        echo "  same output: $* ($n lines, after sorting: the order differs)"
    else
        echo "  OUTPUT DIFFERS: $*" >&2
        diff <(sort "$a") <(sort "$b") | head -20 >&2
        exit 1
    fi
}

bench_size() {
    local tcp=$1 conns listen udp unix
    # Two sockets per pair; the rest listeners. UDP and UNIX at a tenth.
    listen=$((tcp / 100)); conns=$(((tcp - listen) / 2)); udp=$((tcp / 20)); unix=$((tcp / 20))
    ip netns add "$ns"
    rm -f "$out/farm.json"
    # Not through inns: $! must be python itself (ip netns exec execs it),
    # so that kill reaches the farm, which then stops its workers.
    ip netns exec "$ns" python3 "$shared/sockfarm.py" --listen "$listen" --conns "$conns" \
        --udp "$udp" --unix "$unix" --fill 8081:64:17 --ready "$out/farm.json" \
        >"$out/farm.log" 2>&1 &
    farm=$!
    while [ ! -s "$out/farm.json" ]; do
        kill -0 "$farm" 2>/dev/null || { echo "bench: sockfarm died" >&2; exit 1; }
        sleep 0.5
    done
    local count
    count=$(inns "$floor" tcp)
    echo "== farm: $count TCP sockets (floor's count), $udp UDP, $((2 * unix)) UNIX"

    compare -tan
    compare -xa
    # -n here: ss -tl names port 8081 after /etc/services (tproxy).
    compare -tln 'sport = :8081'
    FIRST=1 compare -tani
    compare -tanp

    # -i asks for INFO, VEGASINFO and CONG: ext 14, its floors' too.
    local cmds=(
        "$floor tcp" "$floor tcp1" "$dumpfloor tcp" "$dumpfloor tcp1" "$sd -tan" "ss -tan"
        "$floor tcp 32768 14" "$floor tcp1 32768 14" "$dumpfloor tcp 14" "$dumpfloor tcp1 14"
        "$sd -tani" "ss -tani"
        "$procfloor" "$sd -tanp" "ss -tanp"
        "$floor unix" "$sd -xa" "ss -xa"
        "$sd -tl 'sport = :8081'" "ss -tl 'sport = :8081'"
    )
    inns hyperfine -N --runs "$runs" --warmup 1 --style basic \
        --export-json "$out/times-$tcp.json" "${cmds[@]}" >"$out/hyperfine-$tcp.log" 2>&1 ||
        { cat "$out/hyperfine-$tcp.log" >&2; exit 1; }
    : >"$out/rss-$tcp.txt"
    for c in "${cmds[@]}"; do
        eval "set -- $c"
        printf '%s\t%s\n' "$c" "$(peak_rss "$@")" >>"$out/rss-$tcp.txt"
    done
    python3 - "$out/times-$tcp.json" "$out/rss-$tcp.txt" "$sd" "$floor" "$procfloor" "$dumpfloor" <<'EOF'
import json, statistics, sys
times = {r["command"]: statistics.median(r["times"]) for r in json.load(open(sys.argv[1]))["results"]}
rss = dict(l.rstrip("\n").split("\t") for l in open(sys.argv[2]))
sd, floor, procfloor, dumpfloor = sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6]
name = lambda c: (c.replace(sd, "sockdiag").replace(procfloor, "proc-floor")
                  .replace(dumpfloor, "dump-floor").replace(floor, "floor"))
print(f"  {'command':34} {'median ms':>10} {'peak RSS KiB':>13}")
for c, t in times.items():
    print(f"  {name(c):34} {t * 1000:10.1f} {rss[c]:>13}")
# -p's floor: the one-walk dump and one readlink per descriptor.
p_floor = "floor tcp1 + proc-floor"
times[p_floor] = times[f"{floor} tcp1"] + times[procfloor]
print(f"  {p_floor:34} {times[p_floor] * 1000:10.1f}")
# Each command against the floor of two requests (one per IP family, as
# ss asks), the floor of one walk (as sockdiag asks), with the extensions
# the command asks for, and ss; then against the same two floors asking
# for the command's states (dump-floor).
rows = [
    (f"{sd} -tan", f"{floor} tcp", f"{floor} tcp1", "ss -tan", f"{dumpfloor} tcp", f"{dumpfloor} tcp1"),
    (f"{sd} -tani", f"{floor} tcp 32768 14", f"{floor} tcp1 32768 14", "ss -tani",
     f"{dumpfloor} tcp 14", f"{dumpfloor} tcp1 14"),
    (f"{sd} -tanp", None, p_floor, "ss -tanp", None, None),
    (f"{sd} -xa", f"{floor} unix", None, "ss -xa", None, None),
    (f"{sd} -tl 'sport = :8081'", f"{floor} tcp", f"{floor} tcp1", "ss -tl 'sport = :8081'", None, None),
    ("ss -tan", f"{floor} tcp", f"{floor} tcp1", None, f"{dumpfloor} tcp", f"{dumpfloor} tcp1"),
    ("ss -tani", f"{floor} tcp 32768 14", f"{floor} tcp1 32768 14", None,
     f"{dumpfloor} tcp 14", f"{dumpfloor} tcp1 14"),
    (f"{floor} tcp1", f"{floor} tcp", None, None, None, None),
    (f"{floor} tcp1 32768 14", f"{floor} tcp 32768 14", None, None, None, None),
    (f"{dumpfloor} tcp", f"{floor} tcp", None, None, None, None),
    (f"{dumpfloor} tcp1", f"{floor} tcp", f"{floor} tcp1", None, f"{dumpfloor} tcp", None),
]
def ratio(a, b):
    return f"{times[a] / times[b]:.2f}" if b in times else "-"
print(f"  ratios (same run): {'command':28} {'/ two requests':>14} {'/ one walk':>10} {'/ ss':>6}"
      f" {'/ two, ss states':>16} {'/ one, ss states':>16}")
for c, two, one, ss, two_s, one_s in rows:
    print(f"  {'':19}{name(c):28} {ratio(c, two):>14} {ratio(c, one):>10} {ratio(c, ss):>6}"
          f" {ratio(c, two_s):>16} {ratio(c, one_s):>16}")
EOF
    kill "$farm"; wait "$farm" 2>/dev/null || true; farm=
    ip netns del "$ns"
}

echo "sockdiag: $sd ($(stat -c %s "$sd") bytes); medians of $runs runs"
for size in "${sizes[@]}"; do
    bench_size "$size"
done
