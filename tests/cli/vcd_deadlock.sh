#!/usr/bin/env bash
# vcd_deadlock.sh SASIM OUTDIR: a run that deadlocks (a dropped dependency token, watchdog off: the kernel runs
# out of events) still leaves a complete waveform, ending in the state the deadlock report describes.
set -euo pipefail
sasim="$1"; out="$2"
src="$(cd "$(dirname "$0")/../.." && pwd)"
rm -rf "$out"; mkdir -p "$out"
rc=0
"$sasim" run -q --config "$src/configs/tiny_4x4_ws.json" --workload "$src/workloads/tiny/conv3x3.json" \
  --inject-fault drop-token --watchdog-cycles 0 --vcd "$out/deadlock.vcd" > /dev/null 2> "$out/deadlock.txt" || rc=$?
cat "$out/deadlock.txt"
[ "$rc" -eq 3 ] || { echo "expected exit code 3, got $rc"; exit 1; }
/usr/bin/python3 - "$src/tests/cli" "$out/deadlock.vcd" "$out/deadlock.txt" <<'PY'
import re, sys
sys.path.insert(0, sys.argv[1])
from check_vcd import parse_vcd
_, _, changes = parse_vcd(sys.argv[2])
val = {name: v for _, name, v in changes}
report = open(sys.argv[3]).read()
want = {}
for unit, name in (("load", "load unit"), ("execute", "execute unit"), ("store", "store unit")):
    m = re.search(name + r": [^\n]*for instruction #(\d+)", report)
    want[f"model.{unit}.head"] = int(m.group(1)) if m else -1
m = re.search(r"queues: load (\d+), execute (\d+), store (\d+); tokens: load->execute (\d+), execute->load (\d+), "
              r"execute->store (\d+), store->execute (\d+)", report)
for name, v in zip(["model.load.queue", "model.execute.queue", "model.store.queue", "model.tokens.load_to_execute",
                    "model.tokens.execute_to_load", "model.tokens.execute_to_store", "model.tokens.store_to_execute"],
                   m.groups()):
    want[name] = int(v)
retired = int(re.search(r"(\d+) of \d+ instructions retired", report).group(1))
want["retired (all units)"] = retired
val["retired (all units)"] = sum(val[f"model.{u}.retired"] for u in ("load", "execute", "store"))
bad = [f"{k}: waveform ends at {val.get(k)}, the deadlock report gives {v}" for k, v in want.items() if val.get(k) != v]
print("\n".join(bad) if bad else f"ok: the waveform ends in the reported state ({retired} retired, "
      f"execute waits with #{want['model.execute.head']})")
sys.exit(1 if bad else 0)
PY
