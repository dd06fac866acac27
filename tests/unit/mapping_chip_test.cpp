// SPDX-License-Identifier: MIT
// Unit tests of compile_mapped with on-chip im2col (Mapping::im2col == Im2col::Chip, sim/compiler/mapping.h):
// the mappings it must refuse (with a message naming the mapping and the rule), and the DRAM bytes of its
// natural-layout input loads: every in-bounds input byte of a pixel tile's window (output rows plus halo)
// exactly once per tile, and nothing else. No SystemC: the loads are read through LoadAddressGen and
// program_bound, which the model's load path and the mapper use.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "common/errors.h"
#include "compiler/compiler.h"
#include "compiler/mapping.h"
#include "config/config.h"
#include "model/load_address.h"
#include "model/program_bound.h"
#include "test_layers.h"
#include "workload/workload.h"

using namespace sasim;

namespace {

// The fixed seed of a random test, or SASIM_MAPPER_TEST_SEED when set (to explore other layers by hand).
uint32_t test_seed(uint32_t fixed) {
    const char* env = std::getenv("SASIM_MAPPER_TEST_SEED");
    return env != nullptr && *env != '\0' ? static_cast<uint32_t>(std::strtoul(env, nullptr, 10)) : fixed;
}

Config shipped(const std::string& name) {
    return load_config(std::string(SASIM_SOURCE_DIR) + "/configs/" + name + ".json");
}

// A shipped tiny config with SRAMs large enough for every mapping of the layers below.
Config roomy(const std::string& name) {
    Config cfg = shipped(name);
    cfg.scratchpad.capacity_kib *= 64;  // still whole rows (tiny_3x5_os has 5-byte rows)
    cfg.accumulator.capacity_kib *= 64;
    validate_and_derive(cfg, "");
    return cfg;
}

// 6x6x5 input, 6 filters of 3x3, padding 1: a 6x6 output (36 pixels per image).
Layer conv6(uint32_t batch = 1) {
    ConvSpec s;
    s.batch = batch;
    s.h = s.w = 6;
    s.c = 5;
    s.oc = 6;
    s.pt = s.pb = s.pl = s.pr = 1;
    return conv_layer(s);
}

Layer gemm_layer(uint32_t m, uint32_t n, uint32_t k) {
    Layer l;
    l.name = "gemm";
    l.kind = LayerKind::Gemm;
    l.origin = "tests/unit/mapping_chip_test.cpp";
    l.gemm.m = m;
    l.gemm.n = n;
    l.gemm.k = k;
    return l;
}

// A chip mapping whose pixel tile is `pixels` and whose other tile is the whole of its dimension, with
// `pack` groups per GEMM.
Mapping chip_mapping(const Layer& layer, const Config& cfg, uint64_t pixels, LoopOrder order = LoopOrder::PQ,
                     uint32_t pack = 1) {
    const PqDims d = pq_dims(plan_layout(layer, cfg, pack), cfg);
    const bool pix_is_p = cfg.array.dataflow != Dataflow::IS;
    Mapping m;
    m.order = order;
    m.tile_p = static_cast<uint32_t>(pix_is_p ? pixels : d.p);
    m.tile_q = static_cast<uint32_t>(pix_is_p ? d.q : pixels);
    m.k_groups = 0;
    m.group = 1;
    m.im2col = Im2col::Chip;
    m.pack = pack;
    return m;
}

// How describe() names the Mapping field that holds a pixel tile of `pixels` on this config.
std::string pixel_field(const Config& cfg, uint64_t pixels) {
    return (cfg.array.dataflow == Dataflow::IS ? " q=" : " p=") + std::to_string(pixels) + " ";
}

std::string refusal(const Layer& layer, const Config& cfg, const Mapping& m) {
    try {
        check_mapping_fits(mapped_layout(layer, cfg, m), cfg, m);
    } catch (const InputError& e) {
        // compile_mapped refuses it the same way.
        try {
            (void)compile_mapped(layer, cfg, m);
        } catch (const InputError& e2) {
            CHECK(std::string(e2.what()) == e.what());
            return e.what();
        }
        FAIL("check_mapping_fits refused " << describe(m) << " but compile_mapped did not: " << e.what());
    }
    return "";
}

const char* const kDataflowConfigs[] = {"tiny_4x4_ws", "tiny_4x4_is", "tiny_4x4_os", "tiny_3x5_os", "tiny_4x8_ws"};

}  // namespace

