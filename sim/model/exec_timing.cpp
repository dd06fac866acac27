// SPDX-License-Identifier: MIT
#include "model/exec_timing.h"

#include <algorithm>

namespace sasim::model {

ExecTiming::ExecTiming(const ArrayConfig& array, BankCalendar& spad, BankCalendar& acc)
    : m_array(array), m_spad(spad), m_acc(acc), m_latency(uint64_t{array.rows} + array.cols) {}

uint64_t ExecTiming::earliest_issue(uint64_t ready) const {
    if (!m_any) return ready;
    return std::max({ready, m_prev_issue + 1, m_prev_stream_start});
}

std::pair<uint64_t, uint64_t> ExecTiming::schedule_reads(const Instruction& in, uint64_t row0, uint64_t rows,
                                                         uint64_t from, bool windowed) {
    uint64_t cycle = from;
    uint64_t first = from;
    uint64_t last = from - 1;
    for (uint64_t i = 0; i < rows; ++i) {
        const uint32_t bank = m_spad.bank_of(windowed ? window_row(in, row0, i) : row0 + i);
        cycle = m_spad.next_free(bank, cycle);
        m_spad.claim(bank, cycle, 1);
        if (i == 0) first = cycle;
        last = cycle;
        ++cycle;
    }
    return {first, last};
}

void ExecTiming::claim_stream(const Instruction& in, uint64_t row0, uint64_t rows, uint64_t start, bool windowed) {
    if (!windowed || in.win_w == 0) {
        m_spad.claim_row_stream(row0, rows, start);
        return;
    }
    // Runs of consecutive rows (one output row when the column step is 1), each claimed at once.
    uint64_t i = 0;
    while (i < rows) {
        const uint64_t row = window_row(in, row0, i);
        uint64_t run = 1;
        if (in.win_col_step == 1) {
            const uint64_t left_in_line = in.win_w - (uint64_t{in.win_x0} + i) % in.win_w;
            run = std::min(rows - i, left_in_line);
        }
        m_spad.claim_row_stream(row, run, start + i);
        i += run;
    }
}

ExecSchedule ExecTiming::issue(const Instruction& in, uint64_t s) {
    ExecSchedule sc;
    sc.issue = s;
    const uint64_t prev_stream_end = m_any ? m_prev_stream_end : 0;
    if (m_array.dataflow == Dataflow::OS) {
        // Transposer fill: the m rows of A, one per cycle, yielding to reservations already made.
        const auto [first, last] = schedule_reads(in, in.a_row, in.m, s + 1, true);
        sc.first_read = in.m > 0 ? first : s + 1;
        sc.load_end = last + 1;
        // The PEs hold two results (double-buffered accumulators): this instruction reuses the buffer of the
        // one two back, which must have started draining (it drains one row per cycle, row i before any
        // product of this instruction reaches row i).
        const uint64_t other = std::max(prev_stream_end, m_os_count >= 2 ? m_prev2_drain_start : 0);
        const uint64_t start = std::max(sc.load_end, other);
        sc.stream_start = start;
        const uint64_t unhindered_load_end = s + 1 + in.m;  // the fill reads at s + 1, s + 2, ...
        sc.bank_stall_cycles = start - std::max(unhindered_load_end, other);
        claim_stream(in, in.b_row, in.k, start, false);
        sc.stream_end = start + in.k;
        // Row i of the result is final in its PEs cols cycles after the last B row enters (stream_end + i + cols).
        sc.acc_first_write = std::max(sc.stream_end + m_array.cols + m_extra, m_any ? m_prev_drain_end : 0);
        m_acc.claim_row_stream(in.c_row, in.m, sc.acc_first_write);
        sc.retire = sc.acc_first_write + in.m;
        m_prev2_drain_start = m_prev_drain_start;
        m_prev_drain_start = sc.acc_first_write;
        ++m_os_count;
        m_prev_drain_end = sc.retire;
    } else {
        // Stationary mode (WS, and IS with the operands swapped by the compiler).
        uint64_t start = std::max(s + 1, prev_stream_end);
        bool preload_read = false;
        if (in.preload) {
            // The n stationary rows shift in from the left edge: one read and one shift per row, then
            // (cols - n) shifts of zeros, so the preload always takes `cols` shifts.
            const auto [first, last] = schedule_reads(in, in.b_row, in.n, s + 1, window_on_b(m_array.dataflow));
            sc.first_read = first;
            preload_read = in.n > 0;
            sc.load_end = last + 1 + (m_array.cols - in.n);
            const uint64_t unhindered_load_end = s + 1 + m_array.cols;  // reads at s + 1, s + 2, ...
            sc.bank_stall_cycles = std::max(start, sc.load_end) - std::max(start, unhindered_load_end);
            start = std::max(start, sc.load_end);
        } else {
            sc.load_end = s + 1;
        }
        sc.stream_start = start;
        if (!preload_read) sc.first_read = start;
        claim_stream(in, in.a_row, in.m, start, !window_on_b(m_array.dataflow));
        sc.stream_end = start + in.m;
        sc.acc_first_write = start + m_latency + m_extra;
        m_acc.claim_row_stream(in.c_row, in.m, sc.acc_first_write);
        sc.retire = sc.acc_first_write + in.m;
    }
    m_any = true;
    m_prev_issue = s;
    m_prev_stream_start = sc.stream_start;
    m_prev_stream_end = sc.stream_end;
    return sc;
}

void ExecTiming::reset(uint64_t now_cycle) {
    m_any = false;
    m_prev_issue = now_cycle;
    m_prev_stream_start = now_cycle;
    m_prev_stream_end = now_cycle;
    m_prev_drain_start = now_cycle;
    m_prev2_drain_start = now_cycle;
    m_prev_drain_end = now_cycle;
    m_os_count = 0;
}

}  // namespace sasim::model
