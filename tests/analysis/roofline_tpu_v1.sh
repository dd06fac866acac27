#!/usr/bin/env bash
# roofline_tpu_v1.sh SASIM SRC: the TPU v1 preset's roofline is 91.75 TOPS with a ridge of ~1349 MACs per byte
# (2698 ops per byte), the 1350 of the TPU paper's roofline.
set -euo pipefail
sasim="$1"; src="$2"
out="$("$sasim" roofline --config "$src/configs/tpu_v1.json")"
echo "$out"
for want in "= 91.75 TOPS" "48.571 bytes/cycle = 34.00 GB/s" "1349.3 MACs/byte = 2698.6 ops/byte"; do
  grep -qF -- "$want" <<<"$out" || { echo "FAIL: missing '$want'"; exit 1; }
done
"$sasim" roofline --config "$src/configs/tpu_v1.json" --format json | python3 -c '
import json, sys
m = json.load(sys.stdin)["machine"]
assert round(m["peak_tops"], 2) == 91.75, m
assert round(m["ridge_macs_per_byte"]) == 1349, m
assert round(m["ridge_ops_per_byte"]) == 2699, m
print("ok: peak %.4f TOPS, ridge %.2f MACs/B" % (m["peak_tops"], m["ridge_macs_per_byte"]))'
