// SPDX-License-Identifier: MIT
// An independent reference for checking the model's results: direct convolution and GEMM loops over the
// canonical tensors. It shares no code with the compiler, the tiling or the model's datapath.
#pragma once
#include <atomic>
#include <cstdint>
#include <vector>

#include "compiler/layout.h"
#include "model/stats.h"
#include "model/tensors.h"

namespace sasim::model {

// int32 results (wrapping, as 32-bit hardware accumulators do) in canonical order:
//   conv: [batch][out_h][out_w][out_c]; gemm: [batch][m][n].
// `cancel` (may be null): when it becomes true the computation stops early and the result is incomplete.
std::vector<int32_t> reference_outputs(const Layer& layer, const CanonicalTensors& t,
                                       const std::atomic<bool>* cancel = nullptr);

// A fused residual add (Layer::residual_add): adds each shortcut value, scaled by 2^shift as the LOAD into
// the accumulator scales it, to the sums in `ref` (same canonical order), wrapping as the hardware does.
// Nothing when `shortcut` is empty.
void add_shortcut(std::vector<int32_t>& ref, const std::vector<int16_t>& shortcut, uint32_t shift);

// Requantization as the STORE instruction defines it (docs/isa.md): round-half-up arithmetic shift,
// optional ReLU, saturation to the signed operand range.
int32_t reference_requantize(int32_t acc, uint32_t shift, bool relu, uint32_t operand_bits);

// Compares every output element in the DRAM image against the reference.
CheckResult check_outputs(const Layer& layer, const LayerLayout& lay, const std::vector<int32_t>& ref,
                          const std::vector<uint8_t>& image, uint32_t operand_bits);

}  // namespace sasim::model
