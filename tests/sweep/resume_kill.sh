#!/usr/bin/env bash
# Resume after kill -9: start a sweep with --jobs 1, kill -9 it as soon as its first point is done, and
# run the same command again. The point it finished must not run again (its done marker is the same
# file), the running `sasim run` child must not outlive the sweep, and the final results.csv and
# points.jsonl must equal those of a clean run.
#   resume_kill.sh SASIM WORKDIR
set -euo pipefail
sasim="$1"; work="$2"
spec="$(cd "$(dirname "$0")" && pwd)/slow.json"
rm -rf "$work"; mkdir -p "$work"

"$sasim" sweep "$spec" --out "$work/killed" --jobs 1 -q > "$work/first.txt" 2>&1 &
pid=$!
for _ in $(seq 1 3000); do
  if compgen -G "$work/killed/points/*/result.json" > /dev/null; then break; fi
  sleep 0.01
done
children="$(pgrep -P "$pid" || true)"
{ kill -9 "$pid"; wait "$pid" || true; } 2> /dev/null  # (quietly: bash would report the killed job)
done_before=$(compgen -G "$work/killed/points/*/result.json" | wc -l)
total=$("$sasim" sweep "$spec" --dry-run | tail -n 1 | cut -d' ' -f1)
echo "killed after $done_before of $total points"
[ "$done_before" -ge 1 ] || { echo "no point finished before the kill"; exit 1; }
[ "$done_before" -lt "$total" ] || { echo "every point finished before the kill; the test proves nothing"; exit 1; }
sleep 0.3
for c in $children; do
  if kill -0 "$c" 2>/dev/null && grep -q sasim "/proc/$c/cmdline" 2>/dev/null; then
    echo "the point process $c outlived the killed sweep"; exit 1
  fi
done
# A kill during an append leaves half a row; the resumed sweep must drop it.
printf '%s' "0123456789abcdef,gemm_mid,os,10,2,2" >> "$work/killed/results.csv"
printf '%s' '{"index":3,"point":"01' >> "$work/killed/points.jsonl"
# The done markers of the finished points, by inode: rewriting one would change it.
before="$(stat -c '%i %n' "$work"/killed/points/*/result.json)"

"$sasim" sweep "$spec" --out "$work/killed" --jobs 1 > "$work/resume.txt" 2> "$work/resume.err"
grep -q "$total of $total points done ($total ok, 0 failed); ran $((total - done_before)) in" "$work/resume.txt" \
  || { cat "$work/resume.txt"; exit 1; }
grep -q "$done_before already done" "$work/resume.txt"
while read -r inode path; do
  [ "$(stat -c '%i' "$path")" = "$inode" ] || { echo "$path was rewritten: its point ran again"; exit 1; }
done <<< "$before"

"$sasim" sweep "$spec" --out "$work/clean" --jobs 1 -q > /dev/null
cmp "$work/clean/results.csv" "$work/killed/results.csv"
strip() { sed -E 's/"wall_seconds":[0-9.e+-]+//' "$1"; }
cmp <(strip "$work/clean/points.jsonl") <(strip "$work/killed/points.jsonl")
echo "ok: resumed after kill -9; $done_before finished points kept, results equal a clean run"
