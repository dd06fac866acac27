// SPDX-License-Identifier: MIT
// A dependency-token queue between two units (docs/isa.md, "Synchronisation"). A token carries the cycle
// from which it may be consumed, so a producer can push a token for a future cycle it has already computed.
#pragma once
#include <algorithm>
#include <cstdint>
#include <deque>
#include <string>

#include <systemc>

#include "sc/clock.h"
#include "sc/waveform.h"

namespace sasim::sc {

class TokenChannel : public sc_core::sc_prim_channel {
public:
    explicit TokenChannel(const char* name) : sc_core::sc_prim_channel(name) {}

    // Contract: pushes come in non-decreasing `available_cycle` order.
    void push(uint64_t available_cycle) {
        m_tokens.push_back(available_cycle);
        m_pushed.notify(sc_core::SC_ZERO_TIME);
        if (m_wave != nullptr) m_wave->add_at(available_cycle, *m_wave_count, 1);
    }

    // Blocks the calling thread until a token is available at a cycle >= `from`, consumes it and returns
    // that cycle (the caller is then at that cycle).
    uint64_t pop(uint64_t from) {
        while (m_tokens.empty()) sc_core::wait(m_pushed);
        const uint64_t at = std::max({from, m_tokens.front(), now_cycle_ceil()});
        m_tokens.pop_front();
        wait_until_cycle(at);
        if (m_wave != nullptr) {
            --*m_wave_count;
            m_wave->touch();
        }
        return at;
    }

    size_t size() const { return m_tokens.size(); }
    void clear() { m_tokens.clear(); }
    // Shows the usable tokens in `count` of the waveform (+1 at a token's available cycle, -1 when popped).
    void attach_waveform(ScWaveform& wave, int& count) {
        m_wave = &wave;
        m_wave_count = &count;
    }

private:
    // A pusher may run at a half cycle; a consumer woken then continues at the next whole cycle.
    static uint64_t now_cycle_ceil() {
        const uint64_t unit = cycles(1).value();
        return static_cast<uint64_t>((sc_core::sc_time_stamp().value() + unit - 1) / unit);
    }
    std::deque<uint64_t> m_tokens;  // availability cycles
    sc_core::sc_event m_pushed;
    ScWaveform* m_wave = nullptr;  // tracing off when null
    int* m_wave_count = nullptr;
};

}  // namespace sasim::sc
