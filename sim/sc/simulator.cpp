// SPDX-License-Identifier: MIT
#include "sc/simulator.h"

#include <chrono>
#include <cstdio>
#include <map>
#include <optional>
#include <exception>
#include <fstream>
#include <future>
#include <memory>
#include <system_error>

#include <fmt/format.h>

#include "common/errors.h"
#include "common/output_file.h"
#include "common/stop_request.h"
#include "compiler/compiler.h"
#include "compiler/mapping.h"
#include "compiler/mapping_cache.h"
#include "model/energy.h"
#include "model/program_bound.h"
#include "model/reference.h"
#include "model/tensors.h"
#include "model/value_flow.h"
#include "workload/fusion.h"
#include "sc/accelerator.h"
#include "sc/asan_stack.h"
#include "sc/clock.h"
#include "compiler/memory_estimate.h"
#include "sc/cycle_attribution.h"
#include "sc/dram_target.h"
#include "sc/error_sink.h"
#include "sc/fault_injection.h"
#include "sc/parallel_search.h"
#include "sc/reused_values.h"
#include "sc/waveform.h"

namespace sasim::sc {
namespace {

// The system the CLI simulates: the accelerator bound to the default DRAM target, plus a control thread.
class ScSystem : public sc_core::sc_module {
public:
    SC_HAS_PROCESS(ScSystem);
    // `presearched`: the choices of a parallel search (sc/parallel_search.h), by shape key; may be empty.
    ScSystem(sc_core::sc_module_name name, const Config& cfg, const Workload& wl, const RunOptions& opt,
             std::map<std::string, PresearchedChoice> presearched)
        : sc_core::sc_module(name),
          m_cfg(cfg),
          m_wl(wl),
          m_opt(opt),
          m_presearched(std::move(presearched)),
          m_accel("accelerator", cfg),
          m_dram("dram", model::DramTiming::params_from(cfg)),
          m_cache(opt.mapper == "search" ? opt.mapper_cache_dir : std::string(), config_hash(cfg)),
          m_event_energy(model::event_energy(cfg, builtin_tech_table(cfg.technology))) {
        m_accel.mem_socket().bind(m_dram.socket);
        if (!opt.vcd_path.empty()) {
            m_wave = std::make_unique<ScWaveform>("waveform", opt.vcd_path,
                                                  WaveformOptions{opt.vcd_as_trace_events
                                                                      ? WaveformOptions::Format::TraceEvents
                                                                      : WaveformOptions::Format::Vcd,
                                                                  opt.vcd_from_cycle, opt.vcd_to_cycle, opt.vcd_max_bytes});
            m_accel.attach_waveform(*m_wave);
        }
        if (opt.inject_fault == "late-result") m_accel.set_extra_result_cycles(1);
        m_accel.set_compute_values(opt.compute_values);
        SC_THREAD(control);
        if (opt.watchdog_cycles > 0) SC_THREAD(watchdog);
        SC_THREAD(ticker);
    }
    // A stopped simulation may leave a reference check running: stop it (m_reference then joins it).
    ~ScSystem() override { m_cancel_reference = true; }

    std::vector<model::LayerStats> results;
    std::exception_ptr error;
    bool finished = false;
    std::string state;  // what the control thread was doing, for deadlock messages

    // After sc_start() returned: writes the rest of the waveform and closes it (a successful run has closed
    // it already). The kernel writes a time step's values when it moves past that step, so a run that ran
    // out of events (a deadlock with the watchdog off) is advanced one more cycle first.
    // Writes the new search results to the cache; warns on stderr when that fails (it only costs time).
    void save_cache() {
        const std::string problem = m_cache.save();
        if (!problem.empty()) std::fprintf(stderr, "sasim: warning: mapper cache not saved: %s\n", problem.c_str());
    }
    void close_waveform() {
        if (!m_wave || !m_wave->is_open()) return;
        if (sc_core::sc_get_status() == sc_core::SC_PAUSED) sc_core::sc_start(cycles(1));
        m_wave->close();
    }

private:
    void control() {
        try {
            run_layers();
            if (m_wave) {
                // One more cycle, so the kernel writes the values of the last one; the file then ends
                // there rather than when the watchdog next wakes.
                sc_core::wait(cycles(1));
                m_wave->close();
            }
            finished = true;
        } catch (...) {
            error = std::current_exception();
            sc_core::sc_stop();
        }
        // On success the simulation ends by itself: every other process waits on an event that never comes.
    }

