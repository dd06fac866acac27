#!/usr/bin/env bash
# scripts/plot_sweep.py turns a sweep directory into its PNGs: every kind of plot for every workload of
# the small test sweep, each a real PNG. Skipped (exit 77) when Debian's python3-matplotlib is missing.
#   plots.sh SASIM WORKDIR
set -euo pipefail
sasim="$1"; work="$2"
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
py=/usr/bin/python3
if ! "$py" -c 'import matplotlib' 2>/dev/null; then echo "skipped: $py has no matplotlib"; exit 77; fi
rm -rf "$work"; mkdir -p "$work"
"$sasim" sweep "$here/small.json" --out "$work/small" --jobs 2 -q > /dev/null
"$py" "$root/scripts/plot_sweep.py" "$work/small" > "$work/written.txt" 2> "$work/notes.txt"
for w in gemm_small mixed; do
  for kind in cycles heatmap pareto layers breakdown roofline energy; do
    f="$work/small/plots/${kind}_$w.png"
    [ -s "$f" ] || { echo "missing $f"; cat "$work/written.txt"; exit 1; }
    head -c 8 "$f" | od -An -c | grep -q 'P   N   G' || { echo "$f is not a PNG"; exit 1; }
  done
done
# Without "area": true there is no area, and the area plot says so (tests/rtl/area.sh draws one).
grep -q 'area_mixed: skipped (some points have no area_mm2 (run the sweep with "area": true))' "$work/notes.txt" \
  || { echo "no note on the missing area plot:"; cat "$work/notes.txt"; exit 1; }
[ ! -e "$work/small/plots/area_mixed.png" ] || { echo "an area plot without area"; exit 1; }
# A failed point is left out of the plots, not fatal.
"$sasim" sweep "$here/one_fails.json" --out "$work/fails" -q > /dev/null 2>&1 || true
"$py" "$root/scripts/plot_sweep.py" "$work/fails" > /dev/null 2> "$work/fails.err"
grep -q "1 failed point(s) left out" "$work/fails.err"
echo "ok: $(wc -l < "$work/written.txt") plots"
