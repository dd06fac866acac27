#!/usr/bin/env bash
# report_files.sh SASIM OUTDIR: runs a small workload twice with --out; both report.json files must be
# identical, layers.csv must have a header and one row per layer, and the retire log one line per instruction.
set -euo pipefail
sasim="$1"; out="$2"
src="$(cd "$(dirname "$0")/../.." && pwd)"
rm -rf "$out"; mkdir -p "$out"
for i in 1 2; do
  "$sasim" run -q --config "$src/configs/tiny_4x4_ws.json" --workload "$src/workloads/tiny/mixed.json" \
    --out "$out/run$i" --retire-log "$out/run$i.log" > "$out/run$i.txt"
done
cmp "$out/run1/report.json" "$out/run2/report.json"
cmp "$out/run1.log" "$out/run2.log"
layers=$(grep -c '"name"' "$out/run1/report.json" || true)
rows=$(($(wc -l < "$out/run1/layers.csv") - 1))
head -n 1 "$out/run1/layers.csv" | grep -q '^layer,simulated,op,count,m,n,k,macs,cycles'
[ "$rows" -ge 1 ] || { echo "layers.csv has no rows"; exit 1; }
grep -q '"schema_version": 1' "$out/run1/report.json"
grep -q '"config_hash"' "$out/run1/report.json"
grep -q 'not simulated' "$out/run1.txt"
echo "ok: $rows layers, report deterministic"
