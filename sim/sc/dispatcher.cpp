// SPDX-License-Identifier: MIT
#include "sc/dispatcher.h"

#include "sc/clock.h"
#include "sc/error_sink.h"

namespace sasim::sc {

ScDispatcher::ScDispatcher(sc_core::sc_module_name name) : sc_core::sc_module(name) { SC_THREAD(run); }

void ScDispatcher::start(LayerContext* ctx) {
    m_ctx = ctx;
    m_start.notify(sc_core::SC_ZERO_TIME);
}

void ScDispatcher::run() {
    guarded([&] {
        for (;;) {
            sc_core::wait(m_start);
            LayerContext& ctx = *m_ctx;
            uint64_t next = now_cycle();
            for (uint64_t i = 0; ctx.program.fetch(i); ++i) {
                wait_until_cycle(next);
                sc_core::sc_port<sc_core::sc_fifo_out_if<QueuedInstr>>* port = &load_o;
                const Unit unit = unit_of(ctx.instr(i).op);
                switch (unit) {
                    case Unit::Load: port = &load_o; break;
                    case Unit::Execute: port = &execute_o; break;
                    case Unit::Store: port = &store_o; break;
                }
                const uint64_t blocked_from = now_cycle();
                if (m_wave != nullptr && (*port)->num_free() == 0) m_wave->dispatch_blocked();
                if ((*port)->num_free() == 0) m_blocked_since = blocked_from;
                while ((*port)->num_free() == 0) sc_core::wait((*port)->data_read_event());
                const uint64_t at = now_cycle();
                m_blocked_since = UINT64_MAX;
                ctx.rec.intervals.record(&model::StallIntervals::dispatch_blocked, blocked_from, at);
                ctx.rec.traffic.dispatch_blocked_cycles += at - blocked_from;
                (*port)->write(QueuedInstr{i, at});
                if (m_wave != nullptr) m_wave->dispatched(unit);
                next = at + 1;
            }
            ctx.program_ended();
        }
    });
}

}  // namespace sasim::sc