TEST_CASE("mapping im2col=chip: a pixel tile that is not whole output rows is refused, naming it", "[unit][mapper]") {
    for (const char* name : kDataflowConfigs) {
        const Config cfg = roomy(name);
        INFO("config " << name);
        for (uint32_t batch : {1u, 2u}) {
            const Layer layer = conv6(batch);
            INFO("batch " << batch);
            for (uint64_t bad : {1u, 5u, 7u, 8u, 13u, 35u}) {
                const Mapping m = chip_mapping(layer, cfg, bad);
                INFO(describe(m));
                const std::string msg = refusal(layer, cfg, m);
                REQUIRE_FALSE(msg.empty());
                // The mapping (" p=8 " names tile_p, " q=8 " tile_q), then the rule broken.
                CHECK_THAT(msg, Catch::Contains(pixel_field(cfg, bad)));
                CHECK_THAT(msg, Catch::Contains("im2col=chip the pixel tile must be a multiple of"));
                CHECK_THAT(msg, Catch::Contains("multiple of 6"));
                CHECK_THAT(msg, Catch::Contains("at least 36 (a whole image)"));
            }
            // Whole output rows, a whole image, or more than an image: accepted.
            for (uint64_t good : {6u, 12u, 18u, 30u, 36u, 37u, 40u, 72u, 100u}) {
                const Mapping m = chip_mapping(layer, cfg, good);
                INFO(describe(m));
                CHECK(refusal(layer, cfg, m).empty());
            }
        }
    }
}

TEST_CASE("mapping im2col=chip: K cut into tiles (k_groups != 0) is refused, naming k_groups", "[unit][mapper]") {
    for (const char* name : kDataflowConfigs) {
        const Config cfg = roomy(name);
        INFO("config " << name);
        const Layer layer = conv6();
        for (uint32_t kg : {1u, 2u, 100u}) {
            Mapping m = chip_mapping(layer, cfg, 36);
            m.k_groups = kg;
            INFO(describe(m));
            const std::string msg = refusal(layer, cfg, m);
            REQUIRE_FALSE(msg.empty());
            CHECK_THAT(msg, Catch::Contains(" k=" + std::to_string(kg) + " "));  // describe(): k_groups
            CHECK_THAT(msg, Catch::Contains("im2col=chip needs the whole reduction in one K tile (k=all)"));
            // The same mapping on DRAM im2col is fine.
            m.im2col = Im2col::Dram;
            CHECK(refusal(layer, cfg, m).empty());
        }
    }
}

TEST_CASE("mapping im2col=chip: a GEMM is refused, naming im2col, and GEMM candidates are never chip", "[unit][mapper]") {
    for (const char* name : kDataflowConfigs) {
        const Config cfg = roomy(name);
        INFO("config " << name);
        const Layer layer = gemm_layer(24, 20, 36);
        const PqDims d = pq_dims(plan_layout(layer, cfg), cfg);
        Mapping m;
        m.tile_p = static_cast<uint32_t>(d.p);
        m.tile_q = static_cast<uint32_t>(d.q);
        m.im2col = Im2col::Chip;
        INFO(describe(m));
        const std::string msg = refusal(layer, cfg, m);
        REQUIRE_FALSE(msg.empty());
        CHECK_THAT(msg, Catch::Contains("im2col=chip needs a convolution"));
        m.im2col = Im2col::Dram;
        CHECK(refusal(layer, cfg, m).empty());
        for (const Mapping& c : candidate_mappings(layer, shipped(name))) CHECK(c.im2col == Im2col::Dram);
    }
}

