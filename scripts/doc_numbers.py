#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The numbers in docs/*.md and README.md that come from a run, regenerated or checked (issue #22).

A number in a doc is written between markers, <!--n:KEY-->1,864,911<!--/n-->, and a generated block (a
whole table) between <!--block:KEY--> and <!--/block--> on lines of their own. KEY names an entry of
NUMBERS or BLOCKS below: the sasim command it comes from (SOURCES, run once each with --format json) and
how it is read and printed.

  doc_numbers.py --sasim build/sasim --check    # exit 1 listing every marker whose text is stale
  doc_numbers.py --sasim build/sasim --write    # rewrite the markers' text (scripts/update_docs.sh)

Unknown keys, unclosed markers and entries that no doc uses are errors in both modes, so a number cannot
silently lose its source. Only deterministic numbers (cycles, bytes, ratios) are kept here; wall-clock
times are measurements and stay as written, with the machine they were measured on.
"""
import argparse
import json
import os
import re
import subprocess
import shutil
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DOCS = ["README.md"] + sorted("docs/" + f for f in os.listdir(os.path.join(ROOT, "docs")) if f.endswith(".md"))

GEMMINI = "configs/gemmini_16x16.json"
# Each source: the sasim arguments (run from the source root, --format json added). Programs come from
# the heuristic mapper unless a source says otherwise, so no mapper cache is involved.
SOURCES = {
    "alexnet_compare": ["compare", "--config", GEMMINI, "--workload", "workloads/alexnet.json"],
    "alexnet_run": ["run", "-q", "--config", GEMMINI, "--workload", "workloads/alexnet.json",
                    "--mapper", "heuristic", "--mapper-cache", "none"],
    "rn50_tpu_roofline": ["roofline", "--config", "configs/tpu_v1.json", "--workload", "workloads/resnet50.json"],
    "rn50_gemmini_search": ["run", "-q", "--config", GEMMINI, "--workload", "workloads/resnet50.json",
                            "--mapper", "search", "--mapper-cache", "none", "--jobs", "2", "--timing-only"],
    "rn50_gemmini_heuristic": ["run", "-q", "--config", GEMMINI, "--workload", "workloads/resnet50.json",
                               "--mapper", "heuristic", "--mapper-cache", "none", "--timing-only"],
    # A script instead of one sasim command: run as SCRIPT SASIM ROOT WORK_DIR --json.
    "stall_attribution": ["@script", "tests/analysis/stall_attribution.py"],
    # Every shipped config x network, heuristic and searched: minutes. With --quick (the docs_numbers
    # test) the script runs only its fast pairs, and only their rows are checked.
    "mapper_table": ["@script", "scripts/mapper_table.py"],
    # ResNet-50 on gemmini_16x16 with its dataflow edited to OS and IS, heuristic and searched (a minute).
    "dataflow_table": ["@script", "scripts/dataflow_table.py"],
    # The ONNX models of tests/onnx/make_models.py imported (a second).
    "onnx_example": ["@script", "scripts/onnx_example.py"],
    # tpu_v1: a 4096^3 GEMM and ResNet-50, searched, timing only (seconds).
    "energy_checks": ["@script", "scripts/energy_checks.py"],
    # Llama-2-7B prefill and decode on gemmini_128x128, timing only (about 45 s).
    "llm_table": ["@script", "scripts/llm_table.py"],
    # `sasim area` of four designs: minutes of Yosys with an empty area cache, a second with a warm one.
    "area_table": ["@script", "scripts/area_table.py"],
}
QUICK_SOURCES = {"mapper_table"}
SLOW_SOURCES = {"dataflow_table", "area_table", "llm_table"}  # with --quick their numbers are not checked


def layer(j, name):
    if name == "total":
        return j["total"]
    for l in j["layers"]:
        if l["name"] == name:
            return l
    raise KeyError(f"no layer {name}")


def comma(v):
    return f"{v:,}"


def plain(v):
    return f"{v}"


def f3(v):
    return f"{v:.3f}"


def f2(v):
    return f"{v:.2f}"


def f1(v):
    return f"{v:.1f}"


def pct1(v):
    return f"{100 * v:.1f}"


def pct0(v):
    return f"{100 * v:.0f}"


def f3_layer(key):
    return lambda s: layer(s["alexnet_compare"], "features.3")[key]


def f3_run(key):
    return lambda s: layer(s["alexnet_run"], "features.3")["cycle_breakdown"][key]


def f3_cycles(s):
    return layer(s["alexnet_compare"], "features.3")["sasim_cycles"]


def f3_compute_pipeline(s):
    return f3_run("compute")(s) + f3_run("pipeline")(s)


def f3_stalls(s):
    return f3_cycles(s) - f3_compute_pipeline(s)


def f3_dram_stalls(s):
    return f3_run("dram_bandwidth")(s) + f3_run("dram_latency")(s)


def f3_executes(s):
    return layer(s["alexnet_run"], "features.3")["instructions"]["execute"]


def rn50_convs(s):
    """ResNet-50's conv layers in the heuristic timing-only run (where layers of one shape are reused)."""
    return [l for l in s["rn50_gemmini_heuristic"]["layers"] if l.get("kind") == "conv"]


