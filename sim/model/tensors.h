// SPDX-License-Identifier: MIT
// Seeded, deterministic layer operands and their placement in the layer's DRAM image.
#pragma once
#include <cstdint>
#include <vector>

#include "compiler/layout.h"
#include "workload/workload.h"

namespace sasim::model {

// Operands in their canonical (logical) order, independent of the dataflow:
//   conv: input [batch][in_h][in_w][in_c], weights [out_c][kernel_h][kernel_w][in_c/groups]
//   gemm: input [batch][m][k],             weights [batch][n][k]
//   shortcut of a fused residual add (Layer::residual_add), the output's canonical order (read_outputs);
//   empty otherwise
struct CanonicalTensors {
    std::vector<int16_t> input;
    std::vector<int16_t> weights;
    std::vector<int16_t> shortcut;
};

// Fills `t` with uniform random values over the signed operand range, from `seed` (the input, the weights,
// then the shortcut of a residual add: a layer's input and weights do not depend on whether it has one).
// `draw_input` / `draw_shortcut` false: that tensor is left empty (a network replaces it by a producer's
// output), and the others get the values they would have had.
void generate_tensors(const Layer& layer, uint32_t operand_bits, uint64_t seed, CanonicalTensors& t,
                      bool draw_input = true, bool draw_shortcut = true);

// Elements of a layer's input operand and of its shortcut (0 without a residual add), canonical order.
uint64_t input_elements(const Layer& layer);
uint64_t shortcut_elements(const Layer& layer);

// Writes the operands into a zeroed DRAM image laid out as `lay` says (OS stores weights [k][n]).
std::vector<uint8_t> build_dram_image(const Layer& layer, const LayerLayout& lay, Dataflow dataflow,
                                      const CanonicalTensors& t);

// The layer's stored output in canonical order (conv [batch][out_h][out_w][out_c], gemm [batch][m][n]), read
// from `image` where `lay` placed it: what the next layer of a network reads (model/value_flow.h).
std::vector<int16_t> read_outputs(const LayerLayout& lay, const std::vector<uint8_t>& image, uint32_t operand_bits);

// A per-layer seed from the run seed and the layer's position and name.
uint64_t layer_seed(uint64_t run_seed, uint32_t layer_index, const std::string& name);

}  // namespace sasim::model