namespace {

// The DRAM addresses (one per byte) of the in-bounds input that pixel tile `t` (output rows
// [r0, r0 + rows) of image `img`) reads for the channels [chan0, chan0 + chans): its output rows' padded
// input rows and the full padded width its outputs read, clipped to the input.
std::vector<uint64_t> tile_window_bytes(const Layer& layer, const LayerLayout& lay, uint32_t img, uint32_t r0,
                                        uint32_t rows, uint32_t chan0, uint32_t chans) {
    const ConvShape& c = layer.conv;
    const int64_t h0 = int64_t{r0} * c.stride_h - c.pad_top;
    const int64_t h1 = int64_t{r0 + rows - 1} * c.stride_h + int64_t{c.kernel_h - 1} * c.dilation_h - c.pad_top;
    const int64_t w0 = -int64_t{c.pad_left};
    const int64_t w1 = int64_t{c.out_w() - 1} * c.stride_w + int64_t{c.kernel_w - 1} * c.dilation_w - c.pad_left;
    const uint64_t ob = lay.operand_bytes;
    std::vector<uint64_t> out;
    for (int64_t h = std::max<int64_t>(h0, 0); h <= std::min<int64_t>(h1, c.in_h - 1); ++h) {
        for (int64_t w = std::max<int64_t>(w0, 0); w <= std::min<int64_t>(w1, c.in_w - 1); ++w) {
            for (uint32_t ch = chan0; ch < chan0 + chans; ++ch) {
                const uint64_t elem = ((uint64_t{img} * c.in_h + static_cast<uint64_t>(h)) * c.in_w +
                                       static_cast<uint64_t>(w)) * c.in_c + ch;
                for (uint64_t b = 0; b < ob; ++b) out.push_back(lay.input_addr + elem * ob + b);
            }
        }
    }
    std::sort(out.begin(), out.end());
    return out;
}

// Checks the LoadIm2col instructions of the chip program of `layer` with pixel tiles of `tile_rows` output
// rows (0 = a whole image) and `pack` groups per GEMM: each reads, byte by byte, exactly the window of one
// pixel tile of one GEMM's channels, in loop order, every byte once; program_bound's DRAM reads are those
// windows plus the (expanded) weights once. Returns the input bytes the windows hold in all.
uint64_t check_chip_loads(const Layer& layer, const Config& cfg, uint32_t tile_rows, LoopOrder order,
                          uint32_t pack = 1) {
    const ConvShape& c = layer.conv;
    const uint32_t oh = c.out_h(), ow = c.out_w();
    const uint32_t rows = tile_rows == 0 || tile_rows >= oh ? oh : tile_rows;
    const Mapping map =
        chip_mapping(layer, cfg, tile_rows == 0 ? uint64_t{oh} * ow : uint64_t{rows} * ow, order, pack);
    INFO("mapping " << describe(map));
    const CompiledLayer comp = compile_mapped(layer, cfg, map);
    const LayerLayout& lay = comp.layout;
    REQUIRE(comp.program.convs.size() == 2);  // conv 1: the natural-layout tiles

    // The expected windows in program order: per GEMM (`pack` groups' channels), per image, per tile (the
    // other operand is one tile, so the pixel tiles are loaded once each in either loop order).
    std::vector<std::vector<uint64_t>> expected;
    const uint32_t cg = c.in_c / c.groups * pack;
    REQUIRE(lay.view.count * cg == c.in_c);
    for (uint32_t g = 0; g < c.groups / pack; ++g) {
        for (uint32_t img = 0; img < c.batch; ++img) {
            for (uint32_t r0 = 0; r0 < oh; r0 += rows) {
                expected.push_back(tile_window_bytes(layer, lay, img, r0, std::min(rows, oh - r0), g * cg, cg));
            }
        }
    }

    size_t loads = 0;
    uint64_t window_bytes = 0;
    for (const Instruction& in : comp.program.instrs) {
        if (in.op != Opcode::LoadIm2col) continue;
        INFO("load " << loads << ": " << disassemble(in));
        CHECK(in.conv == 1);
        model::LoadAddressGen gen(in, comp.program.convs, lay.operand_bytes);
        std::vector<uint64_t> got;
        std::vector<model::RowSegment> segs;
        for (uint32_t r = 0; r < in.rows; ++r) {
            segs.clear();
            gen.row_segments(r, segs);
            for (const model::RowSegment& s : segs) {
                for (uint64_t b = 0; b < s.bytes; ++b) got.push_back(s.dram_addr + b);
            }
        }
        std::sort(got.begin(), got.end());
        CHECK(std::adjacent_find(got.begin(), got.end()) == got.end());  // no byte twice in one tile
        REQUIRE(loads < expected.size());
        CHECK(got.size() == expected[loads].size());
        CHECK(got == expected[loads]);
        window_bytes += expected[loads].size();
        ++loads;
    }
    CHECK(loads == expected.size());

    const model::ProgramBound b = model::program_bound(comp, cfg);
    CHECK(b.dram_read_bytes == window_bytes + lay.weights_bytes);
    CHECK(b.dram_write_bytes == lay.output_bytes);
    return window_bytes;
}

}  // namespace

