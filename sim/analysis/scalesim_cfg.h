// SPDX-License-Identifier: MIT
// Reader for SCALE-Sim architecture files (.cfg, INI as Python's configparser reads it), so SCALE-Sim users
// can pass their files unchanged. Only the keys sasim uses are read; other sections and keys (v2 and v3:
// offsets, MemoryBanks, [layout], [sparsity], Ramulator keys...) are ignored, as SCALE-Sim ignores keys it
// does not know. Format and conversion rules: docs/validation.md.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "config/config.h"

namespace sasim::analysis {

struct ScalesimCfg {
    std::string path;                 // file it was read from
    std::string run_name;             // [general] run_name ("" when absent)
    uint32_t array_height = 0;        // [architecture_presets] ArrayHeight: PE rows (R)
    uint32_t array_width = 0;         // ArrayWidth: PE columns (C)
    uint64_t ifmap_sram_kb = 0;       // IfmapSramSzkB, KiB of 1-byte words
    uint64_t filter_sram_kb = 0;      // FilterSramSzkB, KiB
    uint64_t ofmap_sram_kb = 0;       // OfmapSramSzkB, KiB
    Dataflow dataflow = Dataflow::WS; // Dataflow: os, ws or is
    bool user_bandwidth = false;      // [run_presets] InterfaceBandwidth: USER (true) or CALC (false, default)
    std::vector<uint64_t> bandwidth;  // Bandwidth: DRAM words (bytes) per cycle, comma list; v2 uses the first
};

// True when `path` names a SCALE-Sim .cfg file (by extension, case-insensitive).
bool is_scalesim_cfg_path(const std::string& path);

// Reads and checks a .cfg file. Throws InputError listing every problem, one line each:
// "<file>:<line>: <key>: <problem>" (a missing key names the line of its section header, or line 1).
ScalesimCfg load_scalesim_cfg(const std::string& path);
// The same, from text already in memory; `origin` names the source in messages.
ScalesimCfg parse_scalesim_cfg(const std::string& origin, const std::string& text);

// A sasim Config for the same array (docs/validation.md, "SCALE-Sim .cfg files"): R x C, dataflow, int8;
// scratchpad = IFMAP + FILTER SRAM and accumulator = OFMAP SRAM (each rounded down to whole rows and banks);
// DRAM = Bandwidth[0] bytes per cycle (10 when absent) at a 1 GHz clock; other keys take their defaults.
Config sasim_config_from_scalesim(const ScalesimCfg& s);

// A config from either kind of file: a .cfg converted as above, anything else through load_config.
Config load_any_config(const std::string& path);

}  // namespace sasim::analysis
