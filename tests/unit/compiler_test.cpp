// SPDX-License-Identifier: MIT
// Unit tests of compile_layer: token balance, operand rows inside the SRAMs, MAC count, output coverage,
// and a functional run of the program (in-order units, adversarial interleavings) against the reference.
#include <algorithm>
#include <catch2/catch.hpp>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "common/errors.h"
#include "compiler/compiler.h"
#include "config/config.h"
#include "model/datapath.h"
#include "model/load_address.h"
#include "model/reference.h"
#include "model/tensors.h"
#include "../fuzz/functional_model.h"  // run_units: the token-legal interleavings

using sasim::CompiledLayer;
using sasim::Config;
using sasim::Dataflow;
using sasim::Instruction;
using sasim::Layer;
using sasim::Opcode;
using sasim::Unit;

namespace {

Config make_cfg(Dataflow df, uint32_t rows, uint32_t cols, uint32_t bits, uint64_t spad_kib, uint64_t acc_kib) {
    Config cfg;
    cfg.array.dataflow = df;
    cfg.array.rows = rows;
    cfg.array.cols = cols;
    cfg.array.operand_bits = bits;
    cfg.scratchpad = {spad_kib, 2};
    cfg.accumulator = {acc_kib, 2};
    sasim::validate_and_derive(cfg, "");
    return cfg;
}

Layer conv(const std::string& name, uint32_t batch, uint32_t h, uint32_t w, uint32_t c, uint32_t oc, uint32_t kh,
           uint32_t kw, uint32_t sh, uint32_t sw, uint32_t pad_tl, uint32_t pad_br, uint32_t groups,
           uint32_t dil_w = 1) {
    Layer l;
    l.name = name;
    l.kind = sasim::LayerKind::Conv;
    auto& s = l.conv;
    s.batch = batch;
    s.in_h = h;
    s.in_w = w;
    s.in_c = c;
    s.out_c = oc;
    s.kernel_h = kh;
    s.kernel_w = kw;
    s.stride_h = sh;
    s.stride_w = sw;
    s.pad_top = s.pad_left = pad_tl;
    s.pad_bottom = s.pad_right = pad_br;
    s.dilation_w = dil_w;
    s.groups = groups;
    return l;
}

Layer gemm(const std::string& name, uint32_t batch, uint32_t m, uint32_t n, uint32_t k) {
    Layer l;
    l.name = name;
    l.kind = sasim::LayerKind::Gemm;
    l.gemm = {batch, m, n, k};
    return l;
}

// `l` with a fused residual add: its programs LOAD a shortcut into the accumulator (docs/isa.md, "LOAD").
Layer residual(Layer l) {
    l.residual_add = true;
    return l;
}

std::vector<Layer> layers() {
    return {
        conv("conv3x3", 1, 6, 6, 3, 5, 3, 3, 1, 1, 1, 1, 1),
        // out 3 x 4: h (7 + 1 - 3) / 2 + 1 = 3, w (5 + 1 - (2 * 1 + 1)) / 1 + 1 = 4 (dilation 2 along w)
        conv("strided_grouped", 2, 7, 5, 4, 6, 3, 2, 2, 1, 1, 0, 2, 2),
        conv("depthwise", 1, 5, 5, 8, 8, 3, 3, 1, 1, 1, 1, 8),
        conv("wide_channels", 1, 4, 4, 10, 3, 2, 2, 1, 1, 0, 0, 1),
        gemm("gemm_batched", 2, 13, 9, 21),
        gemm("gemm_long_k", 1, 30, 20, 100),
        conv("pointwise", 2, 3, 3, 6, 7, 1, 1, 1, 1, 0, 0, 1),
        gemm("one_step_blocks", 3, 3, 10, 4),  // on 4x4 WS: one chunk, one tile per outer block
        gemm("single_row", 1, 1, 5, 9),
        residual(conv("conv3x3_residual", 1, 6, 6, 3, 5, 3, 3, 1, 1, 1, 1, 1)),
        residual(conv("grouped_residual", 2, 7, 5, 4, 6, 3, 2, 2, 1, 1, 0, 2, 2)),
        residual(gemm("gemm_batched_residual", 2, 13, 9, 21)),
        residual(gemm("gemm_long_k_residual", 1, 30, 20, 100)),
    };
}

struct Hw {
    uint32_t rows, cols, bits;
    uint64_t spad_kib, acc_kib;
};
// 4x4 8-bit (256 spad rows, 64 acc rows); 8x4 16-bit (64 spad rows: weights not resident for long K);
// 4x8 8-bit (128 spad rows, 32 acc rows).
const Hw kHws[] = {{4, 4, 8, 1, 1}, {8, 4, 16, 1, 1}, {4, 8, 8, 1, 1}};

// Calls fn(layer, cfg) for every layer x hardware x dataflow, with a description in INFO.
template <typename Fn>
void for_all(Fn fn) {
    for (const Layer& l : layers()) {
        REQUIRE(sasim::validate_layer(l).empty());
        for (const Hw& hw : kHws) {
            for (Dataflow df : {Dataflow::OS, Dataflow::WS, Dataflow::IS}) {
                const Config cfg = make_cfg(df, hw.rows, hw.cols, hw.bits, hw.spad_kib, hw.acc_kib);
                INFO(l.name << " on " << hw.rows << "x" << hw.cols << " int" << hw.bits << " "
                            << sasim::to_string(df));
                fn(l, cfg);
            }
        }
    }
}


}  // namespace

