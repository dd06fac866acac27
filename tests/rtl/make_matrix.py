#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Writes the RTL cross-check matrix (tests/rtl/configs/*.json, tests/rtl/workloads/*.json).

The files are committed; run this again only to change the matrix. Every config x every workload is one
ctest case (label rtl): `sasim rtl check` must print "match". See docs/rtl.md, "Adding a case".
"""
import json
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))

# name: rows cols dataflow bits | spad KiB, banks | acc KiB, banks | queues l/e/s | bus, max request,
#       DMA outstanding | DRAM latency, GB/s at 1000 MHz, DRAM outstanding
CONFIGS = [
    ("m01_2x2_ws", 2, 2, "ws", 8, 1, 1, 1, 1, (2, 2, 1), 8, 8, 2, 1, 8.0, 4),
    ("m02_2x2_os", 2, 2, "os", 8, 2, 2, 1, 2, (4, 4, 2), 16, 16, 4, 10, 4.5, 8),
    ("m03_4x4_ws", 4, 4, "ws", 8, 1, 4, 1, 1, (3, 2, 2), 8, 32, 3, 100, 12.0, 4),
    ("m04_4x4_is", 4, 4, "is", 8, 4, 2, 2, 2, (4, 4, 2), 32, 64, 8, 10, 16.0, 16),
    ("m05_4x4_os_i16", 4, 4, "os", 16, 2, 4, 2, 4, (2, 3, 1), 16, 16, 4, 1, 6.4, 2),
    ("m06_8x8_ws_tight", 8, 8, "ws", 8, 1, 2, 1, 2, (4, 4, 2), 16, 64, 8, 100, 16.0, 16),
    ("m07_8x8_is_roomy", 8, 8, "is", 8, 16, 4, 4, 2, (8, 8, 2), 32, 32, 16, 10, 32.0, 32),
    ("m08_8x8_os", 8, 8, "os", 8, 4, 1, 2, 1, (2, 2, 2), 8, 16, 2, 1, 2.5, 2),
    ("m09_4x8_ws", 4, 8, "ws", 8, 2, 2, 2, 2, (4, 4, 2), 16, 32, 4, 10, 10.0, 8),
    ("m10_8x4_is", 8, 4, "is", 8, 2, 4, 1, 4, (4, 2, 1), 8, 16, 4, 100, 8.0, 8),
    ("m11_3x5_os", 3, 5, "os", 8, 5, 2, 5, 2, (3, 3, 3), 16, 32, 4, 10, 7.7, 4),
    ("m12_6x6_ws", 6, 6, "ws", 8, 3, 4, 3, 1, (4, 4, 2), 8, 64, 6, 1, 20.0, 4),
    ("m13_5x3_is_i16", 5, 3, "is", 16, 5, 2, 3, 2, (2, 2, 1), 32, 32, 3, 100, 5.0, 16),
    ("m14_16x16_ws", 16, 16, "ws", 8, 8, 4, 4, 2, (8, 8, 2), 32, 64, 16, 100, 16.0, 32),
    ("m15_16x16_os", 16, 16, "os", 8, 64, 4, 16, 2, (8, 8, 2), 16, 64, 8, 10, 16.0, 16),
    # Regression (found by random_check.py): many STOREs waiting on slow writes at once.
    ("m16_2x2_os_lat100", 2, 2, "os", 8, 1, 1, 1, 1, (8, 8, 2), 16, 64, 16, 100, 16.0, 32),
]


def config_json(c):
    (name, r, cc, df, bits, sk, sb, ak, ab, q, bus, req, mo, lat, bw, dmo) = c
    return {
        "name": name,
        "description": "RTL cross-check matrix config (tests/rtl/make_matrix.py); not a real design.",
        "array": {"rows": r, "cols": cc, "dataflow": df, "operand_bits": bits, "acc_bits": 32},
        "scratchpad": {"capacity_kib": sk, "banks": sb},
        "accumulator": {"capacity_kib": ak, "banks": ab},
        "queues": {"load": q[0], "execute": q[1], "store": q[2]},
        "dma": {"bus_bytes_per_cycle": bus, "max_request_bytes": req, "max_outstanding": mo},
        "dram": {"latency_cycles": lat, "bandwidth_gbps": bw, "max_outstanding": dmo},
        "clock_mhz": 1000,
    }


def conv(name, h, w, c, oc, k, stride=1, pad=0, groups=1, dilation=1):
    layer = {"name": name, "type": "conv", "in_h": h, "in_w": w, "in_c": c, "out_c": oc, "kernel": k}
    if stride != 1:
        layer["stride"] = stride
    if pad:
        layer["padding"] = pad
    if groups != 1:
        layer["groups"] = groups
    if dilation != 1:
        layer["dilation"] = dilation
    return layer


def workloads():
    rng = random.Random(20261127)
    out = {}
    # Random GEMMs: shapes that are and are not multiples of the arrays above.
    fixed = [(1, 1, 1), (8, 8, 8), (16, 16, 16)]
    for i, (m, n, k) in enumerate(fixed + [(rng.randint(1, 40), rng.randint(1, 24), rng.randint(1, 40)) for _ in range(6)]):
        out[f"gemm{i:02d}_{m}x{n}x{k}"] = [{"name": "gemm", "type": "gemm", "m": m, "n": n, "k": k}]
    out["matmul_batched"] = [{"name": "heads", "type": "matmul", "batch": 3, "m": 6, "n": 5, "k": 4}]
    out["fc_m1"] = [{"name": "fc", "type": "gemm", "m": 1, "n": 10, "k": 50}]
    # Convolutions with stride and padding, non-square inputs, dilation.
    out["conv3x3_s1_p1"] = [conv("conv", 8, 8, 4, 6, 3, 1, 1)]
    out["conv3x3_s2_p1"] = [conv("conv", 9, 9, 3, 5, 3, 2, 1)]
    out["conv5x5_s2_p2_rect"] = [conv("conv", 10, 7, 2, 4, 5, 2, 2)]
    out["conv1x1_c16"] = [conv("conv", 6, 6, 16, 8, 1)]
    out["conv7x7_s2_p3"] = [conv("conv1", 12, 12, 3, 4, 7, 2, 3)]
    out["conv3x3_p0"] = [conv("conv", 5, 5, 6, 3, 3)]
    out["conv3x3_dil2"] = [conv("conv", 9, 9, 3, 4, 3, 1, 2, dilation=2)]
    out["conv2x2_s2"] = [conv("conv", 8, 8, 5, 3, 2, 2)]
    # Padding wider than the kernel: whole tiles of padding, so STOREs follow each other quickly.
    out["conv1x1_pad2"] = [conv("conv", 4, 4, 1, 1, 1, 1, 2)]
    # Depthwise and grouped convolutions.
    out["depthwise3x3_p1"] = [conv("dw", 8, 8, 6, 6, 3, 1, 1, groups=6)]
    out["depthwise3x3_s2"] = [conv("dw", 7, 7, 4, 4, 3, 2, 1, groups=4)]
    out["grouped_g2"] = [conv("conv", 6, 6, 8, 6, 3, 1, 1, groups=2)]
    # Scaled-down ResNet blocks (several layers each). Their adds are fused into a conv (workload/fusion.h):
    # into the downsample conv, whose shortcut is conv3's output, and into conv2, whose shortcut is the
    # network's input; each such conv LOADs its shortcut into the accumulator.
    out["resnet_bottleneck"] = [
        conv("conv1", 8, 8, 8, 4, 1), conv("conv2", 8, 8, 4, 4, 3, 2, 1), conv("conv3", 4, 4, 4, 16, 1),
        dict(conv("downsample", 8, 8, 8, 16, 1, 2), inputs=["$input"]),
        {"name": "add", "type": "add", "elements": 256, "inputs": ["conv3", "downsample"]}]
    out["resnet_basic"] = [conv("conv1", 6, 6, 8, 8, 3, 1, 1), conv("conv2", 6, 6, 8, 8, 3, 1, 1),
                           {"name": "add", "type": "add", "elements": 288, "inputs": ["conv2", "$input"]}]
    # A transformer's residual add after a projection: fused into the gemm (more rows than the arrays).
    out["gemm_residual"] = [{"name": "fc1", "type": "gemm", "m": 19, "n": 12, "k": 9},
                            {"name": "fc2", "type": "gemm", "m": 19, "n": 12, "k": 12},
                            {"name": "add", "type": "add", "elements": 228, "inputs": ["fc2", "fc1"]}]
    return out


def main():
    os.makedirs(os.path.join(HERE, "configs"), exist_ok=True)
    os.makedirs(os.path.join(HERE, "workloads"), exist_ok=True)
    for c in CONFIGS:
        with open(os.path.join(HERE, "configs", c[0] + ".json"), "w") as f:
            json.dump(config_json(c), f, indent=1)
            f.write("\n")
    for name, layers in workloads().items():
        with open(os.path.join(HERE, "workloads", name + ".json"), "w") as f:
            json.dump({"name": name, "source": "RTL cross-check matrix (tests/rtl/make_matrix.py)", "layers": layers}, f,
                      indent=1)
            f.write("\n")
    print(f"{len(CONFIGS)} configs x {len(workloads())} workloads = {len(CONFIGS) * len(workloads())} cases")


if __name__ == "__main__":
    main()
