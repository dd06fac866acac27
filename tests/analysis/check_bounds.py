# SPDX-License-Identifier: MIT
"""Reads `sasim run --format json` on stdin; fails when a layer's cycles are below its compute or DRAM bound."""
import json
import math
import sys

report = json.load(sys.stdin)
cfg = report["config"]
pes = cfg["array"]["rows"] * cfg["array"]["cols"]
mbpc = int(math.floor(cfg["dram"]["bandwidth_gbps"] * 1e6 / cfg["clock_mhz"] + 0.5))  # llround
banks = cfg["scratchpad"]["banks"]
bad = []
n = 0
for layer in report["layers"]:
    if not layer["simulated"]:
        continue
    n += 1
    t = layer["traffic"]
    moved = t["dram_read_bytes"] + t["dram_write_bytes"]
    compute = -(-layer["macs"] // pes)
    dram = -(-moved * 1000 // mbpc)
    spad = -(-t["spad_row_reads"] // banks)
    r = layer["roofline"]
    if (r["compute_bound_cycles"], r["dram_bound_cycles"], r["spad_bound_cycles"]) != (compute, dram, spad):
        bad.append("%s: report bounds %s differ from recomputed (%d, %d, %d)" % (
            layer["name"], (r["compute_bound_cycles"], r["dram_bound_cycles"], r["spad_bound_cycles"]),
            compute, dram, spad))
    for what, bound in (("compute", compute), ("DRAM", dram)):
        if layer["cycles"] < bound:
            bad.append("%s: %d cycles < %s bound %d (MACs %d, DRAM bytes %d, %d PEs, %d mB/cycle)" % (
                layer["name"], layer["cycles"], what, bound, layer["macs"], moved, pes, mbpc))
    if not 0 < r["roof_fraction"] <= 1 + 1e-9:
        bad.append("%s: roof fraction %r outside (0, 1]" % (layer["name"], r["roof_fraction"]))
tot = report["totals"]
print("%s x %s: %d layers, %d cycles, sum of per-layer bounds %d, roof fraction %.3f" % (
    cfg["name"], report["workload"]["name"], n, tot["cycles"], tot["roofline"]["bound_cycles"],
    tot["roofline"]["roof_fraction"]))
if n == 0:
    bad.append("no simulated layer")
for line in bad:
    print("FAIL: " + line)
sys.exit(1 if bad else 0)
