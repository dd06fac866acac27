// SPDX-License-Identifier: MIT
// Port reservations of a banked, single-ported SRAM (scratchpad or accumulator).
// The execute unit has priority: it reserves the cycles of its reads/writes when it issues an instruction,
// always for cycles after the issue cycle. The DMA side asks whether a bank is free in the current cycle.
#pragma once
#include <cstdint>
#include <deque>
#include <vector>

namespace sasim::model {

class BankCalendar {
public:
    BankCalendar(uint32_t banks, uint64_t rows_per_bank);

    uint32_t banks() const { return static_cast<uint32_t>(m_banks.size()); }
    uint32_t bank_of(uint64_t row) const { return static_cast<uint32_t>(row / m_rows_per_bank); }

    // Reserves bank `bank` for cycles [start, start + len). Contract: the cycles are free (throws
    // SimulationError otherwise: two execute accesses collided, a model bug).
    void claim(uint32_t bank, uint64_t start, uint64_t len);
    // Reserves row0 + i at cycle start + i for i < rows (one row per cycle, rows may cross banks).
    void claim_row_stream(uint64_t row0, uint64_t rows, uint64_t start);
    bool busy(uint32_t bank, uint64_t cycle) const;
    // next_free() for a caller whose queries never go back in time (the DMA engine): drops `bank`'s
    // reservations that end at or before `cycle` first, so the answer is at the front. `bank` is busy at
    // `cycle` iff the result is > `cycle`. Contract: nobody asks about cycles before `cycle` afterwards
    // (the execute unit only reserves cycles after its issue cycle).
    uint64_t next_free_advancing(uint32_t bank, uint64_t cycle);
    // First cycle >= `cycle` at which `bank` is free.
    uint64_t next_free(uint32_t bank, uint64_t cycle) const;
    // Drops reservations that end at or before `cycle` (keeps the structure small).
    void prune(uint64_t cycle);
    void clear();

private:
    struct Span {
        uint64_t begin, end;  // [begin, end)
    };
    uint64_t m_rows_per_bank;
    std::vector<std::deque<Span>> m_banks;  // per bank, sorted, non-overlapping
};

}  // namespace sasim::model
