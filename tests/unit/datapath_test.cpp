// SPDX-License-Identifier: MIT
// Unit tests of model/datapath (EXECUTE arithmetic, STORE requantization) and model/reference.
#include <catch2/catch.hpp>

#include <atomic>
#include <climits>
#include <cstdint>
#include <cstring>
#include <random>
#include <vector>

#include "compiler/isa.h"
#include "config/config.h"
#include "model/datapath.h"
#include "model/reference.h"
#include "model/tensors.h"

using sasim::Config;
using sasim::Dataflow;
using sasim::Instruction;
using sasim::model::Accumulator;
using sasim::model::Scratchpad;

namespace {

// 4 x 4 array: spad rows of 4 operands (1 KiB: 256 rows at 8 bit, 128 at 16 bit); acc rows of 4 x 32 bit.
Config make_cfg(uint32_t bits) {
    Config cfg;
    cfg.array.rows = 4;
    cfg.array.cols = 4;
    cfg.array.operand_bits = bits;
    cfg.scratchpad = {1, 1};
    cfg.accumulator = {1, 1};
    sasim::validate_and_derive(cfg, "");
    return cfg;
}

void put(Scratchpad& sp, uint64_t row, uint32_t col, int32_t v) {
    uint8_t* p = sp.row(row) + col * sp.elem_bytes;
    p[0] = static_cast<uint8_t>(v & 0xff);
    if (sp.elem_bytes == 2) p[1] = static_cast<uint8_t>((v >> 8) & 0xff);
}

Instruction exec(uint64_t a_row, uint64_t b_row, uint64_t c_row, uint32_t m, uint32_t n, uint32_t k, bool acc) {
    Instruction in;
    in.op = sasim::Opcode::Execute;
    in.a_row = a_row;
    in.b_row = b_row;
    in.c_row = c_row;
    in.m = m;
    in.n = n;
    in.k = k;
    in.accumulate = acc;
    return in;
}

// Runs one EXECUTE on random operands (full signed range, or only the extremes) and compares every
// accumulator word with a naive triple loop in 64-bit arithmetic, reduced modulo 2^32.
void check_execute(Dataflow df, uint32_t bits, bool accumulate, bool extremes, uint32_t seed) {
    const Config cfg = make_cfg(bits);
    Scratchpad sp(cfg);
    Accumulator acc(cfg);
    std::mt19937 rng(seed);
    const int32_t lo = -(1 << (bits - 1)), hi = (1 << (bits - 1)) - 1;
    auto value = [&]() -> int32_t {
        if (extremes) return rng() % 2 ? lo : hi;
        return lo + static_cast<int32_t>(rng() % static_cast<uint32_t>(hi - lo + 1));
    };
    const uint32_t m = 3, n = 3, k = 4;  // n < cols: column 3 must stay untouched
    const bool os = df == Dataflow::OS;
    std::vector<int32_t> a(m * k), b(n * k);  // a[i][t], b[j][t]
    for (uint32_t i = 0; i < m; ++i)
        for (uint32_t t = 0; t < k; ++t) put(sp, 10 + i, t, a[i * k + t] = value());
    for (uint32_t j = 0; j < n; ++j) {
        for (uint32_t t = 0; t < k; ++t) {
            b[j * k + t] = value();
            if (os) put(sp, 20 + t, j, b[j * k + t]);  // OS: B stored [t][j]
            else put(sp, 20 + j, t, b[j * k + t]);     // stationary: [j][t]
        }
    }
    for (auto& w : acc.data) w = rng();
    const std::vector<uint32_t> before = acc.data;
    const uint64_t macs = sasim::model::execute_values(exec(10, 20, 5, m, n, k, accumulate), df, sp, acc);
    CHECK(macs == m * n * k);
    for (uint64_t r = 0; r < acc.data.size() / acc.row_elems; ++r) {
        for (uint32_t j = 0; j < acc.row_elems; ++j) {
            const uint32_t got = acc.row(r)[j];
            const uint32_t old = before[r * acc.row_elems + j];
            if (r < 5 || r >= 5 + m || j >= n) {
                REQUIRE(got == old);  // outside the block: untouched
                continue;
            }
            int64_t sum = 0;
            for (uint32_t t = 0; t < k; ++t) sum += int64_t{a[(r - 5) * k + t]} * b[j * k + t];
            const uint32_t want = static_cast<uint32_t>(sum) + (accumulate ? old : 0u);
            INFO("row " << r << " col " << j);
            REQUIRE(got == want);
        }
    }
}

}  // namespace

