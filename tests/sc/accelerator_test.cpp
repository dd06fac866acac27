// SPDX-License-Identifier: MIT
// SystemC testbench tests of ScAccelerator: against a user-supplied TLM-2.0 memory, against ScDramTarget on
// every dataflow, a deadlocking program, two systems differing only in DRAM latency, and a memory target
// with timed activity of its own.
// Each TEST_CASE elaborates and calls sc_start() once: ctest runs each in its own process.
#include <catch2/catch.hpp>

#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include "model/dram_timing.h"
#include "sc/dram_target.h"
#include "testbench.h"

using namespace sasim;
using sasim::sctest::Testbench;

namespace {

// A memory as a virtual platform might provide it: no DramTiming, a fixed latency annotated on the delay,
// unlimited bandwidth and outstanding requests. Counts what it serves.
class FixedLatencyMemory : public sc_core::sc_module {
public:
    tlm_utils::simple_target_socket<FixedLatencyMemory> socket;

    FixedLatencyMemory(sc_core::sc_module_name name, uint64_t latency_cycles)
        : sc_core::sc_module(name), socket("socket"), m_latency(latency_cycles) {
        socket.register_b_transport(this, &FixedLatencyMemory::b_transport);
    }

    void load_image(std::vector<uint8_t> image, uint64_t /*now_cycle*/) { m_image = std::move(image); }
    const std::vector<uint8_t>& image() const { return m_image; }

    uint64_t read_transactions = 0, write_transactions = 0;
    uint64_t read_bytes = 0, write_bytes = 0;
    uint64_t errors = 0;            // transactions answered with an error response
    uint64_t decreasing_times = 0;  // transactions whose issue time (now + delay) went backwards
    uint64_t last_issue_ps = 0;

private:
    void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
        const uint64_t addr = trans.get_address();
        const uint32_t len = trans.get_data_length();
        const uint64_t issue_ps = (sc_core::sc_time_stamp() + delay).value();
        if (issue_ps < last_issue_ps) ++decreasing_times;
        last_issue_ps = issue_ps;
        if (trans.get_byte_enable_ptr() != nullptr || addr > m_image.size() || len > m_image.size() - addr) {
            ++errors;
            trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
            return;
        }
        if (trans.is_write()) {
            std::memcpy(m_image.data() + addr, trans.get_data_ptr(), len);
            ++write_transactions;
            write_bytes += len;
        } else if (trans.is_read()) {
            std::memcpy(trans.get_data_ptr(), m_image.data() + addr, len);
            ++read_transactions;
            read_bytes += len;
        } else {
            ++errors;
            trans.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
            return;
        }
        delay += sc::cycles(m_latency);
        trans.set_response_status(tlm::TLM_OK_RESPONSE);
    }

    const uint64_t m_latency;
    std::vector<uint8_t> m_image;
};

// A memory with state of its own: it counts the requests in flight and retires each one in an SC_METHOD at
// its completion time, woken by a timed notification made inside b_transport (legal for a loosely-timed
// target). A request issued while `busy_limit` are in flight takes `penalty` extra cycles. So the latency
// depends on when that process ran, and the DMA engine must never issue past a time at which it runs.
class StatefulMemory : public sc_core::sc_module {
public:
    tlm_utils::simple_target_socket<StatefulMemory> socket;

    SC_HAS_PROCESS(StatefulMemory);
    StatefulMemory(sc_core::sc_module_name name, uint64_t latency_cycles)
        : sc_core::sc_module(name), socket("socket"), m_latency(latency_cycles) {
        socket.register_b_transport(this, &StatefulMemory::b_transport);
        SC_METHOD(retire_due);
        sensitive << m_completion;
        dont_initialize();
    }

    void load_image(std::vector<uint8_t> image, uint64_t /*now_cycle*/) { m_image = std::move(image); }
    const std::vector<uint8_t>& image() const { return m_image; }

    uint64_t penalties = 0;     // requests that paid the busy penalty
    uint64_t issued_ahead = 0;  // times retire_due() ran after a request had been issued at a later time

private:
    static constexpr uint64_t kBusyLimit = 4, kPenaltyCycles = 5;

