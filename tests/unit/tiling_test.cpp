// SPDX-License-Identifier: MIT
// Unit tests of sim/compiler/tiling: reduction chunks and tile plans (sizes, layout, resident choice, errors).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <regex>
#include <string>
#include <vector>

#include "common/errors.h"
#include "compiler/tiling.h"
#include "config/config.h"

using sasim::Config;
using sasim::Dataflow;
using sasim::KChunk;
using sasim::TilePlan;

namespace {

Config make_cfg(Dataflow df, uint32_t rows, uint32_t cols, uint32_t bits, uint64_t spad_kib, uint32_t spad_banks,
                uint64_t acc_kib, uint32_t acc_banks) {
    Config cfg;
    cfg.array.dataflow = df;
    cfg.array.rows = rows;
    cfg.array.cols = cols;
    cfg.array.operand_bits = bits;
    cfg.scratchpad = {spad_kib, spad_banks};
    cfg.accumulator = {acc_kib, acc_banks};
    sasim::validate_and_derive(cfg, "");
    return cfg;
}

// Every column of [0, k) covered exactly once, chunks in order, each klen in [1, kmax].
void check_cover(const std::vector<KChunk>& chunks, uint64_t k, uint32_t kmax) {
    std::vector<int> seen(k, 0);
    uint64_t next = 0;
    for (const KChunk& c : chunks) {
        REQUIRE(c.klen >= 1);
        REQUIRE(c.klen <= kmax);
        REQUIRE(c.kstart == next);  // in order, no gaps
        next = c.kstart + c.klen;
        REQUIRE(next <= k);
        for (uint64_t x = c.kstart; x < next; ++x) ++seen[x];
    }
    CHECK(next == k);
    for (uint64_t x = 0; x < k; ++x) REQUIRE(seen[x] == 1);
}

// The plan's invariants: double-buffered tile slots and accumulator slots fit and do not overlap.
void check_plan(const TilePlan& p, const Config& cfg, uint64_t count, uint64_t m, uint64_t n, size_t chunks) {
    const auto& d = cfg.derived;
    const Dataflow df = cfg.array.dataflow;
    const uint32_t R = cfg.array.rows, C = cfg.array.cols;
    INFO("df " << sasim::to_string(df) << " count " << count << " m " << m << " n " << n << " chunks " << chunks);
    CHECK(p.dataflow == df);
    CHECK(p.kmax == (df == Dataflow::OS ? d.spad_row_elems : R));
    CHECK(p.outer_dim == (df == Dataflow::IS ? m : n));
    CHECK(p.inner_dim == (df == Dataflow::IS ? n : m));
    CHECK(p.outer_block == std::min<uint64_t>(C, p.outer_dim));
    CHECK(p.chunks == chunks);
    CHECK(p.res_rows_per_chunk == (df == Dataflow::OS ? p.kmax : p.outer_block));
    REQUIRE(p.inner_tile >= 1);
    CHECK(p.inner_tile <= p.inner_dim);
    if (df == Dataflow::OS) CHECK(p.inner_tile <= R);
    CHECK(p.tile_slot_rows == p.inner_tile);
    // Scratchpad: [res 0][res 1][tile 0][tile 1], all inside.
    CHECK(p.res_base[0] == 0);
    if (p.res_regions == 2) CHECK(p.res_base[1] == p.res_region_rows);
    CHECK(p.tile_base[0] == p.res_regions * p.res_region_rows);
    CHECK(p.tile_base[1] == p.tile_base[0] + p.tile_slot_rows);
    CHECK(p.tile_base[1] + p.tile_slot_rows <= d.spad_rows);
    if (p.resident) {
        CHECK(p.res_region_rows == chunks * p.res_rows_per_chunk);
    } else {
        CHECK(p.res_regions == 2);
        CHECK(p.res_region_rows == p.res_rows_per_chunk);
    }
    // Accumulator: two slots holding one tile each.
    CHECK(p.acc_slot_rows >= p.inner_tile);
    CHECK(p.acc_base[1] >= p.acc_base[0] + p.acc_slot_rows);
    CHECK(p.acc_base[1] + p.acc_slot_rows <= d.acc_rows);
}

}  // namespace

TEST_CASE("tiling: gemm chunks cover K exactly once", "[tiling]") {
    const auto c = sasim::make_chunks_gemm(37, 16);
    REQUIRE(c.size() == 3);
    CHECK(c[0].kstart == 0);
    CHECK(c[0].klen == 16);
    CHECK(c[1].kstart == 16);
    CHECK(c[2].kstart == 32);
    CHECK(c[2].klen == 5);
    for (uint32_t kmax : {1u, 3u, 16u}) {
        for (uint64_t k = 1; k <= 70; ++k) {
            INFO("k " << k << " kmax " << kmax);
            const auto ch = sasim::make_chunks_gemm(k, kmax);
            CHECK(ch.size() == (k + kmax - 1) / kmax);
            check_cover(ch, k, kmax);
        }
    }
}

