// SPDX-License-Identifier: MIT
// Where a layer's cycles went: feeds the rule of model/stall_attribution.h what the units did not record
// themselves (the DRAM bus's busy periods) and advances it, during the layer and at its end.
#pragma once
#include <cstdint>
#include <vector>

#include "model/dram_timing.h"
#include "model/stats.h"
#include "sc/layer_context.h"

namespace sasim::sc {

// Adds `dram_busy` to the record and attributes the cycles before `upto` (see StallAttributor::advance).
void advance_attribution(LayerRecord& rec, const std::vector<model::BusyInterval>& dram_busy, uint64_t upto);

}  // namespace sasim::sc
