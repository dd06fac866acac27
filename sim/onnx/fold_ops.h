// SPDX-License-Identifier: MIT
// Internal to fold.cpp and fold_ops.cpp: the helpers and ops of the constant evaluator (fold.h). Every op
// follows the ONNX operator specification; results over kMaxFoldElements throw TooLarge (not evaluated,
// silently) and inputs an op refuses throw std::invalid_argument (not evaluated, with a warning).
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "onnx/fold.h"

namespace sasim::onnx_import::detail::fold_ops {

using Dims = std::vector<int64_t>;
using Values = std::vector<const ConstValue*>;

// A result over kMaxFoldElements: not evaluated, silently (it is not a shape computation).
struct TooLarge {};

// Helpers (fold.cpp).
bool supported_type(int32_t type);                  // element types evaluated here
std::optional<size_t> count(const Dims& dims);      // elements, or nullopt when over kMaxFoldElements
ConstValue make(int32_t type, Dims dims);           // zeros
int64_t wrap_to(int32_t type, int64_t x);           // an integer wrapped to the type's width
void put(ConstValue& v, size_t i, double x);        // stores x as v's type (float32 rounded, ints wrapped)
const ::onnx::AttributeProto* attr(const ::onnx::NodeProto& n, const char* name);
int64_t int_attr(const ::onnx::NodeProto& n, const char* name, int64_t def);
std::optional<Dims> ints_attr(const ::onnx::NodeProto& n, const char* name);
int64_t axis_of(int64_t axis, size_t rank, const char* what);  // -rank..rank-1 -> 0..rank-1, or throws
std::vector<size_t> strides_of(const Dims& dims);

// Ops (fold_ops.cpp).
// Numpy broadcasting: the output dims and, per input, the input element read for each output element.
Dims broadcast(const Values& inputs, std::vector<std::vector<size_t>>& index);
// Element-wise op over broadcast inputs; `int_fn` is used when every input is an integer tensor.
ConstValue elementwise(const Values& in, int32_t out_type, const std::function<double(const std::vector<double>&)>& fn,
                       const std::function<int64_t(const std::vector<int64_t>&)>& int_fn = {});
std::optional<ConstValue> binary(const std::string& op, const Values& in, const ::onnx::NodeProto& n);
std::optional<ConstValue> unary(const std::string& op, const ConstValue& x);
std::optional<ConstValue> variadic(const std::string& op, const Values& in);  // Min, Max, Sum
std::optional<ConstValue> reduce(const std::string& op, const ::onnx::NodeProto& n, const Values& v);
// The elements of `x` selected per output coordinate by `source` (output coords -> x's flat index).
ConstValue gather_by(const ConstValue& x, const Dims& out_dims,
                     const std::function<size_t(const std::vector<int64_t>&)>& source);
ConstValue gather(const ConstValue& x, const ConstValue& idx, int64_t axis);
ConstValue slice(const ConstValue& x, Dims starts, Dims ends, Dims axes, Dims steps);
ConstValue concat(const Values& in, int64_t axis);
ConstValue reshaped(ConstValue x, Dims dims);  // same elements, new dims (counts must agree)
ConstValue reshape(const ConstValue& x, const ConstValue& shape, bool allowzero);
Dims squeeze_dims(const Dims& in, const Dims& axes);
Dims unsqueeze_dims(const Dims& in, const Dims& axes);
ConstValue transpose(const ConstValue& x, Dims perm);
std::optional<ConstValue> constant(const ::onnx::NodeProto& n);  // a Constant node's value attribute

}  // namespace sasim::onnx_import::detail::fold_ops
