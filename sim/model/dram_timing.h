// SPDX-License-Identifier: MIT
// Timing of one DRAM channel: fixed latency, a bandwidth-limited data bus and a limit on requests in
// flight. Plain C++: the SystemC DRAM target and the Verilator RTL harness both use this class unchanged.
#pragma once
#include <cstdint>
#include <deque>
#include <vector>

#include "config/config.h"

namespace sasim::model {

struct DramStats {
    uint64_t read_requests = 0;
    uint64_t write_requests = 0;
    uint64_t read_bytes = 0;
    uint64_t write_bytes = 0;
    uint64_t accept_wait_cycles = 0;  // cycles requests waited for a free slot (outstanding limit)
};

// A busy period of the data bus, in whole cycles [begin, end).
struct BusyInterval {
    uint64_t begin = 0;
    uint64_t end = 0;
};

class DramTiming {
public:
    struct Params {
        uint32_t latency_cycles = 100;
        uint64_t millibytes_per_cycle = 16000;  // bandwidth in 1/1000 bytes per cycle
        uint32_t max_outstanding = 32;
    };
    struct Result {
        uint64_t accept_cycle = 0;    // cycle the channel took the request (>= issue cycle)
        uint64_t complete_cycle = 0;  // cycle the last byte has been transferred (response visible)
    };

    explicit DramTiming(const Params& p);
    static Params params_from(const Config& cfg);

    // Contract: calls come in non-decreasing `issue_cycle` order (the caller arbitrates).
    // A request is accepted at the first cycle >= issue_cycle with fewer than max_outstanding requests in
    // flight; its data moves over the bus no earlier than accept + latency and after the previous request's
    // data (in 1/1000-cycle units, so fractional bandwidth accumulates exactly); it completes at the end of
    // its transfer, rounded up to a whole cycle.
    Result access(uint64_t issue_cycle, uint32_t bytes, bool is_write);

    const DramStats& stats() const { return m_stats; }
    // Bus busy periods since the last take_busy() call, merged where they touch.
    std::vector<BusyInterval> take_busy();
    // Forget in-flight state and statistics (between layers; every layer starts on an idle channel).
    void reset(uint64_t now_cycle);

private:
    Params m_p;
    uint64_t m_bus_free_milli = 0;          // time the data bus becomes free, 1/1000 cycles
    uint64_t m_last_issue = 0;              // for the ordering contract
    std::deque<uint64_t> m_inflight;        // completion cycles of requests in flight (non-decreasing)
    DramStats m_stats;
    std::vector<BusyInterval> m_busy;
};

}  // namespace sasim::model
