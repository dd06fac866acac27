// SPDX-License-Identifier: MIT
#include "sc/cycle_attribution.h"

#include "model/stall_attribution.h"

namespace sasim::sc {

model::CycleBreakdown attribute_cycles(LayerRecord& rec, const Program& program,
                                       const std::vector<model::BusyInterval>& dram_busy, uint64_t begin,
                                       uint64_t end) {
    model::StallIntervals& in = rec.intervals;
    for (const auto& b : dram_busy) in.dram_busy.add(b.begin, b.end);
    // A load or store holds its DMA from the cycle the DMA takes it (its issue) to its retirement.
    for (size_t i = 0; i < program.instrs.size(); ++i) {
        if (unit_of(program.instrs[i].op) != Unit::Execute) in.dma_active.add(rec.issue[i], rec.retire[i]);
    }
    return model::attribute_cycles(in, begin, end);
}

}  // namespace sasim::sc
