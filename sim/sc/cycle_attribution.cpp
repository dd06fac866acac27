// SPDX-License-Identifier: MIT
#include "sc/cycle_attribution.h"

namespace sasim::sc {

void advance_attribution(LayerRecord& rec, const std::vector<model::BusyInterval>& dram_busy, uint64_t upto) {
    for (const auto& b : dram_busy) rec.intervals.record(&model::StallIntervals::dram_busy, b.begin, b.end);
    rec.attributor.advance(rec.intervals, upto);
}

}  // namespace sasim::sc
