#!/usr/bin/env bash
# `sasim area` synthesizes with Yosys for real (issue: area for every design):
#  - two array sizes of one config family: the bigger mesh has more area, per PE the same;
#  - the second call of a config is answered from the cache, with the same numbers;
#  - --node 28 shrinks everything, the JSON adds up, bad input exits 2 with one line.
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

/usr/bin/python3 - "$dir" <<'PY'
import json, sys
d = sys.argv[1]
a2, a4, again, a28 = (json.load(open(f"{d}/{n}.json")) for n in ("a2", "a4", "a4_again", "a4_28"))
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
check("Yosys 0.23" in a4["flow"], "the report names the Yosys version")
PY
grep -q "^  mesh " "$dir/a4.txt" || fail "the text report has no mesh row"
grep -q "^  total " "$dir/a4.txt" || fail "the text report has no total row"

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
