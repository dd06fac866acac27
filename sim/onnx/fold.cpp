// SPDX-License-Identifier: MIT
// Evaluation of small constant tensors: the shape arithmetic of exported models (docs/onnx.md, "Constants").
// Semantics follow the ONNX operator specification; integer division truncates as ONNX Runtime does.
#include "onnx/fold.h"
#include "onnx/fold_ops.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <stdexcept>
#include <unordered_set>

#include <fmt/format.h>

namespace sasim::onnx_import::detail {

using ::onnx::TensorProto;
using Dims = std::vector<int64_t>;

bool ConstValue::is_float() const {
    return elem_type == TensorProto::FLOAT || elem_type == TensorProto::DOUBLE;
}

namespace fold_ops {

bool supported_type(int32_t t) {
    switch (t) {
        case TensorProto::FLOAT: case TensorProto::DOUBLE: case TensorProto::INT64: case TensorProto::INT32:
        case TensorProto::INT16: case TensorProto::INT8: case TensorProto::UINT8: case TensorProto::UINT16:
        case TensorProto::UINT32: case TensorProto::UINT64: case TensorProto::BOOL:
            return true;
        default:
            return false;
    }
}

// Product of `dims`, or nullopt when a dim is negative or the product is over kMaxFoldElements.
std::optional<size_t> count(const Dims& dims) {
    uint64_t n = 1;
    for (int64_t d : dims) {
        if (d < 0 || static_cast<uint64_t>(d) > kMaxFoldElements) return std::nullopt;  // n * d cannot wrap
        n *= static_cast<uint64_t>(d);
        if (n > kMaxFoldElements) return std::nullopt;
    }
    return static_cast<size_t>(n);
}

ConstValue make(int32_t type, Dims dims) {
    ConstValue v;
    v.elem_type = type;
    v.dims = std::move(dims);
    const size_t n = count(v.dims).value_or(0);
    if (v.is_float()) v.floats.assign(n, 0.0); else v.ints.assign(n, 0);
    return v;
}

// An integer as v's element type holds it: wrapped to the type's width (Cast to uint8 of -1 is 255).
int64_t wrap_to(int32_t type, int64_t x) {
    switch (type) {
        case TensorProto::BOOL: return x != 0;
        case TensorProto::INT8: return static_cast<int8_t>(x);
        case TensorProto::UINT8: return static_cast<uint8_t>(x);
        case TensorProto::INT16: return static_cast<int16_t>(x);
        case TensorProto::UINT16: return static_cast<uint16_t>(x);
        case TensorProto::INT32: return static_cast<int32_t>(x);
        case TensorProto::UINT32: return static_cast<uint32_t>(x);
        default: return x;
    }
}

// Stores `x` at `i`, converted to v's type: rounded to float32 for FLOAT (exporters compute sizes such as
// floor(H * 0.7f) in float32), truncated toward zero and wrapped to the width for integers, 0/1 for BOOL.
void put(ConstValue& v, size_t i, double x) {
    if (v.elem_type == TensorProto::FLOAT) {
        v.floats[i] = static_cast<double>(static_cast<float>(x));
    } else if (v.is_float()) {
        v.floats[i] = x;
    } else if (v.elem_type == TensorProto::BOOL) {
        v.ints[i] = x != 0.0;
    } else {
        if (!std::isfinite(x) || std::fabs(x) > 9.2e18) throw std::invalid_argument("value out of integer range");
        v.ints[i] = wrap_to(v.elem_type, static_cast<int64_t>(x));
    }
}

const ::onnx::AttributeProto* attr(const ::onnx::NodeProto& n, const char* name) {
    for (const auto& a : n.attribute()) {
        if (a.name() == name) return &a;
    }
    return nullptr;
}
int64_t int_attr(const ::onnx::NodeProto& n, const char* name, int64_t def) {
    const auto* a = attr(n, name);
    return a ? a->i() : def;
}
std::optional<Dims> ints_attr(const ::onnx::NodeProto& n, const char* name) {
    const auto* a = attr(n, name);
    if (!a) return std::nullopt;
    return Dims(a->ints().begin(), a->ints().end());
}

// An axis in -rank..rank-1 as 0..rank-1.
int64_t axis_of(int64_t axis, size_t rank, const char* what) {
    const auto r = static_cast<int64_t>(rank);
    if (axis < -r || axis >= r) throw std::invalid_argument(fmt::format("{} {} is outside rank {}", what, axis, r));
    return axis < 0 ? axis + r : axis;
}

std::vector<size_t> strides_of(const Dims& dims) {
    std::vector<size_t> s(dims.size(), 1);
    for (size_t i = dims.size(); i-- > 1;) s[i - 1] = s[i] * static_cast<size_t>(dims[i]);
    return s;
}

}  // namespace fold_ops

namespace {

using namespace fold_ops;

const std::unordered_set<std::string>& evaluated_ops() {
    static const std::unordered_set<std::string> ops = {
        "Shape", "Size", "Constant", "ConstantOfShape", "Cast", "Identity", "Neg", "Abs", "Sign", "Floor", "Ceil",
        "Round", "Sqrt", "Reciprocal", "Relu", "Not", "Add", "Sub", "Mul", "Div", "Mod", "Pow", "Equal", "Less",
        "Greater", "LessOrEqual", "GreaterOrEqual", "And", "Or", "Xor", "Min", "Max", "Sum", "Where", "Gather",
        "Slice", "Concat", "Squeeze", "Unsqueeze", "Reshape", "Flatten", "Range", "Expand", "Tile", "Transpose",
        "ReduceProd", "ReduceSum", "ReduceMin", "ReduceMax", "ReduceMean"};
    return ops;
}

}  // namespace

bool is_evaluated_op(const std::string& op_type) { return evaluated_ops().count(op_type) != 0; }

std::optional<ConstValue> read_tensor(const TensorProto& t) {
    if (t.data_location() == TensorProto::EXTERNAL || !supported_type(t.data_type())) return std::nullopt;
    ConstValue v;
    v.elem_type = t.data_type();
    v.dims.assign(t.dims().begin(), t.dims().end());
    const auto n = count(v.dims);
    if (!n) return std::nullopt;
    if (t.has_raw_data()) {
        const std::string& raw = t.raw_data();
        size_t width = 1;
        switch (t.data_type()) {
            case TensorProto::DOUBLE: case TensorProto::INT64: case TensorProto::UINT64: width = 8; break;
            case TensorProto::FLOAT: case TensorProto::INT32: case TensorProto::UINT32: width = 4; break;
            case TensorProto::INT16: case TensorProto::UINT16: width = 2; break;
            default: break;
        }
        if (raw.size() != *n * width) return std::nullopt;
        for (size_t i = 0; i < *n; ++i) {
            const char* p = raw.data() + i * width;
            switch (t.data_type()) {
                case TensorProto::FLOAT: { float f; std::memcpy(&f, p, 4); v.floats.push_back(f); break; }
                case TensorProto::DOUBLE: { double d; std::memcpy(&d, p, 8); v.floats.push_back(d); break; }
                case TensorProto::INT64: { int64_t x; std::memcpy(&x, p, 8); v.ints.push_back(x); break; }
                case TensorProto::INT32: { int32_t x; std::memcpy(&x, p, 4); v.ints.push_back(x); break; }
                case TensorProto::UINT32: { uint32_t x; std::memcpy(&x, p, 4); v.ints.push_back(x); break; }
                case TensorProto::UINT64: { uint64_t x; std::memcpy(&x, p, 8); v.ints.push_back(static_cast<int64_t>(x)); break; }
                case TensorProto::INT16: { int16_t x; std::memcpy(&x, p, 2); v.ints.push_back(x); break; }
                case TensorProto::UINT16: { uint16_t x; std::memcpy(&x, p, 2); v.ints.push_back(x); break; }
                case TensorProto::INT8: v.ints.push_back(static_cast<int8_t>(*p)); break;
                default: v.ints.push_back(static_cast<uint8_t>(*p)); break;  // UINT8, BOOL
            }
        }
        return v;
    }
    switch (t.data_type()) {
        case TensorProto::FLOAT: v.floats.assign(t.float_data().begin(), t.float_data().end()); break;
        case TensorProto::DOUBLE: v.floats.assign(t.double_data().begin(), t.double_data().end()); break;
        case TensorProto::INT64: v.ints.assign(t.int64_data().begin(), t.int64_data().end()); break;
        case TensorProto::UINT32: case TensorProto::UINT64:
            for (uint64_t x : t.uint64_data()) v.ints.push_back(static_cast<int64_t>(x));
            break;
        default: v.ints.assign(t.int32_data().begin(), t.int32_data().end()); break;
    }
    return v.size() == *n ? std::optional<ConstValue>(v) : std::nullopt;
}

void write_tensor(const ConstValue& v, const std::string& name, TensorProto& out) {
    out.Clear();
    out.set_name(name);
    out.set_data_type(v.elem_type);
    for (int64_t d : v.dims) out.add_dims(d);
    switch (v.elem_type) {
        case TensorProto::FLOAT: for (double x : v.floats) out.add_float_data(static_cast<float>(x)); break;
        case TensorProto::DOUBLE: for (double x : v.floats) out.add_double_data(x); break;
        case TensorProto::INT64: for (int64_t x : v.ints) out.add_int64_data(x); break;
        case TensorProto::UINT32: case TensorProto::UINT64:
            for (int64_t x : v.ints) out.add_uint64_data(static_cast<uint64_t>(x));
            break;
        default: for (int64_t x : v.ints) out.add_int32_data(static_cast<int32_t>(x)); break;
    }
}

std::optional<std::vector<ConstValue>> evaluate_checked(const ::onnx::NodeProto& n, const Values& values,
                                                        const std::vector<const Dims*>& shapes, int64_t opset);

std::optional<std::vector<ConstValue>> evaluate(const ::onnx::NodeProto& n, const Values& values,
                                                const std::vector<const Dims*>& shapes, int64_t opset) {
    try {
        return evaluate_checked(n, values, shapes, opset);
    } catch (const TooLarge&) {
        return std::nullopt;
    }
}

std::optional<std::vector<ConstValue>> evaluate_checked(const ::onnx::NodeProto& n, const Values& values,
                                                        const std::vector<const Dims*>& shapes, int64_t opset) {
    const std::string& op = n.op_type();
    if (!evaluated_ops().count(op) || n.output_size() != 1) return std::nullopt;
    const auto in = [&](int i) -> const ConstValue* { return i < static_cast<int>(values.size()) ? values[i] : nullptr; };
    const auto wrap = [](std::optional<ConstValue> v) -> std::optional<std::vector<ConstValue>> {
        if (!v || v->size() > kMaxFoldElements) return std::nullopt;
        return std::vector<ConstValue>{std::move(*v)};
    };
    if (op == "Constant") return wrap(constant(n));
    if (op == "Shape" || op == "Size") {
        if (shapes.empty() || shapes[0] == nullptr) return std::nullopt;
        const Dims& s = *shapes[0];
        ConstValue v;
        if (op == "Size") {
            v.ints = {1};
            for (int64_t d : s) v.ints[0] *= d;
            return wrap(v);
        }
        const auto r = static_cast<int64_t>(s.size());
        int64_t b = int_attr(n, "start", 0), e = int_attr(n, "end", r);
        b = std::clamp(b < 0 ? b + r : b, int64_t{0}, r);
        e = std::clamp(e < 0 ? e + r : e, int64_t{0}, r);
        v.ints.assign(s.begin() + b, s.begin() + std::max(b, e));
        v.dims = {static_cast<int64_t>(v.ints.size())};
        return wrap(v);
    }
    // Every other op needs the values of its (non-omitted) inputs.
    Values args;
    for (int i = 0; i < n.input_size(); ++i) {
        if (n.input(i).empty()) { args.push_back(nullptr); continue; }
        if (!in(i)) return std::nullopt;
        args.push_back(in(i));
    }
    const auto arg = [&](size_t i) -> const ConstValue* { return i < args.size() ? args[i] : nullptr; };
    // Input 0 is required by every op below but Range (checked there); an omitted one means a malformed node.
    if ((args.empty() || args[0] == nullptr) && op != "Range") return std::nullopt;
    const bool all_given = std::all_of(args.begin(), args.end(), [](const ConstValue* p) { return p != nullptr; });
    // An input that holds indices, axes or a shape: given, and of an integer type (else the node is malformed).
    const auto index = [&](size_t i) -> const ConstValue* {
        const ConstValue* v = i < args.size() ? args[i] : nullptr;
        return v != nullptr && !v->is_float() ? v : nullptr;
    };
    if (op == "ConstantOfShape") {
        ConstValue fill;
        fill.elem_type = TensorProto::FLOAT;
        fill.floats = {0.0};
        if (const auto* a = attr(n, "value")) {
            auto f = read_tensor(a->t());
            if (!f || f->size() != 1) return std::nullopt;
            fill = *f;
        }
        if (!index(0) || !count(args[0]->ints)) return std::nullopt;
        ConstValue v = make(fill.elem_type, args[0]->ints);
        for (size_t e = 0; e < v.size(); ++e) put(v, e, fill.at(0));
        return wrap(v);
    }
    if (op == "Cast") {
        const auto to = static_cast<int32_t>(int_attr(n, "to", 0));
        if (!supported_type(to)) return std::nullopt;
        ConstValue v = make(to, args[0]->dims);
        for (size_t e = 0; e < v.size(); ++e) {
            if (!v.is_float() && !args[0]->is_float()) {
                v.ints[e] = wrap_to(to, args[0]->ints[e]);  // exact beyond 2^53
            } else {
                put(v, e, args[0]->at(e));
            }
        }
        return wrap(v);
    }
    if (auto u = args.size() == 1 ? unary(op, *args[0]) : std::nullopt) return wrap(u);
    if (args.size() == 2 && arg(0) && arg(1)) {
        if (auto b = binary(op, args, n)) return wrap(b);
    }
    if ((op == "Min" || op == "Max" || op == "Sum") && all_given) {
        return wrap(variadic(op, args));
    }
    if (op == "Where" && args.size() == 3 && all_given) {
        return wrap(elementwise(args, args[1]->elem_type, [](const std::vector<double>& x) { return x[0] != 0 ? x[1] : x[2]; },
                                [](const std::vector<int64_t>& x) { return x[0] != 0 ? x[1] : x[2]; }));
    }
    if (op == "Gather" && index(1)) return wrap(gather(*args[0], *args[1], int_attr(n, "axis", 0)));
    if (op == "Slice") {
        if (opset < 10) {
            return wrap(slice(*args[0], ints_attr(n, "starts").value_or(Dims{}), ints_attr(n, "ends").value_or(Dims{}),
                              ints_attr(n, "axes").value_or(Dims{}), {}));
        }
        if (!index(1) || !index(2) || (arg(3) && !index(3)) || (arg(4) && !index(4))) return std::nullopt;
        return wrap(slice(*args[0], args[1]->ints, args[2]->ints, arg(3) ? arg(3)->ints : Dims{},
                          arg(4) ? arg(4)->ints : Dims{}));
    }
    if (op == "Concat") return all_given ? wrap(concat(args, int_attr(n, "axis", 0))) : std::nullopt;
    if (op == "Squeeze" || op == "Unsqueeze") {
        if (opset >= 13 && arg(1) && !index(1)) return std::nullopt;
        const Dims axes = opset < 13 ? ints_attr(n, "axes").value_or(Dims{}) : arg(1) ? arg(1)->ints : Dims{};
        if (op == "Unsqueeze" && axes.empty()) return std::nullopt;
        return wrap(reshaped(*args[0], op == "Squeeze" ? squeeze_dims(args[0]->dims, axes)
                                                       : unsqueeze_dims(args[0]->dims, axes)));
    }
    if (op == "Reshape" && index(1)) return wrap(reshape(*args[0], *args[1], int_attr(n, "allowzero", 0) != 0));
    if (op == "Flatten") {
        const int64_t r = static_cast<int64_t>(args[0]->dims.size()), axis = int_attr(n, "axis", 1);
        if (axis < -r || axis > r) throw std::invalid_argument("Flatten axis outside the rank");
        const auto a = static_cast<size_t>(axis < 0 ? axis + r : axis);
        int64_t outer = 1;
        for (size_t i = 0; i < a; ++i) outer *= args[0]->dims[i];
        return wrap(reshaped(*args[0], {outer, outer ? static_cast<int64_t>(args[0]->size()) / outer : 0}));
    }
    if (op == "Range" && arg(0) && arg(1) && arg(2) && args[0]->size() == 1 && args[1]->size() == 1 &&
        args[2]->size() == 1) {
        const double start = args[0]->at(0), limit = args[1]->at(0), delta = args[2]->at(0);
        if (delta == 0) throw std::invalid_argument("Range delta 0");
        const double steps = std::max(0.0, std::ceil((limit - start) / delta));
        if (steps > kMaxFoldElements) return std::nullopt;
        ConstValue v = make(args[0]->elem_type, {static_cast<int64_t>(steps)});
        for (size_t e = 0; e < v.size(); ++e) put(v, e, start + static_cast<double>(e) * delta);
        return wrap(v);
    }
    if (op == "Expand" && index(1)) {
        ConstValue shape_only = make(TensorProto::BOOL, {});
        shape_only.dims = args[1]->ints;
        std::vector<std::vector<size_t>> picks;
        const Values both{args[0], &shape_only};
        for (int64_t d : shape_only.dims) {
            if (d < 0) throw std::invalid_argument("Expand to a negative dimension");
        }
        const Dims out = broadcast(both, picks);
        ConstValue v = make(args[0]->elem_type, out);
        for (size_t e = 0; e < v.size(); ++e) {
            if (v.is_float()) v.floats[e] = args[0]->floats[picks[0][e]]; else v.ints[e] = args[0]->ints[picks[0][e]];
        }
        return wrap(v);
    }
    if (op == "Tile" && index(1)) {
        const ConstValue& x = *args[0];
        if (args[1]->ints.size() != x.dims.size()) throw std::invalid_argument("Tile repeats do not match the rank");
        Dims out = x.dims;
        for (size_t i = 0; i < out.size(); ++i) out[i] *= args[1]->ints[i];
        if (!count(out)) return std::nullopt;
        const std::vector<size_t> xs = strides_of(x.dims);
        return wrap(gather_by(x, out, [&](const std::vector<int64_t>& c) {
            size_t at = 0;
            for (size_t i = 0; i < c.size(); ++i) at += static_cast<size_t>(c[i] % x.dims[i]) * xs[i];
            return at;
        }));
    }
    if (op == "Transpose") return wrap(transpose(*args[0], ints_attr(n, "perm").value_or(Dims{})));
    if (op.rfind("Reduce", 0) == 0) return wrap(reduce(op, n, args));
    return std::nullopt;
}

}  // namespace sasim::onnx_import::detail
