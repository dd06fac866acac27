#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""ResNet-50 on gemmini_16x16.json with its dataflow set to OS and to IS (the file otherwise unchanged),
heuristic and searched: the comparison in docs/mapper.md, "Results".

    scripts/dataflow_table.py SASIM ROOT WORK_DIR --json     # as doc_numbers.py runs it

Writes the two edited configs to WORK_DIR and prints one object per dataflow with both cycle counts.
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
out = []
for df in ("os", "is"):
    cfg = dict(base, array=dict(base["array"], dataflow=df))
    path = os.path.join(work, f"gemmini_16x16_{df}.json")
    with open(path, "w") as f:
        json.dump(cfg, f)
    row = {"dataflow": df}
    for mapper in ("heuristic", "search"):
        p = subprocess.run([sasim, "run", "-q", "--timing-only", "--format", "json", "--config", path, "--workload",
                            os.path.join(root, "workloads", "resnet50.json"), "--mapper", mapper, "--mapper-cache", "none"],
                           capture_output=True, text=True)
        if p.returncode != 0:
            sys.exit(f"dataflow_table.py: {df} --mapper {mapper}: exit {p.returncode}\n{p.stderr}")
        row[f"{mapper}_cycles"] = json.loads(p.stdout)["totals"]["cycles"]
    out.append(row)
print(json.dumps(out, indent=1))
