// SPDX-License-Identifier: MIT
#include "model/reference.h"

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

namespace sasim::model {

namespace {

// Sixteen sums of products modulo 2^32, like the accumulator (each int16 x int16 product fits in int32):
// the four weight rows w[0..3] against the four rows at p, p + p_stride, p + 2 p_stride, p + 3 p_stride;
// out[4 * a + q] is weight row a against row q. One pass serves four output channels (or columns) of four
// pixels (or rows), so every vector loaded serves four products. Compiled for three instruction sets and
// chosen when the program starts (GCC's function multiversioning); the compiler vectorizes the loop as
// multiply-adds of int16 pairs in each.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
__attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#endif
void dot4x4(const int16_t* const w[4], const int16_t* p, size_t p_stride, size_t n, uint32_t* out) {
    const int16_t *w0 = w[0], *w1 = w[1], *w2 = w[2], *w3 = w[3];
    const int16_t *p0 = p, *p1 = p + p_stride, *p2 = p + 2 * p_stride, *p3 = p + 3 * p_stride;
    uint32_t s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
    uint32_t s20 = 0, s21 = 0, s22 = 0, s23 = 0, s30 = 0, s31 = 0, s32 = 0, s33 = 0;
    for (size_t i = 0; i < n; ++i) {
        const int32_t x0 = w0[i], x1 = w1[i], x2 = w2[i], x3 = w3[i];
        const int32_t y0 = p0[i], y1 = p1[i], y2 = p2[i], y3 = p3[i];
        s00 += static_cast<uint32_t>(x0 * y0), s01 += static_cast<uint32_t>(x0 * y1);
        s02 += static_cast<uint32_t>(x0 * y2), s03 += static_cast<uint32_t>(x0 * y3);
        s10 += static_cast<uint32_t>(x1 * y0), s11 += static_cast<uint32_t>(x1 * y1);
        s12 += static_cast<uint32_t>(x1 * y2), s13 += static_cast<uint32_t>(x1 * y3);
        s20 += static_cast<uint32_t>(x2 * y0), s21 += static_cast<uint32_t>(x2 * y1);
        s22 += static_cast<uint32_t>(x2 * y2), s23 += static_cast<uint32_t>(x2 * y3);
        s30 += static_cast<uint32_t>(x3 * y0), s31 += static_cast<uint32_t>(x3 * y1);
        s32 += static_cast<uint32_t>(x3 * y2), s33 += static_cast<uint32_t>(x3 * y3);
    }
    const uint32_t sums[16] = {s00, s01, s02, s03, s10, s11, s12, s13, s20, s21, s22, s23, s30, s31, s32, s33};
    std::copy(sums, sums + 16, out);
}

// Weight rows first .. first + count - 1 (count <= 4; `stride` elements apart from `base`) against the kBlock
// rows at p: result (row a, input q) goes to store(a, q, sum) for the `inputs` rows that exist. Fewer than
// four rows repeat the last one; their sums are not stored.
template <class Store>
void products(const int16_t* base, size_t stride, size_t first, size_t count, const int16_t* p, size_t n,
              uint64_t inputs, Store&& store) {
    const int16_t* w[4];
    for (size_t a = 0; a < 4; ++a) w[a] = base + (first + std::min(a, count - 1)) * stride;
    uint32_t sums[16];
    dot4x4(w, p, n, n, sums);
    for (uint64_t q = 0; q < inputs; ++q) {
        for (size_t a = 0; a < count; ++a) store(a, q, static_cast<int32_t>(sums[4 * a + q]));
    }
}

constexpr int64_t kBlock = 4;  // output pixels (conv) or rows (gemm) per pass over the weights

}  // namespace

void add_shortcut(std::vector<int32_t>& ref, const std::vector<int16_t>& shortcut, uint32_t shift) {
    if (shortcut.empty()) return;
    if (shortcut.size() != ref.size()) throw std::logic_error("add_shortcut: the shortcut does not have the output's size");
    for (size_t i = 0; i < ref.size(); ++i) {
        const uint32_t scaled = shift >= 32 ? 0u : static_cast<uint32_t>(int32_t{shortcut[i]}) << shift;
        ref[i] = static_cast<int32_t>(static_cast<uint32_t>(ref[i]) + scaled);
    }
}

std::vector<int32_t> reference_outputs(const Layer& layer, const CanonicalTensors& t, const std::atomic<bool>* cancel) {
    auto cancelled = [cancel] { return cancel != nullptr && cancel->load(std::memory_order_relaxed); };
    std::vector<int32_t> out;
    if (layer.kind == LayerKind::Conv) {
        const ConvShape& c = layer.conv;
        const int64_t oh_n = c.out_h(), ow_n = c.out_w();
        const int64_t cg = c.in_c / c.groups, ng = c.out_c / c.groups;
        const int64_t pixels = c.batch * oh_n * ow_n;
        out.assign(static_cast<size_t>(pixels * c.out_c), 0);
        // Per output pixel and group: the input window in the weights' order [r][s][channel], zero where
        // it falls into the padding; each output channel is then one dot product with its weights, taken
        // for kBlock pixels and four channels at a time (a block past the last pixel computes zeros, never
        // stored).
        const size_t window = static_cast<size_t>(c.kernel_h * c.kernel_w * cg);
        std::vector<int16_t> patches(window * kBlock);
        for (int64_t first = 0; first < pixels; first += kBlock) {
            if (cancelled()) return out;
            const int64_t count = std::min(kBlock, pixels - first);
            for (int64_t g = 0; g < c.groups; ++g) {
                std::fill(patches.begin(), patches.end(), int16_t{0});
                for (int64_t q = 0; q < count; ++q) {
                    const int64_t pixel = first + q;
                    const int64_t b = pixel / (oh_n * ow_n), oy = pixel / ow_n % oh_n, ox = pixel % ow_n;
                    int16_t* p = patches.data() + static_cast<size_t>(q) * window;
                    for (int64_t r = 0; r < c.kernel_h; ++r) {
                        const int64_t iy = oy * c.stride_h - c.pad_top + r * c.dilation_h;
                        for (int64_t s = 0; s < c.kernel_w; ++s, p += cg) {
                            const int64_t ix = ox * c.stride_w - c.pad_left + s * c.dilation_w;
                            if (iy < 0 || iy >= c.in_h || ix < 0 || ix >= c.in_w) continue;  // padding: zeros
                            const int16_t* in = &t.input[static_cast<size_t>(((b * c.in_h + iy) * c.in_w + ix) * c.in_c + g * cg)];
                            std::copy(in, in + cg, p);
                        }
                    }
                }
                for (int64_t oc = g * ng; oc < (g + 1) * ng; oc += 4) {
                    const size_t rows = static_cast<size_t>(std::min<int64_t>(4, (g + 1) * ng - oc));
                    products(t.weights.data(), window, static_cast<size_t>(oc), rows, patches.data(), window,
                             static_cast<uint64_t>(count), [&](size_t a, uint64_t q, int32_t value) {
                                 out[static_cast<size_t>(first + static_cast<int64_t>(q)) * c.out_c + oc + a] = value;
                             });
                }
            }
        }
    } else {
        const GemmView v = layer.gemm_view();
        out.assign(static_cast<size_t>(v.count * v.m * v.n), 0);
        std::vector<int16_t> rows(static_cast<size_t>(v.k * kBlock));
        for (uint64_t b = 0; b < v.count; ++b) {
            for (uint64_t i0 = 0; i0 < v.m; i0 += kBlock) {
                if (cancelled()) return out;
                const uint64_t count = std::min<uint64_t>(kBlock, v.m - i0);
                // The block's rows of A, zero rows past the last one.
                std::fill(rows.begin(), rows.end(), int16_t{0});
                std::copy(&t.input[(b * v.m + i0) * v.k], &t.input[(b * v.m + i0) * v.k] + count * v.k, rows.begin());
                for (uint64_t j = 0; j < v.n; j += 4) {
                    products(t.weights.data(), v.k, b * v.n + j, std::min<uint64_t>(4, v.n - j), rows.data(), v.k, count,
                             [&](size_t a, uint64_t q, int32_t value) { out[(b * v.m + i0 + q) * v.n + j + a] = value; });
                }
            }
        }
    }
    return out;
}

namespace {

inline int32_t requantize(int32_t acc, uint32_t shift, bool relu, uint32_t operand_bits) {
    int64_t v = acc;
    if (shift > 0) v = (v + (int64_t{1} << (shift - 1))) >> shift;
    if (relu && v < 0) v = 0;
    const int64_t hi = (int64_t{1} << (operand_bits - 1)) - 1;
    const int64_t lo = -(int64_t{1} << (operand_bits - 1));
    if (v > hi) v = hi;
    if (v < lo) v = lo;
    return static_cast<int32_t>(v);
}

// Mismatches between n raw results and their 8-bit stored values (the requantization above, in int32: the
// rounding adds bit shift-1 of the value to its shifted value, which cannot overflow).
uint64_t row_mismatches(const int32_t* ref, const uint8_t* got, uint64_t n, uint32_t shift, bool relu) {
    uint64_t bad = 0;
    const int32_t lo = relu ? 0 : -128;
    for (uint64_t j = 0; j < n; ++j) {
        int32_t v = ref[j];
        if (shift > 0) v = (v >> shift) + ((v >> (shift - 1)) & 1);
        v = v < lo ? lo : (v > 127 ? 127 : v);
        bad += v != static_cast<int8_t>(got[j]);
    }
    return bad;
}

}  // namespace

int32_t reference_requantize(int32_t acc, uint32_t shift, bool relu, uint32_t operand_bits) {
    return requantize(acc, shift, relu, operand_bits);
}

CheckResult check_outputs(const Layer& layer, const LayerLayout& lay, const std::vector<int32_t>& ref,
                          const std::vector<uint8_t>& image, uint32_t operand_bits) {
    (void)layer;  // the layout carries everything the comparison needs
    CheckResult res;
    res.checked = true;
    const uint32_t ob = operand_bits / 8;
    const GemmView& v = lay.view;
    // Canonical output order: conv [pixel][gemm][col] (out_c = count * n), gemm [gemm][row][col]; each
    // (gemm g, row i, col j) is at the DRAM address the layout gives.
    const uint64_t rows = lay.is_conv ? (v.count == 0 ? 0 : ref.size() / (v.count * v.n)) : v.m;
    auto stored = [&](uint64_t g, uint64_t i, uint64_t j) -> int32_t {
        const GemmAddrs& ga = lay.gemms[g];
        const uint64_t addr = lay.output_transposed ? ga.c_addr + (j * ga.c_row_stride + i) * ob
                                                    : ga.c_addr + (i * ga.c_row_stride + j) * ob;
        if (ob == 2) return static_cast<int16_t>(static_cast<uint16_t>(image[addr] | (image[addr + 1] << 8)));
        return static_cast<int8_t>(image[addr]);
    };
    auto compare = [&](uint64_t idx, uint64_t g, uint64_t i, uint64_t j) {
        const int32_t got = stored(g, i, j);
        const int32_t want = requantize(ref[idx], lay.shift, lay.relu, operand_bits);
        if (got != want) {
            if (res.mismatches == 0) {
                res.first_mismatch = fmt::format("output[{}] (gemm {}, row {}, col {}): model {}, reference {}", idx, g,
                                                 i, j, got, want);
            }
            ++res.mismatches;
        }
    };
    OutputDigest digest(ob);
    for (uint64_t outer = 0; outer < (lay.is_conv ? rows : v.count); ++outer) {
        for (uint64_t inner = 0; inner < (lay.is_conv ? v.count : rows); ++inner) {
            const uint64_t g = lay.is_conv ? inner : outer, i = lay.is_conv ? outer : inner;
            const uint64_t idx0 = lay.is_conv ? (i * v.count + g) * v.n : (g * v.m + i) * v.n;
            if (ob == 1 && !lay.output_transposed) {
                // The common case in one branch-free pass over the row; the slow path only names a mismatch.
                const GemmAddrs& ga = lay.gemms[g];
                const uint8_t* got = image.data() + ga.c_addr + i * ga.c_row_stride;
                digest.add_bytes(got, v.n);
                if (row_mismatches(ref.data() + idx0, got, v.n, lay.shift, lay.relu) == 0) continue;
            } else {
                for (uint64_t j = 0; j < v.n; ++j) digest.add(stored(g, i, j));
            }
            for (uint64_t j = 0; j < v.n; ++j) compare(idx0 + j, g, i, j);
        }
    }
    res.output_digest = digest.value();
    res.elements = ref.size();
    res.pass = res.mismatches == 0;
    return res;
}

}  // namespace sasim::model
