#!/usr/bin/env bash
# A small sweep runs to completion: results.csv has one row per point x layer plus a total row per
# point, points.jsonl one line per point; a point that fails is recorded and the sweep goes on (exit 1);
# running the same command again skips every finished point; --dry-run lists the points.
#   small_sweep.sh SASIM WORKDIR
set -euo pipefail
sasim="$1"; work="$2"
here="$(cd "$(dirname "$0")" && pwd)"
rm -rf "$work"; mkdir -p "$work"

"$sasim" sweep "$here/small.json" --out "$work/small" --jobs 2 > "$work/run1.txt" 2> "$work/run1.err"
grep -q "16 of 16 points done (16 ok, 0 failed)" "$work/run1.txt"
csv="$work/small/results.csv"
head -n 1 "$csv" | grep -q '^point,workload,dataflow,rows,cols,pes,dram_bytes_per_cycle,clock_mhz,scope,layer_index,layer,op,simulated,status,count,m,n,k,macs,cycles,'
# gemm_small has 1 layer, mixed has 3: 8 points x (1 + 1) + 8 points x (3 + 1) rows.
rows=$(($(wc -l < "$csv") - 1))
[ "$rows" -eq 48 ] || { echo "results.csv has $rows rows, want 48"; exit 1; }
[ "$(grep -c ',total,,total,' "$csv")" -eq 16 ] || { echo "want 16 total rows"; exit 1; }
[ "$(wc -l < "$work/small/points.jsonl")" -eq 16 ] || { echo "points.jsonl needs 16 lines"; exit 1; }
[ "$(ls "$work/small/points" | wc -l)" -eq 16 ]
for f in config.json report.json layers.csv result.json stderr.txt; do
  [ "$(ls "$work/small"/points/*/$f | wc -l)" -eq 16 ] || { echo "every point needs $f"; exit 1; }
done
grep -q '"status":"ok"' "$work/small/points.jsonl"
if grep -q ',failed,' "$csv"; then echo "no point should fail"; exit 1; fi

# Running again resumes: nothing left to run, identical results.
cp "$csv" "$work/first.csv"
"$sasim" sweep "$here/small.json" --out "$work/small" --jobs 2 > "$work/run2.txt" 2> "$work/run2.err"
grep -q "ran 0 in" "$work/run2.txt"
grep -q "16 already done" "$work/run2.txt"
cmp "$work/first.csv" "$csv"

# Only one sweep writes a directory at a time: while another process holds its lock, a sweep exits 2.
if command -v flock > /dev/null; then
  set +e
  flock "$work/small/.lock" "$sasim" sweep "$here/small.json" --out "$work/small" > /dev/null 2> "$work/locked.err"
  rc=$?
  set -e
  [ "$rc" -eq 2 ] || { echo "a locked sweep directory must give exit code 2, got $rc"; exit 1; }
  grep -q "another sasim sweep is writing to this directory" "$work/locked.err"
fi

# --dry-run lists the points without running them.
"$sasim" sweep "$here/small.json" --dry-run > "$work/dry.txt"
grep -q "^16 points" "$work/dry.txt" || { tail -n 1 "$work/dry.txt"; exit 1; }

# A failing point is recorded with its error; the others still run; the exit code is 1.
set +e
"$sasim" sweep "$here/one_fails.json" --out "$work/fails" --jobs 2 > "$work/fails.txt" 2> "$work/fails.err"
rc=$?
set -e
[ "$rc" -eq 1 ] || { echo "a sweep with a failed point must exit 1, got $rc"; cat "$work/fails.err"; exit 1; }
grep -q "2 of 2 points done (1 ok, 1 failed)" "$work/fails.txt"
grep -q ',failed,.*config.json: scratchpad.capacity_kib: scratchpad too small for one tile' "$work/fails/results.csv"
grep -q '"status":"failed"' "$work/fails/points.jsonl"
[ "$(grep -c ',total,,total,,,ok,' "$work/fails/results.csv")" -eq 1 ]
# Failed points count as done; --retry-failed runs them again.
"$sasim" sweep "$here/one_fails.json" --out "$work/fails" > "$work/fails2.txt" 2>&1 || true
grep -q "ran 0 in" "$work/fails2.txt"
"$sasim" sweep "$here/one_fails.json" --out "$work/fails" --retry-failed > "$work/fails3.txt" 2>&1 || true
grep -q "ran 1 in" "$work/fails3.txt"
echo "ok: small sweep, resume without work, dry run, failed point recorded"
