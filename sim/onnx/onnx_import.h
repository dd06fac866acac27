// SPDX-License-Identifier: MIT
// The ONNX front end: reads an .onnx model (Debian's libonnx, protobuf), infers every tensor's shape from
// the graph inputs, and maps each node to a sasim layer: Conv/ConvInteger/QLinearConv -> conv,
// Gemm/MatMul/MatMulInteger/QLinearMatMul -> gemm or matmul, ConvTranspose -> gemm + col2im, anything
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

struct ImportOptions {
    std::vector<InputShape> input_shapes;
    bool via_load_workload = false;  // messages about input shapes point to `sasim import --input-shape`
};

// What the JSON writer and the import summary need beyond sasim::Layer, one per layer.
struct LayerInfo {
    std::string type;     // JSON "type": "conv", "gemm", "matmul" or the Other op ("relu", "maxpool", ...)
    std::string node;     // the ONNX node name as in the file ("" when the node has none)
    std::string onnx_op;  // "Conv", "com.microsoft:QLinearAdd", ...
    std::string note;     // how the node was lowered when it is not a plain mapping ("" otherwise)
};

struct Imported {
    Workload workload;
    std::vector<LayerInfo> info;       // parallel to workload.layers
    std::vector<std::string> inputs;   // "name=1x3x224x224", the graph input shapes used
    std::vector<std::string> folded;   // op types of the nodes folded as constants (computed from weights)
    std::vector<std::string> warnings; // things the user should know (unknown element counts, subgraphs)
    std::string producer;              // "pytorch 2.0.1, ir_version 8, opset 17"
};

// Reads, checks and maps `path`. Throws InputError, one line per problem, each naming the file (and the
// node): malformed protobuf, not ONNX, a cycle, a dynamic or missing input shape, an inconsistent node.
Imported import_model(const std::string& path, const ImportOptions& options = {});

// The loader `load_workload` uses for .onnx files (registered by register_loader): import_model without
// --input-shape, so every graph input must have a static shape.
Workload load_onnx_workload(const std::string& path);
void register_loader();

// Parses "NAME:1x3x224x224" (NAME may itself contain ':', the last one separates). Throws InputError.
InputShape parse_input_shape(const std::string& spec);

// The imported network in our JSON trace format (workloads/README.md), one layer per line.
std::string to_json_trace(const Imported& imported);

// A few lines for the terminal: layer counts, MACs, Other ops by type, folded nodes, warnings.
std::string summary(const Imported& imported);

}  // namespace sasim::onnx_import
