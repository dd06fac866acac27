// SPDX-License-Identifier: MIT
#include "model/interval_set.h"

#include <algorithm>

namespace sasim::model {

void IntervalSet::add(uint64_t begin, uint64_t end) {
    if (end <= begin) return;
    if (m_normal && !m_spans.empty()) {
        Span& last = m_spans.back();
        // Starting inside or right after the last span (spans arriving in start order, the common case):
        // merging keeps the set sorted and disjoint, so no sort is needed later.
        if (begin >= last.begin && begin <= last.end) {
            last.end = std::max(last.end, end);
            return;
        }
        if (begin < last.begin) m_normal = false;
    }
    m_spans.push_back({begin, end});
}

void IntervalSet::normalize() {
    if (m_normal) return;
    std::sort(m_spans.begin(), m_spans.end(), [](const Span& a, const Span& b) { return a.begin < b.begin; });
    std::vector<Span> out;
    for (const Span& s : m_spans) {
        if (!out.empty() && s.begin <= out.back().end) {
            out.back().end = std::max(out.back().end, s.end);
        } else {
            out.push_back(s);
        }
    }
    m_spans.swap(out);
    m_normal = true;
}

uint64_t IntervalSet::measure() {
    normalize();
    uint64_t total = 0;
    for (const Span& s : m_spans) total += s.end - s.begin;
    return total;
}

void IntervalSet::drop_before(uint64_t cycle) {
    normalize();
    const auto keep = std::find_if(m_spans.begin(), m_spans.end(), [cycle](const Span& s) { return s.end > cycle; });
    m_spans.erase(m_spans.begin(), keep);
}

const std::vector<IntervalSet::Span>& IntervalSet::spans() {
    normalize();
    return m_spans;
}

IntervalSet IntervalSet::intersect(IntervalSet& a, IntervalSet& b) {
    const auto& x = a.spans();
    const auto& y = b.spans();
    IntervalSet out;
    size_t i = 0, j = 0;
    while (i < x.size() && j < y.size()) {
        const uint64_t lo = std::max(x[i].begin, y[j].begin);
        const uint64_t hi = std::min(x[i].end, y[j].end);
        if (lo < hi) out.add(lo, hi);
        if (x[i].end < y[j].end) ++i; else ++j;
    }
    return out;
}

IntervalSet IntervalSet::minus(IntervalSet& a, IntervalSet& b) {
    const auto& x = a.spans();
    const auto& y = b.spans();
    IntervalSet out;
    size_t j = 0;
    for (const Span& s : x) {
        uint64_t cur = s.begin;
        while (j < y.size() && y[j].end <= cur) ++j;
        size_t k = j;
        while (k < y.size() && y[k].begin < s.end) {
            if (y[k].begin > cur) out.add(cur, y[k].begin);
            cur = std::max(cur, y[k].end);
            ++k;
        }
        if (cur < s.end) out.add(cur, s.end);
    }
    return out;
}

IntervalSet IntervalSet::unite(IntervalSet& a, IntervalSet& b) {
    IntervalSet out;
    for (const Span& s : a.spans()) out.m_spans.push_back(s);
    for (const Span& s : b.spans()) out.m_spans.push_back(s);
    out.m_normal = false;
    out.normalize();
    return out;
}

}  // namespace sasim::model
