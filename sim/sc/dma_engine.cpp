// SPDX-License-Identifier: MIT
#include "sc/dma_engine.h"

#include <algorithm>
#include <cstring>

#include <fmt/format.h>

#include "common/errors.h"
#include "sc/clock.h"
#include "sc/error_sink.h"

namespace sasim::sc {

ScDmaEngine::ScDmaEngine(sc_core::sc_module_name name, const Config& cfg, model::Scratchpad& spad,
                         model::Accumulator& acc, TokenChannel& load_to_exec, TokenChannel& store_to_exec,
                         TokenChannel& store_to_load)
    : sc_core::sc_module(name),
      mem_socket("mem_socket"),
      m_cfg(cfg),
      m_spad(spad),
      m_acc(acc),
      m_l2e(load_to_exec),
      m_s2e(store_to_exec),
      m_s2l(store_to_load) {
    SC_THREAD(run);
}

void ScDmaEngine::begin_layer(LayerContext* ctx) {
    m_ctx = ctx;
    const uint64_t t = ctx->start_cycle;
    m_read_pending = m_read_active = false;
    m_read_free_cycle = t;
    m_reads.clear();
    m_read_reqs.clear();
    m_next_read_slot = t;
    m_read_inflight.clear();
    m_row_writes.clear();
    m_row_blocked_until = 0;
    m_read_buffer_rows = 0;
    m_store_buffer_rows = 0;
    m_write_pending = m_write_active = false;
    m_write_reqs.clear();
    m_next_write_slot = t;
    m_write_inflight.clear();
    m_write_free_cycle = t;
    m_acc_busy_cycle = UINT64_MAX;
    m_prune_at = t;
}

void ScDmaEngine::attach_waveform(ScWaveform& wave) {
    m_wave = &wave;
    wave.watch("model.dma.read_buffer_rows", m_read_buffer_rows);
    wave.watch("model.dma.store_buffer_rows", m_store_buffer_rows);
}

void ScDmaEngine::start_read(uint64_t index, uint64_t cycle) {
    m_read_pending = true;
    m_read_pending_index = index;
    m_read_pending_cycle = cycle;
    m_work.notify(sc_core::SC_ZERO_TIME);
}

void ScDmaEngine::start_write(uint64_t index, uint64_t cycle) {
    m_write_pending = true;
    m_write_pending_index = index;
    m_write_pending_cycle = cycle;
    m_work.notify(sc_core::SC_ZERO_TIME);
}

void ScDmaEngine::run() {
    guarded([&] {
        const sc_core::sc_time half = half_cycle();
        const uint64_t unit = cycles(1).value();
        for (;;) {
            const bool idle = !m_read_pending && !m_read_active && m_reads.empty() && m_row_writes.empty() &&
                              !m_write_pending && !m_write_active;
            if (idle) sc_core::wait(m_work);
            if (sc_core::sc_time_stamp().value() % unit == 0) sc_core::wait(half);
            uint64_t t = now_cycle();
            process_cycle(t);
            uint64_t n = next_cycle(t);
            uint64_t horizon = run_ahead_horizon();
            while (n <= horizon && !sc_core::sc_pending_activity_at_current_time()) {
                t = n;
                m_called_target = false;
                process_cycle(t);
                // The memory target may have scheduled timed activity of its own (a TLM-2.0 LT target is
                // free to notify events in b_transport): the bound must be asked again.
                if (m_called_target) horizon = run_ahead_horizon();
                n = next_cycle(t);
            }
            if (n == UINT64_MAX) continue;
            sc_core::wait(cycles(n) + half - sc_core::sc_time_stamp(), m_work);
        }
    });
}

void ScDmaEngine::process_cycle(uint64_t t) {
    if (m_read_pending && !m_read_active && m_read_pending_cycle <= t) {
        auto x = std::make_unique<ReadXfer>();
        x->index = m_read_pending_index;
        x->in = &m_ctx->instr(x->index);
        x->rows_to_write = uint64_t{x->in->rows} * load_blocks(*x->in);
        if (x->in->dst == LocalMem::Accumulator) check_acc_load(*x->in, m_acc.row_elems);
        x->gen = std::make_unique<model::LoadAddressGen>(*x->in, m_ctx->convs(), m_cfg.derived.operand_bytes);
        m_ctx->record_issue(x->index, m_read_pending_cycle);
        m_reads.push_back(std::move(x));
        m_read_pending = false;
        m_read_active = true;
        m_next_read_slot = std::max(m_next_read_slot, t);
    }
    if (m_write_pending && !m_write_active && m_write_pending_cycle <= t) {
        m_write_index = m_write_pending_index;
        m_write_in = &m_ctx->instr(m_write_index);
        m_ctx->record_issue(m_write_index, m_write_pending_cycle);
        m_write_next_row = 0;
        m_write_start = t;
        m_write_max_complete = t;
        m_write_staging.assign(uint64_t{m_write_in->rows} * m_write_in->elems * m_cfg.derived.operand_bytes, 0);
        m_write_pending = false;
        m_write_active = true;
    }
    issue_read(t);
    store_side(t);
    write_rows(t);
    retire_reads();
    if (m_wave != nullptr) m_wave->touch();  // buffers and requests may have changed in this cycle
    if (t >= m_prune_at + 4096) {
        m_spad.calendar.prune(t);
        m_acc.calendar.prune(t);
        m_prune_at = t;
    }
}

uint64_t ScDmaEngine::run_ahead_horizon() const {
    // Tracing samples the buffer counters at kernel time, so a traced run goes cycle by cycle.
    if (m_wave != nullptr) return 0;
    // The next time any other process can run (the end of time when none is waiting for a time).
    const sc_core::sc_time next_activity = sc_core::sc_time_stamp() + sc_core::sc_time_to_pending_activity();
    if (next_activity == sc_core::sc_max_time()) return UINT64_MAX - 1;
    // Cycle c's DMA phase is at c + 1/2: it must come strictly before that time.
    const uint64_t ticks = next_activity.value();
    const uint64_t half = half_cycle().value();
    return ticks <= half ? 0 : (ticks - half - 1) / cycle_ticks();
}

uint64_t ScDmaEngine::transport(uint64_t t, bool write, uint64_t addr, uint8_t* data, uint32_t bytes) {
    m_trans.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
    m_trans.set_address(addr);
    m_trans.set_data_ptr(data);
    m_trans.set_data_length(bytes);
    m_trans.set_streaming_width(bytes);
    m_trans.set_byte_enable_ptr(nullptr);
    m_trans.set_byte_enable_length(0);
    m_trans.set_dmi_allowed(false);
    m_trans.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    // Issued half a cycle into cycle t; the engine may be running ahead of kernel time (run_ahead_horizon).
    sc_core::sc_time delay = cycles(t) + half_cycle() - sc_core::sc_time_stamp();
    const sc_core::sc_time before = sc_core::sc_time_stamp();
    m_called_target = true;
    mem_socket->b_transport(m_trans, delay);
    if (sc_core::sc_time_stamp() != before) {
        // The engine keeps many requests in flight from one thread, so it needs loosely-timed targets.
        throw SimulationError("the memory target called wait() inside b_transport; sasim's DMA needs the access "
                              "time annotated in the delay argument instead (TLM-2.0 loosely-timed style)");
    }
    if (m_trans.is_response_error()) {
        throw SimulationError(fmt::format("DMA {} of {} bytes at DRAM address 0x{:x} failed: {}",
                                          write ? "write" : "read", bytes, addr, m_trans.get_response_string()));
    }
    const uint64_t complete = (sc_core::sc_time_stamp() + delay).value() / cycles(1).value();
    m_ctx->rec.intervals.record(&model::StallIntervals::dma_outstanding, t, complete);
    ++m_ctx->progress;
    if (m_wave != nullptr) {
        int& in_flight = write ? m_wave->dma_writes_in_flight : m_wave->dma_reads_in_flight;
        ++in_flight;
        m_wave->add_at(complete, in_flight, -1);
        m_wave->dram_request(write, complete, bytes);
    }
    return complete;
}

uint64_t ScDmaEngine::earliest_open_cycle() const {
    uint64_t c = UINT64_MAX;
    if (m_read_pending) c = std::min(c, m_read_pending_cycle);
    if (!m_reads.empty()) c = std::min(c, m_ctx->issue_cycle(m_reads.front()->index));  // in order: front is oldest
    if (m_write_pending) c = std::min(c, m_write_pending_cycle);
    if (m_write_active) c = std::min(c, m_ctx->issue_cycle(m_write_index));
    return c;
}

size_t ScDmaEngine::requests_in_flight(uint64_t cycle) const {
    size_t n = 0;
    for (uint64_t c : m_read_inflight) n += c > cycle;
    for (uint64_t c : m_write_inflight) n += c > cycle;
    return n;
}

std::string ScDmaEngine::describe(uint64_t cycle) const {
    std::string load = "idle";
    if (m_read_active && !m_reads.empty()) {
        const ReadXfer& x = *m_reads.back();
        load = fmt::format("instruction #{} at DRAM row {} of {}", x.index, x.next_row, x.in->rows);
    } else if (m_read_pending) {
        load = fmt::format("instruction #{} handed over", m_read_pending_index);
    }
    std::string store = "idle";
    if (m_write_active) {
        store = fmt::format("instruction #{} at accumulator row {} of {}, {} write requests queued", m_write_index,
                            m_write_next_row, m_write_in->rows, m_write_reqs.size());
    } else if (m_write_pending) {
        store = fmt::format("instruction #{} handed over", m_write_pending_index);
    }
    return fmt::format("load DMA {}; store DMA {}; {} requests in flight; {} loaded rows waiting for a bank",
                       load, store, requests_in_flight(cycle), m_row_writes.size());
}

bool ScDmaEngine::issue_read(uint64_t t) {
    if (!m_read_active) return false;
    while (!m_read_inflight.empty() && m_read_inflight.front() <= t) m_read_inflight.pop_front();
    if (t < m_next_read_slot) return false;
    ReadXfer& x = *m_reads.back();
    const Instruction& in = *x.in;
    if (m_read_reqs.empty()) {
        // The next DRAM row needs a free row in the read buffer (freed when its last block is written).
        if (m_read_buffer_rows >= m_cfg.derived.dma_read_buffer_rows) return false;
        ++m_read_buffer_rows;
        // Start the next DRAM row: padding stays zero; its DRAM pieces split into requests.
        m_row_buf.assign(uint64_t{in.elems} * m_cfg.derived.operand_bytes, 0);
        std::vector<model::RowSegment>& segs = m_segments;
        std::vector<model::RowSegment>& reqs = m_pieces;
        x.gen->row_segments(x.next_row, segs);
        reqs.clear();
        for (const auto& sg : segs) model::split_requests(sg, m_cfg.dma.max_request_bytes, reqs);
        if (reqs.empty()) {
            // An all-padding row takes one bus slot and no DRAM access.
            scatter_row(x, t);
            m_next_read_slot = t + 1;
        } else {
            for (const auto& r : reqs) m_read_reqs.push_back({t, r.dram_addr, r.bytes, m_row_buf.data() + r.row_offset});
            m_row_arrival = t;
        }
    }
    if (!m_read_reqs.empty() && m_read_inflight.size() < m_cfg.dma.max_outstanding) {
        const Request r = m_read_reqs.front();
        m_read_reqs.pop_front();
        const uint64_t complete = transport(t, false, r.dram_addr, r.data, r.bytes);
        m_read_inflight.push_back(complete);
        m_row_arrival = std::max(m_row_arrival, complete);
        m_next_read_slot = t + (r.bytes + m_cfg.dma.bus_bytes_per_cycle - 1) / m_cfg.dma.bus_bytes_per_cycle;
        m_ctx->rec.traffic.dram_read_bytes += r.bytes;
        ++m_ctx->rec.traffic.dram_read_requests;
        if (m_read_reqs.empty()) scatter_row(x, m_row_arrival);
    }
    if (m_read_reqs.empty() && x.next_row == in.rows) {
        m_read_active = false;
        m_read_free_cycle = t + 1;
        m_read_freed.notify(sc_core::SC_ZERO_TIME);
    }
    return true;
}

void ScDmaEngine::scatter_row(ReadXfer& x, uint64_t arrival) {
    const Instruction& in = *x.in;
    const uint64_t block_bytes = uint64_t{load_block_elems(in)} * m_cfg.derived.operand_bytes;
    const uint32_t blocks = load_blocks(in);
    for (uint32_t b = 0; b < blocks; ++b) {
        const uint64_t row = in.local_row + b * in.block_stride + x.next_row;
        if (in.dst == LocalMem::Accumulator) {  // one block (check_acc_load), widened and shifted
            model::load_acc_row_values(m_acc, row, m_row_buf.data(), in.elems, in.shift, m_cfg.array.operand_bits);
            m_row_writes.push_back({&x, row, arrival, true});
            continue;
        }
        uint8_t* dst = m_spad.row(row);
        const uint64_t dst_bytes = m_spad.row_bytes;
        const uint64_t from = b * block_bytes;
        const uint64_t n = std::min<uint64_t>(block_bytes, m_row_buf.size() - from);
        std::memcpy(dst, m_row_buf.data() + from, n);
        std::memset(dst + n, 0, dst_bytes - n);
        m_row_writes.push_back({&x, row, arrival, b + 1 == blocks});
    }
    if (m_wave != nullptr) m_wave->dma_rows_waiting += static_cast<int>(blocks);
    ++x.next_row;
}

void ScDmaEngine::store_side(uint64_t t) {
    if (!m_write_active) return;
    const Instruction& in = *m_write_in;
    while (!m_write_inflight.empty() && m_write_inflight.front() <= t) m_write_inflight.pop_front();
    const uint32_t ob = m_cfg.derived.operand_bytes;
    const uint32_t row_bytes = in.elems * ob;
    if (m_write_next_row < in.rows && m_store_buffer_rows < m_cfg.derived.dma_store_buffer_rows) {
        const uint64_t row = in.c_row + m_write_next_row;
        const uint32_t bank = m_acc.calendar.bank_of(row);
        if (m_acc.calendar.next_free_advancing(bank, t) > t) {
            m_ctx->rec.intervals.record(&model::StallIntervals::bank_blocked, t, t + 1);
            ++m_ctx->rec.traffic.dma_bank_conflict_cycles;
        } else {
            uint8_t* out = m_write_staging.data() + uint64_t{m_write_next_row} * row_bytes;
            model::store_row_values(m_acc, row, in.elems, in.shift, in.relu, m_cfg.array.operand_bits, out);
            ++m_ctx->rec.traffic.acc_reads;
            m_acc_busy_cycle = t;
            m_acc_busy_bank = bank;
            std::vector<model::RowSegment>& reqs = m_pieces;
            reqs.clear();
            model::split_requests({in.dram_addr + uint64_t{m_write_next_row} * in.dram_stride, row_bytes, 0},
                                  m_cfg.dma.max_request_bytes, reqs);
            for (const auto& r : reqs) m_write_reqs.push_back({t + 1, r.dram_addr, r.bytes, out + r.row_offset});
            if (!reqs.empty()) {
                m_write_reqs.back().last_of_row = true;
                ++m_store_buffer_rows;
            }
            ++m_write_next_row;
            if (m_write_next_row == in.rows && in.signal_prev) m_s2e.push(t + 1);
            if (m_write_next_row == in.rows && in.signal_next) m_s2l.push(t + 1);
        }
    }
    if (!m_write_reqs.empty() && m_write_reqs.front().ready <= t && t >= m_next_write_slot &&
        m_write_inflight.size() < m_cfg.dma.max_outstanding) {
        const Request r = m_write_reqs.front();
        m_write_reqs.pop_front();
        if (r.last_of_row) --m_store_buffer_rows;
        const uint64_t complete = transport(t, true, r.dram_addr, r.data, r.bytes);
        m_write_inflight.push_back(complete);
        m_write_max_complete = std::max(m_write_max_complete, complete);
        m_next_write_slot = t + (r.bytes + m_cfg.dma.bus_bytes_per_cycle - 1) / m_cfg.dma.bus_bytes_per_cycle;
        m_ctx->rec.traffic.dram_write_bytes += r.bytes;
        ++m_ctx->rec.traffic.dram_write_requests;
    }
    if (m_write_next_row == in.rows && m_write_reqs.empty()) {
        m_write_active = false;
        m_write_free_cycle = t + 1;
        const uint64_t retire = std::max(m_write_max_complete, t + 1);
        m_ctx->rec.intervals.record(&model::StallIntervals::dma_active, m_ctx->issue_cycle(m_write_index), retire);
        m_ctx->record_retire(m_write_index, retire);  // last: the instruction may be released from here on
        if (m_wave != nullptr) m_wave->retire_at(retire, Unit::Store);
        m_write_freed.notify(sc_core::SC_ZERO_TIME);
    }
}

void ScDmaEngine::write_rows(uint64_t t) {
    if (m_row_writes.empty()) return;
    RowWrite& w = m_row_writes.front();
    if (w.arrival > t || t < m_row_blocked_until) return;
    const Instruction& in = *w.xfer->in;
    const uint64_t row = w.local_row;
    // First cycle the row's bank is free for the DMA. Reservations are never withdrawn, so the row is
    // blocked in every cycle until then: those cycles are counted now and the engine need not wake for
    // this row before then (docs/timing.md, "DMA engine").
    uint64_t free_cycle = t;
    if (in.dst == LocalMem::Scratchpad) {
        free_cycle = m_spad.calendar.next_free_advancing(m_spad.calendar.bank_of(row), t);
    } else {
        const uint32_t bank = m_acc.calendar.bank_of(row);
        free_cycle = m_acc.calendar.next_free_advancing(bank, t);
        if (free_cycle == t && m_acc_busy_cycle == t && m_acc_busy_bank == bank) free_cycle = t + 1;  // store read
    }
    if (free_cycle > t) {
        m_ctx->rec.intervals.record(&model::StallIntervals::bank_blocked, t, free_cycle);
        m_ctx->rec.traffic.dma_bank_conflict_cycles += free_cycle - t;
        m_row_blocked_until = free_cycle;
        return;
    }
    if (in.dst == LocalMem::Scratchpad) ++m_ctx->rec.traffic.spad_writes;
    else ++m_ctx->rec.traffic.acc_writes;
    ++w.xfer->rows_written;
    ++m_ctx->progress;
    w.xfer->last_write = t;
    if (w.last_block) --m_read_buffer_rows;
    m_row_writes.pop_front();
    if (m_wave != nullptr) --m_wave->dma_rows_waiting;
}

void ScDmaEngine::retire_reads() {
    while (!m_reads.empty()) {
        ReadXfer& x = *m_reads.front();
        if (x.rows_written < x.rows_to_write) break;
        const uint64_t at = x.last_write + 1;
        m_ctx->rec.intervals.record(&model::StallIntervals::dma_active, m_ctx->issue_cycle(x.index), at);
        if (m_wave != nullptr) m_wave->retire_at(at, Unit::Load);
        if (x.in->signal_next) m_l2e.push(at);
        m_ctx->record_retire(x.index, at);  // last: the instruction may be released from here on
        m_reads.pop_front();
    }
}

uint64_t ScDmaEngine::next_cycle(uint64_t t) const {
    uint64_t n = UINT64_MAX;
    if (m_read_pending && !m_read_active) n = std::min(n, std::max(m_read_pending_cycle, t + 1));
    if (m_read_active) {
        uint64_t c = std::max(t + 1, m_next_read_slot);
        if (!m_read_reqs.empty() && m_read_inflight.size() >= m_cfg.dma.max_outstanding) {
            c = std::max(c, m_read_inflight.front());
        }
        n = std::min(n, c);
    }
    if (!m_row_writes.empty()) n = std::min(n, std::max({t + 1, m_row_writes.front().arrival, m_row_blocked_until}));
    if (m_write_pending && !m_write_active) n = std::min(n, std::max(m_write_pending_cycle, t + 1));
    if (m_write_active) {
        if (m_write_next_row < m_write_in->rows && m_store_buffer_rows < m_cfg.derived.dma_store_buffer_rows) {
            n = std::min(n, t + 1);
        }
        if (!m_write_reqs.empty()) {
            uint64_t c = std::max({t + 1, m_next_write_slot, m_write_reqs.front().ready});
            if (m_write_inflight.size() >= m_cfg.dma.max_outstanding) c = std::max(c, m_write_inflight.front());
            n = std::min(n, c);
        }
    }
    return n;
}

}  // namespace sasim::sc
