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

template <typename T>
const T* elems(const uint8_t* p) {
    return reinterpret_cast<const T*>(p);
}

template <typename T>
void stationary(const Instruction& in, const Scratchpad& spad, Accumulator& acc) {
    for (uint32_t i = 0; i < in.m; ++i) {
        const T* x = elems<T>(spad.row(in.a_row + i));
        uint32_t* out = acc.row(in.c_row + i);
        for (uint32_t j = 0; j < in.n; ++j) {
            const T* w = elems<T>(spad.row(in.b_row + j));
            int32_t sum = 0;
            for (uint32_t t = 0; t < in.k; ++t) sum += int32_t{x[t]} * int32_t{w[t]};
            const uint32_t v = static_cast<uint32_t>(sum);
            out[j] = in.accumulate ? out[j] + v : v;
        }
    }
}

template <typename T>
void output_stationary(const Instruction& in, const Scratchpad& spad, Accumulator& acc) {
    std::vector<uint32_t> tmp(in.n);
    for (uint32_t i = 0; i < in.m; ++i) {
        const T* a = elems<T>(spad.row(in.a_row + i));
        std::fill(tmp.begin(), tmp.end(), 0u);
        for (uint32_t t = 0; t < in.k; ++t) {
            const int32_t av = a[t];
            const T* b = elems<T>(spad.row(in.b_row + t));
            for (uint32_t j = 0; j < in.n; ++j) tmp[j] += static_cast<uint32_t>(av * int32_t{b[j]});
        }
        uint32_t* out = acc.row(in.c_row + i);
        for (uint32_t j = 0; j < in.n; ++j) out[j] = in.accumulate ? out[j] + tmp[j] : tmp[j];
    }
}

}  // namespace

uint64_t execute_values(const Instruction& in, Dataflow dataflow, const Scratchpad& spad, Accumulator& acc) {
    // int16 x int16 products summed over k <= 4096 may exceed int32 only when the operands are 16-bit;
    // the stationary kernel then relies on wrapping, done explicitly in uint32 by the OS kernel. To keep
    // both well defined, 16-bit operands use the OS-style uint32 accumulation in both modes.
    if (dataflow == Dataflow::OS) {
        if (spad.elem_bytes == 1) output_stationary<int8_t>(in, spad, acc);
        else output_stationary<int16_t>(in, spad, acc);
    } else if (spad.elem_bytes == 1) {
        stationary<int8_t>(in, spad, acc);
    } else {
        // 16-bit stationary: transpose the roles into the wrapping kernel row by row.
        for (uint32_t i = 0; i < in.m; ++i) {
            const int16_t* x = elems<int16_t>(spad.row(in.a_row + i));
            uint32_t* out = acc.row(in.c_row + i);
            for (uint32_t j = 0; j < in.n; ++j) {
                const int16_t* w = elems<int16_t>(spad.row(in.b_row + j));
                uint32_t sum = 0;
                for (uint32_t t = 0; t < in.k; ++t) sum += static_cast<uint32_t>(int32_t{x[t]} * int32_t{w[t]});
                out[j] = in.accumulate ? out[j] + sum : sum;
            }
        }
    }
    return uint64_t{in.m} * in.n * in.k;
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
