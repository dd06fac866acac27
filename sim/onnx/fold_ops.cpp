// SPDX-License-Identifier: MIT
// The ops fold.cpp evaluates (fold_ops.h): ONNX semantics on small constant tensors.
#include "onnx/fold_ops.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

namespace sasim::onnx_import::detail::fold_ops {

using ::onnx::TensorProto;

namespace {

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

}  // namespace

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

// Element-wise op over broadcast inputs. `int_fn` is used when every input is an integer tensor.
ConstValue elementwise(const Values& in, int32_t out_type, const std::function<double(const std::vector<double>&)>& fn,
                       const std::function<int64_t(const std::vector<int64_t>&)>& int_fn) {
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

}  // namespace sasim::onnx_import::detail::fold_ops