TEST_CASE("datapath: EXECUTE matches a naive triple loop", "[datapath]") {
    for (Dataflow df : {Dataflow::WS, Dataflow::IS, Dataflow::OS}) {
        for (uint32_t bits : {8u, 16u}) {
            for (bool accumulate : {false, true}) {
                for (uint32_t seed = 1; seed <= 20; ++seed) {
                    INFO(sasim::to_string(df) << " int" << bits << " accumulate " << accumulate << " seed " << seed);
                    check_execute(df, bits, accumulate, seed % 4 == 0, seed);
                }
            }
        }
    }
}

TEST_CASE("datapath: a windowed EXECUTE reads the window's rows", "[datapath][window]") {
    // The same products with the pixel operand scattered: rows 10, 12 | 30, 32 (w=2, col step 2, line 18)
    // against the same rows packed at 40..43; the accumulators must agree.
    for (Dataflow df : {Dataflow::WS, Dataflow::IS, Dataflow::OS}) {
        INFO("dataflow " << sasim::to_string(df));
        const Config cfg = make_cfg(8);
        Scratchpad sp(cfg);
        Accumulator acc(cfg);
        std::mt19937 rng(7);
        const uint64_t scattered[] = {10, 12, 30, 32};
        for (uint32_t i = 0; i < 4; ++i) {
            for (uint32_t t = 0; t < 4; ++t) {
                const int32_t v = static_cast<int32_t>(rng() % 256) - 128;
                put(sp, scattered[i], t, v);
                put(sp, 40 + i, t, v);
            }
        }
        for (uint32_t r = 0; r < 4; ++r)
            for (uint32_t t = 0; t < 4; ++t) put(sp, 50 + r, t, static_cast<int32_t>(rng() % 256) - 128);
        const bool on_b = sasim::window_on_b(df);
        // OS: A = pixels (m rows), B = 4 rows of 4 at 50. WS: stream = pixels. IS: stationary = pixels.
        Instruction dense = on_b ? exec(50, 40, 0, 4, 4, 4, false) : exec(40, 50, 0, 4, 4, 4, false);
        Instruction win = on_b ? exec(50, 10, 8, 4, 4, 4, false) : exec(10, 50, 8, 4, 4, 4, false);
        win.win_w = 2;
        win.win_col_step = 2;
        win.win_line_step = 18;
        sasim::model::execute_values(dense, df, sp, acc);
        sasim::model::execute_values(win, df, sp, acc);
        for (uint32_t i = 0; i < 4; ++i)
            for (uint32_t j = 0; j < 4; ++j) CHECK(acc.row(i)[j] == acc.row(8 + i)[j]);
    }
}

TEST_CASE("datapath: windows starting inside an output row read window_row's rows", "[datapath][window]") {
    // Every window start (win_x0 < win_w) and several geometries: the windowed EXECUTE must equal a dense
    // one on the rows window_row() names, copied to consecutive rows.
    std::mt19937 rng(11);
    for (Dataflow df : {Dataflow::WS, Dataflow::IS, Dataflow::OS}) {
        for (uint32_t w : {1u, 3u, 4u}) {
            for (uint32_t x0 = 0; x0 < w; ++x0) {
                INFO(sasim::to_string(df) << " win_w " << w << " win_x0 " << x0);
                const Config cfg = make_cfg(8);
                Scratchpad sp(cfg);
                Accumulator acc(cfg);
                for (auto& b : sp.data) b = static_cast<uint8_t>(rng());
                const bool on_b = sasim::window_on_b(df);
                Instruction win = on_b ? exec(200, 10, 8, 4, 4, 4, false) : exec(10, 200, 8, 4, 4, 4, false);
                win.win_w = w;
                win.win_x0 = x0;
                win.win_col_step = 3;
                win.win_line_step = 17;
                for (uint32_t i = 0; i < 4; ++i) {  // the pixel operand's rows, packed at 100..103
                    const uint64_t from = sasim::window_row(win, 10, i);
                    std::memcpy(sp.row(100 + i), sp.row(from), sp.row_bytes);
                }
                Instruction dense = on_b ? exec(200, 100, 0, 4, 4, 4, false) : exec(100, 200, 0, 4, 4, 4, false);
                sasim::model::execute_values(dense, df, sp, acc);
                sasim::model::execute_values(win, df, sp, acc);
                for (uint32_t i = 0; i < 4; ++i)
                    for (uint32_t j = 0; j < 4; ++j) CHECK(acc.row(i)[j] == acc.row(8 + i)[j]);
            }
        }
    }
}

