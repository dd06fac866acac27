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
  grep -q "sasim: stopping at the next layer or search candidate" "$out/$name.stderr"
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
echo "ok: SIGINT and SIGTERM stop the run with the finished layers reported"
