#!/usr/bin/env bash
# A sweep whose base is a SCALE-Sim .cfg: every point runs the config `sasim run --config X.cfg` would,
# with the axis applied (issue: every subcommand takes the same config formats).
#   cfg_base.sh SASIM WORKDIR
set -euo pipefail
sasim="$1"; work="$2"
here="$(cd "$(dirname "$0")" && pwd)"
rm -rf "$work"; mkdir -p "$work"
"$sasim" sweep "$here/cfg_base.json" --out "$work/out" --jobs 1 -q > /dev/null
"$sasim" run -q --mapper heuristic -c "$here/../cli/scalesim_small.cfg" -w "$here/../../workloads/tiny/gemm_small.json" \
  --format json > "$work/direct.json"
/usr/bin/python3 - "$work" <<'PY'
import csv, json, sys
w = sys.argv[1]
rows = {r["rows"]: r for r in csv.DictReader(open(f"{w}/out/results.csv")) if r["scope"] == "total"}
direct = json.load(open(f"{w}/direct.json"))
def check(cond, what):
    if not cond: print("FAIL:", what); sys.exit(1)
check(sorted(rows) == ["2", "4"] and all(r["status"] == "ok" for r in rows.values()), "two points ran")
check(int(rows["4"]["cycles"]) == direct["totals"]["cycles"], "the 4-row point is the .cfg as sasim run reads it")
check(int(rows["2"]["cycles"]) != int(rows["4"]["cycles"]), "the axis changed the array")
PY
echo "ok: a .cfg base"
