#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# `import sasim` (python/, docs/python.md): run() returns report.json's content, equal to the CLI's; many
# runs in one Python process (each in a forked child) and from threads; configs and workloads as dicts;
# InputError / SimulationError / CheckFailed with sasim's one-line messages; load_config resolves defaults
# and reads SCALE-Sim .cfg; layers_frame() is a DataFrame of integer counts; sweep() returns results.csv.
# Usage: module_test.py SASIM SOURCE_DIR WORK_DIR   (PYTHONPATH holds build/python)
import concurrent.futures
import json
import os
import shutil
import subprocess
import sys

import sasim

binary, src, work = sys.argv[1], sys.argv[2], sys.argv[3]
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
failures = []


def expect(cond, what):
    if not cond:
        failures.append(what)


cfg = os.path.join(src, "configs", "tiny_4x4_ws.json")
wl = os.path.join(src, "workloads", "tiny", "mixed.json")

# The same content as the CLI's report.json, the one wall-clock field aside.
rep = sasim.run(cfg, wl, mapper="heuristic", seed=3)
cli = json.loads(subprocess.run([binary, "run", "-q", "--format", "json", "-c", cfg, "-w", wl, "--mapper", "heuristic",
                                 "--seed", "3"], capture_output=True, text=True, check=True).stdout)
for r in (rep, cli):
    r["totals"].pop("seconds", None)
    for l in r["layers"]:
        l.get("mapping", {}).pop("search_seconds", None)
expect(dict(rep) == cli, "sasim.run's report differs from sasim run --format json")
expect(isinstance(rep, sasim.Report) and rep["totals"]["check"]["pass"] is True, "not a checked Report")

# Many runs in one process, some at once from threads: each is a fresh child.
with concurrent.futures.ThreadPoolExecutor(max_workers=2) as ex:
    runs = list(ex.map(lambda s: sasim.run(cfg, wl, mapper="heuristic", seed=s, timing_only=True), range(4)))
expect(len({r["totals"]["cycles"] for r in runs}) == 1 and runs[0]["totals"]["cycles"] == rep["totals"]["cycles"],
       "timing-only runs from threads disagree: " + str([r["totals"]["cycles"] for r in runs]))

# Dicts as config and workload.
with open(cfg) as f:
    cfg_dict = json.load(f)
cfg_dict["array"]["rows"] = 2
small = {"name": "one", "layers": [{"name": "g", "type": "gemm", "m": 5, "n": 6, "k": 7}]}
r = sasim.run(cfg_dict, small, mapper="heuristic")
expect(r["layers"][0]["macs"] == 5 * 6 * 7 and r["totals"]["check"]["pass"] is True, "dict inputs")

# Errors: the CLI's one-line messages, as typed exceptions.
try:
    sasim.run(cfg, os.path.join(work, "missing.json"))
    expect(False, "a missing workload raised nothing")
except sasim.InputError as e:
    expect(isinstance(e, ValueError) and e.exit_code == 2 and "missing.json" in str(e) and "\n" not in str(e),
           f"missing workload: {e!r}")
try:
    sasim.run(cfg, wl, mapper="nonsense")
    expect(False, "a bad option raised nothing")
except sasim.InputError as e:
    expect("mapper" in str(e), f"bad option: {e!r}")
try:
    sasim.run(cfg, wl, inject_fault="drop-token", watchdog_cycles=10000, mapper="heuristic")
    expect(False, "a deadlock raised nothing")
except sasim.SimulationError as e:
    expect(isinstance(e, RuntimeError) and e.exit_code == 3 and "watchdog" in str(e), f"deadlock: {e!r}")

# load_config: defaults resolved, .cfg read, refusals raised.
c = sasim.load_config(cfg)
expect(c["array"]["rows"] == 4 and "dram" in c and "queues" in c, f"load_config: {c}")
scfg = os.path.join(src, "tests", "cli", "scalesim_small.cfg")
if os.path.exists(scfg):
    expect(sasim.load_config(scfg)["array"]["rows"] > 0, "load_config of a SCALE-Sim .cfg")
try:
    sasim.load_config({"array": {"rows": 0}})
    expect(False, "a bad config raised nothing")
except sasim.InputError as e:
    expect("array.rows" in str(e), f"bad config: {e!r}")

# layers_frame: pandas, integer counts with <NA> where a layer is not simulated.
df = rep.layers_frame()
expect(list(df["layer"]) == [l["name"] for l in rep["layers"]], "layers_frame rows")
expect(str(df["cycles"].dtype) == "Int64" and int(df["cycles"].sum()) == sum(
    l["cycles"] for l in rep["layers"] if l.get("simulated")), f"layers_frame cycles {df['cycles'].dtype}")

# roofline, estimate, sweep.
roof = sasim.roofline(cfg, wl)
expect("layers" in roof or "total" in roof, f"roofline keys {list(roof)}")
est = sasim.estimate(cfg, wl)
expect(isinstance(est, (dict, list)), "estimate")
rows = sasim.sweep(os.path.join(src, "tests", "sweep", "cfg_base.json"), os.path.join(work, "sweep"), jobs=1)
expect(len(rows) >= 2 and all(r["status"] == "ok" for r in rows), f"sweep rows: {rows[:2]}")

if failures:
    print("\n".join(failures))
    sys.exit(1)
print("python module: ok")
