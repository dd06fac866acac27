// SPDX-License-Identifier: MIT
// Unit tests of the cycle attribution rule (model/stall_attribution.h): hand-made cases for each cause and
// the bank debt, and the interval sweep checked against a cycle-by-cycle transcription of the rule.
#include <catch2/catch.hpp>

#include <array>
#include <cstdint>
#include <random>
#include <vector>

#include "common/errors.h"
#include "model/stall_attribution.h"

using sasim::model::attribute_cycles;
using sasim::model::CycleBreakdown;
using sasim::model::IntervalSet;
using sasim::model::StallIntervals;

namespace {

uint64_t sum(const CycleBreakdown& b) { return b.compute + b.pipeline + b.stall_total(); }

// The rule of stall_attribution.h applied one cycle at a time, from per-cycle flags.
CycleBreakdown per_cycle(const std::array<std::vector<bool>, 8>& f, uint64_t n) {
    enum { kCompute, kExecBank, kInflight, kBusy, kOutstanding, kActive, kBlocked, kDispatch };
    CycleBreakdown out;
    uint64_t debt = 0;
    for (uint64_t t = 0; t < n; ++t) {
        if (!f[kActive][t]) debt = 0;
        else if (f[kBlocked][t]) ++debt;
        if (f[kCompute][t]) ++out.compute;
        else if (f[kExecBank][t]) ++out.bank_conflict;
        else if (f[kInflight][t]) ++out.pipeline;
        else if (f[kActive][t] && debt > 0) {
            ++out.bank_conflict;
            --debt;
        } else if (f[kBusy][t]) ++out.dram_bandwidth;
        else if (f[kOutstanding][t]) ++out.dram_latency;
        else if (f[kDispatch][t]) ++out.queue_full;
        else ++out.dependency_wait;
    }
    return out;
}

void require_equal(const CycleBreakdown& a, const CycleBreakdown& b) {
    CHECK(a.compute == b.compute);
    CHECK(a.pipeline == b.pipeline);
    CHECK(a.dram_bandwidth == b.dram_bandwidth);
    CHECK(a.dram_latency == b.dram_latency);
    CHECK(a.bank_conflict == b.bank_conflict);
    CHECK(a.queue_full == b.queue_full);
    CHECK(a.dependency_wait == b.dependency_wait);
}

}  // namespace

TEST_CASE("attribution: each cause on its own", "[attribution]") {
    SECTION("compute, pipeline, and the rest waits on dependencies") {
        StallIntervals in;
        in.compute.add(10, 20);
        in.exec_inflight.add(5, 30);
        const CycleBreakdown b = attribute_cycles(in, 0, 40);
        CHECK(b.compute == 10);
        CHECK(b.pipeline == 15);
        CHECK(b.dependency_wait == 15);
        CHECK(sum(b) == 40);
    }
    SECTION("DRAM bandwidth before latency before a full queue") {
        StallIntervals in;
        in.dma_active.add(0, 30);
        in.dram_busy.add(0, 10);
        in.dma_outstanding.add(0, 20);
        in.dispatch_blocked.add(0, 30);
        const CycleBreakdown b = attribute_cycles(in, 0, 30);
        CHECK(b.dram_bandwidth == 10);
        CHECK(b.dram_latency == 10);
        CHECK(b.queue_full == 10);
        CHECK(sum(b) == 30);
    }
    SECTION("an EXECUTE held back by a bank is a bank conflict, not pipeline") {
        StallIntervals in;
        in.exec_inflight.add(0, 50);
        in.exec_bank_stall.add(10, 26);
        in.compute.add(26, 40);
        const CycleBreakdown b = attribute_cycles(in, 0, 50);
        CHECK(b.bank_conflict == 16);
        CHECK(b.compute == 14);
        CHECK(b.pipeline == 20);
    }
}

TEST_CASE("attribution: bank debt", "[attribution]") {
    SECTION("a load refused while the array streams is late later: the wait is the bank's") {
        // One bank: the DMA is refused for 90 cycles while the array streams, then moves its data while the
        // array waits. Without the conflict the data would have moved during the stream.
        StallIntervals in;
        in.compute.add(0, 100);
        in.dma_active.add(0, 200);
        in.bank_blocked.add(10, 100);
        in.dram_busy.add(100, 200);
        const CycleBreakdown b = attribute_cycles(in, 0, 200);
        CHECK(b.compute == 100);
        CHECK(b.bank_conflict == 90);
        CHECK(b.dram_bandwidth == 10);
    }
    SECTION("the debt is forgotten when the DMA has nothing to do") {
        StallIntervals in;
        in.compute.add(0, 100);
        in.dma_active.add(0, 120);
        in.bank_blocked.add(10, 100);
        in.dma_active.add(130, 200);  // a new load after an idle DMA: not late because of the bank
        in.dram_busy.add(130, 200);
        const CycleBreakdown b = attribute_cycles(in, 0, 200);
        CHECK(b.bank_conflict == 20);  // [100, 120)
        CHECK(b.dependency_wait == 10);
        CHECK(b.dram_bandwidth == 70);
    }
    SECTION("refusals in an idle cycle are paid at once") {
        StallIntervals in;
        in.dma_active.add(0, 10);
        in.bank_blocked.add(2, 5);
        in.dram_busy.add(0, 10);
        const CycleBreakdown b = attribute_cycles(in, 0, 10);
        CHECK(b.bank_conflict == 3);
        CHECK(b.dram_bandwidth == 7);
    }
}

