// SPDX-License-Identifier: MIT
// Fuzz target: mapping files (`sasim run --mapping`). Any input must be accepted or refused with InputError
// lines that name the file. An accepted file must round-trip through its JSON, and each of its mappings,
// applied to a small conv, a depthwise conv and a small GEMM on a WS, an OS and an IS config, must either be
// refused as not fitting or compile to a program whose functional execution equals the independent reference.
#include <cstdlib>
#include <cstring>

#include "common/errors.h"
#include "compiler/mapping_file.h"
#include "functional_model.h"
#include "fuzz_util.h"
#include "model/reference.h"
#include "model/tensors.h"

namespace {

sasim::Config tiny(sasim::Dataflow df) {
    sasim::Config cfg;
    cfg.array.rows = 4;
    cfg.array.cols = 4;
    cfg.array.dataflow = df;
    cfg.scratchpad = {4, 2};
    cfg.accumulator = {2, 1};
    sasim::validate_and_derive(cfg, "fuzz");
    return cfg;
}

std::vector<sasim::Layer> layers() {
    sasim::Layer conv;
    conv.name = "conv";
    conv.kind = sasim::LayerKind::Conv;
    auto& c = conv.conv;
    c.batch = 2;
    c.in_h = 6;
    c.in_w = 5;
    c.in_c = 6;
    c.out_c = 7;
    c.kernel_h = c.kernel_w = 3;
    c.stride_h = 1;
    c.stride_w = 2;
    c.pad_top = c.pad_bottom = c.pad_left = c.pad_right = 1;
    sasim::Layer dw = conv;  // depthwise: pack and gemms_inner apply
    dw.name = "dw";
    dw.conv.in_c = dw.conv.out_c = dw.conv.groups = 4;
    sasim::Layer gemm;
    gemm.name = "gemm";
    gemm.kind = sasim::LayerKind::Gemm;
    gemm.gemm = {1, 9, 7, 13};
    return {conv, dw, gemm};
}

void check_program(const sasim::Layer& layer, const sasim::Config& cfg, const sasim::Mapping& m) {
    sasim::CompiledLayer cl;
    try {
        cl = sasim::compile_mapped(layer, cfg, m);
    } catch (const sasim::InputError& e) {
        if (std::strstr(e.what(), "does not fit") == nullptr) std::abort();  // only "does not fit" is legal
        return;
    }
    sasim::model::CanonicalTensors t;
    sasim::model::generate_tensors(layer, cfg.array.operand_bits, 7, t);
    std::vector<uint8_t> img = sasim::model::build_dram_image(layer, cl.layout, cfg.array.dataflow, t);
    if (!sasim::fuzz::run_functional(cl, cfg, img)) std::abort();
    const auto ref = sasim::model::reference_outputs(layer, t);
    if (!sasim::model::check_outputs(layer, cl.layout, ref, img, cfg.array.operand_bits).pass) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string path = sasim::fuzz::write_input(data, size, ".json");
    sasim::MappingFile f;
    try {
        f = sasim::read_mapping_file(path);
    } catch (const sasim::InputError& e) {
        for (const auto& line : e.lines()) {
            if (line.rfind(path, 0) != 0) std::abort();  // every message names the file first
        }
        return 0;
    }
    const sasim::MappingFile again = sasim::parse_mapping_file(sasim::mapping_file_json(f).dump(), path);
    if (again.layers != f.layers || again.config_hash != f.config_hash) std::abort();
    static const std::vector<sasim::Layer> ls = layers();
    static const sasim::Config cfgs[] = {tiny(sasim::Dataflow::WS), tiny(sasim::Dataflow::OS), tiny(sasim::Dataflow::IS)};
    size_t tried = 0;
    for (const auto& [name, m] : f.layers) {
        if (!m || m->tile_p > 4096 || m->tile_q > 4096 || m->group > 64) continue;  // keep each input fast
        for (const auto& layer : ls)
            for (const auto& cfg : cfgs) check_program(layer, cfg, *m);
        if (++tried == 4) break;
    }
    return 0;
}
