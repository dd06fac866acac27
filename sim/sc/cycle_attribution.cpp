// SPDX-License-Identifier: MIT
#include "sc/cycle_attribution.h"

#include "model/interval_set.h"

namespace sasim::sc {

model::CycleBreakdown attribute_cycles(LayerRecord& rec, std::vector<model::BusyInterval> dram_busy, uint64_t begin,
                                       uint64_t end) {
    model::IntervalSet rest;
    rest.add(begin, end);
    model::IntervalSet busy;
    for (const auto& b : dram_busy) busy.add(b.begin, b.end);
    model::CycleBreakdown out;
    auto take = [&rest](model::IntervalSet& cause) {
        model::IntervalSet hit = model::IntervalSet::intersect(rest, cause);
        rest = model::IntervalSet::minus(rest, cause);
        return hit.measure();
    };
    out.compute = take(rec.compute);
    out.pipeline = take(rec.exec_inflight);
    out.dram_bandwidth = take(busy);
    out.dram_latency = take(rec.dma_outstanding);
    out.bank_conflict = take(rec.bank_blocked);
    out.queue_full = take(rec.dispatch_blocked);
    out.dependency_wait = rest.measure();
    return out;
}

}  // namespace sasim::sc
