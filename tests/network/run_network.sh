#!/usr/bin/env bash
# run_network.sh SASIM CONFIG WORKLOAD [extra sasim args]
# Runs a whole network with values checked. Passes when sasim exits 0 (every layer's check passed).
# Exits 77 (ctest: skipped) when the workload file does not exist (../shared is absent in a user's clone).
set -uo pipefail
sasim="$1"; cfg="$2"; wl="$3"; shift 3
if [ ! -f "$wl" ]; then echo "skipped: $wl not found (shared data absent)"; exit 77; fi
out="$("$sasim" run -q --config "$cfg" --workload "$wl" "$@" 2>&1)"
rc=$?
echo "$out" | tail -n 3
if [ $rc -ne 0 ]; then echo "$out" | grep -E "FAIL|error" | head; echo "sasim exited with $rc"; exit 1; fi
echo "$out" | grep -q "^total .* pass$" || { echo "totals line does not say pass"; exit 1; }
