#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Random RTL cross-check: random valid configs, each with a random multi-layer workload, through `sasim rtl check`.

The fixed matrix (make_matrix.py) could in principle be passed by an RTL tuned to it. This draws fresh hardware
(array shape, dataflow, operand width, SRAM sizes and banks, queue depths, DMA and DRAM parameters, clock) and fresh
layers (GEMMs, batched matmuls, convolutions with stride, padding, dilation, groups, depthwise) from a seed, and
requires `sasim rtl check` to print "match" for every config.

    random_check.py --sasim PATH --cache-dir DIR [--seed N] [--configs K] [--layers L] [--keep DIR]
                    [--mapper heuristic|search [--require-windows]]

Per config, all layers go into one workload JSON and one `sasim rtl check -q` run (the config's hardware is
verilated once, 5-60 s, and cached in --cache-dir). --mapper is passed to it: with "search", each layer runs
the program the mapper search picks on the model, which may use operand windows (on-chip im2col); the summary
then counts the windowed EXECUTEs the RTL ran (from the kept case files), and --require-windows makes a run
in which no layer used a window a failure (the run would not have tested windows).

- exit 0 with "match: ..." is a pass: one line `[i/K] <rows>x<cols> <df> <bits>b ...: match (<cycles> cycles)`.
- exit 2 whose every line is the documented "scratchpad too small ..." / "accumulator too small ..." refusal of a
  layer: those layers are dropped and the check is run again with the others.
- exit 2 about the config itself (the script only writes configs that follow configs/README.md, so this should not
  happen): the message is printed, the refusal counted, and another config is drawn.
- anything else (exit 1 = divergence or failed result check, exit 3 = error, a timeout, no match line, an
  undocumented refusal of a layer) is a FAILURE: the config, the workload and sasim's output are printed, the
  files are kept (in --keep DIR, or in a temp dir named in the message, with the harness case files), and the
  script exits 1 after the remaining configs.