TEST_CASE("mapping im2col=chip: a single-tile program reads the input exactly once", "[unit][mapper]") {
    // Every input pixel is read by some output (stride 1, or a kernel that covers the stride), so the one
    // tile's window is the whole input.
    std::vector<ConvSpec> specs;
    {
        ConvSpec s;
        s.h = s.w = 6;
        s.c = 5;
        s.oc = 6;
        s.pt = s.pb = s.pl = s.pr = 1;
        specs.push_back(s);
        s.batch = 2;
        s.kh = 2;
        s.kw = 3;
        s.pt = 2;
        s.pb = 0;
        s.pl = 0;
        s.pr = 2;
        specs.push_back(s);
        s = ConvSpec{};
        s.h = 7;
        s.w = 5;
        s.c = s.oc = s.groups = 6;  // depthwise
        s.sh = s.sw = 2;
        s.pt = s.pb = s.pl = s.pr = 1;
        specs.push_back(s);
        s = ConvSpec{};
        s.h = s.w = 8;
        s.c = 4;
        s.oc = 6;
        s.groups = 2;
        s.dh = s.dw = 2;
        s.pt = s.pb = s.pl = s.pr = 2;
        specs.push_back(s);
    }
    for (const char* name : kDataflowConfigs) {
        const Config cfg = roomy(name);
        INFO("config " << name);
        for (size_t i = 0; i < specs.size(); ++i) {
            const Layer layer = conv_layer(specs[i]);
            INFO("spec " << i);
            REQUIRE(validate_layer(layer).empty());
            const uint64_t window = check_chip_loads(layer, cfg, 0, LoopOrder::PQ);
            CHECK(window == plan_layout(layer, cfg).input_bytes);
        }
    }
}

TEST_CASE("mapping im2col=chip: each pixel tile reads its rows and halo once (random layers)", "[unit][mapper]") {
    std::mt19937 rng(test_seed(20261204));
    auto pick = [&rng](uint32_t lo, uint32_t hi) { return std::uniform_int_distribution<uint32_t>(lo, hi)(rng); };
    int checked = 0;
    for (int iter = 0; iter < 200; ++iter) {
        ConvSpec s;
        s.batch = pick(1, 2);
        s.h = pick(3, 12);
        s.w = pick(3, 12);
        s.kh = pick(1, 3);
        s.kw = pick(1, 3);
        s.sh = pick(1, 2);
        s.sw = pick(1, 2);
        s.pt = pick(0, 2);
        s.pb = pick(0, 2);
        s.pl = pick(0, 2);
        s.pr = pick(0, 2);
        if (pick(0, 3) == 0) s.dh = 2;
        if (pick(0, 3) == 0) s.dw = 2;
        switch (pick(0, 3)) {
            case 0: s.groups = s.c = s.oc = pick(1, 12); break;  // depthwise
            case 1:
                s.groups = pick(2, 3);
                s.c = s.groups * pick(1, 6);
                s.oc = s.groups * pick(1, 6);
                break;
            default:
                s.c = pick(1, 20);
                s.oc = pick(1, 20);
        }
        const Layer layer = conv_layer(s);
        if (!validate_layer(layer).empty()) continue;
        const char* name = kDataflowConfigs[pick(0, std::size(kDataflowConfigs) - 1)];
        const Config cfg = roomy(name);
        const uint32_t tile_rows = pick(0, layer.conv.out_h());
        const LoopOrder order = pick(0, 1) == 0 ? LoopOrder::PQ : LoopOrder::QP;
        uint32_t pack = 1;  // now and then several groups per GEMM (a divisor of the groups)
        if (s.groups > 1 && pick(0, 1) == 1) {
            do pack = pick(1, s.groups); while (s.groups % pack != 0);
        }
        INFO("iteration " << iter << " config " << name << " conv b" << s.batch << " " << s.h << "x" << s.w << "x"
                          << s.c << " -> " << s.oc << " k" << s.kh << "x" << s.kw << " s" << s.sh << "x" << s.sw
                          << " pad " << s.pt << "," << s.pb << "," << s.pl << "," << s.pr << " dil " << s.dh << "x"
                          << s.dw << " groups " << s.groups << " pack " << pack << ", tile rows " << tile_rows);
        (void)check_chip_loads(layer, cfg, tile_rows, order, pack);
        ++checked;
    }
    CHECK(checked >= 150);
}