def dram_multiple(run):
    """DRAM bytes moved over the compulsory bytes (input + weights + output once each)."""
    t = run["totals"]["traffic"]
    return (t["dram_read_bytes"] + t["dram_write_bytes"]) / t["compulsory_bytes"]


def energy(run):
    return run["totals"]["energy"]


def g16_energy_share(part):
    return lambda s: energy(s["rn50_gemmini_search"])[part] / energy(s["rn50_gemmini_search"])["total_pj"]


def tpu_gemm_pj_per_mac(part):
    return lambda s: energy(s["energy_checks"]["tpu_gemm"])[part] / s["energy_checks"]["tpu_gemm"]["totals"]["macs"]


def tpu_gemm_onchip_pj_per_mac(s):
    return tpu_gemm_pj_per_mac("total_pj")(s) - tpu_gemm_pj_per_mac("dram_pj")(s)


def tpu_gemm_macs_per_second(s):
    """MACs per second at the config's clock."""
    t = s["energy_checks"]["tpu_gemm"]["totals"]
    with open(os.path.join(ROOT, "configs", "tpu_v1.json")) as f:
        mhz = json.load(f)["clock_mhz"]
    return t["macs"] / t["cycles"] * mhz * 1e6


def quarters(v):
    words = {1: "a quarter", 2: "half", 3: "three quarters", 4: "all"}
    return words.get(round(4 * v), f"{100 * v:.0f} %")


def design(s, name):
    for d in s["area_table"]:
        if d["design"] == name:
            return d["area"]
    raise KeyError(f"no design {name}")


def block_mm2(s, name, block):
    return sum(b["mm2"] for b in design(s, name)["blocks"] if b["name"] == block)


def share(s, name, block):
    """A block's share of a design's area (block "SRAM": all SRAM macros)."""
    a = design(s, name)
    part = a["sram_mm2"] if block == "SRAM" else block_mm2(s, name, block)
    return part / a["area_mm2"]


def nand2_um2_45nm():
    with open(os.path.join(ROOT, "configs", "tech", "45nm.json")) as f:
        return json.load(f)["nand2_um2"]["value"]


