#!/usr/bin/env bash
# Regenerates tests/golden/expected/*.csv from the current model (every tiny config x tiny workload), with
# the heuristic program, and tests/golden/expected/search/*.csv with the mapper's search.
# Run it only when a change of cycle counts is intended, and say why in the commit message.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh >/dev/null
out=tests/golden/expected
mkdir -p "$out" "$out/search"
for cfg in configs/tiny_*.json; do
  for wl in workloads/tiny/*.json; do
    name="$(basename "$cfg" .json)__$(basename "$wl" .json).csv"
    build/sasim run -q --config "$cfg" --workload "$wl" --format csv --mapper heuristic > "$out/$name"
    build/sasim run -q --config "$cfg" --workload "$wl" --format csv --mapper search --mapper-cache none \
      > "$out/search/$name"
  done
done
echo "wrote $(ls "$out"/*.csv | wc -l) + $(ls "$out"/search | wc -l) files into $out and $out/search"