TEST_CASE("datapath: int16 products wrap around modulo 2^32", "[datapath]") {
    for (Dataflow df : {Dataflow::WS, Dataflow::OS}) {
        const Config cfg = make_cfg(16);
        Scratchpad sp(cfg);
        Accumulator acc(cfg);
        for (uint32_t t = 0; t < 4; ++t) {
            put(sp, 0, t, -32768);  // A row 0 (also the stationary row 0 / B row t column 0)
            put(sp, 8 + t, 0, -32768);
        }
        // (-32768)^2 = 2^30. k = 4: 2^32 -> 0; k = 3: 3 * 2^30 = 0xC0000000.
        sasim::model::execute_values(exec(0, df == Dataflow::OS ? 8 : 0, 0, 1, 1, 4, false), df, sp, acc);
        CHECK(acc.row(0)[0] == 0u);
        sasim::model::execute_values(exec(0, df == Dataflow::OS ? 8 : 0, 1, 1, 1, 3, false), df, sp, acc);
        CHECK(acc.row(1)[0] == 0xC0000000u);
        // Accumulating 0xC0000000 + 0xC0000000 wraps to 0x80000000.
        sasim::model::execute_values(exec(0, df == Dataflow::OS ? 8 : 0, 1, 1, 1, 3, true), df, sp, acc);
        CHECK(acc.row(1)[0] == 0x80000000u);
    }
}

TEST_CASE("datapath: store requantization by hand", "[datapath]") {
    const Config cfg = make_cfg(8);
    Accumulator acc(cfg);
    auto store1 = [&](int32_t v, uint32_t shift, bool relu, uint32_t bits) {
        acc.row(0)[0] = static_cast<uint32_t>(v);
        uint8_t out[2] = {0xAA, 0xAA};
        sasim::model::store_row_values(acc, 0, 1, shift, relu, bits, out);
        return bits == 8 ? int32_t{static_cast<int8_t>(out[0])}
                         : int32_t{static_cast<int16_t>(static_cast<uint16_t>(out[0] | (out[1] << 8)))};
    };
    // Round half up: x / 4 for 6 -> 1.5 -> 2, -6 -> -1.5 -> -1, 5 -> 1.25 -> 1, -5 -> -1, 7 -> 2, -7 -> -2.
    CHECK(store1(6, 2, false, 8) == 2);
    CHECK(store1(-6, 2, false, 8) == -1);
    CHECK(store1(5, 2, false, 8) == 1);
    CHECK(store1(-5, 2, false, 8) == -1);
    CHECK(store1(7, 2, false, 8) == 2);
    CHECK(store1(-7, 2, false, 8) == -2);
    CHECK(store1(-2, 2, false, 8) == 0);  // -0.5 -> 0
    // Saturation to int8 / int16 and ReLU.
    CHECK(store1(1000, 0, false, 8) == 127);
    CHECK(store1(-1000, 0, false, 8) == -128);
    CHECK(store1(-1000, 0, true, 8) == 0);
    CHECK(store1(255, 1, false, 8) == 127);  // 127.5 -> 128 -> saturates
    CHECK(store1(253, 1, false, 8) == 127);  // 126.5 -> 127
    CHECK(store1(INT32_MIN, 0, false, 8) == -128);
    CHECK(store1(INT32_MAX, 31, false, 8) == 1);  // (2^31 - 1) / 2^31 -> 1
    CHECK(store1(40000, 0, false, 16) == 32767);
    CHECK(store1(-40000, 0, false, 16) == -32768);
    CHECK(store1(-40000, 1, false, 16) == -20000);
    CHECK(store1(-300, 0, false, 16) == -300);
    CHECK(store1(-300, 0, true, 16) == 0);
    // 16-bit results are little-endian: -300 = 0xFED4.
    acc.row(0)[0] = static_cast<uint32_t>(-300);
    uint8_t le[2];
    sasim::model::store_row_values(acc, 0, 1, 0, false, 16, le);
    CHECK(le[0] == 0xD4);
    CHECK(le[1] == 0xFE);
}

