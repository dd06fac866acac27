#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""`sasim area` of the designs in docs/cost.md, "Measured": tiny_2x2_ws, gemmini_16x16, and gemmini_16x16
with a 64x64 array, a 1 MiB scratchpad and a 256 KiB accumulator, weight- and output-stationary.

    scripts/area_table.py SASIM ROOT WORK_DIR --json     # as doc_numbers.py runs it

Writes the two 64x64 configs to WORK_DIR and prints one object per design: its label and the area report.
Synthesis results come from sasim's area cache (--cache-dir, $SASIM_AREA_CACHE or ~/.cache/sasim/area):
minutes with an empty cache (Yosys), a second with a warm one.
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from doc_source import source_args  # noqa: E402

sasim, root, work = source_args(__doc__)
with open(os.path.join(root, "configs", "gemmini_16x16.json")) as f:
    base = json.load(f)
designs = [("tiny_2x2_ws", os.path.join(root, "configs", "tiny_2x2_ws.json")),
           ("gemmini_16x16", os.path.join(root, "configs", "gemmini_16x16.json"))]
for df in ("ws", "os"):
    cfg = dict(base, name=f"{df}_64x64",
               array=dict(base["array"], rows=64, cols=64, dataflow=df),
               scratchpad=dict(base["scratchpad"], capacity_kib=1024),
               accumulator=dict(base["accumulator"], capacity_kib=256))
    path = os.path.join(work, f"{df}_64x64.json")
    with open(path, "w") as f:
        json.dump(cfg, f)
    designs.append((f"{df}_64x64", path))
out = []
for label, path in designs:
    p = subprocess.run([sasim, "area", "-q", "--format", "json", "--config", path], capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"area_table.py: sasim area --config {path}: exit {p.returncode}\n{p.stderr}")
    out.append({"design": label, "area": json.loads(p.stdout)})
print(json.dumps(out, indent=1))
