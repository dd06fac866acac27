// SPDX-License-Identifier: MIT
// Unit tests of model/int_gemm: both 8-bit kernels (portable and AVX-512 VNNI, when this CPU has it) and the
// 16-bit one against a naive triple loop in 64-bit arithmetic reduced modulo 2^32, over shapes that cover
// every edge of the VNNI kernel's blocking (k not a multiple of 4, n not a multiple of 16, m not a multiple
// of 4, more than 4 column blocks, rows longer than 64 operands).
#include <catch2/catch.hpp>

#include <cstdint>
#include <random>
#include <tuple>
#include <vector>

#include "model/int_gemm.h"

using sasim::model::Int8Kernel;

namespace {

struct Case {
    uint32_t m, n, k;
};

// Operands in scattered rows (each row has slack after it, filled with garbage the kernel must not read
// into the result), an output block inside a wider accumulator whose other words must stay untouched.
void check_gemm(Int8Kernel kernel, uint32_t bits, Case c, bool accumulate, bool extremes, uint32_t seed) {
    std::mt19937 rng(seed);
    const uint32_t eb = bits / 8;
    const int32_t lo = -(1 << (bits - 1)), hi = (1 << (bits - 1)) - 1;
    auto value = [&]() -> int32_t {
        if (extremes) return rng() % 2 ? lo : hi;
        return lo + static_cast<int32_t>(rng() % static_cast<uint32_t>(hi - lo + 1));
    };
    const uint64_t row_bytes = uint64_t{c.k} * eb + 37;  // slack: garbage past every row's k operands
    std::vector<uint8_t> a_mem(uint64_t{c.m} * row_bytes), b_mem(uint64_t{c.n} * row_bytes);
    for (auto& x : a_mem) x = static_cast<uint8_t>(rng());
    for (auto& x : b_mem) x = static_cast<uint8_t>(rng());
    std::vector<int32_t> a(uint64_t{c.m} * c.k), b(uint64_t{c.n} * c.k);
    auto store = [&](std::vector<uint8_t>& mem, uint64_t at, int32_t v) {
        mem[at] = static_cast<uint8_t>(v & 0xff);
        if (eb == 2) mem[at + 1] = static_cast<uint8_t>((v >> 8) & 0xff);
    };
    // Rows in reverse order in memory, so row pointers are not consecutive.
    std::vector<const uint8_t*> a_rows(c.m), b_rows(c.n);
    for (uint32_t i = 0; i < c.m; ++i) {
        const uint64_t base = uint64_t{c.m - 1 - i} * row_bytes;
        for (uint32_t t = 0; t < c.k; ++t) store(a_mem, base + uint64_t{t} * eb, a[uint64_t{i} * c.k + t] = value());
        a_rows[i] = a_mem.data() + base;
    }
    for (uint32_t j = 0; j < c.n; ++j) {
        const uint64_t base = uint64_t{c.n - 1 - j} * row_bytes;
        for (uint32_t t = 0; t < c.k; ++t) store(b_mem, base + uint64_t{t} * eb, b[uint64_t{j} * c.k + t] = value());
        b_rows[j] = b_mem.data() + base;
    }
    const uint64_t ldc = c.n + 5;
    std::vector<uint32_t> out(uint64_t{c.m + 2} * ldc);
    for (auto& w : out) w = rng();
    const std::vector<uint32_t> before = out;
    uint32_t* block = out.data() + ldc + 2;  // row 1, column 2
    if (bits == 8) {
        sasim::model::gemm_s8(kernel, a_rows.data(), c.m, b_rows.data(), c.n, c.k, block, ldc, accumulate);
    } else {
        sasim::model::gemm_s16(a_rows.data(), c.m, b_rows.data(), c.n, c.k, block, ldc, accumulate);
    }
    for (uint64_t r = 0; r < c.m + 2; ++r) {
        for (uint64_t col = 0; col < ldc; ++col) {
            const uint64_t at = r * ldc + col;
            if (r < 1 || r >= 1 + c.m || col < 2 || col >= 2 + c.n) {
                REQUIRE(out[at] == before[at]);  // outside the block
                continue;
            }
            const uint64_t i = r - 1, j = col - 2;
            int64_t sum = 0;
            for (uint32_t t = 0; t < c.k; ++t) sum += int64_t{a[i * c.k + t]} * b[j * c.k + t];
            const uint32_t want = static_cast<uint32_t>(sum) + (accumulate ? before[at] : 0u);
            INFO("row " << i << " col " << j);
            REQUIRE(out[at] == want);
        }
    }
}

const Case kCases[] = {{1, 1, 1},   {3, 5, 7},    {4, 16, 16},  {5, 17, 15},  {8, 64, 64},   {9, 65, 65},
                       {2, 100, 3}, {13, 128, 128}, {4, 80, 130}, {7, 33, 200}, {1, 256, 256}, {6, 3, 0}};

}  // namespace

TEST_CASE("int_gemm: the 8-bit kernels match a naive loop modulo 2^32", "[datapath][int_gemm]") {
    for (Int8Kernel kernel : {Int8Kernel::Portable, Int8Kernel::Vnni}) {
        if (!sasim::model::int8_kernel_available(kernel)) {
            WARN("this CPU has no " << sasim::model::to_string(kernel) << ": that kernel is not tested here");
            continue;
        }
        uint32_t seed = 1;
        for (const Case& c : kCases) {
            for (bool accumulate : {false, true}) {
                for (bool extremes : {false, true}) {
                    INFO(sasim::model::to_string(kernel) << " m " << c.m << " n " << c.n << " k " << c.k << " accumulate "
                                                         << accumulate << " extremes " << extremes);
                    check_gemm(kernel, 8, c, accumulate, extremes, seed++);
                }
            }
        }
    }
}

TEST_CASE("int_gemm: the 16-bit kernel matches a naive loop modulo 2^32", "[datapath][int_gemm]") {
    uint32_t seed = 100;
    for (const Case& c : kCases) {
        for (bool accumulate : {false, true}) {
            for (bool extremes : {false, true}) {
                INFO("m " << c.m << " n " << c.n << " k " << c.k << " accumulate " << accumulate << " extremes " << extremes);
                check_gemm(Int8Kernel::Portable, 16, c, accumulate, extremes, seed++);
            }
        }
    }
}

TEST_CASE("int_gemm: extreme operands wrap the sum like 32-bit hardware", "[datapath][int_gemm]") {
    // 127 * 127 * 2^18 = 4,228,120,576: past INT32_MAX, which a saturating multiply-add (vpdpbusds) would
    // clip; the VNNI kernel's intermediate sums (255 * 127 per product with the offset) overflow further.
    // -128 * -128 * 2^17 = 2^31 as well (the offset makes A's operand 0 there: the correction carries it).
    for (const auto& [byte, k, want] : {std::tuple<uint8_t, uint32_t, uint32_t>{0x7f, 1u << 18, 4228120576u},
                                        std::tuple<uint8_t, uint32_t, uint32_t>{0x80, 1u << 17, 0x80000000u}}) {
        std::vector<uint8_t> ops(k, byte);
        const uint8_t* rows[] = {ops.data()};
        for (Int8Kernel kernel : {Int8Kernel::Portable, Int8Kernel::Vnni}) {
            if (!sasim::model::int8_kernel_available(kernel)) continue;
            uint32_t out = 7;
            sasim::model::gemm_s8(kernel, rows, 1, rows, 1, k, &out, 1, false);
            INFO(sasim::model::to_string(kernel) << " operands " << int{byte});
            CHECK(out == want);
        }
    }
}
