#!/usr/bin/env bash
# timing_only.sh SASIM OUTDIR: `sasim run --timing-only` computes no values, yet every cycle count and
# statistic equals that of a checked run (timing does not depend on operand values); only the check differs.
set -euo pipefail
sasim="$1"; out="$2"
src="$(cd "$(dirname "$0")/../.." && pwd)"
rm -rf "$out"; mkdir -p "$out"
for pair in tiny_2x2_ws:mixed tiny_4x4_os:resblock_small tiny_4x8_ws:conv3x3 tiny_4x4_ws:depthwise; do
  cfg="${pair%%:*}"; wl="${pair##*:}"
  "$sasim" run -q --format json --config "$src/configs/$cfg.json" --workload "$src/workloads/tiny/$wl.json" \
    --retire-log "$out/$cfg.$wl.full.log" > "$out/$cfg.$wl.full.json"
  "$sasim" run -q --format json --timing-only --config "$src/configs/$cfg.json" \
    --workload "$src/workloads/tiny/$wl.json" --retire-log "$out/$cfg.$wl.timing.log" > "$out/$cfg.$wl.timing.json"
  cmp "$out/$cfg.$wl.full.log" "$out/$cfg.$wl.timing.log"
  /usr/bin/python3 - "$out/$cfg.$wl.full.json" "$out/$cfg.$wl.timing.json" <<'PY'
import json, sys
full, timing = (json.load(open(p)) for p in sys.argv[1:3])
def strip(d):
    """The report without its check results and where the values came from."""
    for l in d["layers"]:
        l.pop("values", None)
        l.pop("fused", None)
        c = l.pop("check", None)
        if c is not None and l.get("simulated"):
            yield c
    d["totals"].pop("check", None)
full_checks, timing_checks = list(strip(full)), list(strip(timing))
assert full_checks and all(c["checked"] and c["pass"] for c in full_checks), full_checks
assert all(not c["checked"] for c in timing_checks), timing_checks
full.pop("machine", None); timing.pop("machine", None)
full["mapper"].pop("search_seconds"); timing["mapper"].pop("search_seconds")
assert full == timing, "reports differ beyond the check"
PY
done
echo "ok: --timing-only gives the same cycles and statistics, no check"
