// SPDX-License-Identifier: MIT
// run_workload (sim/sc/simulator.h) called in-process: per-layer statistics of a small network, and the
// once-per-process elaboration rule. Each TEST_CASE runs in its own process (ctest).
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "common/errors.h"
#include "config/config.h"
#include "model/stats.h"
#include "sc/simulator.h"
#include "testbench.h"
#include "workload/workload.h"

using namespace sasim;

TEST_CASE("sc: run_workload tiny_8x8_ws x resblock_small", "[sc]") {
    sctest::require_fresh_process();
    const Config cfg = sctest::shipped_config("tiny_8x8_ws");
    const Workload wl = load_workload(sctest::source_path("workloads/tiny/resblock_small.json"));
    REQUIRE(sc::check_mappable(cfg, wl).empty());

    std::vector<std::string> progress;
    sc::RunOptions opt;
    opt.progress = [&](size_t index, size_t total, const model::LayerStats* done, const Layer& layer) {
        progress.push_back(std::to_string(index) + "/" + std::to_string(total) + (done ? " done " : " start ") +
                           layer.name);
    };
    const std::vector<model::LayerStats> stats = sc::run_workload(cfg, wl, opt);
    REQUIRE(stats.size() == wl.layers.size());
    CHECK(progress.size() == 2 * wl.layers.size());

    const uint64_t pes = uint64_t{cfg.array.rows} * cfg.array.cols;
    size_t simulated = 0, others = 0;
    uint64_t prev_end = 0;
    for (size_t i = 0; i < stats.size(); ++i) {
        const model::LayerStats& st = stats[i];
        const Layer& layer = wl.layers[i];
        INFO("layer " << i << " " << st.name);
        CHECK(st.name == layer.name);
        CHECK(st.kind == layer.kind);
        CHECK(st.start_cycle >= prev_end);  // layers run back to back
        if (layer.kind == LayerKind::Other) {
            ++others;
            CHECK_FALSE(st.simulated);
            CHECK(st.op == layer.op);
            CHECK(st.other_elements == layer.elements);
            CHECK(st.cycles == 0);
            continue;
        }
        ++simulated;
        REQUIRE(st.simulated);
        prev_end = st.start_cycle + st.cycles;
        INFO(st.check.first_mismatch);
        CHECK(st.check.checked);
        CHECK(st.check.pass);
        CHECK(st.check.mismatches == 0);
        CHECK(st.check.elements == st.gemm.count * st.gemm.m * st.gemm.n);
        CHECK(st.macs == layer.gemm_view().macs());
        CHECK(st.cycles > 0);

        const model::CycleBreakdown& b = st.breakdown;
        CHECK(b.compute + b.pipeline + b.dram_bandwidth + b.dram_latency + b.bank_conflict + b.queue_full +
                  b.dependency_wait ==
              st.cycles);
        CHECK(st.compute_cycles == b.compute);
        CHECK(st.compute_cycles * pes >= st.macs);
        CHECK(st.array_slots_used >= st.macs);

        // Inputs may be read more than once and padding is never read, so reads are only known to happen;
        // every output byte is written exactly once.
        CHECK(st.traffic.dram_read_bytes > 0);
        CHECK(st.traffic.dram_read_requests > 0);
        CHECK(st.traffic.dram_write_bytes == st.gemm.count * st.gemm.m * st.gemm.n * cfg.derived.operand_bytes);
        CHECK(st.instructions.loads > 0);
        CHECK(st.instructions.executes > 0);
        CHECK(st.instructions.stores > 0);
    }
    CHECK(simulated == 4);
    CHECK(others == 1);
    CHECK(stats.back().name == "add");
}

TEST_CASE("sc: a second run_workload in the same process throws SimulationError", "[sc]") {
    sctest::require_fresh_process();
    const Config cfg = sctest::shipped_config("tiny_4x4_ws");
    const Workload wl = load_workload(sctest::source_path("workloads/tiny/gemm_small.json"));
    const std::vector<model::LayerStats> first = sc::run_workload(cfg, wl, sc::RunOptions{});
    REQUIRE(first.size() == 1);
    CHECK(first[0].check.pass);
    CHECK_THROWS_AS(sc::run_workload(cfg, wl, sc::RunOptions{}), SimulationError);
    CHECK_THROWS_WITH(sc::run_workload(cfg, wl, sc::RunOptions{}), Catch::Contains("once per process"));
}
