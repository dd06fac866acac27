#!/usr/bin/env bash
# The GNU parallel recipe of docs/sweeps.md ("GNU parallel"), run as written with the test's spec: four
# shards under `parallel -j 2`, merged, give the results.csv of one local sweep byte for byte; a shard
# killed mid-run (its parallel job with it) is resumed by running the same parallel line again.
#   gnu_parallel.sh SASIM WORKDIR
set -euo pipefail
sasim="$1"; work="$2"
here="$(cd "$(dirname "$0")" && pwd)"
spec="$here/slow.json"
command -v parallel > /dev/null || { echo "GNU parallel is not installed (Debian: parallel)"; exit 1; }
rm -rf "$work"; mkdir -p "$work"

"$sasim" sweep "$spec" --out "$work/single" --jobs 2 -q > /dev/null

recipe() {
  parallel --will-cite -j 2 "$sasim" sweep "$spec" --shard {}/4 --jobs 1 -q \
    --out "$work/par/shard-{}-of-4" ::: 0 1 2 3
}
# A first attempt stopped early: parallel and its sweeps are killed once the first point is on disk.
recipe > /dev/null 2>&1 &
pid=$!
for _ in $(seq 1 600); do
  if [ -n "$(cat "$work"/par/shard-*-of-4/points.jsonl 2> /dev/null)" ]; then break; fi
  sleep 0.05
done
kill -TERM "$pid" 2> /dev/null || true
pkill -TERM -f -- "--out $work/par/shard-" 2> /dev/null || true
wait "$pid" 2> /dev/null || true
done_before=$(cat "$work"/par/shard-*-of-4/points.jsonl 2> /dev/null | wc -l)

# The same line again resumes, then the merge.
recipe > /dev/null
"$sasim" sweep merge "$work"/par/shard-*-of-4 --out "$work/merged" > "$work/merge.txt"
grep -q "8 of 8 points done (0 failed, 0 missing)" "$work/merge.txt" || { cat "$work/merge.txt"; exit 1; }
cmp "$work/single/results.csv" "$work/merged/results.csv"
echo "ok: GNU parallel, 4 shards ($done_before points kept from the stopped attempt), merged = single run"
