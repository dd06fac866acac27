// SPDX-License-Identifier: MIT
// ONNX node -> sasim layers. Conv family -> conv (1-D as height 1, 3-D over depth windows), Gemm and the
// MatMul family -> gemm/matmul (numpy batching), ConvTranspose -> gemm + col2im, the rest -> Other.
#include "onnx/mapping.h"
#include "onnx/mapping_node.h"
#include "onnx/recurrent.h"

#include <algorithm>
#include <numeric>
#include <optional>
#include <unordered_map>

#include <fmt/format.h>

namespace sasim::onnx_import::detail {

namespace {

int64_t mul(int64_t a, int64_t b) {
    int64_t r = 0;
    return __builtin_mul_overflow(a, b, &r) ? INT64_MAX : r;
}

int64_t product(const Dims& d, size_t from = 0) {
    int64_t p = 1;
    for (size_t i = from; i < d.size(); ++i) p = mul(p, d[i]);
    return p;
}

// Conv, ConvInteger, QLinearConv: X [N, C, spatial...], W [M, C/group, kernel...].
void map_conv(Node& c, int xi, int wi, std::vector<MappedLayer>& out) {
    const auto x = c.input(xi, "X");
    const auto w = c.input(wi, "W");
    if (!x || !w) return;
    if (x->size() < 3 || w->size() != x->size()) {
        return c.fail(fmt::format("X {} and W {} must both be [N, C, spatial...] of the same rank >= 3",
                                  dims_str(*x), dims_str(*w)));
    }
    const size_t s = x->size() - 2;  // spatial dimensions
    if (s > 3) {
        MappedLayer m = make_layer(c, LayerKind::Other, "conv_unsupported",
                                   fmt::format("{}-D convolution: not simulated (1-D, 2-D and 3-D are)", s));
        m.layer.elements = output_elements(c.g, c.n).value_or(0);
        out.push_back(m);
        return;
    }
    const int64_t group = std::min(c.int_attr("group", 1), kMaxValue);
    const int64_t C = (*x)[1], M = (*w)[0];
    if (group < 1 || C % group != 0 || M % group != 0 || (*w)[1] * group != C) {
        return c.fail(fmt::format("group {} does not fit X channels {} and W {} (W must be [M, C/group, ...])",
                                  group, C, dims_str(*w)));
    }
    const Dims kernel(w->begin() + 2, w->end());
    if (c.attr("kernel_shape") != nullptr && c.ints_attr("kernel_shape", s, 1, 1) != kernel) {
        return c.fail(fmt::format("attribute kernel_shape differs from W's kernel {}", dims_str(kernel)));
    }
    const Dims strides = c.ints_attr("strides", s, 1, 1);
    const Dims dil = c.ints_attr("dilations", s, 1, 1);
    Dims pads = c.ints_attr("pads", 2 * s, 0, 0);
    const std::string auto_pad = c.str_attr("auto_pad", "NOTSET");
    if (auto_pad != "NOTSET" && auto_pad != "VALID" && auto_pad != "SAME_UPPER" && auto_pad != "SAME_LOWER") {
        return c.fail(fmt::format("auto_pad '{}' is not NOTSET, VALID, SAME_UPPER or SAME_LOWER", auto_pad));
    }
    if (!c.ok) return;
    Dims outs(s);
    for (size_t i = 0; i < s; ++i) {
        const int64_t in = (*x)[2 + i];
        const int64_t span = dil[i] * (kernel[i] - 1) + 1;
        if (auto_pad == "VALID") {
            pads[i] = pads[s + i] = 0;
        } else if (auto_pad != "NOTSET") {  // SAME_*: output = ceil(in / stride)
            const int64_t want = (in + strides[i] - 1) / strides[i];
            const int64_t total = std::max<int64_t>(0, (want - 1) * strides[i] + span - in);
            pads[i] = auto_pad == "SAME_UPPER" ? total / 2 : total - total / 2;
            pads[s + i] = total - pads[i];
        }
        const int64_t padded = in + pads[i] + pads[s + i];
        if (span > padded) {
            return c.fail(fmt::format("the dilated kernel ({}) is larger than the padded input ({}) in spatial "
                                      "dimension {}", span, padded, i));
        }
        outs[i] = (padded - span) / strides[i] + 1;
    }
    Dims y = {(*x)[0], M};
    y.insert(y.end(), outs.begin(), outs.end());
    if (const TensorShape& inferred = c.g.shape(c.n.output_size() > 0 ? c.n.output(0) : "");
        inferred.is_static() && inferred.dims != y) {
        return c.fail(fmt::format("computed output {} but ONNX shape inference gives {}", dims_str(y),
                                  inferred.to_string()));
    }
    // 2-D view: the last two spatial dims; a 1-D conv has height 1; a 3-D conv runs each output depth as
    // a 2-D conv whose input channels are the C channels of its kernel_d input planes.
    const size_t h = s >= 2 ? s - 2 : SIZE_MAX, wd = s - 1;
    const int64_t depth_out = s == 3 ? outs[0] : 1, kd = s == 3 ? kernel[0] : 1;
    std::string note;
    if (s == 1) note = "1-D conv as a 2-D conv of height 1";
    if (s == 3) {
        note = fmt::format("3-D conv {} -> {}, kernel {}: one 2-D conv per output depth over kernel_d input "
                           "planes (batch = N*out_d = {}, in_c = C*kernel_d = {})",
                           dims_str(*x), dims_str(y), dims_str(kernel), (*x)[0] * depth_out, C * kd);
    }
    MappedLayer m = make_layer(c, LayerKind::Conv, "conv", note);
    ConvShape& cs = m.layer.conv;
    cs.batch = c.dim((*x)[0] * depth_out, "batch");
    cs.in_c = c.dim(C * kd, "in_c");
    cs.out_c = c.dim(M, "out_c");
    cs.groups = static_cast<uint32_t>(std::min<int64_t>(group, UINT32_MAX));
    cs.in_w = c.dim((*x)[2 + wd], "in_w");
    cs.kernel_w = c.dim(kernel[wd], "kernel_w");
    cs.stride_w = c.dim(strides[wd], "stride_w");
    cs.dilation_w = c.dim(dil[wd], "dilation_w");
    cs.pad_left = static_cast<uint32_t>(std::min<int64_t>(pads[wd], kMaxLayerDim + 1));
    cs.pad_right = static_cast<uint32_t>(std::min<int64_t>(pads[s + wd], kMaxLayerDim + 1));
    if (h != SIZE_MAX) {
        cs.in_h = c.dim((*x)[2 + h], "in_h");
        cs.kernel_h = c.dim(kernel[h], "kernel_h");
        cs.stride_h = c.dim(strides[h], "stride_h");
        cs.dilation_h = c.dim(dil[h], "dilation_h");
        cs.pad_top = static_cast<uint32_t>(std::min<int64_t>(pads[h], kMaxLayerDim + 1));
        cs.pad_bottom = static_cast<uint32_t>(std::min<int64_t>(pads[s + h], kMaxLayerDim + 1));
    } else {
        cs.in_h = cs.kernel_h = 1;
    }
    if (c.ok) out.push_back(m);
}

// Gemm: Y = alpha * A' * B' + beta * C with A' = transA ? A^T : A, B' likewise; A and B are 2-D.
void map_gemm(Node& c, std::vector<MappedLayer>& out) {
    const auto a = c.input(0, "A");
    const auto b = c.input(1, "B");
    if (!a || !b) return;
    if (a->size() != 2 || b->size() != 2) {
        return c.fail(fmt::format("A {} and B {} must be 2-D", dims_str(*a), dims_str(*b)));
    }
    const bool ta = c.int_attr("transA", 0) != 0, tb = c.int_attr("transB", 0) != 0;
    const int64_t m = ta ? (*a)[1] : (*a)[0], k = ta ? (*a)[0] : (*a)[1];
    const int64_t kb = tb ? (*b)[1] : (*b)[0], n = tb ? (*b)[0] : (*b)[1];
    if (k != kb) {
        return c.fail(fmt::format("A {} (transA={}) and B {} (transB={}) disagree on K ({} vs {})", dims_str(*a),
                                  ta, dims_str(*b), tb, k, kb));
    }
    MappedLayer l = make_layer(c, LayerKind::Gemm, "gemm", "");
    l.layer.gemm.m = c.dim(m, "m");
    l.layer.gemm.n = c.dim(n, "n");
    l.layer.gemm.k = c.dim(k, "k");
    if (c.ok) out.push_back(l);
}

// MatMul, MatMulInteger, QLinearMatMul: numpy matmul. [..., m, k] x [..., k, n], batch dims broadcast.
void map_matmul(Node& c, int ai, int bi, std::vector<MappedLayer>& out) {
    const auto a0 = c.input(ai, "A");
    const auto b0 = c.input(bi, "B");
    if (!a0 || !b0) return;
    Dims a = *a0, b = *b0;
    if (a.empty() || b.empty()) {
        return c.fail(fmt::format("A {} and B {} must have rank >= 1", dims_str(a), dims_str(b)));
    }
    if (a.size() == 1) a.insert(a.begin(), 1);  // a vector is one row
    if (b.size() == 1) b.push_back(1);          // ... or one column
    const int64_t m = a[a.size() - 2], k = a.back(), kb = b[b.size() - 2], n = b.back();
    if (k != kb) {
        return c.fail(fmt::format("A {} and B {} disagree on K ({} vs {})", dims_str(*a0), dims_str(*b0), k, kb));
    }
    const Dims ba(a.begin(), a.end() - 2), bb(b.begin(), b.end() - 2);
    Dims batch(std::max(ba.size(), bb.size()), 1);
    for (size_t i = 0; i < batch.size(); ++i) {  // right-aligned broadcasting
        const int64_t da = i < ba.size() ? ba[ba.size() - 1 - i] : 1;
        const int64_t db = i < bb.size() ? bb[bb.size() - 1 - i] : 1;
        if (da != db && da != 1 && db != 1) {
            return c.fail(fmt::format("batch dimensions of A {} and B {} do not broadcast", dims_str(*a0),
                                      dims_str(*b0)));
        }
        batch[batch.size() - 1 - i] = std::max(da, db);
    }
    const int64_t count = product(batch), pa = product(ba), pb = product(bb);
    const bool weights = c.g.is_constant(c.n.input(ai)) || c.g.is_constant(c.n.input(bi));
    MappedLayer l = make_layer(c, LayerKind::Gemm, weights ? "gemm" : "matmul", "");
    GemmShape& gs = l.layer.gemm;
    int64_t fm = m, fn = n, fb = count;
    if (count > 1 && pb == 1 && mul(count, m) <= static_cast<int64_t>(kMaxLayerDim)) {
        fm = count * m;  // B is shared by every batch entry: one GEMM with the batch rows stacked
        fb = 1;
        l.info.note = fmt::format("{} x {}: B is shared, batch folded into m", dims_str(*a0), dims_str(*b0));
    } else if (count > 1 && pa == 1 && mul(count, n) <= static_cast<int64_t>(kMaxLayerDim)) {
        fn = count * n;  // A is shared: one GEMM with the batch columns side by side
        fb = 1;
        l.info.note = fmt::format("{} x {}: A is shared, batch folded into n", dims_str(*a0), dims_str(*b0));
    }
    gs.batch = c.dim(fb, "batch");
    gs.m = c.dim(fm, "m");
    gs.n = c.dim(fn, "n");
    gs.k = c.dim(k, "k");
    if (c.ok) out.push_back(l);
}

// ConvTranspose as PyTorch computes it: per group, X^T (N*in_spatial x C/g) times W (C/g x M/g*kernel),
// then col2im adds the columns into the output (strides, pads, dilations and output_padding only change
// where col2im puts them). The GEMM is simulated, col2im is listed as an Other layer.
void map_conv_transpose(Node& c, std::vector<MappedLayer>& out) {
    const auto x = c.input(0, "X");
    const auto w = c.input(1, "W");
    if (!x || !w) return;
    if (x->size() < 3 || w->size() != x->size()) {
        return c.fail(fmt::format("X {} and W {} must both be [N, C, spatial...] of the same rank >= 3",
                                  dims_str(*x), dims_str(*w)));
    }
    const int64_t group = std::min(c.int_attr("group", 1), kMaxValue);
    const int64_t C = (*x)[1];
    if (group < 1 || C % group != 0 || (*w)[0] != C) {
        return c.fail(fmt::format("group {} does not fit X channels {} and W {} (W must be [C, M/group, ...])",
                                  group, C, dims_str(*w)));
    }
    const size_t s = x->size() - 2;
    const Dims kernel(w->begin() + 2, w->end());
    if (c.attr("kernel_shape") != nullptr && c.ints_attr("kernel_shape", s, 1, 1) != kernel) {
        return c.fail(fmt::format("attribute kernel_shape differs from W's kernel {}", dims_str(kernel)));
    }
    MappedLayer g = make_layer(c, LayerKind::Gemm, "gemm",
                               fmt::format("ConvTranspose X {} W {}: col2im GEMM (count = group, m = N*in_spatial, "
                                           "n = out_c/group*kernel, k = in_c/group); the overlap-add is the "
                                           "next layer", dims_str(*x), dims_str(*w)));
    g.layer.gemm.batch = c.dim(group, "group");
    g.layer.gemm.m = c.dim(mul(product(*x, 2), (*x)[0]), "m = N*in_spatial");
    g.layer.gemm.n = c.dim(mul((*w)[1], product(kernel)), "n = out_c/group*kernel");
    g.layer.gemm.k = c.dim(C / group, "k = in_c/group");
    if (!c.ok) return;
    MappedLayer add = make_layer(c, LayerKind::Other, "col2im", "overlap-add of the ConvTranspose GEMM's columns");
    add.layer.name = c.name + "/col2im";
    add.layer.elements = output_elements(c.g, c.n).value_or(0);
    out.push_back(g);
    out.push_back(add);
}

// Ops that hold matrix products the simulator does not run: worth a warning, not only a listing.
bool hides_matrix_products(const ::onnx::NodeProto& n) {
    static const std::vector<std::string> kOps = {
        "Einsum", "LSTM", "GRU", "RNN", "Attention", "MultiHeadAttention", "QAttention", "FusedMatMul",
        "QGemm", "FusedConv", "NhwcConv", "QLinearConvTranspose", "DynamicQuantizeMatMul",
        "MatMulIntegerToFloat", "MatMulNBits", "DeformConv", "QLinearConv", "QLinearMatMul", "Conv", "Gemm",
        "MatMul", "ConvTranspose", "ConvInteger", "MatMulInteger"};
    return std::find(kOps.begin(), kOps.end(), n.op_type()) != kOps.end();
}

int count_matrix_ops(const ::onnx::GraphProto& g) {
    int count = 0;
    for (const auto& n : g.node()) {
        count += hides_matrix_products(n) ? 1 : 0;
        for (const auto& a : n.attribute()) {
            if (a.has_g()) count += count_matrix_ops(a.g());
            for (const auto& sub : a.graphs()) count += count_matrix_ops(sub);
        }
    }
    return count;
}

// MACs of a two-input Einsum without ellipsis whose input shapes are known: the product of the sizes of
// its distinct indices (every combination is one multiply-add). nullopt otherwise.
std::optional<uint64_t> einsum_macs(Node& c) {
    const std::string eq = c.str_attr("equation", "");
    const size_t arrow = eq.find("->");
    const std::string lhs = eq.substr(0, arrow);
    const size_t comma = lhs.find(',');
    if (c.n.input_size() != 2 || comma == std::string::npos || eq.find("...") != std::string::npos) return std::nullopt;
    std::unordered_map<char, int64_t> size;
    for (int i = 0; i < 2; ++i) {
        const TensorShape& s = c.g.shape(c.n.input(i));
        std::string term;
        for (char ch : i == 0 ? lhs.substr(0, comma) : lhs.substr(comma + 1)) {
            if (ch != ' ') term += ch;
        }
        if (!s.is_static() || s.dims.size() != term.size()) return std::nullopt;
        for (size_t k = 0; k < term.size(); ++k) size[term[k]] = std::max(size[term[k]], s.dims[k]);
    }
    uint64_t macs = 1;
    for (const auto& [ch, d] : size) macs = static_cast<uint64_t>(mul(static_cast<int64_t>(macs), d));
    return macs;
}

// The type of a Clip node: "relu6" for Clip(0, 6) (PyTorch's ReLU6), "relu" for Clip(0) without an upper
// bound, else "clip". Its bounds are inputs 1 and 2 (opset 11 on) or attributes min and max (before).
std::string clip_type(const Node& c) {
    std::optional<double> lo, hi;
    for (const auto& a : c.n.attribute()) {
        if (a.name() == "min") lo = a.f();
        if (a.name() == "max") hi = a.f();
    }
    const auto bound = [&](int i) -> std::optional<double> {
        if (c.n.input_size() <= i || c.n.input(i).empty()) return std::nullopt;
        const auto it = c.g.values.find(c.n.input(i));
        if (it == c.g.values.end() || it->second.size() != 1) return std::nullopt;
        return it->second.at(0);
    };
    if (!lo) lo = bound(1);
    if (!hi) hi = bound(2);
    const bool has_hi = c.n.input_size() > 2 && !c.n.input(2).empty();
    if (lo && *lo == 0 && hi && *hi == 6) return "relu6";
    if (lo && *lo == 0 && !hi && !has_hi) return "relu";
    return "clip";
}

void map_other(Node& c, std::vector<MappedLayer>& out, std::vector<std::string>& warnings) {
    const bool clip = c.n.op_type() == "Clip" && is_default_domain(c.n.domain());
    MappedLayer l = make_layer(c, LayerKind::Other, clip ? clip_type(c) : other_type(c.n.op_type()), "");
    if (const auto e = output_elements(c.g, c.n)) {
        l.layer.elements = std::min<uint64_t>(*e, kMaxTensorElements);
    } else {
        warnings.push_back(fmt::format("node {}: output shape not known after shape inference; listed with 0 "
                                       "elements", c.label));
    }
    int inner = 0;
    for (const auto& a : c.n.attribute()) {
        if (a.has_g()) inner += count_matrix_ops(a.g());
        for (const auto& sub : a.graphs()) inner += count_matrix_ops(sub);
    }
    for (const auto& f : c.g.model.functions()) {
        if (f.name() == c.n.op_type() && f.domain() == c.n.domain()) {
            for (const auto& fn : f.node()) inner += hides_matrix_products(fn) ? 1 : 0;
            l.info.note = "model-local function, not expanded";
        }
    }
    const auto why = c.n.output_size() > 0 ? c.g.not_expanded.find(c.n.output(0)) : c.g.not_expanded.end();
    if (inner > 0) {
        l.info.note = fmt::format("its subgraph or function body has {} matrix-product nodes, not simulated{}", inner,
                                  why != c.g.not_expanded.end() ? " (" + why->second + ")" : "");
        l.info.missing_products = inner;
    } else if (hides_matrix_products(c.n)) {
        l.info.note = "matrix products of this op are not simulated (op not supported)";
        l.info.missing_products = 1;
        if (is_default_domain(c.n.domain()) && c.n.op_type() == "Einsum") {
            if (const auto macs = einsum_macs(c)) {
                l.info.missing_macs = *macs;
                l.info.missing_macs_known = true;
                l.info.note = fmt::format("Einsum '{}': {} MACs, not simulated (op not supported)",
                                          c.str_attr("equation", ""), *macs);
            }
        }
    }
    out.push_back(l);
}

}  // namespace

int matrix_product_nodes(const ::onnx::GraphProto& g) { return count_matrix_ops(g); }

std::string other_type(const std::string& op_type) {
    std::string t;
    for (char ch : op_type) {
        if (ch >= 'A' && ch <= 'Z') {
            t += static_cast<char>(ch - 'A' + 'a');
        } else if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_') {
            t += ch;
        } else {
            t += '_';
        }
    }
    if (t.empty() || t[0] < 'a' || t[0] > 'z') t = "op_" + t;
    if (t == "conv" || t == "gemm" || t == "matmul") t += "_unsupported";  // would be read as a GEMM layer
    return t;
}

std::vector<MappedLayer> map_node(const Graph& graph, int index, std::vector<std::string>& problems,
                                  std::vector<std::string>& warnings) {
    const ::onnx::NodeProto& n = graph.graph().node(index);
    Node c{graph, n, node_label(n, index), layer_name(n, index), problems};
    std::vector<MappedLayer> out;
    const std::string& op = n.op_type();
    if (!is_default_domain(n.domain())) {
        map_other(c, out, warnings);
    } else if (op == "Conv" || op == "ConvInteger") {
        map_conv(c, 0, 1, out);
    } else if (op == "QLinearConv") {
        map_conv(c, 0, 3, out);
    } else if (op == "Gemm") {
        map_gemm(c, out);
    } else if (op == "MatMul" || op == "MatMulInteger") {
        map_matmul(c, 0, 1, out);
    } else if (op == "QLinearMatMul") {
        map_matmul(c, 0, 3, out);
    } else if (op == "ConvTranspose") {
        map_conv_transpose(c, out);
    } else if (op == "LSTM" || op == "GRU" || op == "RNN") {
        map_recurrent(c, out, warnings);
    } else {
        map_other(c, out, warnings);
    }
    return out;
}

}  // namespace sasim::onnx_import::detail
