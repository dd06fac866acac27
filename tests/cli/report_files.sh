#!/usr/bin/env bash
# report_files.sh SASIM OUTDIR: runs a small workload twice with --out; both report.json files must be
# identical but for the mapper's search time, layers.csv must have a header and one row per layer, and the retire log one line per instruction.
set -euo pipefail
sasim="$1"; out="$2"
src="$(cd "$(dirname "$0")/../.." && pwd)"
rm -rf "$out"; mkdir -p "$out"
for i in 1 2; do
  "$sasim" run -q --config "$src/configs/tiny_4x4_ws.json" --workload "$src/workloads/tiny/mixed.json" \
    --out "$out/run$i" --retire-log "$out/run$i.log" > "$out/run$i.txt"
done
/usr/bin/python3 - "$out/run1/report.json" "$out/run2/report.json" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:])
assert a["mapper"]["strategy"] == "search", a["mapper"]
for r in (a, b): r["mapper"].pop("search_seconds")
assert a == b, "two runs of the same inputs wrote different reports"
PY
cmp "$out/run1.log" "$out/run2.log"
layers=$(grep -c '"name"' "$out/run1/report.json" || true)
rows=$(($(wc -l < "$out/run1/layers.csv") - 1))
head -n 1 "$out/run1/layers.csv" | grep -q '^layer,simulated,op,count,m,n,k,macs,cycles'
[ "$rows" -ge 1 ] || { echo "layers.csv has no rows"; exit 1; }
grep -q '"schema_version": 1' "$out/run1/report.json"
grep -q '"config_hash"' "$out/run1/report.json"
grep -q 'not simulated' "$out/run1.txt"
echo "ok: $rows layers, report deterministic"
