#!/usr/bin/env bash
# bad_import.sh SASIM FILE: `sasim import FILE` must exit 2 with the first stderr line of FILE's .expected
# (written for `sasim run`, whose hint about input shapes points to `sasim import --input-shape`).
set -uo pipefail
sasim="$1"; file="$2"
want="$(head -n 1 "${file%.*}.expected")"
want="${want//@FILE@/$file}"
want="${want//sasim import --input-shape/--input-shape}"
want="${want// and run the JSON trace it writes/}"
tmp="$(mktemp -d)"
"$sasim" import "$file" --out "$tmp/out.json" >/dev/null 2>"$tmp/err"
rc=$?
first="$(head -n 1 "$tmp/err")"
written=$([ -e "$tmp/out.json" ] && echo yes || echo no)
rm -rf "$tmp"
if [ $rc -ne 2 ]; then echo "expected exit code 2, got $rc for $file"; echo "stderr: $first"; exit 1; fi
if [ "$written" = yes ]; then echo "an output file was written for a refused model"; exit 1; fi
if [ "$first" != "$want" ]; then
  echo "first stderr line differs for $file"; echo "  got:  $first"; echo "  want: $want"; exit 1
fi
echo "ok: $first"
