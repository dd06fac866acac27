#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Draws a log-log roofline PNG from the JSON that `sasim roofline --plot OUT.png` writes.

Usage: /usr/bin/python3 scripts/plot_roofline.py DATA.json OUT.png
(Debian's python3 with python3-matplotlib; sasim calls it for you.)

DATA.json keys:
  config, array, workload          names shown in the title ("workload" may be "")
  machine.peak_tops                compute roof, 1e12 ops/s (2 ops per MAC)
  machine.dram_gbps                DRAM roof slope, 1e9 bytes/s
  machine.ridge_ops_per_byte       where the two roofs meet (also ridge_macs_per_byte)
  placement                        "simulated" (attained throughput), "analytic" (on the roof) or "none"
  layers[]                         {name, ops_per_byte, tops, roof_tops, binding}
"""
import json
import math
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def group_points(layers):
    """Layers that land on the same spot (within 2 %) share one marker and one label."""
    groups = []
    for layer in layers:
        for g in groups:
            if (abs(math.log(layer["ops_per_byte"] / g["x"])) < 0.02
                    and abs(math.log(layer["tops"] / g["y"])) < 0.02):
                g["names"].append(layer["name"])
                break
        else:
            groups.append({"x": layer["ops_per_byte"], "y": layer["tops"], "names": [layer["name"]],
                           "binding": layer.get("binding", "")})
    return groups


def label_text(names):
    if len(names) == 1:
        return names[0]
    if len(names) == 2:
        return names[0] + ", " + names[1]
    return "%s, %s +%d" % (names[0], names[1], len(names) - 2)


def overlap(a, b):
    return not (a.x1 < b.x0 or b.x1 < a.x0 or a.y1 < b.y0 or b.y1 < a.y0)


def place_labels(fig, ax, groups):
    """Greedy placement: try positions on rings of growing radius around each point and keep the first whose
    text overlaps no earlier label, no marker and stays inside the axes (else the one with fewest overlaps)."""
    from matplotlib.text import Text
    from matplotlib.transforms import Bbox
    renderer = fig.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    markers = []
    for g in groups:
        px, py = ax.transData.transform((g["x"], g["y"]))
        markers.append(Bbox([[px - 5, py - 5], [px + 5, py + 5]]))
    placed = [Text.get_window_extent(t, renderer) for t in ax.texts]  # roof annotations drawn before
    legend = ax.get_legend()
    if legend is not None:
        placed.append(legend.get_window_extent(renderer))
    offsets = []
    for radius in (7, 14, 24, 36, 50, 66, 84, 104, 126, 150):
        for deg in (30, -30, 150, -150, 0, 180, 60, -60, 120, -120, 90, -90, 15, -15, 165, -165):
            offsets.append((radius * math.cos(math.radians(deg)), radius * math.sin(math.radians(deg))))
    for g in sorted(groups, key=lambda g: (g["x"], g["y"])):
        best = None
        for dx, dy in offsets:
            far = math.hypot(dx, dy) > 10
            t = ax.annotate(label_text(g["names"]), (g["x"], g["y"]), xytext=(dx, dy), textcoords="offset points",
                            fontsize=6.5, ha="left" if dx >= 0 else "right", va="center",
                            arrowprops=dict(arrowstyle="-", lw=0.4, color="0.45") if far else None)
            t.update_positions(renderer)
            box = Text.get_window_extent(t, renderer)  # the text alone, without the leader line
            hits = sum(overlap(box, p) for p in placed) + sum(overlap(box, mk) for mk in markers)
            if box.x0 < frame.x0 or box.x1 > frame.x1 or box.y0 < frame.y0 or box.y1 > frame.y1:
                hits += 100
            if best is None or hits < best[0]:
                if best is not None:
                    best[1].remove()
                best = (hits, t, box)
            else:
                t.remove()
            if hits == 0:
                break
        placed.append(best[2])


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: plot_roofline.py DATA.json OUT.png")
    with open(sys.argv[1]) as f:
        d = json.load(f)
    m = d["machine"]
    peak, bw, ridge = m["peak_tops"], m["dram_gbps"], m["ridge_ops_per_byte"]
    layers = [l for l in d.get("layers", []) if l["ops_per_byte"] > 0 and l["tops"] > 0]

    xs = [l["ops_per_byte"] for l in layers] + [ridge]
    xmin = 10 ** math.floor(math.log10(min(xs) / 1.5))
    xmax = 10 ** math.ceil(math.log10(max(xs) * 3))
    ys = [l["tops"] for l in layers] + [peak, xmin * bw / 1000]
    ymin = 10 ** math.floor(math.log10(min(ys) / 2))
    ymax = 10 ** math.ceil(math.log10(peak * 2))

    fig, ax = plt.subplots(figsize=(13, 8.5))
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlim(xmin, xmax)
    ax.set_ylim(ymin, ymax)

    roof_x = [xmin, ridge, xmax]
    roof_y = [xmin * bw / 1000, peak, peak]
    ax.plot(roof_x, roof_y, color="black", lw=2.2, label="roof: min(peak, intensity x DRAM bandwidth)")
    ax.fill_between(roof_x, roof_y, ymax, color="0.92", zorder=0)
    ax.axvline(ridge, color="tab:red", ls="--", lw=1)
    ax.plot([ridge], [peak], "o", color="tab:red", ms=7,
            label="ridge point: %.1f ops/B = %.1f MACs/B" % (ridge, m["ridge_macs_per_byte"]))
    ax.annotate("ridge %.0f ops/B" % ridge, (ridge, peak), xytext=(-8, 10), textcoords="offset points",
                color="tab:red", fontsize=9, ha="right")
    ax.text(xmax / 1.3, peak * 1.15, "peak %.2f TOPS" % peak, ha="right", va="bottom", fontsize=9)
    sx = xmin * 1.6
    dram_text = ax.annotate("DRAM %.2f GB/s" % bw, (sx, sx * bw / 1000), xytext=(0, 6),
                            textcoords="offset points", ha="left", va="bottom", fontsize=9, rotation_mode="anchor")

    if layers:
        placement = d.get("placement", "")
        groups = group_points(layers)
        colors = {"compute": "tab:blue", "dram": "tab:orange", "spad": "tab:green"}
        for kind, color in colors.items():
            pts = [g for g in groups if g["binding"] == kind]
            if pts:
                what = "attained" if placement == "simulated" else "roof at compulsory intensity"
                ax.scatter([g["x"] for g in pts], [g["y"] for g in pts], s=22, color=color, zorder=3,
                           edgecolor="black", linewidth=0.4, label="layers, %s-bound (%s)" % (kind, what))

    ax.set_xlabel("arithmetic intensity (ops per DRAM byte, 2 ops per MAC)")
    ax.set_ylabel("throughput (TOPS = 10^12 ops/s)")
    top = ax.secondary_xaxis("top", functions=(lambda x: x / 2, lambda x: x * 2))
    top.set_xlabel("MACs per DRAM byte")
    title = "Roofline of %s (%s)" % (d.get("config", ""), d.get("array", ""))
    if d.get("workload"):
        title += " | workload %s (%s)" % (d["workload"], d.get("placement", ""))
    ax.set_title(title)
    ax.grid(True, which="major", ls=":", lw=0.6)
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()  # before placing labels: it moves the axes, and labels are placed in screen space
    (x0, y0), (x1, y1) = ax.transData.transform([(xmin, xmin * bw / 1000), (ridge, peak)])
    dram_text.set_rotation(math.degrees(math.atan2(y1 - y0, x1 - x0)))  # along the DRAM roof on screen
    if layers:
        place_labels(fig, ax, groups)
    fig.savefig(sys.argv[2], dpi=150)


if __name__ == "__main__":
    main()
