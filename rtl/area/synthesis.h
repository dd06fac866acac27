// SPDX-License-Identifier: MIT
// The Yosys run of `sasim area`, in parts that run in parallel (docs/cost.md, "How"): the load DMA, the
// store DMA and the mesh are each synthesized on their own, and the rest of the design with those three
// as black boxes. (A part of its own for the load DMA's address generator made the 2-core total longer.) Each part writes its `stat -json` and its netlist; they are merged into one of each.
// Splitting the parts, writing their scripts and merging their outputs are pure functions, tested
// directly; run_synthesis runs the processes.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "config/config.h"
#include "rtl/area/area.h"

namespace sasim::rtl {

// One Yosys run: `top` and everything below it, except the `black_boxes` (synthesized by other parts).
struct SynthesisPart {
    std::string name;                     // "load_dma", "store_dma", "rest", "mesh"
    std::string top;
    std::vector<std::string> black_boxes;
};

// The parts of cfg's design, the longest first as measured at 64x64 (os_64x64: load DMA 81 s, mesh 59 s,
// store DMA 36 s, the rest 26 s), so that two processes finish close together. The mesh part is the
// dataflow's mesh.
std::vector<SynthesisPart> synthesis_parts(const Config& cfg);

// The outputs of one part (paths relative to its directory): cell counts, register-file sizes, netlist.
struct PartOutputs {
    std::string stat, register_files, netlist;
};

// The Yosys script of one part: read `files` (packages first), elaborate `part.top`, turn the black
// boxes into black boxes, then `flow` (its STAT, REGFILES and NETLIST replaced by the paths).
std::string part_script(const std::vector<std::string>& files, const SynthesisPart& part, const std::string& flow,
                        const PartOutputs& out);

// One part's outputs as text, each named by its origin for errors.
struct PartResult {
    std::string origin;
    std::string stat_json;        // Yosys's `stat -json`
    std::string register_files;   // Yosys's `dump -m t:sasim_regfile` (rtl/area/register_files.h)
    std::string register_files_origin;  // its file, for errors (default: origin)
};

// The modules of all parts' outputs, with their register files. A module that two parts both
// synthesized must have the same cells and register files in both; otherwise SimulationError.
std::map<std::string, ModuleCells> merge_stats(const std::vector<PartResult>& parts);

// The merged modules as `stat -json` text that parse_yosys_stat reads back ("creator": `creator`).
std::string stat_json_text(const std::map<std::string, ModuleCells>& modules, const std::string& creator);

// The parts' netlists as one: every module definition once (the first part's, when two parts wrote one).
std::string merge_netlists(const std::vector<std::string>& netlists);

// The netlist text without the definition of `module` (from its `module <name>(` line to its
// `endmodule`), so that OpenSTA links every instance of it as a black box. Throws SimulationError naming
// `origin` when the netlist does not define it.
std::string netlist_without_module(const std::string& netlist, const std::string& module, const std::string& origin);

struct SynthesisRun {
    std::string stat_json;   // merged, as stat_json_text writes it
    std::string netlist;     // merged
    std::string creator;     // Yosys's version line
    double seconds = 0;      // wall time of all parts
};

// Runs the parts of cfg's generated RTL with yosys in `work_dir`, at most `jobs` at a time (each within
// half of the machine's memory divided by jobs). Throws SimulationError naming the failed part and its
// log, which is copied to `failed_log`.
SynthesisRun run_synthesis(const Config& cfg, const std::string& flow, const std::string& work_dir, unsigned jobs,
                           const std::string& failed_log, bool quiet);

}  // namespace sasim::rtl
