// SPDX-License-Identifier: MIT
// The seeded operands: generate_tensors must give exactly the values of splitmix64 read low bits first,
// whatever fast path it takes (golden files, mapper caches and RTL checks depend on these values).
#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "compiler/layout.h"
#include "config/config.h"
#include "model/tensors.h"
#include "test_layers.h"

using sasim::Layer;

namespace {

// The definition, written out plainly: one splitmix64 word at a time, `bits` bits per operand, low bits
// first, a word's leftover bits (fewer than `bits`) dropped; each operand is offset to be signed.
std::vector<int16_t> naive(uint64_t count, uint32_t bits, uint64_t& state) {
    std::vector<int16_t> v;
    uint64_t word = 0;
    int left = 0;
    while (v.size() < count) {
        if (left < static_cast<int>(bits)) {
            state += 0x9e3779b97f4a7c15ULL;
            uint64_t z = state;
            z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
            z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
            word = z ^ (z >> 31);
            left = 64;
        }
        v.push_back(static_cast<int16_t>(static_cast<int64_t>(word & ((1u << bits) - 1)) - (int64_t{1} << (bits - 1))));
        word >>= bits;
        left -= static_cast<int>(bits);
    }
    return v;
}

Layer gemm(uint32_t m, uint32_t n, uint32_t k) {
    Layer l;
    l.name = "g";
    l.kind = sasim::LayerKind::Gemm;
    l.gemm = {1, m, n, k};
    return l;
}

}  // namespace

TEST_CASE("tensors: generated operands are the splitmix64 stream, for every length and width", "[tensors]") {
    // Lengths around the fast path's 8 operands per word and 64 words per block.
    for (const uint32_t bits : {8u, 4u, 16u, 7u}) {
        for (const uint32_t k : {1u, 7u, 8u, 9u, 511u, 512u, 513u, 1031u}) {
            const Layer layer = gemm(3, 5, k);
            sasim::model::CanonicalTensors t;
            const uint64_t seed = 0x1234567ULL * k + bits;
            sasim::model::generate_tensors(layer, bits, seed, t);
            uint64_t state = seed;
            const std::vector<int16_t> input = naive(uint64_t{3} * k, bits, state);
            const std::vector<int16_t> weights = naive(uint64_t{5} * k, bits, state);
            INFO("bits " << bits << ", k " << k);
            CHECK(t.input == input);
            CHECK(t.weights == weights);
        }
    }
}

TEST_CASE("tensors: the 8-bit DRAM image holds the operands' low bytes and zeros everywhere else", "[tensors]") {
    // WS and IS take build_dram_image's write-once path, OS the general one (its weights are [k][n]); sizes
    // that are not multiples of 64 leave alignment gaps between the regions.
    const Layer conv = [] {
        sasim::ConvSpec s;
        s.h = 7, s.w = 5, s.c = 3, s.oc = 5, s.pt = s.pb = s.pl = s.pr = 1;
        return sasim::conv_layer(s);
    }();
    for (const Layer& layer : {gemm(3, 5, 7), conv}) {
        for (const char* name : {"tiny_2x2_ws", "tiny_3x5_os"}) {
            for (const sasim::Dataflow df : {sasim::Dataflow::WS, sasim::Dataflow::IS, sasim::Dataflow::OS}) {
                sasim::Config cfg = sasim::load_config(std::string(SASIM_SOURCE_DIR) + "/configs/" + name + ".json");
                cfg.array.dataflow = df;
                sasim::validate_and_derive(cfg, "");
                const sasim::LayerLayout lay = sasim::plan_layout(layer, cfg);
                sasim::model::CanonicalTensors t;
                sasim::model::generate_tensors(layer, 8, 99, t);
                const std::vector<uint8_t> img = sasim::model::build_dram_image(layer, lay, df, t);
                INFO(name << ", dataflow " << sasim::to_string(df) << ", " << sasim::to_string(layer.kind));
                REQUIRE(img.size() == lay.image_bytes);
                std::vector<bool> operand(img.size(), false);
                for (size_t i = 0; i < t.input.size(); ++i) {
                    CHECK(img[lay.input_addr + i] == static_cast<uint8_t>(t.input[i]));
                    operand[lay.input_addr + i] = true;
                }
                const sasim::GemmView& v = lay.view;  // one GEMM: conv groups 1, gemm batch 1
                for (uint64_t n = 0; n < v.n; ++n) {
                    for (uint64_t k = 0; k < v.k; ++k) {
                        const uint64_t at = lay.weights_addr + (df == sasim::Dataflow::OS ? k * v.n + n : n * v.k + k);
                        CHECK(img[at] == static_cast<uint8_t>(t.weights[n * v.k + k]));
                        operand[at] = true;
                    }
                }
                size_t nonzero = 0;
                for (size_t i = 0; i < img.size(); ++i) nonzero += !operand[i] && img[i] != 0;
                CHECK(nonzero == 0);
            }
        }
    }
}

TEST_CASE("tensors: a tensor left undrawn leaves the others' values unchanged", "[tensors]") {
    // A network replaces a layer's input (and a residual add's shortcut) by a producer's output: those are
    // not drawn, and the weights (and the shortcut) keep the values of a full draw.
    for (const uint32_t bits : {8u, 16u}) {
        for (const uint32_t m : {1u, 7u, 8u, 13u}) {
            Layer l;
            l.name = "g";
            l.kind = sasim::LayerKind::Gemm;
            l.gemm = {2, m, 5, 3};  // inputs of 2 * m * 3 values: lengths that are and are not multiples of 8
            l.residual_add = true;
            INFO(bits << "-bit, m = " << m);
            sasim::model::CanonicalTensors full, no_input, no_shortcut;
            sasim::model::generate_tensors(l, bits, 99, full);
            sasim::model::generate_tensors(l, bits, 99, no_input, false, true);
            sasim::model::generate_tensors(l, bits, 99, no_shortcut, true, false);
            CHECK(full.input.size() == sasim::model::input_elements(l));
            CHECK(full.shortcut.size() == sasim::model::shortcut_elements(l));
            CHECK(no_input.input.empty());
            CHECK(no_input.weights == full.weights);
            CHECK(no_input.shortcut == full.shortcut);
            CHECK(no_shortcut.shortcut.empty());
            CHECK(no_shortcut.input == full.input);
            CHECK(no_shortcut.weights == full.weights);
        }
    }
}
