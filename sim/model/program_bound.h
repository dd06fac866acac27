// SPDX-License-Identifier: MIT
// A lower bound on the cycles any run of a compiled program takes (docs/mapper.md, "Bounds"): the mapper
// orders its candidates by it and stops simulating once the next bound is no better than the best
// simulated cycles. Plain C++; a unit test checks the bound against the simulator on random layers.
#pragma once
#include <cstdint>

#include "compiler/compiler.h"

namespace sasim::model {

struct ProgramBound {
    uint64_t compute_cycles = 0;   // the array's streaming phases are serial: their sum plus one mesh drain
    uint64_t dram_cycles = 0;      // every DRAM byte crosses the one channel, after one latency
    uint64_t dram_read_bytes = 0;  // what the program reads from DRAM (im2col padding excluded)
    uint64_t dram_write_bytes = 0;
    uint64_t cycles() const { return compute_cycles > dram_cycles ? compute_cycles : dram_cycles; }
};

ProgramBound program_bound(const CompiledLayer& comp, const Config& cfg);
// The same over a program produced on demand, from where `src` stands (it is consumed).
ProgramBound program_bound(InstructionSource& src, const Config& cfg);

}  // namespace sasim::model
