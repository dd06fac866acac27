// SPDX-License-Identifier: MIT
// The ONNX front end: reads an .onnx model (Debian's libonnx, protobuf), infers every tensor's shape from
// the graph inputs, and maps each node to a sasim layer: Conv/ConvInteger/QLinearConv -> conv,
// Gemm/MatMul/MatMulInteger/QLinearMatMul -> gemm or matmul, ConvTranspose -> gemm + col2im, LSTM/GRU/RNN ->
// gemms per step (shape arithmetic folded, If inlined and loops unrolled first), anything
// else -> an Other layer with its output element count. docs/onnx.md describes every rule.
// This header does not include ONNX's headers.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "workload/workload.h"

namespace sasim::onnx_import {

// `--input-shape NAME:D0xD1x...`: the static shape of one graph input, replacing what the model declares.
struct InputShape {
    std::string name;
    std::vector<int64_t> dims;
};

// `--input-value NAME=V[,V...]`: a graph input fixed to a constant (a sample rate, a mode flag), so that
// the shape arithmetic and If conditions that depend on it fold. One value = a scalar, several = 1-D.
struct InputValue {
    std::string name;
    std::vector<double> values;
};

// `--if-branch NODE=then|else`: the branch imported for an If whose condition is not known at import.
struct IfBranch {
    std::string node;  // the If node's name (or, for an unnamed node, its layer name)
    bool then_branch = true;
};

struct ImportOptions {
    std::vector<InputShape> input_shapes;
    std::vector<InputValue> input_values;
    std::vector<IfBranch> if_branches;
    // Import even when some matrix products cannot be (they are listed, and the summary says what
    // fraction of the MACs the import holds); without it such a model is refused.
    bool allow_partial = false;
    bool via_load_workload = false;  // messages about input shapes point to `sasim import --input-shape`
};

// What the JSON writer and the import summary need beyond sasim::Layer, one per layer.
struct LayerInfo {
    std::string type;     // JSON "type": "conv", "gemm", "matmul" or the Other op ("relu", "maxpool", ...)
    std::string node;     // the ONNX node name as in the file ("" when the node has none)
    std::string onnx_op;  // "Conv", "com.microsoft:QLinearAdd", ...
    std::string note;     // how the node was lowered when it is not a plain mapping ("" otherwise)
    int missing_products = 0;       // matrix-product nodes this Other layer holds that are not simulated
    uint64_t missing_macs = 0;      // their MACs, when missing_macs_known
    bool missing_macs_known = false;
};

struct Imported {
    Workload workload;
    std::vector<LayerInfo> info;       // parallel to workload.layers
    std::vector<std::string> inputs;   // "name=1x3x224x224", the graph input shapes used
    std::vector<std::string> folded;   // op types of the nodes folded as constants (computed from weights)
    std::vector<std::string> warnings; // things the user should know (unknown element counts, subgraphs)
    std::string producer;              // "pytorch 2.0.1, ir_version 8, opset 17"
    // Matrix products left out (allowed by allow_partial): one line each, and the MACs of those whose size
    // is known. `missing_unknown` counts those whose size is not known at import.
    std::vector<std::string> missing;
    uint64_t missing_macs = 0;
    int missing_unknown = 0;
};

// Reads, checks and maps `path`. Throws InputError, one line per problem, each naming the file (and the
// node): malformed protobuf, not ONNX, a cycle, a dynamic or missing input shape, an inconsistent node.
Imported import_model(const std::string& path, const ImportOptions& options = {});

// The loader `load_workload` uses for .onnx files (registered by register_loader): import_model with the
// options set by set_loader_options (none by default, so every graph input must have a static shape).
Workload load_onnx_workload(const std::string& path);
void register_loader();
// The options load_onnx_workload uses from now on (`sasim run --input-shape ...`).
void set_loader_options(const ImportOptions& options);

// Parses "NAME:1x3x224x224" (NAME may itself contain ':', the last one separates). Throws InputError.
InputShape parse_input_shape(const std::string& spec);
// Parses "NAME=16000" or "NAME=1,2,3" (the last '=' separates). Throws InputError.
InputValue parse_input_value(const std::string& spec);
// Parses "NODE=then" or "NODE=else". Throws InputError.
IfBranch parse_if_branch(const std::string& spec);

// The imported network in our JSON trace format (workloads/README.md), one layer per line.
std::string to_json_trace(const Imported& imported);

// "partial import: ... it holds N of M MACs (95.0 %)", or "" when nothing was left out.
std::string partial_text(const Imported& imported);

// A few lines for the terminal: layer counts, MACs, Other ops by type, folded nodes, warnings.
std::string summary(const Imported& imported);

}  // namespace sasim::onnx_import
