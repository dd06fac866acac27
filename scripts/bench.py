#!/usr/bin/python3
"""Measures whole-run wall time and peak memory of sasim and writes docs/performance.md.

    scripts/bench.sh [--runs N] [--quick] [--no-write] [--sasim BINARY]

Every case runs N times (default 3) under /usr/bin/time -v; a case with a target of a second or less runs
at least 7 times (its time is a tenth of a second or so, and this machine's speed moves by more than that
from minute to minute), the sweep once. The table gives the median wall time and the largest peak
resident set size, next to the target. Values are computed and checked in every case: the
targets are for checked runs. The last row compares the model with Verilator on the generated RTL of the
same config and layer (16x16 WS, ResNet-50 layer1.0.conv2), measured in the same run: the harness alone
(its case file prepared by `sasim rtl check --keep-cases`, build excluded) against `sasim run` of that layer.
"""
import argparse
import datetime
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SASIM = os.path.join(ROOT, "build", "sasim")


def derived_config(base, rows, cols, dataflow, scale):
    """A Gemmini-like config scaled to rows x cols: memories grow with the array edge."""
    cfg = json.load(open(os.path.join(ROOT, "configs", base)))
    cfg.pop("description", None)
    cfg["name"] = f"gemmini_like_{rows}x{cols}_{dataflow}"
    cfg["array"].update({"rows": rows, "cols": cols, "dataflow": dataflow})
    cfg["scratchpad"]["capacity_kib"] = 256 * scale
    cfg["accumulator"]["capacity_kib"] = 64 * scale
    cfg["dma"]["bus_bytes_per_cycle"] = min(256, 16 * scale)
    cfg["dma"]["max_request_bytes"] = min(256, 64 * scale)
    path = os.path.join(tempfile.gettempdir(), cfg["name"] + ".json")
    json.dump(cfg, open(path, "w"))
    return path


def secs(x):
    """Seconds for the table: milliseconds shown below one second."""
    return f"{x:.3f} s" if x < 1 else f"{x:.2f} s"


def target_text(target):
    """(max seconds, max MB or None) -> the table's target cell."""
    if target is None:
        return ""
    return f"<= {target[0]} s" + (f", <= {target[1]} MB" if target[1] else "")


def verdict(target, wall, rss):
    if target is None:
        return ""
    return "yes" if wall <= target[0] and (target[1] is None or rss <= target[1]) else "NO"


kShortRuns = 7  # runs of a case whose target is a second or less


def measure(cmd, runs):
    """(median wall s, peak RSS MB, min wall s, max wall s) over `runs` runs. Wall time is taken around the
    process with a monotonic clock (/usr/bin/time prints only hundredths of a second, too coarse for the
    40 ms model run); peak memory comes from /usr/bin/time -v."""
    walls, rss = [], []
    for _ in range(runs):
        start = time.perf_counter()
        p = subprocess.run(["/usr/bin/time", "-v"] + cmd, capture_output=True, text=True)
        walls.append(time.perf_counter() - start)
        if p.returncode != 0:
            raise SystemExit(f"failed ({p.returncode}): {' '.join(cmd)}\n{p.stderr[-2000:]}")
        rss.append(int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr).group(1)) / 1024)
    return statistics.median(walls), max(rss), min(walls), max(walls)


def verilator_ratio(runs):
    """Model vs Verilator on one ResNet-50 3x3 convolution at 16x16 WS: (model s, verilator s, cycles)."""
    cfg = os.path.join(ROOT, "configs", "gemmini_16x16.json")
    net = json.load(open(os.path.join(ROOT, "workloads", "resnet50.json")))
    layer = next(l for l in net["layers"] if l.get("name") == "layer1.0.conv2")
    tmp = tempfile.mkdtemp(prefix="sasim_bench_rtl_")
    wl = os.path.join(tmp, "conv3x3.json")
    json.dump({"name": "resnet50_layer1.0.conv2", "layers": [layer]}, open(wl, "w"))
    cache = os.path.join(ROOT, "build", "rtl-cache")
    cases = os.path.join(tmp, "cases")
    check = subprocess.run([SASIM, "rtl", "check", "-q", "-c", cfg, "-w", wl, "--cache-dir", cache, "--keep-cases",
                            cases], capture_output=True, text=True)
    if check.returncode != 0 or not check.stdout.startswith("match:"):
        raise SystemExit(f"rtl check failed ({check.returncode}):\n{check.stdout}{check.stderr[-2000:]}")
    cycles = int(re.search(r"(\d+) cycles", check.stdout).group(1))
    gen = subprocess.run([SASIM, "rtl", "generate", "-c", cfg, "--out", os.path.join(tmp, "rtl")], capture_output=True,
                         text=True, check=True)
    harness = os.path.join(cache, re.search(r"hardware ([0-9a-f]+)", gen.stdout).group(1), "harness")
    case = os.path.join(cases, layer["name"] + ".case")
    model = measure([SASIM, "run", "-q", "--mapper", "heuristic", "-c", cfg, "-w", wl], max(runs, 5))  # rtl check's program
    rtl = measure([harness, "--case", case, "--out", os.path.join(tmp, "result.txt")], runs)
    return model, rtl, cycles


