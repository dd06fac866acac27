// SPDX-License-Identifier: MIT
#include "model/stall_attribution.h"

#include <algorithm>
#include <array>
#include <vector>

#include <fmt/format.h>

#include "common/errors.h"

namespace sasim::model {

namespace {

// Walks a normalized set along increasing cycles: covers(a) tells whether cycle a is in the set, and
// next(a) the first boundary of the set after a (UINT64_MAX when none).
class Cursor {
public:
    explicit Cursor(IntervalSet& s) : m_spans(s.spans()) {}
    bool covers(uint64_t a) {
        skip(a);
        return m_i < m_spans.size() && m_spans[m_i].begin <= a;
    }
    uint64_t next(uint64_t a) {
        skip(a);
        if (m_i == m_spans.size()) return UINT64_MAX;
        return m_spans[m_i].begin > a ? m_spans[m_i].begin : m_spans[m_i].end;
    }

private:
    void skip(uint64_t a) {
        while (m_i < m_spans.size() && m_spans[m_i].end <= a) ++m_i;
    }
    const std::vector<IntervalSet::Span>& m_spans;
    size_t m_i = 0;
};

}  // namespace

void StallAttributor::advance(StallIntervals& in, uint64_t upto) {
    if (upto <= m_done) return;
    const uint64_t begin = m_done, end = upto;
    // Between two consecutive boundaries of any set, each set covers all cycles or none, so the rule is
    // applied once per segment. The segments are found by merging the sets' boundaries on the fly.
    Cursor compute(in.compute), exec_bank(in.exec_bank_stall), inflight(in.exec_inflight), busy(in.dram_busy),
        outstanding(in.dma_outstanding), active(in.dma_active), blocked(in.bank_blocked),
        dispatch(in.dispatch_blocked);
    std::array<Cursor*, 8> cursors = {&compute, &exec_bank, &inflight, &busy, &outstanding, &active, &blocked,
                                      &dispatch};
    CycleBreakdown& out = m_out;
    uint64_t& debt = m_debt;  // bank-refused DMA cycles not yet paid back by an idle array
    for (uint64_t a = begin, b = begin; a < end; a = b) {
        b = end;
        for (Cursor* c : cursors) b = std::min(b, c->next(a));
        uint64_t len = b - a;
        const bool dma_active = active.covers(a);
        if (!dma_active) debt = 0;  // refusals outside an instruction cannot happen; they would owe nothing
        else if (blocked.covers(a)) debt += len;
        if (compute.covers(a)) {
            out.compute += len;
            continue;
        }
        if (exec_bank.covers(a)) {
            out.bank_conflict += len;
            continue;
        }
        if (inflight.covers(a)) {
            out.pipeline += len;
            continue;
        }
        if (dma_active && debt > 0) {
            const uint64_t paid = std::min(len, debt);
            out.bank_conflict += paid;
            debt -= paid;
            len -= paid;
            if (len == 0) continue;
        }
        if (busy.covers(a)) out.dram_bandwidth += len;
        else if (outstanding.covers(a)) out.dram_latency += len;
        else if (dispatch.covers(a)) out.queue_full += len;
        else out.dependency_wait += len;
    }
    m_done = upto;
    in.attributed_before = upto;
    for (IntervalSet* s : {&in.compute, &in.exec_bank_stall, &in.exec_inflight, &in.dram_busy, &in.dma_outstanding,
                           &in.dma_active, &in.bank_blocked, &in.dispatch_blocked}) {
        s->drop_before(upto);
    }
}

void StallIntervals::record(IntervalSet StallIntervals::*set, uint64_t begin, uint64_t end) {
    if (begin < attributed_before && begin < end) {
        throw SimulationError(fmt::format("stall attribution: a span [{}, {}) arrived after cycles up to {} were "
                                          "attributed", begin, end, attributed_before));
    }
    (this->*set).add(begin, end);
}

CycleBreakdown attribute_cycles(StallIntervals& in, uint64_t begin, uint64_t end) {
    StallAttributor a(begin);
    a.advance(in, end);
    return a.result();
}

}  // namespace sasim::model