TEST_CASE("datapath: store_row_values equals reference_requantize on many values", "[datapath]") {
    const Config cfg = make_cfg(8);
    Accumulator acc(cfg);
    std::mt19937 rng(777);
    const int32_t specials[] = {0, 1, -1, 2, -2, 127, 128, -128, -129, 32767, 32768, -32768, -32769,
                                INT32_MAX, INT32_MIN, INT32_MAX - 1, INT32_MIN + 1};
    for (int round = 0; round < 2000; ++round) {
        const uint32_t bits = round % 2 ? 16 : 8;
        const uint32_t shift = rng() % 24;
        const bool relu = rng() % 2;
        uint32_t vals[4];
        for (uint32_t j = 0; j < 4; ++j) {
            if (rng() % 4 == 0) vals[j] = static_cast<uint32_t>(specials[rng() % (sizeof specials / sizeof *specials)]);
            else if (rng() % 2) vals[j] = rng();                                   // any int32
            else vals[j] = static_cast<uint32_t>(static_cast<int32_t>(rng() % 200001) - 100000);  // near zero
            acc.row(3)[j] = vals[j];
        }
        uint8_t out[8];
        sasim::model::store_row_values(acc, 3, 4, shift, relu, bits, out);
        for (uint32_t j = 0; j < 4; ++j) {
            const int32_t got = bits == 8 ? int32_t{static_cast<int8_t>(out[j])}
                                          : int32_t{static_cast<int16_t>(static_cast<uint16_t>(out[2 * j] | (out[2 * j + 1] << 8)))};
            const int32_t want = sasim::model::reference_requantize(static_cast<int32_t>(vals[j]), shift, relu, bits);
            INFO("value " << static_cast<int32_t>(vals[j]) << " shift " << shift << " relu " << relu << " bits " << bits);
            REQUIRE(got == want);
        }
    }
}

TEST_CASE("datapath: reference_outputs of a tiny grouped, strided, padded conv by hand", "[datapath]") {
    // 3x3 input, 2 channels, 2 groups (1 channel each), 2 outputs, 2x2 kernel, stride 2, padding 1:
    // out = (3 + 2 - 2) / 2 + 1 = 2 per side. Input channel 0 at (h, w) is v = 3h + w + 1, channel 1 is 10v.
    sasim::Layer l;
    l.kind = sasim::LayerKind::Conv;
    auto& c = l.conv;
    c.in_h = c.in_w = 3;
    c.in_c = 2;
    c.out_c = 2;
    c.kernel_h = c.kernel_w = 2;
    c.stride_h = c.stride_w = 2;
    c.pad_top = c.pad_bottom = c.pad_left = c.pad_right = 1;
    c.groups = 2;
    sasim::model::CanonicalTensors t;
    for (int v = 1; v <= 9; ++v) {
        t.input.push_back(static_cast<int16_t>(v));
        t.input.push_back(static_cast<int16_t>(10 * v));
    }
    t.weights = {1, 2, 3, 4,    // oc 0 (group 0): [r][s]
                 5, -2, 3, 1};  // oc 1 (group 1)
    // (0,0): only (r1,s1) hits input (0,0): oc0 4*1 = 4, oc1 1*10 = 10.
    // (0,1): (r1,s0) -> (0,1), (r1,s1) -> (0,2): oc0 3*2 + 4*3 = 18, oc1 3*20 + 1*30 = 90.
    // (1,0): (r0,s1) -> (1,0), (r1,s1) -> (2,0): oc0 2*4 + 4*7 = 36, oc1 -2*40 + 1*70 = -10.
    // (1,1): all four -> (1,1),(1,2),(2,1),(2,2): oc0 5+12+24+36 = 77, oc1 250-120+240+90 = 460.
    const std::vector<int32_t> want{4, 10, 18, 90, 36, -10, 77, 460};
    CHECK(sasim::model::reference_outputs(l, t) == want);
}

TEST_CASE("datapath: reference_outputs of a batched gemm, with wrap-around", "[datapath]") {
    sasim::Layer l;
    l.kind = sasim::LayerKind::Gemm;
    l.gemm = {2, 1, 2, 3};  // batch 2, m 1, n 2, k 3
    sasim::model::CanonicalTensors t;
    t.input = {1, 2, 3,                      // batch 0: A [1][3]
               -32768, -32768, -32768};      // batch 1
    t.weights = {1, 0, -1, 2, 2, 2,          // batch 0: W [2][3]
                 -32768, -32768, -32768, 1, 1, 1};
    // b0: [1-3, 2+4+6] = [-2, 12]. b1: 3 * 2^30 wraps to -2^30; 3 * -32768 = -98304.
    const std::vector<int32_t> want{-2, 12, -1073741824, -98304};
    CHECK(sasim::model::reference_outputs(l, t) == want);
}

TEST_CASE("datapath: a cancelled reference_outputs stops before computing", "[datapath]") {
    sasim::Layer l;
    l.kind = sasim::LayerKind::Gemm;
    l.gemm = {1, 2, 1, 2};  // batch 1, m 2, n 1, k 2
    sasim::model::CanonicalTensors t;
    t.input = {1, 2, 3, 4};
    t.weights = {5, 6};
    const std::atomic<bool> go{false}, stop{true};
    CHECK(sasim::model::reference_outputs(l, t, &go) == std::vector<int32_t>{17, 39});
    CHECK(sasim::model::reference_outputs(l, t, &stop) == std::vector<int32_t>{0, 0});
}
