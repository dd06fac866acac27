#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# Values from layer to layer (docs/timing.md, "Layers"): on shipped networks with graph edges, a run where
# layers read their producers' stored outputs and a --layer-barrier run (every layer's operands generated)
# have the same cycles and statistics, every check passes in both, the layers whose input flows store
# other values than in isolation, and report.json says where each input came from.
# Usage: layer_barrier.py SASIM SOURCE_DIR
import json
import os
import subprocess
import sys

sasim, src = sys.argv[1], sys.argv[2]
failures = []
cfg = os.path.join(src, "configs", "gemmini_16x16.json")


def run(workload, *args):
    p = subprocess.run([sasim, "run", "-q", "--config", cfg, "--workload", os.path.join(src, "workloads", workload),
                        "--format", "json", *args], capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"{workload} {' '.join(args)}: exit {p.returncode}: {p.stderr.strip()}")
    return json.loads(p.stdout)


def timing(j):
    """Everything but the values: the check and where the inputs came from."""
    out = []
    for l in j["layers"]:
        l = dict(l)
        for key in ("check", "values", "fused"):
            l.pop(key, None)
        out.append(l)
    return out


# workload -> (layers whose input must flow, one that must be generated with its reason, and
# residual adds: add -> (the layer it is fused into, that layer's shortcut producer or None = generated))
expect = {
    "resnet18.json": ({"layer1.0.conv2": "layer1.0.conv1", "layer1.1.conv1": "layer1.0.conv2",
                       "layer2.0.downsample.0": "layer1.1.conv2"},
                      ("layer1.0.conv1", "it reads 'maxpool' (maxpool), which is not executed")),
    "mobilenet_v2.json": ({"features.2.conv.1.0": "features.2.conv.0.0", "features.4.conv.0.0": "features.3.conv.2",
                           "classifier.1": None},
                          ("features.0.0", "the network's input")),
    "bert_base_layer.json": ({"attention.self.scores": None, "intermediate.dense": None},
                             ("attention.output.dense", "it reads 'attention.self.context', whose output "
                              "(1536 x 64) is not its input (128 x 768) reshaped")),
}
residual = {
    "resnet18.json": {"layer1.0.add": ("layer1.0.conv2", None), "layer1.1.add": ("layer1.1.conv2", "layer1.0.conv2"),
                      "layer2.0.add": ("layer2.0.downsample.0", "layer2.0.conv2")},
    "mobilenet_v2.json": {"features.3.add": ("features.3.conv.2", "features.2.conv.2")},
    "bert_base_layer.json": {"attention.output.add": ("attention.output.dense", None)},
}
for workload, (flows, (generated, why)) in expect.items():
    flow, barrier = run(workload), run(workload, "--layer-barrier")
    if timing(flow) != timing(barrier):
        failures.append(f"{workload}: cycles or statistics differ between the flow and --layer-barrier")
    layers = {l["name"]: l for l in flow["layers"]}
    isolated = {l["name"]: l for l in barrier["layers"]}
    for name, l in layers.items():
        if l.get("simulated") and not l["check"]["pass"]:
            failures.append(f"{workload}: {name}: check failed: {l['check']}")
        if l.get("simulated") and ("input_from" in l["values"]) == ("input_generated" in l["values"]):
            failures.append(f"{workload}: {name}: values must say where the input came from, once: {l['values']}")
    for name, producer in flows.items():
        got = layers[name].get("values", {}).get("input_from")
        if producer is not None and got != producer:
            failures.append(f"{workload}: {name} reads {got}, expected {producer}")
        if producer is not None and layers[name]["check"]["output_digest"] == isolated[name]["check"]["output_digest"]:
            failures.append(f"{workload}: {name} stored the same values as in isolation")
        if producer is None and got is not None:
            failures.append(f"{workload}: {name} reads {got}, expected a generated input")
    if layers[generated].get("values", {}).get("input_generated") != why:
        failures.append(f"{workload}: {generated}: {layers[generated].get('values')}, expected '{why}'")
    isolated_values = {"input_generated": "layers are isolated (--layer-barrier)"}
    for name, l in isolated.items():
        want = dict(isolated_values)
        if {"shortcut_from", "shortcut_generated"} & set(layers[name].get("values", {})):
            want["shortcut_generated"] = "layers are isolated (--layer-barrier)"
        if l.get("simulated") and l["values"] != want:
            failures.append(f"{workload} --layer-barrier: {name}: {l['values']}")
    # Residual adds execute in the conv feeding them (the shortcut loaded into its accumulator), in both modes.
    for add, (into, shortcut) in residual[workload].items():
        for mode, ls in (("flow", layers), ("--layer-barrier", isolated)):
            if ls[add].get("fused") != {"into": into, "as": "accumulator"}:
                failures.append(f"{workload} {mode}: {add}: fused {ls[add].get('fused')}, expected into {into}")
        got = layers[into]["values"].get("shortcut_from")
        if got != shortcut or (shortcut is None) != ("shortcut_generated" in layers[into]["values"]):
            failures.append(f"{workload}: {into}: shortcut {layers[into]['values']}, expected from {shortcut}")
    if workload.startswith("bert") and "second operand" not in str(layers["attention.self.scores"]["values"]):
        failures.append(f"bert: attention.self.scores: no note on its second operand: {layers['attention.self.scores']}")
    print(f"{workload}: {sum('input_from' in l.get('values', {}) for l in layers.values())} layers read a "
          f"producer's output")

if failures:
    sys.exit("\n".join(failures))
print("ok: the same cycles with and without the layer barrier; inputs flow where the graph and shapes allow")
