#!/usr/bin/env bash
# vcd.sh SASIM OUTDIR: `sasim run --vcd` writes the model's waveform at exactly the path given (with or
# without the .vcd extension), the same run gives the same waveform, tracing changes neither the report nor
# the retire log, and check_vcd.py finds in it every signal, the issue and retire cycles of the retire log,
# the layer starts, the queue and buffer limits and an idle machine at the end (docs/waveforms.md).
set -euo pipefail
sasim="$1"; out="$2"
src="$(cd "$(dirname "$0")/../.." && pwd)"
rm -rf "$out"; mkdir -p "$out"
run() {  # run CONFIG WORKLOAD NAME VCD
  "$sasim" run -q --config "$src/configs/$1.json" --workload "$src/workloads/tiny/$2.json" \
    --out "$out/$3" --retire-log "$out/$3.log" --vcd "$4" --mapper-cache none > "$out/$3.txt"
}
# WS with dispatch often waiting on a full queue, and a layer that is not simulated; OS over four layers.
run tiny_2x2_ws mixed ws "$out/ws.vcd"
/usr/bin/python3 "$src/tests/cli/check_vcd.py" "$out/ws.vcd" "$out/ws/report.json" "$out/ws.log"
run tiny_4x4_os resblock_small os "$out/os.vcd"
/usr/bin/python3 "$src/tests/cli/check_vcd.py" "$out/os.vcd" "$out/os/report.json" "$out/os.log"
[ ! -e "$out/ws.vcd.vcd" ] || { echo "ws.vcd.vcd written: the .vcd extension was doubled"; exit 1; }

# A path without the extension is written exactly there, with no temporary left; same run, same waveform
# (apart from the $date block).
run tiny_4x4_os resblock_small os_again "$out/os_wave"
[ -f "$out/os_wave" ] || { echo "--vcd $out/os_wave: no file there"; exit 1; }
for f in "$out/os_wave.vcd" "$out/os_wave.tmp.vcd"; do
  [ ! -e "$f" ] || { echo "$f left behind"; exit 1; }
done
cmp <(sed '1,/^\$end/d' "$out/os.vcd") <(sed '1,/^\$end/d' "$out/os_wave")
# Tracing changes nothing in the simulation: the same report and retire log without --vcd. (A traced run
# steps the DMA engine cycle by cycle; an untraced one lets it run ahead of kernel time. A traced run
# searches in a worker process, an untraced one in its own: the reports differ only in search times.)
same_report() {
  /usr/bin/python3 - "$1" "$2" <<'PY'
import json, sys
def load(p):
    r = json.load(open(p))
    r["mapper"].pop("search_seconds")
    return r
a, b = (load(p) for p in sys.argv[1:])
assert a == b, f"{sys.argv[1]} and {sys.argv[2]} differ beyond search times"
PY
}
"$sasim" run -q --config "$src/configs/tiny_4x4_os.json" --workload "$src/workloads/tiny/resblock_small.json" \
  --out "$out/os_untraced" --retire-log "$out/os_untraced.log" --mapper-cache none > /dev/null
same_report "$out/os/report.json" "$out/os_untraced/report.json"
cmp "$out/os.log" "$out/os_untraced.log"
"$sasim" run -q --config "$src/configs/tiny_2x2_ws.json" --workload "$src/workloads/tiny/mixed.json" \
  --out "$out/ws_untraced" --retire-log "$out/ws_untraced.log" --mapper-cache none > /dev/null
same_report "$out/ws/report.json" "$out/ws_untraced/report.json"
cmp "$out/ws.log" "$out/ws_untraced.log"
echo "ok: waveforms at the paths given, deterministic; the run is the same without --vcd"
