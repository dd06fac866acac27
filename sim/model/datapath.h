// SPDX-License-Identifier: MIT
// The values the hardware computes: scratchpad and accumulator storage, the array's block product and the
// store path's requantization. Computed per instruction with blocked loops (never per PE per cycle).
#pragma once
#include <cstdint>
#include <vector>

#include "compiler/isa.h"
#include "config/config.h"
#include "model/bank_calendar.h"

namespace sasim::model {

// The scratchpad: rows of spad_row_elems signed operands (little-endian when 16-bit).
struct Scratchpad {
    Scratchpad(const Config& cfg);
    uint32_t row_bytes;          // bytes per row
    uint32_t elem_bytes;         // 1 or 2
    std::vector<uint8_t> data;   // rows * row_bytes
    BankCalendar calendar;       // execute-side port reservations
    uint8_t* row(uint64_t r) { return data.data() + r * row_bytes; }
    const uint8_t* row(uint64_t r) const { return data.data() + r * row_bytes; }
};

// The accumulator: rows of `cols` 32-bit values (arithmetic wraps modulo 2^32).
struct Accumulator {
    Accumulator(const Config& cfg);
    uint32_t row_elems;          // == array cols
    std::vector<uint32_t> data;  // rows * row_elems
    BankCalendar calendar;
    uint32_t* row(uint64_t r) { return data.data() + r * row_elems; }
    const uint32_t* row(uint64_t r) const { return data.data() + r * row_elems; }
};

// Applies an EXECUTE's arithmetic: stationary mode out[i][j] (+)= sum_t a_row[i][t] * b_row[j][t];
// OS out[i][j] (+)= sum_t a_row[i][t] * b_row[t][j]. Returns the MACs performed (m * n * k).
uint64_t execute_values(const Instruction& in, Dataflow dataflow, const Scratchpad& spad, Accumulator& acc);

// Requantizes accumulator row `acc_row` (first `elems` values) into `out` as the STORE defines it.
void store_row_values(const Accumulator& acc, uint64_t acc_row, uint32_t elems, uint32_t shift, bool relu,
                      uint32_t operand_bits, uint8_t* out);

// Writes one DRAM row of a LOAD into the accumulator (docs/isa.md, "LOAD"): `elems` signed operands at `src`
// (little-endian when 16-bit), each sign-extended and shifted left by `shift` (wrapping modulo 2^32), into
// columns 0 .. elems-1 of accumulator row `acc_row`; the row's other columns become 0. The shortcut of a
// residual add enters the accumulator this way, at the scale the STORE's shift divides by.
void load_acc_row_values(Accumulator& acc, uint64_t acc_row, const uint8_t* src, uint32_t elems, uint32_t shift,
                         uint32_t operand_bits);

}  // namespace sasim::model