# key: (function of the sources' JSON, formatter)
NUMBERS = {
    "validation.f3.sasim": (f3_cycles, comma),
    "validation.f3.compute": (f3_run("compute"), comma),
    "validation.f3.pipeline": (f3_run("pipeline"), comma),
    "validation.f3.dram_bandwidth": (f3_run("dram_bandwidth"), comma),
    "validation.f3.dram_latency": (f3_run("dram_latency"), comma),
    "validation.f3.bank_conflict": (f3_run("bank_conflict"), comma),
    "validation.f3.queue_full": (f3_run("queue_full"), comma),
    "validation.f3.dependency_wait": (f3_run("dependency_wait"), comma),
    "validation.f3.executes": (f3_executes, comma),
    "validation.f3.pipeline_per_execute": (lambda s: round(f3_run("pipeline")(s) / f3_executes(s)), plain),
    "validation.f3.compute_pipeline": (f3_compute_pipeline, comma),
    "validation.f3.compute_pipeline_vs_scalesim_pct":
        (lambda s: f3_compute_pipeline(s) / (layer(s["alexnet_compare"], "features.3")["scalesim_cycles"] + 1) - 1,
         lambda v: f"{abs(100 * v):.0f} % {'below' if v < 0 else 'above'}"),
    "validation.f3.stalls": (f3_stalls, comma),
    "validation.f3.dram_stalls": (f3_dram_stalls, comma),
    "validation.f3.dram_bytes": (lambda s: layer(s["alexnet_compare"], "features.3")["roofline"]["dram_bytes"], comma),
    "validation.f3.dram_cycles":
        (lambda s: layer(s["alexnet_compare"], "features.3")["roofline"]["dram_bound_cycles"], comma),
    "validation.f3.over_scalesim": (f3_layer("sasim_over_scalesim"), f2),
    "validation.f3.over_bound": (f3_layer("sasim_over_bound"), f2),
    "mapper.os_heuristic": (lambda s: s["dataflow_table"][0]["heuristic_cycles"], comma),
    "mapper.os_search": (lambda s: s["dataflow_table"][0]["search_cycles"], comma),
    "mapper.os_speedup": (lambda s: s["dataflow_table"][0]["heuristic_cycles"] / s["dataflow_table"][0]["search_cycles"], f2),
    "mapper.is_heuristic": (lambda s: s["dataflow_table"][1]["heuristic_cycles"], comma),
    "mapper.is_search": (lambda s: s["dataflow_table"][1]["search_cycles"], comma),
    "mapper.is_speedup": (lambda s: s["dataflow_table"][1]["heuristic_cycles"] / s["dataflow_table"][1]["search_cycles"], f2),
    "validation.f3.compute_bound": (lambda s: layer(s["alexnet_compare"], "features.3")["roofline"]["compute_bound_cycles"], comma),
    "validation.f3.spad_cycles": (lambda s: layer(s["alexnet_compare"], "features.3")["roofline"]["spad_bound_cycles"], comma),
    "validation.f3.compulsory_cycles":
        (lambda s: layer(s["alexnet_compare"], "features.3")["roofline"]["compulsory_dram_bound_cycles"], comma),
    "validation.f3.macs_per_compulsory_byte":
        (lambda s: layer(s["alexnet_compare"], "features.3")["roofline"]["macs_per_compulsory_byte"], f1),
    "validation.f3.macs_per_dram_byte":
        (lambda s: layer(s["alexnet_compare"], "features.3")["roofline"]["macs_per_dram_byte"], f1),
    "validation.f3.roof_pct": (lambda s: layer(s["alexnet_compare"], "features.3")["roofline"]["roof_fraction"], pct1),
    "validation.c1.over_scalesim": (lambda s: layer(s["alexnet_compare"], "classifier.1")["sasim_over_scalesim"], f2),
    "validation.c1.over_bound": (lambda s: layer(s["alexnet_compare"], "classifier.1")["sasim_over_bound"], f2),
    "validation.total.over_scalesim": (lambda s: s["alexnet_compare"]["total"]["sasim_over_scalesim"], f3),
    "readme.rn50.search_dram_multiple": (lambda s: dram_multiple(s["rn50_gemmini_search"]), f2),
    "readme.rn50.heuristic_dram_multiple": (lambda s: dram_multiple(s["rn50_gemmini_heuristic"]), f2),
    "readme.rn50.search_utilization": (lambda s: s["rn50_gemmini_search"]["totals"]["utilization"], pct1),
    "readme.rn50.heuristic_utilization": (lambda s: s["rn50_gemmini_heuristic"]["totals"]["utilization"], pct1),
    "roofline.rn50.macs_per_byte": (lambda s: s["rn50_tpu_roofline"]["total"]["macs_per_dram_byte"], f1),
    "roofline.rn50.roof_pct": (lambda s: s["rn50_tpu_roofline"]["total"]["roof_fraction"], pct1),
    "perf.l102.cycles": (lambda s: layer(s["rn50_gemmini_heuristic"], "layer1.0.conv2")["cycles"], comma),
    "perf.l102.macs_m": (lambda s: layer(s["rn50_gemmini_heuristic"], "layer1.0.conv2")["macs"] / 1e6, f1),
    "perf.l102.dram_reads":
        (lambda s: layer(s["rn50_gemmini_heuristic"], "layer1.0.conv2")["traffic"]["dram_read_requests"], comma),
    "perf.l102.spad_row_writes":
        (lambda s: layer(s["rn50_gemmini_heuristic"], "layer1.0.conv2")["traffic"]["spad_row_writes"], comma),
    "perf.rn50.conv_layers": (lambda s: len(rn50_convs(s)), plain),
    "perf.rn50.conv_simulated": (lambda s: sum(1 for l in rn50_convs(s) if not l.get("reused_from")), plain),
    "cost.g16.sram_pct": (lambda s: share(s, "gemmini_16x16", "SRAM"), pct0),
    "cost.g16.mesh_pct": (lambda s: share(s, "gemmini_16x16", "mesh"), pct0),
    "cost.g16.load_dma_pct": (lambda s: share(s, "gemmini_16x16", "load DMA"), pct0),
    "cost.g16.store_dma_pct": (lambda s: share(s, "gemmini_16x16", "store DMA"), pct0),
    "cost.os_pe_nand2": (lambda s: round(design(s, "os_64x64")["pe"]["nand2_eq"]), comma),
    "cost.ws_pe_nand2": (lambda s: round(design(s, "gemmini_16x16")["pe"]["nand2_eq"]), comma),
    # NAND2 equivalents x the 45 nm table's NAND2 area, to the hundred.
    "cost.ws_pe_um2": (lambda s: round(design(s, "gemmini_16x16")["pe"]["nand2_eq"] * nand2_um2_45nm(), -2),
                       lambda v: f"{v:.0f}"),
    "cost.os_over_ws_pct":
        (lambda s: design(s, "os_64x64")["area_mm2"] / design(s, "ws_64x64")["area_mm2"] - 1, pct0),
    "cost.os64.total": (lambda s: design(s, "os_64x64")["area_mm2"], f3),
    "cost.g16.path_ns": (lambda s: design(s, "gemmini_16x16")["timing"]["critical_path_ns"], lambda v: f"{v:,.1f}"),
    "cost.g16.fmax_lib_mhz": (lambda s: design(s, "gemmini_16x16")["timing"]["fmax_lib_mhz"], f2),
    "cost.g16.fmax_mhz": (lambda s: design(s, "gemmini_16x16")["timing"]["fmax_mhz"], f1),
    "cost.ws64.path_ns": (lambda s: design(s, "ws_64x64")["timing"]["critical_path_ns"], lambda v: f"{v:,.1f}"),
    "cost.tiny.path_ns": (lambda s: design(s, "tiny_2x2_ws")["timing"]["critical_path_ns"], lambda v: f"{v:,.1f}"),
    "cost.os64.path_ns": (lambda s: design(s, "os_64x64")["timing"]["critical_path_ns"], lambda v: f"{v:,.0f}"),
    "energy.g16.pj_per_mac": (lambda s: energy(s["rn50_gemmini_search"])["pj_per_mac"], f2),
    "energy.g16.dram_pct": (g16_energy_share("dram_pj"), pct0),
    "energy.g16.acc_pct": (g16_energy_share("accumulator_pj"), pct0),
    "energy.g16.reg_pct": (g16_energy_share("pe_register_pj"), pct0),
    "energy.g16.mac_pct": (g16_energy_share("mac_pj"), pct0),
    "energy.g16.spad_pct": (g16_energy_share("scratchpad_pj"), pct0),
    "energy.g16.power_w": (lambda s: energy(s["rn50_gemmini_search"])["power_w"], f2),
    "energy.tpu.gemm_util_pct": (lambda s: s["energy_checks"]["tpu_gemm"]["totals"]["utilization"], pct0),
    "energy.tpu.onchip_pj_per_mac": (tpu_gemm_onchip_pj_per_mac, f2),
    "energy.tpu.mac_pj": (tpu_gemm_pj_per_mac("mac_pj"), f2),
    "energy.tpu.reg_pj": (tpu_gemm_pj_per_mac("pe_register_pj"), f2),
    "energy.tpu.spad_pj": (tpu_gemm_pj_per_mac("scratchpad_pj"), f2),
    "energy.tpu.acc_pj": (tpu_gemm_pj_per_mac("accumulator_pj"), f2),
    "energy.tpu.dram_pj": (tpu_gemm_pj_per_mac("dram_pj"), f2),
    "energy.tpu.tmacs": (lambda s: tpu_gemm_macs_per_second(s) / 1e12, f1),
    "energy.tpu.onchip_w": (lambda s: tpu_gemm_onchip_pj_per_mac(s) * 1e-12 * tpu_gemm_macs_per_second(s), f1),
    "energy.tpu.rn50_util_pct": (lambda s: s["energy_checks"]["tpu_rn50"]["totals"]["utilization"], pct0),
    "energy.tpu.rn50_pj_per_mac": (lambda s: energy(s["energy_checks"]["tpu_rn50"])["pj_per_mac"], f1),
    "energy.tpu.rn50_dram_share":
        (lambda s: energy(s["energy_checks"]["tpu_rn50"])["dram_pj"] / energy(s["energy_checks"]["tpu_rn50"])["total_pj"],
         quarters),
    "llm.prefill_l1.layers": (lambda s: s["llm_table"]["prefill_l1"]["layers"], comma),
    "llm.prefill_l1.simulated": (lambda s: s["llm_table"]["prefill_l1"]["simulated"], comma),
    "llm.prefill_l1.macs": (lambda s: s["llm_table"]["prefill_l1"]["macs"], comma),
    "llm.prefill_l1.cycles": (lambda s: s["llm_table"]["prefill_l1"]["cycles"], comma),
    "llm.prefill_l1.util": (lambda s: s["llm_table"]["prefill_l1"]["utilization"], pct1),
    "llm.prefill.layers": (lambda s: s["llm_table"]["prefill"]["layers"], comma),
    "llm.prefill.simulated": (lambda s: s["llm_table"]["prefill"]["simulated"], comma),
    "llm.prefill.macs": (lambda s: s["llm_table"]["prefill"]["macs"], comma),
    "llm.prefill.cycles": (lambda s: s["llm_table"]["prefill"]["cycles"], comma),
    "llm.prefill.util": (lambda s: s["llm_table"]["prefill"]["utilization"], pct1),
    "llm.prefill_heuristic.cycles": (lambda s: s["llm_table"]["prefill_heuristic"]["cycles"], comma),
    "llm.decode.layers": (lambda s: s["llm_table"]["decode"]["layers"], comma),
    "llm.decode.simulated": (lambda s: s["llm_table"]["decode"]["simulated"], comma),
    "llm.decode.macs": (lambda s: s["llm_table"]["decode"]["macs"], comma),
    "llm.decode.cycles": (lambda s: s["llm_table"]["decode"]["cycles"], comma),
    "llm.decode.util": (lambda s: s["llm_table"]["decode"]["utilization"], pct1),
    "onnx.bert_products": (lambda s: s["onnx_example"]["bert_products"], plain),
    "onnx.bert_macs": (lambda s: s["onnx_example"]["bert_macs"], comma),
}


