// SPDX-License-Identifier: MIT
// The values of layers whose timing a run reuses (RunOptions::reuse_layers with values checked): such a
// layer takes an earlier layer's statistics, and its own values come from its program replayed without
// time (model::replay_layer_values), checked against the reference like a simulated layer's. Replays
// wait in a queue for one worker thread while the kernel simulates the next layers; at the end of the
// run the simulation's thread takes queued replays too. A queued replay holds how to compile its program
// and, in a network run, a promise of its producer's output (at most kMaxQueued of them; past that the
// simulation's thread replays in place): its operands exist while it runs, so at most two layers' operands
// exist at once (the simulated layer's and the worker's), besides the outputs later layers will read.
// When two layers' memory would not fit the run's --max-memory, every replay runs in place instead.
#pragma once
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "compiler/instruction_source.h"
#include "config/config.h"
#include "model/functional.h"
#include "model/stats.h"
#include "model/value_flow.h"
#include "workload/workload.h"

namespace sasim::sc {

class ReusedValues {
public:
    static constexpr size_t kMaxQueued = 64;

    // `in_background`: whether replays may overlap the simulation. `cancel` stops their reference checks
    // early (for a run being abandoned).
    ReusedValues(const Config& cfg, bool in_background, const std::atomic<bool>& cancel)
        : m_cfg(cfg), m_background(in_background), m_cancel(cancel) {}
    // Drops the queued replays and waits for the running one.
    ~ReusedValues();

    // Computes and checks the values of a layer: `layer` gives the layer (it may wait for a network
    // producer's output), `compile` its program, `operands` its operands (made on the thread that replays);
    // the CheckResult goes to results[result_index], now or later (collect(), finish()). With `output`, a
    // later layer reads this layer's stored output: the replay fulfils it (read_outputs), or fails it with
    // the replay's error. Replays run in start order on one worker (or in place), so a replay that waits for
    // an earlier replay's output waits for a replay already running or done.
    using Compile = std::function<std::unique_ptr<InstructionSource>(const Layer&)>;
    void start(std::function<Layer()> layer, Compile compile, std::function<void(model::CanonicalTensors&)> operands,
               bool check, size_t result_index, std::vector<model::LayerStats>& results,
               std::shared_ptr<std::promise<model::KeptOutput>> output = nullptr);

    // Writes the checks of the replays done so far into `results`; returns the smallest result index whose
    // replay is not done (SIZE_MAX when none): the results before it are complete. Rethrows a replay's error.
    size_t collect(std::vector<model::LayerStats>& results);
    // Runs or waits for every replay started, writing each check into `results`; rethrows the error of the
    // earliest layer that failed. `poll` is called between replays and while waiting (it may throw, for a
    // stop request: the queued replays are then dropped by the destructor).
    void finish(std::vector<model::LayerStats>& results, const std::function<void()>& poll);

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
    // Runs `t` on `machine` (created for the first task); every error, an allocation failure included, is
    // caught into the result.
    Done run(Task& t, std::unique_ptr<model::FunctionalMachine>& machine);
    void worker_loop();
    void store(std::vector<Done>& done, std::vector<model::LayerStats>& results);

    const Config& m_cfg;
    bool m_background;
    const std::atomic<bool>& m_cancel;
    // The worker's and the simulation thread's machines, each kept from layer to layer.
    std::unique_ptr<model::FunctionalMachine> m_worker_machine, m_inline_machine;

    std::mutex m_mutex;  // guards the members below
    std::condition_variable m_wake;  // the worker: a task arrived or stop; finish(): the worker went idle
    std::deque<Task> m_queue;
    std::vector<Done> m_done;
    size_t m_running = SIZE_MAX;  // result index of the worker's task, SIZE_MAX when idle
    std::exception_ptr m_worker_error;  // the worker could not record a result (out of memory)
    bool m_stop = false;
    std::thread m_worker;  // started with the first background replay
};

}  // namespace sasim::sc
