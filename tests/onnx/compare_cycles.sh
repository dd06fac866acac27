#!/usr/bin/env bash
# compare_cycles.sh SASIM CONFIG WORKLOAD_A WORKLOAD_B
# Runs both workloads (--no-check --format csv) and requires the same simulated layers in the same order:
# kind, GEMM view (count, m, n, k), MACs and cycles. Layer names and the Other (not simulated) rows may differ.
set -uo pipefail
sasim="$1"; cfg="$2"; a="$3"; b="$4"
rows() {
  "$sasim" run -q --no-check --format csv --config "$cfg" --workload "$1" |
    awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
             $col["simulated"] == "true" { print $col["op"], $col["count"], $col["m"], $col["n"], $col["k"],
                                           $col["macs"], $col["cycles"] }'
}
ra="$(rows "$a")" || { echo "sasim failed on $a"; exit 1; }
rb="$(rows "$b")" || { echo "sasim failed on $b"; exit 1; }
n="$(printf '%s\n' "$ra" | grep -c .)"
if [ "$n" -eq 0 ]; then echo "no simulated layers in $a"; exit 1; fi
if ! diff <(printf '%s\n' "$ra") <(printf '%s\n' "$rb"); then
  echo "per-layer kind/count/m/n/k/macs/cycles differ between $a and $b (< $a, > $b)"; exit 1
fi
echo "ok: $n simulated layers, same shapes, MACs and cycles"
