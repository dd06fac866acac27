// SPDX-License-Identifier: MIT
// The execute unit and the systolic mesh. The mesh is modelled at block granularity: ExecTiming gives the
// exact cycle of every scratchpad read, accumulator write and retirement; the values of the whole block are
// computed at issue with a blocked GEMM (docs/timing.md, "Execute").
#pragma once
#include <systemc>

#include "config/config.h"
#include "model/datapath.h"
#include "model/exec_timing.h"
#include "sc/layer_context.h"
#include "sc/queued_instr.h"
#include "sc/token_channel.h"
#include "sc/waveform.h"

namespace sasim::sc {

class ScExecuteUnit : public sc_core::sc_module {
public:
    sc_core::sc_port<sc_core::sc_fifo_in_if<QueuedInstr>> queue_i;

    SC_HAS_PROCESS(ScExecuteUnit);
    ScExecuteUnit(sc_core::sc_module_name name, const ArrayConfig& array, model::Scratchpad& spad,
                  model::Accumulator& acc, TokenChannel& load_to_exec, TokenChannel& exec_to_load,
                  TokenChannel& exec_to_store, TokenChannel& store_to_exec);

    // Prepares for a new layer starting at `start_cycle`.
    void begin_layer(LayerContext* ctx, uint64_t start_cycle);

    // State for the VCD/debug dump: true between issue and retire of the last instruction.
    uint64_t busy_until() const { return m_busy_until; }
    const UnitState& state() const { return m_state; }
    void attach_waveform(ScWaveform& wave) { m_wave = &wave; }
    // Fault injection for tests of the RTL cross-check: results reach the accumulator `cycles` late.
    void set_extra_result_cycles(uint32_t cycles) { m_timing.set_extra_result_cycles(cycles); }
    // Off: the accumulator is left as it is (timing does not depend on values, so cycles are unchanged).
    void set_compute_values(bool on) { m_compute_values = on; }

private:
    void run();

    const ArrayConfig m_array;
    model::Scratchpad& m_spad;
    model::Accumulator& m_acc;
    model::ExecTiming m_timing;
    TokenChannel& m_l2e;  // pops: data loaded
    TokenChannel& m_e2l;  // pushes: scratchpad buffers read
    TokenChannel& m_e2s;  // pushes: results in the accumulator
    TokenChannel& m_s2e;  // pops: accumulator slot stored
    LayerContext* m_ctx = nullptr;
    uint64_t m_busy_until = 0;
    UnitState m_state;
    ScWaveform* m_wave = nullptr;  // tracing off when null
    bool m_compute_values = true;
};

}  // namespace sasim::sc
