// SPDX-License-Identifier: MIT
// Evaluation of small constant tensors: the shape arithmetic of exported models (docs/onnx.md, "Constants").
// Semantics follow the ONNX operator specification; integer division truncates as ONNX Runtime does.
#include "onnx/fold.h"

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

namespace {

// A result over kMaxFoldElements: not evaluated, silently (it is not a shape computation).
struct TooLarge {};

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

// Numpy broadcasting of `inputs` (all non-null): the output dims and, per input, the input element read
// for each output element.
Dims broadcast(const std::vector<const ConstValue*>& inputs, std::vector<std::vector<size_t>>& index) {
    size_t rank = 0;
    for (const auto* v : inputs) rank = std::max(rank, v->dims.size());
    Dims out(rank, 1);
    for (const auto* v : inputs) {
        for (size_t i = 0; i < v->dims.size(); ++i) {
            int64_t& o = out[rank - v->dims.size() + i];
            const int64_t d = v->dims[i];
            if (d != o && d != 1 && o != 1) throw std::invalid_argument("shapes do not broadcast");
            if (o == 1) o = d;
        }
    }
    const auto n = count(out);
    if (!n) throw TooLarge();
    index.assign(inputs.size(), std::vector<size_t>(*n));
    const std::vector<size_t> os = strides_of(out);
    for (size_t k = 0; k < inputs.size(); ++k) {
        const Dims& d = inputs[k]->dims;
        const std::vector<size_t> is = strides_of(d);
        for (size_t e = 0; e < *n; ++e) {
            size_t at = 0;
            for (size_t i = 0; i < d.size(); ++i) {
                const size_t coord = (e / os[rank - d.size() + i]) % static_cast<size_t>(out[rank - d.size() + i]);
                at += (d[i] == 1 ? 0 : coord) * is[i];
            }
            index[k][e] = at;
        }
    }
    return out;
}

using Values = std::vector<const ConstValue*>;

// Element-wise op over broadcast inputs. `int_fn` is used when every input is an integer tensor.
ConstValue elementwise(const Values& in, int32_t out_type, const std::function<double(const std::vector<double>&)>& fn,
                       const std::function<int64_t(const std::vector<int64_t>&)>& int_fn = {}) {
    std::vector<std::vector<size_t>> index;
    ConstValue out = make(out_type, broadcast(in, index));
    const bool ints = int_fn && std::none_of(in.begin(), in.end(), [](const ConstValue* v) { return v->is_float(); });
    std::vector<double> args(in.size());
    std::vector<int64_t> iargs(in.size());
    for (size_t e = 0; e < out.size(); ++e) {
        for (size_t k = 0; k < in.size(); ++k) {
            if (ints) iargs[k] = in[k]->ints[index[k][e]]; else args[k] = in[k]->at(index[k][e]);
        }
        if (ints && !out.is_float()) out.ints[e] = wrap_to(out.elem_type, int_fn(iargs)); else put(out, e, ints ? double(int_fn(iargs)) : fn(args));
    }
    return out;
}

// Two's-complement arithmetic (what ONNX Runtime's int64 kernels do on overflow), without C++'s UB.
int64_t wrapping(int64_t a, int64_t b, char op) {
    const auto ua = static_cast<uint64_t>(a), ub = static_cast<uint64_t>(b);
    return static_cast<int64_t>(op == '+' ? ua + ub : op == '-' ? ua - ub : ua * ub);
}

int64_t checked_div(int64_t a, int64_t b) {
    if (b == 0) throw std::invalid_argument("integer division by zero");
    if (b == -1 && a == INT64_MIN) throw std::invalid_argument("integer division overflows");
    return a / b;
}

int64_t checked_mod(int64_t a, int64_t b, bool fmod) {
    if (b == 0) throw std::invalid_argument("integer modulo by zero");
    if (b == -1) return 0;  // INT64_MIN % -1 traps on x86
    const int64_t r = a % b;
    return !fmod && r != 0 && ((r < 0) != (b < 0)) ? r + b : r;
}

std::optional<ConstValue> binary(const std::string& op, const Values& in, const ::onnx::NodeProto& n) {
    const int32_t t = in[0]->elem_type;
    const int32_t b = TensorProto::BOOL;
    using D = const std::vector<double>&;
    using I = const std::vector<int64_t>&;
    if (op == "Add") return elementwise(in, t, [](D x) { return x[0] + x[1]; }, [](I x) { return wrapping(x[0], x[1], '+'); });
    if (op == "Sub") return elementwise(in, t, [](D x) { return x[0] - x[1]; }, [](I x) { return wrapping(x[0], x[1], '-'); });
    if (op == "Mul") return elementwise(in, t, [](D x) { return x[0] * x[1]; }, [](I x) { return wrapping(x[0], x[1], '*'); });
    if (op == "Div") return elementwise(in, t, [](D x) { return x[0] / x[1]; }, [](I x) { return checked_div(x[0], x[1]); });
    if (op == "Mod") {
        const bool fm = int_attr(n, "fmod", 0) != 0;
        return elementwise(in, t, [](D x) { return std::fmod(x[0], x[1]); },
                           [fm](I x) { return checked_mod(x[0], x[1], fm); });
    }
    if (op == "Pow") return elementwise(in, t, [](D x) { return std::pow(x[0], x[1]); });
    if (op == "Equal") return elementwise(in, b, [](D x) { return double(x[0] == x[1]); }, [](I x) { return int64_t(x[0] == x[1]); });
    if (op == "Less") return elementwise(in, b, [](D x) { return double(x[0] < x[1]); }, [](I x) { return int64_t(x[0] < x[1]); });
    if (op == "Greater") return elementwise(in, b, [](D x) { return double(x[0] > x[1]); }, [](I x) { return int64_t(x[0] > x[1]); });
    if (op == "LessOrEqual") return elementwise(in, b, [](D x) { return double(x[0] <= x[1]); }, [](I x) { return int64_t(x[0] <= x[1]); });
    if (op == "GreaterOrEqual") return elementwise(in, b, [](D x) { return double(x[0] >= x[1]); }, [](I x) { return int64_t(x[0] >= x[1]); });
    if (op == "And") return elementwise(in, b, [](D x) { return double(x[0] != 0 && x[1] != 0); });
    if (op == "Or") return elementwise(in, b, [](D x) { return double(x[0] != 0 || x[1] != 0); });
    if (op == "Xor") return elementwise(in, b, [](D x) { return double((x[0] != 0) != (x[1] != 0)); });
    return std::nullopt;
}

std::optional<ConstValue> unary(const std::string& op, const ConstValue& x) {
    const Values in{&x};
    const int32_t t = x.elem_type;
    using D = const std::vector<double>&;
    using I = const std::vector<int64_t>&;
    if (op == "Identity") return x;
    if (op == "Neg") return elementwise(in, t, [](D v) { return -v[0]; }, [](I v) { return wrapping(0, v[0], '-'); });
    if (op == "Abs") return elementwise(in, t, [](D v) { return std::fabs(v[0]); }, [](I v) { return v[0] < 0 ? wrapping(0, v[0], '-') : v[0]; });
    if (op == "Sign") return elementwise(in, t, [](D v) { return double((v[0] > 0) - (v[0] < 0)); });
    if (op == "Floor") return elementwise(in, t, [](D v) { return std::floor(v[0]); });
    if (op == "Ceil") return elementwise(in, t, [](D v) { return std::ceil(v[0]); });
    if (op == "Round") return elementwise(in, t, [](D v) { return std::nearbyint(v[0]); });
    if (op == "Sqrt") return elementwise(in, t, [](D v) { return std::sqrt(v[0]); });
    if (op == "Reciprocal") return elementwise(in, t, [](D v) { return 1.0 / v[0]; });
    if (op == "Relu") return elementwise(in, t, [](D v) { return std::max(v[0], 0.0); });
    if (op == "Not") return elementwise(in, TensorProto::BOOL, [](D v) { return double(v[0] == 0); });
    return std::nullopt;
}

// Min, Max, Sum, Mean over any number of inputs.
std::optional<ConstValue> variadic(const std::string& op, const Values& in) {
    const int32_t t = in[0]->elem_type;
    using D = const std::vector<double>&;
    using I = const std::vector<int64_t>&;
    if (op == "Min") return elementwise(in, t, [](D v) { return *std::min_element(v.begin(), v.end()); },
                                        [](I v) { return *std::min_element(v.begin(), v.end()); });
    if (op == "Max") return elementwise(in, t, [](D v) { return *std::max_element(v.begin(), v.end()); },
                                        [](I v) { return *std::max_element(v.begin(), v.end()); });
    if (op == "Sum") return elementwise(in, t, [](D v) { double s = 0; for (double x : v) s += x; return s; });
    return std::nullopt;
}

// The reduction axes of a Reduce* node (attribute, or input 1 from opset 13 for ReduceSum and 18 for the
// others); empty = all axes unless noop_with_empty_axes.
std::optional<ConstValue> reduce(const std::string& op, const ::onnx::NodeProto& n, const Values& v) {
    const ConstValue& x = *v[0];
    Dims axes = ints_attr(n, "axes").value_or(Dims{});
    if (v.size() > 1 && v[1] != nullptr) {
        if (v[1]->is_float()) return std::nullopt;  // axes must be integers: a malformed node
        axes = v[1]->ints;
    }
    if (axes.empty() && int_attr(n, "noop_with_empty_axes", 0) != 0) return x;
    std::vector<bool> reduced(x.dims.size(), axes.empty());
    for (int64_t a : axes) reduced[axis_of(a, x.dims.size(), "reduction axis")] = true;
    const bool keep = int_attr(n, "keepdims", 1) != 0;
    Dims out_dims, kept_dims;
    for (size_t i = 0; i < x.dims.size(); ++i) {
        if (!reduced[i]) out_dims.push_back(x.dims[i]);
        kept_dims.push_back(reduced[i] ? 1 : x.dims[i]);
        if (reduced[i] && keep) out_dims.push_back(1);
    }
    if (keep) out_dims = kept_dims;
    ConstValue out = make(x.elem_type, out_dims);
    std::vector<double> acc(out.size(), op == "ReduceProd" ? 1.0 : op == "ReduceMin" ? INFINITY
                                                           : op == "ReduceMax" ? -INFINITY : 0.0);
    const std::vector<size_t> xs = strides_of(x.dims), ks = strides_of(kept_dims);
    for (size_t e = 0; e < x.size(); ++e) {
        size_t o = 0;
        for (size_t i = 0; i < x.dims.size(); ++i) {
            if (!reduced[i]) o += (e / xs[i]) % static_cast<size_t>(x.dims[i]) * ks[i];
        }
        const double val = x.at(e);
        double& a = acc[o];
        a = op == "ReduceProd" ? a * val : op == "ReduceMin" ? std::min(a, val) : op == "ReduceMax" ? std::max(a, val) : a + val;
    }
    const double group = out.size() ? static_cast<double>(x.size()) / static_cast<double>(out.size()) : 1.0;
    for (size_t e = 0; e < out.size(); ++e) put(out, e, op == "ReduceMean" ? acc[e] / group : acc[e]);
    return out;
}

// Copies the elements of `x` selected per output coordinate by `source` (output coords -> x coords).
ConstValue gather_by(const ConstValue& x, const Dims& out_dims, const std::function<size_t(const std::vector<int64_t>&)>& source) {
    ConstValue out = make(x.elem_type, out_dims);
    std::vector<int64_t> coord(out_dims.size());
    const std::vector<size_t> os = strides_of(out_dims);
    for (size_t e = 0; e < out.size(); ++e) {
        for (size_t i = 0; i < out_dims.size(); ++i) coord[i] = static_cast<int64_t>((e / os[i]) % static_cast<size_t>(out_dims[i]));
        const size_t from = source(coord);
        if (out.is_float()) out.floats[e] = x.floats[from]; else out.ints[e] = x.ints[from];
    }
    return out;
}

ConstValue gather(const ConstValue& x, const ConstValue& idx, int64_t axis_in) {
    if (x.dims.empty()) throw std::invalid_argument("Gather of a scalar");
    const auto axis = static_cast<size_t>(axis_of(axis_in, x.dims.size(), "axis"));
    Dims out(x.dims.begin(), x.dims.begin() + static_cast<long>(axis));
    out.insert(out.end(), idx.dims.begin(), idx.dims.end());
    out.insert(out.end(), x.dims.begin() + static_cast<long>(axis) + 1, x.dims.end());
    if (!count(out)) throw TooLarge();
    const std::vector<size_t> xs = strides_of(x.dims), is = strides_of(idx.dims);
    const size_t r = idx.dims.size();
    return gather_by(x, out, [&](const std::vector<int64_t>& c) {
        size_t at = 0, ii = 0;
        for (size_t i = 0; i < axis; ++i) at += static_cast<size_t>(c[i]) * xs[i];
        for (size_t i = 0; i < r; ++i) ii += static_cast<size_t>(c[axis + i]) * is[i];
        int64_t k = idx.ints[ii];
        if (k < -x.dims[axis] || k >= x.dims[axis]) {
            throw std::invalid_argument(fmt::format("Gather index {} is outside 0..{}", k, x.dims[axis] - 1));
        }
        if (k < 0) k += x.dims[axis];
        at += static_cast<size_t>(k) * xs[axis];
        for (size_t i = axis + 1; i < x.dims.size(); ++i) at += static_cast<size_t>(c[i - 1 + r]) * xs[i];
        return at;
    });
}

ConstValue slice(const ConstValue& x, Dims starts, Dims ends, Dims axes, Dims steps) {
    if (axes.empty()) for (size_t i = 0; i < starts.size(); ++i) axes.push_back(static_cast<int64_t>(i));
    if (steps.empty()) steps.assign(starts.size(), 1);
    if (ends.size() != starts.size() || axes.size() != starts.size() || steps.size() != starts.size()) {
        throw std::invalid_argument("Slice starts, ends, axes and steps differ in length");
    }
    const size_t rank = x.dims.size();
    Dims first(rank, 0), step(rank, 1), out = x.dims;
    for (size_t k = 0; k < starts.size(); ++k) {
        const auto a = static_cast<size_t>(axis_of(axes[k], rank, "Slice axis"));
        const int64_t d = x.dims[a], s = steps[k];
        if (s == 0) throw std::invalid_argument("Slice step 0");
        const auto clampi = [&](int64_t v, int64_t lo, int64_t hi) { return std::clamp(v < 0 ? v + d : v, lo, hi); };
        const int64_t b = s > 0 ? clampi(starts[k], 0, d) : clampi(starts[k], 0, d - 1);
        const int64_t e = s > 0 ? clampi(ends[k], 0, d) : clampi(ends[k], -1, d - 1);
        first[a] = b;
        step[a] = s;
        out[a] = s > 0 ? std::max<int64_t>(0, (e - b + s - 1) / s) : std::max<int64_t>(0, (b - e - s - 1) / -s);
    }
    const std::vector<size_t> xs = strides_of(x.dims);
    return gather_by(x, out, [&](const std::vector<int64_t>& c) {
        size_t at = 0;
        for (size_t i = 0; i < rank; ++i) at += static_cast<size_t>(first[i] + c[i] * step[i]) * xs[i];
        return at;
    });
}

ConstValue concat(const Values& in, int64_t axis_in) {
    const size_t rank = in[0]->dims.size();
    const auto axis = static_cast<size_t>(axis_of(axis_in, rank, "Concat axis"));
    Dims out = in[0]->dims;
    out[axis] = 0;
    for (const auto* v : in) {
        if (v->dims.size() != rank || v->elem_type != in[0]->elem_type) throw std::invalid_argument("Concat inputs differ");
        for (size_t i = 0; i < rank; ++i) {
            if (i != axis && v->dims[i] != in[0]->dims[i]) throw std::invalid_argument("Concat inputs differ in shape");
        }
        out[axis] += v->dims[axis];
    }
    if (!count(out)) throw TooLarge();
    ConstValue r = make(in[0]->elem_type, out);
    std::vector<int64_t> coord(rank);
    const std::vector<size_t> os = strides_of(out);
    for (size_t e = 0; e < r.size(); ++e) {
        for (size_t i = 0; i < rank; ++i) coord[i] = static_cast<int64_t>((e / os[i]) % static_cast<size_t>(out[i]));
        size_t k = 0;
        while (coord[axis] >= in[k]->dims[axis]) coord[axis] -= in[k++]->dims[axis];
        const std::vector<size_t> is = strides_of(in[k]->dims);
        size_t at = 0;
        for (size_t i = 0; i < rank; ++i) at += static_cast<size_t>(coord[i]) * is[i];
        if (r.is_float()) r.floats[e] = in[k]->floats[at]; else r.ints[e] = in[k]->ints[at];
    }
    return r;
}

ConstValue reshaped(ConstValue x, Dims dims) {
    if (count(dims) != x.size()) throw std::invalid_argument(fmt::format("cannot reshape {} elements", x.size()));
    x.dims = std::move(dims);
    return x;
}

ConstValue reshape(const ConstValue& x, const ConstValue& shape, bool allowzero) {
    Dims d = shape.ints;
    int64_t infer = -1, known = 1;
    for (size_t i = 0; i < d.size(); ++i) {
        if (d[i] == 0 && !allowzero) {
            if (i >= x.dims.size()) throw std::invalid_argument("Reshape 0 beyond the input's rank");
            d[i] = x.dims[i];
        }
        if (d[i] == -1) {
            if (infer >= 0) throw std::invalid_argument("Reshape with two -1");
            infer = static_cast<int64_t>(i);
        } else if (d[i] < 0) {
            throw std::invalid_argument("Reshape dimension below -1");
        } else {
            known *= d[i];
        }
    }
    if (infer >= 0) {
        if (known == 0 || static_cast<int64_t>(x.size()) % known != 0) throw std::invalid_argument("Reshape does not fit");
        d[static_cast<size_t>(infer)] = static_cast<int64_t>(x.size()) / known;
    }
    return reshaped(x, d);
}

Dims squeeze_dims(const Dims& in, const Dims& axes) {
    std::vector<bool> drop(in.size(), axes.empty());
    for (int64_t a : axes) drop[axis_of(a, in.size(), "Squeeze axis")] = true;
    Dims out;
    for (size_t i = 0; i < in.size(); ++i) {
        if (drop[i] && in[i] != 1 && !axes.empty()) throw std::invalid_argument("Squeeze of a dimension that is not 1");
        if (!(drop[i] && in[i] == 1)) out.push_back(in[i]);
    }
    return out;
}

Dims unsqueeze_dims(const Dims& in, const Dims& axes) {
    const size_t rank = in.size() + axes.size();
    std::vector<bool> add(rank, false);
    for (int64_t a : axes) {
        const auto at = static_cast<size_t>(axis_of(a, rank, "Unsqueeze axis"));
        if (add[at]) throw std::invalid_argument("Unsqueeze axes repeat");
        add[at] = true;
    }
    Dims out;
    size_t k = 0;
    for (size_t i = 0; i < rank; ++i) out.push_back(add[i] ? 1 : in.at(k++));
    return out;
}

ConstValue transpose(const ConstValue& x, Dims perm) {
    const size_t rank = x.dims.size();
    if (perm.empty()) for (size_t i = rank; i-- > 0;) perm.push_back(static_cast<int64_t>(i));
    if (perm.size() != rank) throw std::invalid_argument("Transpose perm does not match the rank");
    std::vector<bool> seen(rank, false);
    for (int64_t& p : perm) {
        p = axis_of(p, rank, "perm");
        if (seen[static_cast<size_t>(p)]) throw std::invalid_argument("Transpose perm is not a permutation");
        seen[static_cast<size_t>(p)] = true;
    }
    Dims out(rank);
    for (size_t i = 0; i < rank; ++i) out[i] = x.dims[static_cast<size_t>(axis_of(perm[i], rank, "perm"))];
    const std::vector<size_t> xs = strides_of(x.dims);
    return gather_by(x, out, [&](const std::vector<int64_t>& c) {
        size_t at = 0;
        for (size_t i = 0; i < rank; ++i) at += static_cast<size_t>(c[i]) * xs[static_cast<size_t>(perm[i] < 0 ? perm[i] + static_cast<int64_t>(rank) : perm[i])];
        return at;
    });
}

// The value of a Constant node's attribute.
std::optional<ConstValue> constant(const ::onnx::NodeProto& n) {
    for (const auto& a : n.attribute()) {
        ConstValue v;
        if (a.name() == "value") return read_tensor(a.t());
        if (a.name() == "value_int") { v.ints = {a.i()}; return v; }
        if (a.name() == "value_ints") { v.ints.assign(a.ints().begin(), a.ints().end()); v.dims = {a.ints_size()}; return v; }
        v.elem_type = TensorProto::FLOAT;
        if (a.name() == "value_float") { v.floats = {a.f()}; return v; }
        if (a.name() == "value_floats") { v.floats.assign(a.floats().begin(), a.floats().end()); v.dims = {a.floats_size()}; return v; }
    }
    return std::nullopt;
}

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
        std::vector<std::vector<size_t>> index;
        const Values both{args[0], &shape_only};
        for (int64_t d : shape_only.dims) {
            if (d < 0) throw std::invalid_argument("Expand to a negative dimension");
        }
        const Dims out = broadcast(both, index);
        ConstValue v = make(args[0]->elem_type, out);
        for (size_t e = 0; e < v.size(); ++e) {
            if (v.is_float()) v.floats[e] = args[0]->floats[index[0][e]]; else v.ints[e] = args[0]->ints[index[0][e]];
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
