// SPDX-License-Identifier: MIT
// What the units share while one layer runs: its program, and the records they fill for the report.
#pragma once
#include <algorithm>
#include <array>
#include <cstdint>
#include <vector>

#include <systemc>

#include "compiler/isa.h"
#include "model/program_window.h"
#include "model/stall_attribution.h"
#include "model/stats.h"

namespace sasim::sc {

// Filled by the units during a layer; turned into LayerStats by the simulator.
struct LayerRecord {
    uint64_t retired = 0;          // instructions retired so far
    uint64_t last_retire = 0;      // latest retire cycle seen
    // Filled by the units as they go, except dram_busy and dma_active (by the simulator at the layer's end).
    model::StallIntervals intervals;
    // Attributes `intervals` as the layer runs (the simulator's ticker) and drops what it has used.
    model::StallAttributor attributor;
    model::TrafficStats traffic;
    uint64_t macs = 0;             // MACs performed by EXECUTEs
    uint64_t array_slots = 0;      // sum over EXECUTEs of streamed rows * rows * cols
    std::array<model::UnitSpan, 3> unit_spans;  // by Unit, cycles from the layer's start
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
    // The program as far as the machine has reached it; each instruction's issue and retire cycles.
    model::ProgramWindow program;
    uint64_t start_cycle = 0;      // absolute cycle the layer starts
    LayerRecord rec;
    sc_core::sc_event all_retired; // notified when the last instruction has retired (its cycle may be ahead)
    uint64_t progress = 0;         // bumped whenever any unit issues, retires, or moves data (watchdog)

    // `src` (which must outlive the layer), on_release and keep_all: ProgramWindow::reset.
    void reset(InstructionSource* src, uint64_t start, model::ProgramWindow::ReleaseFn on_release = {},
               bool keep_all = false) {
        program.reset(src, std::move(on_release), keep_all);
        start_cycle = start;
        rec = LayerRecord{};
        rec.attributor = model::StallAttributor(start);
        progress = 0;
    }
    const Instruction& instr(uint64_t i) const { return program.at(i); }
    const std::vector<ConvGeometry>& convs() const { return program.convs(); }
    void record_issue(uint64_t index, uint64_t cycle) {
        model::UnitSpan& span = rec.unit_spans[static_cast<int>(unit_of(program.at(index).op))];
        span.first_issue_cycle = std::min(span.first_issue_cycle, cycle - start_cycle);
        program.set_issue(index, cycle);
    }
    uint64_t issue_cycle(uint64_t index) const { return program.issue(index); }
    void record_retire(uint64_t index, uint64_t cycle) {
        ++progress;
        ++rec.retired;
        if (cycle > rec.last_retire) rec.last_retire = cycle;
        model::UnitSpan& span = rec.unit_spans[static_cast<int>(unit_of(program.at(index).op))];
        span.last_retire_cycle = std::max(span.last_retire_cycle, cycle - start_cycle);
        program.retire(index, cycle);
        if (program.all_retired()) all_retired.notify(sc_core::SC_ZERO_TIME);
    }
    // The dispatcher found the program's end: a program of no instructions is done at once.
    void program_ended() {
        if (program.all_retired()) all_retired.notify(sc_core::SC_ZERO_TIME);
    }
};

}  // namespace sasim::sc