    // Every watchdog_cycles, checks that some unit made progress or that memory still has requests to answer.
    void watchdog() {
        guarded([&] {
            uint64_t last = UINT64_MAX;
            uint64_t last_serial = 0;
            while (!finished && !error) {
                sc_core::wait(cycles(m_opt.watchdog_cycles));
                if (finished || error || m_ctx == nullptr) continue;
                const uint64_t now = now_cycle();
                if (m_ctx_serial == last_serial && m_ctx->progress == last && m_accel.requests_in_flight(now) == 0) {
                    std::string msg = fmt::format("watchdog: no unit made progress for {} cycles ({}, cycle {} of the layer):",
                                                  m_opt.watchdog_cycles, describe_stall(), now - m_ctx->start_cycle);
                    for (const auto& l : m_accel.describe_units(*m_ctx, now)) msg += "\n  " + l;
                    error = std::make_exception_ptr(SimulationError(msg));
                    sc_core::sc_stop();
                    return;
                }
                last = m_ctx->progress;
                last_serial = m_ctx_serial;
            }
        });
    }

    // Every kTickCycles: a stop request (Ctrl-C, SIGTERM) stops inside a layer, keeping the layers done;
    // layer_progress runs when a second of wall time has passed since it last did. A tick without progress
    // and with nothing in flight ends the ticker, so that a deadlock with the watchdog off still runs the
    // kernel out of events (and is reported as one) instead of ticking forever.
    void ticker() {
        guarded([&] {
            auto last = std::chrono::steady_clock::now();
            uint64_t last_progress = UINT64_MAX;
            uint64_t last_serial = 0;
            while (!finished && !error) {
                sc_core::wait(cycles(kTickCycles));
                if (finished || error || m_ctx == nullptr) continue;
                if (m_ctx_serial == last_serial && m_ctx->progress == last_progress &&
                    m_accel.requests_in_flight(now_cycle()) == 0) {
                    return;
                }
                last_serial = m_ctx_serial;
                last_progress = m_ctx->progress;
                // Attribute what no unit can still change, so the records stay small however long the layer.
                advance_attribution(m_ctx->rec, m_dram.timing().take_busy(),
                                    std::min(now_cycle(), m_accel.attribution_horizon()));
                if (const int sig = stop_requested()) {
                    error = std::make_exception_ptr(RunInterrupted(sig, results_done()));
                    sc_core::sc_stop();
                    return;
                }
                const auto now = std::chrono::steady_clock::now();
                if (!m_opt.layer_progress || now - last < std::chrono::seconds(1)) continue;
                last = now;
                m_opt.layer_progress(m_layer_index, m_wl.layers.size(), m_wl.layers[m_layer_index], m_ctx->rec.retired,
                                     m_ctx->program.total_instructions(), now_cycle() - m_ctx->start_cycle);
            }
        });
    }

