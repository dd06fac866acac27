// SPDX-License-Identifier: MIT
// Compares one layer as the SystemC model ran it with the same layer run on the generated RTL.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "rtl/check/case_file.h"
#include "sc/simulator.h"

namespace sasim::rtl {

// The outcome of compare_layer: a match, or the first divergence (one or more lines describing it).
struct CheckResult {
    bool match = true;
    std::vector<std::string> lines;  // divergence report, empty on a match
    uint64_t instructions = 0;       // instructions compared
    uint64_t cycles = 0;             // the model's cycles of the layer
    uint64_t bytes = 0;              // DRAM image bytes compared
};

// Compares, in this order, and reports only the first divergence found:
//  1. the RTL hung (watchdog report);
//  2. issue and retire cycles: of the instructions whose cycles differ, the one whose disagreement starts
//     earliest in time (min of the two issue cycles if those differ, else min of the two retire cycles;
//     ties go to program order), so the first divergence in time is reported;
//  3. the layer's total cycles;
//  4. the final DRAM image: the first differing byte, with the tensor region it lies in.
// model.program and model.final_image must be set.
CheckResult compare_layer(const sc::LayerTrace& model, const HarnessResult& rtl);

}  // namespace sasim::rtl
