// SPDX-License-Identifier: MIT
// The values of layers whose timing a run reuses (RunOptions::reuse_layers with values computed): such a
// layer takes an earlier layer's statistics, and its own values come from its program replayed without
// time (model::replay_layer_values), checked against the reference like a simulated layer's. A replay
// runs on its own thread while the kernel simulates the next layers; while one is running, the next
// reused layer replays in place (on the simulation's thread, which has nothing else to do then). Never
// more than two layers' values at once; only in place when two layers' memory would not fit the run's
// --max-memory.
#pragma once
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <future>
#include <memory>
#include <vector>

#include "compiler/instruction_source.h"
#include "config/config.h"
#include "model/functional.h"
#include "model/stats.h"
#include "workload/workload.h"

namespace sasim::sc {

class ReusedValues {
public:
    // `in_background`: whether replays may overlap the simulation. `cancel` stops their reference checks
    // early (for a run being abandoned).
    ReusedValues(const Config& cfg, bool check, bool in_background, const std::atomic<bool>& cancel)
        : m_cfg(cfg), m_check(check), m_background(in_background), m_cancel(cancel) {}
    // Waits for the replays still running (their results are dropped).
    ~ReusedValues();

    // Computes (and checks) the values of `layer`, whose operands come from `seed`, with its program `src`;
    // the CheckResult goes to results[result_index], now or by finish(). `layer` must outlive the replay.
    void start(const Layer& layer, std::unique_ptr<InstructionSource> src, uint64_t seed, size_t result_index,
               std::vector<model::LayerStats>& results);
    // Waits for every replay started, writing each check into `results`; rethrows the first error.
    void finish(std::vector<model::LayerStats>& results);

private:
    struct Job {
        size_t result_index = 0;
        std::future<model::CheckResult> check;
    };
    void finish_oldest(std::vector<model::LayerStats>& results);
    model::FunctionalMachine& machine(std::unique_ptr<model::FunctionalMachine>& m);

    const Config& m_cfg;
    bool m_check;
    bool m_background;
    const std::atomic<bool>& m_cancel;
    std::deque<Job> m_jobs;  // started, not yet finished: at most one
    // The background replay's machine and the in-place one, each kept from layer to layer (created when
    // first needed).
    std::unique_ptr<model::FunctionalMachine> m_background_machine, m_inline_machine;
};

}  // namespace sasim::sc
