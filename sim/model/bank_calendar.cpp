// SPDX-License-Identifier: MIT
#include "model/bank_calendar.h"

#include <algorithm>
#include <string>

#include "common/errors.h"

namespace sasim::model {

BankCalendar::BankCalendar(uint32_t banks, uint64_t rows_per_bank)
    : m_rows_per_bank(rows_per_bank == 0 ? 1 : rows_per_bank), m_banks(banks == 0 ? 1 : banks) {}

void BankCalendar::claim(uint32_t bank, uint64_t start, uint64_t len) {
    if (len == 0) return;
    auto& q = m_banks.at(bank);
    const uint64_t end = start + len;
    // Find the first span that ends after `start`.
    auto it = std::lower_bound(q.begin(), q.end(), start, [](const Span& s, uint64_t v) { return s.end <= v; });
    if (it != q.end() && it->begin < end) {
        throw SimulationError("bank " + std::to_string(bank) + " reserved twice at cycle " +
                              std::to_string(std::max(start, it->begin)));
    }
    // Merge with neighbours that touch.
    if (it != q.begin() && std::prev(it)->end == start) {
        auto prev = std::prev(it);
        prev->end = end;
        if (it != q.end() && it->begin == end) {
            prev->end = it->end;
            q.erase(it);
        }
        return;
    }
    if (it != q.end() && it->begin == end) {
        it->begin = start;
        return;
    }
    q.insert(it, Span{start, end});
}

void BankCalendar::claim_row_stream(uint64_t row0, uint64_t rows, uint64_t start) {
    uint64_t done = 0;
    while (done < rows) {
        const uint64_t row = row0 + done;
        const uint32_t bank = bank_of(row);
        const uint64_t bank_end_row = (uint64_t{bank} + 1) * m_rows_per_bank;
        const uint64_t n = std::min(rows - done, bank_end_row - row);
        claim(bank, start + done, n);
        done += n;
    }
}

bool BankCalendar::busy(uint32_t bank, uint64_t cycle) const {
    const auto& q = m_banks.at(bank);
    auto it = std::lower_bound(q.begin(), q.end(), cycle, [](const Span& s, uint64_t v) { return s.end <= v; });
    return it != q.end() && it->begin <= cycle;
}

uint64_t BankCalendar::next_free_advancing(uint32_t bank, uint64_t cycle) {
    auto& q = m_banks.at(bank);
    while (!q.empty() && q.front().end <= cycle) q.pop_front();
    return !q.empty() && q.front().begin <= cycle ? q.front().end : cycle;  // spans never touch
}

uint64_t BankCalendar::next_free(uint32_t bank, uint64_t cycle) const {
    const auto& q = m_banks.at(bank);
    auto it = std::lower_bound(q.begin(), q.end(), cycle, [](const Span& s, uint64_t v) { return s.end <= v; });
    if (it != q.end() && it->begin <= cycle) return it->end;  // spans never touch, so end is free
    return cycle;
}

void BankCalendar::prune(uint64_t cycle) {
    for (auto& q : m_banks) {
        while (!q.empty() && q.front().end <= cycle) q.pop_front();
    }
}

void BankCalendar::clear() {
    for (auto& q : m_banks) q.clear();
}

}  // namespace sasim::model
