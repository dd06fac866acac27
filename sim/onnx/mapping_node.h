// SPDX-License-Identifier: MIT
// Internal to sim/onnx: the helpers the node mappers share (mapping.cpp, recurrent.cpp): one node being
// mapped (its input shapes, attributes and problems), and the making of its layers.
#pragma once
#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "onnx/mapping.h"

namespace sasim::onnx_import::detail {

using Dims = std::vector<int64_t>;

inline std::string dims_str(const Dims& d) {
    std::string s = "[";
    for (size_t i = 0; i < d.size(); ++i) s += (i ? ", " : "") + std::to_string(d[i]);
    return s + "]";
}

// Sizes and attributes beyond this are refused before any arithmetic, so sums and pairwise products of
// them fit int64; longer products go through mapping.cpp's mul, which saturates.
constexpr int64_t kMaxValue = int64_t{1} << 31;

// One node being mapped: its inputs' shapes, its attributes, and the problems found.
struct Node {
    const Graph& g;
    const ::onnx::NodeProto& n;
    std::string label;
    std::string name;  // the layer name (layer_name)
    std::vector<std::string>& problems;
    bool ok = true;

    void fail(const std::string& what) {
        ok = false;
        problems.push_back(fmt::format("{}: node {}: {}", g.path, label, what));
    }

    const ::onnx::AttributeProto* attr(const char* name) const {
        for (const auto& a : n.attribute()) {
            if (a.name() == name) return &a;
        }
        return nullptr;
    }
    int64_t int_attr(const char* name, int64_t def) const {
        const auto* a = attr(name);
        return a != nullptr ? a->i() : def;
    }
    std::string str_attr(const char* name, const std::string& def) const {
        const auto* a = attr(name);
        return a != nullptr ? a->s() : def;
    }
    // An ints attribute of `size` values, each >= `min`; `def` when absent.
    Dims ints_attr(const char* name, size_t size, int64_t def, int64_t min) {
        const auto* a = attr(name);
        if (a == nullptr) return Dims(size, def);
        Dims v(a->ints().begin(), a->ints().end());
        if (v.size() != size) {
            fail(fmt::format("attribute {} has {} values, expected {}", name, v.size(), size));
        } else if (std::any_of(v.begin(), v.end(), [&](int64_t x) { return x < min || x > kMaxValue; })) {
            fail(fmt::format("attribute {} = {}: every value must be in {}..{}", name, dims_str(v), min, kMaxValue));
        }
        return v.size() == size ? v : Dims(size, def);
    }

    // The static shape of input `i` (`role` names it in messages), or nullopt after reporting why not.
    std::optional<Dims> input(int i, const char* role) {
        if (i >= n.input_size() || n.input(i).empty()) {
            fail(fmt::format("input {} ({}) is missing", i, role));
            return std::nullopt;
        }
        const std::string& t = n.input(i);
        const TensorShape& s = g.shape(t);
        if (s.is_static()) {
            if (std::any_of(s.dims.begin(), s.dims.end(), [](int64_t d) { return d > kMaxValue; })) {
                fail(fmt::format("input {} '{}' {} has a dimension over {}", role, t, s.to_string(), kMaxValue));
                return std::nullopt;
            }
            return s.dims;
        }
        const std::string why = g.unknown_shape_reason(t);
        fail(fmt::format("the shape of input {} '{}' is {} after shape inference, so the layer cannot be sized{}",
                         role, t, s.known ? "not fully known " + s.to_string() : "unknown", why));
        return std::nullopt;
    }

    // A size for the trace: 1..kMaxLayerDim.
    uint32_t dim(int64_t v, const std::string& what) {
        if (v < 1 || static_cast<uint64_t>(v) > kMaxLayerDim) {
            fail(fmt::format("{} = {} is outside the simulator's range 1..{}", what, v, kMaxLayerDim));
            return 1;
        }
        return static_cast<uint32_t>(v);
    }
};

inline MappedLayer make_layer(Node& c, LayerKind kind, const std::string& type, const std::string& note) {
    MappedLayer m;
    m.layer.kind = kind;
    m.layer.name = c.name;
    m.layer.origin = fmt::format("{}: node {}", c.g.path, c.label);
    if (kind == LayerKind::Other) m.layer.op = type;
    if (kind == LayerKind::Gemm) m.layer.op = type;  // "gemm" or "matmul", as in the JSON trace
    m.info.type = type;
    m.info.node = c.n.name();
    m.info.onnx_op = op_name(c.n);
    m.info.note = note;
    return m;
}

// Output elements of the node (all outputs), or nullopt when a shape is not known.
inline std::optional<uint64_t> output_elements(const Graph& g, const ::onnx::NodeProto& n) {
    uint64_t total = 0;
    for (const std::string& out : n.output()) {
        if (out.empty()) continue;
        const TensorShape& s = g.shape(out);
        if (!s.is_static()) return std::nullopt;
        if (__builtin_add_overflow(total, s.elements(), &total)) total = UINT64_MAX;
    }
    return total;
}

}  // namespace sasim::onnx_import::detail
