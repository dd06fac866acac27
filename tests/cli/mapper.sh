#!/usr/bin/env bash
# mapper.sh SASIM OUTDIR: `sasim map` writes mapping.json; `run --mapping` replays it with the same cycles
# and passing checks; `run` (search, the default) picks the same programs, with --jobs 3 as with one
# process, and is never slower than `--mapper heuristic` on any layer; a second search with the cache
# re-searches nothing; a damaged cache entry is reported.
set -euo pipefail
sasim="$1"; out="$2"
src="$(cd "$(dirname "$0")/../.." && pwd)"
rm -rf "$out"; mkdir -p "$out"
cache="$out/cache"
for pair in tiny_4x4_ws:resblock_small tiny_3x5_os:conv3x3 tiny_4x4_is:mixed tiny_2x2_ws:conv_stride2; do
  cfg="$src/configs/${pair%%:*}.json"; wl="$src/workloads/tiny/${pair##*:}.json"; tag="${pair/:/.}"
  "$sasim" map -q --config "$cfg" --workload "$wl" --out "$out/$tag.map" --mapper-cache none > "$out/$tag.map.txt"
  "$sasim" run -q --format json --config "$cfg" --workload "$wl" --mapping "$out/$tag.map/mapping.json" > "$out/$tag.replay.json"
  "$sasim" run -q --format json --config "$cfg" --workload "$wl" --mapper-cache "$cache" > "$out/$tag.search.json"
  "$sasim" run -q --format json --config "$cfg" --workload "$wl" --mapper search --mapper-cache "$cache" > "$out/$tag.cached.json"
  "$sasim" run -q --format json --config "$cfg" --workload "$wl" --mapper-cache none --jobs 3 > "$out/$tag.jobs.json"
  "$sasim" run -q --format json --config "$cfg" --workload "$wl" --mapper heuristic > "$out/$tag.heuristic.json"
  /usr/bin/python3 - "$out/$tag" <<'PY'
import json, sys
t = sys.argv[1]
rep = {k: json.load(open(f"{t}.{k}.json")) for k in ("replay", "search", "cached", "jobs", "heuristic")}
mapped = json.load(open(f"{t}.map/report.json"))
def sim(r): return [l for l in r["layers"] if l.get("simulated")]
for k in ("replay", "search", "cached", "jobs"):
    cyc = [l["cycles"] for l in sim(rep[k])]
    assert cyc == [l["cycles"] for l in sim(mapped)], (k, cyc)
    assert all(l["check"]["checked"] and l["check"]["pass"] for l in sim(rep[k])), k
for s, h in zip(sim(rep["search"]), sim(rep["heuristic"])):
    assert s["cycles"] <= h["cycles"], (s["name"], s["cycles"], h["cycles"])
assert all(l["mapping"]["strategy"] == "replay" for l in sim(rep["replay"]))
assert rep["search"]["mapper"]["cache_hits"] == 0 and rep["search"]["mapper"]["simulated"] > 0
c = rep["cached"]["mapper"]
assert c["simulated"] == 0 and c["search_seconds"] == 0 and c["cache_hits"] > 0, c
# Parallel workers choose what one process chooses, after simulating the same candidates.
for s, j in zip(sim(rep["search"]), sim(rep["jobs"])):
    for f in ("describe", "candidates", "simulated", "heuristic_cycles", "bound_cycles", "memo_hit"):
        assert s["mapping"].get(f) == j["mapping"].get(f), (s["name"], f, s["mapping"], j["mapping"])
    assert j["mapping"]["strategy"] == "search" and not j["mapping"]["cache_hit"], j["mapping"]
assert rep["heuristic"]["mapper"]["strategy"] == "heuristic"
PY
done
# A cache entry whose cycles no longer match is reported (and the run's own cycles are used).
f="$(ls "$cache"/mapper-*.json | head -n 1)"
/usr/bin/python3 - "$f" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for e in d["entries"].values(): e["cycles"] += 1
json.dump(d, open(sys.argv[1], "w"))
PY
cfg_of_f=""
for pair in tiny_4x4_ws:resblock_small tiny_3x5_os:conv3x3 tiny_4x4_is:mixed tiny_2x2_ws:conv_stride2; do
  cfg="$src/configs/${pair%%:*}.json"; wl="$src/workloads/tiny/${pair##*:}.json"
  if "$sasim" run -q --config "$cfg" --workload "$wl" --mapper search --mapper-cache "$cache" 2>&1 >/dev/null | grep -q "stale mapper cache entry"; then
    cfg_of_f="$cfg"
  fi
done
[ -n "$cfg_of_f" ] || { echo "no stale-entry warning after changing the cached cycles"; exit 1; }
# --mapping and --mapper together are refused.
set +e
"$sasim" run -q --config "$src/configs/tiny_4x4_ws.json" --workload "$src/workloads/tiny/mixed.json" \
  --mapper search --mapping "$out/tiny_4x4_ws.resblock_small.map/mapping.json" 2>/dev/null
rc=$?
set -e
[ $rc -eq 2 ] || { echo "expected exit 2 for --mapping with --mapper search, got $rc"; exit 1; }
# A worker that cannot search reports the layer and stops the run with exit 3 (a simulation error), nothing half-written.
set +e
"$sasim" run -q --inject-fault kill-search-worker --config "$src/configs/tiny_4x4_ws.json" \
  --workload "$src/workloads/tiny/resblock_small.json" --mapper-cache none --jobs 2 --out "$out/killed" \
  > /dev/null 2> "$out/killed.err"
rc=$?
set -e
[ $rc -eq 3 ] || { echo "expected exit 3 when a search worker dies, got $rc"; cat "$out/killed.err"; exit 1; }
grep -q "the worker searching layer .* was killed by signal 9" "$out/killed.err" || { cat "$out/killed.err"; exit 1; }
[ ! -e "$out/killed/report.json" ] || { echo "report.json written by a failed run"; exit 1; }
echo ok
