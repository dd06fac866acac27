// SPDX-License-Identifier: MIT
// Internal to sim/onnx: one ONNX node -> sasim layers (docs/onnx.md, "Mapping").
#pragma once
#include <string>
#include <vector>

#include "onnx/graph.h"

namespace sasim::onnx_import::detail {

struct MappedLayer {
    Layer layer;     // name = the node name (made unique later), origin = "<file>: node <label>"
    LayerInfo info;
};

// The layers of node `index` of `graph` (a node that is not folded as a constant). Problems go to
// `problems` ("<file>: node <label>: <what>"), things worth a note to `warnings`.
std::vector<MappedLayer> map_node(const Graph& graph, int index, std::vector<std::string>& problems,
                                  std::vector<std::string>& warnings);

// The matrix-product nodes (Conv, Gemm, MatMul, Einsum, LSTM, ...) in `g` and its subgraphs, to choose
// the If branch with more matrix work and to count what a node that is not expanded holds.
int matrix_product_nodes(const ::onnx::GraphProto& g);

// The JSON "type" of an Other layer for an ONNX op type: lower case, [a-z0-9_] ("MaxPool" -> "maxpool").
std::string other_type(const std::string& op_type);

}  // namespace sasim::onnx_import::detail
