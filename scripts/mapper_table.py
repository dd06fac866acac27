#!/usr/bin/env python3
"""Heuristic vs searched cycles per shipped workload and config, as the Markdown table in docs/mapper.md.

    scripts/mapper_table.py [--sasim build/sasim] [--configs A B ...] [--workloads X Y ...]

Runs each pair twice with --timing-only (same cycles as a checked run): --mapper heuristic and --mapper
search (no cache, so the search time is measured), and checks that no layer got slower.
"""
import argparse, json, os, subprocess, sys, time

ap = argparse.ArgumentParser()
ap.add_argument("--sasim", default="build/sasim")
ap.add_argument("--configs", nargs="+", default=["gemmini_16x16", "os_32x32", "tpu_v1"])
ap.add_argument("--workloads", nargs="+", default=["resnet50", "mobilenet_v2", "alexnet", "bert_base_layer"])
a = ap.parse_args()
env = dict(os.environ, SASIM_MAPPER_CACHE="none")

def run(cfg, wl, mapper):
    t = time.monotonic()
    out = subprocess.run([a.sasim, "run", "-q", "--timing-only", "--format", "json", "--config", f"configs/{cfg}.json",
                          "--workload", f"workloads/{wl}.json", "--mapper", mapper], env=env, check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out), time.monotonic() - t

print("| config | workload | heuristic cycles | util | searched cycles | util | speedup | DRAM bytes / compulsory "
      "(heuristic -> searched) | roofline bound | layers slower | search s |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
bad = 0
for cfg in a.configs:
    for wl in a.workloads:
        h, _ = run(cfg, wl, "heuristic")
        s, _ = run(cfg, wl, "search")
        ht, st = h["totals"], s["totals"]
        sl = [l for l in s["layers"] if l.get("simulated")]
        hl = [l for l in h["layers"] if l.get("simulated")]
        slower = sum(1 for x, y in zip(sl, hl) if x["cycles"] > y["cycles"])
        bad += slower
        ratio = lambda t: (t["traffic"]["dram_read_bytes"] + t["traffic"]["dram_write_bytes"]) / t["traffic"]["compulsory_bytes"]
        print(f"| {cfg} | {wl} | {ht['cycles']:,} | {100*ht['utilization']:.1f} % | {st['cycles']:,} | "
              f"{100*st['utilization']:.1f} % | {ht['cycles']/st['cycles']:.2f}x | {ratio(ht):.2f} -> {ratio(st):.2f} | "
              f"{st['roofline']['bound_cycles']:,} | {slower} | {s['mapper']['search_seconds']:.1f} |", flush=True)
sys.exit(1 if bad else 0)
