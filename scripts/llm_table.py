#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Llama-2-7B on configs/gemmini_128x128.json, timing only: the table of docs/llm.md, "Measured".

    scripts/llm_table.py SASIM ROOT WORK_DIR --json     # as doc_numbers.py runs it (about a minute)

Writes the traces to WORK_DIR and prints, per run, the layer counts, MACs, cycles and utilization.
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from doc_source import source_args  # noqa: E402

sasim, root, work = source_args(__doc__)
cfg = os.path.join(root, "configs", "gemmini_128x128.json")
runs = {"prefill_l1": (["--phase", "prefill", "--tokens", "2048", "--layers", "1"], "search"),
        "prefill": (["--phase", "prefill", "--tokens", "2048"], "search"),
        "prefill_heuristic": (["--phase", "prefill", "--tokens", "2048"], "heuristic"),
        "decode": (["--phase", "decode", "--context", "2048", "--tokens", "128"], "search")}
out = {}
for name, (args, mapper) in runs.items():
    trace = os.path.join(work, name + ".json")
    subprocess.run([sasim, "workload", "llm", "-q", "--model", "llama2-7b", *args, "--out", trace], check=True,
                   capture_output=True)
    p = subprocess.run([sasim, "run", "-q", "--timing-only", "--mapper", mapper, "--mapper-cache", "none", "--format",
                        "json", "--config", cfg, "--workload", trace], capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"llm_table.py: {name}: exit {p.returncode}\n{p.stderr}")
    rep = json.loads(p.stdout)
    t = rep["totals"]
    out[name] = {"layers": len(rep["layers"]), "simulated": sum(1 for l in rep["layers"] if l.get("simulated")),
                 "macs": t["macs"], "cycles": t["cycles"], "utilization": t["utilization"]}
print(json.dumps(out, indent=1))
