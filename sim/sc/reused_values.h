// SPDX-License-Identifier: MIT
// The values of layers whose timing a run reuses (RunOptions::reuse_layers with values computed): such a
// layer takes an earlier layer's statistics, and its own values come from its program replayed without
// time (model::replay_layer_values), checked against the reference like a simulated layer's. Replays
// wait in a queue for one worker thread while the kernel simulates the next layers; at the end of the
// run the simulation's thread takes queued replays too. A queued replay holds only its program source:
// its operands exist while it runs, so at most two layers' values exist at once (the simulated layer's
// and the worker's). When two layers' memory would not fit the run's --max-memory, every replay runs in
// place instead, when its layer comes.
#pragma once
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
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
    // Drops the queued replays and waits for the running one.
    ~ReusedValues();

    // Computes (and checks) the values of `layer`, whose operands come from `seed`, with its program `src`;
    // the CheckResult goes to results[result_index], now or by finish(). `layer` must outlive the replay.
    void start(const Layer& layer, std::unique_ptr<InstructionSource> src, uint64_t seed, size_t result_index,
               std::vector<model::LayerStats>& results);
    // Runs or waits for every replay started, writing each check into `results`; rethrows the error of the
    // earliest layer that failed.
    void finish(std::vector<model::LayerStats>& results);

private:
    struct Task {
        size_t result_index = 0;
        std::function<model::CheckResult(model::FunctionalMachine&)> replay;
    };
    struct Done {
        size_t result_index = 0;
        model::CheckResult check;
        std::exception_ptr error;
    };
    static Done run(Task& t, model::FunctionalMachine& machine);
    void worker_loop();
    model::FunctionalMachine& machine(std::unique_ptr<model::FunctionalMachine>& m);

    const Config& m_cfg;
    bool m_check;
    bool m_background;
    const std::atomic<bool>& m_cancel;
    // The worker's and the simulation thread's machines, each kept from layer to layer.
    std::unique_ptr<model::FunctionalMachine> m_worker_machine, m_inline_machine;

    std::mutex m_mutex;  // guards the members below
    std::condition_variable m_wake;  // the worker: a task arrived or stop; finish(): the worker went idle
    std::deque<Task> m_queue;
    std::vector<Done> m_done;
    bool m_worker_busy = false;
    bool m_stop = false;
    std::thread m_worker;  // started with the first background replay
};

}  // namespace sasim::sc
