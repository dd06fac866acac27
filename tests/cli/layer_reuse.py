#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# Layer reuse (RunOptions::reuse_layers): a layer with the shape of an earlier one takes its statistics
# instead of being simulated again; with values, its own values come from its program replayed without
# time and are checked against the reference. The reports must equal those of a run that simulates every
# layer (--no-layer-reuse), field for field but the search's wall time, for the heuristic program, the
# searched one (whose memo answers repeated shapes), with and without values, on every dataflow, with
# 16-bit operands, without a check (no replay then), with replays in place (a --max-memory for one layer
# only), and every layer with values must pass its check; a run with a retire log or a waveform simulates every
# layer (its retire log has every layer's lines).
# Usage: layer_reuse.py SASIM SOURCE_DIR WORK_DIR
import json
import os
import shutil
import subprocess
import sys

sasim, src, work = sys.argv[1], sys.argv[2], sys.argv[3]
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
failures = []
cfg = os.path.join(src, "configs", "tiny_8x8_ws.json")


def run(*args):
    config = [] if "--config" in args else ["--config", cfg]
    p = subprocess.run([sasim, "run", "-q", *config, "--format", "json", "--mapper-cache", "none", *args],
                       capture_output=True, text=True)
    if p.returncode != 0:
        failures.append(f"{' '.join(args)}: exit {p.returncode}: {p.stderr.strip()}")
        return None
    j = json.loads(p.stdout)
    j.get("mapper", {}).pop("search_seconds", None)
    for l in j["layers"]:
        l.get("mapping", {}).pop("search_seconds", None)
    return j


def reused(j):
    return {l["name"]: l.pop("reused_from") for l in j["layers"] if "reused_from" in l}


# Repeated shapes: resblock_small has them, and a hand-made trace repeats a conv three times between others.
trace = os.path.join(work, "repeats.json")
conv = {"type": "conv", "in_h": 9, "in_w": 9, "in_c": 12, "out_c": 10, "kernel": 3, "stride": 1, "padding": 1}
with open(trace, "w") as f:
    json.dump({"name": "repeats", "source": "layer reuse test", "layers": [
        dict(conv, name="a"), {"name": "g", "type": "gemm", "m": 20, "n": 9, "k": 30}, dict(conv, name="b"),
        dict(conv, name="c", stride=2), dict(conv, name="d")]}, f)
# 16-bit operands take the portable kernel.
cfg16 = os.path.join(work, "tiny_4x4_ws_int16.json")
with open(os.path.join(src, "configs", "tiny_4x4_ws.json")) as f:
    c16 = json.load(f)
c16["array"]["operand_bits"] = 16
c16["name"] = "tiny_4x4_ws_int16"
with open(cfg16, "w") as f:
    json.dump(c16, f)
workloads = [trace, os.path.join(src, "workloads", "tiny", "resblock_small.json")]
for wl in workloads:
    for mapper in ("heuristic", "search"):
        for values in ([], ["--timing-only"]):
            cfgs = [(cfg, [])] if values else [(os.path.join(src, "configs", n), []) for n in (
                "tiny_8x8_ws.json", "tiny_4x4_os.json", "tiny_4x4_is.json")] + [(cfg16, []), (cfg, ["--no-check"])]
            # With values, a --max-memory that holds one layer but not two: the replays run in place.
            if not values:
                cfgs.append((cfg, ["--max-memory", "48M"]))
            for c, extra in cfgs:
                what = f"{os.path.basename(wl)} --mapper {mapper} {os.path.basename(c)} {' '.join(values + extra)}"
                a = run("--workload", wl, "--mapper", mapper, "--config", c, *values, *extra)
                b = run("--workload", wl, "--mapper", mapper, "--config", c, "--no-layer-reuse", *values, *extra)
                if a is None or b is None:
                    continue
                ra, rb = reused(a), reused(b)
                if rb:
                    failures.append(f"{what}: --no-layer-reuse reused {rb}")
                if wl == trace and ra != {"b": "a", "d": "a"}:
                    failures.append(f"{what}: reused {ra}, expected b and d from a")
                if not values and "--no-check" not in extra:
                    unchecked = [l["name"] for l in a["layers"] if l.get("simulated") and not l["check"]["pass"]]
                    if unchecked:
                        failures.append(f"{what}: layers {unchecked} did not pass their check")
                if a != b:
                    diff = [la["name"] for la, lb in zip(a["layers"], b["layers"]) if la != lb]
                    failures.append(f"{what}: reuse changed the report (layers {diff})")

# A run that must simulate every layer: the retire log holds lines of each simulated layer.
log = os.path.join(work, "retire.log")
a = run("--workload", trace, "--timing-only", "--retire-log", log)
if a is not None and reused(a):
    failures.append(f"--retire-log: layers reused {reused(a)}")
with open(log) as f:
    layers = {line.split()[0] for line in f if not line.startswith("#")}
if layers != {"0", "1", "2", "3", "4"}:
    failures.append(f"--retire-log with --timing-only: lines of layers {sorted(layers)}, expected all five")

if failures:
    print("\n".join(failures))
    sys.exit(1)
print("layer reuse: ok")
