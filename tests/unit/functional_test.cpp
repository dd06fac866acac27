// SPDX-License-Identifier: MIT
// Unit tests of model/functional: a compiled program replayed without time gives the reference's outputs
// (every dataflow, 8 and 16 bits, convolutions with padding, strides, groups and dilation, batched GEMMs),
// and a replay that computes wrong values fails its check.
#include <catch2/catch.hpp>

#include <atomic>
#include <string>
#include <vector>

#include "compiler/instruction_source.h"
#include "config/config.h"
#include "model/functional.h"
#include "model/reference.h"
#include "model/tensors.h"
#include "test_configs.h"

using sasim::Config;
using sasim::Dataflow;
using sasim::Layer;

namespace {

Config make_cfg(Dataflow df, uint32_t rows, uint32_t cols, uint32_t bits) { return sasim::small_config(df, rows, cols, bits); }

Layer conv(const std::string& name, uint32_t h, uint32_t w, uint32_t c, uint32_t oc, uint32_t k, uint32_t stride,
           uint32_t pad, uint32_t groups, uint32_t dil_w) {
    Layer l;
    l.name = name;
    l.kind = sasim::LayerKind::Conv;
    auto& s = l.conv;
    s.batch = 2;
    s.in_h = h;
    s.in_w = w;
    s.in_c = c;
    s.out_c = oc;
    s.kernel_h = s.kernel_w = k;
    s.stride_h = s.stride_w = stride;
    s.pad_top = s.pad_left = s.pad_bottom = s.pad_right = pad;
    s.dilation_w = dil_w;
    s.groups = groups;
    return l;
}

Layer gemm(uint32_t batch, uint32_t m, uint32_t n, uint32_t k) {
    Layer l;
    l.name = "gemm";
    l.kind = sasim::LayerKind::Gemm;
    l.gemm = {batch, m, n, k};
    return l;
}

}  // namespace

TEST_CASE("functional: replayed programs give the reference's outputs", "[functional]") {
    const std::vector<Layer> layers = {conv("conv3x3", 7, 6, 5, 9, 3, 1, 1, 1, 1), conv("strided", 9, 8, 6, 4, 3, 2, 1, 2, 2),
                                       conv("depthwise", 6, 6, 8, 8, 3, 1, 1, 8, 1), gemm(2, 13, 9, 21)};
    for (Dataflow df : {Dataflow::WS, Dataflow::OS, Dataflow::IS}) {
        for (uint32_t bits : {8u, 16u}) {
            const Config cfg = make_cfg(df, 4, 5, bits);
            sasim::model::FunctionalMachine machine(cfg);  // one machine for every layer, as a run keeps it
            for (const Layer& layer : layers) {
                INFO(sasim::to_string(df) << " int" << bits << " " << layer.name);
                auto src = sasim::stream_layer(layer, cfg);
                sasim::model::CanonicalTensors t;
                sasim::model::generate_tensors(layer, bits, 42, t);
                const sasim::model::CheckResult r =
                    sasim::model::replay_layer_values(layer, cfg, machine, *src, t, true, nullptr);
                CHECK(r.checked);
                CHECK(r.elements > 0);
                CHECK(r.mismatches == 0);
                CHECK(r.pass);
            }
        }
    }
}

TEST_CASE("functional: the check sees a replay on other operands", "[functional]") {
    // The operands of seed 1 in the image, the reference's of seed 2: the replay's outputs must differ.
    const Config cfg = make_cfg(Dataflow::WS, 4, 4, 8);
    const Layer layer = conv("conv3x3", 7, 6, 5, 9, 3, 1, 1, 1, 1);
    sasim::model::FunctionalMachine machine(cfg);
    auto src = sasim::stream_layer(layer, cfg);
    std::vector<uint8_t> image;
    {
        sasim::model::CanonicalTensors t;
        sasim::model::generate_tensors(layer, 8, 1, t);
        image = sasim::model::build_dram_image(layer, src->layout(), cfg.array.dataflow, t);
    }
    const sasim::model::FunctionalTotals totals = machine.run(*src, image);
    CHECK(totals.macs == src->layout().view.macs());
    CHECK(totals.dram_write_bytes == src->layout().output_bytes);
    sasim::model::CanonicalTensors other;
    sasim::model::generate_tensors(layer, 8, 2, other);
    const auto ref = sasim::model::reference_outputs(layer, other);
    const sasim::model::CheckResult r = sasim::model::check_outputs(layer, src->layout(), ref, image, 8);
    CHECK_FALSE(r.pass);
    CHECK(r.mismatches > 0);
}
