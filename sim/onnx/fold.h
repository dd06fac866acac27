// SPDX-License-Identifier: MIT
// Internal to sim/onnx: values of small constant tensors, and the evaluation of the integer and scalar
// arithmetic that exporters use to compute shapes at run time (Shape -> Gather -> Concat -> Reshape).
// read_graph folds such nodes into initializers so that ONNX's shape inference sees constant shapes
// (docs/onnx.md, "Constants"). Weights are never read: only tensors of at most kMaxFoldElements.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <onnx/onnx_pb.h>

namespace sasim::onnx_import::detail {

// Tensors larger than this are not evaluated (shape arithmetic works on a few dozen values).
constexpr uint64_t kMaxFoldElements = 1 << 16;

// A constant tensor's values: integers (and booleans) in `ints`, floating-point numbers in `floats`.
struct ConstValue {
    int32_t elem_type = ::onnx::TensorProto::INT64;  // TensorProto::DataType
    std::vector<int64_t> dims;
    std::vector<int64_t> ints;     // when !is_float()
    std::vector<double> floats;    // when is_float()

    bool is_float() const;
    size_t size() const { return is_float() ? floats.size() : ints.size(); }
    double at(size_t i) const { return is_float() ? floats[i] : static_cast<double>(ints[i]); }
};

// The values of an initializer or Constant tensor, or nullopt when it is large, stored externally, or of a
// type not evaluated here (strings, float16, complex).
std::optional<ConstValue> read_tensor(const ::onnx::TensorProto& tensor);
// `value` as a TensorProto named `name` (typed fields, not raw_data).
void write_tensor(const ConstValue& value, const std::string& name, ::onnx::TensorProto& out);

// Evaluates `node` on its inputs: `values[i]` is input i's value (nullptr when not known or omitted),
// `shapes[i]` its static shape (nullptr when not static; Shape and Size need only that). Returns one value
// per output, or nullopt when the op is not evaluated here, an input is missing or the result would be
// over kMaxFoldElements. Throws std::invalid_argument naming the problem for inputs the op refuses
// (a Gather index out of range, a Reshape that does not fit, ...).
std::optional<std::vector<ConstValue>> evaluate(const ::onnx::NodeProto& node,
                                                const std::vector<const ConstValue*>& values,
                                                const std::vector<const std::vector<int64_t>*>& shapes,
                                                int64_t opset);

// Whether evaluate() knows `op_type` (standard domain), for messages about shapes that stay unknown.
bool is_evaluated_op(const std::string& op_type);

}  // namespace sasim::onnx_import::detail