    void run_layers() {
        std::ostream* log = nullptr;  // the retire log, written as instructions leave the program window
        if (!m_opt.retire_log_path.empty()) {
            m_retire_log = std::make_unique<OutputFile>(m_opt.retire_log_path);
            log = &m_retire_log->stream();
            *log << "# layer index unit issue_cycle retire_cycle (cycles relative to the layer start)\n";
        }
        const uint32_t bits = m_cfg.array.operand_bits;
        const bool check = m_opt.check && m_opt.compute_values;
        uint64_t timeline_cycles = 0;  // sum of the cycles of the layers done
        if (m_opt.compute_values || m_opt.layer_trace) {
            m_values = std::make_unique<model::NetworkValues>(m_wl, bits, m_opt.seed, !m_opt.layer_barrier);
        }
        // Residual adds execute in the layer feeding them with or without values (a property of the graph).
        const std::vector<uint32_t> add_into = fused_add_into(m_wl);
        for (size_t li = 0; li < m_wl.layers.size(); ++li) {
            m_layer_index = li;
            if (const int sig = stop_requested()) throw RunInterrupted(sig, results_done());
            const Layer& wl_layer = m_wl.layers[li];
            if (m_opt.search_only && wl_layer.kind != LayerKind::Other && m_opt.search_claim &&
                !m_opt.search_claim(li, wl_layer)) {
                continue;
            }
            if (m_opt.progress) m_opt.progress(li, m_wl.layers.size(), nullptr, wl_layer);
            model::LayerStats st;
            st.name = wl_layer.name;
            st.kind = wl_layer.kind;
            // Layers run back to back: a layer starts where the previous one ended, whatever the cycles an
            // in-process search spent simulating candidates in between.
            st.start_cycle = timeline_cycles;
            if (m_values) {
                note_values(li, st);
            } else if (add_into[li] != kNetworkInput) {
                st.fused_into = m_wl.layers[add_into[li]].name;
                st.fused_as = "accumulator";
            }
            if (wl_layer.kind == LayerKind::Other) {
                st.op = wl_layer.op;
                st.other_elements = wl_layer.elements;
                results.push_back(st);
                if (m_opt.progress) m_opt.progress(li, m_wl.layers.size(), &results.back(), wl_layer);
                continue;
            }
            state = "layer " + wl_layer.name;
            const std::string reuse_key = reuse_key_of(wl_layer);
            if (const auto it = m_reusable.find(reuse_key); !reuse_key.empty() && it != m_reusable.end()) {
                model::LayerStats again = it->second;
                again.check = {};  // a layer's own values, replayed below
                again.reused_from = it->second.name;
                again.name = wl_layer.name;
                if (m_values) note_values(li, again);
                again.start_cycle = timeline_cycles;
                if (again.mapping.strategy == "search") {  // as the search's memo would have answered
                    again.mapping.memo_hit = true;
                    again.mapping.search_seconds = 0;
                }
                timeline_cycles += again.cycles;
                results.push_back(std::move(again));
                // Without a check the values are not observable, unless later layers read them.
                const bool output_needed = m_values && m_values->output_needed(li);
                if (m_opt.compute_values && (m_opt.check || output_needed)) {
                    // Replayed in layer order on the worker, or in place: a layer whose input is a promised output
                    // waits for it there; the simulation goes on with the next layers.
                    const model::MappingChoice mc = results.back().mapping;
                    reused_values().start(m_values->layer_later(li),
                                          [this, mc](const Layer& l) { return program_of(l, mc); },
                                          m_values->make_operands(li), m_opt.check, results.size() - 1, results,
                                          output_needed ? m_values->promise_output(li) : nullptr);
                }
                if (m_values) m_values->layer_done(li);
                if (m_opt.progress) m_opt.progress(li, m_wl.layers.size(), &results.back(), wl_layer);
                continue;
            }
            // The layer as this run compiles it: a network's values calibrate its STORE shift (waiting for a
            // producer's output that a replay still computes).
            const auto poll = [this] {
                if (const int sig = stop_requested()) throw RunInterrupted(sig, results_done());
            };
            const Layer& layer = m_values && !m_opt.search_only ? m_values->layer(li, poll) : wl_layer;
            std::unique_ptr<InstructionSource> src = choose_program(layer, st.mapping);
            if (m_opt.search_only) {
                st.simulated = true;
                st.cycles = m_chosen_cycles;
                results.push_back(std::move(st));
                if (m_opt.progress) m_opt.progress(li, m_wl.layers.size(), &results.back(), layer);
                continue;
            }
            if (m_opt.inject_fault == "drop-token" && !m_fault_done) {
                src = std::make_unique<DropFirstLoadToken>(std::move(src));
                m_fault_done = true;
            }
            const LayerLayout& layout = src->layout();
            // Without values (--timing-only) no operand, image or reference exists: memory then grows with
            // neither the tensors nor the program (docs/reliability.md, "Resource guards").
            const bool dataless = !m_opt.compute_values && !m_opt.layer_trace;
            auto tensors = std::make_shared<model::CanonicalTensors>();
            if (!dataless) m_values->make_operands(li)(*tensors);
            // The reference check needs only the tensors: it runs on a second thread while the layer simulates.
            // The job owns what it reads and ScSystem owns the job: if the simulation is stopped (sc_stop
            // abandons this thread's stack), destroying ScSystem still waits for it.
            if (check) {
                auto compute = [layer, tensors, shift = layout.shift, this] {
                    std::vector<int32_t> ref = model::reference_outputs(layer, *tensors, &m_cancel_reference);
                    model::add_shortcut(ref, tensors->shortcut, shift);
                    return ref;
                };
                try {
                    m_reference = std::async(std::launch::async, compute);
                } catch (const std::system_error&) {
                    m_reference = std::async(std::launch::deferred, compute);  // no thread to be had: run it at get()
                }
            }
            LayerTrace trace;
            const uint64_t t0 = now_cycle();
            if (dataless) {
                m_dram.load_dataless(layout.image_bytes, t0);
            } else {
                std::vector<uint8_t> image = model::build_dram_image(layer, layout, m_cfg.array.dataflow, *tensors);
                if (m_opt.layer_trace) trace.initial_image = image;  // load_image takes the image over
                m_dram.load_image(std::move(image), t0);
            }
            if (m_wave) m_wave->set_layer(static_cast<int>(li));
            LayerContext ctx;
            model::ProgramWindow::ReleaseFn to_log;
            ScWaveform* slices = m_opt.vcd_as_trace_events ? m_wave.get() : nullptr;  // --trace draws instructions
            if (log != nullptr || slices != nullptr) {
                to_log = [log, slices, li, t0](uint64_t i, const Instruction& in, uint64_t issue, uint64_t retire) {
                    if (log != nullptr) {
                        *log << li << ' ' << i << ' ' << to_string(unit_of(in.op)) << ' ' << issue - t0 << ' '
                             << retire - t0 << '\n';
                    }
                    if (slices != nullptr) slices->instruction(unit_of(in.op), li, i, in, issue, retire);
                };
            }
            // A layer trace needs the whole program afterwards; otherwise retired instructions are dropped.
            const uint64_t end = simulate_program(*src, ctx, layer.name, std::move(to_log),
                                                  static_cast<bool>(m_opt.layer_trace));
            if (st.mapping.strategy == "search" && end - t0 != m_chosen_cycles) {
                if (!st.mapping.cache_hit) {
                    throw SimulationError(fmt::format("layer {}: the chosen program took {} cycles, its search run {}",
                                                      layer.name, end - t0, m_chosen_cycles));
                }
                // A cached choice from a run whose model timed it differently: the cycles reported are this
                // run's own; the entry is refreshed (the choice itself may no longer be the best).
                std::fprintf(stderr, "sasim: warning: %s: stale mapper cache entry (%llu cycles cached, %llu now); "
                             "delete %s to search again\n", layer.name.c_str(),
                             static_cast<unsigned long long>(m_chosen_cycles),
                             static_cast<unsigned long long>(end - t0), m_cache.path().c_str());
            }
            st.simulated = true;
            st.gemm = layout.layer_view;
            st.macs = st.gemm.macs();  // useful MACs: packed groups also multiply the zeros between groups
            if (ctx.rec.macs != layout.view.macs()) {
                throw SimulationError(fmt::format("layer {}: EXECUTEs performed {} MACs, the program has {}",
                                                  layer.name, ctx.rec.macs, layout.view.macs()));
            }
            if (ctx.rec.traffic.dram_write_bytes != layout.output_bytes) {
                throw SimulationError(fmt::format("layer {}: STOREs wrote {} bytes, the output tensor has {}", layer.name,
                                                  ctx.rec.traffic.dram_write_bytes, layout.output_bytes));
            }
            st.cycles = end - t0;
            advance_attribution(ctx.rec, m_dram.timing().take_busy(), end);
            st.breakdown = ctx.rec.attributor.result();
            st.compute_cycles = st.breakdown.compute;
            st.array_slots_used = ctx.rec.array_slots;
            st.unit_spans = ctx.rec.unit_spans;
            st.traffic = ctx.rec.traffic;
            st.compulsory_bytes = compulsory_bytes(layout);
            st.energy = model::layer_energy(st, m_event_energy);
            st.instructions.loads = ctx.program.per_unit()[static_cast<int>(Unit::Load)];
            st.instructions.executes = ctx.program.per_unit()[static_cast<int>(Unit::Execute)];
            st.instructions.stores = ctx.program.per_unit()[static_cast<int>(Unit::Store)];
            if (check) {
                const std::vector<int32_t> ref = m_reference.get();
                st.check = model::check_outputs(layer, layout, ref, m_dram.image(), bits);
            }
            if (!dataless && m_values->output_needed(li)) {
                m_values->keep_output(li, model::read_outputs(layout, m_dram.image(), bits));
            }
            if (m_values) m_values->layer_done(li);
            if (m_opt.layer_trace) {
                const Program whole = ctx.program.kept_program();
                trace.layer_index = li;
                trace.name = layer.name;
                trace.program = &whole;
                trace.layout = &layout;
                trace.final_image = &m_dram.image();
                trace.cycles = st.cycles;
                trace.compute_cycles = st.breakdown.compute;
                trace.dma_bank_conflict_cycles = st.traffic.dma_bank_conflict_cycles;
                trace.dispatch_blocked_cycles = st.traffic.dispatch_blocked_cycles;
                for (uint64_t c : ctx.program.kept_issue()) trace.issue.push_back(c - t0);
                for (uint64_t c : ctx.program.kept_retire()) trace.retire.push_back(c - t0);
                m_opt.layer_trace(trace);
            }
            m_ctx = nullptr;
            timeline_cycles += st.cycles;
            if (!reuse_key.empty()) m_reusable.emplace(reuse_key, st);
            results.push_back(std::move(st));
            if (m_opt.progress) m_opt.progress(li, m_wl.layers.size(), &results.back(), layer);
        }
        if (m_reused) {
            m_reused->finish(results, [this] {
                if (const int sig = stop_requested()) throw RunInterrupted(sig, results_done());
            });
        }
        if (m_retire_log) m_retire_log->commit();
    }