TEST_CASE("tiling: conv chunks combine whole positions when channels < kmax", "[tiling]") {
    // 9 positions of 3 channels, kmax 16: 5 positions per chunk (15 columns), then 4 (12 columns).
    const auto c = sasim::make_chunks_conv(9, 3, 16);
    REQUIRE(c.size() == 2);
    CHECK(c[0].pos0 == 0);
    CHECK(c[0].npos == 5);
    CHECK(c[0].chan0 == 0);
    CHECK(c[0].chan_count == 3);
    CHECK(c[0].klen == 15);
    CHECK(c[1].pos0 == 5);
    CHECK(c[1].npos == 4);
    CHECK(c[1].kstart == 15);
    CHECK(c[1].klen == 12);
}

TEST_CASE("tiling: conv chunks split one position when channels >= kmax", "[tiling]") {
    // 2 positions of 40 channels, kmax 16: per position 16 + 16 + 8.
    const auto c = sasim::make_chunks_conv(2, 40, 16);
    REQUIRE(c.size() == 6);
    CHECK(c[1].pos0 == 0);
    CHECK(c[1].chan0 == 16);
    CHECK(c[2].chan_count == 8);
    CHECK(c[3].pos0 == 1);
    CHECK(c[3].chan0 == 0);
    CHECK(c[3].kstart == 40);
    for (const auto& ch : c) CHECK(ch.npos == 1);
}

TEST_CASE("tiling: conv chunks map columns to (position, channel) consistently", "[tiling]") {
    for (uint32_t kmax : {1u, 4u, 7u, 16u}) {
        for (uint32_t positions : {1u, 2u, 9u, 25u}) {
            for (uint32_t chans : {1u, 3u, 4u, 7u, 16u, 33u}) {
                INFO("positions " << positions << " chans " << chans << " kmax " << kmax);
                const auto ch = sasim::make_chunks_conv(positions, chans, kmax);
                const uint64_t k = uint64_t{positions} * chans;
                check_cover(ch, k, kmax);
                for (const KChunk& c : ch) {
                    REQUIRE(c.npos >= 1);
                    REQUIRE(c.klen == c.npos * c.chan_count);
                    REQUIRE(c.chan0 + c.chan_count <= chans);
                    REQUIRE(c.pos0 + c.npos <= positions);
                    if (c.npos > 1) REQUIRE(c.chan_count == chans);  // only whole positions are combined
                    // Column kstart + q * chan_count + x is position pos0 + q, channel chan0 + x.
                    REQUIRE(c.kstart == uint64_t{c.pos0} * chans + c.chan0);
                }
                if (chans < kmax) CHECK(ch.size() == (positions + kmax / chans - 1) / (kmax / chans));
            }
        }
    }
}

TEST_CASE("tiling: WS plan keeps weights resident when they fit", "[tiling]") {
    // 16x16, 8-bit: scratchpad 4 KiB = 256 rows of 16 B; accumulator 64 KiB = 1024 rows (512 per slot).
    const Config cfg = make_cfg(Dataflow::WS, 16, 16, 8, 4, 4, 64, 2);
    REQUIRE(cfg.derived.spad_rows == 256);
    SECTION("4 chunks: resident") {
        // n = 64 -> 4 outer blocks -> 2 regions of 4 * 16 = 64 rows (128). Tile = min(m 100, (256-128)/2 = 64).
        const TilePlan p = sasim::plan_tiles(cfg, 1, 100, 64, 4);
        check_plan(p, cfg, 1, 100, 64, 4);
        CHECK(p.resident);
        CHECK(p.res_regions == 2);
        CHECK(p.res_region_rows == 64);
        CHECK(p.tile_base[0] == 128);
        CHECK(p.inner_tile == 64);
    }
    SECTION("8 chunks: not resident") {
        // 2 * 8 * 16 = 256 rows of weights leave no room: per-chunk regions of 16 rows (32), tile =
        // min(100, (256 - 32) / 2 = 112) = 100.
        const TilePlan p = sasim::plan_tiles(cfg, 1, 100, 64, 8);
        check_plan(p, cfg, 1, 100, 64, 8);
        CHECK_FALSE(p.resident);
        CHECK(p.res_region_rows == 16);
        CHECK(p.tile_base[0] == 32);
        CHECK(p.tile_base[1] == 132);
        CHECK(p.inner_tile == 100);
    }
    SECTION("single outer block: one resident region") {
        const TilePlan p = sasim::plan_tiles(cfg, 1, 40, 16, 3);
        check_plan(p, cfg, 1, 40, 16, 3);
        CHECK(p.resident);
        CHECK(p.res_regions == 1);
        CHECK(p.tile_base[0] == 48);
        CHECK(p.inner_tile == 40);
    }
}