TEST_CASE("compiler: dependency tokens balance between neighbouring units", "[compiler]") {
    for_all([](const Layer& layer, const Config& cfg) {
        const CompiledLayer cl = sasim::compile_layer(layer, cfg);
        uint64_t load_sn = 0, exec_wp = 0, exec_sp = 0, load_wn = 0, exec_sn = 0, store_wp = 0, store_sp = 0,
                 exec_wn = 0, load_wp = 0, store_sn = 0;
        for (const Instruction& in : cl.program.instrs) {
            INFO(sasim::disassemble(in));
            switch (sasim::unit_of(in.op)) {
                case Unit::Load:
                    // The store unit is before the loads (a ring), for LOADs into the accumulator only.
                    if (in.dst != sasim::LocalMem::Accumulator) CHECK_FALSE(in.wait_prev);
                    load_wp += in.wait_prev;
                    CHECK_FALSE(in.signal_prev);
                    load_sn += in.signal_next;
                    load_wn += in.wait_next;
                    break;
                case Unit::Execute:
                    // The first EXECUTE of each chunk group waits for its operands (one token per group).
                    exec_wp += in.wait_prev;
                    exec_sp += in.signal_prev;
                    exec_sn += in.signal_next;
                    exec_wn += in.wait_next;
                    break;
                case Unit::Store:
                    CHECK_FALSE(in.wait_next);  // the store unit waits on no unit after it
                    if (!layer.residual_add) CHECK_FALSE(in.signal_next);
                    store_sn += in.signal_next;
                    store_wp += in.wait_prev;
                    store_sp += in.signal_prev;
                    break;
            }
        }
        CHECK(load_sn == exec_wp);
        CHECK(exec_sp == load_wn);
        CHECK(exec_sn == store_wp);
        CHECK(store_sp == exec_wn);
        CHECK(store_sn == load_wp);
        CHECK(store_wp > 0);
        // Every EXECUTE after one that waited belongs to the same wide load: the first one must wait.
        bool first_exec = true;
        for (const Instruction& in : cl.program.instrs) {
            if (in.op != Opcode::Execute) continue;
            if (first_exec) CHECK(in.wait_prev);
            first_exec = false;
        }
    });
}

TEST_CASE("compiler: operand rows lie inside the scratchpad and the accumulator", "[compiler]") {
    for_all([](const Layer& layer, const Config& cfg) {
        const CompiledLayer cl = sasim::compile_layer(layer, cfg);
        const auto& d = cfg.derived;
        const bool os = cfg.array.dataflow == Dataflow::OS;
        for (const Instruction& in : cl.program.instrs) {
            INFO(sasim::disassemble(in));
            switch (in.op) {
                case Opcode::Load2d:
                case Opcode::LoadIm2col:
                    if (in.dst == sasim::LocalMem::Accumulator) {  // a residual add's shortcut: one block
                        REQUIRE(layer.residual_add);
                        CHECK(in.op == Opcode::Load2d);
                        CHECK(sasim::load_blocks(in) == 1);
                        CHECK(in.local_row + in.rows <= d.acc_rows);
                        CHECK(in.elems <= cfg.array.cols);
                        break;
                    }
                    CHECK(in.rows >= 1);
                    // The last block of a wide load ends inside the scratchpad.
                    CHECK(in.local_row + uint64_t{sasim::load_blocks(in) - 1} * in.block_stride + in.rows <=
                          d.spad_rows);
                    if (sasim::load_blocks(in) > 1) CHECK(in.block_stride >= in.rows);  // blocks do not overlap
                    CHECK(in.elems >= 1);
                    CHECK(sasim::load_block_elems(in) <= d.spad_row_elems);
                    if (in.op == Opcode::LoadIm2col) CHECK(in.elems == in.npos * in.chan_count);
                    break;
                case Opcode::Execute:
                    CHECK(in.m >= 1);
                    CHECK(in.n >= 1);
                    CHECK(in.k >= 1);
                    CHECK(in.a_row + in.m <= d.spad_rows);
                    CHECK(in.b_row + (os ? in.k : in.n) <= d.spad_rows);
                    CHECK(in.c_row + in.m <= d.acc_rows);
                    CHECK(in.n <= cfg.array.cols);
                    CHECK(in.k <= (os ? d.spad_row_elems : cfg.array.rows));
                    if (os) CHECK(in.m <= cfg.array.rows);
                    if (os) CHECK_FALSE(in.preload);
                    break;
                case Opcode::Store:
                    CHECK(in.c_row + in.rows <= d.acc_rows);
                    CHECK(in.elems <= d.acc_row_elems);
                    break;
            }
        }
    });
}