    // Where layer `li`'s values come from, into its statistics (model/value_flow.h).
    void note_values(size_t li, model::LayerStats& st) const {
        const model::ValueFlowPlan& plan = m_values->plan();
        st.input_from.clear();  // a reused layer's statistics come with the earlier layer's
        st.input_generated_why.clear();
        st.second_operand_note.clear();
        st.shortcut_from.clear();
        st.shortcut_generated_why.clear();
        st.fused_into.clear();
        st.fused_as.clear();
        if (plan.fused_into[li] != kNetworkInput) {
            st.fused_into = m_wl.layers[plan.fused_into[li]].name;
            st.fused_as = plan.fused_as[li];
        }
        if (m_wl.layers[li].kind == LayerKind::Other) return;
        const model::InputSource& in = plan.input[li];
        if (in.producer != kNetworkInput) {
            st.input_from = m_wl.layers[in.producer].name;
        } else {
            st.input_generated_why = in.generated_why;
        }
        st.second_operand_note = in.second_operand_note;
        if (m_wl.layers[li].residual_add) {
            const model::InputSource& sc = plan.shortcut[li];
            if (sc.producer != kNetworkInput) {
                st.shortcut_from = m_wl.layers[sc.producer].name;
            } else {
                st.shortcut_generated_why = sc.generated_why;
            }
        }
    }

