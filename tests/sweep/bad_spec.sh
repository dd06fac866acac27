#!/usr/bin/env bash
# Runs `sasim sweep` on one bad spec and checks it is refused before anything runs: exit code 2, the
# first stderr line equals <spec>.expected with @FILE@ replaced by the spec's path, and no output
# directory was created.
#   bad_spec.sh SASIM SPEC WORKDIR
set -uo pipefail
sasim="$1"; file="$2"; work="$3"
out="$work/out"
rm -rf "$work"; mkdir -p "$work"
"$sasim" sweep "$file" --out "$out" --jobs 1 >/dev/null 2>"$work/stderr"
rc=$?
first="$(head -n 1 "$work/stderr")"
want="$(head -n 1 "${file%.*}.expected")"
want="${want//@FILE@/$file}"
if [ $rc -ne 2 ]; then
  echo "expected exit code 2, got $rc for $file"; echo "stderr first line: $first"; exit 1
fi
if [ "$first" != "$want" ]; then
  echo "first stderr line differs for $file"; echo "  got:  $first"; echo "  want: $want"; exit 1
fi
if [ -e "$out" ]; then echo "the sweep created $out although the spec is bad"; exit 1; fi
echo "ok: $first"
