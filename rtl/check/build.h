// SPDX-License-Identifier: MIT
// The Verilator side of `sasim rtl check`: a cache of verilated harness builds, one per hardware (the
// config values that change the RTL), and running the harness on one layer.
#pragma once
#include <string>

#include "config/config.h"
#include "rtl/check/case_file.h"
#include "rtl/generator/generator.h"
#include "sc/simulator.h"

namespace sasim::rtl {

struct BuildOptions {
    std::string cache_dir;   // "" = $SASIM_RTL_CACHE, else $XDG_CACHE_HOME/sasim/rtl, else ~/.cache/sasim/rtl
    std::string source_dir;  // sasim source tree with rtl/harness and sim/ ("" = the tree sasim was built from)
    bool quiet = false;      // no notes on stderr (cache use); the one-line build note is printed regardless
    GenerateOptions generate; // deliberate RTL faults (tests of the checker only)
};

// Widens `opt`'s loads (GenerateOptions::min_row_bytes, min_pieces) to the widest LOAD of `program`: its
// DRAM row bytes and, for LOAD_IM2COL, its pieces. Never narrows them.
void fit_loads(const Config& cfg, const Program& program, GenerateOptions& opt);

// The cache directory BuildOptions resolves to (not created). Throws InputError when none can be found.
std::string resolve_cache_dir(const BuildOptions& opt);

// Returns the path of a verilated harness for cfg's hardware, building it first unless
// <cache>/<hardware_hash>/ holds one built from the same generated RTL and the same harness sources.
// Builds go to a temporary directory renamed into place, so concurrent checks never see half a build.
// Throws InputError when verilator is not on PATH or the source tree lacks the harness, SimulationError
// (naming build.log and quoting its last 20 lines) when the build fails.
std::string ensure_harness(const Config& cfg, const BuildOptions& opt);

struct HarnessOptions {
    CaseSettings settings;   // DRAM timing, watchdog, read perturbation written into the case file
    std::string vcd_path;    // "" = no VCD; else the harness writes the RTL waveform here
    bool drop_token = false; // fault test: the RTL runs the program without the first LOAD's signal_next
    std::string keep_case_dir; // "" = temporary; else the case file is also copied here as <layer>.case
};

// Runs `harness` on one layer the model ran (program and initial image of `layer`): writes the case file
// into a fresh temporary directory, runs the harness, parses its result and removes the directory. A hung
// RTL (the harness exits 3 with a watchdog report) is a result with `hung` set. Throws SimulationError
// (keeping the directory and naming it) when the harness fails otherwise or writes a malformed result.
HarnessResult run_harness(const std::string& harness, const sc::LayerTrace& layer, const HarnessOptions& opt);

}  // namespace sasim::rtl
