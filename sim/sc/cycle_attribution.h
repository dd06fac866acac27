// SPDX-License-Identifier: MIT
// Where a layer's cycles went (docs/report.md, "cycle_breakdown"): each cycle of [begin, end) goes to the
// first cause that applies, in the documented order of precedence, from the intervals the units recorded.
#pragma once
#include <cstdint>
#include <vector>

#include "model/dram_timing.h"
#include "model/stats.h"
#include "sc/layer_context.h"

namespace sasim::sc {

model::CycleBreakdown attribute_cycles(LayerRecord& rec, std::vector<model::BusyInterval> dram_busy, uint64_t begin,
                                       uint64_t end);

}  // namespace sasim::sc
