#!/usr/bin/env bash
# Sharding and merging: shards 0/2 and 1/2 (and 0/3, 1/3, 2/3) merged with `sasim sweep merge` give the
# same results.csv, byte for byte, as one run of the whole sweep. The merged directory is complete
# (running the spec on it runs nothing), merging an incomplete set exits 1, and merging directories of
# different sweeps is refused with exit code 2.
#   shard_merge.sh SASIM WORKDIR
set -euo pipefail
sasim="$1"; work="$2"
here="$(cd "$(dirname "$0")" && pwd)"
spec="$here/small.json"
rm -rf "$work"; mkdir -p "$work"

"$sasim" sweep "$spec" --out "$work/single" --jobs 2 -q > /dev/null
# Determinism: the same sweep with --jobs 1 gives byte-identical results and per-point reports.
"$sasim" sweep "$spec" --out "$work/serial" --jobs 1 -q > /dev/null
cmp "$work/single/results.csv" "$work/serial/results.csv"
# points.jsonl also records each point's wall time, the one field that may differ.
strip_wall() { sed -E 's/"wall_seconds":[-0-9.eE+]+//' "$1"; }
cmp <(strip_wall "$work/single/points.jsonl") <(strip_wall "$work/serial/points.jsonl") || {
  echo "points.jsonl differs between --jobs 2 and --jobs 1 (beyond wall times)"; exit 1; }
for n in 2 3; do
  dirs=()
  for ((i = 0; i < n; i++)); do
    "$sasim" sweep "$spec" --out "$work/shard$i-of-$n" --shard "$i/$n" --jobs 2 -q > /dev/null
    dirs+=("$work/shard$i-of-$n")
  done
  # Each shard holds only its own points, and together they hold each point once.
  total=0
  for d in "${dirs[@]}"; do total=$((total + $(wc -l < "$d/points.jsonl"))); done
  [ "$total" -eq 16 ] || { echo "$n shards hold $total points, want 16"; exit 1; }
  "$sasim" sweep merge "${dirs[@]}" --out "$work/merged$n" > "$work/merge$n.txt"
  grep -q "16 of 16 points done (0 failed, 0 missing)" "$work/merge$n.txt"
  cmp "$work/single/results.csv" "$work/merged$n/results.csv"
  "$sasim" sweep "$spec" --out "$work/merged$n" -q > "$work/rerun$n.txt"
  grep -q "ran 0 in" "$work/rerun$n.txt"
  cmp "$work/single/results.csv" "$work/merged$n/results.csv"
done

# Merging only some shards: the output lists what is there and the command exits 1.
set +e
"$sasim" sweep merge "$work/shard0-of-2" --out "$work/partial" > "$work/partial.txt"
rc=$?
set -e
[ "$rc" -eq 1 ] || { echo "an incomplete merge must exit 1, got $rc"; exit 1; }
grep -q "8 of 16 points done (0 failed, 8 missing)" "$work/partial.txt"
# Merging the rest into it completes it.
"$sasim" sweep merge "$work/shard1-of-2" --out "$work/partial" > /dev/null
cmp "$work/single/results.csv" "$work/partial/results.csv"

# Shards of different specs are refused.
"$sasim" sweep "$here/one_fails.json" --out "$work/other" -q > /dev/null 2>&1 || true
set +e
"$sasim" sweep merge "$work/shard0-of-2" "$work/other" --out "$work/bad" 2> "$work/bad.err"
rc=$?
set -e
[ "$rc" -eq 2 ] || { echo "merging different sweeps must exit 2, got $rc"; exit 1; }
grep -q "not the same sweep as" "$work/bad.err"
echo "ok: 2 and 3 shards merge into the single-run results.csv"
