#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# `sasim workload llm` (docs/llm.md): a GPT-2 prefill trace of 2 blocks is written, its layers and MACs
# equal what GPT-2's published dimensions give, and `sasim run --timing-only` simulates it on a tiny array
# with one report entry per layer; stdout and --out write the same trace; a decode trace's keys grow by one
# per step; --list names every preset; bad arguments exit 2 with one line and write nothing.
# Usage: llm_workload.py SASIM SOURCE_DIR WORK_DIR
import json
import os
import re
import shutil
import subprocess
import sys

sasim, src, work = sys.argv[1], sys.argv[2], sys.argv[3]
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
failures = []

# GPT-2 small (Radford et al. 2019; Hugging Face gpt2 config.json).
H, HEADS, F, VOCAB = 768, 12, 3072, 50257
T, BLOCKS = 64, 2
# Per block: ln_1, q, k, v, scores, softmax, context, c_proj, add, ln_2, c_fc, gelu, c_proj, add; of them
# q, k, v, scores, context, c_proj, c_fc, c_proj are GEMMs. Outside: wte, ln_f and lm_head (a GEMM).
LAYERS, SIMULATED = 14 * BLOCKS + 3, 8 * BLOCKS + 1
# q, k, v, c_proj: T*H*H each; QK^T and PV: HEADS*T*T*(H/HEADS) each; MLP: 2*T*H*F; lm_head: H*VOCAB (last token).
MACS = BLOCKS * (4 * T * H * H + 2 * T * T * H + 2 * T * H * F) + H * VOCAB


def sh(*args):
    return subprocess.run([sasim, *args], capture_output=True, text=True)


def llm(*args):
    return sh("workload", "llm", *args)


trace = os.path.join(work, "gpt2_prefill.json")
p = llm("--model", "gpt2", "--phase", "prefill", "--tokens", str(T), "--layers", str(BLOCKS), "--out", trace)
if p.returncode != 0:
    print(f"workload llm: exit {p.returncode}: {p.stderr.strip()}")
    sys.exit(1)
summary = p.stderr.strip().splitlines()
want = f"gpt2_prefill_{T}_l{BLOCKS}: {LAYERS} layers ({SIMULATED} simulated), {MACS / 1e9:.2f} GMAC, wrote {trace}"
if summary != [want]:
    failures.append(f"summary line: got {summary}, want [{want!r}]")
with open(trace) as f:
    text = f.read()
t = json.loads(text)
names = [l["name"] for l in t["layers"]]
if len(names) != LAYERS or len(set(names)) != LAYERS:
    failures.append(f"trace: {len(names)} layers ({len(set(names))} names), want {LAYERS}")
if len(text.splitlines()) != LAYERS + 7:  # {, name, source, comment, "layers": [, a line per layer, ], }
    failures.append(f"trace: {len(text.splitlines())} lines, want one per layer plus 7")
if "Radford" not in t["source"]:
    failures.append("trace: the source does not cite Radford et al.")
macs = sum(l.get("batch", 1) * l["m"] * l["n"] * l["k"] for l in t["layers"] if l["type"] in ("gemm", "matmul"))
if macs != MACS:
    failures.append(f"trace: {macs} MACs, want {MACS}")
scores = [l for l in t["layers"] if l["name"].endswith("attn.scores")]
if [(l["type"], l["batch"], l["m"], l["n"], l["k"]) for l in scores] != [("matmul", HEADS, T, T, H // HEADS)] * BLOCKS:
    failures.append(f"trace: attention scores {scores}")

# The trace runs: one report entry per layer, the GEMMs simulated with the MACs above.
p = sh("run", "-q", "--timing-only", "--mapper", "heuristic", "--mapper-cache", "none", "--format", "json",
       "--config", os.path.join(src, "configs", "tiny_4x4_ws.json"), "--workload", trace)
if p.returncode != 0:
    failures.append(f"run --timing-only: exit {p.returncode}: {p.stderr.strip()}")
else:
    r = json.loads(p.stdout)
    if [l["name"] for l in r["layers"]] != names:
        failures.append(f"report: {len(r['layers'])} layers, want the trace's {LAYERS} in order")
    if r["totals"]["layers_simulated"] != SIMULATED or r["totals"]["macs"] != MACS:
        failures.append(f"report totals: {r['totals']['layers_simulated']} layers simulated, "
                        f"{r['totals']['macs']} MACs; want {SIMULATED}, {MACS}")
    if not all(l["cycles"] > 0 for l in r["layers"] if l["simulated"]):
        failures.append("report: a simulated layer without cycles")

# Standard output (no --out, or --out -) holds the same trace; -q prints nothing on stderr.
for args in ([], ["--out", "-"]):
    p = llm("--model", "gpt2", "--tokens", str(T), "--layers", str(BLOCKS), "-q", *args)
    if p.returncode != 0 or p.stdout != text or p.stderr != "":
        failures.append(f"stdout {args}: exit {p.returncode}, same trace {p.stdout == text}, stderr {p.stderr!r}")

# Decode: step s attends to context + s + 1 keys; every layer name starts with its step.
p = llm("--model", "gpt2", "--phase", "decode", "--context", "5", "--tokens", "3", "--layers", "1", "-q")
if p.returncode != 0:
    failures.append(f"decode: exit {p.returncode}: {p.stderr.strip()}")
else:
    d = json.loads(p.stdout)
    keys = [l["n"] for l in d["layers"] if l["name"].endswith("attn.scores")]
    if d["name"] != "gpt2_decode_5_3_l1" or keys != [6, 7, 8]:
        failures.append(f"decode: name {d['name']}, keys per step {keys}, want [6, 7, 8]")
    if not all(re.match(r"t[0-2]\.", l["name"]) for l in d["layers"]):
        failures.append("decode: a layer name without its step prefix")

p = sh("workload", "llm", "--list")
lines = p.stdout.splitlines()
presets = ["llama2-7b", "llama2-13b", "llama2-70b", "gpt2", "gpt2-xl", "bert-large"]
if p.returncode != 0 or [l.split()[0] for l in lines] != presets or "hidden 768," not in lines[3]:
    failures.append(f"--list: exit {p.returncode}: {lines}")

# Bad arguments (more in tests/bad_inputs/llm): exit 2, one line on stderr, nothing on stdout, no file.
blocked = os.path.join(work, "not_a_dir")
with open(blocked, "w") as f:
    f.write("x")
for args, part in [(["--model", "foo"], "--model foo: unknown model; presets: llama2-7b"),
                   (["--model", "gpt2", "--tokens", "many"], "--tokens 'many': must be a whole number"),
                   (["--model", "bert-large", "--phase", "decode", "--context", "1", "--tokens", "1"], "encoder-only"),
                   (["--model", "gpt2", "--tokens", "8", "--out", os.path.join(blocked, "t.json")],
                    "is not a directory"),
                   (["--model", "gpt2", "--tokens", "8", "--out", work], "--out must name a .json file")]:
    p = llm(*args)
    err = p.stderr.splitlines()
    if p.returncode != 2 or len(err) != 1 or part not in err[0] or p.stdout:
        failures.append(f"{' '.join(args)}: exit {p.returncode}, stderr {err}, want 2 and one line with {part!r}")
left = sorted(set(os.listdir(work)) - {"gpt2_prefill.json", "not_a_dir"})
if left:
    failures.append(f"files left by refused commands: {left}")

if failures:
    print("\n".join(failures))
    sys.exit(1)
print("workload llm: ok")
