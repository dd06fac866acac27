// SPDX-License-Identifier: MIT
#include "model/dram_timing.h"

#include <algorithm>

#include "common/errors.h"

namespace sasim::model {

DramTiming::DramTiming(const Params& p) : m_p(p) {
    if (m_p.millibytes_per_cycle == 0) m_p.millibytes_per_cycle = 1;
    if (m_p.max_outstanding == 0) m_p.max_outstanding = 1;
}

DramTiming::Params DramTiming::params_from(const Config& cfg) {
    Params p;
    p.latency_cycles = cfg.dram.latency_cycles;
    p.millibytes_per_cycle = cfg.derived.dram_millibytes_per_cycle;
    p.max_outstanding = cfg.dram.max_outstanding;
    return p;
}

DramTiming::Result DramTiming::access(uint64_t issue_cycle, uint32_t bytes, bool is_write) {
    if (issue_cycle < m_last_issue) {
        throw SimulationError("DRAM requests out of order: cycle " + std::to_string(issue_cycle) + " after " +
                              std::to_string(m_last_issue));
    }
    m_last_issue = issue_cycle;
    while (!m_inflight.empty() && m_inflight.front() <= issue_cycle) m_inflight.pop_front();
    uint64_t accept = issue_cycle;
    if (m_inflight.size() >= m_p.max_outstanding) {
        accept = m_inflight.front();
        while (!m_inflight.empty() && m_inflight.front() <= accept) m_inflight.pop_front();
    }
    const uint64_t earliest_milli = (accept + m_p.latency_cycles) * 1000;
    const uint64_t start_milli = std::max(earliest_milli, m_bus_free_milli);
    const uint64_t xfer_milli = (uint64_t{bytes} * 1000000 + m_p.millibytes_per_cycle - 1) / m_p.millibytes_per_cycle;
    m_bus_free_milli = start_milli + xfer_milli;
    const uint64_t complete = (m_bus_free_milli + 999) / 1000;
    m_inflight.push_back(complete);

    const uint64_t busy_begin = start_milli / 1000;
    if (!m_busy.empty() && m_busy.back().end >= busy_begin) {
        m_busy.back().end = std::max(m_busy.back().end, complete);
    } else {
        m_busy.push_back({busy_begin, complete});
    }
    m_stats.accept_wait_cycles += accept - issue_cycle;
    if (is_write) {
        ++m_stats.write_requests;
        m_stats.write_bytes += bytes;
    } else {
        ++m_stats.read_requests;
        m_stats.read_bytes += bytes;
    }
    return {accept, complete};
}

std::vector<BusyInterval> DramTiming::take_busy() {
    std::vector<BusyInterval> out;
    out.swap(m_busy);
    return out;
}

void DramTiming::reset(uint64_t now_cycle) {
    m_bus_free_milli = now_cycle * 1000;
    m_last_issue = now_cycle;
    m_inflight.clear();
    m_stats = {};
    m_busy.clear();
}

}  // namespace sasim::model
