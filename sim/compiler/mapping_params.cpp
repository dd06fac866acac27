// SPDX-License-Identifier: MIT
// A mapping's vocabulary: names, the one-line description, the P/Q view of a layer and its layout.
#include <algorithm>

#include <fmt/format.h>

#include "common/errors.h"
#include "compiler/mapping.h"

namespace sasim {

const char* to_string(LoopOrder o) { return o == LoopOrder::PQ ? "PQ" : "QP"; }
const char* to_string(Im2col i) { return i == Im2col::Dram ? "dram" : "chip"; }

std::string describe(const Mapping& m) {
    return fmt::format("{} p={} q={} k={} g={}{}{}{}", to_string(m.order), m.tile_p, m.tile_q,
                       m.k_groups == 0 ? std::string("all") : std::to_string(m.k_groups), m.group,
                       m.im2col == Im2col::Chip ? " im2col=chip" : "",
                       m.pack > 1 ? fmt::format(" pack={}", m.pack) : std::string(),
                       m.gemms_inner ? " gemms-inner" : "");
}

PqDims pq_dims(const LayerLayout& lay, const Config& cfg) {
    PqDims d;
    const Dataflow df = cfg.array.dataflow;
    d.p = df == Dataflow::IS ? lay.view.n : lay.view.m;
    d.q = df == Dataflow::IS ? lay.view.m : lay.view.n;
    d.q_block = static_cast<uint32_t>(std::min<uint64_t>(cfg.array.cols, d.q));
    d.p_block = df == Dataflow::OS ? static_cast<uint32_t>(std::min<uint64_t>(cfg.array.rows, d.p)) : 0;
    d.kmax = df == Dataflow::OS ? cfg.derived.spad_row_elems : cfg.array.rows;
    return d;
}

const char* resident_operand(LoopOrder o, Dataflow df) {
    const bool p_is_input = df != Dataflow::IS;
    return (o == LoopOrder::PQ) == p_is_input ? "inputs" : "weights";
}

LayerLayout mapped_layout(const Layer& layer, const Config& cfg, const Mapping& map) {
    const uint64_t groups = layer.kind == LayerKind::Conv ? layer.conv.groups : 1;
    if (map.pack == 0 || groups % map.pack != 0) {
        const std::string where = cfg.source_path.empty() ? std::string("config") : cfg.source_path;
        throw InputError(fmt::format("{}: mapping {} does not fit: pack must divide the layer's {} groups", where,
                                     describe(map), groups));
    }
    return plan_layout(layer, cfg, map.pack);
}

}  // namespace sasim
