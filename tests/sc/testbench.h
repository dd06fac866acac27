// SPDX-License-Identifier: MIT
// A small reusable SystemC testbench: an ScAccelerator bound to a memory target, plus a control thread that
// runs one layer (or one hand-written program) the way run_workload does, and keeps everything a test may
// want to look at afterwards (program, tensors, per-instruction record, final DRAM image).
//
// SystemC elaborates once per process: a TEST_CASE builds its testbench(es), calls simulate() once, then
// inspects the results. On success sc_start() returns by itself (starvation): every process but the
// control thread waits forever on an event that never comes.
#pragma once
#include <cstdint>
#include <exception>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <systemc>

#include "common/errors.h"
#include "compiler/compiler.h"
#include "config/config.h"
#include "model/reference.h"
#include "model/tensors.h"
#include "sc/accelerator.h"
#include "sc/asan_stack.h"
#include "sc/clock.h"
#include "sc/error_sink.h"
#include "sc/layer_context.h"
#include "workload/workload.h"

namespace sasim::sctest {

// A path inside the source tree ("configs/tiny_4x4_ws.json").
inline std::string source_path(const std::string& rel) { return std::string(SASIM_SOURCE_DIR) + "/" + rel; }

// A shipped config by name ("tiny_4x4_ws").
inline Config shipped_config(const std::string& name) { return load_config(source_path("configs/" + name + ".json")); }

// The conv most tests run: 6x6x5 input, 6 filters of 3x3, stride 1, padding 1 (no size a multiple of 4,
// so every tile has ragged edges, and padding rows exercise the all-padding path of the load DMA).
inline Layer tiny_conv() {
    Layer l;
    l.name = "tiny_conv";
    l.kind = LayerKind::Conv;
    l.origin = "tests/sc/testbench.h: tiny_conv";
    l.conv.batch = 1;
    l.conv.in_h = 6;
    l.conv.in_w = 6;
    l.conv.in_c = 5;
    l.conv.out_c = 6;
    l.conv.kernel_h = 3;
    l.conv.kernel_w = 3;
    l.conv.pad_top = l.conv.pad_bottom = l.conv.pad_left = l.conv.pad_right = 1;
    return l;
}

// SystemC elaborates once per process: fails clearly when a second TEST_CASE of the same process (running
// the executable without a test filter) tries to build modules after a simulation. ctest runs one per process.
inline void require_fresh_process() {
    if (sc_core::sc_get_status() != sc_core::SC_ELABORATION) {
        throw std::logic_error("SystemC elaborates once per process: run each sc TEST_CASE in its own process "
                               "(ctest -L sc does; or pass the test name to sasim_sc_tests)");
    }
}

// Starts the simulation and returns when it stops by itself (or on sc_stop()). SC_INFO reports (sc_stop)
// are silenced, and ASan gets this thread's stack back afterwards (sc/asan_stack.h), as run_workload does.
inline void simulate() {
    sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
    const sc::ScopedAsanThreadStack own_stack;
    sc_core::sc_start();
}

// `Memory` is a TLM-2.0 target module with a `socket`, `load_image(std::vector<uint8_t>, uint64_t now_cycle)`
// and `const std::vector<uint8_t>& image() const` (ScDramTarget has all three).
template <typename Memory>
class Testbench : public sc_core::sc_module {
public:
    SC_HAS_PROCESS(Testbench);

    // `mem_args` are passed to Memory's constructor after its name.
    template <typename... MemArgs>
    Testbench(sc_core::sc_module_name name, Config cfg, MemArgs&&... mem_args)
        : sc_core::sc_module(fresh(name)),
          m_cfg(std::move(cfg)),
          accel("accelerator", m_cfg),
          memory("memory", std::forward<MemArgs>(mem_args)...) {
        accel.mem_socket().bind(memory.socket);
        SC_THREAD(control);
    }

    // Before simulate(): run `layer` (compiled for the config, operands from `seed`).
    void run_layer(Layer l, uint64_t seed = 1) {
        layer = std::move(l);
        m_seed = seed;
    }
    // Before simulate(): run a hand-written program on `image`.
    void run_program(Program p, std::vector<uint8_t> image) {
        m_program = std::move(p);
        m_image = std::move(image);
    }

    const Config& config() const { return m_cfg; }
    const Program& program() const { return compiled ? compiled->program : m_program; }

    // Compares the outputs in the final DRAM image against the independent reference (layer runs only).
    model::CheckResult check() const {
        const std::vector<int32_t> ref = model::reference_outputs(*layer, tensors);
        return model::check_outputs(*layer, compiled->layout, ref, memory.image(), m_cfg.array.operand_bits);
    }
    // The output region of the final DRAM image (layer runs only).
    std::vector<uint8_t> output_bytes() const {
        const auto& img = memory.image();
        const auto first = img.begin() + static_cast<std::ptrdiff_t>(compiled->layout.output_addr);
        return {first, first + static_cast<std::ptrdiff_t>(compiled->layout.output_bytes)};
    }
    uint64_t cycles() const { return end_cycle - start_cycle; }

