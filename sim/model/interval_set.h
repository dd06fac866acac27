// SPDX-License-Identifier: MIT
// A set of cycles stored as half-open intervals; used to attribute idle cycles to stall causes.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

namespace sasim::model {

class IntervalSet {
public:
    struct Span {
        uint64_t begin, end;  // [begin, end)
    };
    void add(uint64_t begin, uint64_t end);  // any order; empty spans ignored
    void normalize();                        // sort and merge (called by the operations below)
    uint64_t measure();                      // cycles covered
    const std::vector<Span>& spans();        // normalized
    void clear() { m_spans.clear(); m_normal = true; }
    // Drops the spans that end at or before `cycle` (a span that straddles it stays whole).
    void drop_before(uint64_t cycle);
    size_t span_count() const { return m_spans.size(); }

    // Cycles of `window` covered by `a` and not by `b`.
    static IntervalSet minus(IntervalSet& a, IntervalSet& b);
    static IntervalSet intersect(IntervalSet& a, IntervalSet& b);
    static IntervalSet unite(IntervalSet& a, IntervalSet& b);

private:
    std::vector<Span> m_spans;
    bool m_normal = true;
};

}  // namespace sasim::model
