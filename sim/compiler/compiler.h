// SPDX-License-Identifier: MIT
// Lowers one conv or gemm layer to a tiled program for the accelerator (docs/isa.md).
#pragma once
#include "compiler/instruction_source.h"
#include "compiler/isa.h"
#include "compiler/layout.h"
#include "compiler/tiling.h"

namespace sasim {

struct CompiledLayer {
    LayerLayout layout;
    TilePlan plan;
    Program program;
};

// Chunks per wide load such that one DRAM row of the group fills a maximal DMA request.
uint32_t wide_load_target(const Config& cfg, uint32_t kmax);

// Throws InputError when the config cannot hold one tile (names the config key).
CompiledLayer compile_layer(const Layer& layer, const Config& cfg);

// What compile_layer's program would take, without emitting it: for resource estimates before a layer runs.
struct ProgramSize {
    uint64_t instructions = 0;  // exactly compile_layer(layer, cfg).program.instrs.size()
    uint64_t image_bytes = 0;   // the DRAM image (LayerLayout::image_bytes)
};
// Throws what compile_layer throws.
ProgramSize heuristic_program_size(const Layer& layer, const Config& cfg);

}  // namespace sasim
