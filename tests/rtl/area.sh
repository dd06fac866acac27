#!/usr/bin/env bash
# `sasim area` synthesizes with Yosys for real (issue: area for every design):
#  - two array sizes of one config family: the bigger mesh has more area, per PE the same;
#  - the second call of a config is answered from the cache, with the same numbers;
#  - --node 28 shrinks everything, the JSON adds up, bad input exits 2 with one line;
#  - OpenSTA times the netlist (critical path, fmax at the corner and scaled);
#  - `run --area` and a sweep with "area": true report the cached area, and the area plot is drawn.
#   area.sh SASIM
set -euo pipefail
sasim="$1"
src="$(cd "$(dirname "$0")/../.." && pwd)"
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
cache="$dir/cache"
fail() { echo "FAIL: $*"; exit 1; }

"$sasim" area -q -c "$src/configs/tiny_2x2_ws.json" --cache-dir "$cache" --format json > "$dir/a2.json"
"$sasim" area -q -c "$src/configs/tiny_4x4_ws.json" --cache-dir "$cache" --format json > "$dir/a4.json"
"$sasim" area -q -c "$src/configs/tiny_4x4_ws.json" --cache-dir "$cache" --format json > "$dir/a4_again.json"
"$sasim" area -q -c "$src/configs/tiny_4x4_ws.json" --cache-dir "$cache" --node 28 --format json > "$dir/a4_28.json"
"$sasim" area -q -c "$src/configs/tiny_4x4_ws.json" --cache-dir "$cache" > "$dir/a4.txt"
"$sasim" area -q -c "$src/configs/tiny_3x5_os.json" --cache-dir "$cache" --jobs 1 --format json > "$dir/os.json"

/usr/bin/python3 - "$dir" <<'PY'
import json, sys
d = sys.argv[1]
a2, a4, again, a28, os_ = (json.load(open(f"{d}/{n}.json")) for n in ("a2", "a4", "a4_again", "a4_28", "os"))
def block(r, name): return next(b for b in r["blocks"] if b["name"] == name)
def check(cond, what):
    if not cond: print("FAIL:", what); sys.exit(1)
check(a2["pe"]["count"] == 4 and a4["pe"]["count"] == 16, "PE counts 2x2 and 4x4")
check(block(a4, "mesh")["mm2"] > 3 * block(a2, "mesh")["mm2"], "the 4x4 mesh is more than 3x the 2x2 mesh")
check(a4["pe"]["cells"] > 100, "a PE has more than 100 cells")
check(abs(sum(b["mm2"] for b in a4["blocks"]) - a4["area_mm2"]) < 1e-9, "the blocks add up to area_mm2")
check(a4["cached"] is False and again["cached"] is True, "the second call is cached")
check(again["blocks"] == a4["blocks"] and again["area_mm2"] == a4["area_mm2"], "the cached numbers are the same")
check(a28["technology"] == "28nm" and a28["area_mm2"] < 0.5 * a4["area_mm2"], "28 nm is less than half of 45 nm")
check(all(b["mm2"] > 0 for b in a4["blocks"]), "every block has an area")
# The queues' entries (control) and the load DMA's row records are register files, priced per bit.
check(block(a4, "control")["register_file_bits"] > 0 and block(a4, "load DMA")["register_file_bits"] > 0,
      "the queues and the load DMA's records are register files")
check(a4["register_file_bits"] == sum(b.get("register_file_bits", 0) for b in a4["blocks"]), "register-file bits add up")
check("Yosys 0.23" in a4["flow"], "the report names the Yosys version")
t4, t28 = a4["timing"], a28["timing"]
check(t4["computed"] and t4["critical_path_ns"] > 0 and t4["startpoint"] and t4["endpoint"], "OpenSTA timed the netlist")
check(abs(t4["fmax_lib_mhz"] * t4["critical_path_ns"] - 1000) < 1e-6, "fmax at the corner is 1 / the critical path")
check(abs(t4["fmax_mhz"] * t4["delay_scale"] - t4["fmax_lib_mhz"]) < 1e-6, "fmax at 45 nm is scaled from the corner")
check(t28["critical_path_ns"] == t4["critical_path_ns"] and t28["fmax_mhz"] > t4["fmax_mhz"], "28 nm is faster, same path")
check(again["timing"] == t4, "the timing is cached with the cells")
check(t4["module"] in ("sasim_top", "sasim_mesh_row"), "the path is in the design without the mesh or in a mesh row")
# OS: its own mesh (columns of PEs), synthesized in one process at a time.
check(os_["pe"]["count"] == 15 and block(os_, "mesh")["mm2"] > 0, "the OS mesh of 3x5 PEs")
check(os_["timing"]["computed"] and os_["timing"]["module"] in ("sasim_top", "sasim_mesh_col_os"), "the OS design is timed")
PY
grep -q "^  mesh " "$dir/a4.txt" || fail "the text report has no mesh row"
grep -q "^  total " "$dir/a4.txt" || fail "the text report has no total row"
grep -q "^  critical path .* ns in the 0.18 um cells" "$dir/a4.txt" || fail "the text report has no critical path"

