// SPDX-License-Identifier: MIT
// Unit tests of model::DramTiming: latency, fractional bandwidth, outstanding limit, ordering contract,
// statistics, bus-busy intervals and reset.
#include <catch2/catch.hpp>

#include <cstdint>
#include <vector>

#include "common/errors.h"
#include "config/config.h"
#include "model/dram_timing.h"

using sasim::model::BusyInterval;
using sasim::model::DramTiming;

namespace {

DramTiming::Params params(uint32_t latency, uint64_t millibytes, uint32_t outstanding) {
    DramTiming::Params p;
    p.latency_cycles = latency;
    p.millibytes_per_cycle = millibytes;
    p.max_outstanding = outstanding;
    return p;
}

uint64_t ceil_div(uint64_t a, uint64_t b) { return (a + b - 1) / b; }

}  // namespace

TEST_CASE("dram: params_from uses the derived fractional bandwidth", "[dram]") {
    sasim::Config cfg;
    cfg.dram.bandwidth_gbps = 34.0;
    cfg.clock_mhz = 700.0;
    cfg.dram.latency_cycles = 77;
    cfg.dram.max_outstanding = 9;
    sasim::validate_and_derive(cfg, "test");
    const DramTiming::Params p = DramTiming::params_from(cfg);
    // 34e9 B/s / 700e6 cycles/s = 48.5714... B/cycle -> 48571 millibytes per cycle.
    CHECK(p.millibytes_per_cycle == 48571);
    CHECK(p.latency_cycles == 77);
    CHECK(p.max_outstanding == 9);
}

TEST_CASE("dram: single request pays latency plus transfer time", "[dram]") {
    DramTiming d(params(100, 16000, 32));  // 16 bytes per cycle
    const auto r = d.access(5, 64, false);
    CHECK(r.accept_cycle == 5);
    CHECK(r.complete_cycle == 5 + 100 + 4);  // 64 B / 16 B per cycle = 4 cycles

    // The bus is idle long before the next request: only latency and transfer again.
    const auto r2 = d.access(1000, 16, true);
    CHECK(r2.accept_cycle == 1000);
    CHECK(r2.complete_cycle == 1000 + 100 + 1);

    // A tiny transfer is rounded up to a whole cycle: 1 B at 16 B/cycle = 62.5 -> 63 millicycles.
    const auto r3 = d.access(2000, 1, false);
    CHECK(r3.complete_cycle == 2000 + 100 + 1);
}

TEST_CASE("dram: a long stream at 34 GB/s / 700 MHz matches the closed form", "[dram]") {
    // 48571 millibytes per cycle. One 64-byte request takes ceil(64e6 / 48571) = 1318 millicycles
    // (48571 * 1317 = 63,968,007 < 64e6 <= 48571 * 1318 = 64,016,578). The bus is the bottleneck
    // (1.318 cycles per request > 1 issue per cycle), so request i (0-based, issued at cycle i) transfers
    // during [100000 + 1318 i, 100000 + 1318 (i+1)) millicycles and completes at
    // ceil((100000 + 1318 (i+1)) / 1000).
    constexpr uint64_t kXfer = 1318;
    constexpr uint64_t kN = 2000;
    DramTiming d(params(100, 48571, 1024));
    uint64_t last = 0;
    for (uint64_t i = 0; i < kN; ++i) {
        const auto r = d.access(i, 64, i % 3 == 0);
        REQUIRE(r.accept_cycle == i);
        const uint64_t want = ceil_div(100000 + kXfer * (i + 1), 1000);
        if (r.complete_cycle != want) {
            FAIL("request " << i << ": complete " << r.complete_cycle << ", closed form " << want);
        }
        last = r.complete_cycle;
    }
    // ceil((100000 + 2000 * 1318) / 1000) = ceil(2736000 / 1000) = 2736. Rounding every request to whole
    // cycles would give 100 + 2000 * 2 = 4100; exact 64 B / 48.571 B per cycle would give ~2735.3.
    CHECK(last == 2736);
    CHECK(d.stats().read_requests + d.stats().write_requests == kN);
    CHECK(d.stats().accept_wait_cycles == 0);
}

TEST_CASE("dram: outstanding limit delays accept until the earliest completion", "[dram]") {
    DramTiming d(params(10, 1000, 2));  // 1 byte per cycle, two requests in flight
    // R0: accept 0, bus [10, 14) -> complete 14.  R1: accept 0, bus [14, 18) -> 18.
    const auto r0 = d.access(0, 4, false);
    const auto r1 = d.access(0, 4, false);
    CHECK(r0.accept_cycle == 0);
    CHECK(r0.complete_cycle == 14);
    CHECK(r1.accept_cycle == 0);
    CHECK(r1.complete_cycle == 18);
    // R2: two in flight -> accepted when R0 completes (14); bus from 14 + 10 = 24 -> 28.
    const auto r2 = d.access(0, 4, false);
    CHECK(r2.accept_cycle == 14);
    CHECK(r2.complete_cycle == 28);
    // R3 at cycle 1: in flight are R1 (18) and R2 (28) -> accepted at 18; bus from max(28, 28) -> 32.
    const auto r3 = d.access(1, 4, true);
    CHECK(r3.accept_cycle == 18);
    CHECK(r3.complete_cycle == 32);
    // R4 at 30: R1 and R2 have completed, only R3 is in flight -> accepted at once; bus from 40 -> 44.
    const auto r4 = d.access(30, 4, false);
    CHECK(r4.accept_cycle == 30);
    CHECK(r4.complete_cycle == 44);
    CHECK(d.stats().accept_wait_cycles == (14 - 0) + (18 - 1));
}