def compare_table(s):
    rows = ["| layer | M x N x K | sasim | SCALE-Sim | bound | binds | sasim/SS | sasim/bnd |",
            "|---|---|---|---|---|---|---|---|"]
    j = s["alexnet_compare"]
    for name in ["features.0", "features.3", "classifier.1", "total"]:
        l = layer(j, name)
        g = l["gemm"]
        shape = f"{g['m']}x{g['n']}x{g['k']}" if name != "total" else ""
        label = name if name != "total" else f"total ({len(j['layers'])} layers)"
        rows.append(f"| {label} | {shape} | {l['sasim_cycles']} | {l['scalesim_cycles']} | {l['bound_cycles']} | "
                    f"{l['roofline']['binding_bound']} | {l['sasim_over_scalesim']:.3f} | {l['sasim_over_bound']:.3f} |")
    return "\n".join(rows)


def stall_attribution_table(s):
    rows = ["| cause | the two runs differ in | cycles | extra cycles | booked to the cause |",
            "|---|---|---|---|---|"]
    for r in s["stall_attribution"]:
        extra = r["slow_cycles"] - r["fast_cycles"]
        rows.append(f"| `{r['bucket']}` | {r['what']} | {comma(r['fast_cycles'])} -> {comma(r['slow_cycles'])} | "
                    f"{comma(extra)} | {comma(r['booked'])} ({100 * r['booked'] / extra:.0f} %) |")
    return "\n".join(rows)