def main():
    global SASIM  # --sasim replaces the default for every case
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--sasim", default=SASIM, help="the sasim binary (default: build/sasim)")
    ap.add_argument("--quick", action="store_true", help="one run each, skip the sweep and the Verilator comparison")
    ap.add_argument("--no-write", action="store_true", help="print only; do not rewrite docs/performance.md")
    args = ap.parse_args()
    SASIM = os.path.abspath(args.sasim)
    if not os.access(SASIM, os.X_OK):
        raise SystemExit(f"{SASIM}: not an executable (build first: scripts/build.sh)")
    runs = 1 if args.quick else args.runs
    wl = lambda name: os.path.join(ROOT, "workloads", name)
    cases = []
    for size, scale in ((16, 1), (32, 2), (128, 8)):
        for df in ("ws", "os"):
            cfg = os.path.join(ROOT, "configs", "gemmini_16x16.json") if (size, df) == (16, "ws") else \
                derived_config("gemmini_16x16.json", size, size, df, scale)
            # The model's speed on a fixed program: the heuristic compiler's (the search rows follow, with
            # issue #20's targets, which hold for the searched mapping).
            cases.append((f"ResNet-50, {size}x{size} {df.upper()}, heuristic mapper", [SASIM, "run", "-q", "--mapper",
                          "heuristic", "-c", cfg, "-w", wl("resnet50.json")], None))
    # The mapper (docs/mapper.md): a search with no cache (issue target: <= 30 s), then a checked run that
    # replays the search from a fresh cache filled by a first run (target: the search adds <= 1 s).
    g16 = os.path.join(ROOT, "configs", "gemmini_16x16.json")
    g128 = os.path.join(ROOT, "configs", "gemmini_128x128.json")
    cache = tempfile.mkdtemp(prefix="sasim_bench_mapper_cache_")
    for g in (g16, g128):
        subprocess.run([SASIM, "run", "-q", "--timing-only", "--mapper", "search", "--mapper-cache", cache, "-c", g, "-w",
                        wl("resnet50.json")], check=True, capture_output=True)  # fills the cache, not timed
    cases.append(("ResNet-50 mapping search, 16x16 WS, no cache (timing only)", [SASIM, "run", "-q", "--timing-only",
                  "--mapper", "search", "--mapper-cache", "none", "-c", g16, "-w", wl("resnet50.json")], (30, None)))
    cases.append(("ResNet-50 mapping search, 16x16 WS, no cache, --jobs 2 (timing only)", [SASIM, "run", "-q",
                  "--timing-only", "--mapper", "search", "--mapper-cache", "none", "--jobs", "2", "-c", g16, "-w",
                  wl("resnet50.json")], (30, None)))
    # Issue #20's ResNet-50 targets: values computed and checked, the searched mapping (from the cache).
    for size, g, target in ((16, g16, (0.5, 200)), (128, g128, (0.15, 200))):
        cases.append((f"ResNet-50, {size}x{size} WS, searched mapping from the cache (checked)", [SASIM, "run", "-q",
                      "--mapper", "search", "--mapper-cache", cache, "-c", g, "-w", wl("resnet50.json")], target))
    cases.append(("MobileNetV2, 32x32 WS, heuristic mapper", [SASIM, "run", "-q", "--mapper", "heuristic", "-c",
                  derived_config("gemmini_16x16.json", 32, 32, "ws", 2), "-w", wl("mobilenet_v2.json")], None))
    cases.append(("BERT-base encoder layer, 128x128 WS, heuristic mapper", [SASIM, "run", "-q", "--mapper", "heuristic", "-c",
                  derived_config("gemmini_16x16.json", 128, 128, "ws", 8), "-w", wl("bert_base_layer.json")], None))
    # LLMs (issue #20, docs/llm.md): the traces `sasim workload llm` writes, on gemmini_128x128, timing only.
    llm_dir = tempfile.mkdtemp(prefix="sasim_bench_llm_")
    for label, llm_args, target in (
            ("Llama-2-7B prefill, 2,048 tokens, 32 layers", ["--phase", "prefill", "--tokens", "2048"], (30, 300)),
            ("Llama-2-7B decode, 128 tokens after a 2,048-token context", ["--phase", "decode", "--context", "2048",
                                                                           "--tokens", "128"], (30, None))):
        trace = os.path.join(llm_dir, f"{llm_args[1]}.json")
        subprocess.run([SASIM, "workload", "llm", "-q", "--model", "llama2-7b", *llm_args, "--out", trace], check=True,
                       capture_output=True)
        # Issue #20's targets hold for the searched mapping, searched afresh (no cache).
        cases.append((f"{label}, 128x128 WS, mapper search, no cache (timing only)", [SASIM, "run", "-q",
                      "--timing-only", "--mapper-cache", "none", "-c", g128, "-w", trace], target))
    sweep_spec = os.path.join(ROOT, "configs", "sweeps", "bench_96.json")
    if not args.quick and os.path.exists(sweep_spec):
        out = tempfile.mkdtemp(prefix="sasim_bench_sweep_")
        # The sweep searches every point's mappings (its default), from an empty mapper cache.
        cases.append(("96-point ResNet-50 sweep, --jobs 2, mapper search, empty cache",
                      ["env", "SASIM_MAPPER_CACHE=" + tempfile.mkdtemp(prefix="sasim_bench_sweep_cache_"), SASIM,
                       "sweep", sweep_spec, "--out", out, "--jobs", "2", "-q"], (300, None)))
    rows = []
    ratio = None
    if not args.quick:
        print("model vs Verilator, 16x16 WS, ResNet-50 layer1.0.conv2 ...", file=sys.stderr, flush=True)
        ratio = verilator_ratio(runs)
        (mmed, _, _, _), (vmed, _, _, _), cyc = ratio  # measure() gives (median, peak MB, min, max)
        print(f"  model {secs(mmed)}, Verilator {secs(vmed)} ({cyc} cycles): {vmed / mmed:.0f}x", file=sys.stderr)
    for name, cmd, target in cases:
        print(f"{name} ...", file=sys.stderr, flush=True)
        n = 1 if "sweep" in name else max(runs, kShortRuns) if target and target[0] <= 1 and not args.quick else runs
        med, rss, lo, hi = measure(cmd, n)
        rows.append((name, med, lo, hi, rss, target))
        print(f"  median {secs(med)} (min {secs(lo)}, max {secs(hi)}), peak {rss:.0f} MB", file=sys.stderr)
    commit = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip()
    cpu = "unknown"
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    runs_text = f"{runs} run(s) per case" + ("" if args.quick else
                                              f" ({max(runs, kShortRuns)} for targets of a second or less, one for the sweep)")
    table = [f"Measured {datetime.date.today().isoformat()} at commit `{commit}` on {cpu}, {os.cpu_count()} cores, "
             f"{platform.system()} {platform.release()}; {runs_text}, values computed and checked "
             f"unless the case says timing only.", "",
             "| case | median wall | min | max | peak RSS | target | met |", "|---|---|---|---|---|---|---|"]
    for name, med, lo, hi, rss, target in rows:
        table.append(f"| {name} | {secs(med)} | {secs(lo)} | {secs(hi)} | {rss:.0f} MB | {target_text(target)} | "
                     f"{verdict(target, med, rss)} |")
    if ratio:
        (mmed, mrss, mlo, mhi), (vmed, vrss, vlo, vhi), cyc = ratio
        table.append(f"| model, 16x16 WS, ResNet-50 layer1.0.conv2 ({cyc} cycles; {max(runs, 5)} runs) | {secs(mmed)} | "
                     f"{secs(mlo)} | {secs(mhi)} | {mrss:.0f} MB | | |")
        table.append(f"| Verilator on the generated RTL, same config and layer | {secs(vmed)} | {secs(vlo)} | "
                     f"{secs(vhi)} | {vrss:.0f} MB | | |")
        table.append(f"| model vs Verilator speed ratio (medians) | {vmed / mmed:.0f}x | | | | >= 50x | "
                     f"{'yes' if vmed / mmed >= 50 else 'NO'} |")
    text = "\n".join(table)
    print(text)
    if not args.no_write:
        path = os.path.join(ROOT, "docs", "performance.md")
        doc = open(path).read() if os.path.exists(path) else "# Performance\n\n<!-- bench:begin -->\n<!-- bench:end -->\n"
        start, end = doc.index("<!-- bench:begin -->"), doc.index("<!-- bench:end -->")
        doc = doc[:start] + "<!-- bench:begin -->\n" + text + "\n" + doc[end:]
        open(path, "w").write(doc)
        print(f"wrote {path}", file=sys.stderr)


if __name__ == "__main__":
    main()