Standard library only.
"""
import argparse
import json
import math
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile

MAX_MACS = 20000  # per layer: one check of a config takes seconds
MATCH_RE = re.compile(r"^match: (\d+) instructions, (\d+) cycles, (\d+) bytes$", re.M)
# sim/compiler/tiling.cpp plan_tiles, with the layer appended by sc::check_mappable.
REFUSAL_RE = re.compile(
    r"^.*: (scratchpad|accumulator)\.capacity_kib: \1 too small for one tile with double buffering "
    r"\(has \d+ rows of \d+ bytes, needs at least \d+ rows: \d+ KiB\) \(layer (\S+) at .*\)$")
MAX_CONFIG_DRAWS = 20    # per config slot: config refusals before giving up
MAX_WORKLOAD_DRAWS = 5   # per config: fresh workloads when every layer of one was refused


# ---------------------------------------------------------------------------------------------------------------
# Configs (rules: configs/README.md and sim/config/config.cpp check_and_derive)

def min_whole_kib(row_bytes):
    """Smallest capacity in KiB that is a whole number of rows of row_bytes."""
    return row_bytes // math.gcd(row_bytes, 1024)


def draw_sram(rng, row_bytes, roomy_kib):
    """(capacity_kib, banks, rows): tight (the smallest whole-row capacity) up to about roomy_kib.

    Capacities are whole KiB, so even the tightest SRAM has at least 32 rows; for arrays up to 12x12 that always
    holds one double-buffered tile, and the layer refusals handled in main are rare to absent in practice."""
    unit = min_whole_kib(row_bytes)
    r = rng.random()
    if r < 0.35:
        mult = 1                                               # tight
    elif r < 0.7:
        mult = rng.randint(1, max(1, 4 // unit))              # small
    else:
        mult = rng.randint(1, max(1, roomy_kib // unit))      # roomy
    kib = unit * mult
    rows = kib * 1024 // row_bytes
    assert kib * 1024 % row_bytes == 0
    banks = rng.choice([b for b in (1, 2, 4) if rows % b == 0 and rows // b >= 1])
    return kib, banks, rows


def draw_dim(rng):
    # Mostly <= 8 (each new hardware is verilated once); sometimes up to 12.
    return rng.randint(1, 8) if rng.random() < 0.88 else rng.randint(9, 12)


def draw_config(rng, name):
    rows, cols = draw_dim(rng), draw_dim(rng)
    if rows * cols > 100:  # keep the largest arrays rare: at most one side above 8 most of the time
        cols = rng.randint(1, 8)
    df = rng.choice(["os", "ws", "is"])
    bits = rng.choice([8, 16])
    ob = bits // 8
    spad_kib, spad_banks, _ = draw_sram(rng, max(rows, cols) * ob, 64)
    acc_kib, acc_banks, _ = draw_sram(rng, cols * 4, 32)
    bus = rng.choice([4, 8, 16, 32, 64])
    req = rng.choice([b for b in (4, 8, 16, 32, 64, 128) if b >= ob])
    bw = round(math.exp(rng.uniform(math.log(0.5), math.log(64.0))), 2)
    clock = rng.randint(500, 2000) if rng.random() < 0.8 else round(rng.uniform(500, 2000), 1)
    cfg = {
        "name": name,
        "description": "random RTL cross-check config (tests/rtl/random_check.py); not a real design.",
        "array": {"rows": rows, "cols": cols, "dataflow": df, "operand_bits": bits, "acc_bits": 32},
        "scratchpad": {"capacity_kib": spad_kib, "banks": spad_banks},
        "accumulator": {"capacity_kib": acc_kib, "banks": acc_banks},
        "queues": {"load": rng.randint(1, 8), "execute": rng.randint(1, 8), "store": rng.randint(1, 8)},
        "dma": {"bus_bytes_per_cycle": bus, "max_request_bytes": req, "max_outstanding": rng.randint(1, 16)},
        "dram": {"latency_cycles": rng.randint(0, 150), "bandwidth_gbps": bw, "max_outstanding": rng.randint(1, 32)},
        "clock_mhz": clock,
    }
    check_config(cfg)
    return cfg


def check_config(c):
    """Asserts the rules of configs/README.md, so a refusal by sasim means the script and the docs disagree."""
    a, s, acc, d = c["array"], c["scratchpad"], c["accumulator"], c["dma"]
    assert 1 <= a["rows"] <= 4096 and 1 <= a["cols"] <= 4096 and a["dataflow"] in ("os", "ws", "is")
    ob = a["operand_bits"] // 8
    for sram, row_bytes in ((s, max(a["rows"], a["cols"]) * ob), (acc, a["cols"] * 4)):
        assert sram["capacity_kib"] * 1024 % row_bytes == 0
        n = sram["capacity_kib"] * 1024 // row_bytes
        assert 1 <= sram["banks"] <= 64 and n % sram["banks"] == 0 and n // sram["banks"] >= 1
    for v in c["queues"].values():
        assert 1 <= v <= 1024
    pow2 = lambda v: v > 0 and v & (v - 1) == 0
    assert pow2(d["bus_bytes_per_cycle"]) and pow2(d["max_request_bytes"]) and d["max_request_bytes"] >= ob
    assert 1 <= d["max_outstanding"] <= 255
    assert round(c["dram"]["bandwidth_gbps"] * 1e6 / c["clock_mhz"]) >= 1


def describe_config(c):
    a, s, acc, q, d, m = c["array"], c["scratchpad"], c["accumulator"], c["queues"], c["dma"], c["dram"]
    return (f"{a['rows']}x{a['cols']} {a['dataflow']} {a['operand_bits']}b "
            f"spad {s['capacity_kib']}KiB/{s['banks']} acc {acc['capacity_kib']}KiB/{acc['banks']} "
            f"q {q['load']}/{q['execute']}/{q['store']} dma {d['bus_bytes_per_cycle']}B/c req {d['max_request_bytes']}B "
            f"out {d['max_outstanding']} dram {m['latency_cycles']}c {m['bandwidth_gbps']}GB/s out {m['max_outstanding']} "
            f"{c['clock_mhz']}MHz")


# ---------------------------------------------------------------------------------------------------------------
# Layers (rules: workloads/README.md)

def draw_gemm(rng, batched):
    while True:
        batch = rng.randint(2, 4) if batched else 1
        m, n, k = rng.randint(1, 48), rng.randint(1, 48), rng.randint(1, 48)
        if batch * m * n * k <= MAX_MACS:
            break
    layer = {"type": "matmul" if batched else "gemm"}
    if batched:
        layer["batch"] = batch
    layer.update({"m": m, "n": n, "k": k})
    return layer, batch * m * n * k


def pair(rng, lo, hi, rect_p):
    a = rng.randint(lo, hi)
    return (a, rng.randint(lo, hi)) if rng.random() < rect_p else (a, a)


def divisors(v):
    return [d for d in range(1, v + 1) if v % d == 0]


def draw_conv(rng, kind):
    """kind: plain, grouped or depthwise. Returns (layer, macs)."""
    while True:
        batch = 2 if rng.random() < 0.1 else 1
        in_h, in_w = pair(rng, 1, 12, 0.4)
        kh, kw = pair(rng, 1, 5, 0.2)
        sh, sw = pair(rng, 1, 3, 0.2)
        dil = 2 if rng.random() < 0.2 else 1
        r = rng.random()
        if r < 0.1:
            pad = [rng.randint(0, 2) for _ in range(4)]  # top, bottom, left, right
        elif r < 0.2:
            pad = list(pair(rng, 0, 2, 1.0))  # [h, w]
        else:
            pad = rng.randint(0, 2)
        pt, pb, pl, pr = (pad,) * 4 if isinstance(pad, int) else (
            (pad[0], pad[0], pad[1], pad[1]) if len(pad) == 2 else tuple(pad))
        if dil * (kh - 1) + 1 > in_h + pt + pb or dil * (kw - 1) + 1 > in_w + pl + pr:
            continue  # the dilated kernel must fit the padded input
        if kind == "depthwise":
            in_c = rng.randint(1, 16)
            out_c = in_c * rng.choice([m for m in (1, 2) if in_c * m <= 16])
            groups = in_c
        else:
            in_c, out_c = rng.randint(1, 16), rng.randint(1, 16)
            groups = 1
            if kind == "grouped":
                common = [g for g in divisors(math.gcd(in_c, out_c)) if g > 1]
                if not common:
                    continue
                groups = rng.choice(common)
        out_h = (in_h + pt + pb - dil * (kh - 1) - 1) // sh + 1
        out_w = (in_w + pl + pr - dil * (kw - 1) - 1) // sw + 1
        macs = batch * out_h * out_w * out_c * kh * kw * (in_c // groups)
        if macs > MAX_MACS:
            continue
        layer = {"type": "conv"}
        if batch != 1:
            layer["batch"] = batch
        layer.update({"in_h": in_h, "in_w": in_w, "in_c": in_c, "out_c": out_c,
                      "kernel": kh if kh == kw else [kh, kw]})
        if (sh, sw) != (1, 1):
            layer["stride"] = sh if sh == sw else [sh, sw]
        if pad != 0:
            layer["padding"] = pad
        if dil != 1:
            layer["dilation"] = dil
        if groups != 1:
            layer["groups"] = groups
        return layer, macs


def draw_layers(rng, count, first_index):
    layers = []
    kinds = ["gemm"] * 3 + ["matmul"] * 2 + ["conv"] * 3 + ["grouped", "depthwise"]
    for i in range(count):
        kind = rng.choice(kinds)
        if kind in ("gemm", "matmul"):
            body, macs = draw_gemm(rng, kind == "matmul")
        else:
            body, macs = draw_conv(rng, "plain" if kind == "conv" else kind)
        layer = {"name": f"l{first_index + i}_{kind}"}
        layer.update(body)
        layers.append(layer)
        # A third of the layers get a residual add of the network's input (fused into them: their programs
        # LOAD the shortcut into the accumulator). Decided by the layer itself, not by `rng`, so that the
        # draws above stay those of earlier versions of this script.
        if random.Random(json.dumps(layer, sort_keys=True)).random() < 1 / 3:
            layers.append({"name": layer["name"] + "_add", "type": "add", "elements": output_elements(body),
                           "inputs": [layer["name"], "$input"]})
    return layers


def output_elements(body):
    """Output elements of a drawn gemm, matmul or conv layer."""
    if body["type"] in ("gemm", "matmul"):
        return body.get("batch", 1) * body["m"] * body["n"]
    two = lambda v: (v, v) if isinstance(v, int) else tuple(v)
    kh, kw = two(body["kernel"])
    sh, sw = two(body.get("stride", 1))
    pad = body.get("padding", 0)
    pt, pb, pl, pr = (pad,) * 4 if isinstance(pad, int) else (
        (pad[0], pad[0], pad[1], pad[1]) if len(pad) == 2 else tuple(pad))
    dil = body.get("dilation", 1)
    out_h = (body["in_h"] + pt + pb - dil * (kh - 1) - 1) // sh + 1
    out_w = (body["in_w"] + pl + pr - dil * (kw - 1) - 1) // sw + 1
    return body.get("batch", 1) * out_h * out_w * body["out_c"]


def workload_json(name, layers):
    return {"name": name, "source": "random RTL cross-check (tests/rtl/random_check.py)", "layers": layers}


# ---------------------------------------------------------------------------------------------------------------

def dumps(obj):
    """JSON with one line per top-level key and per layer: readable in a failure report, and valid."""
    parts = []
    for key, value in obj.items():
        if key == "layers":
            inner = ",\n".join("  " + json.dumps(layer) for layer in value)
            parts.append(f' "layers": [\n{inner}\n ]')
        else:
            parts.append(f" {json.dumps(key)}: {json.dumps(value)}")
    return "{\n" + ",\n".join(parts) + "\n}\n"


def write_json(path, obj):
    with open(path, "w") as f:
        f.write(dumps(obj))


def run_check(sasim, cfg_path, wl_path, cache, timeout, extra=()):
    """Returns (rc, output); rc None on a timeout. `extra`: further sasim rtl check arguments."""
    cmd = [sasim, "rtl", "check", "-q", "--config", cfg_path, "--workload", wl_path, "--cache-dir", cache, *extra]
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        out, _ = p.communicate(timeout=timeout)
        return p.returncode, out
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)  # sasim and its harness (own process group, started here)
        out, _ = p.communicate()
        return None, out + f"\n(timed out after {timeout} s)\n"


def windowed_executes(case_dir):
    """EXECUTE command words with an operand window (op 2, win_w != 0) in the case files of case_dir; the
    fields' positions come from each file's "fields cmd_word" line (rtl/command/command_fields.h)."""
    count = 0
    for name in sorted(os.listdir(case_dir)):
        with open(os.path.join(case_dir, name)) as f:
            in_instrs = False
            op = win_w = None
            for line in f:
                words = line.split()
                if words[:2] == ["fields", "cmd_word"]:
                    op, win_w = words[3:].index("op"), words[3:].index("win_w")
                elif words and words[0] in ("instrs", "end"):
                    in_instrs = words[0] == "instrs"
                elif in_instrs and op is not None and words[op] == "2" and words[win_w] != "0":
                    count += 1
    return count


def classify_refusal(lines, layer_names, wl_path):
    """An exit-2 output: ("layers", names) when every line is the documented refusal of one of our layers,
    ("config", None) when no line is about the workload or a layer, else (None, None): not a documented refusal."""
    matches = [REFUSAL_RE.match(l) for l in lines]
    if lines and all(m and m.group(2) in layer_names for m in matches):
        return "layers", {m.group(2) for m in matches}
    if lines and not any("(layer " in l or l.startswith(wl_path) for l in lines):
        return "config", None
    return None, None


class Run:
    """The options of one script run and its totals."""

    def __init__(self, args, sasim, cache, work):
        self.args, self.sasim, self.cache, self.work = args, sasim, cache, work
        self.matched, self.failures, self.config_refusals, self.dropped_layers = 0, [], 0, 0
        self.windowed = 0  # windowed EXECUTEs the RTL ran (--mapper search)

    def check_slot(self, rng, i):
        """Config i of K: draws configs until sasim accepts one, then checks it."""
        stem = f"s{self.args.seed}_c{i}"
        for draw in range(MAX_CONFIG_DRAWS):
            cfg = draw_config(rng, f"random_{stem}" + (f"_{draw}" if draw else ""))
            if self.check_config(rng, i, stem, cfg):
                return
        self.failures.append((i, f"no config accepted in {MAX_CONFIG_DRAWS} draws"))
        print(f"[{i}/{self.args.configs}] FAILURE: no config accepted in {MAX_CONFIG_DRAWS} draws", flush=True)

    def check_config(self, rng, i, stem, cfg):
        """Checks one config with random layers. False when sasim refuses the config (draw another)."""
        tag = f"[{i}/{self.args.configs}]"
        cfg_path = os.path.join(self.work, stem + "_config.json")
        wl_path = os.path.join(self.work, stem + "_workload.json")
        write_json(cfg_path, cfg)
        n = self.args.layers
        layers, next_index, wl_draws, dropped = draw_layers(rng, n, 0), n, 1, 0
        search = self.args.mapper == "search"
        cases = os.path.join(self.work, stem + "_search_cases")
        extra = ["--mapper", self.args.mapper] + (["--keep-cases", cases] if search else [])
        while True:
            write_json(wl_path, workload_json(stem, layers))
            if search:
                shutil.rmtree(cases, ignore_errors=True)
            rc, out = run_check(self.sasim, cfg_path, wl_path, self.cache, self.args.timeout, extra)
            lines = [l for l in out.splitlines() if l.strip()]
            kind, names = classify_refusal(lines, {l["name"] for l in layers}, wl_path) if rc == 2 else (None, None)
            if kind == "config":
                self.config_refusals += 1
                print(f"{tag} sasim refused the config (exit 2), drawing another: {describe_config(cfg)}")
                for l in lines:
                    print(f"    {l}")
                sys.stdout.flush()
                return False
            if kind == "layers":
                # Documented refusals of layers: drop them and check the others.
                dropped += len(names)
                self.dropped_layers += len(names)
                print(f"{tag} dropped {len(names)} layer(s) the config cannot map: " + ", ".join(sorted(names)),
                      flush=True)
                layers = [l for l in layers if l["name"] not in names and not set(l.get("inputs", [])) & names]
                if not layers:
                    if wl_draws >= MAX_WORKLOAD_DRAWS:
                        self.config_refusals += 1
                        print(f"{tag} every layer of {wl_draws} workloads refused; drawing another config", flush=True)
                        return False
                    layers, next_index, wl_draws = draw_layers(rng, n, next_index), next_index + n, wl_draws + 1
                continue
            m = MATCH_RE.search(out)
            if rc == 0 and m:
                self.matched += 1
                note = f", {dropped} layer(s) dropped" if dropped else ""
                if search:
                    windowed = windowed_executes(cases)
                    self.windowed += windowed
                    note += f", {windowed} windowed EXECUTEs"
                print(f"{tag} {describe_config(cfg)}, {len(layers)} layers{note}: match ({m.group(2)} cycles)",
                      flush=True)
            else:
                self.report_failure(tag, i, stem, cfg, cfg_path, layers, wl_path, rc, out)
            return True

    def report_failure(self, tag, i, stem, cfg, cfg_path, layers, wl_path, rc, out):
        why = ("timeout" if rc is None else
               "exit 0 without a match line" if rc == 0 else
               "divergence or failed result check (exit 1)" if rc == 1 else
               "refused with an undocumented message (exit 2)" if rc == 2 else
               "simulation error (exit 3)" if rc == 3 else f"exit {rc}")
        self.failures.append((i, why))
        cases = os.path.join(self.work, stem + "_cases")
        if rc in (1, 3):
            # Once more, keeping each layer's harness input (rerun it with <cache>/<hash>/harness --case).
            os.makedirs(cases, exist_ok=True)
            run_check(self.sasim, cfg_path, wl_path, self.cache, self.args.timeout,
                      ["--mapper", self.args.mapper, "--keep-cases", cases])
        print(f"{tag} {describe_config(cfg)}, {len(layers)} layers: FAILURE: {why}")
        print(f"  command: {self.sasim} rtl check --config {cfg_path} --workload {wl_path} --cache-dir {self.cache} "
              f"--mapper {self.args.mapper}")
        if rc in (1, 3):
            print(f"  harness case files: {cases}")
        print(f"  config {cfg_path}:")
        print(dumps(cfg).rstrip())
        print(f"  workload {wl_path}:")
        print(dumps(workload_json(stem, layers)).rstrip())
        print("  sasim output:")
        print(out.rstrip())
        sys.stdout.flush()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sasim", required=True, help="the sasim binary")
    ap.add_argument("--cache-dir", required=True, help="verilated builds cache (sasim rtl check --cache-dir)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--configs", type=int, default=4, help="random configs (K)")
    ap.add_argument("--layers", type=int, default=4, help="random layers per config's workload (L)")
    ap.add_argument("--keep", help="write (and keep) every config and workload here")
    ap.add_argument("--timeout", type=int, default=1200, help="seconds per sasim rtl check run (default 1200)")
    ap.add_argument("--mapper", choices=["heuristic", "search"], default="heuristic",
                    help="sasim rtl check --mapper: how each layer's program is chosen (default heuristic)")
    ap.add_argument("--require-windows", action="store_true",
                    help="with --mapper search: fail unless some EXECUTE the RTL ran had an operand window")
    args = ap.parse_args()
    if args.configs < 1 or args.layers < 1:
        ap.error("--configs and --layers must be >= 1")
    if args.require_windows and args.mapper != "search":
        ap.error("--require-windows needs --mapper search (only the search emits operand windows)")
    sasim = os.path.abspath(args.sasim)
    if not os.access(sasim, os.X_OK):
        ap.error(f"--sasim: {sasim} is not an executable file")
    if args.keep:
        work = os.path.abspath(args.keep)
        os.makedirs(work, exist_ok=True)
    else:
        work = tempfile.mkdtemp(prefix="sasim_random_check_")

    run = Run(args, sasim, os.path.abspath(args.cache_dir), work)
    rng = random.Random(args.seed)
    for i in range(1, args.configs + 1):
        run.check_slot(rng, i)

    print(f"{run.matched}/{args.configs} configs matched (seed {args.seed}, {args.layers} layers each, "
          f"mapper {args.mapper}); {run.config_refusals} config(s) refused and redrawn; "
          f"{run.dropped_layers} layer(s) dropped as unmappable")
    if args.mapper == "search":
        print(f"{run.windowed} windowed EXECUTEs ran on the RTL")
    if args.require_windows and run.windowed == 0:
        print("FAILED: no EXECUTE had an operand window (--require-windows): windows were not tested")
        print(f"configs and workloads kept in {work}")
        return 1
    if run.failures:
        print(f"FAILED: {len(run.failures)} config(s): " + ", ".join(f"#{i} ({why})" for i, why in run.failures))
        print(f"configs and workloads kept in {work}")
        return 1
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
