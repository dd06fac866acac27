#!/usr/bin/env bash
# One RTL cross-check case: `sasim rtl check` must exit 0 and print "match: ...".
#   check_case.sh SASIM CONFIG WORKLOAD CACHE_DIR [MAPPER]
# MAPPER (default heuristic) is passed as --mapper; with "search" the check also requires that at least
# one EXECUTE the RTL ran has an operand window (win_w of an op-2 command word in a kept case file, located by its "fields cmd_word" line).
set -uo pipefail
sasim="$1" cfg="$2" wl="$3" cache="$4" mapper="${5:-heuristic}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
keep=()
[ "$mapper" = search ] && keep=(--keep-cases "$tmp")
out="$("$sasim" rtl check -q --config "$cfg" --workload "$wl" --cache-dir "$cache" --mapper "$mapper" "${keep[@]}" 2>&1)"
rc=$?
echo "$out"
if [ $rc -ne 0 ]; then echo "FAIL: sasim rtl check exited with $rc"; exit 1; fi
if ! grep -q '^match: [0-9]* instructions, [0-9]* cycles, [0-9]* bytes$' <<<"$out"; then
  echo "FAIL: no match line"; exit 1
fi
if [ "$mapper" = search ]; then
  windowed="$(cat "$tmp"/*.case | awk '/^fields cmd_word /{for (i = 4; i <= NF; i++) {if ($i == "op") op = i - 3; if ($i == "win_w") w = i - 3}} /^instrs /{on=1; next} /^end/{on=0} on && $op == 2 && $w != 0' | wc -l)"
  echo "$windowed windowed EXECUTEs"
  [ "$windowed" -gt 0 ] || { echo "FAIL: --mapper search ran no EXECUTE with an operand window"; exit 1; }
fi
