// SPDX-License-Identifier: MIT
// How much memory simulating a layer takes, estimated before it starts (docs/reliability.md, "Resource
// guards"), and the --max-memory limit it is held against. Plain C++: tested without the kernel.
#pragma once
#include <cstdint>
#include <string>

#include "config/config.h"
#include "workload/workload.h"

namespace sasim {

// Bytes the model keeps per instruction it holds: the Instruction (152 B) and its issue and retire cycles
// (16 B), with some room; the units' stall records are attributed while the layer runs and stay small
// (docs/reliability.md, "Resource guards", has the measurements).
constexpr uint64_t kBytesPerInstruction = 192;
// Instructions a streamed layer holds at most, in practice: those in flight between the oldest unretired
// one and the dispatcher, plus what the token deriver keeps open (about 2 * TokenDeriver::kScanEvery).
// Programs are produced as they run (compiler/instruction_source.h), so this does not grow with the layer.
constexpr uint64_t kHeldInstructions = 16384;
// Bytes of a process that has elaborated the model and loaded a config and a workload (measured).
constexpr uint64_t kBaseProcessBytes = 32ull << 20;

struct MemoryEstimate {
    uint64_t instructions = 0;      // of the heuristic program (a searched program has about as many)
    uint64_t program_bytes = 0;     // held instructions * kBytesPerInstruction
    uint64_t image_bytes = 0;       // the DRAM image (0 without values)
    uint64_t tensor_bytes = 0;      // the operands, generated once and written into the image (0 without values)
    uint64_t reference_bytes = 0;   // the reference outputs (int32), when the results are checked
    uint64_t total_bytes = 0;       // the above plus kBaseProcessBytes
};

// What a run keeps besides the instructions it holds.
struct MemoryNeeds {
    bool values = true;          // operands and the DRAM image exist (false: --timing-only)
    bool check = true;           // the reference outputs are computed (needs values)
    bool whole_program = false;  // every instruction is kept (layer traces for the RTL check)
};

// Throws what compile_layer throws (a config that cannot hold one tile).
MemoryEstimate estimate_layer_memory(const Layer& layer, const Config& cfg, const MemoryNeeds& needs = {});

// "8G", "512M", "64K", "1.5G", "1000000" (bytes; K/M/G/T are powers of 1024, an optional trailing "B"
// or "iB" is accepted). Throws InputError naming `option` when the text is not a size or is 0.
uint64_t parse_size_bytes(const std::string& text, const std::string& option);

// "1.2 GB", "850 MB", "12 KB" (powers of 1024), for messages.
std::string format_bytes(uint64_t bytes);

// The machine's physical memory in bytes (0 when unknown).
uint64_t physical_memory_bytes();

// The default of --max-memory: 80 % of physical memory, or no limit (UINT64_MAX) when it is unknown.
uint64_t default_max_memory_bytes();

}  // namespace sasim
