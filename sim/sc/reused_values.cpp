// SPDX-License-Identifier: MIT
#include "sc/reused_values.h"

#include "model/reference.h"

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

void ReusedValues::start(const Layer& layer, std::unique_ptr<InstructionSource> src,
                         std::function<void(model::CanonicalTensors&)> operands, bool check, size_t result_index,
                         std::vector<model::LayerStats>& results, ImageFn on_image) {
    std::shared_ptr<InstructionSource> program(std::move(src));
    const Config& cfg = m_cfg;
    const std::atomic<bool>* cancel = &m_cancel;
    Task task;
    task.result_index = result_index;
    if (on_image) {
        // The next layers need its output now: the values here, the reference check (the larger part of the
        // work) queued like a replay, holding the operands and the image.
        auto tensors = std::make_shared<model::CanonicalTensors>();
        auto image = std::make_shared<std::vector<uint8_t>>();
        operands(*tensors);
        if (!m_inline_machine) m_inline_machine = std::make_unique<model::FunctionalMachine>(m_cfg);
        model::replay_layer_values(layer, cfg, *m_inline_machine, *program, *tensors, false, cancel, image.get());
        on_image(program->layout(), *image);
        if (!check) return;
        task.holds_data = true;
        task.replay = [&layer, &cfg, program, tensors, image, cancel](model::FunctionalMachine&) {
            const std::vector<int32_t> ref = model::reference_outputs(layer, *tensors, cancel);
            return model::check_outputs(layer, program->layout(), ref, *image, cfg.array.operand_bits);
        };
    } else {
        task.replay = [&layer, &cfg, program, operands = std::move(operands), check, cancel](model::FunctionalMachine& fm) {
            model::CanonicalTensors tensors;
            operands(tensors);
            return model::replay_layer_values(layer, cfg, fm, *program, tensors, check, cancel);
        };
    }
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
        // A check holding a layer's operands and image waits for at most one other such check.
        const auto holding = std::count_if(m_queue.begin(), m_queue.end(), [](const Task& t) { return t.holds_data; });
        in_place = m_queue.size() >= kMaxQueued || (task.holds_data && holding >= 1);
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
