#!/usr/bin/env bash
# run_golden.sh SASIM CONFIG WORKLOAD EXPECTED_CSV [MAPPER]
# Runs the model (values checked) and compares its layers.csv output byte for byte with the expected file.
# MAPPER: heuristic (default) or search (no cache: the search itself is under test).
# Expected files are written only by scripts/update_golden.sh, never by hand.
set -uo pipefail
sasim="$1"; cfg="$2"; wl="$3"; expected="$4"; mapper="${5:-heuristic}"
got="$(mktemp)"
"$sasim" run -q --config "$cfg" --workload "$wl" --format csv --mapper "$mapper" --mapper-cache none > "$got"
rc=$?
if [ $rc -ne 0 ]; then echo "sasim exited with $rc"; cat "$got"; rm -f "$got"; exit 1; fi
if [ ! -f "$expected" ]; then
  echo "missing $expected: run scripts/update_golden.sh"; rm -f "$got"; exit 1
fi
if ! diff -u "$expected" "$got"; then
  echo "golden mismatch for $(basename "$cfg") x $(basename "$wl"). If the change is intended, run"
  echo "scripts/update_golden.sh and commit the new expected files with the reason in the message."
  rm -f "$got"; exit 1
fi
rm -f "$got"
echo "ok: $(basename "$expected")"
