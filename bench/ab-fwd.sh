#!/usr/bin/env bash
# ab-fwd.sh: lr-bench-fwd of two git revisions, interleaved, to tell a
# change from the noise of a shared machine.
#
#   bench/ab-fwd.sh [--rounds N] [--secs S] [--backends "sock uring dpdk"]
#                   [--out FILE] BEFORE AFTER
#
# Each revision is exported (git archive) into a temporary directory under
# /tmp and lr-bench-fwd alone is built there as ./run.sh bench builds it
# (Release, Ninja). Then, N rounds (default 5), for each backend: BEFORE
# and AFTER, one after the other (BEFORE first in odd rounds, AFTER first
# in even ones), each running the cells 200 and 1200 bytes x fan-out 1 and
# 10, one flow, the default suite (AEAD_AES_128_GCM), S seconds a cell
# (default 1: the median of five windows). Only options both revisions
# understand are passed (--only, --flows, --secs); where only one of them
# knows --rx, that one gets --rx gso-batch, the only way the other sends,
# so that like is compared with like (and no time goes to cells the other
# cannot run). With both knowing it, both modes are compared.
#
# Printed: per cell a JSON line with the medians of each side, after /
# before, the spread (each side's min and max, the per-round ratios' min
# and max), then a table. The raw rows (tagged with side and round) also
# go to FILE with --out. The temporary directory is removed at exit.
set -euo pipefail

rounds=5 secs=1 backends="sock uring dpdk" out=""
usage() {
	sed -n '4,5p' "$0" | sed 's/^# \{0,1\}//' >&2
	exit 2
}
while [ $# -gt 0 ]; do
	case "$1" in
	--rounds) rounds=${2:?}; shift 2 ;;
	--secs) secs=${2:?}; shift 2 ;;
	--backends) backends=${2:?}; shift 2 ;;
	--out) out=${2:?}; shift 2 ;;
	-h | --help) usage ;;
	-*) echo "ab-fwd.sh: unknown option $1" >&2; usage ;;
	*) break ;;
	esac
