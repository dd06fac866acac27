#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# The EXECUTE values come from model/int_gemm: AVX-512 VNNI where the CPU has it, portable C++ otherwise
# (forced with SASIM_SIMD=portable). Both must give the same run: every layer checked against the
# reference and passing, and reports equal field for field but the mapper's wall time, on every dataflow,
# 8- and 16-bit operands. On a CPU without VNNI both runs take the portable kernel and the test still
# checks that the variable is accepted.
# Usage: simd_kernels.py SASIM SOURCE_DIR WORK_DIR
import json
import os
import shutil
import subprocess
import sys

sasim, src, work = sys.argv[1], sys.argv[2], sys.argv[3]
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
failures = []


def run(cfg, wl, env_simd):
    env = dict(os.environ)
    env.pop("SASIM_SIMD", None)
    if env_simd:
        env["SASIM_SIMD"] = env_simd
    p = subprocess.run([sasim, "run", "-q", "--config", cfg, "--workload", wl, "--format", "json", "--mapper-cache",
                        "none"], capture_output=True, text=True, env=env)
    if p.returncode != 0:
        failures.append(f"{cfg} {wl} SASIM_SIMD={env_simd}: exit {p.returncode}: {p.stderr.strip()}")
        return None
    j = json.loads(p.stdout)
    j.get("mapper", {}).pop("search_seconds", None)
    for l in j["layers"]:
        l.get("mapping", {}).pop("search_seconds", None)
        if l.get("simulated") and not l.get("check", {}).get("pass"):
            failures.append(f"{cfg} {wl} SASIM_SIMD={env_simd}: layer {l['name']} failed its check: {l.get('check')}")
    return j


cfg16 = os.path.join(work, "tiny_4x4_ws_int16.json")
with open(os.path.join(src, "configs", "tiny_4x4_ws.json")) as f:
    c = json.load(f)
c.setdefault("array", {})["operand_bits"] = 16
c["name"] = "tiny_4x4_ws_int16"
with open(cfg16, "w") as f:
    json.dump(c, f)
configs = [os.path.join(src, "configs", n) for n in ("tiny_4x4_ws.json", "tiny_4x4_os.json", "tiny_4x4_is.json",
                                                      "tiny_3x5_os.json", "tiny_8x8_ws.json")] + [cfg16]
for cfg in configs:
    for wl in ("mixed.json", "depthwise.json", "resblock_small.json"):
        path = os.path.join(src, "workloads", "tiny", wl)
        a, b = run(cfg, path, None), run(cfg, path, "portable")
        if a is not None and b is not None and a != b:
            failures.append(f"{os.path.basename(cfg)} {wl}: the portable kernel's report differs from the default's")

if failures:
    print("\n".join(failures))
    sys.exit(1)
print("simd kernels: ok")
