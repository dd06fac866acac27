#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The runs behind docs/energy.md, "Sanity checks": on tpu_v1.json, one 4096 x 4096 x 4096 GEMM and
ResNet-50 at batch 1, searched, --timing-only (energy needs no values).

    scripts/energy_checks.py SASIM ROOT WORK_DIR --json     # as doc_numbers.py runs it

Prints {"tpu_gemm": report, "tpu_rn50": report} (sasim run --format json reports).
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from doc_source import source_args  # noqa: E402

sasim, root, work = source_args(__doc__)
gemm = os.path.join(work, "gemm_4096.json")
with open(gemm, "w") as f:
    json.dump({"name": "gemm_4096", "source": "docs/energy.md",
               "layers": [{"name": "gemm_4096", "type": "gemm", "m": 4096, "n": 4096, "k": 4096}]}, f)
out = {}
for key, wl in (("tpu_gemm", gemm), ("tpu_rn50", os.path.join(root, "workloads", "resnet50.json"))):
    p = subprocess.run([sasim, "run", "-q", "--timing-only", "--format", "json", "--mapper-cache", "none",
                        "--config", os.path.join(root, "configs", "tpu_v1.json"), "--workload", wl],
                       capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"energy_checks.py: {key}: exit {p.returncode}\n{p.stderr}")
    out[key] = json.loads(p.stdout)
print(json.dumps(out))
