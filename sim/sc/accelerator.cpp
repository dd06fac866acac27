// SPDX-License-Identifier: MIT
#include "sc/accelerator.h"

#include <fmt/format.h>

namespace sasim::sc {

ScAccelerator::ScAccelerator(sc_core::sc_module_name name, const Config& cfg)
    : sc_core::sc_module(name),
      m_cfg(cfg),
      m_spad(cfg),
      m_acc(cfg),
      m_load_q("load_queue", static_cast<int>(cfg.queues.load)),
      m_exec_q("execute_queue", static_cast<int>(cfg.queues.execute)),
      m_store_q("store_queue", static_cast<int>(cfg.queues.store)),
      m_l2e("load_to_execute"),
      m_e2l("execute_to_load"),
      m_e2s("execute_to_store"),
      m_s2e("store_to_execute"),
      m_s2l("store_to_load"),
      m_dma("dma", cfg, m_spad, m_acc, m_l2e, m_s2e, m_s2l),
      m_dispatch("dispatch"),
      m_load("load", m_dma, m_e2l, m_s2l),
      m_exec("execute", cfg.array, m_spad, m_acc, m_l2e, m_e2l, m_e2s, m_s2e),
      m_store("store", m_dma, m_e2s) {
    m_dispatch.load_o(m_load_q);
    m_dispatch.execute_o(m_exec_q);
    m_dispatch.store_o(m_store_q);
    m_load.queue_i(m_load_q);
    m_exec.queue_i(m_exec_q);
    m_store.queue_i(m_store_q);
}

void ScAccelerator::attach_waveform(ScWaveform& wave) {
    m_dispatch.attach_waveform(wave);
    m_load.attach_waveform(wave);
    m_exec.attach_waveform(wave);
    m_store.attach_waveform(wave);
    m_dma.attach_waveform(wave);
    m_l2e.attach_waveform(wave, wave.token_load_to_execute);
    m_e2l.attach_waveform(wave, wave.token_execute_to_load);
    m_e2s.attach_waveform(wave, wave.token_execute_to_store);
    m_s2e.attach_waveform(wave, wave.token_store_to_execute);
    m_s2l.attach_waveform(wave, wave.token_store_to_load);
}

void ScAccelerator::start_layer(LayerContext* ctx) {
    m_spad.calendar.clear();
    m_acc.calendar.clear();
    m_dma.begin_layer(ctx);
    m_load.begin_layer(ctx);
    m_exec.begin_layer(ctx, ctx->start_cycle);
    m_store.begin_layer(ctx);
    m_dispatch.start(ctx);
}

std::vector<std::string> ScAccelerator::end_of_layer_problems() const {
    std::vector<std::string> out;
    auto check = [&](const char* what, size_t n) {
        if (n != 0) out.push_back(fmt::format("{} holds {} entries at the end of the layer", what, n));
    };
    check("load queue", static_cast<size_t>(m_load_q.num_available()));
    check("execute queue", static_cast<size_t>(m_exec_q.num_available()));
    check("store queue", static_cast<size_t>(m_store_q.num_available()));
    check("load->execute tokens", m_l2e.size());
    check("execute->load tokens", m_e2l.size());
    check("execute->store tokens", m_e2s.size());
    check("store->execute tokens", m_s2e.size());
    check("store->load tokens", m_s2l.size());
    check("DMA rows waiting", m_dma.rows_waiting());
    return out;
}

}  // namespace sasim::sc

namespace sasim::sc {

std::vector<std::string> ScAccelerator::describe_units(const LayerContext& ctx, uint64_t cycle) const {
    auto line = [&](const char* unit, const UnitState& st) {
        if (st.instr < 0 || !ctx.program.holds(static_cast<uint64_t>(st.instr))) return fmt::format("{}: {}", unit, st.what);
        return fmt::format("{}: {} for instruction #{} ({})", unit, st.what, st.instr,
                           disassemble(ctx.instr(static_cast<uint64_t>(st.instr))));
    };
    std::vector<std::string> out;
    out.push_back(line("dispatch", m_dispatch.state()));
    out.push_back(line("load unit", m_load.state()));
    out.push_back(line("execute unit", m_exec.state()));
    out.push_back(line("store unit", m_store.state()));
    out.push_back("DMA: " + m_dma.describe(cycle));
    out.push_back(fmt::format("queues: load {}, execute {}, store {}; tokens: load->execute {}, execute->load {}, "
                              "execute->store {}, store->execute {}, store->load {}",
                              m_load_q.num_available(), m_exec_q.num_available(), m_store_q.num_available(),
                              m_l2e.size(), m_e2l.size(), m_e2s.size(), m_s2e.size(), m_s2l.size()));
    return out;
}

}  // namespace sasim::sc
