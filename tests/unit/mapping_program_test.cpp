// SPDX-License-Identifier: MIT
// Unit tests of compile_mapped's programs without SystemC: on random small conv and GEMM layers over every
// tiny config, every candidate mapping and further K-tiled ones (cut at every chunk-group count, so K tiles
// start at every phase of the groups) run as three in-order units that move only when their dependency
// tokens allow, with each unit in turn running as far ahead as it may. Every such run must finish and
// compute the reference outputs: a missing token (derive_tokens fed buffer ids that do not name the rows
// an instruction really uses) shows up as a wrong output. SASIM_MAPPER_TEST_SEED=N draws other layers.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "common/errors.h"
#include "compiler/compiler.h"
#include "compiler/mapping.h"
#include "config/config.h"
#include "model/datapath.h"
#include "model/load_address.h"
#include "model/reference.h"
#include "model/tensors.h"
#include "workload/workload.h"

#include "../fuzz/functional_model.h"  // run_units: the token-legal interleavings

using namespace sasim;

namespace {

// The fixed seed of a random test, or SASIM_MAPPER_TEST_SEED when set (to explore other layers by hand).
uint32_t test_seed(uint32_t fixed) {
    const char* env = std::getenv("SASIM_MAPPER_TEST_SEED");
    return env != nullptr && *env != '\0' ? static_cast<uint32_t>(std::strtoul(env, nullptr, 10)) : fixed;
}

const char* const kTinyConfigs[] = {"tiny_2x2_ws", "tiny_3x5_os", "tiny_4x4_is", "tiny_4x4_os",
                                    "tiny_4x4_ws", "tiny_4x8_ws", "tiny_8x8_ws"};
constexpr size_t kNumConfigs = sizeof(kTinyConfigs) / sizeof(kTinyConfigs[0]);

Config shipped(const std::string& name) {
    return load_config(std::string(SASIM_SOURCE_DIR) + "/configs/" + name + ".json");
}

// Runs `map` on `layer` with each unit in turn running ahead; "" when all three runs are correct.
std::string check_mapping(const Layer& layer, const Config& cfg, const Mapping& map) {
    const CompiledLayer cl = compile_mapped(layer, cfg, map);
    {
        // Streamed with the token deriver releasing instructions as early as it can: the same program (a
        // release too early throws when a later instruction signals a released one).
        const std::unique_ptr<InstructionSource> src = stream_mapped(layer, cfg, map, 1);
        std::vector<Instruction> got;
        while (src->next(got)) {
        }
        if (got.size() != cl.program.instrs.size()) return "streamed: another instruction count";
        for (size_t i = 0; i < got.size(); ++i) {
            const Instruction& a = got[i];
            const Instruction& b = cl.program.instrs[i];
            if (disassemble(a) != disassemble(b) || a.wait_prev != b.wait_prev || a.wait_next != b.wait_next ||
                a.signal_prev != b.signal_prev || a.signal_next != b.signal_next) {
                return "streamed: instruction " + std::to_string(i) + " differs: " + disassemble(a) + " vs " +
                       disassemble(b);
            }
        }
    }
    model::CanonicalTensors t;
    model::generate_tensors(layer, cfg.array.operand_bits, 5, t);
    std::vector<int32_t> ref = model::reference_outputs(layer, t);
    model::add_shortcut(ref, t.shortcut, cl.layout.shift);
    const std::vector<uint8_t> image = model::build_dram_image(layer, cl.layout, cfg.array.dataflow, t);
    static const Unit kOrders[3][3] = {{Unit::Load, Unit::Execute, Unit::Store},
                                       {Unit::Execute, Unit::Store, Unit::Load},
                                       {Unit::Store, Unit::Execute, Unit::Load}};
    static const char* const kNames[3] = {"loads ahead", "executes ahead", "stores ahead"};
    for (int o = 0; o < 3; ++o) {
        std::vector<uint8_t> img = image;
        const std::string problem = fuzz::run_units(cl, cfg, kOrders[o], img);
        if (!problem.empty()) return std::string(kNames[o]) + ": " + problem;
        const model::CheckResult r = model::check_outputs(layer, cl.layout, ref, img, cfg.array.operand_bits);
        if (!r.pass) {
            return std::string(kNames[o]) + ": " + std::to_string(r.mismatches) + " wrong outputs, first " +
                   r.first_mismatch;
        }
    }
    return "";
}

// Mappings of `layer` besides the candidates: for each candidate's tiles and loop order, the reduction cut
// into tiles of 1, 2, ... chunk groups (wide-load groups of the candidate's size and of 2 chunks), when the
// mapping fits. K tiles of a group count that does not divide the groups per filter position start at
// different phases of the group pattern.
std::vector<Mapping> k_tiled_variants(const Layer& layer, const Config& cfg, const std::vector<Mapping>& cands) {
    std::vector<Mapping> out;
    for (const Mapping& c : cands) {
        if (c.im2col == Im2col::Chip) continue;  // chip keeps K whole
        for (uint32_t group : {c.group, 2u}) {
            for (uint32_t kg = 1; kg <= 9; ++kg) {
                Mapping m = c;
                m.group = group;
                m.k_groups = kg;
                if (std::find(out.begin(), out.end(), m) != out.end()) continue;
                if (std::find(cands.begin(), cands.end(), m) != cands.end()) continue;
                try {
                    check_mapping_fits(mapped_layout(layer, cfg, m), cfg, m);
                } catch (const InputError&) {
                    continue;
                }
                out.push_back(m);
            }
        }
    }
    return out;
}

}  // namespace

