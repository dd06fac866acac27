// SPDX-License-Identifier: MIT
// reference_outputs against the convolution and matrix product written out as loops, on shapes that take
// every path of its blocking: four output channels (or columns) at a time and the ones left over, four
// pixels (or rows) at a time and a last partial block, groups, padding, stride and dilation.
#include <catch2/catch.hpp>

#include <array>
#include <cstdint>
#include <random>
#include <vector>

#include "model/reference.h"
#include "model/tensors.h"
#include "test_layers.h"

using sasim::Layer;
using sasim::model::CanonicalTensors;

namespace {

std::vector<int16_t> random_values(size_t n, std::mt19937& rng) {
    std::uniform_int_distribution<int> d(-32768, 32767);  // full int16 range: sums wrap past 2^31
    std::vector<int16_t> v(n);
    for (int16_t& x : v) x = static_cast<int16_t>(d(rng));
    return v;
}

std::vector<int32_t> naive_conv(const sasim::ConvShape& c, const CanonicalTensors& t) {
    const int64_t oh_n = c.out_h(), ow_n = c.out_w(), cg = c.in_c / c.groups, ng = c.out_c / c.groups;
    std::vector<int32_t> out;
    for (int64_t b = 0; b < c.batch; ++b)
        for (int64_t oy = 0; oy < oh_n; ++oy)
            for (int64_t ox = 0; ox < ow_n; ++ox)
                for (int64_t oc = 0; oc < c.out_c; ++oc) {
                    const int64_t g = oc / ng;
                    uint32_t sum = 0;
                    for (int64_t r = 0; r < c.kernel_h; ++r)
                        for (int64_t s = 0; s < c.kernel_w; ++s)
                            for (int64_t ci = 0; ci < cg; ++ci) {
                                const int64_t iy = oy * c.stride_h - c.pad_top + r * c.dilation_h;
                                const int64_t ix = ox * c.stride_w - c.pad_left + s * c.dilation_w;
                                if (iy < 0 || iy >= c.in_h || ix < 0 || ix >= c.in_w) continue;
                                const int32_t x = t.input[static_cast<size_t>(((b * c.in_h + iy) * c.in_w + ix) * c.in_c + g * cg + ci)];
                                const int32_t w = t.weights[static_cast<size_t>(((oc * c.kernel_h + r) * c.kernel_w + s) * cg + ci)];
                                sum += static_cast<uint32_t>(x * w);
                            }
                    out.push_back(static_cast<int32_t>(sum));
                }
    return out;
}

}  // namespace

TEST_CASE("reference: convolutions equal the loops, over the blocking's edges", "[reference]") {
    std::mt19937 rng(7);
    // batch, h, w, in_c, out_c, kernel, stride, padding, dilation, groups
    for (const auto& [batch, h, w, in_c, out_c, k, stride, pad, dilation, groups] :
         std::vector<std::array<uint32_t, 10>>{{1, 5, 5, 3, 4, 3, 1, 1, 1, 1}, {2, 6, 7, 4, 7, 3, 2, 1, 1, 1},
                                               {1, 9, 8, 6, 18, 3, 1, 2, 2, 3}, {1, 4, 4, 8, 13, 1, 1, 0, 1, 1},
                                               {1, 5, 3, 4, 4, 2, 1, 0, 1, 4}, {3, 3, 3, 5, 9, 3, 1, 1, 1, 1}}) {
        sasim::ConvSpec s;
        s.batch = batch, s.h = h, s.w = w, s.c = in_c, s.oc = out_c, s.kh = s.kw = k, s.sh = s.sw = stride;
        s.pt = s.pb = s.pl = s.pr = pad, s.dh = s.dw = dilation, s.groups = groups;
        const Layer l = sasim::conv_layer(s);
        const sasim::ConvShape& c = l.conv;
        CanonicalTensors t;
        t.input = random_values(uint64_t{c.batch} * c.in_h * c.in_w * c.in_c, rng);
        t.weights = random_values(uint64_t{c.out_c} * c.kernel_h * c.kernel_w * (c.in_c / c.groups), rng);
        INFO("out_c " << c.out_c << ", groups " << c.groups << ", pixels " << c.batch * c.out_h() * c.out_w());
        CHECK(sasim::model::reference_outputs(l, t) == naive_conv(c, t));
    }
}

TEST_CASE("reference: matrix products equal the loops, over the blocking's edges", "[reference]") {
    std::mt19937 rng(11);
    for (const auto& [batch, m, n, k] : std::vector<std::array<uint32_t, 4>>{{1, 4, 4, 8}, {2, 5, 9, 3}, {1, 7, 3, 33},
                                                                            {3, 1, 17, 1}, {1, 9, 12, 70}}) {
        Layer l;
        l.kind = sasim::LayerKind::Gemm;
        l.gemm = {batch, m, n, k};
        CanonicalTensors t;
        t.input = random_values(uint64_t{batch} * m * k, rng);
        t.weights = random_values(uint64_t{batch} * n * k, rng);
        std::vector<int32_t> want;
        for (uint64_t b = 0; b < batch; ++b)
            for (uint64_t i = 0; i < m; ++i)
                for (uint64_t j = 0; j < n; ++j) {
                    uint32_t sum = 0;
                    for (uint64_t q = 0; q < k; ++q) {
                        sum += static_cast<uint32_t>(int32_t{t.input[(b * m + i) * k + q]} * int32_t{t.weights[(b * n + j) * k + q]});
                    }
                    want.push_back(static_cast<int32_t>(sum));
                }
        INFO("batch " << batch << ", m " << m << ", n " << n << ", k " << k);
        CHECK(sasim::model::reference_outputs(l, t) == want);
    }
}
