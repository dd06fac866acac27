// SPDX-License-Identifier: MIT
// Operand windows on the generated RTL, independent of any compiler mode that emits them: a compiled conv
// whose EXECUTEs are given windows by hand runs on the SystemC model (the sc testbench) and on the RTL
// (the verilated harness, in the rtl tests' build cache), and the two must agree on every issue
// and retire cycle and on the final DRAM image.
//
// The windows only re-read rows that the EXECUTE reads anyway (row i goes to a row <= base + i), so the
// tokens still order every LOAD before the reads; the results are then no longer the convolution, and the
// model's reference check is not used. The configs have 4-row scratchpad banks, so the windows move reads
// to other banks; in IS that changes when fill reads yield to stream reads (see add_windows). The
// compiled im2col windows of `sasim rtl check --mapper search` are the tests with real convolutions.
// Each TEST_CASE runs in its own process (SystemC elaborates once); label rtl.
#include <catch2/catch.hpp>

#include <algorithm>

#include <nlohmann/json.hpp>

#include "model/dram_timing.h"
#include "model/tensors.h"
#include "rtl/check/build.h"
#include "rtl/check/check.h"
#include "sc/dram_target.h"
#include "testbench.h"

using namespace sasim;

namespace {

// A 4x4 array with 64 banks of 4 scratchpad rows (the rest from tests/rtl/configs/m03, m04 and m05).
Config banked_config(const std::string& dataflow, uint32_t operand_bits) {
    nlohmann::json j = {
        {"name", "window_" + dataflow},
        {"array", {{"rows", 4}, {"cols", 4}, {"dataflow", dataflow}, {"operand_bits", operand_bits}, {"acc_bits", 32}}},
        {"scratchpad", {{"capacity_kib", operand_bits / 8}, {"banks", 64}}},
        {"accumulator", {{"capacity_kib", 1}, {"banks", 2}}},
        {"queues", {{"load", 3}, {"execute", 2}, {"store", 2}}},
        {"dma", {{"bus_bytes_per_cycle", 16}, {"max_request_bytes", 32}, {"max_outstanding", 4}}},
        {"dram", {{"latency_cycles", 10}, {"bandwidth_gbps", 12.0}, {"max_outstanding", 8}}},
        {"clock_mhz", 1000},
    };
    return config_from_json(j, "tests/rtl/window_program_test.cpp (" + dataflow + ")");
}

// The pixel operand (the rows the window walks) and the other operand of an EXECUTE: first row, count.
struct Operands {
    uint64_t pixel, pixels, other, others;
};
Operands operands_of(const Instruction& in, Dataflow df) {
    if (window_on_b(df)) return {in.b_row, in.n, in.a_row, in.m};
    return {in.a_row, in.m, in.b_row, df == Dataflow::OS ? in.k : in.n};
}

// Windows that read only rows of the EXECUTE's own operands, in turn:
//   0-2  re-reads inside the pixel operand: the last pixel of each 3-pixel output row twice; one row per
//        2-pixel output row; every other row;
//   3    a jump between the two operands: the operand that lies lower in the scratchpad first (up to
//        pixels - 1 rows of the other operand, or all pixel rows but the last), then one line step to
//        the higher one. In IS the fill then reads the banks of the weights tile, which the previous
//        EXECUTE streams from in the same cycles, so fill reads yield where they did not. (In WS and
//        OS the other operand's rows are this EXECUTE's own chunk, on banks no neighbour reads then.)
//   4    no window.
void add_windows(Program& p, Dataflow df) {
    uint32_t e = 0;
    for (Instruction& in : p.instrs) {
        if (in.op != Opcode::Execute) continue;
        auto window = [&in](uint32_t w, uint32_t x0, uint32_t col_step, uint32_t line_step) {
            in.win_w = w;
            in.win_x0 = x0;
            in.win_col_step = col_step;
            in.win_line_step = line_step;
        };
        const Operands o = operands_of(in, df);
        const bool jump_ok = o.pixels >= 2 && o.others >= 1 && (in.preload || df == Dataflow::OS);
        switch (e % 5) {
            case 0: window(3, e % 3, 1, 0); break;
            case 1: window(2, e % 2, 0, 1); break;
            case 2: window(2, 0, 0, 2); break;
            case 3:
                if (jump_ok && o.other + o.others <= o.pixel) {
                    // rows: other, ..., other + t - 1, then pixel, ..., pixel + pixels - 1 - t
                    const uint64_t t = std::min(o.others, o.pixels - 1);
                    const uint32_t w = static_cast<uint32_t>(o.pixels) + 1;
                    window(w, static_cast<uint32_t>(w - t), 1, static_cast<uint32_t>(o.pixel - o.other - t + 1));
                    (window_on_b(df) ? in.b_row : in.a_row) = o.other;
                } else if (jump_ok && o.pixel + o.pixels <= o.other) {
                    // rows: pixel, ..., pixel + pixels - 2, other
                    const uint32_t w = static_cast<uint32_t>(o.pixels);
                    window(w, 1, 1, static_cast<uint32_t>(o.other - (o.pixel + o.pixels - 2)));
                }
                break;
            default: break;
        }
        ++e;
    }
}

// The model's run of `tb` as the trace `sasim rtl check` keeps of a layer.
template <typename Tb>
sc::LayerTrace trace_of(const Tb& tb, const CompiledLayer& comp, const std::vector<uint8_t>& initial) {
    sc::LayerTrace t;
    t.name = "windowed_conv";
    t.program = &tb.program();
    t.layout = &comp.layout;
    t.initial_image = initial;
    t.final_image = &tb.memory.image();
    for (uint64_t c : tb.ctx.program.kept_issue()) t.issue.push_back(c - tb.start_cycle);
    for (uint64_t c : tb.ctx.program.kept_retire()) t.retire.push_back(c - tb.start_cycle);
    t.cycles = tb.cycles();
    model::IntervalSet compute = tb.ctx.rec.intervals.compute;  // measure() normalizes: copies of const records
    t.compute_cycles = compute.measure();
    t.dma_bank_conflict_cycles = tb.ctx.rec.traffic.dma_bank_conflict_cycles;
    t.dispatch_blocked_cycles = tb.ctx.rec.traffic.dispatch_blocked_cycles;
    return t;
}

// `expect_moved`: the windows move some reads into conflicts, so some cycles differ from the plain run.
void check_windows_on_rtl(const std::string& dataflow, uint32_t operand_bits, bool expect_moved) {
    const Config cfg = banked_config(dataflow, operand_bits);
    const Layer layer = sctest::tiny_conv();
    const CompiledLayer comp = compile_layer(layer, cfg);
    model::CanonicalTensors tensors;
    model::generate_tensors(layer, cfg.array.operand_bits, 7, tensors);
    const std::vector<uint8_t> image = model::build_dram_image(layer, comp.layout, cfg.array.dataflow, tensors);
    Program windowed = comp.program;
    add_windows(windowed, cfg.array.dataflow);

    // The windowed program and the plain one, side by side on two model instances.
    using Tb = sctest::Testbench<sc::ScDramTarget>;
    Tb tb("tb", cfg, model::DramTiming::params_from(cfg));
    Tb plain("plain", cfg, model::DramTiming::params_from(cfg));
    tb.run_program(windowed, image);
    plain.run_program(comp.program, image);
    sctest::simulate();
    REQUIRE_FALSE(sc::first_process_error());
    REQUIRE_FALSE(tb.error);
    REQUIRE(tb.finished);
    REQUIRE(plain.finished);
    CHECK(tb.problems.empty());
    // The windows change the values, and where reads move to contended banks, the cycles.
    CHECK(tb.memory.image() != plain.memory.image());
    size_t moved = 0;  // instructions whose issue or retire cycle the windows changed
    const std::vector<uint64_t> wi = tb.ctx.program.kept_issue(), pi = plain.ctx.program.kept_issue();
    const std::vector<uint64_t> wr = tb.ctx.program.kept_retire(), pr = plain.ctx.program.kept_retire();
    for (size_t i = 0; i < windowed.instrs.size(); ++i) moved += wi[i] != pi[i] || wr[i] != pr[i];
    if (expect_moved) CHECK(moved > 0);

    rtl::BuildOptions bopt;
    bopt.cache_dir = SASIM_RTL_CACHE_DIR;  // build/rtl-cache, shared with the other rtl tests
    bopt.quiet = true;
    const std::string harness = rtl::ensure_harness(cfg, bopt);
    const sc::LayerTrace t = trace_of(tb, comp, image);
    rtl::HarnessOptions hopt;
    hopt.settings.dram = model::DramTiming::params_from(cfg);
    hopt.settings.watchdog_cycles = 100'000;
    const rtl::CheckResult match = rtl::compare_layer(t, rtl::run_harness(harness, t, hopt));
    for (const std::string& l : match.lines) UNSCOPED_INFO(l);
    CHECK(match.match);
    CHECK(match.instructions == windowed.instrs.size());

    // The same check fails when the RTL's first DRAM read completes one cycle late.
    hopt.settings.delay_read = 0;
    const rtl::CheckResult late = rtl::compare_layer(t, rtl::run_harness(harness, t, hopt));
    REQUIRE_FALSE(late.match);
    CHECK_THAT(late.lines[0], Catch::Contains("(load "));
}

}  // namespace

TEST_CASE("rtl windows: WS with windowed stream rows matches the model", "[rtl]") { check_windows_on_rtl("ws", 8, false); }
TEST_CASE("rtl windows: IS with windowed preload rows matches the model", "[rtl]") { check_windows_on_rtl("is", 8, true); }
TEST_CASE("rtl windows: OS with windowed transposer rows matches the model", "[rtl]") {
    check_windows_on_rtl("os", 16, false);
}
