// SPDX-License-Identifier: MIT
// Small POSIX helpers for the tools sasim drives (Verilator, Yosys): running a program with its output
// captured in a log file, finding programs on PATH, temporary directories, cache directories, and the
// tail of a log for error messages. No SystemC here: `sasim area` links this without the simulator.
#pragma once
#include <string>

#include "common/hash.h"
#include <utility>
#include <vector>

namespace sasim::rtl {

// Runs argv[0] (looked up on PATH when it has no '/') with the given arguments and extra environment
// variables, its stdout and stderr written to `log_path` (truncated first). Returns the exit status, or
// 128 + the signal number when a signal killed it, or 127 when exec failed. Throws SimulationError when
// the program is not on PATH or cannot be started.
int run_process(const std::vector<std::string>& argv, const std::string& log_path,
                const std::vector<std::pair<std::string, std::string>>& env = {});

// The full path of `name` on PATH, or "" when it is not there.
std::string find_on_path(const std::string& name);

// Creates a fresh directory `<parent>/<prefix>XXXXXX` and returns its path; throws SimulationError.
std::string make_temp_dir(const std::string& parent, const std::string& prefix);

// The cache directory for one tool's results (not created): `override` when given, else $<env_var>, else
// $XDG_CACHE_HOME/sasim/<subdir>, else ~/.cache/sasim/<subdir>. `what` names the command in the message
// of the InputError thrown when none can be found (HOME unset).
std::string resolve_cache_dir(const std::string& override_dir, const char* env_var, const std::string& subdir,
                              const std::string& what, const std::string& flag = "--cache-dir");

// The last `n` lines of a text file, each prefixed with "  | " (for quoting logs in messages).
std::string tail_lines(const std::string& path, size_t n);

// Cache stamps use the FNV-1a hash of common/hash.h.
using sasim::fnv1a;
using sasim::fnv1a_hex;

}  // namespace sasim::rtl