def mapper_results_table(s):
    rows = ["| config | workload | heuristic cycles | util | searched cycles | util | speedup | "
            "DRAM bytes / compulsory (heuristic -> searched) | roofline bound | layers slower |",
            "|---|---|---|---|---|---|---|---|---|---|"]
    for r in s["mapper_table"]:
        rows.append(f"| {r['config']} | {r['workload']} | {comma(r['heuristic_cycles'])} | "
                    f"{100 * r['heuristic_utilization']:.1f} % | {comma(r['searched_cycles'])} | "
                    f"{100 * r['searched_utilization']:.1f} % | {r['heuristic_cycles'] / r['searched_cycles']:.2f}x | "
                    f"{r['heuristic_dram_multiple']:.2f} -> {r['searched_dram_multiple']:.2f} | "
                    f"{comma(r['bound_cycles'])} | {r['layers_slower']} |")
    return "\n".join(rows)


def area_table(s):
    rows = ["| config | mesh | execute | load DMA | store DMA | control | SRAM | total at 45 nm |",
            "|---|---|---|---|---|---|---|---|"]
    labels = {"ws_64x64": "ws_64x64 (gemmini_16x16 with a 64x64 array, 1 MiB scratchpad, 256 KiB accumulator)",
              "os_64x64": "os_64x64 (ws_64x64, output-stationary)"}
    for d in s["area_table"]:
        n = d["design"]
        parts = [block_mm2(s, n, b) for b in ("mesh", "execute", "load DMA", "store DMA", "control")]
        rows.append(f"| {labels.get(n, n)} | {parts[0]:.4f} mm2 | " + " | ".join(f"{v:.4f}" for v in parts[1:]) +
                    f" | {d['area']['sram_mm2']:.4f} | {d['area']['area_mm2']:.3f} mm2 |")
    return "\n".join(rows)


