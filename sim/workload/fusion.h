// SPDX-License-Identifier: MIT
// Residual adds fused into the conv or gemm layer that feeds them (docs/timing.md, "Values from layer to
// layer"): the layer's STORE writes its sums plus the add's other operand (the shortcut), which a LOAD puts
// into the accumulator before the sums (docs/isa.md, "LOAD"). Pure graph logic.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "workload/workload.h"

namespace sasim {

// One fused add: layer `add` (op "add") is executed by layer `into`, which reads `shortcut` (a layer index,
// or kNetworkInput) as the value it adds.
struct ResidualAdd {
    uint32_t add = 0;
    uint32_t into = 0;
    uint32_t shortcut = kNetworkInput;
};

// The adds of `wl` that can be fused, in layer order. An add of two inputs is fused into one of them, X, when
//  - X is a conv or gemm layer, reached from the add through inference BatchNormalizations (folded into its
//    weights), bias adds (an add of one layer: its other operand is a constant) and address aliases
//    (identity, dropout, flatten, reshape, Q/DQ) only: not through a ReLU, which must come after the add;
//  - nothing else reads X's output or those ops' outputs (the sums before the add exist nowhere else);
//  - the add's element count (when given) is X's output size, and X has no other add fused;
//  - of two such inputs, X is the later layer (the other one, computed first, is the shortcut).
// Nothing when the edges are not valid (validate_inputs).
std::vector<ResidualAdd> residual_adds(const Workload& wl);

// Sets Layer::residual_add on every layer residual_adds(wl) names (and clears it elsewhere).
void fuse_residual_adds(Workload& wl);

// Per layer: for an add that runs in another layer (residual_adds(wl) whose `into` has Layer::residual_add),
// that layer; kNetworkInput for every other layer.
std::vector<uint32_t> fused_add_into(const Workload& wl);

// Ops whose output is their input's bytes read another way: flatten, reshape, identity, dropout (the identity
// at inference) and QuantizeLinear / DequantizeLinear (which only annotate the scale of the integers held).
bool is_alias_op(const std::string& op);

}  // namespace sasim
