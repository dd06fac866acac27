#!/usr/bin/python3
"""Random-layer stress test of the whole SystemC model, one process per case.

    /usr/bin/python3 scripts/stress_model.py SASIM [--cases N] [--seed S] [--keep DIR]

Each case draws a small random config (array shape, dataflow, operand width, memory sizes, banks, DMA and
DRAM parameters) and a random conv or GEMM layer, then runs `sasim run` with values checked. A case passes
when sasim exits 0 with every check passing, or exits 2 saying the layer does not fit the memories. Any
other outcome (a failed check, a deadlock, a crash, a signal) fails the run, and the case's files are kept
for replay. Prints 'N passed, N failed' at the end.
"""
import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile


def random_case(rng):
    rows, cols = rng.randint(1, 9), rng.randint(1, 9)
    bits = rng.choice([8, 8, 8, 16])
    row_bytes = max(rows, cols) * bits // 8
    spad_banks = rng.choice([1, 2, 4])
    # Whole KiB that split into whole rows per bank.
    unit = row_bytes * spad_banks
    spad_kib = unit * rng.randint(1, 4)
    acc_banks = rng.choice([1, 2])
    acc_kib = cols * 4 * acc_banks * rng.randint(1, 2)
    cfg = {
        "name": "stress",
        "array": {"rows": rows, "cols": cols, "dataflow": rng.choice(["os", "ws", "is"]), "operand_bits": bits},
        "scratchpad": {"capacity_kib": spad_kib, "banks": spad_banks},
        "accumulator": {"capacity_kib": acc_kib, "banks": acc_banks},
        "queues": {"load": rng.randint(1, 8), "execute": rng.randint(1, 8), "store": rng.randint(1, 4)},
        "dma": {"bus_bytes_per_cycle": rng.choice([1, 4, 8, 16, 32]),
                "max_request_bytes": rng.choice([2, 4, 8, 16, 64]), "max_outstanding": rng.randint(1, 16)},
        "dram": {"latency_cycles": rng.choice([1, 2, 10, 100]), "bandwidth_gbps": rng.choice([0.5, 2, 8, 33.3]),
                 "max_outstanding": rng.randint(1, 32)},
        "clock_mhz": rng.choice([500, 1000]),
    }
    if rng.random() < 0.6:
        groups = rng.randint(1, 3)
        k = rng.randint(1, 3)
        layer = {"name": "conv", "type": "conv", "batch": rng.randint(1, 2), "in_h": rng.randint(k, 9),
                 "in_w": rng.randint(k, 9), "in_c": groups * rng.randint(1, 6), "out_c": groups * rng.randint(1, 6),
                 "kernel": [k, rng.randint(1, 3)], "stride": [rng.randint(1, 2), rng.randint(1, 3)],
                 "padding": [rng.randint(0, 1), rng.randint(0, 1), rng.randint(0, 2), rng.randint(0, 1)],
                 "groups": groups}
        if layer["in_w"] + layer["padding"][2] + layer["padding"][3] < layer["kernel"][1]:
            layer["in_w"] = layer["kernel"][1]
    else:
        layer = {"name": "gemm", "type": "gemm", "batch": rng.randint(1, 3), "m": rng.randint(1, 24),
                 "n": rng.randint(1, 24), "k": rng.randint(1, 48)}
    return cfg, {"name": "stress", "source": "scripts/stress_model.py (random)", "layers": [layer]}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("sasim")
    ap.add_argument("--cases", type=int, default=50)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--keep", default="stress_failures", help="where failing cases are copied")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    passed = failed = refused = 0
    work = tempfile.mkdtemp(prefix="sasim_stress_")
    for i in range(args.cases):
        cfg, wl = random_case(rng)
        cdir = os.path.join(work, f"case{i:04d}")
        os.makedirs(cdir)
        cpath, wpath = os.path.join(cdir, "config.json"), os.path.join(cdir, "workload.json")
        json.dump(cfg, open(cpath, "w"), indent=1)
        json.dump(wl, open(wpath, "w"), indent=1)
        p = subprocess.run([args.sasim, "run", "-q", "--config", cpath, "--workload", wpath, "--format", "csv"],
                           capture_output=True, text=True, timeout=300)
        ok = p.returncode == 0 or (p.returncode == 2 and "capacity_kib" in p.stderr)
        if ok:
            passed += 1
            refused += p.returncode == 2
        else:
            failed += 1
            dest = os.path.join(args.keep, f"seed{args.seed}_case{i:04d}")
            shutil.copytree(cdir, dest, dirs_exist_ok=True)
            print(f"case {i}: exit {p.returncode}: {p.stderr.strip().splitlines()[:3]} (kept in {dest})")
    shutil.rmtree(work, ignore_errors=True)
    print(f"{refused} of the passing cases were refused as not fitting the memories")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