TEST_CASE("compiler: EXECUTEs perform exactly the layer's MACs", "[compiler]") {
    for_all([](const Layer& layer, const Config& cfg) {
        const CompiledLayer cl = sasim::compile_layer(layer, cfg);
        uint64_t macs = 0;
        for (const Instruction& in : cl.program.instrs) {
            if (in.op == Opcode::Execute) macs += uint64_t{in.m} * in.n * in.k;
        }
        CHECK(macs == layer.gemm_view().macs());
    });
}

TEST_CASE("compiler: STOREs write every output element exactly once", "[compiler]") {
    for_all([](const Layer& layer, const Config& cfg) {
        const CompiledLayer cl = sasim::compile_layer(layer, cfg);
        const auto& lay = cl.layout;
        const uint64_t ob = lay.operand_bytes;
        REQUIRE(lay.output_bytes == layer.gemm_view().count * layer.gemm_view().m * layer.gemm_view().n * ob);
        std::vector<int> hits(lay.output_bytes / ob, 0);
        uint64_t outside = 0;
        for (const Instruction& in : cl.program.instrs) {
            if (in.op != Opcode::Store) continue;
            for (uint64_t r = 0; r < in.rows; ++r) {
                for (uint64_t e = 0; e < in.elems; ++e) {
                    const uint64_t addr = in.dram_addr + r * in.dram_stride + e * ob;
                    if (addr < lay.output_addr || addr >= lay.output_addr + lay.output_bytes ||
                        (addr - lay.output_addr) % ob != 0) {
                        ++outside;
                        continue;
                    }
                    ++hits[(addr - lay.output_addr) / ob];
                }
            }
        }
        CHECK(outside == 0);
        uint64_t wrong = 0;
        for (int h : hits) wrong += h != 1;
        CHECK(wrong == 0);
    });
}

TEST_CASE("compiler: programs compute the reference outputs under any token-legal interleaving", "[compiler]") {
    // Producers first: loads and executes run as far ahead as their tokens allow (exposes missing WAR waits).
    const Unit eager[3] = {Unit::Load, Unit::Execute, Unit::Store};
    // Consumers first: stores and executes run as early as allowed (exposes missing RAW waits).
    const Unit lazy[3] = {Unit::Store, Unit::Execute, Unit::Load};
    for_all([&](const Layer& layer, const Config& cfg) {
        const CompiledLayer cl = sasim::compile_layer(layer, cfg);
        sasim::model::CanonicalTensors t;
        sasim::model::generate_tensors(layer, cfg.array.operand_bits, 42, t);
        std::vector<int32_t> ref = sasim::model::reference_outputs(layer, t);
        sasim::model::add_shortcut(ref, t.shortcut, cl.layout.shift);
        for (const auto* prio : {&eager, &lazy}) {
            std::vector<uint8_t> img = sasim::model::build_dram_image(layer, cl.layout, cfg.array.dataflow, t);
            CHECK(sasim::fuzz::run_units(cl, cfg, *prio, img) == "");
            const auto res = sasim::model::check_outputs(layer, cl.layout, ref, img, cfg.array.operand_bits);
            INFO(res.first_mismatch);
            CHECK(res.elements == ref.size());
            CHECK(res.mismatches == 0);
        }
    });
}

TEST_CASE("compiler: too-small scratchpad is reported as an InputError", "[compiler]") {
    // 64x64 WS, 8-bit: 1 KiB scratchpad = 16 rows of 64 B, far below two 64-row weight regions.
    const Config cfg = make_cfg(Dataflow::WS, 64, 64, 8, 1, 64);
    const Layer l = gemm("g", 1, 100, 64, 64);
    try {
        sasim::compile_layer(l, cfg);
        FAIL("no InputError");
    } catch (const sasim::InputError& e) {
        CHECK(std::string(e.what()).find("scratchpad.capacity_kib") != std::string::npos);
    }
}
