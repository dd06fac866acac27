// SPDX-License-Identifier: MIT
#include "model/tensors.h"

#include <algorithm>
#include <stdexcept>

namespace sasim::model {
namespace {

constexpr uint64_t kGolden = 0x9e3779b97f4a7c15ULL;  // splitmix64's state increment

uint64_t splitmix64(uint64_t& state) {
    uint64_t z = (state += kGolden);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

// Eight-bit operands, eight per splitmix64 word, low byte first, from `words` words: the general loop in
// fill() below gives the same values. Each word depends only on the state and its position (the state
// advances by a constant per word), so a block of words is computed at once, in vectors where the CPU
// has them (compiled for x86-64-v4 and the baseline, chosen at start).
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
__attribute__((target_clones("arch=x86-64-v4", "default")))
#endif
void fill8(int16_t* out, uint64_t words, uint64_t& state) {
    constexpr uint64_t kBlockWords = 64;
    uint64_t block[kBlockWords];
    uint64_t s = state;
    for (uint64_t w0 = 0; w0 < words; w0 += kBlockWords) {
        const uint64_t n = std::min(kBlockWords, words - w0);
        for (uint64_t j = 0; j < n; ++j) {
            uint64_t z = s + (j + 1) * kGolden;
            z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
            z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
            block[j] = z ^ (z >> 31);
        }
        s += n * kGolden;
        int16_t* o = out + w0 * 8;
        for (uint64_t j = 0; j < n; ++j) {
            uint64_t word = block[j];
            for (int b = 0; b < 8; ++b, word >>= 8) o[j * 8 + b] = static_cast<int16_t>(static_cast<int32_t>(word & 0xff) - 128);
        }
    }
    state = s;
}

void fill(std::vector<int16_t>& v, uint64_t count, uint32_t bits, uint64_t& state) {
    v.resize(count);
    const uint32_t mask = (1u << bits) - 1;
    const int32_t offset = 1 << (bits - 1);
    uint64_t i = 0;
    if (bits == 8) {
        fill8(v.data(), count / 8, state);
        i = count / 8 * 8;
    }
    uint64_t word = 0;
    int left = 0;
    for (; i < count; ++i) {
        if (left < static_cast<int>(bits)) {
            word = splitmix64(state);
            left = 64;
        }
        v[i] = static_cast<int16_t>(static_cast<int32_t>(word & mask) - offset);
        word >>= bits;
        left -= static_cast<int>(bits);
    }
}

// Advances `state` exactly as fill(v, count, bits, state) does, without drawing the values: a tensor that a
// network replaces by a producer's output is not drawn, and the tensors after it keep their values.
void skip(uint64_t count, uint32_t bits, uint64_t& state) {
    uint64_t i = 0;
    if (bits == 8) {
        state += count / 8 * kGolden;  // fill8: one word per eight values
        i = count / 8 * 8;
    }
    int left = 0;
    for (; i < count; ++i) {
        if (left < static_cast<int>(bits)) {
            state += kGolden;  // splitmix64's state step
            left = 64;
        }
        left -= static_cast<int>(bits);
    }
}

void put(std::vector<uint8_t>& img, uint64_t addr, int16_t value, uint32_t ob) {
    img[addr] = static_cast<uint8_t>(value & 0xff);
    if (ob == 2) img[addr + 1] = static_cast<uint8_t>((value >> 8) & 0xff);
}

}  // namespace

uint64_t layer_seed(uint64_t run_seed, uint32_t layer_index, const std::string& name) {
    uint64_t h = 1469598103934665603ULL ^ run_seed;
    for (char c : name) h = (h ^ static_cast<uint8_t>(c)) * 1099511628211ULL;
    h ^= uint64_t{layer_index} * 0x9e3779b97f4a7c15ULL;
    return h;
}

uint64_t input_elements(const Layer& layer) {
    if (layer.kind == LayerKind::Conv) {
        const ConvShape& c = layer.conv;
        return uint64_t{c.batch} * c.in_h * c.in_w * c.in_c;
    }
    const GemmView v = layer.gemm_view();
    return v.count * v.m * v.k;
}

uint64_t shortcut_elements(const Layer& layer) {
    if (!layer.residual_add) return 0;
    const GemmView v = layer.gemm_view();
    return v.count * v.m * v.n;
}

void generate_tensors(const Layer& layer, uint32_t operand_bits, uint64_t seed, CanonicalTensors& t, bool draw_input,
                      bool draw_shortcut) {
    uint64_t state = seed;
    const GemmView v = layer.gemm_view();
    if (draw_input) {
        fill(t.input, input_elements(layer), operand_bits, state);
    } else {
        t.input.clear();
        skip(input_elements(layer), operand_bits, state);
    }
    fill(t.weights, v.count * v.n * v.k, operand_bits, state);
    if (draw_shortcut) {
        fill(t.shortcut, shortcut_elements(layer), operand_bits, state);
    } else {
        t.shortcut.clear();  // the last tensor: nothing to skip
    }
}

namespace {

// Writes `values` (canonical output order) into the output-shaped region at `base` (the output's or the
// shortcut's), as read_outputs reads the output.
void put_output_shaped(std::vector<uint8_t>& img, const LayerLayout& lay, uint64_t base, const std::vector<int16_t>& values) {
    const GemmView& v = lay.view;
    const uint32_t ob = lay.operand_bytes;
    for (uint64_t g = 0; g < v.count; ++g) {
        const GemmAddrs& ga = lay.gemms[g];
        const uint64_t c0 = ga.c_addr - lay.output_addr + base;
        for (uint64_t i = 0; i < v.m; ++i) {
            const int16_t* src = values.data() + (lay.is_conv ? (i * v.count + g) * v.n : (g * v.m + i) * v.n);
            if (ob == 1 && !lay.output_transposed) {  // the common case: a row of bytes
                uint8_t* dst = img.data() + c0 + i * ga.c_row_stride;
                for (uint64_t j = 0; j < v.n; ++j) dst[j] = static_cast<uint8_t>(src[j]);
                continue;
            }
            for (uint64_t j = 0; j < v.n; ++j) {
                put(img, lay.output_transposed ? c0 + (j * ga.c_row_stride + i) * ob : c0 + (i * ga.c_row_stride + j) * ob,
                    src[j], ob);
            }
        }
    }
}

std::vector<uint8_t> build_operands_image(const Layer& layer, const LayerLayout& lay, Dataflow dataflow,
                                          const CanonicalTensors& t);

}  // namespace

std::vector<uint8_t> build_dram_image(const Layer& layer, const LayerLayout& lay, Dataflow dataflow,
                                      const CanonicalTensors& t) {
    std::vector<uint8_t> img = build_operands_image(layer, lay, dataflow, t);
    if (lay.residual_bytes > 0) {
        if (t.shortcut.size() * lay.operand_bytes != lay.residual_bytes) {
            throw std::logic_error("build_dram_image: the shortcut does not have the output's size");
        }
        put_output_shaped(img, lay, lay.residual_addr, t.shortcut);
    }
    return img;
}

namespace {

std::vector<uint8_t> build_operands_image(const Layer& layer, const LayerLayout& lay, Dataflow dataflow,
                                          const CanonicalTensors& t) {
    const uint32_t ob = lay.operand_bytes;
    const GemmView& v = lay.view;
    // (Its regions in order, each tensor fitting its own: true of every layout plan_layout makes; anything
    // else takes the general path below.)
    if (ob == 1 && lay.packed_groups == 1 && dataflow != Dataflow::OS &&
        lay.input_addr + t.input.size() <= lay.weights_addr && lay.weights_addr + t.weights.size() <= lay.image_bytes) {
        // The common case, each byte written once: the input, zeros to the weights, the weights in their
        // canonical order, zeros for the output (the int16 operands converted to their low bytes).
        std::vector<uint8_t> img;
        img.reserve(lay.image_bytes);
        img.resize(lay.input_addr);
        img.insert(img.end(), t.input.begin(), t.input.end());
        img.resize(lay.weights_addr);
        img.insert(img.end(), t.weights.begin(), t.weights.end());
        img.resize(lay.image_bytes);
        return img;
    }
    std::vector<uint8_t> img(lay.image_bytes, 0);
    if (ob == 1) {
        uint8_t* in = img.data() + lay.input_addr;
        for (uint64_t i = 0; i < t.input.size(); ++i) in[i] = static_cast<uint8_t>(t.input[i]);
    } else {
        for (uint64_t i = 0; i < t.input.size(); ++i) put(img, lay.input_addr + i * ob, t.input[i], ob);
    }
    (void)layer;
    if (lay.packed_groups > 1 || dataflow == Dataflow::OS) {
        // Canonical weights are [group][n][k]; WS/IS read them as [gemm][n][k], OS as [gemm][k][n]. Packed
        // groups: GEMM b holds groups b*P .. b*P+P-1 on its diagonal blocks, with K ordered (position,
        // channel of the block) as the im2col rows; the rest of the image is zero already.
        const uint64_t P = lay.packed_groups, ng = v.n / P, kg = v.k / P;
        const uint64_t positions = lay.is_conv ? lay.conv_positions : 1, cg = kg / positions;
        for (uint64_t b = 0; b < v.count; ++b) {
            for (uint64_t p = 0; p < P; ++p) {
                for (uint64_t n = 0; n < ng; ++n) {
                    for (uint64_t k = 0; k < kg; ++k) {
                        const int16_t w = t.weights[((b * P + p) * ng + n) * kg + k];
                        const uint64_t nn = p * ng + n, kk = (k / cg) * (P * cg) + p * cg + k % cg;
                        const uint64_t at = dataflow == Dataflow::OS ? (b * v.k + kk) * v.n + nn : (b * v.n + nn) * v.k + kk;
                        put(img, lay.weights_addr + at * ob, w, ob);
                    }
                }
            }
        }
    } else if (ob == 1) {
        uint8_t* w = img.data() + lay.weights_addr;
        for (uint64_t i = 0; i < t.weights.size(); ++i) w[i] = static_cast<uint8_t>(t.weights[i]);
    } else {
        for (uint64_t i = 0; i < t.weights.size(); ++i) put(img, lay.weights_addr + i * ob, t.weights[i], ob);
    }
    return img;
}

}  // namespace

std::vector<int16_t> read_outputs(const LayerLayout& lay, const std::vector<uint8_t>& image, uint32_t operand_bits) {
    const GemmView& v = lay.view;
    const uint64_t ob = operand_bits / 8;
    std::vector<int16_t> out(v.count * v.m * v.n);
    auto value = [&](uint64_t addr) -> int16_t {
        if (ob == 2) return static_cast<int16_t>(static_cast<uint16_t>(image[addr] | (image[addr + 1] << 8)));
        return static_cast<int8_t>(image[addr]);
    };
    for (uint64_t g = 0; g < v.count; ++g) {
        const GemmAddrs& ga = lay.gemms[g];
        for (uint64_t i = 0; i < v.m; ++i) {
            // Canonical order: conv [pixel][gemm][col], gemm [gemm][row][col].
            int16_t* dst = out.data() + (lay.is_conv ? (i * v.count + g) * v.n : (g * v.m + i) * v.n);
            for (uint64_t j = 0; j < v.n; ++j) {
                dst[j] = value(lay.output_transposed ? ga.c_addr + (j * ga.c_row_stride + i) * ob
                                                     : ga.c_addr + (i * ga.c_row_stride + j) * ob);
            }
        }
    }
    return out;
}

}  // namespace sasim::model
