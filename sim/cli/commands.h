// SPDX-License-Identifier: MIT
// Subcommands of the sasim CLI. Each one registers its options on the app and returns the action to run
// when it was chosen. Actions throw sasim errors; main() turns them into exit codes.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "report/report.h"

namespace sasim::cli {

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

// A default path is looked up in the working directory first, then in the source tree.
std::string resolve_default(const std::string& path, const std::string& fallback_rel);

// Runs every reader in turn and collects the lines of the InputErrors they throw, so that all problems of
// all inputs are reported together; throws one InputError with all of them.
void read_all_inputs(const std::vector<std::function<void()>>& readers);

// Prints one "check FAILED" line per layer whose values differ from the reference to stderr and returns
// the exit code: 0 when every check passed (or checking was off), 1 otherwise.
int check_exit_code(const report::RunReport& rep);

// Writes `text` to `path` through a temporary file and a rename, so readers never see half a file.
void write_file_atomic(const std::string& path, const std::string& text);

}  // namespace sasim::cli