done
[ $# -eq 2 ] || usage
repo=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
before=$(git -C "$repo" rev-parse --verify "$1^{commit}")
after=$(git -C "$repo" rev-parse --verify "$2^{commit}")
jobs=$(nproc 2>/dev/null || echo 2)
tmp=$(mktemp -d /tmp/ab-fwd.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
log() { printf '[ab-fwd] %s\n' "$*" >&2; }

# build SIDE REV: the revision's lr-bench-fwd in $tmp/SIDE
build() {
	local side=$1 rev=$2 dir=$tmp/$1
	mkdir -p "$dir/src"
	git -C "$repo" archive "$rev" | tar -x -C "$dir/src"
	log "building $side ($rev) in $dir"
	if ! cmake -S "$dir/src" -B "$dir/build-release" -G Ninja \
		-DCMAKE_BUILD_TYPE=Release >"$dir/cmake.log" 2>&1 ||
		! ninja -C "$dir/build-release" -j"$jobs" lr-bench-fwd \
			>"$dir/ninja.log" 2>&1; then
		cat "$dir/cmake.log" "$dir/ninja.log" >&2 2>/dev/null || true
		log "build of $side ($rev) failed"
		exit 1
	fi
}
build before "$before"
build after "$after"

bin_before=$tmp/before/build-release/bench/lr-bench-fwd
bin_after=$tmp/after/build-release/bench/lr-bench-fwd
knows_rx() { "$1" --help 2>&1 | grep -q -- '--rx'; }
extra_before=() extra_after=()
if knows_rx "$bin_before" && ! knows_rx "$bin_after"; then
	extra_before=(--rx gso-batch)
elif knows_rx "$bin_after" && ! knows_rx "$bin_before"; then
	extra_after=(--rx gso-batch)
fi

raw=$tmp/rows.jsonl
: >"$raw"
log "load before the runs: $(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq 1 "$rounds"); do
	for be in $backends; do
		# the order alternates by round (before first in odd rounds,
		# after first in even ones): a cost of going first or second
		# (the host, the page cache) falls on both sides alike
		sides="before after"
		[ $((r % 2)) -eq 1 ] || sides="after before"
		for side in $sides; do
			if [ "$side" = before ]; then
				bin=$bin_before extra=("${extra_before[@]}")
			else
				bin=$bin_after extra=("${extra_after[@]}")
			fi
			log "round $r/$rounds: $be, $side"
			"$bin" --only "$be" --flows 1 --secs "$secs" \
				${extra[@]+"${extra[@]}"} 2>/dev/null |
				grep '^{"backend"' |
				sed "s/^{/{\"side\":\"$side\",\"round\":$r,/" \
					>>"$raw" || true
		done
	done
done
log "load after the runs: $(cut -d' ' -f1-3 /proc/loadavg)"
[ -z "$out" ] || cp "$raw" "$out"

python3 - "$raw" "$before" "$after" <<'EOF'
import json, statistics, sys

raw, before, after = sys.argv[1:4]
SOCKETS = ("sock", "uring")
cells = {}
for line in open(raw):
    r = json.loads(line)
    if r["suite"] != "AEAD_AES_128_GCM" or r["flows"] != 1:
        continue
    # rows without "rx" come from a bench that only sent GSO batches to
    # the socket backends; the other backends have one way of sending
    rx = r.get("rx", "gso-batch") if r["backend"] in SOCKETS else "-"
    key = (r["backend"], rx, r["size"], r["fanout"])
    c = cells.setdefault(key, {"before": {}, "after": {}})
    c[r["side"]][r["round"]] = r["pps"]

order = {"sock": 0, "uring": 1, "dpdk": 2}
rows = []
for key in sorted(cells, key=lambda k: (order.get(k[0], 9), k[1], k[2], k[3])):
    c = cells[key]
    b, a = c["before"], c["after"]
    if not b or not a:
        continue
    mb, ma = statistics.median(b.values()), statistics.median(a.values())
    per_round = [a[i] / b[i] for i in sorted(set(a) & set(b)) if b[i] > 0]
    res = {"backend": key[0], "rx": key[1], "size": key[2],
           "fanout": key[3], "flows": 1, "suite": "AEAD_AES_128_GCM",
           "before": before[:12], "after": after[:12],
           "rounds": len(per_round),
           "before_median_pps": round(mb), "after_median_pps": round(ma),
           "ratio": round(ma / mb, 3) if mb > 0 else None,
           "before_min_pps": round(min(b.values())),
           "before_max_pps": round(max(b.values())),
           "after_min_pps": round(min(a.values())),
           "after_max_pps": round(max(a.values())),
           "round_ratio_min": round(min(per_round), 3) if per_round else None,
           "round_ratio_max": round(max(per_round), 3) if per_round else None}
    rows.append(res)
    print(json.dumps(res, separators=(",", ":")))

print("\nafter / before, one flow, AEAD_AES_128_GCM, kpps (median of the rounds;"
      " spread: min-max)")
print("  %-7s %-9s %5s %6s %19s %19s %6s %13s" % (
    "backend", "rx", "size", "fanout", "before", "after", "ratio",
    "round ratios"))
for r in rows:
    print("  %-7s %-9s %5d %6d %6.0f (%4.0f-%4.0f) %6.0f (%4.0f-%4.0f) %6.3f %6.3f-%6.3f" % (
        r["backend"], r["rx"], r["size"], r["fanout"],
        r["before_median_pps"] / 1e3, r["before_min_pps"] / 1e3,
        r["before_max_pps"] / 1e3, r["after_median_pps"] / 1e3,
        r["after_min_pps"] / 1e3, r["after_max_pps"] / 1e3,
        r["ratio"] or 0, r["round_ratio_min"] or 0, r["round_ratio_max"] or 0))
if not rows:
    print("  (no cell measured by both sides)")
    sys.exit(1)
EOF
