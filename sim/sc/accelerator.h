// SPDX-License-Identifier: MIT
// The accelerator: dispatch, the three instruction queues, the load / execute / store units, the DMA engine,
// the scratchpad and the accumulator. Its only external connection is the TLM-2.0 initiator socket of the
// DMA engine (`mem_socket`), so it can be bound to any memory target of a SystemC virtual platform that
// implements b_transport in the loosely-timed style: it returns at once and annotates the access time in
// the delay argument (a target that calls wait() inside b_transport is refused with a SimulationError).
#pragma once
#include <memory>

#include <systemc>

#include "config/config.h"
#include "model/datapath.h"
#include "sc/dispatcher.h"
#include "sc/dma_engine.h"
#include "sc/execute_unit.h"
#include "sc/load_store_units.h"
#include "sc/token_channel.h"
#include "sc/waveform.h"

namespace sasim::sc {

class ScAccelerator : public sc_core::sc_module {
public:
    ScAccelerator(sc_core::sc_module_name name, const Config& cfg);

    // The DMA engine's initiator socket; bind it to a memory target.
    tlm_utils::simple_initiator_socket<ScDmaEngine>& mem_socket() { return m_dma.mem_socket; }

    // While elaborating: shows this accelerator's state in `wave` (docs/waveforms.md). Without it nothing is
    // traced, and each traced event costs one null-pointer test.
    void attach_waveform(ScWaveform& wave);
    // Fault injection (RunOptions::inject_fault "late-result"): every EXECUTE's results arrive one cycle late.
    void set_extra_result_cycles(uint32_t cycles) { m_exec.set_extra_result_cycles(cycles); }
    // Timing only (RunOptions::compute_values false): EXECUTEs compute no values; cycles are unchanged.
    void set_compute_values(bool on) { m_exec.set_compute_values(on); }
    // Starts running ctx's program at ctx->start_cycle (the current cycle). ctx->all_retired fires when done.
    void start_layer(LayerContext* ctx);
    // Returns the problems found when a layer has finished (queues and token channels must be empty).
    std::vector<std::string> end_of_layer_problems() const;
    // Every unit's state and the instruction it waits on, one line each (watchdog and deadlock messages).
    std::vector<std::string> describe_units(const LayerContext& ctx, uint64_t cycle) const;
    // Requests in flight in the DMA engine (the watchdog does not fire while memory is still answering).
    size_t requests_in_flight(uint64_t cycle) const { return m_dma.requests_in_flight(cycle); }
    // No unit will record a stall interval (LayerRecord::intervals) that covers a cycle before this one,
    // except from the current cycle on: cycles before min(now, this) can be attributed for good.
    uint64_t attribution_horizon() const { return std::min(m_dma.earliest_open_cycle(), m_dispatch.blocked_since()); }

    const model::Scratchpad& scratchpad() const { return m_spad; }
    const model::Accumulator& accumulator() const { return m_acc; }

private:
    const Config& m_cfg;
    model::Scratchpad m_spad;
    model::Accumulator m_acc;
    sc_core::sc_fifo<QueuedInstr> m_load_q, m_exec_q, m_store_q;
    TokenChannel m_l2e, m_e2l, m_e2s, m_s2e;
    TokenChannel m_s2l;  // store -> load: a LOAD into the accumulator waits for the STORE that read the rows
    ScDmaEngine m_dma;
    ScDispatcher m_dispatch;
    ScLoadUnit m_load;
    ScExecuteUnit m_exec;
    ScStoreUnit m_store;
};

}  // namespace sasim::sc
