// SPDX-License-Identifier: MIT
// Subcommands of the sasim CLI. Each one registers its options on the app and returns the action to run
// when it was chosen. Actions throw sasim errors; main() turns them into exit codes.
#pragma once
#include <functional>
#include <string>

#include <CLI/CLI.hpp>

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

// A default path is looked up in the working directory first, then in the source tree.
std::string resolve_default(const std::string& path, const std::string& fallback_rel);

// Writes `text` to `path` through a temporary file and a rename, so readers never see half a file.
void write_file_atomic(const std::string& path, const std::string& text);

}  // namespace sasim::cli
