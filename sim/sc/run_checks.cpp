// SPDX-License-Identifier: MIT
// What run_workload checks before it elaborates: every layer can be tiled, and fits the memory limit.
#include <fmt/format.h>

#include "common/errors.h"
#include "compiler/compiler.h"
#include "compiler/memory_estimate.h"
#include "sc/simulator.h"

namespace sasim::sc {

std::vector<std::string> check_mappable(const Config& cfg, const Workload& wl) {
    std::vector<std::string> out;
    for (const Layer& layer : wl.layers) {
        if (layer.kind == LayerKind::Other) continue;
        try {
            const LayerLayout lay = plan_layout(layer, cfg);
            const uint32_t kmax = cfg.array.dataflow == Dataflow::OS ? cfg.derived.spad_row_elems : cfg.array.rows;
            const size_t chunks = lay.is_conv ? make_chunks_conv(lay.conv_positions, lay.conv_in_c_per_group, kmax).size()
                                              : make_chunks_gemm(lay.view.k, kmax).size();
            (void)plan_tiles(cfg, lay.view.count, lay.view.m, lay.view.n, chunks);
        } catch (const InputError& e) {
            for (const auto& l : e.lines()) out.push_back(fmt::format("{} (layer {} at {})", l, layer.name, layer.origin));
        }
    }
    return out;
}

std::vector<std::string> check_memory(const Config& cfg, const Workload& wl, const MemoryNeeds& needs,
                                      uint64_t max_memory_bytes) {
    std::vector<std::string> out;
    if (max_memory_bytes == UINT64_MAX) return out;
    for (const Layer& layer : wl.layers) {
        if (layer.kind == LayerKind::Other) continue;
        const MemoryEstimate e = estimate_layer_memory(layer, cfg, needs);
        const bool check = needs.values && needs.check;
        if (e.total_bytes <= max_memory_bytes) continue;
        out.push_back(fmt::format(
            "{}: layer {} needs about {} to simulate, more than --max-memory {} (program {} of {} instructions; "
            "DRAM image {}; operands {}{}); {}or raise --max-memory",
            layer.origin, layer.name, format_bytes(e.total_bytes), format_bytes(max_memory_bytes),
            format_bytes(e.program_bytes), fmt::group_digits(e.instructions), format_bytes(e.image_bytes),
            format_bytes(e.tensor_bytes), check ? "; reference outputs " + format_bytes(e.reference_bytes) : "",
            check ? "--timing-only (no reference outputs) may help, " : ""));
    }
    return out;
}

}  // namespace sasim::sc
