#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""`sasim import` of the ONNX models tests/onnx/make_models.py builds: the example in docs/onnx.md.

    scripts/onnx_example.py SASIM ROOT WORK_DIR --json     # as doc_numbers.py runs it

Builds the models in WORK_DIR and prints the ResNet-50 import's summary lines and first two layers, and
the BERT layer's MACs and matrix products.
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from doc_source import source_args  # noqa: E402

sasim, root, work = source_args(__doc__)


def run(args, cwd=work):
    p = subprocess.run(args, cwd=cwd, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"onnx_example.py: {' '.join(args)}: exit {p.returncode}\n{p.stderr}")
    return p


run(["/usr/bin/python3", os.path.join(os.path.abspath(root), "tests", "onnx", "make_models.py"), work])
r50 = run([sasim, "import", "resnet50.onnx", "-o", "resnet50.json"])
summary = [l for l in (r50.stdout + r50.stderr).splitlines() if not l.startswith("wrote ")]
with open(os.path.join(work, "resnet50.json")) as f:
    first_layers = [l.strip().rstrip(",") for l in f if l.strip().startswith('{"name"')][:2]
run([sasim, "import", "bert_base_layer.onnx", "--input-shape", "hidden_states:1x128x768", "-o", "bert.json"])
with open(os.path.join(work, "bert.json")) as f:
    bert = json.load(f)
products = [l for l in bert["layers"] if l["type"] in ("gemm", "matmul")]
macs = sum(l.get("batch", 1) * l["m"] * l["n"] * l["k"] for l in products)
print(json.dumps({"resnet50_summary": summary, "resnet50_first_layers": first_layers,
                  "bert_products": len(products), "bert_macs": macs}, indent=1))
