#!/usr/bin/env bash
# roofline_png.sh SASIM SRC OUT: `sasim roofline --plot` draws a PNG (ResNet-50 on TPU v1, simulated; MobileNetV2
# on Gemmini, analytic).
set -euo pipefail
sasim="$1"; src="$2"; out="$3"
rm -rf "$out"; mkdir -p "$out"
"$sasim" roofline --config "$src/configs/tpu_v1.json" --workload "$src/workloads/resnet50.json" --plot "$out/tpu.png" >/dev/null
"$sasim" roofline --config "$src/configs/gemmini_16x16.json" --workload "$src/workloads/mobilenet_v2.json" --no-sim \
  --plot "$out/gemmini.png" >/dev/null
"$sasim" roofline --config "$src/configs/os_32x32.json" --plot "$out/machine.png" >/dev/null
for f in tpu gemmini machine; do
  png="$out/$f.png"
  [ -f "$png" ] || { echo "FAIL: $png not written"; exit 1; }
  size=$(stat -c %s "$png")
  [ "$size" -gt 10240 ] || { echo "FAIL: $png is only $size bytes"; exit 1; }
  [ "$(head -c 8 "$png" | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ] || { echo "FAIL: $png is no PNG"; exit 1; }
  echo "ok: $png ($size bytes)"
done
