// SPDX-License-Identifier: MIT
// Input loading shared by the analysis commands (roofline, estimate, compare).
#pragma once
#include <string>

#include "config/config.h"
#include "workload/workload.h"

namespace sasim::analysis {

struct Inputs {
    Config cfg;
    Workload wl;
    bool has_workload = false;
};

// Reads a config (sasim JSON, or a SCALE-Sim .cfg converted by sasim_config_from_scalesim) and, when
// `workload_path` is not empty, a workload. Throws one InputError listing every problem of both files.
Inputs load_inputs(const std::string& config_path, const std::string& workload_path);

}  // namespace sasim::analysis
