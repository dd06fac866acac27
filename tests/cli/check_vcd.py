#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""check_vcd.py VCD REPORT_JSON RETIRE_LOG: checks the model's waveform (sasim run --vcd) against the
report and the retire log of the same run (docs/waveforms.md). Exits 1 with one line per problem."""
import bisect
import json
import sys

UNITS = ("load", "execute", "store")
TOKENS = ("load_to_execute", "execute_to_load", "execute_to_store", "store_to_execute")
DMA = ("read_buffer_rows", "rows_waiting", "reads_in_flight", "writes_in_flight", "store_buffer_rows")
REQUIRED = (["model.layer", "model.dispatch.dispatched", "model.dispatch.blocked"]
            + [f"model.{u}.{s}" for u in UNITS for s in ("queue", "head", "instr", "busy", "issued", "retired")]
            + [f"model.tokens.{t}" for t in TOKENS] + [f"model.dma.{d}" for d in DMA])
PS = {"s": 10**12, "ms": 10**9, "us": 10**6, "ns": 10**3, "ps": 1, "fs": 0}


def parse_vcd(path):
    """Returns (ps per time unit, {name: width}, [(time, name, value)] in file order)."""
    text = open(path).read()
    head, sep, body = text.partition("$enddefinitions")
    if not sep:
        raise SystemExit(f"{path}: no $enddefinitions")
    words = head.split()
    scale, scopes, names, widths = None, [], {}, {}
    i = 0
    while i < len(words):
        w = words[i]
        if w == "$timescale":
            spec = "".join(words[i + 1:words.index("$end", i)])
            num = spec.rstrip("munpfs")
            scale = int(num) * PS[spec[len(num):]]
        elif w == "$scope":
            scopes.append(words[i + 2])
        elif w == "$upscope":
            scopes.pop()
        elif w == "$var":
            width, ident, ref = int(words[i + 2]), words[i + 3], words[i + 4]
            full = ".".join(scopes + [ref])
            if full.startswith("SystemC."):
                full = full[len("SystemC."):]
            names[ident] = full
            widths[full] = width
        i += 1
    if not scale:
        raise SystemExit(f"{path}: no usable $timescale")
    changes, t = [], 0
    tokens = body.split()
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.startswith("$"):
            if tok == "$comment":
                while tokens[i] != "$end":
                    i += 1
            i += 1
            continue
        if tok.startswith("#"):
            t = int(tok[1:])
        elif tok[0] in "bB":
            ident = tokens[i + 1]
            i += 1
            changes.append((t, names[ident], vector(tok[1:], widths[names[ident]], path)))
        elif tok[0] in "01xXzZ":
            if tok[0] not in "01":
                raise SystemExit(f"{path}: {names[tok[1:]]} is {tok[0]} at time {t}")
            changes.append((t, names[tok[1:]], int(tok[0])))
        i += 1
    return scale, widths, changes


def vector(bits, width, path):
    if any(c not in "01" for c in bits):
        raise SystemExit(f"{path}: a value holds x or z: b{bits}")
    v = int(bits, 2)
    return v - (1 << width) if width > 1 and v >> (width - 1) else v  # every multi-bit value is a signed int


def main():
    vcd, report_path, log_path = sys.argv[1:4]
    report = json.load(open(report_path))
    cfg = report["config"]
    scale, widths, changes = parse_vcd(vcd)
    problems = []
    for name in REQUIRED:
        if name not in widths:
            problems.append(f"{vcd}: signal {name} is not declared")
    if problems:
        print("\n".join(problems))
        return 1
    cycle_ps = 1000  # 1 cycle = 1 ns

    # Expected issue/retire cycles per unit, absolute, from the retire log and the layer starts.
    layers = report["layers"]
    expect = {(u, k): [] for u in UNITS for k in ("issued", "retired")}
    for line in open(log_path):
        if line.startswith("#"):
            continue
        li, _, unit, issue, retire = line.split()
        start = layers[int(li)]["start_cycle"]
        expect[(unit, "issued")].append(start + int(issue))
        expect[(unit, "retired")].append(start + int(retire))
    for v in expect.values():
        v.sort()
    totals = {u: sum(l["instructions"][u] for l in layers if l["simulated"]) for u in UNITS}
    for u in UNITS:
        if len(expect[(u, "issued")]) != totals[u]:
            problems.append(f"{log_path}: {len(expect[(u, 'issued')])} {u} lines, the report counts {totals[u]}")
    simulated = [(i, l) for i, l in enumerate(layers) if l["simulated"]]
    end_cycle = max(l["start_cycle"] + l["cycles"] for _, l in simulated)

    # Replay the changes, checking the invariants at the end of every time step.
    val = {}
    history = {name: ([], []) for name in widths}  # times, values
    last_change = 0
    limits = {f"model.{u}.queue": cfg["queues"][u] for u in UNITS}
    limits.update({"model.dma.read_buffer_rows": 4 * cfg["dma"]["max_outstanding"], "model.dma.store_buffer_rows": 4,
                   "model.dma.reads_in_flight": cfg["dma"]["max_outstanding"],
                   "model.dma.writes_in_flight": cfg["dma"]["max_outstanding"]})

    def check_step(t):
        where = f"at {t * scale / cycle_ps:g} ns"
        for name, hi in limits.items():
            if not 0 <= val[name] <= hi:
                problems.append(f"{name} = {val[name]} {where}, outside [0, {hi}]")
        for name in TOKENS:
            if val[f"model.tokens.{name}"] < 0:
                problems.append(f"model.tokens.{name} = {val['model.tokens.' + name]} {where}")
        held = 0
        for u in UNITS:
            g = lambda s: val[f"model.{u}.{s}"]
            if not 0 <= g("retired") <= g("issued"):
                problems.append(f"{u}: retired {g('retired')}, issued {g('issued')} {where}")
            if g("busy") != (g("issued") != g("retired")):
                problems.append(f"{u}.busy = {g('busy')} with {g('issued')} issued, {g('retired')} retired {where}")
            if (g("instr") == -1) == bool(g("busy")) or g("instr") < -1 or g("head") < -1:
                problems.append(f"{u}: instr {g('instr')}, head {g('head')}, busy {g('busy')} {where}")
            held += g("issued") + g("queue") + (g("head") != -1)
        if held != val["model.dispatch.dispatched"]:
            problems.append(f"dispatched {val['model.dispatch.dispatched']} != issued + queued + in head registers "
                            f"({held}) {where}")

    prev_t = None
    for t, name, v in changes:
        if prev_t is not None and t != prev_t:
            check_step(prev_t)
        prev_t = t
        if name in val and val[name] != v:
            last_change = max(last_change, t)
        val[name] = v
        times, values = history[name]
        times.append(t)
        values.append(v)
    check_step(prev_t)
    missing = [n for n in widths if n not in val]
    if missing:
        problems.append(f"no initial value for {missing}")

    def value_at(name, t):
        times, values = history[name]
        k = bisect.bisect_right(times, t)
        return values[k - 1] if k else None

    # The issued and retired counters step exactly at the retire log's cycles, and only at whole cycles.
    for u in UNITS:
        for k in ("issued", "retired"):
            name, cyc = f"model.{u}.{k}", expect[(u, k)]
            times = history[name][0]
            for t in times:
                if t * scale % cycle_ps:
                    problems.append(f"{name} changes at {t * scale / cycle_ps:g} ns, not at a whole cycle")
                    break
            for c in sorted(set(cyc) | {t * scale // cycle_ps for t in times}):
                want, got = bisect.bisect_right(cyc, c), value_at(name, c * cycle_ps // scale)
                if got != want:
                    problems.append(f"{name} = {got} at cycle {c}, the retire log gives {want}")
                    break
    # The layer index changes at each simulated layer's start.
    for i, l in simulated:
        t = l["start_cycle"] * cycle_ps // scale
        if value_at("model.layer", t) != i or (t > 0 and value_at("model.layer", t - 1) == i):
            problems.append(f"model.layer does not become {i} at cycle {l['start_cycle']}")
    # Everything ends idle, with the run's totals, within the run's cycles.
    want_final = {"model.layer": simulated[-1][0], "model.dispatch.dispatched": sum(totals.values()),
                  "model.dispatch.blocked": 0}
    for u in UNITS:
        want_final.update({f"model.{u}.issued": totals[u], f"model.{u}.retired": totals[u], f"model.{u}.queue": 0,
                           f"model.{u}.head": -1, f"model.{u}.instr": -1, f"model.{u}.busy": 0})
    want_final.update({f"model.tokens.{t}": 0 for t in TOKENS})
    want_final.update({f"model.dma.{d}": 0 for d in DMA})
    for name, want in want_final.items():
        if val.get(name) != want:
            problems.append(f"{name} ends at {val.get(name)}, expected {want}")
    if not 0 < last_change * scale <= end_cycle * cycle_ps:
        problems.append(f"last change at {last_change * scale / cycle_ps:g} ns, the run ends at cycle {end_cycle}")
    if problems:
        print("\n".join(problems[:40]))
        return 1
    print(f"ok: {len(changes)} changes of {len(widths)} signals; execute issued {totals['execute']}, "
          f"last change at {last_change * scale / cycle_ps:g} ns of {end_cycle} cycles")
    return 0


if __name__ == "__main__":
    sys.exit(main())
