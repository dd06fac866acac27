#!/usr/bin/env bash
# special_files.sh SASIM OUTDIR: a sweep never renames over or appends to a special file in its directory
# (docs/reliability.md, "Outputs"): a FIFO where results.csv, points.jsonl or sweep.json goes is refused
# with exit 2 before any point runs and stays a FIFO; a sweep directory that is a file is refused; a report
# that cannot reach stdout exits 2.
set -euo pipefail
sasim="$1"; out="$2"
src="$(cd "$(dirname "$0")/../.." && pwd)"
spec="$src/tests/sweep/small.json"
rm -rf "$out"; mkdir -p "$out"
for name in results.csv points.jsonl sweep.json; do
  dir="$out/fifo_$name"; mkdir -p "$dir"; mkfifo "$dir/$name"
  rc=0; timeout 60 "$sasim" sweep "$spec" -q -o "$dir" > "$out/stdout.txt" 2> "$out/stderr.txt" || rc=$?
  [ "$rc" = 2 ] || { echo "FIFO $name: exit $rc, expected 2"; cat "$out/stderr.txt"; exit 1; }
  grep -q "$dir/$name: exists and is not a regular file" "$out/stderr.txt" || { cat "$out/stderr.txt"; exit 1; }
  [ -p "$dir/$name" ] || { echo "$dir/$name is no longer a FIFO"; exit 1; }
  [ -z "$(ls "$dir/points")" ] || { echo "FIFO $name: points ran before the refusal"; exit 1; }
done
touch "$out/a_file"
rc=0; "$sasim" sweep "$spec" -q -o "$out/a_file" > /dev/null 2> "$out/stderr.txt" || rc=$?
[ "$rc" = 2 ] && grep -q "cannot create sweep directory" "$out/stderr.txt" || { echo "file as dir: exit $rc"; exit 1; }
if [ -c /dev/full ]; then
  rc=0; "$sasim" sweep "$spec" -q -o "$out/full" > /dev/full 2> "$out/stderr.txt" || rc=$?
  [ "$rc" = 2 ] && grep -q "standard output: cannot write" "$out/stderr.txt" || { echo "/dev/full: exit $rc"; exit 1; }
fi
echo "special files: ok"
