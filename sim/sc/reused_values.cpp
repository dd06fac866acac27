// SPDX-License-Identifier: MIT
#include "sc/reused_values.h"

#include <algorithm>
#include <system_error>

namespace sasim::sc {

ReusedValues::~ReusedValues() {
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_stop = true;
        m_queue.clear();
    }
    m_wake.notify_all();
    if (m_worker.joinable()) m_worker.join();
}

model::FunctionalMachine& ReusedValues::machine(std::unique_ptr<model::FunctionalMachine>& m) {
    if (!m) m = std::make_unique<model::FunctionalMachine>(m_cfg);
    return *m;
}

ReusedValues::Done ReusedValues::run(Task& t, model::FunctionalMachine& machine) {
    Done d;
    d.result_index = t.result_index;
    try {
        d.check = t.replay(machine);
    } catch (...) {
        d.error = std::current_exception();
    }
    return d;
}

void ReusedValues::start(const Layer& layer, std::unique_ptr<InstructionSource> src, uint64_t seed,
                         size_t result_index, std::vector<model::LayerStats>& results) {
    std::shared_ptr<InstructionSource> program(std::move(src));
    const Config& cfg = m_cfg;
    const bool check = m_check;
    const std::atomic<bool>* cancel = &m_cancel;
    Task task{result_index, [&layer, &cfg, program, seed, check, cancel](model::FunctionalMachine& fm) {
                  return model::replay_layer_values(layer, cfg, fm, *program, seed, check, cancel);
              }};
    if (m_background && !m_worker.joinable()) {
        try {
            m_worker = std::thread([this] { worker_loop(); });
        } catch (const std::system_error&) {
            m_background = false;  // no thread to be had: replay in place
        }
    }
    if (!m_background) {
        results[result_index].check = task.replay(machine(m_inline_machine));
        return;
    }
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_queue.push_back(std::move(task));
    }
    m_wake.notify_all();
}

void ReusedValues::worker_loop() {
    model::FunctionalMachine& fm = machine(m_worker_machine);
    std::unique_lock<std::mutex> lock(m_mutex);
    for (;;) {
        m_wake.wait(lock, [this] { return m_stop || !m_queue.empty(); });
        if (m_stop) return;
        Task t = std::move(m_queue.front());
        m_queue.pop_front();
        m_worker_busy = true;
        lock.unlock();
        Done d = run(t, fm);
        lock.lock();
        m_done.push_back(std::move(d));
        m_worker_busy = false;
        m_wake.notify_all();
    }
}

void ReusedValues::finish(std::vector<model::LayerStats>& results) {
    // Take queued replays here while the worker runs its own.
    std::unique_lock<std::mutex> lock(m_mutex);
    while (!m_queue.empty()) {
        Task t = std::move(m_queue.front());
        m_queue.pop_front();
        lock.unlock();
        Done d = run(t, machine(m_inline_machine));
        lock.lock();
        m_done.push_back(std::move(d));
    }
    m_wake.wait(lock, [this] { return !m_worker_busy && m_queue.empty(); });
    std::vector<Done> done = std::move(m_done);
    m_done.clear();
    lock.unlock();
    std::sort(done.begin(), done.end(), [](const Done& a, const Done& b) { return a.result_index < b.result_index; });
    for (Done& d : done) {
        if (d.error) std::rethrow_exception(d.error);
        results[d.result_index].check = std::move(d.check);
    }
}

}  // namespace sasim::sc
