// SPDX-License-Identifier: MIT
// Subcommands of the sasim CLI. Each one registers its options on the app and returns the action to run
// when it was chosen. Actions throw sasim errors; main() turns them into exit codes.
#pragma once
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "compiler/mapping_file.h"
#include "onnx/onnx_import.h"
#include "report/report.h"

namespace sasim::cli {

// The whole command line: parses argv, runs the chosen subcommand, prints errors as one line each on
// stderr and returns the exit code (0, 1 a check failed, 2 bad input, 3 simulation error). SystemC
// elaborates once per process, so a process runs at most one simulating command.
int cli_main(int argc, char** argv);

struct Command {
    CLI::App* app = nullptr;
    std::function<int()> run;  // returns the exit code (0 ok, 1 check failed)
};

Command add_run_command(CLI::App& app);
Command add_roofline_command(CLI::App& app);   // cmd_roofline.cpp
Command add_estimate_command(CLI::App& app);   // cmd_estimate.cpp
Command add_compare_command(CLI::App& app);    // cmd_compare.cpp
Command add_import_command(CLI::App& app);     // cmd_import.cpp (ONNX front end)
Command add_sweep_command(CLI::App& app);      // cmd_sweep.cpp (design-space sweeps)
Command add_rtl_command(CLI::App& app);        // cmd_rtl.cpp (generated Verilog; model vs RTL cross-check)
Command add_map_command(CLI::App& app);        // cmd_map.cpp (mapping search, mapping files)
Command add_area_command(CLI::App& app);       // cmd_area.cpp (area from Yosys synthesis)
Command add_workload_command(CLI::App& app);   // cmd_workload.cpp (generated traces: `workload llm`)

// The ONNX import options (`sasim import`, and `sasim run` on an .onnx workload): docs/onnx.md.
struct OnnxArgs {
    std::vector<std::string> input_shapes;  // NAME:D0xD1x...
    std::vector<std::string> input_values;  // NAME=V[,V...]
    std::vector<std::string> if_branches;   // NODE=then|else
    bool allow_partial = false;
    bool any() const { return !input_shapes.empty() || !input_values.empty() || !if_branches.empty() || allow_partial; }
};
void add_onnx_options(CLI::App* cmd, OnnxArgs& args);
// Parses them, reporting every bad one in one InputError.
onnx_import::ImportOptions onnx_import_options(const OnnxArgs& args);

// The mapper cache directory when none is given: $SASIM_MAPPER_CACHE, else $XDG_CACHE_HOME/sasim or
// ~/.cache/sasim, else "" (no cache).
std::string default_mapper_cache_dir();
// Adds --mapper-cache DIR (with "none" to switch the cache off) to a command.
void add_mapper_cache_option(CLI::App* cmd, std::string& dir);
// Adds -j,--jobs N (processes searching layer shapes at once; sc::RunOptions::search_jobs) to a command.
void add_search_jobs_option(CLI::App* cmd, unsigned& jobs);
// The progress line of a parallel search on stderr ("[mapper] 5/23 layer shapes searched, 2 workers"), or an
// empty function when stderr is not a terminal or `quiet`.
std::function<void(size_t, size_t, unsigned)> search_progress_printer(bool quiet);

// The replay table of a mapping file for `wl` on `cfg`: throws InputError naming the file and the layer
// when a layer is not in the workload, is not a conv/gemm layer, or its mapping does not fit the config.
std::map<std::string, Mapping> replay_mappings(const MappingFile& f, const std::string& path, const Config& cfg,
                                               const Workload& wl);

// Prints the config's notes (a capacity rounded down to whole rows, config.h) on stderr: "note: <path>: ...".
void print_config_notes(const Config& cfg, const std::string& path);

// A default path is looked up in the working directory first, then in the source tree.
std::string resolve_default(const std::string& path, const std::string& fallback_rel);

// Runs every reader in turn and collects the lines of the InputErrors they throw, so that all problems of
// all inputs are reported together; throws one InputError with all of them.
void read_all_inputs(const std::vector<std::function<void()>>& readers);

// Prints one "check FAILED" line per layer whose values differ from the reference to stderr and returns
// the exit code: 0 when every check passed (or checking was off), 1 otherwise.
int check_exit_code(const report::RunReport& rep);

}  // namespace sasim::cli
