#!/usr/bin/env bash
# stop_with_reference.sh SASIM OUTDIR: a run stopped by the watchdog while the reference check of a large
# layer is still computing on its own thread exits with code 3 and the watchdog report, and nothing else
# (the thread is cancelled and joined before the workload it reads is freed).
set -euo pipefail
sasim="$1"; out="$2"
src="$(cd "$(dirname "$0")/../.." && pwd)"
rm -rf "$out"; mkdir -p "$out"
cat > "$out/big.json" <<'JSON'
{"name": "big", "layers": [{"name": "big_conv", "type": "conv", "in_h": 224, "in_w": 224, "in_c": 256,
  "out_c": 256, "kernel": 3, "padding": 1}]}
JSON
rc=0
"$sasim" run -q --config "$src/configs/gemmini_16x16.json" --workload "$out/big.json" --watchdog-cycles 1 --mapper heuristic \
  > "$out/stdout.txt" 2> "$out/stderr.txt" || rc=$?
[ "$rc" = 3 ] || { echo "exit code $rc, expected 3"; cat "$out/stderr.txt"; exit 1; }
grep -q "watchdog: no unit made progress" "$out/stderr.txt" || { echo "no watchdog report"; cat "$out/stderr.txt"; exit 1; }
echo "ok: stopped with exit code 3 while the reference was computing"
