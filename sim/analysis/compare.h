// SPDX-License-Identifier: MIT
// `sasim compare`: per layer, the simulated cycles next to SCALE-Sim's estimate and the roofline bound
// (docs/validation.md explains the differences).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "analysis/scalesim_estimate.h"
#include "config/config.h"
#include "model/roofline.h"
#include "model/stats.h"
#include "workload/workload.h"

namespace sasim::analysis {

struct CompareRow {
    std::string name;
    GemmView gemm;                  // the layer as sasim runs it
    uint64_t macs = 0;              // sasim's MACs
    uint64_t sasim_cycles = 0;      // simulated
    uint64_t scalesim_cycles = 0;   // SCALE-Sim v2 CALC estimate (sum over its rows for this layer)
    uint64_t scalesim_macs = 0;     // the MACs SCALE-Sim counts
    uint64_t scalesim_rows = 0;     // SCALE-Sim layers this layer became (a "DP" layer: one per channel)
    model::RooflineBounds bounds;   // roofline bounds of the simulated layer
    std::string note;               // where SCALE-Sim's GEMM differs from sasim's, or a violated bound
};

struct Comparison {
    std::vector<CompareRow> rows;   // one per simulated layer, workload order
    CompareRow total;               // sums; bounds as model::total_bounds
    bool bounds_hold = true;        // every layer: cycles >= compute, DRAM and spad bounds
};

// `stats` is the result of sc::run_workload(cfg, wl, ...).
Comparison compare(const Config& cfg, const Workload& wl, const std::vector<model::LayerStats>& stats);

}  // namespace sasim::analysis
