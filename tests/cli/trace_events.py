#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# sasim run --trace (docs/waveforms.md, "Perfetto"): the file is trace-event JSON with one slice per
# instruction whose start and length are its issue and retire cycles in --retire-log, on tracks named after
# its unit where no two slices of a track overlap, and the waveform's signals as counters whose last values
# are the run's totals. --trace-window keeps only what overlaps it; --trace-max-size stays valid JSON below
# the cap with a warning; bad combinations exit 2 with one line.
# Usage: trace_events.py SASIM SOURCE_DIR WORK_DIR
import json
import os
import shutil
import subprocess
import sys

sasim, src, work = sys.argv[1], sys.argv[2], sys.argv[3]
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
base = [sasim, "run", "-q", "--config", os.path.join(src, "configs", "tiny_4x4_ws.json"), "--workload",
        os.path.join(src, "workloads", "tiny", "resblock_small.json"), "--mapper", "heuristic", "--format", "json"]
failures = []


def expect(cond, what, detail=""):
    if not cond:
        failures.append(what + (f"\n{detail}" if detail else ""))


def run(*extra):
    return subprocess.run(base + list(extra), capture_output=True, text=True)


def us_to_cycles(us):
    return round(us * 1000)  # 1 cycle = 1 ns


trace, log = os.path.join(work, "run.json"), os.path.join(work, "retire.log")
p = run("--trace", trace, "--retire-log", log)
assert p.returncode == 0, p.stderr
report = json.loads(p.stdout)
with open(trace) as f:
    t = json.load(f)
events = t["traceEvents"]
names = {e["tid"]: e["args"]["name"] for e in events if e["ph"] == "M" and e["name"] == "thread_name"}
slices = [e for e in events if e["ph"] == "X"]
counters = [e for e in events if e["ph"] == "C"]

# The retire log's cycles are relative to each layer's start; the trace's are the run's.
rows = [l.split() for l in open(log) if not l.startswith("#")]
expect(len(slices) == len(rows), f"{len(slices)} slices for {len(rows)} instructions")
layer_start = {}
for e in counters:
    if e["name"] == "model.layer":
        layer_start[e["args"]["value"]] = us_to_cycles(e["ts"])
by_key = {(e["args"]["layer"], e["args"]["index"]): e for e in slices}
for layer, index, unit, issue, retire in rows:
    e = by_key.get((int(layer), int(index)))
    if e is None:
        failures.append(f"no slice for layer {layer} instruction {index}")
        continue
    start = us_to_cycles(e["ts"]) - layer_start[int(layer)]
    expect(start == int(issue) and us_to_cycles(e["dur"]) == int(retire) - int(issue),
           f"layer {layer} instruction {index}: slice at {start} for {us_to_cycles(e['dur'])} cycles, retire log "
           f"{issue} to {retire}")
    expect(names.get(e["tid"], "").split(" ")[0] == unit, f"instruction {index} of {unit} on track {names.get(e['tid'])}")
    expect(e["name"].split()[0].split("_")[0].lower() == unit, f"slice label {e['name']} for a {unit}")

# No two slices of one track overlap.
by_tid = {}
for e in slices:
    by_tid.setdefault(e["tid"], []).append((us_to_cycles(e["ts"]), us_to_cycles(e["ts"] + e["dur"])))
for tid, spans in by_tid.items():
    spans.sort()
    for (a0, a1), (b0, b1) in zip(spans, spans[1:]):
        expect(b0 >= a1, f"track {names.get(tid)}: slices {a0}-{a1} and {b0}-{b1} overlap")
expect(any(n.startswith("load 1") for n in names.values()), "no second load track: loads never overlapped?",
       str(sorted(names.values())))

# Counters end at the run's totals.
last = {}
for e in counters:
    last[e["name"]] = e["args"]["value"]
units = {}
for r in rows:
    units[r[2]] = units.get(r[2], 0) + 1
for unit, n in units.items():
    expect(last.get(f"model.{unit}.retired") == n, f"model.{unit}.retired ends at {last.get(f'model.{unit}.retired')}, "
           f"the log has {n}")
expect(last.get("model.load.queue") == 0 and last.get("model.dma.reads_in_flight") == 0, "queues not empty at the end")
expect(t["otherData"]["truncated"] is False, "full trace marked truncated")

# DRAM bandwidth: per 100-cycle window, bytes per cycle; over the run they add up to the report's bytes.
for direction in ("read", "write"):
    vals = [e["args"]["value"] for e in counters if e["name"] == f"dram.{direction}_bytes_per_cycle"]
    total = report["totals"]["traffic"][f"dram_{direction}_bytes"]
    expect(vals and abs(sum(vals) * 100 - total) < 1e-6 * total,
           f"dram.{direction}_bytes_per_cycle adds up to {sum(vals) * 100} bytes, the report has {total}")
    with open(os.path.join(src, "configs", "tiny_4x4_ws.json")) as f:
        bus = json.load(f)["dma"]["bus_bytes_per_cycle"]
    expect(all(0 <= v <= bus for v in vals), f"dram.{direction}_bytes_per_cycle outside 0..{bus} (the bus width)")

# A window keeps what overlaps it.
run_end = max(us_to_cycles(e["ts"] + e["dur"]) for e in slices)
lo, hi = run_end // 3, 2 * run_end // 3
windowed = os.path.join(work, "window.json")
p = run("--trace", windowed, "--trace-window", f"{lo}:{hi}")
expect(p.returncode == 0, "windowed trace failed", p.stderr)
w = json.load(open(windowed))["traceEvents"]
wslices = [e for e in w if e["ph"] == "X"]
inside = [e for e in slices if us_to_cycles(e["ts"] + e["dur"]) >= lo and us_to_cycles(e["ts"]) < hi]
expect(len(wslices) == len(inside) and 0 < len(inside) < len(slices),
       f"window {lo}:{hi}: {len(wslices)} slices, {len(inside)} of {len(slices)} overlap it")
wc = [e for e in w if e["ph"] == "C"]
expect(wc and all(lo <= us_to_cycles(e["ts"]) < hi for e in wc), "a counter outside the window")

# The cap: valid JSON below it, a warning, the run's report unchanged.
capped = os.path.join(work, "capped.json")
p = run("--trace", capped, "--trace-max-size", "8K")
size = os.path.getsize(capped)
expect(p.returncode == 0 and size <= 8192 and "reached the --trace-max-size of 8192 bytes" in p.stderr,
       f"capped trace: exit {p.returncode}, {size} bytes", p.stderr)
c = json.load(open(capped))
expect(c["otherData"]["truncated"] is True, "capped trace not marked truncated")

# Bad combinations.
for extra, needle in ((["--trace", trace, "--vcd", os.path.join(work, "w.vcd")], "--vcd and --trace"),
                      (["--trace-window", "0:10"], "need --trace"),
                      (["--trace", trace, "--trace-window", "10"], "--trace-window \"10\""),
                      (["--trace", trace, "--trace-max-size", "1K"], "at least 4K"),
                      (["--trace", work], "is a directory")):
    p = run(*extra)
    lines = p.stderr.strip().splitlines()
    expect(p.returncode == 2 and len(lines) == 1 and needle in p.stderr, f"{extra}: exit {p.returncode}", p.stderr)

if failures:
    print("\n".join(failures))
    sys.exit(1)
print(f"trace events: ok ({len(slices)} slices on {len(names)} tracks, {len(counters)} counter values)")
