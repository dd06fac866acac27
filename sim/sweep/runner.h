// SPDX-License-Identifier: MIT
// Running a sweep: each point is its own `sasim run` process (SystemC elaborates once per process),
// `jobs` at a time. Finished points are skipped, so running the same command again resumes.
#pragma once
#include <ostream>
#include <string>

#include "sweep/spec.h"

namespace sasim::sweep {

struct RunnerOptions {
    std::string exe;            // the sasim binary to run points with ("/proc/self/exe": this very binary)
    std::string dir;            // the sweep directory (created)
    unsigned jobs = 1;          // points run at the same time
    Shard shard;                // which points this process runs
    bool retry_failed = false;  // run failed points again (by default they count as done)
    bool progress_bar = false;  // redraw one progress line (a terminal) instead of printing lines
    bool quiet = false;         // no progress output at all
    // Memory the running points may take together (UINT64_MAX: no limit). A point starts only when its
    // estimate (compiler/memory_estimate.h) fits beside the running ones, and it runs with this as its
    // --max-memory, so a point too big for the machine fails with the run's message instead of starting.
    uint64_t max_memory_bytes = UINT64_MAX;
};

struct RunnerSummary {
    size_t total = 0;    // points in this shard
    size_t skipped = 0;  // already done before this run
    size_t ran = 0;      // run now
    size_t failed = 0;   // failed points (now or before) among the total
    size_t finished = 0; // done points of the shard after this run
    double seconds = 0;  // wall time of this run
};

// Runs the points of `sweep` in `opt.shard` that are not done yet, appending each to results.csv and
// points.jsonl as it finishes, then rewrites both in point order. Progress goes to `log`.
RunnerSummary run_sweep(const Sweep& sweep, const RunnerOptions& opt, std::ostream& log);

}  // namespace sasim::sweep
