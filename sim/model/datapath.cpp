// SPDX-License-Identifier: MIT
#include "model/datapath.h"

#include <algorithm>
#include <cstring>

namespace sasim::model {

Scratchpad::Scratchpad(const Config& cfg)
    : row_bytes(cfg.derived.spad_row_bytes),
      elem_bytes(cfg.derived.operand_bytes),
      data(cfg.derived.spad_rows * cfg.derived.spad_row_bytes, 0),
      calendar(cfg.scratchpad.banks, cfg.derived.spad_rows_per_bank) {}

Accumulator::Accumulator(const Config& cfg)
    : row_elems(cfg.derived.acc_row_elems),
      data(cfg.derived.acc_rows * cfg.derived.acc_row_elems, 0),
      calendar(cfg.accumulator.banks, cfg.derived.acc_rows_per_bank) {}

namespace {

// Reused between EXECUTEs: operands widened to int16, so one dot-product kernel serves 8- and 16-bit
// operands and the compiler turns it into multiply-add instructions on int16 pairs.
struct Widened {
    std::vector<int16_t> a;   // m rows of k
    std::vector<int16_t> bt;  // n rows of k (B transposed for OS)
    std::vector<uint32_t> sums;  // one output row
};

// Operand `idx` of scratchpad row `r` (little-endian when 16-bit).
inline int16_t operand(const Scratchpad& spad, uint64_t r, uint32_t idx) {
    const uint8_t* p = spad.row(r);
    if (spad.elem_bytes == 1) return static_cast<int8_t>(p[idx]);
    return static_cast<int16_t>(static_cast<uint16_t>(p[2 * idx] | (p[2 * idx + 1] << 8)));
}

// Copies `count` operands from each of `rows` scratchpad rows starting at `first` (through in's window when
// `windowed`) into `out` (row-major).
void widen_rows(const Scratchpad& spad, const Instruction& in, bool windowed, uint64_t first, uint32_t rows,
                uint32_t count, int16_t* out) {
    for (uint32_t r = 0; r < rows; ++r) {
        const uint8_t* p = spad.row(windowed ? window_row(in, first, r) : first + r);
        int16_t* o = out + uint64_t{r} * count;
        if (spad.elem_bytes == 1) {
            for (uint32_t t = 0; t < count; ++t) o[t] = static_cast<int8_t>(p[t]);
        } else {
            if (count > 0) std::memcpy(o, p, uint64_t{count} * 2);  // little-endian host, as everywhere in the model
        }
    }
}

// Sum of products modulo 2^32: the accumulator's arithmetic. Each int16 x int16 product fits in int32.
inline uint32_t dot_wrapping(const int16_t* a, const int16_t* b, uint32_t k) {
    uint32_t sum = 0;
    for (uint32_t t = 0; t < k; ++t) sum += static_cast<uint32_t>(int32_t{a[t]} * int32_t{b[t]});
    return sum;
}

// Four dot products sharing `a` (row q of b at b + q * k): independent sums the CPU overlaps.
inline void dot_wrapping4(const int16_t* a, const int16_t* b, uint32_t k, uint32_t* out) {
    const int16_t *b0 = b, *b1 = b + k, *b2 = b + 2 * uint64_t{k}, *b3 = b + 3 * uint64_t{k};
    uint32_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (uint32_t t = 0; t < k; ++t) {
        const int32_t x = a[t];
        s0 += static_cast<uint32_t>(x * int32_t{b0[t]});
        s1 += static_cast<uint32_t>(x * int32_t{b1[t]});
        s2 += static_cast<uint32_t>(x * int32_t{b2[t]});
        s3 += static_cast<uint32_t>(x * int32_t{b3[t]});
    }
    out[0] = s0;
    out[1] = s1;
    out[2] = s2;
    out[3] = s3;
}

}  // namespace

uint64_t execute_values(const Instruction& in, Dataflow dataflow, const Scratchpad& spad, Accumulator& acc) {
    // Locals, not `in` fields: the accumulator stores below could otherwise alias them (all uint32_t).
    const uint32_t m = in.m, n = in.n, k = in.k;
    const bool accumulate = in.accumulate;
    if (m == 0 || n == 0) return 0;  // no outputs (and no null pointers handed to memcpy below)
    static thread_local Widened w;
    w.a.resize(uint64_t{m} * k);
    w.bt.resize(uint64_t{n} * k);
    const bool win_b = window_on_b(dataflow);
    widen_rows(spad, in, !win_b, in.a_row, m, k, w.a.data());
    if (dataflow == Dataflow::OS) {
        // B is k rows of n operands: transpose it so every output is a dot product of two contiguous rows.
        for (uint32_t t = 0; t < k; ++t) {
            for (uint32_t j = 0; j < n; ++j) w.bt[uint64_t{j} * k + t] = operand(spad, in.b_row + t, j);
        }
    } else {
        widen_rows(spad, in, win_b, in.b_row, n, k, w.bt.data());
    }
    const int16_t* bt = w.bt.data();
    w.sums.resize(n);
    uint32_t* sums = w.sums.data();
    for (uint32_t i = 0; i < m; ++i) {
        const int16_t* a = w.a.data() + uint64_t{i} * k;
        uint32_t col = 0;
        for (; col + 4 <= n; col += 4) dot_wrapping4(a, bt + uint64_t{col} * k, k, sums + col);
        for (; col < n; ++col) sums[col] = dot_wrapping(a, bt + uint64_t{col} * k, k);
        uint32_t* out = acc.row(in.c_row + i);
        if (accumulate) {
            for (uint32_t j = 0; j < n; ++j) out[j] += sums[j];
        } else {
            std::memcpy(out, sums, uint64_t{n} * sizeof(uint32_t));
        }
    }
    return uint64_t{m} * n * k;
}

void store_row_values(const Accumulator& acc, uint64_t acc_row, uint32_t elems_n, uint32_t shift, bool relu,
                      uint32_t operand_bits, uint8_t* out) {
    const uint32_t* row = acc.row(acc_row);
    const int64_t hi = (int64_t{1} << (operand_bits - 1)) - 1;
    const int64_t lo = -(int64_t{1} << (operand_bits - 1));
    for (uint32_t j = 0; j < elems_n; ++j) {
        int64_t v = static_cast<int32_t>(row[j]);
        if (shift > 0) v = (v + (int64_t{1} << (shift - 1))) >> shift;
        if (relu && v < 0) v = 0;
        v = v > hi ? hi : (v < lo ? lo : v);
        if (operand_bits == 8) {
            out[j] = static_cast<uint8_t>(static_cast<int8_t>(v));
        } else {
            const uint16_t u = static_cast<uint16_t>(static_cast<int16_t>(v));
            out[2 * j] = static_cast<uint8_t>(u & 0xff);
            out[2 * j + 1] = static_cast<uint8_t>(u >> 8);
        }
    }
}

}  // namespace sasim::model