def onnx_import_block(s):
    e = s["onnx_example"]
    return "\n".join(["```"] + e["resnet50_summary"] + ["```", "", "```json"] +
                     [l + "," for l in e["resnet50_first_layers"]] + ["```"])


BLOCKS = {
    "cost.area_table": area_table,
    "onnx.resnet50_import": onnx_import_block,
    "mapper.results_table": mapper_results_table,
    "validation.alexnet_compare_table": compare_table,
    "report.stall_attribution_table": stall_attribution_table,
}

MARK = re.compile(r"<!--n:([\w.]+)-->(.*?)<!--/n-->")
CODE_SPAN = re.compile(r"`[^`\n]*`")  # markers shown in inline code (as in docs/reliability.md) are text


def outside_code(text, fn):
    """fn applied to the parts of text that are not inline code spans, the spans kept as they are."""
    out, at = [], 0
    for m in CODE_SPAN.finditer(text):
        out.append(fn(text[at:m.start()]))
        out.append(m.group(0))
        at = m.end()
    out.append(fn(text[at:]))
    return "".join(out)
BLOCK = re.compile(r"^<!--block:([\w.]+)-->\n(.*?)^<!--/block-->$", re.S | re.M)


def run_sources(sasim, needed, quick):
    out = {}
    for name in sorted(needed):
        if SOURCES[name][0] == "@script":
            work = tempfile.mkdtemp(prefix="sasim_doc_numbers_")
            args = ["/usr/bin/python3", os.path.join(ROOT, SOURCES[name][1]), sasim, ROOT, work, "--json"]
            if quick and name in QUICK_SOURCES:
                args.append("--quick")
        else:
            args = [sasim] + SOURCES[name] + ["--format", "json"]
        p = subprocess.run(args, cwd=ROOT, capture_output=True, text=True)
        if SOURCES[name][0] == "@script":
            shutil.rmtree(work, ignore_errors=True)
        if p.returncode != 0:
            sys.exit(f"doc_numbers: {' '.join(args)} exited with {p.returncode}:\n{p.stderr}")
        out[name] = json.loads(p.stdout)
    return out