    void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
        const uint64_t issue_ps = (sc_core::sc_time_stamp() + delay).value();
        m_latest_issue_ps = std::max(m_latest_issue_ps, issue_ps);
        const uint64_t addr = trans.get_address();
        const uint32_t len = trans.get_data_length();
        if (trans.is_write()) std::memcpy(m_image.data() + addr, trans.get_data_ptr(), len);
        else std::memcpy(trans.get_data_ptr(), m_image.data() + addr, len);
        uint64_t latency = m_latency;
        if (m_due_ps.size() >= kBusyLimit) {
            latency += kPenaltyCycles;
            ++penalties;
        }
        delay += sc::cycles(latency);
        m_due_ps.push_back((sc_core::sc_time_stamp() + delay).value());
        m_completion.notify(delay);  // an earlier pending notification wins; retire_due() re-arms
        trans.set_response_status(tlm::TLM_OK_RESPONSE);
    }

    void retire_due() {
        const uint64_t now = sc_core::sc_time_stamp().value();
        if (m_latest_issue_ps > now) ++issued_ahead;
        uint64_t next = UINT64_MAX;
        std::vector<uint64_t> pending;
        for (uint64_t due : m_due_ps) {
            if (due > now) {
                pending.push_back(due);
                next = std::min(next, due);
            }
        }
        m_due_ps.swap(pending);
        if (next != UINT64_MAX) m_completion.notify(sc_core::sc_time::from_value(next - now));
    }

    const uint64_t m_latency;
    std::vector<uint8_t> m_image;
    std::vector<uint64_t> m_due_ps;  // completion times of the requests in flight
    uint64_t m_latest_issue_ps = 0;
    sc_core::sc_event m_completion;
};

// What every successful run must satisfy.
template <typename Memory>
void require_clean_finish(const Testbench<Memory>& tb) {
    REQUIRE_FALSE(sc::first_process_error());
    REQUIRE_FALSE(tb.error);
    REQUIRE(tb.finished);
    REQUIRE_FALSE(sc_core::sc_pending_activity());
    CHECK(tb.problems.empty());
    CHECK(tb.ctx.rec.retired == tb.program().instrs.size());
}

// Runs the tiny conv on `tb`; requires a clean finish and a passing result check, and returns the check.
template <typename Memory>
model::CheckResult run_tiny_conv_checked(Testbench<Memory>& tb) {
    tb.run_layer(sctest::tiny_conv());
    sctest::simulate();
    require_clean_finish(tb);
    const model::CheckResult chk = tb.check();
    INFO(chk.first_mismatch);
    CHECK(chk.pass);
    return chk;
}

// Scenario 2: the tiny conv on ScDramTarget, checked for results and schedule invariants.
void run_tiny_conv_on_dram(const std::string& config_name) {
    const Config cfg = sctest::shipped_config(config_name);
    Testbench<sc::ScDramTarget> tb("tb", cfg, model::DramTiming::params_from(cfg));
    const model::CheckResult chk = run_tiny_conv_checked(tb);
    CHECK(chk.mismatches == 0);
    CHECK(chk.elements == 6u * 6u * 6u);

    const auto& instrs = tb.program().instrs;
    const auto& rec = tb.ctx.rec;
    const std::vector<uint64_t> issue = tb.ctx.program.kept_issue(), retire = tb.ctx.program.kept_retire();
    REQUIRE(issue.size() == instrs.size());
    REQUIRE(retire.size() == instrs.size());
    bool seen_exec = false, seen_load = false;
    uint64_t last_exec_issue = 0, last_load_retire = 0;
    uint64_t executes = 0;
    for (size_t i = 0; i < instrs.size(); ++i) {
        INFO("instruction " << i << ": " << disassemble(instrs[i]) << " issue " << issue[i] << " retire "
                            << retire[i]);
        CHECK(issue[i] >= tb.start_cycle);
        CHECK(issue[i] <= retire[i]);
        CHECK(retire[i] <= tb.end_cycle);
        switch (unit_of(instrs[i].op)) {
            case Unit::Execute:
                if (seen_exec) CHECK(issue[i] > last_exec_issue);
                seen_exec = true;
                last_exec_issue = issue[i];
                ++executes;
                break;
            case Unit::Load:
                if (seen_load) CHECK(retire[i] >= last_load_retire);
                seen_load = true;
                last_load_retire = retire[i];
                break;
            case Unit::Store: break;
        }
    }
    CHECK(executes > 1);
    CHECK(rec.macs == tb.layer->gemm_view().macs());
    CHECK(rec.macs == tb.compiled->layout.view.macs());
    CHECK(rec.traffic.dram_write_bytes == tb.compiled->layout.output_bytes);
}

}  // namespace