TEST_CASE("mapping programs: K tiles that start at different phases of uneven chunk groups compute the reference",
          "[unit][mapper]") {
    // Found by the mapper sc test: 36 channels on a 4-deep IS array are 9 chunks per filter position,
    // grouped 4 + 4 + 1; K tiles of 7 groups start at every phase of that pattern, so a group of one tile
    // lies over groups with other indices of the tile that held the scratchpad slot before.
    const Config cfg = shipped("tiny_4x4_is");
    Layer l;
    l.name = "conv";
    l.kind = LayerKind::Conv;
    l.conv.in_h = l.conv.in_w = 12;
    l.conv.in_c = 36;
    l.conv.out_c = 33;
    l.conv.kernel_h = l.conv.kernel_w = 3;
    l.conv.stride_h = l.conv.stride_w = 2;
    l.conv.pad_top = l.conv.pad_bottom = l.conv.pad_left = l.conv.pad_right = 1;
    for (uint32_t kg : {1u, 2u, 3u, 4u, 5u, 6u, 7u}) {
        for (uint32_t group : {1u, 2u, 4u}) {
            Mapping m;
            m.tile_p = 16;
            m.tile_q = 4;
            m.k_groups = kg;
            m.group = group;
            INFO(describe(m));
            CHECK(check_mapping(l, cfg, m) == "");
        }
    }
}

TEST_CASE("mapping programs: every candidate and K-tiled mapping computes the reference (random layers)",
          "[unit][mapper]") {
    std::mt19937 rng(test_seed(20261206));
    auto pick = [&rng](uint32_t lo, uint32_t hi) { return std::uniform_int_distribution<uint32_t>(lo, hi)(rng); };
    std::vector<Config> cfgs;
    for (const char* name : kTinyConfigs) cfgs.push_back(shipped(name));
    size_t layers = 0, programs = 0, k_tiled = 0;
    while (layers < 70) {
        Layer l;
        l.name = "l" + std::to_string(layers);
        l.origin = "tests/unit/mapping_program_test.cpp";
        if (pick(1, 4) == 1) {
            l.kind = LayerKind::Gemm;
            l.gemm = {pick(1, 2), pick(1, 40), pick(1, 40), pick(1, 80)};
        } else {
            l.kind = LayerKind::Conv;
            ConvShape& c = l.conv;
            c.batch = pick(1, 2);
            c.in_h = pick(3, 10);
            c.in_w = pick(3, 10);
            c.kernel_h = pick(1, 3);
            c.kernel_w = pick(1, 3);
            c.stride_h = pick(1, 2);
            c.stride_w = pick(1, 2);
            c.pad_top = c.pad_bottom = pick(0, 2);
            c.pad_left = c.pad_right = pick(0, 2);
            if (pick(1, 6) == 1) c.dilation_h = 2;
            if (pick(1, 6) == 1) c.dilation_w = 2;
            switch (pick(1, 6)) {
                case 1: c.groups = c.in_c = c.out_c = pick(1, 12); break;
                case 2:
                    c.groups = pick(2, 3);
                    c.in_c = c.groups * pick(1, 12);
                    c.out_c = c.groups * pick(1, 8);
                    break;
                default:
                    c.in_c = pick(1, 40);
                    c.out_c = pick(1, 24);
            }
        }
        if (!validate_layer(l).empty()) continue;
        l.residual_add = pick(0, 2) == 0;  // a fused residual add: its shortcut loaded into the accumulator
        const size_t ci = pick(0, kNumConfigs - 1);
        const Config& cfg = cfgs[ci];
        const std::vector<Mapping> cands = candidate_mappings(l, cfg);
        if (cands.empty()) continue;
        ++layers;
        std::vector<Mapping> maps = cands;
        const std::vector<Mapping> extra = k_tiled_variants(l, cfg, cands);
        maps.insert(maps.end(), extra.begin(), extra.end());
        for (const Mapping& m : maps) {
            INFO(kTinyConfigs[ci] << ": " << describe_shape(l) << " with " << describe(m));
            CHECK(check_mapping(l, cfg, m) == "");
            ++programs;
            k_tiled += m.k_groups != 0;
        }
    }
    // The test is not vacuous: most programs cut K (4749 programs, 4288 K-tiled with the seed above).
    CHECK(programs > 1000);
    CHECK(k_tiled > 1000);
}