TEST_CASE("tiling: OS tiles are at most one array height", "[tiling]") {
    // OS: kmax = spad_row_elems = 16; resident B chunk = 16 rows; tile <= rows = 16.
    const Config cfg = make_cfg(Dataflow::OS, 16, 16, 8, 4, 4, 64, 2);
    const TilePlan p = sasim::plan_tiles(cfg, 1, 100, 16, 3);
    check_plan(p, cfg, 1, 100, 16, 3);
    CHECK(p.kmax == 16);
    CHECK(p.resident);
    CHECK(p.res_region_rows == 48);
    CHECK(p.inner_tile == 16);
}

TEST_CASE("tiling: IS cuts M into outer blocks and N into tiles", "[tiling]") {
    const Config cfg = make_cfg(Dataflow::IS, 16, 16, 8, 4, 4, 64, 2);
    // m = 40 -> 3 outer blocks of <= 16 pixels; 2 regions * 2 chunks * 16 rows = 64; tile = min(n 50, 96).
    const TilePlan p = sasim::plan_tiles(cfg, 1, 40, 50, 2);
    check_plan(p, cfg, 1, 40, 50, 2);
    CHECK(p.outer_dim == 40);
    CHECK(p.inner_dim == 50);
    CHECK(p.resident);
    CHECK(p.res_regions == 2);
    CHECK(p.inner_tile == 50);
    CHECK(p.tile_base[0] == 64);
}

TEST_CASE("tiling: plans fit with double buffering across shapes and configs", "[tiling]") {
    struct Hw {
        uint32_t rows, cols, bits;
        uint64_t spad_kib, acc_kib;
    };
    const Hw hws[] = {{16, 16, 8, 4, 64}, {4, 8, 8, 1, 1}, {8, 4, 16, 1, 1}, {32, 32, 8, 8, 16}, {16, 16, 16, 2, 4}};
    for (const Hw& hw : hws) {
        for (Dataflow df : {Dataflow::WS, Dataflow::OS, Dataflow::IS}) {
            const Config cfg = make_cfg(df, hw.rows, hw.cols, hw.bits, hw.spad_kib, 1, hw.acc_kib, 1);
            for (uint64_t count : {1u, 3u}) {
                for (uint64_t m : {1u, 7u, 64u, 1000u}) {
                    for (uint64_t n : {1u, 5u, 33u, 300u}) {
                        for (size_t chunks : {size_t{1}, size_t{4}, size_t{27}, size_t{200}}) {
                            TilePlan p;
                            try {
                                p = sasim::plan_tiles(cfg, count, m, n, chunks);
                            } catch (const sasim::InputError& e) {
                                FAIL("unexpected InputError: " << e.what());
                            }
                            check_plan(p, cfg, count, m, n, chunks);
                            if (p.resident) {
                                const uint64_t need =
                                    p.res_regions * chunks * p.res_rows_per_chunk + 2 * p.inner_tile;
                                CHECK(need <= cfg.derived.spad_rows);
                            }
                        }
                    }
                }
            }
        }
    }
}

TEST_CASE("tiling: too-small scratchpad throws InputError naming the key", "[tiling]") {
    // 64x64, 8-bit: 64-byte rows, 1 KiB = 16 rows. WS, one chunk of 64 weight rows: needs 2 * 64 + 2 = 130.
    Config cfg = make_cfg(Dataflow::WS, 64, 64, 8, 1, 1, 64, 2);
    cfg.source_path = "tiny.json";
    std::string msg;
    try {
        sasim::plan_tiles(cfg, 1, 100, 64, 1);
        FAIL("no InputError");
    } catch (const sasim::InputError& e) {
        msg = e.what();
    }
    INFO(msg);
    CHECK(msg.find("scratchpad.capacity_kib") != std::string::npos);
    CHECK(msg.rfind("tiny.json: ", 0) == 0);
    CHECK(msg.find("130 rows") != std::string::npos);
    // The suggested minimum (130 * 64 B = 8320 B -> 9 KiB) is enough.
    std::smatch mm;
    REQUIRE(std::regex_search(msg, mm, std::regex("(\\d+) KiB")));
    const uint64_t kib = std::stoull(mm[1]);
    CHECK(kib == 9);
    const Config ok = make_cfg(Dataflow::WS, 64, 64, 8, kib, 1, 64, 2);
    CHECK_NOTHROW(sasim::plan_tiles(ok, 1, 100, 64, 1));
}

