// SPDX-License-Identifier: MIT
#include "analysis/roofline_view.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "compiler/layout.h"
#include "report/roofline_fields.h"

namespace sasim::analysis {

std::vector<PlacedLayer> place_simulated(const Config& cfg, const std::vector<model::LayerStats>& layers) {
    const model::MachineRoof roof = model::machine_roof(cfg);
    std::vector<PlacedLayer> out;
    for (const model::LayerStats& l : layers) {
        if (!l.simulated) continue;
        PlacedLayer p;
        p.name = l.name;
        p.simulated = true;
        p.bounds = model::layer_bounds(roof, l);
        p.ops_per_byte = p.bounds.ops_per_dram_byte;
        p.tops = p.bounds.attained_tops;
        out.push_back(p);
    }
    return out;
}

std::vector<PlacedLayer> place_analytic(const Config& cfg, const Workload& wl) {
    const model::MachineRoof roof = model::machine_roof(cfg);
    std::vector<PlacedLayer> out;
    for (const Layer& layer : wl.layers) {
        if (layer.kind == LayerKind::Other) continue;
        const LayerLayout lay = plan_layout(layer, cfg);
        // A layer that moved exactly its compulsory bytes: the bounds of model::layer_bounds for that traffic.
        model::LayerStats st;
        st.name = layer.name;
        st.simulated = true;
        st.macs = lay.view.macs();
        st.compulsory_bytes = lay.input_bytes + lay.weights_bytes + lay.output_bytes + lay.residual_bytes;
        st.traffic.dram_read_bytes = lay.input_bytes + lay.weights_bytes + lay.residual_bytes;
        st.traffic.dram_write_bytes = lay.output_bytes;
        PlacedLayer p;
        p.name = layer.name;
        p.bounds = model::layer_bounds(roof, st);
        p.ops_per_byte = p.bounds.ops_per_dram_byte;
        p.tops = p.bounds.roof_tops;
        out.push_back(p);
    }
    return out;
}

nlohmann::json roofline_plot_json(const Config& cfg, const Workload* wl, const std::vector<PlacedLayer>& layers) {
    nlohmann::json j;
    j["config"] = cfg.name;
    j["array"] = fmt::format("{}x{} {}, {} MHz", cfg.array.rows, cfg.array.cols, to_string(cfg.array.dataflow),
                             cfg.clock_mhz);
    j["workload"] = wl != nullptr ? wl->name : "";
    j["machine"] = report::machine_json(cfg);
    const bool simulated = !layers.empty() && layers.front().simulated;
    j["placement"] = layers.empty() ? "none" : (simulated ? "simulated" : "analytic");
    nlohmann::json arr = nlohmann::json::array();
    for (const PlacedLayer& p : layers) {
        if (!std::isfinite(p.ops_per_byte) || p.ops_per_byte <= 0 || p.tops <= 0) continue;  // not drawable
        arr.push_back({{"name", p.name},
                       {"ops_per_byte", p.ops_per_byte},
                       {"tops", p.tops},
                       {"roof_tops", p.bounds.roof_tops},
                       {"binding", model::to_string(p.bounds.binding)}});
    }
    j["layers"] = arr;
    return j;
}

}  // namespace sasim::analysis
