// SPDX-License-Identifier: MIT
// Instruction dispatch: reads the program in order, one instruction per cycle, into the queue of the unit
// that runs it; waits while that queue is full (docs/timing.md, "Dispatch").
#pragma once
#include <systemc>

#include "sc/layer_context.h"
#include "sc/queued_instr.h"
#include "sc/waveform.h"

namespace sasim::sc {

class ScDispatcher : public sc_core::sc_module {
public:
    sc_core::sc_port<sc_core::sc_fifo_out_if<QueuedInstr>> load_o;
    sc_core::sc_port<sc_core::sc_fifo_out_if<QueuedInstr>> execute_o;
    sc_core::sc_port<sc_core::sc_fifo_out_if<QueuedInstr>> store_o;

    SC_HAS_PROCESS(ScDispatcher);
    explicit ScDispatcher(sc_core::sc_module_name name);

    // Starts dispatching ctx's program at the current cycle (called from another thread).
    void start(LayerContext* ctx);
    const UnitState& state() const { return m_state; }
    // The cycle from which dispatch has been waiting on a full queue (UINT64_MAX when it is not): its
    // dispatch_blocked span is recorded only when the wait ends, so it must not be attributed before then.
    uint64_t blocked_since() const { return m_blocked_since; }
    void attach_waveform(ScWaveform& wave) { m_wave = &wave; }

private:
    void run();
    LayerContext* m_ctx = nullptr;
    sc_core::sc_event m_start;
    UnitState m_state;
    uint64_t m_blocked_since = UINT64_MAX;
    ScWaveform* m_wave = nullptr;  // tracing off when null
};

}  // namespace sasim::sc
