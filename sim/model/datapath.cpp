// SPDX-License-Identifier: MIT
#include "model/datapath.h"

#include "model/int_gemm.h"

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

// Row pointers of an EXECUTE's operands (and OS's B transposed), reused between EXECUTEs.
struct OperandRows {
    std::vector<const uint8_t*> a, b;
    std::vector<uint8_t> bt;
};

// The scratchpad rows of `count` operand rows from `base`: consecutive, or through the window (window_row,
// stepped without a division per row).
void fill_rows(const Scratchpad& spad, const Instruction& in, uint64_t base, uint32_t count, bool windowed,
               const uint8_t** out) {
    if (!windowed || in.win_w == 0) {
        for (uint32_t i = 0; i < count; ++i) out[i] = spad.row(base + i);
        return;
    }
    uint64_t row = base;
    uint32_t x = in.win_x0;
    for (uint32_t i = 0; i < count; ++i) {
        out[i] = spad.row(row);
        if (++x == in.win_w) {
            x = 0;
            row += in.win_line_step;
        } else {
            row += in.win_col_step;
        }
    }
}

}  // namespace

uint64_t execute_values(const Instruction& in, Dataflow dataflow, const Scratchpad& spad, Accumulator& acc) {
    const uint32_t m = in.m, n = in.n, k = in.k;
    if (m == 0 || n == 0) return 0;  // no outputs
    const bool win_b = window_on_b(dataflow);
    const uint32_t eb = spad.elem_bytes;
    static thread_local OperandRows r;
    r.a.resize(m);
    r.b.resize(n);
    fill_rows(spad, in, in.a_row, m, !win_b, r.a.data());
    if (dataflow == Dataflow::OS) {
        // B is k rows of n operands: transposed so every output is a dot product of two rows.
        const uint64_t row = uint64_t{k} * eb;
        r.bt.resize(uint64_t{n} * row);
        for (uint32_t t = 0; t < k; ++t) {
            const uint8_t* src = spad.row(in.b_row + t);
            uint8_t* dst = r.bt.data() + uint64_t{t} * eb;
            if (eb == 1) {
                for (uint32_t j = 0; j < n; ++j) dst[j * row] = src[j];
            } else {
                for (uint32_t j = 0; j < n; ++j) std::memcpy(dst + j * row, src + uint64_t{j} * eb, eb);
            }
        }
        for (uint32_t j = 0; j < n; ++j) r.b[j] = r.bt.data() + j * row;
    } else {
        fill_rows(spad, in, in.b_row, n, win_b, r.b.data());
    }
    if (eb == 1) {
        gemm_s8(active_int8_kernel(), r.a.data(), m, r.b.data(), n, k, acc.row(in.c_row), acc.row_elems, in.accumulate);
    } else {
        gemm_s16(r.a.data(), m, r.b.data(), n, k, acc.row(in.c_row), acc.row_elems, in.accumulate);
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

void load_acc_row_values(Accumulator& acc, uint64_t acc_row, const uint8_t* src, uint32_t elems, uint32_t shift,
                         uint32_t operand_bits) {
    uint32_t* row = acc.row(acc_row);
    for (uint32_t j = 0; j < acc.row_elems; ++j) {
        if (j >= elems) {
            row[j] = 0;
            continue;
        }
        const int32_t v = operand_bits == 8 ? int32_t{static_cast<int8_t>(src[j])}
                                            : int32_t{static_cast<int16_t>(static_cast<uint16_t>(src[2 * j] | (src[2 * j + 1] << 8)))};
        row[j] = shift >= 32 ? 0 : static_cast<uint32_t>(v) << shift;
    }
}

}  // namespace sasim::model
