// SPDX-License-Identifier: MIT
// `sasim area`: the generated RTL synthesized with Yosys into the OSU 0.18 um standard cells, counted
// hierarchically (one PE synthesized, counted ROWS x COLS times), plus the SRAM macros from the
// technology table (docs/cost.md). Parsing and counting are pure functions, tested directly; run_area
// adds the Yosys run and its cache.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "config/config.h"
#include "config/technology.h"
#include "rtl/area/timing.h"

namespace sasim::rtl {

// Cell name -> area in um2 of every `cell (NAME) { ... area : X; ... }` of a liberty file. Throws
// InputError naming `origin` when the text holds no cell with an area.
std::map<std::string, double> parse_liberty_areas(const std::string& text, const std::string& origin);

// A register file (sasim_regfile.sv) in a synthesized module: a black box there, priced as flip-flops
// with their multiplexers (register_file_um2_per_bit).
struct RegisterFile {
    uint64_t words = 0, bits = 0;
    bool operator==(const RegisterFile& o) const { return words == o.words && bits == o.bits; }
};

// A Yosys module or cell type name as sasim keeps it: without Yosys's leading '\' (a derived
// `$paramod\...` name is kept whole).
inline std::string yosys_name(const std::string& raw) { return !raw.empty() && raw[0] == '\\' ? raw.substr(1) : raw; }

// One module of Yosys's `stat -json`: its cells by type (standard cells and submodule instances), and
// the sizes of its sasim_regfile cells (from Yosys's `dump`, rtl/area/register_files.h; not in stat).
struct ModuleCells {
    std::map<std::string, uint64_t> cells_by_type;
    std::vector<RegisterFile> register_files;
};
// The modules of a `stat -json` output. Names lose Yosys's leading '\', and a derived module
// ($paramod\sasim_queue\DEPTH=...) keeps its full name. Throws InputError naming `origin`.
std::map<std::string, ModuleCells> parse_yosys_stat(const std::string& json_text, const std::string& origin);

// A module with everything below it: standard cells and their liberty area. SRAM black boxes
// (sasim_sram) count nothing and are tallied in `black_boxes`; register files (sasim_regfile) count as
// the cells that register_file_um2_per_bit prices. A cell type that is neither a liberty cell, a module
// nor a black box is an error, and so is a module whose sasim_regfile cells and sizes differ in number.
struct Expanded {
    uint64_t cells = 0;
    double lib_um2 = 0;
    uint64_t black_boxes = 0;
    uint64_t register_file_bits = 0;
};
Expanded expand_module(const std::map<std::string, ModuleCells>& modules, const std::map<std::string, double>& lib,
                       const std::string& module);

// One row of the report.
struct BlockArea {
    std::string name;        // "mesh", "execute", "load DMA", "store DMA", "control", "scratchpad", "accumulator"
    uint64_t cells = 0;      // standard cells (logic blocks)
    double lib_um2 = 0;      // their area in the synthesis library (OSU 0.18 um)
    double nand2_eq = 0;     // lib_um2 / the library's NAND2X1 area
    uint64_t register_file_bits = 0;  // logic blocks: bits in register files, included in cells and lib_um2
    uint64_t bits = 0;       // SRAM blocks: capacity in bits
    double mm2 = 0;          // at the technology: nand2_eq x nand2_um2, or bits x sram_um2_per_bit
};

struct AreaReport {
    std::string config_name, technology, hardware_hash;
    std::string flow;                    // yosys version and the commands, as run
    std::string liberty;                 // path of the liberty file
    std::vector<BlockArea> blocks;
    uint64_t pe_cells = 0;               // one PE
    double pe_nand2_eq = 0;
    uint64_t pes = 0;                    // ROWS x COLS
    uint64_t register_file_bits = 0;     // in all logic blocks
    double logic_mm2 = 0, sram_mm2 = 0, total_mm2 = 0;
    TimingEstimate timing;               // critical path and fmax (OpenSTA; `computed` false without it)
    double synth_seconds = 0;            // of the Yosys run (0 when cached)
    bool cached = false;
};

// The report from a synthesized design's modules: blocks by module, SRAMs from the config and table.
AreaReport area_from_modules(const Config& cfg, const TechTable& tech, const std::map<std::string, ModuleCells>& modules,
                             const std::map<std::string, double>& lib);

struct AreaOptions {
    std::string technology;  // table name; empty: the config's
    std::string cache_dir;   // empty: $SASIM_AREA_CACHE, else $XDG_CACHE_HOME/sasim/area, else ~/.cache/sasim/area
    std::string liberty = "/usr/share/qflow/tech/osu018/osu018_stdcells.lib";
    bool quiet = false;      // no progress on stderr
    unsigned jobs = 0;       // Yosys processes at a time (the design's parts, synthesis.h); 0: the machine's cores
};

// Synthesizes cfg's RTL with yosys (cached by hardware hash and flow), times the netlist with OpenSTA
// (cached too) and returns the report.
AreaReport run_area(const Config& cfg, const AreaOptions& opt);

nlohmann::json area_to_json(const AreaReport& r);
std::string area_to_text(const AreaReport& r);

}  // namespace sasim::rtl
