// SPDX-License-Identifier: MIT
#include "analysis/compare.h"

#include <fmt/format.h>

namespace sasim::analysis {

Comparison compare(const Config& cfg, const Workload& wl, const std::vector<model::LayerStats>& stats) {
    const model::MachineRoof roof = model::machine_roof(cfg);
    const std::vector<ScalesimEstimate> est = estimate_workload(scalesim_array(cfg), wl);
    Comparison c;
    c.total.name = "total";
    for (size_t i = 0; i < stats.size() && i < wl.layers.size(); ++i) {
        const model::LayerStats& s = stats[i];
        if (!s.simulated) continue;
        CompareRow row;
        row.name = s.name;
        row.gemm = s.gemm;
        row.macs = s.macs;
        row.sasim_cycles = s.cycles;
        row.bounds = model::layer_bounds(roof, s);
        const ScalesimEstimate* first = nullptr;
        for (const ScalesimEstimate& e : est) {
            if (e.layer.layer_index != i) continue;
            if (first == nullptr) first = &e;
            row.scalesim_cycles += e.total_cycles;
            row.scalesim_macs += e.macs;
            ++row.scalesim_rows;
        }
        std::vector<std::string> notes;
        if (row.scalesim_rows > 1) {
            notes.push_back(fmt::format("SCALE-Sim: {} one-channel layers (\"DP\" in the name)", row.scalesim_rows));
        } else if (first != nullptr && row.scalesim_macs != row.macs) {
            const ScalesimGemm& g = first->layer.gemm;
            notes.push_back(fmt::format("SCALE-Sim GEMM {}x{}x{} (ceil output size), {} MACs", g.m, g.n, g.k,
                                        row.scalesim_macs));
        }
        if (row.sasim_cycles < row.bounds.bound_cycles) {
            notes.push_back(fmt::format("BELOW the {} bound", model::to_string(row.bounds.binding)));
            c.bounds_hold = false;
        }
        for (const std::string& n : notes) row.note += (row.note.empty() ? "" : "; ") + n;
        c.total.macs += row.macs;
        c.total.sasim_cycles += row.sasim_cycles;
        c.total.scalesim_cycles += row.scalesim_cycles;
        c.total.scalesim_macs += row.scalesim_macs;
        c.total.scalesim_rows += row.scalesim_rows;
        c.rows.push_back(std::move(row));
    }
    c.total.bounds = model::total_bounds(roof, stats);
    return c;
}

}  // namespace sasim::analysis
