// SPDX-License-Identifier: MIT
// A network as a list of layers, read from our JSON trace format or from SCALE-Sim topology CSVs.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sasim {

enum class LayerKind {
    Conv,    // 2-D convolution (groups, dilation, padding, separate strides)
    Gemm,    // batch x (M x K) * (K x N)
    Other,   // not simulated (pooling, element-wise, softmax...): listed in reports, never dropped
};

// A 2-D convolution, NHWC input, output channels = out_c.
struct ConvShape {
    uint32_t batch = 1;
    uint32_t in_h = 0, in_w = 0, in_c = 0;
    uint32_t out_c = 0;
    uint32_t kernel_h = 0, kernel_w = 0;
    uint32_t stride_h = 1, stride_w = 1;
    uint32_t pad_top = 0, pad_bottom = 0, pad_left = 0, pad_right = 0;
    uint32_t dilation_h = 1, dilation_w = 1;
    uint32_t groups = 1;     // in_c and out_c are multiples of groups; depthwise = groups == in_c

    uint32_t out_h() const;  // (in_h + pads - dilation*(kernel-1) - 1) / stride + 1
    uint32_t out_w() const;
};

// `batch` independent products (M x K) * (K x N), e.g. attention QK^T over heads.
struct GemmShape {
    uint32_t batch = 1;
    uint32_t m = 0, n = 0, k = 0;
};

// The GEMM a layer lowers to: `count` independent (m x k) * (k x n) products.
struct GemmView {
    uint64_t count = 1;   // conv: groups; gemm: batch
    uint64_t m = 0;       // conv: batch * out_h * out_w
    uint64_t n = 0;       // conv: out_c / groups
    uint64_t k = 0;       // conv: kernel_h * kernel_w * in_c / groups
    uint64_t macs() const { return count * m * n * k; }
};

struct Layer {
    std::string name;
    LayerKind kind = LayerKind::Conv;
    ConvShape conv;           // valid when kind == Conv
    GemmShape gemm;           // valid when kind == Gemm
    std::string op;           // kind == Other: the operation ("maxpool", "add", "softmax", ...)
    uint64_t elements = 0;    // kind == Other: output elements, for the report
    std::string origin;       // "<file>:<line>" or "<file>: layers[3]" for messages
    // The layers whose outputs this layer reads (graph edges), as indices of earlier layers; the first is
    // the input operand. kNetworkInput stands for the network's input. Empty: the previous layer (the
    // network input for the first layer), as in SCALE-Sim CSVs and JSON traces without "inputs".
    std::vector<uint32_t> inputs;
    // Conv/gemm: the STORE's requantization shift. Unset: requant_shift(k, operand bits) (compiler/layout.h),
    // made for uniform random operands; a network run sets it from the layer's real input
    // (model/value_flow.h). Not part of the trace formats.
    std::optional<uint32_t> store_shift;
    // Conv/gemm: a residual add fused into the layer (fuse_residual_adds): its STORE writes
    // sums + shortcut, the shortcut (a tensor of the output's shape, in its layout) loaded into the
    // accumulator before the sums, scaled by the STORE shift (docs/isa.md, "LOAD"). Set from the graph, not
    // read from trace formats.
    bool residual_add = false;

    GemmView gemm_view() const;  // kind must be Conv or Gemm
};

struct Workload {
    std::string name;
    std::string source;       // where the layer shapes come from (paper, model zoo), free text
    std::string path;         // file it was read from
    std::vector<Layer> layers;
    std::vector<std::string> warnings;  // what the reader wants the user to see (an ONNX If taken by a guess)
};

// Limits every layer must satisfy (checked by validate_layer and the loaders).
constexpr uint64_t kMaxLayerDim = 1000000;                  // any one size (h, w, channels, kernel, m, n, k)
constexpr uint64_t kMaxLayerMacs = uint64_t{1} << 62;       // MACs of one layer
constexpr uint64_t kMaxTensorElements = uint64_t{1} << 60;  // elements of one tensor (byte sizes fit 64 bits)

// Layer::inputs entry for the network's input (a tensor no layer produces), written "$input" in JSON
// traces' "inputs" (a layer of that name cannot be an input).
constexpr uint32_t kNetworkInput = UINT32_MAX;
constexpr const char* kNetworkInputName = "$input";

// The layers layer `index` of `workload` reads: its `inputs`, or the previous layer when they are empty
// ({kNetworkInput} for the first layer).
std::vector<uint32_t> layer_inputs(const Workload& workload, size_t index);

// Checks every layer's `inputs`: earlier layers or kNetworkInput, no repeats. Returns the problems, each
// "<origin>: inputs: <problem>"; empty when valid.
std::vector<std::string> validate_inputs(const Workload& workload);

const char* to_string(LayerKind kind);  // "conv", "gemm", "other"

// The shape of a conv or gemm layer in one line, for test failures and messages:
// "conv b1 12x12x36 -> 33 k3x3 s2x2 pad t1 b1 l1 r1 dil 1x1 groups 1", "gemm b1 m9 n7 k13".
std::string describe_shape(const Layer& layer);

// Sum of gemm_view().macs() over the Conv and Gemm layers (saturates at UINT64_MAX).
uint64_t total_macs(const Workload& workload);

// Reads a workload file: *.json (our trace format) or *.csv (SCALE-Sim conv or GEMM topology, told apart
// by the header). Throws InputError ("<file>:<line or key>: <what is wrong>") on anything malformed.
Workload load_workload(const std::string& path);

// Readers of further file types, consulted by load_workload for an extension other than .json and .csv
// (the CLI registers .onnx at startup, so this library does not depend on ONNX). `extension` includes the
// dot and is matched case-insensitively; the loader throws InputError like load_workload. Register before
// any load_workload call (the table is not locked).
using WorkloadLoader = Workload (*)(const std::string& path);
void register_workload_loader(const std::string& extension, WorkloadLoader loader);

// What a written trace says about a layer beyond its shape.
struct TraceLayerText {
    std::string type;     // JSON "type": "gemm" or "matmul" for a Gemm layer; "" = from the layer ("conv", "gemm", op)
    std::string comment;  // JSON "comment"; "" = none
};

// `workload` as our JSON trace (workloads/README.md): "name", "source", `comment` (left out when empty) and
// the layers, one per line as in workloads/*.json (keys at their defaults left out). `text` is empty or
// parallel to workload.layers. The layers are written as they are: validate them first.
std::string to_json_trace(const Workload& workload, const std::string& comment,
                          const std::vector<TraceLayerText>& text = {});

// Checks one layer's shape (positive sizes, divisibility by groups, filter fits the padded input, no 64-bit
// overflow in MAC counts). Returns the problems found, each "<origin>: <problem>"; empty when valid.
std::vector<std::string> validate_layer(const Layer& layer);

}  // namespace sasim
