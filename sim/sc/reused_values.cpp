// SPDX-License-Identifier: MIT
#include "sc/reused_values.h"

#include <chrono>
#include <system_error>

#include "model/functional.h"

namespace sasim::sc {

ReusedValues::~ReusedValues() {
    for (Job& j : m_jobs) {
        if (j.check.valid()) j.check.wait();
    }
}

model::FunctionalMachine& ReusedValues::machine(std::unique_ptr<model::FunctionalMachine>& m) {
    if (!m) m = std::make_unique<model::FunctionalMachine>(m_cfg);
    return *m;
}

void ReusedValues::start(const Layer& layer, std::unique_ptr<InstructionSource> src, uint64_t seed,
                         size_t result_index, std::vector<model::LayerStats>& results) {
    std::shared_ptr<InstructionSource> program(std::move(src));
    const Config& cfg = m_cfg;
    const bool check = m_check;
    const std::atomic<bool>* cancel = &m_cancel;
    auto replay = [&layer, &cfg, program, seed, check, cancel](model::FunctionalMachine& fm) {
        return model::replay_layer_values(layer, cfg, fm, *program, seed, check, cancel);
    };
    // Collect a finished replay without waiting.
    if (!m_jobs.empty() && m_jobs.front().check.wait_for(std::chrono::seconds(0)) == std::future_status::ready) {
        finish_oldest(results);
    }
    if (!m_background || !m_jobs.empty()) {
        results[result_index].check = replay(machine(m_inline_machine));
        return;
    }
    model::FunctionalMachine& fm = machine(m_background_machine);
    Job job;
    job.result_index = result_index;
    try {
        job.check = std::async(std::launch::async, [replay, &fm] { return replay(fm); });
    } catch (const std::system_error&) {
        results[result_index].check = replay(fm);  // no thread to be had: replay it here
        return;
    }
    m_jobs.push_back(std::move(job));
}

void ReusedValues::finish_oldest(std::vector<model::LayerStats>& results) {
    Job job = std::move(m_jobs.front());
    m_jobs.pop_front();
    results[job.result_index].check = job.check.get();
}

void ReusedValues::finish(std::vector<model::LayerStats>& results) {
    while (!m_jobs.empty()) finish_oldest(results);
}

}  // namespace sasim::sc