    // The program a mapping choice names: the heuristic compiler's, or the chosen mapping's.
    std::unique_ptr<InstructionSource> program_of(const Layer& layer, const model::MappingChoice& choice) const {
        return choice.heuristic ? stream_layer(layer, m_cfg) : stream_mapped(layer, m_cfg, choice.mapping);
    }

    // The layers finished so far: `results` up to the first reused layer whose values are still being
    // replayed (a stopped run reports only layers it checked, as without reuse).
    std::vector<model::LayerStats> results_done() {
        const size_t pending = m_reused ? m_reused->collect(results) : SIZE_MAX;
        return {results.begin(), results.begin() + static_cast<std::ptrdiff_t>(std::min(pending, results.size()))};
    }

    // Created at the first reused layer with values: replays overlap the simulation when two layers' memory
    // estimates fit --max-memory.
    ReusedValues& reused_values() {
        if (!m_reused) {
            bool background = true;
            if (m_opt.max_memory_bytes != UINT64_MAX) {
                const MemoryNeeds needs{true, m_opt.check, false};
                uint64_t largest = 0;
                for (const Layer& l : m_wl.layers) {
                    if (l.kind != LayerKind::Other) largest = std::max(largest, estimate_layer_memory(l, m_cfg, needs).total_bytes);
                }
                background = largest <= m_opt.max_memory_bytes / 2;
            }
            m_reused = std::make_unique<ReusedValues>(m_cfg, background, m_cancel_reference);
        }
        return *m_reused;
    }

