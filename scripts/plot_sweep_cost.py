#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The cost plots of scripts/plot_sweep.py (docs/sweeps.md, docs/cost.md): Pareto fronts of

  area_<w>.png    total cycles versus synthesized area (mm2 at the config's technology), for sweeps run
                  with "area": true (each point's `sasim run --area`)
  energy_<w>.png  dynamic energy (uJ) versus total cycles: the points no other point beats on both

Both minimise both axes. Imported by plot_sweep.py; not a command of its own.
"""
import plot_sweep as ps
from plot_sweep import plt


def missing_values(rows, *cols):
    """Why a plot of `cols` cannot be drawn from `rows` ("" when every row has a number in each)."""
    for c in cols:
        if not all(isinstance(r.get(c), float) for r in rows):
            return f"some points have no {c}"
    return ""


def scatter_front(sweep, workload, rows, out, labels, what):
    """labels: ((x label, x of a row), (y label, y of a row)). Scatter of (x, y) per point, coloured by dataflow (or the first other varying axis), with the
    Pareto front of (x, y) drawn as a step line and its points annotated with their axis values."""
    keys = ps.series_key(sweep, rows, [])
    color_col = "dataflow" if "dataflow" in keys else (keys[0] if keys else None)
    fig, ax = plt.subplots(figsize=(8, 5.2))
    groups = {}
    for r in rows:
        groups.setdefault(r[color_col] if color_col else "", []).append(r)
    for key, rs in sorted(groups.items(), key=lambda kv: ps.sort_key(kv[0])):
        ax.scatter([labels[0][1](r) for r in rs], [labels[1][1](r) for r in rs], s=30, alpha=0.8,
                   marker=ps.DATAFLOW_MARKERS.get(key, "o") if color_col == "dataflow" else "o",
                   label=f"{color_col}={ps.fmt_value(key)}" if color_col else "points")
    front = ps.pareto_front([(labels[0][1](r), labels[1][1](r), r) for r in rows])
    ax.step([p[0] for p in front], [p[1] for p in front], where="post", color="black", lw=1.2,
            label=f"Pareto front (no point is better on both {what})")
    rest = [c for c in keys if c != color_col]
    for i, (px, py, r) in enumerate(front):  # labels above and below in turn, so neighbours do not overlap
        ax.annotate(ps.describe([c for c in [color_col] + rest if c], r), (px, py), textcoords="offset points",
                    xytext=(5, 5 if i % 2 == 0 else -12), fontsize=7)
    ps.log_if_wide(ax, [labels[0][1](r) for r in rows], "x")
    ps.log_if_wide(ax, [labels[1][1](r) for r in rows], "y")
    ax.set_xlabel(labels[0][0])
    ax.set_ylabel(labels[1][0])
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    ps.title(ax, f"Pareto front of {what}", sweep, workload)
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    plt.close(fig)


def plot_area(sweep, workload, rows, out):
    why = missing_values(rows, "area_mm2", "cycles")
    if why:
        return why + " (run the sweep with \"area\": true)"
    scatter_front(sweep, workload, rows, out,
                  [("area (mm2 at the config's technology: synthesized logic + SRAM table, docs/cost.md)",
                    lambda r: r["area_mm2"]),
                   ("total cycles (accelerator clock cycles)", lambda r: r["cycles"])],
                  "cycles and area")
    return None


def plot_energy(sweep, workload, rows, out):
    why = missing_values(rows, "energy_pj", "cycles")
    if why:
        return why
    scatter_front(sweep, workload, rows, out,
                  [("total cycles (accelerator clock cycles)", lambda r: r["cycles"]),
                   ("dynamic energy (uJ, docs/energy.md)", lambda r: r["energy_pj"] * 1e-6)],
                  "energy and cycles")
    return None
