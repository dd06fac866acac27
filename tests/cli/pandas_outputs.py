#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# The CSV outputs read with Debian's python3-pandas exactly as `pd.read_csv(path)` reads them (docs/report.md,
# docs/sweeps.md, docs/validation.md): layers.csv of `sasim run --out`, results.csv of `sasim sweep` and
# COMPUTE_REPORT.csv of `sasim estimate --out`. Numbers come out as numbers (integers where they count
# something), flags as booleans, and the values equal report.json's / points.jsonl's.
# Usage: pandas_outputs.py SASIM SOURCE_DIR WORK_DIR
import json
import os
import shutil
import subprocess
import sys

import pandas as pd
from pandas.api import types

sasim, src, work = sys.argv[1], sys.argv[2], sys.argv[3]
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
failures = []


def expect(cond, what):
    if not cond:
        failures.append(what)


def sh(*args):
    p = subprocess.run([sasim, *args], capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"{' '.join(args)}: exit {p.returncode}\n{p.stderr}")
    return p


# layers.csv: one row per layer, the not-simulated ones with empty numbers (NaN).
out = os.path.join(work, "run")
sh("run", "-q", "-c", os.path.join(src, "configs", "tiny_4x4_ws.json"), "-w",
   os.path.join(src, "workloads", "tiny", "mixed.json"), "--mapper", "heuristic", "-o", out)
df = pd.read_csv(os.path.join(out, "layers.csv"))
rep = json.load(open(os.path.join(out, "report.json")))
expect(len(df) == len(rep["layers"]), f"layers.csv has {len(df)} rows, report.json {len(rep['layers'])} layers")
expect(types.is_bool_dtype(df["simulated"]), f"simulated is {df['simulated'].dtype}, not bool")
sim = df[df["simulated"]]
for col in ("cycles", "macs", "m", "n", "k", "compute_cycles", "dram_read_bytes", "dram_write_bytes",
            "stall_dram_bandwidth", "stall_bank_conflict", "spad_row_reads", "acc_row_writes"):
    expect(types.is_numeric_dtype(df[col]), f"layers.csv {col} is {df[col].dtype}, not numeric")
    expect((sim[col] == sim[col].round()).all(), f"layers.csv {col} has fractions where it counts")
for col in ("utilization", "mapping_efficiency", "energy_pj", "roof_fraction", "macs_per_dram_byte"):
    expect(types.is_float_dtype(df[col]), f"layers.csv {col} is {df[col].dtype}, not float")
expect(df["layer"].tolist() == [l["name"] for l in rep["layers"]], "layer names differ from report.json")
by_name = {l["name"]: l for l in rep["layers"]}
for _, row in sim.iterrows():
    l = by_name[row["layer"]]
    expect(int(row["cycles"]) == l["cycles"], f"{row['layer']}: cycles {row['cycles']} vs {l['cycles']}")
    expect(int(row["dram_read_bytes"]) == l["traffic"]["dram_read_bytes"], f"{row['layer']}: dram_read_bytes")
    expect(abs(row["energy_pj"] - l["energy"]["total_pj"]) <= 1e-3 * max(1, l["energy"]["total_pj"]),
           f"{row['layer']}: energy_pj {row['energy_pj']} vs {l['energy']['total_pj']}")
expect(set(sim["check"]) == {"pass"}, f"check column {set(sim['check'])}")
expect(df[~df["simulated"]]["cycles"].isna().all(), "a layer that is not simulated has cycles")

# results.csv of a sweep.
sweep_out = os.path.join(work, "sweep")
sh("sweep", os.path.join(src, "tests", "sweep", "cfg_base.json"), "--out", sweep_out, "--jobs", "1", "-q")
rs = pd.read_csv(os.path.join(sweep_out, "results.csv"))
expect(len(rs) > 0, "results.csv is empty")
for col in ("cycles", "macs"):
    if col in rs:
        expect(types.is_numeric_dtype(rs[col]), f"results.csv {col} is {rs[col].dtype}")
numeric = [c for c in rs.columns if types.is_numeric_dtype(rs[c])]
expect("cycles" in numeric, f"results.csv has no numeric cycles column: {list(rs.columns)}")
layer_rows = rs[rs["scope"] == "layer"]
expect(set(layer_rows["simulated"]) <= {True, False}, f"results.csv simulated on layer rows: {set(layer_rows['simulated'])}")
expect(types.is_integer_dtype(rs["cycles"]) and types.is_float_dtype(rs["utilization"]),
       f"results.csv cycles {rs['cycles'].dtype}, utilization {rs['utilization'].dtype}")
points = [json.loads(l) for l in open(os.path.join(sweep_out, "points.jsonl"))]
expect(len({p.get("point", p.get("id")) for p in points}) >= 2, "fewer than two sweep points")

# COMPUTE_REPORT.csv of the estimate (SCALE-Sim's own column names, with its spaces).
est = os.path.join(work, "estimate")
sh("estimate", "-c", os.path.join(src, "configs", "tiny_4x4_ws.json"), "-w",
   os.path.join(src, "workloads", "tiny", "mixed.json"), "-o", est)
cr = pd.read_csv(os.path.join(est, "COMPUTE_REPORT.csv"), skipinitialspace=True)
expect(len(cr) > 0, "COMPUTE_REPORT.csv is empty")
for c in cr.columns:
    if c.lower().startswith("layer"):
        continue
    expect(types.is_numeric_dtype(cr[c]) or cr[c].isna().all(), f"COMPUTE_REPORT.csv {c!r} is {cr[c].dtype}")

if failures:
    print("\n".join(failures))
    sys.exit(1)
print(f"pandas: ok (layers.csv {df.shape}, results.csv {rs.shape}, COMPUTE_REPORT.csv {cr.shape})")
