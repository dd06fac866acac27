// SPDX-License-Identifier: MIT
// Cycle <-> SystemC time. One accelerator cycle is 1 ns of kernel time whatever the configured clock (the
// clock only converts cycles to seconds in reports). Units act on whole cycles; the DMA engine acts half a
// cycle later, so it sees every decision the units took in the same cycle (docs/timing.md, "Phases").
#pragma once
#include <cstdint>

#include <systemc>

namespace sasim::sc {

inline sc_core::sc_time cycles(uint64_t n) { return sc_core::sc_time(static_cast<double>(n), sc_core::SC_NS); }

// The current cycle (whole cycles elapsed).
inline uint64_t now_cycle() {
    return static_cast<uint64_t>(sc_core::sc_time_stamp().value() / cycles(1).value());
}

// Waits until the start of cycle `c` (no-op when already there or later).
inline void wait_until_cycle(uint64_t c) {
    const sc_core::sc_time t = cycles(c);
    if (t > sc_core::sc_time_stamp()) sc_core::wait(t - sc_core::sc_time_stamp());
}

}  // namespace sasim::sc
