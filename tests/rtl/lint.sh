#!/usr/bin/env bash
# The generated Verilog of CONFIG passes `verilator --lint-only -Wall` with no warning at all.
#   lint.sh SASIM CONFIG VERILATOR
set -euo pipefail
sasim="$1" cfg="$2" verilator="$3"
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
"$sasim" rtl generate --config "$cfg" --out "$dir" >/dev/null
cd "$dir"
grep -q "config hash" sasim_top.sv || { echo "FAIL: no config hash in the header of sasim_top.sv"; exit 1; }
files=$(ls *_pkg.sv; ls *.sv | grep -v _pkg.sv)
if ! out="$("$verilator" --lint-only -Wall --unroll-count 65536 --top-module sasim_top $files 2>&1)" || [ -n "$out" ]; then
  echo "$out"
  echo "FAIL: verilator --lint-only -Wall reported problems"
  exit 1
fi
echo "PASS: lint clean"
