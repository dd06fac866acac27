// SPDX-License-Identifier: MIT
#include "analysis/inputs.h"

#include <vector>

#include "analysis/scalesim_cfg.h"
#include "common/errors.h"

namespace sasim::analysis {

Inputs load_inputs(const std::string& config_path, const std::string& workload_path) {
    Inputs in;
    std::vector<std::string> problems;
    try {
        in.cfg = load_any_config(config_path);
    } catch (const InputError& e) {
        problems.insert(problems.end(), e.lines().begin(), e.lines().end());
    }
    if (!workload_path.empty()) {
        try {
            in.wl = load_workload(workload_path);
            in.has_workload = true;
        } catch (const InputError& e) {
            problems.insert(problems.end(), e.lines().begin(), e.lines().end());
        }
    }
    if (!problems.empty()) throw InputError(problems);
    return in;
}

}  // namespace sasim::analysis
