#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# Each stall cause binds in a case built for it, and the cycles it costs land in its own bucket of
# cycle_breakdown (docs/report.md, "cycle_breakdown"). For each cause, two configs differ in one setting:
# the run where the setting binds must be slower, and between 80 % and 120 % of the extra cycles must be
# booked under that cause. Usage: stall_attribution.py SASIM SOURCE_DIR WORK_DIR [--json]
# (--json: print the measurements as JSON and exit 0; scripts/doc_numbers.py builds docs/report.md's table
# from it.)
import copy
import json
import os
import subprocess
import sys

sasim, source, work = sys.argv[1], sys.argv[2], sys.argv[3]
as_json = sys.argv[4:] == ["--json"]
os.makedirs(work, exist_ok=True)

CONV = {"name": "attr_conv", "source": "stall attribution test: a ResNet-18 3x3 conv at 28x28",
        "layers": [{"name": "conv", "type": "conv", "in_h": 28, "in_w": 28, "in_c": 64, "out_c": 64,
                    "kernel": 3, "stride": 1, "padding": 1}]}
GEMM = {"name": "attr_gemm", "source": "stall attribution test: a 128 x 256 x 256 projection",
        "layers": [{"name": "proj", "type": "gemm", "m": 128, "k": 256, "n": 256}]}


def load(name):
    with open(os.path.join(source, "configs", name + ".json")) as f:
        return json.load(f)


def run(name, config, workload):
    cfg_path = os.path.join(work, name + ".json")
    wl_path = os.path.join(work, workload["name"] + ".json")
    with open(cfg_path, "w") as f:
        json.dump(dict(config, name=name), f)
    with open(wl_path, "w") as f:
        json.dump(workload, f)
    # The heuristic mapper keeps the program the same across the pair: only the hardware differs.
    out = subprocess.run([sasim, "run", "-q", "--config", cfg_path, "--workload", wl_path, "--mapper", "heuristic",
                          "--timing-only", "--format", "json"], capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"{name}: sasim exited {out.returncode}: {out.stderr.strip()}")
    totals = json.loads(out.stdout)["totals"]
    return totals["cycles"], totals["cycle_breakdown"]


def variant(base, **changes):
    c = copy.deepcopy(base)
    for path, value in changes.items():
        section, key = path.split("__")
        c[section][key] = value
    return c


# A 16x16 array with data always at hand: no DRAM latency, a 256 B/cycle bus, 64 banks.
fast = variant(load("gemmini_16x16"), dram__latency_cycles=0, dma__bus_bytes_per_cycle=256,
               dram__bandwidth_gbps=256.0, scratchpad__banks=64, accumulator__banks=2)
# A 4x4 array whose instructions are short, so the queues decide how far the DMA runs ahead.
small = variant(load("tiny_4x4_ws"), scratchpad__banks=64, accumulator__banks=64)

CASES = [
    ("bank_conflict", "one scratchpad bank vs 64", fast, variant(fast, scratchpad__banks=1), CONV),
    ("dram_latency", "DRAM latency 0 vs 1000 cycles", fast, variant(fast, dram__latency_cycles=1000), CONV),
    ("dram_bandwidth", "a 256 B vs 1 B per cycle bus", fast,
     variant(variant(fast, dma__bus_bytes_per_cycle=1), dram__bandwidth_gbps=1.0), CONV),
    ("queue_full", "queues of 8 vs 1 entries", small,
     variant(variant(variant(small, queues__load=1), queues__execute=1), queues__store=1), GEMM),
]

failed = False
results = []
for bucket, what, good, bad, workload in CASES:
    good_cycles, good_b = run(bucket + "_good", good, workload)
    bad_cycles, bad_b = run(bucket + "_bad", bad, workload)
    extra = bad_cycles - good_cycles
    booked = bad_b[bucket] - good_b[bucket]
    for b in (good_b, bad_b):
        assert sum(b.values()) in (good_cycles, bad_cycles), "cycle_breakdown does not add up to cycles"
    ratio = booked / extra if extra > 0 else float("nan")
    ok = extra > 0 and 0.8 <= ratio <= 1.2
    failed |= not ok
    results.append({"bucket": bucket, "what": what, "fast_cycles": good_cycles, "slow_cycles": bad_cycles,
                    "booked": booked, "ok": ok})
    if as_json:
        continue
    print(f"{'ok  ' if ok else 'FAIL'} {bucket}: {what}: {good_cycles} -> {bad_cycles} cycles (+{extra}), "
          f"{bucket} +{booked} ({ratio:.2f} of the extra cycles); other buckets of the slow run: "
          + ", ".join(f"{k} {v}" for k, v in sorted(bad_b.items()) if k != bucket))
if as_json:
    print(json.dumps(results))
    sys.exit(0)
sys.exit(1 if failed else 0)
