// SPDX-License-Identifier: MIT
// Internal to sim/onnx: control flow made straight-line before mapping (docs/onnx.md, "Control flow").
// An If whose condition is known is replaced by its taken branch; a Loop or Scan whose trip count is known
// is unrolled. Inlined nodes are named after their path ("<if>/then/<node>", "<loop>/iter3/<node>") and
// every tensor they define gets the same prefix, so names stay unique.
#pragma once
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <onnx/onnx_pb.h>

#include "onnx/fold.h"
#include "onnx/onnx_import.h"

namespace sasim::onnx_import::detail {

// Unrolled iterations are refused beyond these (the run would list a layer per copied node). The node
// limit is on the whole graph after the unrolling, nested bodies counted, so nested loops stay bounded.
constexpr int64_t kMaxUnrollTrips = 10000;
constexpr int64_t kMaxUnrolledNodes = 100000;

struct FlowContext {
    const std::string& path;
    const ImportOptions& options;
    const std::unordered_map<std::string, ConstValue>& values;            // known constant values
    const std::unordered_map<std::string, std::vector<int64_t>>& shapes;  // static shapes
    int64_t opset = 0;                          // the model's default-domain opset
    std::vector<std::string>& warnings;
    std::vector<std::string>& problems;
    std::unordered_set<std::string>& if_options_used;  // --if-branch NODE names that matched a node
    int64_t graph_nodes = 0;  // nodes in the graph now: unrolling may not take it past kMaxUnrolledNodes
};

// One pass over the graph's nodes: inlines every If whose condition is known and unrolls every Loop and
// Scan whose trip count is known. With `guess_unknown_if`, instead inlines the Ifs whose condition is not
// known (the --if-branch choice, else the branch with more matrix-product nodes), noting each, except those
// whose condition depends on another If guessed in the same pass.
// Returns whether the graph changed; the node order stays topological.
bool expand_control_flow(::onnx::GraphProto& graph, FlowContext& ctx, bool guess_unknown_if);

// Why the Loop or Scan `node` cannot be unrolled ("" when it can), for the layer's note.
std::string unroll_refusal(const ::onnx::NodeProto& node, FlowContext& ctx);

}  // namespace sasim::onnx_import::detail