# `sasim run --area` and a sweep with "area": true take the area from the same cache (one hardware: the
# DRAM bandwidth is not in the RTL) and report it in the totals.
export SASIM_AREA_CACHE="$cache"
"$sasim" run -q --area -c "$src/configs/tiny_4x4_ws.json" -w "$src/workloads/tiny/gemm_small.json" \
  --out "$dir/run" > "$dir/run.txt"
grep -q "^area .* mm2 at 45nm .* TOPS/mm2$" "$dir/run.txt" || fail "the run table has no area line: $(cat "$dir/run.txt")"
cat > "$dir/sweep.json" <<EOF
{
  "base": "$src/configs/tiny_4x4_ws.json",
  "axes": [{"key": "dram.bandwidth_gbps", "values": [4.0, 16.0]}],
  "workloads": ["$src/workloads/tiny/gemm_small.json"],
  "mapper": "heuristic",
  "area": true
}
EOF
"$sasim" sweep "$dir/sweep.json" --out "$dir/sweep" --jobs 1 > /dev/null 2>&1 || fail "the sweep with area failed"
/usr/bin/python3 - "$dir" <<'PY'
import csv, json, sys
d = sys.argv[1]
a4, run = json.load(open(f"{d}/a4.json")), json.load(open(f"{d}/run/report.json"))
def check(cond, what):
    if not cond: print("FAIL:", what); sys.exit(1)
t = run["totals"]
check(t["area_mm2"] == a4["area_mm2"], "run --area reports the area of sasim area")
check(run["area"]["blocks"] == a4["blocks"], "report.json carries the area blocks")
tops = 2 * t["macs"] / t["seconds"] / 1e12
check(abs(t["tops_per_mm2"] - tops / t["area_mm2"]) <= 1e-9 * t["tops_per_mm2"], "tops_per_mm2 = 2 MACs/s / area")
rows = [r for r in csv.DictReader(open(f"{d}/sweep/results.csv")) if r["scope"] == "total"]
check(len(rows) == 2, "two sweep points")
check(all(float(r["area_mm2"]) == a4["area_mm2"] for r in rows), "the sweep's area_mm2 is the cached area")
check(float(rows[0]["tops_per_mm2"]) != float(rows[1]["tops_per_mm2"]), "tops_per_mm2 follows the cycles")
layer_rows = [r for r in csv.DictReader(open(f"{d}/sweep/results.csv")) if r["scope"] == "layer"]
check(all(r["area_mm2"] == "" for r in layer_rows), "layers have no area of their own")
PY
unset SASIM_AREA_CACHE
if /usr/bin/python3 -c 'import matplotlib' 2>/dev/null; then
  /usr/bin/python3 "$src/scripts/plot_sweep.py" "$dir/sweep" > /dev/null 2> "$dir/plot.err"
  head -c 8 "$dir/sweep/plots/area_gemm_small.png" | od -An -c | grep -q 'P   N   G' \
    || fail "no area plot of the sweep: $(cat "$dir/plot.err")"
fi

# Bad input: one line, exit 2.
#   expect_bad WHAT MESSAGE ARGS...: `sasim area ARGS` must exit 2 with MESSAGE on stderr
expect_bad() {
  local what="$1" message="$2"
  shift 2
  set +e
  "$sasim" area "$@" > /dev/null 2> "$dir/err"
  local rc=$?
  set -e
  [ "$rc" = 2 ] || fail "$what exits $rc, not 2"
  [ "$(wc -l < "$dir/err")" = 1 ] || fail "$what: not one line: $(cat "$dir/err")"
  grep -q "$message" "$dir/err" || fail "$what: message: $(cat "$dir/err")"
}
expect_bad "a missing liberty file" "none.lib: liberty file not found" \
  -c "$src/configs/tiny_4x4_ws.json" --cache-dir "$cache" --liberty "$dir/none.lib"
echo "not a liberty" > "$dir/bad.lib"
expect_bad "a file that is no liberty" "bad.lib: no cell with an area" \
  -c "$src/configs/tiny_4x4_ws.json" --cache-dir "$cache" --liberty "$dir/bad.lib"
echo "PASS: sasim area synthesizes, counts hierarchically, caches and scales"
