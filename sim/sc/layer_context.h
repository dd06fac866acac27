// SPDX-License-Identifier: MIT
// What the units share while one layer runs: its program, and the records they fill for the report.
#pragma once
#include <cstdint>
#include <vector>

#include <systemc>

#include "compiler/isa.h"
#include "model/stall_attribution.h"
#include "model/stats.h"

namespace sasim::sc {

// Filled by the units during a layer; turned into LayerStats by the simulator.
struct LayerRecord {
    std::vector<uint64_t> issue;   // per instruction, absolute cycle
    std::vector<uint64_t> retire;  // per instruction, absolute cycle
    uint64_t retired = 0;          // instructions retired so far
    uint64_t last_retire = 0;      // latest retire cycle seen
    // Filled by the units as they go, except dram_busy and dma_active (by the simulator at the layer's end).
    model::StallIntervals intervals;
    // Attributes `intervals` as the layer runs (the simulator's ticker) and drops what it has used.
    model::StallAttributor attributor;
    model::TrafficStats traffic;
    uint64_t macs = 0;             // MACs performed by EXECUTEs
    uint64_t array_slots = 0;      // sum over EXECUTEs of streamed rows * rows * cols
};

// What a unit is doing right now, for the watchdog and deadlock messages.
struct UnitState {
    const char* what = "idle: queue empty";  // a static string
    int64_t instr = -1;                        // the instruction it concerns (-1: none)
    void set(const char* w, int64_t i) {
        what = w;
        instr = i;
    }
};

struct LayerContext {
    const Program* program = nullptr;
    uint64_t start_cycle = 0;      // absolute cycle the layer starts
    LayerRecord rec;
    sc_core::sc_event all_retired; // notified when the last instruction has retired (its cycle may be ahead)
    uint64_t progress = 0;         // bumped whenever any unit issues, retires, or moves data (watchdog)

    void reset(const Program* p, uint64_t start) {
        program = p;
        start_cycle = start;
        rec = LayerRecord{};
        rec.attributor = model::StallAttributor(start);
        progress = 0;
        rec.issue.assign(p->instrs.size(), 0);
        rec.retire.assign(p->instrs.size(), 0);
    }
    const Instruction& instr(uint64_t i) const { return program->instrs[i]; }
    void record_retire(uint64_t index, uint64_t cycle) {
        ++progress;
        rec.retire[index] = cycle;
        if (cycle > rec.last_retire) rec.last_retire = cycle;
        if (++rec.retired == program->instrs.size()) all_retired.notify(sc_core::SC_ZERO_TIME);
    }
};

}  // namespace sasim::sc
