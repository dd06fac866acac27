// SPDX-License-Identifier: MIT
#include "sc/reused_values.h"

#include "model/tensors.h"

#include <algorithm>
#include <chrono>
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

ReusedValues::Done ReusedValues::run(Task& t, std::unique_ptr<model::FunctionalMachine>& machine) {
    Done d;
    d.result_index = t.result_index;
    try {
        if (!machine) machine = std::make_unique<model::FunctionalMachine>(m_cfg);
        d.check = t.replay(*machine);
    } catch (...) {
        d.error = std::current_exception();
    }
    return d;
}

void ReusedValues::start(std::function<Layer()> layer, Compile compile,
                         std::function<void(model::CanonicalTensors&)> operands, bool check, size_t result_index,
                         std::vector<model::LayerStats>& results, std::shared_ptr<std::promise<model::KeptOutput>> output) {
    const Config& cfg = m_cfg;
    const std::atomic<bool>* cancel = &m_cancel;
    Task task;
    task.result_index = result_index;
    task.replay = [&cfg, layer = std::move(layer), compile = std::move(compile), operands = std::move(operands),
                   check, cancel, output](model::FunctionalMachine& fm) {
        try {
            const Layer l = layer();
            const std::unique_ptr<InstructionSource> program = compile(l);
            model::CanonicalTensors tensors;
            operands(tensors);
            std::vector<uint8_t> image;
            const model::CheckResult result =
                model::replay_layer_values(l, cfg, fm, *program, tensors, check, cancel, output ? &image : nullptr);
            if (output) {
                output->set_value(model::make_kept_output(
                    model::read_outputs(program->layout(), image, cfg.array.operand_bits)));
            }
            return result;
        } catch (...) {
            if (output) output->set_exception(std::current_exception());
            throw;
        }
    };
    if (m_background && !m_worker.joinable()) {
        try {
            m_worker = std::thread([this] { worker_loop(); });
        } catch (const std::system_error&) {
            m_background = false;  // no thread to be had: replay in place
        }
    }
    bool in_place = !m_background;
    if (!in_place) {
        std::lock_guard<std::mutex> lock(m_mutex);
        in_place = m_queue.size() >= kMaxQueued;
        if (!in_place) m_queue.push_back(std::move(task));
    }
    if (!in_place) {
        m_wake.notify_all();
        return;
    }
    std::vector<Done> done{run(task, m_inline_machine)};
    store(done, results);
}

void ReusedValues::worker_loop() {
    std::unique_lock<std::mutex> lock(m_mutex);
    for (;;) {
        m_wake.wait(lock, [this] { return m_stop || !m_queue.empty(); });
        if (m_stop) return;
        Task t = std::move(m_queue.front());
        m_queue.pop_front();
        m_running = t.result_index;
        lock.unlock();
        Done d = run(t, m_worker_machine);
        lock.lock();
        try {
            m_done.push_back(std::move(d));
        } catch (...) {
            if (!m_worker_error) m_worker_error = std::current_exception();
        }
        m_running = SIZE_MAX;
        m_wake.notify_all();
    }
}

// Writes the checks in layer order; rethrows the first error.
void ReusedValues::store(std::vector<Done>& done, std::vector<model::LayerStats>& results) {
    std::sort(done.begin(), done.end(), [](const Done& a, const Done& b) { return a.result_index < b.result_index; });
    for (Done& d : done) {
        if (d.error) std::rethrow_exception(d.error);
        results[d.result_index].check = std::move(d.check);
    }
}

size_t ReusedValues::collect(std::vector<model::LayerStats>& results) {
    std::vector<Done> done;
    size_t pending = SIZE_MAX;
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        if (m_worker_error) std::rethrow_exception(m_worker_error);
        done.swap(m_done);
        pending = m_running;
        for (const Task& t : m_queue) pending = std::min(pending, t.result_index);
    }
    store(done, results);
    return pending;
}

void ReusedValues::finish(std::vector<model::LayerStats>& results, const std::function<void()>& poll) {
    // Take queued replays here while the worker runs its own.
    for (;;) {
        poll();
        Task t;
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            if (m_queue.empty()) break;
            t = std::move(m_queue.front());
            m_queue.pop_front();
        }
        std::vector<Done> done{run(t, m_inline_machine)};
        store(done, results);
    }
    for (;;) {
        poll();
        std::unique_lock<std::mutex> lock(m_mutex);
        if (m_wake.wait_for(lock, std::chrono::milliseconds(100), [this] { return m_running == SIZE_MAX; })) break;
    }
    (void)collect(results);
}

}  // namespace sasim::sc