TEST_CASE("tiling: too-small accumulator throws InputError naming the key", "[tiling]") {
    // OS 64x64: 256-byte accumulator rows, 1 KiB = 4 rows (2 per slot) < min(64, m).
    const Config cfg = make_cfg(Dataflow::OS, 64, 64, 8, 64, 1, 1, 1);
    try {
        sasim::plan_tiles(cfg, 1, 100, 64, 1);
        FAIL("no InputError");
    } catch (const sasim::InputError& e) {
        const std::string msg = e.what();
        INFO(msg);
        CHECK(msg.find("accumulator.capacity_kib") != std::string::npos);
        CHECK(msg.rfind("config: ", 0) == 0);
    }
}

TEST_CASE("tiling: the reported scratchpad minimum is the smallest size that works", "[tiling]") {
    // tiling.h promises the InputError states "the minimum size that would work". With a single resident
    // region (one outer block, one chunk) and a one-row tile, the resident layout needs only 64 + 2 * 1 = 66
    // rows (4224 B -> 5 KiB), but the message always quotes the non-resident need, 2 * 64 + 2 = 130 rows
    // (9 KiB).
    const Config tiny = make_cfg(Dataflow::WS, 64, 64, 8, 1, 1, 64, 2);
    std::string msg;
    try {
        sasim::plan_tiles(tiny, 1, 1, 64, 1);
        FAIL("no InputError");
    } catch (const sasim::InputError& e) {
        msg = e.what();
    }
    INFO(msg);
    std::smatch mm;
    REQUIRE(std::regex_search(msg, mm, std::regex("(\\d+) KiB")));
    const uint64_t kib = std::stoull(mm[1]);
    CHECK_NOTHROW(sasim::plan_tiles(make_cfg(Dataflow::WS, 64, 64, 8, kib, 1, 64, 2), 1, 1, 64, 1));
    // One KiB less must not work if `kib` is the minimum; 5 KiB (80 rows) does work.
    CHECK_THROWS_AS(sasim::plan_tiles(make_cfg(Dataflow::WS, 64, 64, 8, kib - 1, 1, 64, 2), 1, 1, 64, 1),
                    sasim::InputError);
    CHECK_NOTHROW(sasim::plan_tiles(make_cfg(Dataflow::WS, 64, 64, 8, 5, 1, 64, 2), 1, 1, 64, 1));
    CHECK(kib == 5);
}

TEST_CASE("tiling: chunk groups are rectangles of the implicit matrix", "[tiling]") {
    using sasim::group_chunks;
    // GEMM: any run of chunks; only the last may be narrower.
    const auto gg = group_chunks(sasim::make_chunks_gemm(70, 16), false, 0, 16, 4);
    REQUIRE(gg.size() == 2);
    CHECK(gg[0].count == 4);
    CHECK(gg[0].total == 64);
    CHECK(gg[0].block_elems == 16);
    CHECK(gg[1].count == 1);
    CHECK(gg[1].kstart == 64);
    CHECK(gg[1].total == 6);
    // Conv, 64 channels on kmax 16: 4 chunks per position; target 8 takes two whole positions.
    const auto c64 = sasim::make_chunks_conv(9, 64, 16);
    const auto g64 = group_chunks(c64, true, 64, 16, 8);
    REQUIRE(g64.size() == 5);  // positions 0-1, 2-3, 4-5, 6-7, 8
    CHECK(g64[0].npos == 2);
    CHECK(g64[0].chan0 == 0);
    CHECK(g64[0].chan_count == 64);
    CHECK(g64[0].total == 128);
    CHECK(g64[4].npos == 1);
    CHECK(g64[4].count == 4);
    // Target 2 stays inside a position: channel ranges [0,32) and [32,64).
    const auto g2 = group_chunks(c64, true, 64, 16, 2);
    REQUIRE(g2.size() == 18);
    CHECK(g2[1].pos0 == 0);
    CHECK(g2[1].chan0 == 32);
    CHECK(g2[1].chan_count == 32);
    // 40 channels on kmax 16 (16, 16, 8 per position): groups never cross positions.
    const auto g40 = group_chunks(sasim::make_chunks_conv(3, 40, 16), true, 40, 16, 8);
    REQUIRE(g40.size() == 3);
    for (const auto& g : g40) {
        CHECK(g.npos == 1);
        CHECK(g.total == 40);
    }
    // 3 channels on kmax 16: 5 positions per chunk; groups of whole positions.
    const auto g3 = group_chunks(sasim::make_chunks_conv(49, 3, 16), true, 3, 16, 4);
    uint64_t cols = 0;
    for (const auto& g : g3) {
        CHECK(g.chan_count == 3);
        CHECK(g.total == g.npos * 3);
        CHECK(g.kstart == cols);
        cols += g.total;
    }
    CHECK(cols == 147);
}
