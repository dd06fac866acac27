// SPDX-License-Identifier: MIT
// The mapper's parallel search (RunOptions::search_jobs; docs/mapper.md, "Parallel search"). SystemC
// elaborates once per process, so parallelism means processes: before the caller elaborates its own model,
// forked workers (each with its own elaboration) search the distinct layer shapes that the mapper cache does
// not hold and send every choice back as one JSON line on a pipe. The caller then runs only the chosen
// programs, and checks that each takes exactly the cycles its worker measured.
#pragma once
#include <map>
#include <string>

#include "compiler/mapping_cache.h"
#include "sc/simulator.h"

namespace sasim::sc {

struct PresearchedChoice {
    CachedChoice choice;        // what the worker chose, with the cycles it measured
    double search_seconds = 0;  // the worker's wall time on this shape
};

// Searches, in `workers` processes, one layer of every shape in `wl` that the cache (opt.mapper_cache_dir)
// does not hold; returns the choices by mapper_shape_key. Reports progress through opt.search_progress.
// Throws the first worker's error (InputError or SimulationError) after stopping the others.
std::map<std::string, PresearchedChoice> presearch(const Config& cfg, const Workload& wl, const RunOptions& opt,
                                                   unsigned workers);

}  // namespace sasim::sc