TEST_CASE("attribution: the interval sweep equals the rule cycle by cycle", "[attribution]") {
    std::mt19937_64 rng(20261205);
    constexpr uint64_t kCycles = 200;
    for (int trial = 0; trial < 400; ++trial) {
        StallIntervals in;
        std::array<IntervalSet*, 8> sets = {&in.compute,     &in.exec_bank_stall, &in.exec_inflight,
                                            &in.dram_busy,   &in.dma_outstanding, &in.dma_active,
                                            &in.bank_blocked, &in.dispatch_blocked};
        std::array<std::vector<bool>, 8> flags;
        for (size_t s = 0; s < sets.size(); ++s) {
            flags[s].assign(kCycles, false);
            const int spans = static_cast<int>(rng() % 6);
            for (int k = 0; k < spans; ++k) {
                const uint64_t b = rng() % kCycles;
                const uint64_t e = std::min<uint64_t>(kCycles, b + rng() % 40);
                sets[s]->add(b, e);
                for (uint64_t t = b; t < e; ++t) flags[s][t] = true;
            }
        }
        const uint64_t begin = rng() % 20;
        const uint64_t end = kCycles - rng() % 20;
        // The reference looks at [begin, end) only: shift the flags.
        std::array<std::vector<bool>, 8> window;
        for (size_t s = 0; s < flags.size(); ++s) window[s].assign(flags[s].begin() + begin, flags[s].begin() + end);
        INFO("trial " << trial);
        const CycleBreakdown got = attribute_cycles(in, begin, end);
        CHECK(sum(got) == end - begin);
        require_equal(got, per_cycle(window, end - begin));
    }
}

TEST_CASE("attribution: advancing piece by piece equals one pass, and drops what it no longer needs",
          "[attribution]") {
    std::mt19937_64 rng(7);
    for (int trial = 0; trial < 300; ++trial) {
        StallIntervals whole, pieces;
        std::array<IntervalSet*, 8> a = {&whole.compute,     &whole.exec_bank_stall, &whole.exec_inflight,
                                         &whole.dram_busy,   &whole.dma_outstanding, &whole.dma_active,
                                         &whole.bank_blocked, &whole.dispatch_blocked};
        std::array<IntervalSet*, 8> b = {&pieces.compute,     &pieces.exec_bank_stall, &pieces.exec_inflight,
                                         &pieces.dram_busy,   &pieces.dma_outstanding, &pieces.dma_active,
                                         &pieces.bank_blocked, &pieces.dispatch_blocked};
        for (size_t s = 0; s < a.size(); ++s) {
            for (int k = 0, spans = static_cast<int>(rng() % 8); k < spans; ++k) {
                const uint64_t begin = rng() % 300;
                const uint64_t end = begin + rng() % 50;
                a[s]->add(begin, end);
                b[s]->add(begin, end);
            }
        }
        INFO("trial " << trial);
        const CycleBreakdown once = attribute_cycles(whole, 0, 400);
        sasim::model::StallAttributor att(0);
        for (uint64_t upto = rng() % 30; upto < 400; upto += rng() % 60) {
            att.advance(pieces, upto);
            CHECK(att.done() == upto);
            for (IntervalSet* s : b) {
                for (const auto& sp : s->spans()) CHECK(sp.end > upto);
            }
        }
        att.advance(pieces, 400);
        require_equal(att.result(), once);
    }
}

TEST_CASE("attribution: a span that arrives for cycles already attributed is a model bug", "[attribution]") {
    StallIntervals in;
    in.record(&StallIntervals::compute, 0, 50);
    sasim::model::StallAttributor att(0);
    att.advance(in, 100);
    CHECK_NOTHROW(in.record(&StallIntervals::dram_busy, 100, 120));
    CHECK_NOTHROW(in.record(&StallIntervals::dram_busy, 60, 60));  // empty: nothing covered
    CHECK_THROWS_AS(in.record(&StallIntervals::dispatch_blocked, 99, 130), sasim::SimulationError);
}
