// SPDX-License-Identifier: MIT
#include "model/reference.h"

#include <fmt/format.h>

namespace sasim::model {

std::vector<int32_t> reference_outputs(const Layer& layer, const CanonicalTensors& t) {
    std::vector<int32_t> out;
    if (layer.kind == LayerKind::Conv) {
        const ConvShape& c = layer.conv;
        const int64_t oh_n = c.out_h(), ow_n = c.out_w();
        const int64_t cg = c.in_c / c.groups, ng = c.out_c / c.groups;
        out.assign(static_cast<size_t>(c.batch * oh_n * ow_n * c.out_c), 0);
        size_t o = 0;
        for (int64_t b = 0; b < c.batch; ++b) {
            for (int64_t oy = 0; oy < oh_n; ++oy) {
                for (int64_t ox = 0; ox < ow_n; ++ox) {
                    for (int64_t oc = 0; oc < c.out_c; ++oc, ++o) {
                        const int64_t g = oc / ng;
                        uint32_t sum = 0;  // modulo 2^32, like the accumulator; products fit in int32
                        for (int64_t r = 0; r < c.kernel_h; ++r) {
                            const int64_t iy = oy * c.stride_h - c.pad_top + r * c.dilation_h;
                            if (iy < 0 || iy >= c.in_h) continue;
                            for (int64_t s = 0; s < c.kernel_w; ++s) {
                                const int64_t ix = ox * c.stride_w - c.pad_left + s * c.dilation_w;
                                if (ix < 0 || ix >= c.in_w) continue;
                                const int16_t* in = &t.input[static_cast<size_t>(((b * c.in_h + iy) * c.in_w + ix) * c.in_c + g * cg)];
                                const int16_t* w = &t.weights[static_cast<size_t>(((oc * c.kernel_h + r) * c.kernel_w + s) * cg)];
                                for (int64_t ch = 0; ch < cg; ++ch) sum += static_cast<uint32_t>(int32_t{in[ch]} * int32_t{w[ch]});
                            }
                        }
                        out[o] = static_cast<int32_t>(sum);
                    }
                }
            }
        }
    } else {
        const GemmView v = layer.gemm_view();
        out.assign(static_cast<size_t>(v.count * v.m * v.n), 0);
        for (uint64_t b = 0; b < v.count; ++b) {
            for (uint64_t i = 0; i < v.m; ++i) {
                const int16_t* a = &t.input[(b * v.m + i) * v.k];
                for (uint64_t j = 0; j < v.n; ++j) {
                    const int16_t* w = &t.weights[(b * v.n + j) * v.k];
                    uint32_t sum = 0;
                    for (uint64_t x = 0; x < v.k; ++x) sum += static_cast<uint32_t>(int32_t{a[x]} * int32_t{w[x]});
                    out[(b * v.m + i) * v.n + j] = static_cast<int32_t>(sum);
                }
            }
        }
    }
    return out;
}

int32_t reference_requantize(int32_t acc, uint32_t shift, bool relu, uint32_t operand_bits) {
    int64_t v = acc;
    if (shift > 0) v = (v + (int64_t{1} << (shift - 1))) >> shift;
    if (relu && v < 0) v = 0;
    const int64_t hi = (int64_t{1} << (operand_bits - 1)) - 1;
    const int64_t lo = -(int64_t{1} << (operand_bits - 1));
    if (v > hi) v = hi;
    if (v < lo) v = lo;
    return static_cast<int32_t>(v);
}

CheckResult check_outputs(const Layer& layer, const LayerLayout& lay, const std::vector<int32_t>& ref,
                          const std::vector<uint8_t>& image, uint32_t operand_bits) {
    (void)layer;  // the layout carries everything the comparison needs
    CheckResult res;
    res.checked = true;
    const uint32_t ob = operand_bits / 8;
    const GemmView& v = lay.view;
    // Canonical output index -> (row i, column j) of GEMM `g` -> DRAM address per the layout.
    const uint64_t total_n = v.count * v.n;  // conv: out_c
    for (uint64_t idx = 0; idx < ref.size(); ++idx) {
        uint64_t g, i, j;
        if (lay.is_conv) {
            const uint64_t oc = idx % total_n;
            i = idx / total_n;  // pixel
            g = oc / v.n;
            j = oc % v.n;
        } else {
            g = idx / (v.m * v.n);
            i = (idx / v.n) % v.m;
            j = idx % v.n;
        }
        const GemmAddrs& ga = lay.gemms[g];
        const uint64_t addr = lay.output_transposed ? ga.c_addr + (j * ga.c_row_stride + i) * ob
                                                    : ga.c_addr + (i * ga.c_row_stride + j) * ob;
        int32_t got = static_cast<int8_t>(image[addr]);
        if (ob == 2) got = static_cast<int16_t>(static_cast<uint16_t>(image[addr] | (image[addr + 1] << 8)));
        const int32_t want = reference_requantize(ref[idx], lay.shift, lay.relu, operand_bits);
        ++res.elements;
        if (got != want) {
            if (res.mismatches == 0) {
                res.first_mismatch = fmt::format("output[{}] (gemm {}, row {}, col {}): model {}, reference {}", idx, g,
                                                 i, j, got, want);
            }
            ++res.mismatches;
        }
    }
    res.pass = res.mismatches == 0;
    return res;
}

}  // namespace sasim::model
