#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Plots of a sasim sweep directory (docs/sweeps.md), written as PNGs into DIR/plots/.

    /usr/bin/python3 scripts/plot_sweep.py out/sweep [--point ID]

One set per workload:
  cycles_<w>.png      total cycles versus the number of PEs (or the first numeric axis), one line per
                      dataflow / other axis values
  heatmap_<w>.png     utilization over rows x cols (or the first two numeric axes), one panel per dataflow
  pareto_<w>.png      cycles versus PEs (or that axis; at a fixed PE count, versus DRAM traffic) of every
                      point, the Pareto front marked
  layers_<w>.png      per-layer stacked bars of where the cycles go (compute, pipeline, each stall cause)
                      for the fastest point (or --point ID)
  breakdown_<w>.png   the same split for the whole workload at every point
  roofline_<w>.png    attained MACs/cycle versus operational intensity (MACs per DRAM byte), with the
                      roof of each distinct (PEs, DRAM bytes/cycle)
  area_<w>.png        Pareto front of cycles versus area in mm2 (sweeps with "area": true)
  energy_<w>.png      Pareto front of dynamic energy versus cycles (scripts/plot_sweep_cost.py)

Reads results.csv with the csv module and sweep.json with json; needs only matplotlib (Debian's
python3-matplotlib). A plot whose metrics the sweep did not keep is skipped with a note.
"""
import argparse
import csv
import json
import math
import os
import re
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

# Units of the config keys, for axis labels.
UNITS = {
    "array.rows": "PEs", "array.cols": "PEs", "array.operand_bits": "bits", "array.acc_bits": "bits",
    "scratchpad.capacity_kib": "KiB", "accumulator.capacity_kib": "KiB", "scratchpad.banks": "banks",
    "accumulator.banks": "banks", "queues.load": "instructions", "queues.execute": "instructions",
    "queues.store": "instructions", "dma.bus_bytes_per_cycle": "bytes/cycle", "dma.max_request_bytes": "bytes",
    "dma.max_outstanding": "requests", "dram.latency_cycles": "cycles", "dram.bandwidth_gbps": "GB/s",
    "dram.max_outstanding": "requests", "clock_mhz": "MHz",
}
PARTS = [  # cycle breakdown columns, legend names and colours
    ("compute_cycles", "compute", "#2ca02c"),
    ("pipeline_cycles", "pipeline (fill/drain)", "#98df8a"),
    ("stall_dram_bandwidth", "stall: DRAM bandwidth", "#d62728"),
    ("stall_dram_latency", "stall: DRAM latency", "#ff9896"),
    ("stall_bank_conflict", "stall: bank conflict", "#9467bd"),
    ("stall_queue_full", "stall: queue full", "#8c564b"),
    ("stall_dependency_wait", "stall: dependency wait", "#7f7f7f"),
]
DATAFLOW_MARKERS = {"os": "o", "ws": "s", "is": "^"}


def number(text):
    try:
        return float(text)
    except ValueError:
        return None


def fmt_value(v):
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


DATAFLOW_ORDER = {"os": 0, "ws": 1, "is": 2}


def sort_key(v):
    """Numbers numerically, dataflows os/ws/is, other text alphabetically."""
    if isinstance(v, (tuple, list)):
        return [sort_key(x) for x in v]
    if isinstance(v, float):
        return (0, v, "")
    return (1, DATAFLOW_ORDER.get(v, 9), str(v))


def slug(name):
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name)


class Sweep:
    def __init__(self, directory):
        self.dir = directory
        with open(os.path.join(directory, "sweep.json"), encoding="utf-8") as f:
            self.index = json.load(f)
        self.name = self.index.get("name", os.path.basename(os.path.normpath(directory)))
        self.axes = [(a["name"], a["key"]) for a in self.index["axes"]]
        with open(os.path.join(directory, "results.csv"), newline="", encoding="utf-8") as f:
            reader = csv.DictReader(f)
            self.columns = reader.fieldnames or []
            self.rows = list(reader)
        for r in self.rows:
            for k, v in list(r.items()):
                n = number(v) if v not in ("", None) else None
                if n is not None and k not in ("point", "layer", "workload"):
                    r[k] = n
        self.totals = [r for r in self.rows if r["scope"] == "total" and r["status"] == "ok"]
        self.failed = sum(1 for r in self.rows if r["scope"] == "total" and r["status"] != "ok")

    def has(self, *cols):
        return all(c in self.columns for c in cols)

    def unit(self, column):
        for name, key in self.axes:
            if name == column:
                return UNITS.get(key, "")
        return {"rows": "PEs", "cols": "PEs", "pes": "PEs", "clock_mhz": "MHz",
                "dram_bytes_per_cycle": "bytes/cycle"}.get(column, "")

    def label(self, column):
        if column == "pes":
            return "number of PEs (rows x cols)"
        unit = self.unit(column)
        return f"{column} ({unit})" if unit else column

    def varying(self, rows, columns):
        return [c for c in columns if len({r[c] for r in rows}) > 1]

    def value_columns(self):
        names = [n for n, _ in self.axes]
        return names + [c for c in ("rows", "cols", "dataflow", "pes") if c not in names]


def numeric(rows, col):
    return all(isinstance(r[col], float) for r in rows)


def cost_axis(sweep, rows, shapes_ok=True):
    """The x axis of the cycles and Pareto plots: PEs when they vary, else the first numeric varying axis
    other than rows and cols, else (when shapes_ok) rows. None when nothing fits."""
    if len({r["pes"] for r in rows}) > 1:
        return "pes"
    for name, _ in sweep.axes:
        if name not in ("rows", "cols") and numeric(rows, name) and len({r[name] for r in rows}) > 1:
            return name
    if shapes_ok:
        for name in ("rows", "cols"):
            if len({r[name] for r in rows}) > 1:
                return name
    return None


def determined_by(rows, col, by):
    """True when every value of the columns `by` goes with a single value of `col`."""
    seen = {}
    for r in rows:
        key = tuple(r[b] for b in by)
        if seen.setdefault(key, r[col]) != r[col]:
            return False
    return True


def series_key(sweep, rows, exclude):
    """Columns that tell the lines apart: every varying axis (and dataflow) except those in `exclude`
    and those that follow from them (cols at a fixed PE count follows from rows)."""
    cols = [c for c in sweep.varying(rows, sweep.value_columns()) if c not in exclude and c != "pes"]
    if exclude:
        cols = [c for c in cols if not determined_by(rows, c, exclude)]
    return cols


def shape_ticks(ax, rows, x):
    """At a fixed PE count, label the rows axis with the whole shape, e.g. 16x64."""
    if x == "rows" and len({r["pes"] for r in rows}) == 1 and determined_by(rows, "cols", ["rows"]):
        shapes = sorted({(r["rows"], r["cols"]) for r in rows})
        ax.set_xticks([s[0] for s in shapes])
        ax.set_xticklabels([f"{fmt_value(a)}x{fmt_value(b)}" for a, b in shapes])
        ax.set_xlabel(f"array shape rows x cols (PEs), {fmt_value(rows[0]['pes'])} PEs")
        return True
    return False


def describe(cols, row):
    return ", ".join(f"{c}={fmt_value(row[c])}" for c in cols) or "all points"


def title(ax, text, sweep, workload, detail=""):
    second = f"{detail}; sasim sweep \"{sweep.name}\"" if detail else f"sasim sweep \"{sweep.name}\""
    ax.set_title(f"{workload}: {text}\n({second})", fontsize=11)


def log_if_wide(ax, values, axis):
    vals = [v for v in values if v > 0]
    if vals and max(vals) / min(vals) >= 8:
        (ax.set_xscale if axis == "x" else ax.set_yscale)("log", base=2 if axis == "x" else 10)


def plot_cycles(sweep, workload, rows, out):
    x = cost_axis(sweep, rows) or "pes"
    groups = {}
    keys = series_key(sweep, rows, [x])
    if x == "pes":  # shapes fold into the PE count: the line takes the best shape, the others are dots
        keys = [k for k in keys if k not in ("rows", "cols")]
    for r in rows:
        groups.setdefault(tuple(r[c] for c in keys), []).append(r)
    fig, ax = plt.subplots(figsize=(8, 5.2))
    for key, rs in sorted(groups.items(), key=lambda kv: sort_key(kv[0])):
        best = {}
        for r in rs:
            if r[x] not in best or r["cycles"] < best[r[x]]["cycles"]:
                best[r[x]] = r
        line = [best[v] for v in sorted(best)]
        marker = DATAFLOW_MARKERS.get(rs[0]["dataflow"], "o") if "dataflow" in keys else "o"
        (handle,) = ax.plot([r[x] for r in line], [r["cycles"] for r in line], marker=marker,
                            label=describe(keys, rs[0]))
        others = [r for r in rs if r is not best[r[x]]]
        if others:
            ax.scatter([r[x] for r in others], [r["cycles"] for r in others], marker=marker, s=18, alpha=0.35,
                       color=handle.get_color())
            for r in line:
                ax.annotate(f"{fmt_value(r['rows'])}x{fmt_value(r['cols'])}", (r[x], r["cycles"]),
                            textcoords="offset points", xytext=(4, -10), fontsize=7, color=handle.get_color())
    log_if_wide(ax, [r[x] for r in rows], "x")
    log_if_wide(ax, [r["cycles"] for r in rows], "y")
    ax.set_xlabel(sweep.label(x))
    ax.set_ylabel("total cycles (accelerator clock cycles)")
    ax.grid(True, which="both", alpha=0.3)
    what = sweep.label(x).split(" (")[0]
    if shape_ticks(ax, rows, x):
        what = "array shape"
    elif numeric(rows, x):
        xs = sorted({r[x] for r in rows})
        ax.set_xticks(xs)
        ax.set_xticklabels([fmt_value(v) for v in xs])
    if len(groups) > 1:
        ax.legend(fontsize=8, title=", ".join(keys))
    if any(len({(r["rows"], r["cols"]) for r in rows if r[x] == v}) > 1 for v in {r[x] for r in rows}):
        what += " (line: best shape, labelled RxC; faint: other shapes)"
    title(ax, f"total cycles versus {what}", sweep, workload)
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    plt.close(fig)


def plot_heatmap(sweep, workload, rows, out):
    if len(sweep.varying(rows, ["rows", "cols"])) > 0:
        xc, yc = "cols", "rows"
    else:
        nums = [n for n, _ in sweep.axes if numeric(rows, n) and len({r[n] for r in rows}) > 1]
        if len(nums) < 2:
            return "fewer than two numeric axes vary"
        yc, xc = nums[0], nums[1]
    panel_col = "dataflow" if len({r["dataflow"] for r in rows}) > 1 else None
    panels = sorted({r[panel_col] for r in rows}, key=sort_key) if panel_col else [None]
    others = [c for c in series_key(sweep, rows, [xc, yc, "pes", "dataflow"]) if c not in (xc, yc)]
    xs = sorted({r[xc] for r in rows})
    ys = sorted({r[yc] for r in rows})
    width = max(7.0, 1.2 + 0.62 * len(xs) * len(panels) + 1.2 * len(panels))
    fig, axes = plt.subplots(1, len(panels), figsize=(width, 2.2 + 0.5 * len(ys)), squeeze=False,
                             constrained_layout=True)
    image = None
    utils = [100.0 * r["utilization"] for r in rows]
    lo, hi = min(utils), max(utils)
    if hi - lo < 1e-9:
        lo, hi = lo - 0.5, hi + 0.5
    decimals = 2 if hi < 10 else (1 if hi - lo < 20 else 0)
    for ax, panel in zip(axes[0], panels):
        grid = [[math.nan] * len(xs) for _ in ys]
        for r in rows:
            if panel_col and r[panel_col] != panel:
                continue
            i, j = ys.index(r[yc]), xs.index(r[xc])
            u = 100.0 * r["utilization"]
            grid[i][j] = u if math.isnan(grid[i][j]) else max(grid[i][j], u)  # best over other axes
        image = ax.imshow(grid, origin="lower", cmap="viridis", vmin=lo, vmax=hi, aspect="auto")
        for i in range(len(ys)):
            for j in range(len(xs)):
                if not math.isnan(grid[i][j]):
                    ax.text(j, i, f"{grid[i][j]:.{decimals}f}", ha="center", va="center", fontsize=8,
                            color="white" if grid[i][j] < lo + 0.6 * (hi - lo) else "black")
        ax.set_xticks(range(len(xs)))
        ax.set_xticklabels([fmt_value(v) for v in xs], rotation=45 if len(xs) > 6 else 0)
        ax.set_yticks(range(len(ys)))
        ax.set_yticklabels([fmt_value(v) for v in ys])
        ax.set_xlabel(sweep.label(xc))
        ax.set_ylabel(sweep.label(yc))
        if panel is not None:
            ax.set_title(f"dataflow {panel}", fontsize=10)
    cbar = fig.colorbar(image, ax=list(axes[0]), shrink=0.9)
    cbar.set_label("utilization (%)")
    best = f" (best over {', '.join(others)})" if others else ""
    fig.suptitle(f"{workload}: utilization = MACs / (cycles x PEs) over {yc} x {xc}{best}\n"
                 f"(sasim sweep \"{sweep.name}\"; colours span the sweep's range; empty cells: not in the sweep)",
                 fontsize=10)
    fig.savefig(out, dpi=110, bbox_inches="tight")
    plt.close(fig)
    return None


def pareto_front(points):
    """Points not dominated in (cost, cycles), both minimised; sorted by cost."""
    front, best = [], math.inf
    for p in sorted(points, key=lambda p: (p[0], p[1])):
        if p[1] < best:
            front.append(p)
            best = p[1]
    return front


def plot_pareto(sweep, workload, rows, out):
    x = cost_axis(sweep, rows, shapes_ok=False)
    x_label = sweep.label(x) if x else ""
    if x is None:  # a fixed PE count (e.g. array shapes): trade cycles against DRAM traffic instead
        if not sweep.has("dram_read_bytes", "dram_write_bytes"):
            return "the PE count does not vary and the sweep did not keep DRAM bytes"
        x, x_label = "dram_bytes", "DRAM traffic (bytes read + written)"
        rows = [dict(r, dram_bytes=r["dram_read_bytes"] + r["dram_write_bytes"]) for r in rows]
    keys = series_key(sweep, rows, [x] if x != "dram_bytes" else [])
    color_col = "dataflow" if "dataflow" in keys else (keys[0] if keys else None)
    fig, ax = plt.subplots(figsize=(8, 5.2))
    groups = {}
    for r in rows:
        groups.setdefault(r[color_col] if color_col else "", []).append(r)
    for key, rs in sorted(groups.items(), key=lambda kv: sort_key(kv[0])):
        ax.scatter([r[x] for r in rs], [r["cycles"] for r in rs], s=30, alpha=0.8,
                   marker=DATAFLOW_MARKERS.get(key, "o") if color_col == "dataflow" else "o",
                   label=f"{color_col}={fmt_value(key)}" if color_col else "points")
    front = pareto_front([(r[x], r["cycles"], r) for r in rows])
    ax.step([p[0] for p in front], [p[1] for p in front], where="post", color="black", lw=1.2,
            label="Pareto front (no point has fewer cycles at the same or lower cost)")
    rest = [c for c in keys if c != color_col]
    for px, py, r in front:
        text = describe([c for c in [color_col] + rest if c], r)
        ax.annotate(text, (px, py), textcoords="offset points", xytext=(5, 5), fontsize=7)
    log_if_wide(ax, [r[x] for r in rows], "x")
    log_if_wide(ax, [r["cycles"] for r in rows], "y")
    ax.set_xlabel(x_label)
    ax.set_ylabel("total cycles (accelerator clock cycles)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    if x != "dram_bytes" and numeric(rows, x):
        xs = sorted({r[x] for r in rows})
        ax.set_xticks(xs)
        ax.set_xticklabels([fmt_value(v) for v in xs])
    what = "DRAM traffic at a fixed PE count" if x == "dram_bytes" else x_label.split(" (")[0]
    title(ax, f"Pareto front of cycles versus {what}", sweep, workload)
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    plt.close(fig)
    return None


def stacked(ax, labels, rows, normalise):
    bottoms = [0.0] * len(rows)
    for col, name, color in PARTS:
        vals = [r[col] if isinstance(r[col], float) else 0.0 for r in rows]
        if normalise:
            vals = [100.0 * v / r["cycles"] if r["cycles"] else 0.0 for v, r in zip(vals, rows)]
        ax.bar(range(len(rows)), vals, bottom=bottoms, color=color, label=name, width=0.8)
        bottoms = [b + v for b, v in zip(bottoms, vals)]
    ax.set_xticks(range(len(rows)))
    ax.set_xticklabels(labels, rotation=90, fontsize=7 if len(rows) > 30 else 8)
    ax.set_xlim(-0.6, len(rows) - 0.4)


def plot_layers(sweep, workload, rows, out, point):
    if point:
        chosen = [r for r in rows if r["point"] == point]
        if not chosen:
            return f"point {point} is not a finished point of this workload"
        best = chosen[0]
    else:
        best = min(rows, key=lambda r: r["cycles"])
    layers = [r for r in sweep.rows if r["point"] == best["point"] and r["scope"] == "layer"
              and r["simulated"] == "true"]
    layers.sort(key=lambda r: r["layer_index"])
    fig, ax = plt.subplots(figsize=(max(10, 0.22 * len(layers) + 3), 5.5))
    stacked(ax, [r["layer"] for r in layers], layers, normalise=False)
    ax.set_ylabel("cycles (accelerator clock cycles)")
    ax.set_xlabel("layer (simulated layers, in network order)")
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.005, 1.0))
    ax.grid(True, axis="y", alpha=0.3)
    which = "chosen point" if point else "fastest point"
    cols = [c for c in sweep.varying(sweep.totals, sweep.value_columns()) if c != "pes"] or ["rows", "cols", "dataflow"]
    title(ax, "where the cycles go per layer", sweep, workload, f"{which}: {describe(cols, best)}")
    fig.tight_layout()
    fig.savefig(out, dpi=100)
    plt.close(fig)
    return None


def plot_breakdown(sweep, workload, rows, out):
    cols = [c for c in sweep.varying(rows, sweep.value_columns()) if c != "pes"]
    rows = sorted(rows, key=lambda r: sort_key(tuple(r[c] for c in cols)))
    fig, ax = plt.subplots(figsize=(max(8, 0.32 * len(rows) + 3), 5.5))
    stacked(ax, [" ".join(fmt_value(r[c]) for c in cols) for r in rows], rows, normalise=True)
    ax.set_ylabel("share of total cycles (%)")
    ax.set_xlabel("point (" + " ".join(cols) + ")")
    ax.set_ylim(0, 100)
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.005, 1.0))
    title(ax, "where the cycles go, whole workload, every point", sweep, workload)
    fig.tight_layout()
    fig.savefig(out, dpi=100)
    plt.close(fig)


def plot_roofline(sweep, workload, rows, out):
    rows = [r for r in rows if (r["dram_read_bytes"] + r["dram_write_bytes"]) > 0 and r["cycles"] > 0]
    if not rows:
        return "no point moved DRAM bytes"
    fig, ax = plt.subplots(figsize=(10, 5.5))
    intensity = lambda r: r["macs"] / (r["dram_read_bytes"] + r["dram_write_bytes"])  # noqa: E731
    attained = lambda r: r["macs"] / r["cycles"]  # noqa: E731
    xs = [intensity(r) for r in rows]
    lo, hi = min(xs) / 4, max(xs) * 4
    roofs = sorted({(r["pes"], r["dram_bytes_per_cycle"]) for r in rows})
    cmap = plt.get_cmap("plasma")
    colors = {roof: (cmap(0.85 * i / max(1, len(roofs) - 1)) if len(roofs) > 1 else "0.3")
              for i, roof in enumerate(roofs)}
    flow_colors = {"os": "tab:blue", "ws": "tab:orange", "is": "tab:green"}  # used when there is one roof
    grid = [lo * (hi / lo) ** (k / 200) for k in range(201)]
    for pes, bpc in roofs:  # one roof per distinct peak and bandwidth; its points share its colour
        ax.plot(grid, [min(pes, bpc * g) for g in grid], color=colors[(pes, bpc)], lw=1.2, alpha=0.7,
                label=f"roof: {fmt_value(pes)} PEs, {bpc:g} B/cycle (ridge {pes / bpc:g} MAC/B)")
    flows = sorted({r["dataflow"] for r in rows}, key=sort_key)
    for flow in flows:
        rs = [r for r in rows if r["dataflow"] == flow]
        one_roof = len(roofs) == 1
        ax.scatter([intensity(r) for r in rs], [attained(r) for r in rs], s=34, zorder=3, edgecolors="black",
                   linewidths=0.5, marker=DATAFLOW_MARKERS.get(flow, "o"),
                   c=[flow_colors.get(flow, "tab:red") if one_roof else colors[(r["pes"], r["dram_bytes_per_cycle"])]
                      for r in rs])
        ax.scatter([], [], marker=DATAFLOW_MARKERS.get(flow, "o"),
                   facecolors=flow_colors.get(flow, "tab:red") if one_roof else "none", edgecolors="black",
                   label=f"points, dataflow {flow}" + ("" if one_roof else " (colour of their roof)"))
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("operational intensity (MACs per DRAM byte read or written)")
    ax.set_ylabel("attained throughput (MACs per cycle)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.005, 1.0))
    title(ax, "roofline of every point (peak = PEs MACs/cycle, slope = DRAM bytes/cycle)", sweep, workload)
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    plt.close(fig)
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dir", help="sweep directory (holds results.csv and sweep.json)")
    ap.add_argument("--point", help="point id for the per-layer plot (default: the fastest point)")
    args = ap.parse_args()
    try:
        sweep = Sweep(args.dir)
    except (OSError, ValueError, KeyError) as e:
        print(f"plot_sweep: {args.dir}: not a readable sweep directory: {e}", file=sys.stderr)
        return 2
    plots = os.path.join(args.dir, "plots")
    os.makedirs(plots, exist_ok=True)
    written, notes = [], []
    if sweep.failed:
        notes.append(f"{sweep.failed} failed point(s) left out")
    workloads = sorted({r["workload"] for r in sweep.totals})
    if not workloads:
        print("plot_sweep: no finished point to plot", file=sys.stderr)
        return 1
    needs = {
        "cycles": ("cycles",),
        "heatmap": ("utilization",),
        "pareto": ("cycles",),
        "layers": tuple(c for c, _, _ in PARTS) + ("cycles",),
        "breakdown": tuple(c for c, _, _ in PARTS) + ("cycles",),
        "roofline": ("macs", "cycles", "dram_read_bytes", "dram_write_bytes"),
        "area": ("area_mm2", "cycles"),
        "energy": ("energy_pj", "cycles"),
    }
    import plot_sweep_cost  # the cost plots (imports this module's helpers)
    for w in workloads:
        rows = [r for r in sweep.totals if r["workload"] == w]
        for kind, fn in (("cycles", plot_cycles), ("heatmap", plot_heatmap), ("pareto", plot_pareto),
                         ("layers", lambda s, w_, r, o: plot_layers(s, w_, r, o, args.point)),
                         ("breakdown", plot_breakdown), ("roofline", plot_roofline),
                         ("area", plot_sweep_cost.plot_area), ("energy", plot_sweep_cost.plot_energy)):
            missing = [c for c in needs[kind] if not sweep.has(c)]
            if missing:
                notes.append(f"{kind}_{w}: skipped (the sweep did not keep {', '.join(missing)})")
                continue
            out = os.path.join(plots, f"{kind}_{slug(w)}.png")
            why = fn(sweep, w, rows, out)
            if why:
                notes.append(f"{kind}_{w}: skipped ({why})")
            else:
                written.append(out)
    for n in notes:
        print(f"plot_sweep: {n}", file=sys.stderr)
    for p in written:
        print(p)
    return 0


if __name__ == "__main__":
    sys.exit(main())
