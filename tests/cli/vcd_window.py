#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# --vcd-window and --vcd-max-size (docs/waveforms.md): a windowed waveform holds exactly the full one's
# state at the window's first cycle and its changes inside the window, nothing outside; a capped one stays
# below the cap with a warning, the run otherwise unchanged; malformed options exit 2.
# Usage: vcd_window.py SASIM SOURCE_DIR WORK_DIR
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_vcd import parse_vcd  # noqa: E402

sasim, src, work = sys.argv[1], sys.argv[2], sys.argv[3]
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
base = [sasim, "run", "-q", "--config", os.path.join(src, "configs", "tiny_4x4_os.json"), "--workload",
        os.path.join(src, "workloads", "tiny", "resblock_small.json"), "--mapper", "heuristic", "--format", "csv"]
failures = []


def run(*extra):
    return subprocess.run(base + list(extra), capture_output=True, text=True)


full = os.path.join(work, "full.vcd")
p = run("--vcd", full)
assert p.returncode == 0, p.stderr
_, _, changes = parse_vcd(full)
end_tick = max(t for t, _, _ in changes)
lo, hi = end_tick // 30, end_tick // 20  # cycles: the window lies inside the run
win = os.path.join(work, "window.vcd")
p = run("--vcd", win, "--vcd-window", f"{lo}:{hi}")
assert p.returncode == 0, p.stderr
_, _, wchanges = parse_vcd(win)
state = {}
for t, name, v in changes:
    if t <= lo * 10:
        state[name] = v
first = [c for c in wchanges if c[0] == lo * 10]
if {n: v for _, n, v in first} != state:
    failures.append(f"window: the values at cycle {lo} differ from the full waveform's")
if any(t < lo * 10 or t >= hi * 10 for t, _, _ in wchanges):
    failures.append("window: a change outside the window")
inside_full = [c for c in changes if lo * 10 < c[0] < hi * 10]
inside_win = [c for c in wchanges if c[0] > lo * 10]
if inside_full != inside_win:
    failures.append(f"window: {len(inside_win)} changes inside, the full waveform has {len(inside_full)}")

capped = os.path.join(work, "capped.vcd")
p = run("--vcd", capped, "--vcd-max-size", "8K")
size = os.path.getsize(capped)
if p.returncode != 0 or size > 8192 or "reached the --vcd-max-size of 8192 bytes" not in p.stderr:
    failures.append(f"cap: exit {p.returncode}, {size} bytes, stderr: {p.stderr.strip()}")
with open(capped) as f:
    if "$comment truncated" not in f.read():
        failures.append("cap: the file does not say where it stops")
if p.stdout != run().stdout:
    failures.append("cap: the report differs from a run without --vcd")

for args, want in ((["--vcd", win, "--vcd-window", "5:3"], "the window is empty"),
                   (["--vcd", win, "--vcd-window", "x:"], "not a cycle number"),
                   (["--vcd", win, "--vcd-window", "1:2:3"], "no single colon"),
                   (["--vcd-window", "1:2"], "need --vcd"),
                   (["--vcd", win, "--vcd-max-size", "100"], "at least 4K"),
                   (["--vcd", win, "--vcd-max-size", "big"], "expected a size")):
    p = run(*args)
    if p.returncode != 2 or want not in p.stderr or len(p.stderr.strip().splitlines()) != 1:
        failures.append(f"{' '.join(args)}: exit {p.returncode}, stderr: {p.stderr.strip()}")

if failures:
    print("\n".join(failures))
    sys.exit(1)
print(f"vcd window {lo}:{hi} and cap: ok")
