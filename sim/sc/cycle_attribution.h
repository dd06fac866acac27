// SPDX-License-Identifier: MIT
// Where a layer's cycles went: gathers what the rule in model/stall_attribution.h needs that the units did
// not record themselves (the DRAM bus, the DMA's instructions) and applies it.
#pragma once
#include <cstdint>
#include <vector>

#include "model/dram_timing.h"
#include "model/stats.h"
#include "sc/layer_context.h"

namespace sasim::sc {

model::CycleBreakdown attribute_cycles(LayerRecord& rec, const Program& program,
                                       const std::vector<model::BusyInterval>& dram_busy, uint64_t begin,
                                       uint64_t end);

}  // namespace sasim::sc
