// SPDX-License-Identifier: MIT
// Shape checks shared by both readers and validate_layer: ranges, group divisibility, filter fit, size
// limits.
#include <initializer_list>
#include <numeric>

#include <fmt/format.h>

#include "workload/parsers.h"

namespace sasim::workload_detail {

namespace {

void check_range(std::vector<Problem>& out, const char* key, uint64_t value, uint64_t lo, uint64_t hi) {
    if (value < lo) {
        out.push_back({key, fmt::format("must be >= {} (got {})", lo, value)});
    } else if (value > hi) {
        out.push_back({key, fmt::format("must be <= {} (got {})", hi, value)});
    }
}

// Product of `factors`; false when it overflows 64 bits.
bool product(std::initializer_list<uint64_t> factors, uint64_t& result) {
    uint64_t acc = 1;
    for (uint64_t f : factors) {
        if (__builtin_mul_overflow(acc, f, &acc)) {
            return false;
        }
    }
    result = acc;
    return true;
}

// Appends a problem when the product of `factors` (described by `formula`) exceeds `limit`.
void check_product(std::vector<Problem>& out, const char* key, const char* formula,
                   std::initializer_list<uint64_t> factors, uint64_t limit, const char* limit_text) {
    uint64_t value = 0;
    if (!product(factors, value)) {
        out.push_back({key, fmt::format("{} overflows 64 bits (the limit is {}); use smaller sizes", formula,
                                        limit_text)});
    } else if (value > limit) {
        out.push_back({key, fmt::format("{} = {} exceeds the limit {}; use smaller sizes", formula, value,
                                        limit_text)});
    }
}

// "1, 2, 4, 8" (at most 8 shown) : the values of groups that divide both channel counts.
std::string valid_groups(uint32_t in_c, uint32_t out_c) {
    const uint32_t g = std::gcd(in_c, out_c);
    std::vector<std::string> divisors;
    for (uint32_t d = 1; d <= g; ++d) {
        if (g % d == 0) {
            divisors.push_back(std::to_string(d));
        }
    }
    if (divisors.size() > 8) {
        const std::string last = divisors.back();
        divisors.resize(7);
        divisors.push_back("...");
        divisors.push_back(last);
    }
    return join(divisors);
}

// Dilated kernel against padded input, one spatial dimension ("height" or "width").
void check_fit(std::vector<Problem>& out, const char* dim, char axis, uint32_t in, uint32_t pad_a,
               uint32_t pad_b, uint32_t kernel, uint32_t dilation) {
    const uint64_t padded = uint64_t{in} + pad_a + pad_b;         // elements
    const uint64_t span = uint64_t{dilation} * (kernel - 1) + 1;  // elements
    if (span <= padded) {
        return;
    }
    const bool is_h = axis == 'h';
    const std::string pads = is_h ? fmt::format("in_h {} + pad_top {} + pad_bottom {}", in, pad_a, pad_b)
                                  : fmt::format("in_w {} + pad_left {} + pad_right {}", in, pad_a, pad_b);
    const std::string key = fmt::format("kernel_{}", axis);
    if (dilation == 1) {
        out.push_back(
            {key, fmt::format("{} is larger than the padded input {} {} ({}); the kernel {} must be "
                              "<= {}",
                              kernel, dim, padded, pads, dim, padded)});
    } else {
        out.push_back({key, fmt::format("the dilated kernel {} dilation_{}*({}-1)+1 = {} is larger than the "
                                        "padded input {} {} ({}); the dilated kernel must be <= {}",
                                        dim, axis, key, span, dim, padded, pads, padded)});
    }
}

void check_conv(const ConvShape& c, std::vector<Problem>& out) {
    check_range(out, "batch", c.batch, 1, kMaxLayerDim);
    check_range(out, "in_h", c.in_h, 1, kMaxLayerDim);
    check_range(out, "in_w", c.in_w, 1, kMaxLayerDim);
    check_range(out, "in_c", c.in_c, 1, kMaxLayerDim);
    check_range(out, "out_c", c.out_c, 1, kMaxLayerDim);
    check_range(out, "kernel_h", c.kernel_h, 1, kMaxLayerDim);
    check_range(out, "kernel_w", c.kernel_w, 1, kMaxLayerDim);
    check_range(out, "stride_h", c.stride_h, 1, kMaxLayerDim);
    check_range(out, "stride_w", c.stride_w, 1, kMaxLayerDim);
    check_range(out, "pad_top", c.pad_top, 0, kMaxLayerDim);
    check_range(out, "pad_bottom", c.pad_bottom, 0, kMaxLayerDim);
    check_range(out, "pad_left", c.pad_left, 0, kMaxLayerDim);
    check_range(out, "pad_right", c.pad_right, 0, kMaxLayerDim);
    check_range(out, "dilation_h", c.dilation_h, 1, kMaxLayerDim);
    check_range(out, "dilation_w", c.dilation_w, 1, kMaxLayerDim);
    check_range(out, "groups", c.groups, 1, kMaxLayerDim);
    if (!out.empty()) {
        return;  // the checks below assume every value is in range
    }
    const size_t before = out.size();
    if (c.in_c % c.groups != 0 || c.out_c % c.groups != 0) {
        const char* which = c.in_c % c.groups != 0 ? "in_c" : "out_c";
        const uint32_t value = c.in_c % c.groups != 0 ? c.in_c : c.out_c;
        out.push_back(
            {"groups", fmt::format("{} {} is not divisible by groups {}; groups must divide both "
                                   "in_c {} and out_c {} (valid: {})",
                                   which, value, c.groups, c.in_c, c.out_c, valid_groups(c.in_c, c.out_c))});
    }
    check_fit(out, "height", 'h', c.in_h, c.pad_top, c.pad_bottom, c.kernel_h, c.dilation_h);
    check_fit(out, "width", 'w', c.in_w, c.pad_left, c.pad_right, c.kernel_w, c.dilation_w);
    if (out.size() != before) {
        return;
    }
    const uint64_t oh = c.out_h();
    const uint64_t ow = c.out_w();
    const uint64_t cin_g = c.in_c / c.groups;  // input channels per group
    check_product(out, "macs", "MACs batch*out_h*out_w*out_c*kernel_h*kernel_w*in_c/groups",
                  {c.batch, oh, ow, c.out_c, c.kernel_h, c.kernel_w, cin_g}, kMaxLayerMacs, "2^62");
    check_product(out, "size", "input elements batch*in_h*in_w*in_c", {c.batch, c.in_h, c.in_w, c.in_c},
                  kMaxTensorElements, "2^60");
    check_product(out, "size", "output elements batch*out_h*out_w*out_c", {c.batch, oh, ow, c.out_c},
                  kMaxTensorElements, "2^60");
    check_product(out, "size", "weight elements kernel_h*kernel_w*in_c/groups*out_c",
                  {c.kernel_h, c.kernel_w, cin_g, c.out_c}, kMaxTensorElements, "2^60");
}

void check_gemm(const GemmShape& g, std::vector<Problem>& out) {
    check_range(out, "batch", g.batch, 1, kMaxLayerDim);
    check_range(out, "m", g.m, 1, kMaxLayerDim);
    check_range(out, "n", g.n, 1, kMaxLayerDim);
    check_range(out, "k", g.k, 1, kMaxLayerDim);
    if (!out.empty()) {
        return;
    }
    check_product(out, "macs", "MACs batch*m*n*k", {g.batch, g.m, g.n, g.k}, kMaxLayerMacs, "2^62");
    check_product(out, "size", "operand A elements batch*m*k", {g.batch, g.m, g.k}, kMaxTensorElements,
                  "2^60");
    check_product(out, "size", "operand B elements batch*k*n", {g.batch, g.k, g.n}, kMaxTensorElements,
                  "2^60");
    check_product(out, "size", "output elements batch*m*n", {g.batch, g.m, g.n}, kMaxTensorElements, "2^60");
}

}  // namespace

std::vector<Problem> check_layer(const Layer& layer) {
    std::vector<Problem> out;
    if (layer.name.empty()) {
        out.push_back({"name", "must not be empty"});
    }
    std::vector<Problem> shape;
    switch (layer.kind) {
        case LayerKind::Conv: check_conv(layer.conv, shape); break;
        case LayerKind::Gemm: check_gemm(layer.gemm, shape); break;
        case LayerKind::Other:
            if (layer.op.empty()) {
                shape.push_back({"op", "must name the operation (e.g. maxpool, add, softmax)"});
            }
            check_range(shape, "elements", layer.elements, 0, kMaxTensorElements);
            break;
    }
    out.insert(out.end(), shape.begin(), shape.end());
    return out;
}

}  // namespace sasim::workload_detail