    // The key under which a layer's statistics may serve a later layer (RunOptions::reuse_layers), or ""
    // when this run simulates every layer: the shape, and with replayed mappings the layer's name.
    std::string reuse_key_of(const Layer& layer) const {
        if (!m_opt.reuse_layers || m_opt.layer_trace || !m_opt.retire_log_path.empty() ||
            m_wave || !m_opt.inject_fault.empty()) {
            return "";
        }
        return mapper_shape_key(layer) + (m_opt.replay != nullptr ? " " + layer.name : std::string());
    }

    // Runs `src` from an idle machine at the current cycle on what the DRAM was just loaded with; returns
    // the layer's end cycle. on_release and keep_all: model::ProgramWindow::reset (the retire log, layer
    // traces).
    uint64_t simulate_program(InstructionSource& src, LayerContext& ctx, const std::string& name,
                              model::ProgramWindow::ReleaseFn on_release = {}, bool keep_all = false) {
        const uint64_t t0 = now_cycle();
        ctx.reset(&src, t0, std::move(on_release), keep_all);
        m_ctx = &ctx;
        ++m_ctx_serial;
        m_accel.start_layer(&ctx);
        sc_core::wait(ctx.all_retired);
        const uint64_t end = std::max(now_cycle() + 1, ctx.rec.last_retire);
        wait_until_cycle(end);
        const auto problems = m_accel.end_of_layer_problems();
        if (!problems.empty()) throw SimulationError(fmt::format("layer {}: {}", name, problems.front()));
        ctx.program.finish();
        return end;
    }

    // Cycles of `src` without values (a search run), on a memory of the layer's size that holds no data.
    uint64_t time_program(InstructionSource& src, const std::string& name) {
        m_accel.set_compute_values(false);
        LayerContext ctx;
        const uint64_t t0 = now_cycle();
        m_dram.load_dataless(src.layout().image_bytes, t0);
        const uint64_t end = simulate_program(src, ctx, name);
        (void)m_dram.timing().take_busy();
        m_ctx = nullptr;
        m_accel.set_compute_values(m_opt.compute_values);
        return end - t0;
    }

