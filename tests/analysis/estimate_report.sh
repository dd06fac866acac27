#!/usr/bin/env bash
# estimate_report.sh SASIM SRC OUT: `sasim estimate --model scalesim` reads a SCALE-Sim .cfg and topology CSV
# unchanged and writes COMPUTE_REPORT.csv with SCALE-Sim v2's exact header; AlexNet conv1 on 32x32 WS gives
# SCALE-Sim's own golden row (test/golden_trace/COMPUTE_REPORT.csv of scale-sim-v2). Also a sasim JSON config.
set -euo pipefail
sasim="$1"; src="$2"; out="$3"
rm -rf "$out"; mkdir -p "$out"
cat > "$out/scale_ws.cfg" <<'CFG'
[general]
run_name = scale_example_run_32x32_ws

[architecture_presets]
ArrayHeight:    32
ArrayWidth:     32
IfmapSramSzkB:   64
FilterSramSzkB:  64
OfmapSramSzkB:   64
IfmapOffset:    0
FilterOffset:   10000000
OfmapOffset:    20000000
Bandwidth : 10
Dataflow : ws
MemoryBanks:   1

[run_presets]
InterfaceBandwidth: CALC
CFG
printf 'Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,\nConv1,  224, 224,    11, 11,    3,      96,     4,\n' > "$out/alexnet_part.csv"
"$sasim" estimate --model scalesim --config "$out/scale_ws.cfg" --workload "$out/alexnet_part.csv" --out "$out/ss"
header='LayerID, Total Cycles, Stall Cycles, Overall Util %, Mapping Efficiency %, Compute Util %,'
row='0, 112283, 0, 91.68309650614964, 94.53125, 90.78000992063485,'
[ "$(sed -n 1p "$out/ss/COMPUTE_REPORT.csv")" = "$header" ] || { echo "FAIL: header"; cat "$out/ss/COMPUTE_REPORT.csv"; exit 1; }
[ "$(sed -n 2p "$out/ss/COMPUTE_REPORT.csv")" = "$row" ] || { echo "FAIL: row"; cat "$out/ss/COMPUTE_REPORT.csv"; exit 1; }
# A sasim JSON config and workload: one row per conv/gemm layer (ResNet-50: 53 convs + fc).
"$sasim" estimate --config "$src/configs/os_32x32.json" --workload "$src/workloads/resnet50.json" --out "$out/rn" >/dev/null
[ "$(sed -n 1p "$out/rn/COMPUTE_REPORT.csv")" = "$header" ] || { echo "FAIL: header (json)"; exit 1; }
rows=$(($(wc -l < "$out/rn/COMPUTE_REPORT.csv") - 1))
[ "$rows" -eq 54 ] || { echo "FAIL: $rows rows, expected 54"; exit 1; }
# --format csv prints the same file on stdout.
"$sasim" estimate --config "$out/scale_ws.cfg" --workload "$out/alexnet_part.csv" --format csv | cmp - "$out/ss/COMPUTE_REPORT.csv"
# A broken .cfg is refused with exit code 2 and "<file>:<line>: <key>: <problem>".
sed 's/Dataflow : ws/Dataflow : xs/' "$out/scale_ws.cfg" > "$out/bad.cfg"
set +e
msg="$("$sasim" estimate --config "$out/bad.cfg" --workload "$out/alexnet_part.csv" 2>&1)"; rc=$?
set -e
[ $rc -eq 2 ] || { echo "FAIL: exit $rc for a bad .cfg"; exit 1; }
grep -qF "$out/bad.cfg:14: Dataflow: unknown dataflow 'xs'" <<<"$msg" || { echo "FAIL: message: $msg"; exit 1; }
echo "ok: COMPUTE_REPORT.csv matches SCALE-Sim v2"