TEST_CASE("dram: limit of one request serializes latency", "[dram]") {
    DramTiming d(params(20, 8000, 1));  // 8 B/cycle
    uint64_t expect_accept = 0;
    for (int i = 0; i < 5; ++i) {
        const auto r = d.access(0, 16, false);  // 2 cycles of transfer
        CHECK(r.accept_cycle == expect_accept);
        CHECK(r.complete_cycle == expect_accept + 22);
        expect_accept = r.complete_cycle;
    }
    CHECK(d.stats().accept_wait_cycles == 22 + 44 + 66 + 88);
}

TEST_CASE("dram: out-of-order issue throws SimulationError", "[dram]") {
    DramTiming d(params(10, 1000, 4));
    d.access(10, 4, false);
    CHECK_NOTHROW(d.access(10, 4, false));  // equal cycles are in order
    CHECK_THROWS_AS(d.access(9, 4, false), sasim::SimulationError);
    CHECK_NOTHROW(d.access(11, 4, true));
}

TEST_CASE("dram: stats count requests and bytes per direction", "[dram]") {
    DramTiming d(params(10, 4000, 8));
    d.access(0, 64, false);
    d.access(1, 32, true);
    d.access(2, 16, false);
    d.access(3, 8, true);
    d.access(4, 1, true);
    const auto& s = d.stats();
    CHECK(s.read_requests == 2);
    CHECK(s.read_bytes == 80);
    CHECK(s.write_requests == 3);
    CHECK(s.write_bytes == 41);
    CHECK(s.accept_wait_cycles == 0);
}

TEST_CASE("dram: take_busy merges touching periods and empties the list", "[dram]") {
    DramTiming d(params(10, 1000, 8));
    d.access(0, 4, false);   // bus [10, 14)
    d.access(4, 4, false);   // ready at 14, bus [14, 18): touches -> merged
    d.access(5, 4, false);   // queued behind, bus [18, 22): merged
    d.access(100, 4, true);  // bus [110, 114): separate
    const std::vector<BusyInterval> b = d.take_busy();
    REQUIRE(b.size() == 2);
    CHECK(b[0].begin == 10);
    CHECK(b[0].end == 22);
    CHECK(b[1].begin == 110);
    CHECK(b[1].end == 114);
    CHECK(d.take_busy().empty());
    d.access(200, 3, false);  // bus [210, 213)
    const auto b2 = d.take_busy();
    REQUIRE(b2.size() == 1);
    CHECK(b2[0].begin == 210);
    CHECK(b2[0].end == 213);
}

TEST_CASE("dram: busy periods with fractional bandwidth cover the whole transfer", "[dram]") {
    DramTiming d(params(0, 1500, 8));  // 1.5 B/cycle, no latency
    d.access(0, 3, false);             // [0, 2000) millicycles -> [0, 2)
    d.access(0, 1, false);             // ceil(1e6/1500) = 667 -> [2000, 2667) -> complete 3
    d.access(10, 1, false);            // [10000, 10667) -> [10, 11)
    const auto b = d.take_busy();
    REQUIRE(b.size() == 2);
    CHECK(b[0].begin == 0);
    CHECK(b[0].end == 3);
    CHECK(b[1].begin == 10);
    CHECK(b[1].end == 11);
}

TEST_CASE("dram: reset forgets in-flight requests, the bus and the statistics", "[dram]") {
    DramTiming d(params(10, 1000, 1));
    d.access(0, 1000, true);  // bus busy until 1010, the only slot taken until then
    CHECK(d.stats().write_requests == 1);
    d.reset(50);
    CHECK(d.stats().write_requests == 0);
    CHECK(d.stats().write_bytes == 0);
    CHECK(d.take_busy().empty());
    // Idle channel at 50: accepted at once, bus [60, 64).
    const auto r = d.access(50, 4, false);
    CHECK(r.accept_cycle == 50);
    CHECK(r.complete_cycle == 64);
    CHECK(d.stats().read_requests == 1);
    CHECK(d.stats().accept_wait_cycles == 0);
    // Ordering restarts at the reset cycle.
    d.reset(100);
    CHECK_THROWS_AS(d.access(99, 4, false), sasim::SimulationError);
}

TEST_CASE("dram: zero bandwidth and zero outstanding are clamped to 1", "[dram]") {
    DramTiming d(params(0, 0, 0));
    // 1 millibyte per cycle: one byte takes 1000 cycles; one request in flight.
    const auto r0 = d.access(0, 1, false);
    CHECK(r0.complete_cycle == 1000);
    const auto r1 = d.access(0, 1, false);
    CHECK(r1.accept_cycle == 1000);
    CHECK(r1.complete_cycle == 2000);
}