    // Before simulate(): after the first run (which keeps every instruction), run the same program again
    // on the same image from the idle machine, streamed as run_workload runs it: the window releases each
    // instruction once it and everything before it have retired. Its releases land in `released`.
    bool rerun_streamed = false;
    struct Released {
        uint64_t index, issue_cycle, retire_cycle;  // cycles relative to the rerun's start
    };
    std::vector<Released> released;
    uint64_t rerun_cycles = 0;       // end_cycle - start of the rerun, as cycles() for the first run
    uint64_t rerun_peak_held = 0;    // the most instructions the rerun's window held at once
    std::vector<uint8_t> rerun_output;  // the output region of the image after the rerun (layer runs)

private:
    static const sc_core::sc_module_name& fresh(const sc_core::sc_module_name& name) {
        require_fresh_process();
        return name;
    }

    const Config m_cfg;  // the accelerator keeps a reference: declared (so constructed) first

public:
    sc::ScAccelerator accel;
    Memory memory;

    // Filled by the control thread.
    std::optional<Layer> layer;
    std::optional<CompiledLayer> compiled;
    model::CanonicalTensors tensors;
    sc::LayerContext ctx;
    uint64_t start_cycle = 0;
    uint64_t end_cycle = 0;                // max(cycle all_retired was seen + 1, last retire cycle)
    std::vector<std::string> problems;     // accel.end_of_layer_problems() at end_cycle
    bool started = false;                  // the layer was handed to the accelerator
    bool finished = false;                 // all_retired fired and end_cycle was reached
    std::exception_ptr error;              // thrown by the control thread itself

private:
    void control() {
        try {
            run();
            finished = true;
        } catch (...) {
            error = std::current_exception();
            sc_core::sc_stop();
        }
    }

    void run() {
        start_cycle = sc::now_cycle();
        const Program* prog = &m_program;
        if (layer) {
            compiled = compile_layer(*layer, m_cfg);
            model::generate_tensors(*layer, m_cfg.array.operand_bits, m_seed, tensors);
            m_image = model::build_dram_image(*layer, compiled->layout, m_cfg.array.dataflow, tensors);
            prog = &compiled->program;
        }
        const std::vector<uint8_t> image = rerun_streamed ? m_image : std::vector<uint8_t>{};
        memory.load_image(std::move(m_image), start_cycle);
        // Every instruction is kept, so that tests can read each one's issue and retire cycles afterwards.
        m_source = std::make_unique<ProgramSource>(*prog);
        ctx.reset(m_source.get(), start_cycle, {}, true);
        accel.start_layer(&ctx);
        started = true;
        sc_core::wait(ctx.all_retired);
        end_cycle = std::max(sc::now_cycle() + 1, ctx.rec.last_retire);
        sc::wait_until_cycle(end_cycle);
        problems = accel.end_of_layer_problems();
        if (!rerun_streamed) return;

        const uint64_t t0 = sc::now_cycle();
        memory.load_image(image, t0);
        m_rerun_source = std::make_unique<ProgramSource>(*prog);
        m_rerun_ctx.reset(m_rerun_source.get(), t0,
                          [this, t0](uint64_t i, const Instruction&, uint64_t issue, uint64_t retire) {
                              released.push_back({i, issue - t0, retire - t0});
                          });
        accel.start_layer(&m_rerun_ctx);
        sc_core::wait(m_rerun_ctx.all_retired);
        const uint64_t end = std::max(sc::now_cycle() + 1, m_rerun_ctx.rec.last_retire);
        sc::wait_until_cycle(end);
        m_rerun_ctx.program.finish();
        rerun_cycles = end - t0;
        rerun_peak_held = m_rerun_ctx.program.peak_held();
        if (compiled) {
            const auto first = memory.image().begin() + static_cast<std::ptrdiff_t>(compiled->layout.output_addr);
            rerun_output.assign(first, first + static_cast<std::ptrdiff_t>(compiled->layout.output_bytes));
        }
    }

    uint64_t m_seed = 1;
    Program m_program;
    std::unique_ptr<InstructionSource> m_source;  // serves the program to ctx
    std::unique_ptr<InstructionSource> m_rerun_source;  // rerun_streamed: serves it again to m_rerun_ctx
    sc::LayerContext m_rerun_ctx;
    std::vector<uint8_t> m_image;
};

}  // namespace sasim::sctest