    // The program a layer runs, per RunOptions::mapper / replay (docs/mapper.md); fills `choice`.
    std::unique_ptr<InstructionSource> choose_program(const Layer& layer, model::MappingChoice& choice) {
        if (m_opt.replay != nullptr) {
            choice.strategy = "replay";
            const auto it = m_opt.replay->find(layer.name);
            if (it == m_opt.replay->end()) return stream_layer(layer, m_cfg);
            choice.heuristic = false;
            choice.mapping = it->second;
            choice.bound_cycles = model::program_bound(*stream_mapped(layer, m_cfg, it->second), m_cfg).cycles();
            return stream_mapped(layer, m_cfg, it->second);
        }
        if (m_opt.mapper != "search") return stream_layer(layer, m_cfg);
        choice.strategy = "search";
        const std::string key = mapper_shape_key(layer);
        if (const auto it = m_memo.find(key); it != m_memo.end()) {
            const MemoEntry& e = it->second;
            choice = e.choice;
            choice.memo_hit = true;
            choice.search_seconds = 0;
            m_chosen_cycles = e.cycles;
            return program_of(layer, e.choice);
        }
        if (const auto it = m_presearched.find(key); it != m_presearched.end()) {
            // Chosen by a worker of this run: its cycles must be reproduced exactly (checked in run_layers).
            adopt(it->second.choice, choice);
            choice.search_seconds = it->second.search_seconds;
            m_memo[key] = MemoEntry{choice, it->second.choice.cycles};
            m_cache.put(key, it->second.choice);
            return program_of(layer, choice);
        }
        if (const std::optional<CachedChoice> c = m_cache.find(key)) {
            adopt(*c, choice);
            choice.cache_hit = true;
            m_memo[key] = MemoEntry{choice, c->cycles};
            try {
                return program_of(layer, choice);
            } catch (const InputError&) {
                // Only a changed compiler makes a cached mapping not fit: search again.
                choice = model::MappingChoice{};
                choice.strategy = "search";
                m_memo.erase(key);
            }
        }
        const auto started = std::chrono::steady_clock::now();
        struct Cand {
            std::optional<Mapping> map;  // none: the heuristic program
            uint64_t bound = 0;
        };
        std::vector<Cand> cands;
        cands.push_back({std::nullopt, model::program_bound(*stream_layer(layer, m_cfg), m_cfg).cycles()});
        for (const Mapping& m : candidate_mappings(layer, m_cfg)) {
            cands.push_back({m, model::program_bound(*stream_mapped(layer, m_cfg, m), m_cfg).cycles()});
        }
        std::stable_sort(cands.begin(), cands.end(), [](const Cand& a, const Cand& b) { return a.bound < b.bound; });
        uint64_t best = UINT64_MAX;
        size_t best_i = 0;
        choice.candidates = cands.size();
        for (size_t i = 0; i < cands.size(); ++i) {
            if (!m_opt.exhaustive_search && cands[i].bound >= best) break;  // no later candidate can be faster
            if (const int sig = stop_requested()) throw RunInterrupted(sig, results_done());
            const std::unique_ptr<InstructionSource> c =
                cands[i].map ? stream_mapped(layer, m_cfg, *cands[i].map) : stream_layer(layer, m_cfg);
            const uint64_t cyc = time_program(*c, layer.name);
            if (cyc < cands[i].bound) {
                throw SimulationError(fmt::format("layer {}: a program took {} cycles, below its bound {}", layer.name,
                                                  cyc, cands[i].bound));
            }
            ++choice.simulated;
            if (!cands[i].map) choice.heuristic_cycles = cyc;
            if (cyc < best) {
                best = cyc;
                best_i = i;
            }
        }
        choice.heuristic = !cands[best_i].map;
        if (cands[best_i].map) choice.mapping = *cands[best_i].map;
        choice.bound_cycles = cands[best_i].bound;
        choice.search_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        m_chosen_cycles = best;
        m_memo[key] = MemoEntry{choice, best};
        CachedChoice cached;
        if (!choice.heuristic) cached.mapping = choice.mapping;
        cached.cycles = best;
        cached.bound_cycles = choice.bound_cycles;
        cached.candidates = choice.candidates;
        cached.simulated = choice.simulated;
        cached.heuristic_cycles = choice.heuristic_cycles;
        m_cache.put(key, cached);
        return program_of(layer, choice);
    }

    // Takes a choice made elsewhere (a worker, an earlier run) as this layer's.
    void adopt(const CachedChoice& c, model::MappingChoice& choice) {
        choice.heuristic = !c.mapping;
        if (c.mapping) choice.mapping = *c.mapping;
        choice.bound_cycles = c.bound_cycles;
        choice.candidates = c.candidates;
        choice.simulated = c.simulated;
        choice.heuristic_cycles = c.heuristic_cycles;
        m_chosen_cycles = c.cycles;
    }

