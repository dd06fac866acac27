#!/usr/bin/env bash
# interrupt.sh SASIM OUTDIR: Ctrl-C (SIGINT) or SIGTERM stops a run cleanly (docs/reliability.md,
# "Stopping"): exit 130 / 143, a message, report.json and layers.csv of the finished layers marked
# "complete": false, no temporary file and no half-written retire log; the same during a mapper search.
set -euo pipefail
sasim="$1"; out="$2"
src="$(cd "$(dirname "$0")/../.." && pwd)"
rm -rf "$out"; mkdir -p "$out"
wl="$src/tests/cli/interrupt_workload.json"
stop() {  # stop NAME SIGNAL EXPECTED_EXIT [sasim run args]
  local name="$1" sig="$2" want="$3"; shift 3
  "$sasim" run -q --config "$src/configs/tiny_4x4_ws.json" --workload "$wl" --mapper-cache none \
    --out "$out/$name" --retire-log "$out/$name.log" "$@" > "$out/$name.stdout" 2> "$out/$name.stderr" &
  local pid=$! rc=0
  sleep 0.5
  kill "-$sig" "$pid"
  wait "$pid" || rc=$?
  [ "$rc" = "$want" ] || { echo "$name: exit $rc, expected $want"; cat "$out/$name.stderr"; exit 1; }
  grep -q "sasim: stopping (again to quit at once)" "$out/$name.stderr"
  grep -Eq "after ([0-9]|1[01]) of 12 layers; the reports cover those layers" "$out/$name.stderr" || {
    cat "$out/$name.stderr"; exit 1; }
  /usr/bin/python3 - "$out/$name" <<'PY'
import csv, json, sys
d = sys.argv[1]
r = json.load(open(f"{d}/report.json"))
assert r["complete"] is False, r["complete"]
assert len(r["layers"]) < 12, len(r["layers"])
assert all(l["check"]["pass"] for l in r["layers"]), "a finished layer failed its check"
assert len(list(csv.DictReader(open(f"{d}/layers.csv")))) == len(r["layers"])
PY
  [ ! -e "$out/$name.log" ] || { echo "$name: a half-written retire log was left"; exit 1; }
  [ -z "$(find "$out" -name '*.tmp*')" ] || { echo "$name: temporary files left"; find "$out" -name '*.tmp*'; exit 1; }
}
stop heuristic_int INT 130 --mapper heuristic
stop heuristic_term TERM 143 --mapper heuristic
stop search_int INT 130
stop search_jobs_int INT 130 --jobs 2

# Inside one long layer (about 13 s of simulation): on a terminal the progress line counts the layer's
# retired instructions, and SIGINT stops the layer within a tick (kTickCycles) instead of at its end.
printf '{"name": "long", "layers": [{"name": "g", "type": "gemm", "m": 1024, "n": 1024, "k": 1024}]}\n' > "$out/long.json"
script -qfc "'$sasim' run --config '$src/configs/tiny_2x2_ws.json' --workload '$out/long.json' --mapper heuristic \
  --mapper-cache none --timing-only --out '$out/long' > '$out/long.stdout'" "$out/long.tty" > /dev/null &
spid=$!
for _ in $(seq 600); do grep -q "instructions retired" "$out/long.tty" 2>/dev/null && break; sleep 0.1; done
grep -q "g: [0-9]* of [0-9]* instructions retired, [0-9]* cycles" "$out/long.tty" || {
  echo "long: no progress line inside the layer"; cat -v "$out/long.tty"; kill "$spid"; exit 1; }
# At the layer's start: its size and memory estimate (compiler/memory_estimate.h).
grep -q "g: 2,953,728 instructions, about [0-9]* MB" "$out/long.tty" || {
  echo "long: no size estimate at the layer's start"; cat -v "$out/long.tty"; kill "$spid"; exit 1; }
pkill -INT -f -- "--workload $out/long.json"
start=$(date +%s)
rc=0; wait "$spid" || rc=$?
took=$(( $(date +%s) - start ))
grep -q 'COMMAND_EXIT_CODE="130"' "$out/long.tty" || { echo "long: not exit 130"; cat -v "$out/long.tty"; exit 1; }
[ "$took" -le 10 ] || { echo "long: took ${took} s to stop inside the layer"; exit 1; }
/usr/bin/python3 -c "
import json, sys
r = json.load(open('$out/long/report.json'))
assert r['complete'] is False and r['layers'] == [], (r['complete'], len(r['layers']))"
echo "ok: SIGINT and SIGTERM stop the run with the finished layers reported"
