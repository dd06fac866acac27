// SPDX-License-Identifier: MIT
// Cycle <-> SystemC time. One accelerator cycle is 1 ns of kernel time whatever the configured clock (the
// clock only converts cycles to seconds in reports). Units act on whole cycles; the DMA engine acts half a
// cycle later, so it sees every decision the units took in the same cycle (docs/timing.md, "Phases").
#pragma once
#include <cstdint>

#include <systemc>

namespace sasim::sc {

// Kernel time units per cycle. Computed once: building an sc_time from a double and a unit is slow, and
// the DMA engine converts cycles on every wake-up.
inline uint64_t cycle_ticks() {
    static const uint64_t ticks = sc_core::sc_time(1.0, sc_core::SC_NS).value();
    return ticks;
}

inline sc_core::sc_time cycles(uint64_t n) { return sc_core::sc_time::from_value(n * cycle_ticks()); }

// Half a cycle: the DMA engine's phase offset.
inline sc_core::sc_time half_cycle() { return sc_core::sc_time::from_value(cycle_ticks() / 2); }

// The current cycle (whole cycles elapsed).
inline uint64_t now_cycle() { return static_cast<uint64_t>(sc_core::sc_time_stamp().value() / cycle_ticks()); }

// Waits until the start of cycle `c` (no-op when already there or later).
inline void wait_until_cycle(uint64_t c) {
    const sc_core::sc_time t = cycles(c);
    if (t > sc_core::sc_time_stamp()) sc_core::wait(t - sc_core::sc_time_stamp());
}

}  // namespace sasim::sc
