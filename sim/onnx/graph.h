// SPDX-License-Identifier: MIT
// Internal to sim/onnx: an ONNX model read from a file, checked, sorted topologically and shape-inferred.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <onnx/onnx_pb.h>

#include "onnx/fold.h"
#include "onnx/onnx_import.h"

namespace sasim::onnx_import::detail {

// A tensor's shape after inference. `known` is false when not even the rank is known; a dim < 0 is unknown
// (dynamic or not inferred).
struct TensorShape {
    bool known = false;
    std::vector<int64_t> dims;
    std::vector<std::string> params;  // dim_param of each dim ("" when none), for messages

    bool is_static() const;
    uint64_t elements() const;   // product of the dims (saturates); 1 for a scalar; call when static
    std::string to_string() const;  // "[1, 3, 224, 224]", unknown dims as their dim_param or "?"
};

struct Graph {
    std::string path;
    ::onnx::ModelProto model;   // nodes reordered topologically, shapes inferred into value_info
    std::unordered_map<std::string, TensorShape> shapes;   // every tensor with type information
    std::unordered_set<std::string> constants;  // initializers and tensors computed from constants only
    std::unordered_map<std::string, int> producer;  // tensor -> index of the node that writes it
    std::vector<std::string> inputs;  // "name=1x3x224x224" for each graph input (not initializers)
    std::unordered_map<std::string, ConstValue> values;  // small constants with known values (fold.h)
    std::vector<std::string> folded_ops;  // op of each node evaluated at import and replaced by its value
    std::vector<std::string> warnings;    // control flow resolved by a guess, and the like
    int64_t opset = 0;                    // the default domain's opset
    // Loop and Scan nodes left as they are, by first output: why they were not unrolled.
    std::unordered_map<std::string, std::string> not_expanded;

    const ::onnx::GraphProto& graph() const { return model.graph(); }
    const TensorShape& shape(const std::string& tensor) const;  // unknown shape when absent
    bool is_constant(const std::string& tensor) const { return constants.count(tensor) != 0; }
    // Why `tensor`'s shape is not known: "; blocked at node 'r' (Reshape): its input 'shape' is computed
    // from the data of graph input 'x'"... (starts with "; ", "" when nothing can be said). prepare.cpp.
    std::string unknown_shape_reason(const std::string& tensor) const;
};

// Reads and prepares `path`, applying `options.input_shapes`. Throws InputError listing every problem.
Graph read_graph(const std::string& path, const ImportOptions& options);

// Steps of read_graph (graph.cpp, prepare.cpp).
// Sorts `g`'s nodes topologically (an already sorted graph keeps its order); returns the problems.
std::vector<std::string> sort_nodes(const std::string& path, ::onnx::GraphProto& g);
// Checks every standard-domain node (subgraphs included) against its ONNX schema: inputs, outputs,
// required attributes and their types. ONNX's shape inference dereferences these unchecked (a Scan without
// num_scan_inputs crashes it), so a model is checked before inference runs; returns the problems.
std::vector<std::string> verify_nodes(const Graph& graph);
// Turns the graph inputs given by --input-value into initializers; returns the problems.
std::vector<std::string> apply_input_values(Graph& graph, const ImportOptions& options);
// Folds small constants into initializers and expands control flow, calling `infer` (ONNX shape
// inference) after each change, until nothing changes. Throws InputError.
void fold_and_expand(Graph& graph, const ImportOptions& options, const std::function<void()>& infer);

// "'conv1' (Conv)", or "#12 (Conv, output 'y')" for a node without a name. The domain prefixes the op
// type when it is not the default one.
std::string node_label(const ::onnx::NodeProto& node, int index);
// The layer name for a node: its name, or (when it has none) its first output's name, or "<op>_<index>";
// cleaned by clean_text.
std::string layer_name(const ::onnx::NodeProto& node, int index);
// `raw` with control characters and bytes that are not well-formed UTF-8 replaced by '_': reports print
// names and write them into JSON, and ONNX strings (proto2) are not checked.
std::string clean_text(const std::string& raw);
std::string op_name(const ::onnx::NodeProto& node);   // "Conv", "com.microsoft:QLinearAdd"
bool is_default_domain(const std::string& domain);    // "" or "ai.onnx"

}  // namespace sasim::onnx_import::detail
