// SPDX-License-Identifier: MIT
// Fuzz target: compiler + datapath on random small layers and configs. The bytes choose an array, memory
// sizes, a dataflow and a conv or gemm layer. The layer must be refused with InputError (does not fit) or
// compile to a program whose functional execution, in token order, equals the independent reference.
#include <cstdlib>
#include <cstring>

#include "common/errors.h"
#include "compiler/compiler.h"
#include "functional_model.h"
#include "model/reference.h"
#include "model/tensors.h"

namespace {

struct Bytes {
    const uint8_t* p;
    size_t n;
    size_t i = 0;
    uint32_t take(uint32_t lo, uint32_t hi) {  // a value in [lo, hi]
        const uint32_t v = i < n ? p[i] : 0;
        ++i;
        return lo + v % (hi - lo + 1);
    }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    Bytes b{data, size};
    sasim::Config cfg;
    cfg.array.rows = b.take(1, 9);
    cfg.array.cols = b.take(1, 9);
    cfg.array.dataflow = static_cast<sasim::Dataflow>(b.take(0, 2));
    cfg.array.operand_bits = b.take(0, 3) == 0 ? 16 : 8;
    const uint32_t row_bytes = std::max(cfg.array.rows, cfg.array.cols) * cfg.array.operand_bits / 8;
    cfg.scratchpad = {uint64_t{row_bytes} * b.take(1, 8), b.take(0, 2) == 0 ? 2u : 1u};
    cfg.accumulator = {uint64_t{cfg.array.cols} * 4 * b.take(1, 4), 1};
    cfg.dma.max_request_bytes = 1u << b.take(0, 6);
    try {
        sasim::validate_and_derive(cfg, "fuzz");
    } catch (const sasim::InputError&) {
        return 0;  // e.g. a capacity that does not split into whole rows per bank
    }
    sasim::Layer layer;
    layer.name = "fuzz";
    if (b.take(0, 1) == 0) {
        layer.kind = sasim::LayerKind::Conv;
        auto& c = layer.conv;
        c.groups = b.take(1, 3);
        c.batch = b.take(1, 2);
        c.in_h = b.take(1, 7);
        c.in_w = b.take(1, 7);
        c.in_c = c.groups * b.take(1, 5);
        c.out_c = c.groups * b.take(1, 5);
        c.kernel_h = b.take(1, 3);
        c.kernel_w = b.take(1, 3);
        c.stride_h = b.take(1, 3);
        c.stride_w = b.take(1, 3);
        c.pad_top = b.take(0, 2);
        c.pad_bottom = b.take(0, 2);
        c.pad_left = b.take(0, 2);
        c.pad_right = b.take(0, 2);
        c.dilation_h = b.take(1, 2);
        c.dilation_w = b.take(1, 2);
    } else {
        layer.kind = sasim::LayerKind::Gemm;
        layer.gemm = {b.take(1, 3), b.take(1, 20), b.take(1, 20), b.take(1, 40)};
    }
    if (!sasim::validate_layer(layer).empty()) return 0;
    layer.residual_add = b.take(0, 2) == 1;  // a fused residual add (after the shape: older inputs keep theirs)
    sasim::CompiledLayer cl;
    try {
        cl = sasim::compile_layer(layer, cfg);
    } catch (const sasim::InputError& e) {
        if (std::strstr(e.what(), "capacity_kib") == nullptr) std::abort();  // only "does not fit" is legal
        return 0;
    }
    sasim::model::CanonicalTensors t;
    sasim::model::generate_tensors(layer, cfg.array.operand_bits, size, t);
    std::vector<uint8_t> img = sasim::model::build_dram_image(layer, cl.layout, cfg.array.dataflow, t);
    if (!sasim::fuzz::run_functional(cl, cfg, img)) std::abort();  // deadlock or out-of-range access
    auto ref = sasim::model::reference_outputs(layer, t);
    sasim::model::add_shortcut(ref, t.shortcut, cl.layout.shift);
    const auto res = sasim::model::check_outputs(layer, cl.layout, ref, img, cfg.array.operand_bits);
    if (!res.pass) std::abort();
    return 0;
}
