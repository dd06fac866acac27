// SPDX-License-Identifier: MIT
#include "sc/load_store_units.h"

#include "sc/clock.h"
#include "sc/error_sink.h"

namespace sasim::sc {

ScLoadUnit::ScLoadUnit(sc_core::sc_module_name name, ScDmaEngine& dma, TokenChannel& exec_to_load,
                       TokenChannel& store_to_load)
    : sc_core::sc_module(name), m_dma(dma), m_e2l(exec_to_load), m_s2l(store_to_load) {
    SC_THREAD(run);
}

void ScLoadUnit::run() {
    guarded([&] {
        for (;;) {
            m_state.set("idle: queue empty", -1);
            const QueuedInstr q = queue_i->read();
            if (m_wave != nullptr) m_wave->taken(Unit::Load, q.index);
            const Instruction& in = m_ctx->instr(q.index);
            const auto idx = static_cast<int64_t>(q.index);
            // A unit acts on whole cycles; the DMA engine may have woken us half a cycle in.
            uint64_t s = std::max(q.dispatch_cycle + 1, now_cycle());
            wait_until_cycle(s);
            m_state.set("waiting for an execute->load token", idx);
            if (in.wait_next) s = m_e2l.pop(s);
            m_state.set("waiting for a store->load token", idx);
            if (in.wait_prev) s = m_s2l.pop(s);
            m_state.set("waiting for the load DMA channel", idx);
            while (!m_dma.read_idle()) sc_core::wait(m_dma.read_freed_event());
            s = std::max({s, m_dma.read_free_cycle(), now_cycle() + (sc_core::sc_time_stamp() > cycles(now_cycle()) ? 1 : 0)});
            wait_until_cycle(s);
            if (m_wave != nullptr) m_wave->issued(Unit::Load, q.index);
            m_dma.start_read(q.index, s);
        }
    });
}

ScStoreUnit::ScStoreUnit(sc_core::sc_module_name name, ScDmaEngine& dma, TokenChannel& exec_to_store)
    : sc_core::sc_module(name), m_dma(dma), m_e2s(exec_to_store) {
    SC_THREAD(run);
}

void ScStoreUnit::run() {
    guarded([&] {
        for (;;) {
            m_state.set("idle: queue empty", -1);
            const QueuedInstr q = queue_i->read();
            if (m_wave != nullptr) m_wave->taken(Unit::Store, q.index);
            const Instruction& in = m_ctx->instr(q.index);
            const auto idx = static_cast<int64_t>(q.index);
            uint64_t s = std::max(q.dispatch_cycle + 1, now_cycle());
            wait_until_cycle(s);
            m_state.set("waiting for an execute->store token", idx);
            if (in.wait_prev) s = m_e2s.pop(s);
            m_state.set("waiting for the store DMA channel", idx);
            while (!m_dma.write_idle()) sc_core::wait(m_dma.write_freed_event());
            s = std::max({s, m_dma.write_free_cycle(), now_cycle() + (sc_core::sc_time_stamp() > cycles(now_cycle()) ? 1 : 0)});
            wait_until_cycle(s);
            if (m_wave != nullptr) m_wave->issued(Unit::Store, q.index);
            m_dma.start_write(q.index, s);
        }
    });
}

}  // namespace sasim::sc
