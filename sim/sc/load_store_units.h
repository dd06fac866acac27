// SPDX-License-Identifier: MIT
// The load and store units: in-order sequencers that take the head of their queue, wait for its dependency
// tokens and for their DMA channel, then hand the instruction to the DMA engine (docs/timing.md).
#pragma once
#include <systemc>

#include "sc/dma_engine.h"
#include "sc/layer_context.h"
#include "sc/queued_instr.h"
#include "sc/token_channel.h"
#include "sc/waveform.h"

namespace sasim::sc {

class ScLoadUnit : public sc_core::sc_module {
public:
    sc_core::sc_port<sc_core::sc_fifo_in_if<QueuedInstr>> queue_i;

    SC_HAS_PROCESS(ScLoadUnit);
    ScLoadUnit(sc_core::sc_module_name name, ScDmaEngine& dma, TokenChannel& exec_to_load, TokenChannel& store_to_load);
    void begin_layer(LayerContext* ctx) { m_ctx = ctx; m_state = {}; }
    const UnitState& state() const { return m_state; }
    void attach_waveform(ScWaveform& wave) { m_wave = &wave; }

private:
    void run();
    UnitState m_state;
    ScWaveform* m_wave = nullptr;  // tracing off when null
    ScDmaEngine& m_dma;
    TokenChannel& m_e2l;  // pops: the execute unit has finished reading a buffer
    TokenChannel& m_s2l;  // pops: the store unit has read the accumulator rows a LOAD overwrites
    LayerContext* m_ctx = nullptr;
};

class ScStoreUnit : public sc_core::sc_module {
public:
    sc_core::sc_port<sc_core::sc_fifo_in_if<QueuedInstr>> queue_i;

    SC_HAS_PROCESS(ScStoreUnit);
    ScStoreUnit(sc_core::sc_module_name name, ScDmaEngine& dma, TokenChannel& exec_to_store);
    void begin_layer(LayerContext* ctx) { m_ctx = ctx; m_state = {}; }
    const UnitState& state() const { return m_state; }
    void attach_waveform(ScWaveform& wave) { m_wave = &wave; }

private:
    void run();
    UnitState m_state;
    ScWaveform* m_wave = nullptr;  // tracing off when null
    ScDmaEngine& m_dma;
    TokenChannel& m_e2s;  // pops: results are in the accumulator
    LayerContext* m_ctx = nullptr;
};

}  // namespace sasim::sc