TEST_CASE("sc: accelerator on a user-supplied TLM-2.0 memory with fixed 7-cycle latency", "[sc]") {
    constexpr uint64_t kLatency = 7;
    Testbench<FixedLatencyMemory> tb("tb", sctest::shipped_config("tiny_4x4_ws"), kLatency);
    const model::CheckResult chk = run_tiny_conv_checked(tb);
    CHECK(chk.checked);
    CHECK(chk.elements == 6u * 6u * 6u);
    CHECK(tb.ctx.rec.macs == tb.layer->gemm_view().macs());

    const FixedLatencyMemory& mem = tb.memory;
    const model::TrafficStats& tr = tb.ctx.rec.traffic;
    CHECK(mem.errors == 0);
    CHECK(mem.decreasing_times == 0);
    CHECK(mem.read_transactions == tr.dram_read_requests);
    CHECK(mem.write_transactions == tr.dram_write_requests);
    CHECK(mem.read_bytes == tr.dram_read_bytes);
    CHECK(mem.write_bytes == tr.dram_write_bytes);
    CHECK(mem.read_transactions + mem.write_transactions == tr.dram_read_requests + tr.dram_write_requests);
    CHECK(mem.read_bytes + mem.write_bytes == tr.dram_read_bytes + tr.dram_write_bytes);
    CHECK(mem.read_transactions > 0);
    CHECK(mem.write_bytes == tb.compiled->layout.output_bytes);

    // The annotated latency is honoured: some load waits at least the latency for its data, then a cycle to
    // write its last row; no load retires before it issues.
    const auto& instrs = tb.program().instrs;
    const std::vector<uint64_t> issue = tb.ctx.program.kept_issue(), retire = tb.ctx.program.kept_retire();
    bool waited_latency = false;
    for (size_t i = 0; i < instrs.size(); ++i) {
        if (unit_of(instrs[i].op) != Unit::Load) continue;
        CHECK(retire[i] > issue[i]);
        if (retire[i] >= issue[i] + kLatency + 1) waited_latency = true;
    }
    CHECK(waited_latency);
}

TEST_CASE("sc: tiny conv on ScDramTarget with tiny_4x4_ws", "[sc]") { run_tiny_conv_on_dram("tiny_4x4_ws"); }
TEST_CASE("sc: tiny conv on ScDramTarget with tiny_4x4_os", "[sc]") { run_tiny_conv_on_dram("tiny_4x4_os"); }
TEST_CASE("sc: tiny conv on ScDramTarget with tiny_4x4_is", "[sc]") { run_tiny_conv_on_dram("tiny_4x4_is"); }

TEST_CASE("sc: an EXECUTE waiting for a load token nobody sends stops the simulation", "[sc]") {
    const Config cfg = sctest::shipped_config("tiny_4x4_ws");
    Testbench<sc::ScDramTarget> tb("tb", cfg, model::DramTiming::params_from(cfg));
    Program prog;
    Instruction ex;
    ex.op = Opcode::Execute;
    ex.wait_prev = true;  // no LOAD signals it: the token never comes
    ex.a_row = 0;
    ex.b_row = 4;
    ex.c_row = 0;
    ex.m = 4;
    ex.n = 4;
    ex.k = 4;
    ex.preload = true;
    prog.instrs.push_back(ex);
    tb.run_program(prog, std::vector<uint8_t>(256, 0));
    sctest::simulate();  // must return by itself: every process waits on an event that never comes

    CHECK_FALSE(sc::first_process_error());
    CHECK_FALSE(tb.error);
    CHECK_FALSE(sc_core::sc_pending_activity());
    CHECK(tb.started);
    CHECK_FALSE(tb.finished);
    CHECK(tb.ctx.rec.retired == 0);
    CHECK(tb.ctx.rec.macs == 0);
    CHECK(tb.ctx.rec.intervals.compute.measure() == 0);
}

TEST_CASE("sc: DRAM latency changes the cycles but not the output bytes", "[sc]") {
    // Two complete systems elaborated together (one elaboration per process), run concurrently.
    const std::string path = sctest::source_path("configs/tiny_4x4_ws.json");
    std::ifstream in(path);
    REQUIRE(in);
    nlohmann::json j = nlohmann::json::parse(in);
    j["dram"]["latency_cycles"] = 10;
    const Config fast = config_from_json(j, path + " (latency 10)");
    Config slow = fast;
    slow.dram.latency_cycles = 200;
    validate_and_derive(slow, path + " (latency 200)");
    REQUIRE(fast.dram.latency_cycles == 10);
    REQUIRE(slow.dram.latency_cycles == 200);

    Testbench<sc::ScDramTarget> tb_fast("tb_fast", fast, model::DramTiming::params_from(fast));
    Testbench<sc::ScDramTarget> tb_slow("tb_slow", slow, model::DramTiming::params_from(slow));
    tb_fast.run_layer(sctest::tiny_conv(), 7);
    tb_slow.run_layer(sctest::tiny_conv(), 7);
    sctest::simulate();
    require_clean_finish(tb_fast);
    require_clean_finish(tb_slow);

    CHECK(tb_fast.check().pass);
    CHECK(tb_slow.check().pass);
    CHECK(tb_slow.cycles() > tb_fast.cycles());
    CHECK(tb_slow.cycles() >= tb_fast.cycles() + 190);  // at least one more DRAM round trip
    CHECK(tb_fast.program().instrs.size() == tb_slow.program().instrs.size());
    const std::vector<uint8_t> out_fast = tb_fast.output_bytes();
    const std::vector<uint8_t> out_slow = tb_slow.output_bytes();
    REQUIRE(out_fast.size() == tb_fast.compiled->layout.output_bytes);
    REQUIRE(out_fast.size() == out_slow.size());
    size_t differing = 0;
    for (size_t i = 0; i < out_fast.size(); ++i) differing += out_fast[i] != out_slow[i] ? 1 : 0;
    CHECK(differing == 0);
    CHECK(tb_fast.memory.image() == tb_slow.memory.image());
}