    struct MemoEntry {
        model::MappingChoice choice;
        uint64_t cycles = 0;
    };
    std::map<std::string, MemoEntry> m_memo;  // search results of this run, by shape_key
    std::map<std::string, model::LayerStats> m_reusable;  // simulated layers, by reuse_key_of
    uint64_t m_chosen_cycles = 0;             // search: cycles of the chosen program's search run

public:
    // Where a stalled layer stands, for the deadlock message.
    std::string describe_stall() {
        if (m_ctx == nullptr) return state;
        return fmt::format("{}: {} of {} instructions retired", state, m_ctx->rec.retired,
                           m_ctx->program.total_instructions());
    }
    // describe_stall() plus every unit's state, one line each.
    std::string describe_units() {
        std::string msg = describe_stall();
        if (m_ctx == nullptr) return msg;
        for (const auto& l : m_accel.describe_units(*m_ctx, now_cycle())) msg += "\n  " + l;
        return msg;
    }

private:
    const Config& m_cfg;
    const Workload& m_wl;
    const RunOptions& m_opt;
    std::map<std::string, PresearchedChoice> m_presearched;  // parallel search: the workers' choices by key
    ScAccelerator m_accel;
    ScDramTarget m_dram;
    MappingCache m_cache;  // search results of earlier runs (RunOptions::mapper_cache_dir)
    const model::EventEnergy m_event_energy;  // energy per counted event (config's technology table)
    std::unique_ptr<ScWaveform> m_wave;  // RunOptions::vcd_path; null when not tracing
    // RunOptions::retire_log_path, committed after the last layer. A member, not a local of run_layers:
    // sc_stop() abandons that thread's stack, and destroying ScSystem must still remove the temporary file.
    std::unique_ptr<OutputFile> m_retire_log;
    LayerContext* m_ctx = nullptr;
    // Bumped per simulated program: the watchdog and the ticker tell a new layer from the last one even when
    // its LayerContext has the same address and the same progress count.
    uint64_t m_ctx_serial = 0;
    size_t m_layer_index = 0;  // the layer run_layers is on (ticker's progress)
    bool m_fault_done = false;  // inject_fault applied
    // The current layer's reference check, computing on its own thread. ~ScSystem cancels it, and the future
    // (declared last: destroyed first) waits for the thread to stop.
    std::atomic<bool> m_cancel_reference{false};
    // The run's values from layer to layer (RunOptions::layer_barrier); null without values. Declared before
    // m_reused: queued replays refer to its layers, so it must outlive them.
    std::unique_ptr<model::NetworkValues> m_values;
    std::unique_ptr<ReusedValues> m_reused;  // reused_values(); destroyed before m_cancel_reference
    std::future<std::vector<int32_t>> m_reference;
};

}  // namespace

std::vector<model::LayerStats> run_workload(const Config& cfg, const Workload& wl, const RunOptions& opt) {
    if (!opt.inject_fault.empty() && opt.inject_fault != "drop-token" && opt.inject_fault != "late-result" &&
        opt.inject_fault != "kill-search-worker") {
        throw InputError("--inject-fault: unknown fault \"" + opt.inject_fault +
                         "\" (valid: drop-token, late-result, kill-search-worker)");
    }
    if (const auto bad_edges = validate_inputs(wl); !bad_edges.empty()) throw InputError(bad_edges);
    const auto problems = check_mappable(cfg, wl);
    if (!problems.empty()) throw InputError(problems);
    MemoryNeeds needs;
    needs.values = opt.compute_values || static_cast<bool>(opt.layer_trace);
    needs.check = opt.check && opt.compute_values;
    needs.whole_program = static_cast<bool>(opt.layer_trace);
    const auto too_big = check_memory(cfg, wl, needs, opt.max_memory_bytes);
    if (!too_big.empty()) throw InputError(too_big);
    if (!opt.vcd_path.empty()) check_waveform_path(opt.vcd_path);
    static bool elaborated = false;
    if (elaborated) throw SimulationError("run_workload: SystemC elaborates once per process; run one workload per process");
    // Searching in workers happens before this process elaborates (the workers are forked from it).
    std::map<std::string, PresearchedChoice> presearched;
    if (opt.mapper == "search" && opt.replay == nullptr && !opt.search_only &&
        (opt.search_jobs > 1 || !opt.vcd_path.empty())) {
        presearched = presearch(cfg, wl, opt, std::max(1u, opt.search_jobs));
    }
    elaborated = true;
    // sc_stop() (used on errors) reports an SC_INFO; keep stdout clean for --format json/csv.
    sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
    auto sys = std::make_unique<ScSystem>("system", cfg, wl, opt, std::move(presearched));
    {
        // SystemC does not tell ASan when a returning SC_THREAD leaves its stack (sc/asan_stack.h): give
        // this thread its own stack back, or LeakSanitizer scans an unmapped coroutine stack at exit.
        const ScopedAsanThreadStack own_stack;
        sc_core::sc_start();
        sys->close_waveform();
    }
    sys->save_cache();  // also after an error or a stop: the searches that finished stay valid
    if (first_process_error()) std::rethrow_exception(first_process_error());
    if (sys->error) std::rethrow_exception(sys->error);
    if (!sys->finished) {
        throw SimulationError("deadlock: no unit can make progress (" + sys->describe_units() + ")");
    }
    return std::move(sys->results);
}

}  // namespace sasim::sc
