#!/usr/bin/env bash
# One RTL cross-check case: `sasim rtl check` must exit 0 and print "match: ...".
#   check_case.sh SASIM CONFIG WORKLOAD CACHE_DIR
set -uo pipefail
sasim="$1" cfg="$2" wl="$3" cache="$4"
out="$("$sasim" rtl check -q --config "$cfg" --workload "$wl" --cache-dir "$cache" 2>&1)"
rc=$?
echo "$out"
if [ $rc -ne 0 ]; then echo "FAIL: sasim rtl check exited with $rc"; exit 1; fi
if ! grep -q '^match: [0-9]* instructions, [0-9]* cycles, [0-9]* bytes$' <<<"$out"; then
  echo "FAIL: no match line"; exit 1
fi
