#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# The memory guard (docs/reliability.md, "Resource guards"). A 100000^3 GEMM used to grow to 16.8 GB
# before printing anything; with --max-memory it is refused at once with the estimate, in one line,
# exit 2, without allocating. Bad sizes are refused; a run under the limit runs; a sweep whose point cannot
# fit fails that point with the run's message and still finishes the others.
# Usage: memory_guard.py SASIM SOURCE_DIR WORK_DIR [--peak-only | --no-peak]
# The peak-memory checks (--peak-only) run as their own test, cli_memory_peak, outside the sanitizer suite:
# AddressSanitizer's shadow memory and quarantine multiply a process's resident size.
import json
import os
import resource
import shutil
import subprocess
import sys
import time

sasim, src, work = sys.argv[1], sys.argv[2], sys.argv[3]
mode = sys.argv[4] if len(sys.argv) > 4 else ""
peak_only, no_peak = mode == "--peak-only", mode == "--no-peak"
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
failures = []


def run(*args):
    start = time.monotonic()
    p = subprocess.run([sasim, *args], capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr, time.monotonic() - start


def expect(cond, what, detail=""):
    if not cond:
        failures.append(f"{what}\n{detail}")


def peak_checks():
    # Programs are produced as they run, so a long layer holds only the instructions in flight. A 1024 x 1024
    # x 256 GEMM on a 2x2 array is 4.4 million instructions: it took about 750 MB when the whole program and
    # each instruction's cycles were kept (and its estimate, 845 MB, was refused under 200M); now it runs under
    # 200M in well under 100 MB. Its peak is measured in a child of its own (ru_maxrss of the children is a
    # maximum over all of them).
    def peak_rss_mb(*args):
        code = ("import resource, subprocess, sys\n"
                "p = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
                "print(p.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024)\n"
                "sys.stderr.write(p.stderr)\n")
        p = subprocess.run([sys.executable, "-c", code, sasim, *args], capture_output=True, text=True)
        rc_s, mb_s = p.stdout.split()
        return int(rc_s), int(mb_s), p.stderr


    long_layer = os.path.join(work, "long.json")
    with open(long_layer, "w") as f:
        json.dump({"name": "long", "source": "memory guard test",
                   "layers": [{"name": "long", "type": "gemm", "m": 1024, "n": 1024, "k": 256}]}, f)
    tiny = os.path.join(src, "configs", "tiny_2x2_ws.json")
    rc, mb, err = peak_rss_mb("run", "-q", "--config", tiny, "--workload", long_layer, "--timing-only",
                              "--mapper", "heuristic", "--max-memory", "200M", "--format", "csv")
    expect(rc == 0 and mb < 100, f"4.4M-instruction layer: exit {rc}, peak {mb} MB (expected exit 0, under 100 MB)", err)
    # The searched program too (its candidates are bounded and timed as streams): a 256^3 GEMM, 57,728
    # instructions once chosen and up to 272,384 per candidate, used to peak at 117 MB.
    g256 = os.path.join(work, "g256.json")
    with open(g256, "w") as f:
        json.dump({"name": "g256", "source": "memory guard test",
                   "layers": [{"name": "g256", "type": "gemm", "m": 256, "n": 256, "k": 256}]}, f)
    rc, mb, err = peak_rss_mb("run", "-q", "--config", tiny, "--workload", g256, "--timing-only", "--mapper", "search",
                              "--max-memory", "60M", "--format", "csv")
    expect(rc == 0 and mb < 60, f"searched 256^3 GEMM under 60M: exit {rc}, peak {mb} MB", err)
    # A huge K: 4 x 4 x 1,000,000 on 2x2 is two tiles of 500,000 EXECUTEs each. The heuristic program is
    # produced a chunk group at a time; when it was produced a tile at a time, each tile was held whole
    # (242 MB peak, measured); now 82 MB.
    huge_k = os.path.join(work, "huge_k.json")
    with open(huge_k, "w") as f:
        json.dump({"name": "huge_k", "source": "memory guard test",
                   "layers": [{"name": "huge_k", "type": "gemm", "m": 4, "n": 4, "k": 1000000}]}, f)
    rc, mb, err = peak_rss_mb("run", "-q", "--config", tiny, "--workload", huge_k, "--timing-only",
                              "--mapper", "heuristic", "--format", "csv")
    expect(rc == 0 and mb < 130, f"4 x 4 x 1M GEMM: exit {rc}, peak {mb} MB (expected under 130 MB)", err)



if peak_only:
    peak_checks()
    if failures:
        print("\n".join(failures))
        sys.exit(1)
    print("memory peaks: ok")
    sys.exit(0)
if not no_peak:
    peak_checks()

huge = os.path.join(work, "huge.json")
with open(huge, "w") as f:
    json.dump({"name": "huge", "source": "memory guard test",
               "layers": [{"name": "huge", "type": "gemm", "m": 100000, "n": 100000, "k": 100000}]}, f)
cfg = os.path.join(src, "configs", "gemmini_16x16.json")

rc, out, err, secs = run("run", "-q", "--config", cfg, "--workload", huge, "--max-memory", "8G")
rss_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
lines = err.strip().splitlines()
expect(rc == 2, f"huge GEMM: exit {rc}, expected 2", err)
expect(len(lines) == 1, f"huge GEMM: {len(lines)} lines on stderr, expected 1", err)
expect("layer huge needs about" in err and "more than --max-memory 8.0 GB" in err and "reference outputs" in err,
       "huge GEMM: the message lacks the estimate", err)
expect(out == "", "huge GEMM: something on stdout", out)
expect(secs < 30, f"huge GEMM: refused after {secs:.1f} s")
expect(rss_mb < 500, f"huge GEMM: the refused run reached {rss_mb:.0f} MB")

# Without values the run holds no operands and no image, only the instructions in flight: the same layer
# then needs about 35 MB (it would take days, but not the machine's memory). Under 20M it is refused,
# without suggesting --timing-only again.
rc, out, err, _ = run("run", "-q", "--config", cfg, "--workload", huge, "--max-memory", "20M", "--timing-only")
expect(rc == 2 and "needs about 35 MB" in err and "reference outputs" not in err and "--timing-only" not in err,
       "huge GEMM --timing-only: not refused under 20M as a 35 MB run", err)

for bad, why in (("8X", "expected a size"), ("0", "must be at least 1 byte"), ("-1", "expected a size")):
    rc, _, err, _ = run("run", "-q", "--config", cfg, "--workload", huge, "--max-memory", bad)
    expect(rc == 2 and f'--max-memory "{bad}": {why}' in err, f"--max-memory {bad}: exit {rc}", err)

small = os.path.join(src, "workloads", "tiny", "gemm_small.json")
rc, _, err, _ = run("run", "-q", "--config", cfg, "--workload", small, "--max-memory", "1G", "--format", "csv")
expect(rc == 0, f"gemm_small under 1G: exit {rc}", err)
rc, _, err, _ = run("run", "-q", "--config", cfg, "--workload", small, "--max-memory", "1M")
expect(rc == 2 and "more than --max-memory 1 MB" in err, "gemm_small under 1M: not refused", err)

# A sweep: the huge point fails with the run's message, the small one runs.
spec = os.path.join(work, "sweep.json")
with open(spec, "w") as f:
    json.dump({"name": "memory_guard", "base": cfg, "axes": [{"key": "clock_mhz", "values": [1000]}],
               "workloads": [small, huge]}, f)
rc, out, err, _ = run("sweep", spec, "-q", "-o", os.path.join(work, "sweep"), "--jobs", "2", "--max-memory", "2G")
with open(os.path.join(work, "sweep", "points.jsonl")) as f:
    points = [json.loads(line) for line in f if line.strip()]
status = {p.get("workload"): (p.get("status"), p.get("error", "")) for p in points}
expect(status.get("gemm_small", ("",))[0] == "ok", "sweep: the small point did not run", str(status))
expect(status.get("huge", ("",))[0] == "failed" and "needs about" in status.get("huge", ("", ""))[1],
       "sweep: the huge point did not fail with the estimate", str(status))

if failures:
    print("\n".join(failures))
    sys.exit(1)
print("memory guard: ok")
