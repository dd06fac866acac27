// SPDX-License-Identifier: MIT
// Internal to sim/onnx: ONNX LSTM, GRU and RNN nodes as GEMM layers (docs/onnx.md, "LSTM, GRU, RNN").
#pragma once
#include <string>
#include <vector>

#include "onnx/mapping_node.h"

namespace sasim::onnx_import::detail {

// Per direction, `<node>/<forward|reverse>/input_proj` (X times W^T for every step at once) and one
// `<node>/<dir>/step<j>` GEMM per time step (h times R^T) in the order the direction runs them; then one
// Other layer `<node>/gates` (lstm_gates, gru_gates, rnn_gates) for the gate math, which is not executed.
// sequence_lens, when it is a constant, shrinks each step to the sequences still running.
void map_recurrent(Node& c, std::vector<MappedLayer>& out, std::vector<std::string>& warnings);

}  // namespace sasim::onnx_import::detail
