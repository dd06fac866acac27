// SPDX-License-Identifier: MIT
#include "sc/execute_unit.h"

#include "sc/clock.h"
#include "sc/error_sink.h"

namespace sasim::sc {

ScExecuteUnit::ScExecuteUnit(sc_core::sc_module_name name, const ArrayConfig& array, model::Scratchpad& spad,
                             model::Accumulator& acc, TokenChannel& load_to_exec, TokenChannel& exec_to_load,
                             TokenChannel& exec_to_store, TokenChannel& store_to_exec)
    : sc_core::sc_module(name),
      m_array(array),
      m_spad(spad),
      m_acc(acc),
      m_timing(array, spad.calendar, acc.calendar),
      m_l2e(load_to_exec),
      m_e2l(exec_to_load),
      m_e2s(exec_to_store),
      m_s2e(store_to_exec) {
    SC_THREAD(run);
}

void ScExecuteUnit::begin_layer(LayerContext* ctx, uint64_t start_cycle) {
    m_ctx = ctx;
    m_timing.reset(start_cycle);
    m_busy_until = start_cycle;
    m_state = {};
}

void ScExecuteUnit::run() {
    guarded([&] {
        const uint64_t pes = uint64_t{m_array.rows} * m_array.cols;
        for (;;) {
            m_state.set("idle: queue empty", -1);
            const QueuedInstr q = queue_i->read();
            if (m_wave != nullptr) m_wave->taken(Unit::Execute, q.index);
            LayerContext& ctx = *m_ctx;
            const Instruction& in = ctx.instr(q.index);
            const auto idx = static_cast<int64_t>(q.index);
            m_state.set("waiting for the array (previous instruction still loading)", idx);
            uint64_t s = m_timing.earliest_issue(std::max(q.dispatch_cycle + 1, now_cycle()));
            wait_until_cycle(s);
            m_state.set("waiting for a load->execute token", idx);
            if (in.wait_prev) s = m_l2e.pop(s);
            m_state.set("waiting for a store->execute token", idx);
            if (in.wait_next) s = m_s2e.pop(s);
            ++ctx.progress;
            const model::ExecSchedule sc = m_timing.issue(in, s);
            if (m_wave != nullptr) {
                m_wave->issued(Unit::Execute, q.index);
                m_wave->retire_at(sc.retire, Unit::Execute);
            }
            ctx.rec.macs += m_compute_values ? model::execute_values(in, m_array.dataflow, m_spad, m_acc)
                                             : uint64_t{in.m} * in.n * in.k;
            const uint64_t stream_rows = sc.stream_end - sc.stream_start;
            ctx.rec.array_slots += stream_rows * pes;
            ctx.rec.intervals.record(&model::StallIntervals::compute, sc.stream_start, sc.stream_end);
            ctx.rec.intervals.record(&model::StallIntervals::exec_inflight, s, sc.retire);
            ctx.rec.intervals.record(&model::StallIntervals::exec_bank_stall, sc.stream_start - sc.bank_stall_cycles, sc.stream_start);
            const bool os = m_array.dataflow == Dataflow::OS;
            ctx.rec.traffic.spad_reads += os ? uint64_t{in.m} + in.k : (in.preload ? uint64_t{in.n} : 0) + in.m;
            ctx.rec.traffic.acc_writes += in.m;
            if (in.signal_prev) m_e2l.push(sc.stream_end);
            if (in.signal_next) m_e2s.push(sc.retire);
            ctx.record_issue(q.index, s);
            ctx.record_retire(q.index, sc.retire);
            m_busy_until = sc.retire;
        }
    });
}

}  // namespace sasim::sc