def sources_of(fn):
    """The SOURCES a key's function reads: found by name in its code and in the code of the module's
    functions it calls (f3_run, f3_stalls, ...), recursively; all of them when none is named."""
    import inspect
    seen, todo, text = set(), [fn], ""
    while todo:
        f = todo.pop()
        if f in seen:
            continue
        seen.add(f)
        code = inspect.getsource(f)
        text += code
        for name, g in globals().items():
            if inspect.isfunction(g) and g not in seen and re.search(r"\b" + name + r"\(", code):
                todo.append(g)
    return {name for name in SOURCES if name in text} or set(SOURCES)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sasim", required=True)
    mode = ap.add_mutually_exclusive_group(required=True)
    mode.add_argument("--check", action="store_true")
    mode.add_argument("--write", action="store_true")
    ap.add_argument("--quick", action="store_true",
                    help="with --check: the sources in QUICK_SOURCES run their fast part; only its rows are checked")
    args = ap.parse_args()
    if args.quick and args.write:
        sys.exit("doc_numbers: --quick checks part of a table; --write needs all of it")
    sasim = os.path.abspath(args.sasim)

    texts = {d: open(os.path.join(ROOT, d), encoding="utf-8").read() for d in DOCS}
    errors, used = [], set()
    for d, t in texts.items():
        t = CODE_SPAN.sub("", t)
        for m in MARK.finditer(t):
            used.add(m.group(1))
            if m.group(1) not in NUMBERS:
                errors.append(f"{d}: unknown number key {m.group(1)}")
        for m in BLOCK.finditer(t):
            used.add(m.group(1))
            if m.group(1) not in BLOCKS:
                errors.append(f"{d}: unknown block key {m.group(1)}")
        if t.count("<!--n:") != t.count("<!--/n-->") or t.count("<!--block:") != t.count("<!--/block-->"):
            errors.append(f"{d}: a marker is not closed")
    for key in sorted(set(NUMBERS) | set(BLOCKS)):
        if key not in used:
            errors.append(f"doc_numbers.py: {key} is used by no doc")
    if errors:
        sys.exit("\n".join(errors))

    needed = set()
    skipped = set()  # --quick: keys of slow sources, left as written
    for key in used:
        srcs = sources_of(NUMBERS[key][0] if key in NUMBERS else BLOCKS[key])
        if args.quick and srcs & SLOW_SOURCES:
            skipped.add(key)
            continue
        needed |= srcs
    s = run_sources(sasim, needed, args.quick)
    values = {k: fmt(fn(s)) for k, (fn, fmt) in NUMBERS.items() if k in used and k not in skipped}
    blocks = {k: fn(s) for k, fn in BLOCKS.items() if k in used and k not in skipped}

    stale = []
    for d, t in texts.items():
        def num(m):
            if m.group(1) in skipped:
                return m.group(0)
            if m.group(2) != values[m.group(1)]:
                stale.append(f"{d}: {m.group(1)}: the doc says {m.group(2)}, sasim gives {values[m.group(1)]}")
            return f"<!--n:{m.group(1)}-->{values[m.group(1)]}<!--/n-->"

        def blk(m):
            if m.group(1) in skipped:
                return m.group(0)
            if args.quick and sources_of(BLOCKS[m.group(1)]) & QUICK_SOURCES:
                # Part of the table was generated: each of its rows must be in the doc as it is.
                have = set(m.group(2).rstrip("\n").split("\n"))
                for line in blocks[m.group(1)].split("\n"):
                    if line not in have:
                        stale.append(f"{d}: block {m.group(1)}: sasim gives the row {line}, not in the doc")
                return m.group(0)
            if m.group(2).rstrip("\n") != blocks[m.group(1)]:
                stale.append(f"{d}: block {m.group(1)} differs from sasim's output")
            return f"<!--block:{m.group(1)}-->\n{blocks[m.group(1)]}\n<!--/block-->"

        new = BLOCK.sub(blk, outside_code(t, lambda part: MARK.sub(num, part)))
        if args.write and new != t:
            with open(os.path.join(ROOT, d), "w", encoding="utf-8") as f:
                f.write(new)
    if args.check and stale:
        print("\n".join(stale))
        print(f"{len(stale)} stale number(s): run scripts/update_docs.sh, then read the prose around them")
        return 1
    print(f"{len(used) - len(skipped)} doc numbers and blocks {'written' if args.write else 'current'}"
          + (f" ({len(skipped)} from slow sources not checked: --quick)" if skipped else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
