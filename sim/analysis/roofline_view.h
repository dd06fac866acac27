// SPDX-License-Identifier: MIT
// Layers placed on a config's roofline, for `sasim roofline` and its plot: either from a simulation
// (intensity of the bytes actually moved, attained throughput) or analytically (intensity of the compulsory
// bytes, throughput = the roof there). Also the JSON that scripts/plot_roofline.py draws.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "config/config.h"
#include "model/roofline.h"
#include "model/stats.h"
#include "workload/workload.h"

namespace sasim::analysis {

struct PlacedLayer {
    std::string name;
    bool simulated = false;        // true: measured traffic and cycles; false: compulsory traffic, no cycles
    model::RooflineBounds bounds;  // analytic: dram_* from compulsory bytes, spad 0, cycles 0
    double ops_per_byte = 0;       // x of the point: ops per DRAM byte
    double tops = 0;               // y of the point: attained (simulated) or the roof (analytic)
};

// From a simulation: one point per simulated layer.
std::vector<PlacedLayer> place_simulated(const Config& cfg, const std::vector<model::LayerStats>& layers);
// Without simulating: the conv and gemm layers at their compulsory intensity (DRAM layout of the compiler).
std::vector<PlacedLayer> place_analytic(const Config& cfg, const Workload& wl);

// The input of scripts/plot_roofline.py (keys documented in the script).
nlohmann::json roofline_plot_json(const Config& cfg, const Workload* wl, const std::vector<PlacedLayer>& layers);

}  // namespace sasim::analysis
