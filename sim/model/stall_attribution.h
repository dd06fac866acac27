// SPDX-License-Identifier: MIT
// Where a layer's cycles went (docs/report.md, "cycle_breakdown"): the rule that gives every cycle exactly
// one cause, as plain C++ over the intervals the units recorded. The SystemC side only gathers the inputs.
#pragma once
#include <cstdint>

#include "model/interval_set.h"
#include "model/stats.h"

namespace sasim::model {

// What the units recorded during a layer, each a set of absolute cycles.
struct StallIntervals {
    IntervalSet compute;           // the array streams
    IntervalSet exec_bank_stall;   // an EXECUTE's streaming start was pushed back by its reads waiting for a bank
    IntervalSet exec_inflight;     // an EXECUTE is between issue and retire
    IntervalSet dram_busy;         // the DRAM data bus transfers
    IntervalSet dma_outstanding;   // a DMA request is in flight
    IntervalSet dma_active;        // the load or store DMA holds an instruction (taken, not retired)
    IntervalSet bank_blocked;      // a DMA access was refused by a bank
    IntervalSet dispatch_blocked;  // dispatch waited on a full queue

    // Cycles before this have been attributed (StallAttributor::advance) and their spans dropped.
    uint64_t attributed_before = 0;
    // Adds [begin, end) to `set`. Throws SimulationError when the span covers an attributed cycle: the
    // simulator advanced the attribution past a cycle a unit could still record (a model bug).
    void record(IntervalSet StallIntervals::*set, uint64_t begin, uint64_t end);
};

// The rule (docs/report.md): for each cycle of [begin, end), in order,
//  1. compute          if the array streams;
//  2. bank_conflict    if an EXECUTE's stream start was pushed back by a bank (exec_bank_stall);
//  3. pipeline         if an EXECUTE is in flight;
//  4. bank_conflict    if the DMA is active and owes bank debt: every cycle a DMA access is refused by a bank
//                      adds one cycle of debt, an idle-array cycle here pays one back, and the debt is
//                      forgotten whenever the DMA has no instruction (its work was no longer late);
//  5. dram_bandwidth   if the DRAM bus transfers;
//  6. dram_latency     if DMA requests are outstanding;
//  7. queue_full       if dispatch is blocked on a full queue;
//  8. dependency_wait  otherwise.
// The fields of the result add up to end - begin.
CycleBreakdown attribute_cycles(StallIntervals& in, uint64_t begin, uint64_t end);

// The same rule applied piece by piece while a layer runs, so that the records stay small: advance()
// attributes the cycles up to `upto` and drops the spans it no longer needs. The result after the last
// advance() equals attribute_cycles over the whole range.
class StallAttributor {
public:
    StallAttributor() = default;
    explicit StallAttributor(uint64_t begin) : m_done(begin) {}
    // Attributes [done(), upto) and drops from `in` every span that ends at or before `upto`. Contract:
    // nothing added to `in` afterwards covers a cycle before `upto` (the units record only from their own
    // current cycle on; see sc/simulator.cpp for the horizon). Does nothing when upto <= done().
    void advance(StallIntervals& in, uint64_t upto);
    uint64_t done() const { return m_done; }
    const CycleBreakdown& result() const { return m_out; }

private:
    uint64_t m_done = 0;   // cycles before this are attributed
    uint64_t m_debt = 0;   // bank debt carried into m_done
    CycleBreakdown m_out;
};

}  // namespace sasim::model
