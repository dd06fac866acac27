#!/usr/bin/env bash
# Runs `sasim run` on one bad input and checks it is refused cleanly:
# exit code 2, and the first stderr line equals <input>.expected with @FILE@ replaced by the input's path.
#   bad_input.sh SASIM KIND FILE      KIND: config | workload | mapping | llm
# Mapping files are replayed (run --mapping) on configs/tiny_4x4_ws.json and workloads/tiny/mixed.json.
# An llm file (*.args) holds the arguments of `sasim workload llm` on one line, @FILE@ standing for its path.
set -uo pipefail
sasim="$1"; kind="$2"; file="$3"
src="$(cd "$(dirname "$0")/../.." && pwd)"
expected_file="${file%.*}.expected"
if [ "$kind" = config ]; then
  args=(run -q --config "$file" --workload "$src/workloads/tiny/gemm_small.json")
elif [ "$kind" = mapping ]; then
  args=(run -q --config "$src/configs/tiny_4x4_ws.json" --workload "$src/workloads/tiny/mixed.json" --mapping "$file")
elif [ "$kind" = llm ]; then
  read -r -a llm_args < "$file"
  args=(workload llm "${llm_args[@]//@FILE@/$file}")
else
  args=(run -q --config "$src/configs/tiny_4x4_ws.json" --workload "$file")
fi
err="$(mktemp)"
"$sasim" "${args[@]}" >/dev/null 2>"$err"
rc=$?
first="$(head -n 1 "$err")"
want="$(head -n 1 "$expected_file")"
want="${want//@FILE@/$file}"
rm -f "$err"
if [ $rc -ne 2 ]; then
  echo "expected exit code 2, got $rc for $file"; echo "stderr first line: $first"; exit 1
fi
if [ "$first" != "$want" ]; then
  echo "first stderr line differs for $file"; echo "  got:  $first"; echo "  want: $want"; exit 1
fi
echo "ok: $first"
