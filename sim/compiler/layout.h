// SPDX-License-Identifier: MIT
// Where a layer's tensors live in DRAM, per dataflow (docs/isa.md, "DRAM layout").
// Every layer runs on its own DRAM image: [input | weights | output | shortcut of a fused residual add],
// each 64-byte aligned.
#pragma once
#include <cstdint>
#include <optional>
#include <vector>

#include "compiler/isa.h"
#include "config/config.h"
#include "workload/workload.h"

namespace sasim {

// Addresses of one of a layer's `count` independent GEMMs.
struct GemmAddrs {
    uint64_t a_addr = 0;        // gemm layers: A is [m][k] row-major here; conv layers: unused (im2col)
    uint32_t a_chan0 = 0;       // conv layers: first input channel of this group
    uint64_t b_addr = 0;        // weights: [n][k] for WS/IS, [k][n] for OS
    uint64_t c_addr = 0;        // output: element (0,0) of this GEMM's output block
    uint64_t c_row_stride = 0;  // elements between output rows: WS/OS rows are pixels, IS rows are channels
};

struct LayerLayout {
    GemmView view;                      // count x (m x k) * (k x n): what the program computes
    GemmView layer_view;                // the layer's own GEMM view (== view unless groups are packed)
    uint32_t packed_groups = 1;         // conv groups packed into one GEMM with block-diagonal weights
    bool is_conv = false;
    std::optional<ConvGeometry> conv;   // set for conv layers
    uint32_t conv_in_c_per_group = 0;   // conv: channels per group (Cg)
    uint32_t conv_positions = 1;        // conv: kernel_h * kernel_w
    uint32_t operand_bytes = 1;
    uint64_t input_addr = 0, input_bytes = 0;
    uint64_t weights_addr = 0, weights_bytes = 0;
    uint64_t output_addr = 0, output_bytes = 0;
    // A fused residual add's shortcut (Layer::residual_add), in the output's layout: element (g, i, j) of the
    // output at address a has its shortcut at a - output_addr + residual_addr. 0 bytes without one.
    uint64_t residual_addr = 0, residual_bytes = 0;
    uint64_t image_bytes = 0;           // DRAM image size
    bool output_transposed = false;     // IS: output stored channel-major ([n][m])
    uint32_t shift = 0;                 // requantization shift applied by STORE
    bool relu = false;                  // ReLU applied by STORE (conv layers)
    std::vector<GemmAddrs> gemms;       // one per view.count
};

// Computes the layout of a conv or gemm layer for the configured dataflow.
//
// `packed_groups` P > 1 (grouped convolutions, P dividing the groups): every P consecutive groups form one
// GEMM over their P * Cg input channels and P * Ng output channels, with block-diagonal weights (zeros
// between groups) stored expanded in DRAM. Depthwise layers then fill the array's rows and columns instead
// of one of each (docs/mapper.md, "Packed groups"). Inputs and outputs keep their layout.
LayerLayout plan_layout(const Layer& layer, const Config& cfg, uint32_t packed_groups = 1);

// Bytes the layer's tensors need at least (input, unexpanded weights, output): the compulsory traffic.
uint64_t compulsory_bytes(const LayerLayout& lay);

// The requantization shift used for a reduction of length k with `operand_bits`-bit random operands:
// chosen so the int32 sums land mostly inside the operand range after shifting.
uint32_t requant_shift(uint64_t k, uint32_t operand_bits);

}  // namespace sasim
