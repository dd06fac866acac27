#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Heuristic vs searched cycles per shipped workload and config: the results table of docs/mapper.md.

    scripts/mapper_table.py [--sasim build/sasim] [--configs A B ...] [--workloads X Y ...] [--jobs N]
    scripts/mapper_table.py SASIM ROOT WORK_DIR --json [--quick]     # as doc_numbers.py runs it

Runs each pair twice with --timing-only (same cycles as a checked run): --mapper heuristic and --mapper
search (no cache, so the search time is measured), and fails when a layer got slower. Prints the Markdown
table (with the search time), or with --json one object per pair. --quick runs only the pairs that take
seconds (the docs_numbers test checks those rows; scripts/update_docs.sh writes them all).
"""
import argparse
import concurrent.futures
import json
import os
import subprocess
import sys

CONFIGS = ["gemmini_16x16", "os_32x32", "tpu_v1"]
WORKLOADS = ["resnet50", "mobilenet_v2", "alexnet", "bert_base_layer"]
QUICK = [("tpu_v1", "resnet50"), ("tpu_v1", "bert_base_layer"), ("os_32x32", "bert_base_layer")]

ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
ap.add_argument("positional", nargs="*", help="SASIM ROOT WORK_DIR (doc_numbers.py's @script convention)")
ap.add_argument("--sasim", default="build/sasim")
ap.add_argument("--configs", nargs="+", default=CONFIGS)
ap.add_argument("--workloads", nargs="+", default=WORKLOADS)
ap.add_argument("--jobs", type=int, default=2, help="pairs run at the same time")
ap.add_argument("--json", action="store_true")
ap.add_argument("--quick", action="store_true")
a = ap.parse_args()
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sasim = a.sasim
if a.positional:
    if len(a.positional) != 3:
        sys.exit("mapper_table.py: expected SASIM ROOT WORK_DIR")
    sasim, root = a.positional[0], a.positional[1]
sasim = os.path.abspath(sasim)
env = dict(os.environ, SASIM_MAPPER_CACHE="none")


def run(cfg, wl, mapper):
    p = subprocess.run([sasim, "run", "-q", "--timing-only", "--format", "json", "--config", f"configs/{cfg}.json",
                        "--workload", f"workloads/{wl}.json", "--mapper", mapper, "--mapper-cache", "none"],
                       env=env, cwd=root, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"mapper_table.py: {cfg} {wl} --mapper {mapper}: exit {p.returncode}\n{p.stderr}")
    return json.loads(p.stdout)


def dram_multiple(t):
    return (t["traffic"]["dram_read_bytes"] + t["traffic"]["dram_write_bytes"]) / t["traffic"]["compulsory_bytes"]


def row(pair):
    cfg, wl = pair
    h, s = run(cfg, wl, "heuristic"), run(cfg, wl, "search")
    ht, st = h["totals"], s["totals"]
    hl = [l for l in h["layers"] if l.get("simulated")]
    sl = [l for l in s["layers"] if l.get("simulated")]
    return {"config": cfg, "workload": wl, "heuristic_cycles": ht["cycles"], "heuristic_utilization": ht["utilization"],
            "searched_cycles": st["cycles"], "searched_utilization": st["utilization"],
            "heuristic_dram_multiple": dram_multiple(ht), "searched_dram_multiple": dram_multiple(st),
            "bound_cycles": st["roofline"]["bound_cycles"],
            "layers_slower": sum(1 for x, y in zip(sl, hl) if x["cycles"] > y["cycles"]),
            "search_seconds": s["mapper"]["search_seconds"]}


def markdown(r, with_time):
    line = (f"| {r['config']} | {r['workload']} | {r['heuristic_cycles']:,} | {100 * r['heuristic_utilization']:.1f} % | "
            f"{r['searched_cycles']:,} | {100 * r['searched_utilization']:.1f} % | "
            f"{r['heuristic_cycles'] / r['searched_cycles']:.2f}x | {r['heuristic_dram_multiple']:.2f} -> "
            f"{r['searched_dram_multiple']:.2f} | {r['bound_cycles']:,} | {r['layers_slower']} |")
    return line + (f" {r['search_seconds']:.1f} |" if with_time else "")


pairs = [(c, w) for c in a.configs for w in a.workloads if not a.quick or (c, w) in QUICK]
with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, a.jobs)) as pool:
    rows = list(pool.map(row, pairs))
if a.json:
    print(json.dumps(rows, indent=1))
else:
    print("| config | workload | heuristic cycles | util | searched cycles | util | speedup | DRAM bytes / compulsory "
          "(heuristic -> searched) | roofline bound | layers slower | search s |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(markdown(r, True))
sys.exit(1 if any(r["layers_slower"] for r in rows) else 0)
