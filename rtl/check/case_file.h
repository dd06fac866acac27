// SPDX-License-Identifier: MIT
// The two text files between `sasim rtl check` and the Verilator harness (rtl/harness/harness.cpp):
// the "case" file (one layer: DRAM timing, watchdog, perturbation, DRAM image, program) that the harness
// reads, and the "result" file (issue/retire cycles, final DRAM image, or a watchdog report) it writes.
// The exact formats are documented in case_file.cpp; the harness parses and writes them independently,
// with the same field lists (rtl/command/command_fields.h).
#pragma once
#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include "compiler/isa.h"
#include "model/dram_timing.h"
#include "rtl/command/command_fields.h"

namespace sasim::rtl {

// Everything in a case file besides the program and the image.
struct CaseSettings {
    model::DramTiming::Params dram;   // DRAM channel timing (latency, millibytes per cycle, max outstanding)
    uint64_t watchdog_cycles = 0;     // the harness stops and reports when the RTL hangs this long
    int64_t delay_read = -1;          // -1 = none; else the k-th (0-based) read completion comes one cycle late
};

// A case file read back (parse_case): used by tests and by anything that replays a case.
struct CaseFile {
    CaseSettings settings;
    std::vector<uint8_t> image;       // DRAM image before the layer
    std::vector<CommandWord> commands; // the program, encoded (rtl/command/command_word.h)
    ConvWord conv;                    // the program's convolution geometry, encoded
};

// What the harness reported for one layer.
struct HarnessResult {
    uint64_t cycles = 0;              // max retire cycle, relative to the layer start
    // Counted by the harness from the RTL's observation ports; the model's LayerTrace has the same names.
    uint64_t compute_cycles = 0;            // cycles the array streamed
    uint64_t dma_bank_conflict_cycles = 0;  // load plus store DMA accesses refused by a bank
    uint64_t dispatch_blocked_cycles = 0;   // cycles an instruction waited for room in its queue
    std::vector<uint64_t> issue;      // per instruction, relative to the layer start
    std::vector<uint64_t> retire;     // per instruction, relative to the layer start
    std::vector<uint8_t> image;       // DRAM image after the layer
    bool hung = false;                // the RTL hung: `watchdog` holds the harness's report instead
    uint64_t watchdog_cycle = 0;      // cycle of the first watchdog line (relative to the layer start)
    std::vector<std::string> watchdog; // the watchdog lines' messages, in file order
};

// Writes a case file: the program as command words (encode_command). Throws SimulationError, before
// writing anything, when the program uses something the RTL cannot run (a load into the accumulator, a
// LoadIm2col whose conv index is out of range, two convolution geometries in one program, an EXECUTE
// window whose first column is not below its width).
void write_case(std::ostream& out, const Program& program, const std::vector<uint8_t>& image,
                const CaseSettings& settings);

// Parses a case file; throws SimulationError "<origin>:<line>: <problem>" on anything malformed.
CaseFile parse_case(std::istream& in, const std::string& origin);

// Writes a result file (the harness's side of the format; used by tests and fake harnesses).
void write_result(std::ostream& out, const HarnessResult& result);

// Parses a result file. `expected_instrs` (when not SIZE_MAX) is the program's length: a result with
// another number of instr lines is malformed. Throws SimulationError "<origin>:<line>: <problem>" on a
// truncated or malformed file.
HarnessResult parse_result(std::istream& in, const std::string& origin, size_t expected_instrs = SIZE_MAX);

}  // namespace sasim::rtl