TEST_CASE("sc: a DMA error response stops the simulation with a SimulationError", "[sc]") {
    const Config cfg = sctest::shipped_config("tiny_4x4_ws");
    Testbench<sc::ScDramTarget> tb("tb", cfg, model::DramTiming::params_from(cfg));
    Program prog;
    Instruction ld;
    ld.op = Opcode::Load2d;
    ld.dst = LocalMem::Scratchpad;
    ld.local_row = 0;
    ld.rows = 1;
    ld.elems = 4;
    ld.dram_addr = 4096;  // past the end of the 256-byte image: ScDramTarget answers with an address error
    ld.dram_stride = 4;
    prog.instrs.push_back(ld);
    tb.run_program(prog, std::vector<uint8_t>(256, 0));
    sctest::simulate();

    CHECK_FALSE(tb.error);
    CHECK(tb.started);
    CHECK_FALSE(tb.finished);
    CHECK(tb.ctx.rec.retired == 0);
    REQUIRE(sc::first_process_error());
    CHECK_THROWS_AS(std::rethrow_exception(sc::first_process_error()), SimulationError);
    CHECK_THROWS_WITH(std::rethrow_exception(sc::first_process_error()), Catch::Contains("0x1000"));
}

// The DMA engine runs ahead of kernel time only while no other process can run (docs/timing.md). A target
// may schedule processes of its own from b_transport; the engine must see them before it issues further.
TEST_CASE("sc: the DMA engine does not run past a memory target's own timed activity", "[sc]") {
    Testbench<StatefulMemory> tb("tb", sctest::shipped_config("tiny_4x4_ws"), 7);
    run_tiny_conv_checked(tb);
    CHECK(tb.memory.penalties > 0);  // the state-dependent latency was exercised
    CHECK(tb.memory.issued_ahead == 0);
}

// The path run_workload takes: the program window releases instructions as they retire (model::ProgramWindow).
// A larger tiny conv (24x24x8 input), on tiny_2x2_ws so that its program is long, runs kept and then streamed from the idle
// machine: every instruction must be released once, in order, with the kept run's cycles, and the window
// must hold far fewer than the whole program.
TEST_CASE("sc: a streamed run releases every instruction in order with the kept run's cycles", "[sc]") {
    const Config cfg = sctest::shipped_config("tiny_2x2_ws");
    Testbench<sc::ScDramTarget> tb("tb", cfg, model::DramTiming::params_from(cfg));
    tb.rerun_streamed = true;
    Layer l = sctest::tiny_conv();
    l.conv.in_h = l.conv.in_w = 24;
    l.conv.in_c = 8;
    tb.run_layer(l);
    sctest::simulate();
    require_clean_finish(tb);
    const model::CheckResult chk = tb.check();
    INFO(chk.first_mismatch);
    CHECK(chk.pass);

    const auto& instrs = tb.program().instrs;
    const std::vector<uint64_t> issue = tb.ctx.program.kept_issue(), retire = tb.ctx.program.kept_retire();
    REQUIRE(instrs.size() > 100);
    REQUIRE(tb.released.size() == instrs.size());
    for (size_t i = 0; i < instrs.size(); ++i) {
        INFO("instruction " << i << ": " << disassemble(instrs[i]));
        REQUIRE(tb.released[i].index == i);
        CHECK(tb.released[i].issue_cycle == issue[i] - tb.start_cycle);
        CHECK(tb.released[i].retire_cycle == retire[i] - tb.start_cycle);
    }
    CHECK(tb.rerun_cycles == tb.cycles());
    CHECK(tb.rerun_output == tb.output_bytes());
    CHECK(tb.rerun_peak_held < instrs.size() / 4);
}
