// SPDX-License-Identifier: MIT
// The block product of the model's datapath (model::execute_values): c[i][j] (+)= sum_t a_i[t] * b_j[t]
// modulo 2^32, for signed 8- or 16-bit operands. For 8 bits, two implementations that compute the same bits:
//   - AVX-512 VNNI (vpdpbusd, 64 multiply-adds per instruction), chosen at run time when the CPU has it;
//   - portable C++ (int16 products that the compiler turns into multiply-add instructions).
// The reference check (model/reference.cpp) shares neither.
#pragma once
#include <cstdint>

namespace sasim::model {

enum class Int8Kernel { Portable, Vnni };

// The kernel execute_values uses: VNNI when the CPU has it (avx512f/bw/vl/vnni), unless the environment
// variable SASIM_SIMD is "portable" (CI runs a case that way, so both paths are exercised end to end).
Int8Kernel active_int8_kernel();
// Whether this CPU can run `k` (Portable always).
bool int8_kernel_available(Int8Kernel k);
const char* to_string(Int8Kernel k);

// a_rows[i] (i < m) and b_rows[j] (j < n) each point to k signed 8-bit operands (as stored bytes); c points to m rows of at least
// n words, ldc words apart. Overwrites c (accumulate false) or adds to it, wrapping modulo 2^32.
// Contract: `kernel` is available on this CPU.
void gemm_s8(Int8Kernel kernel, const uint8_t* const* a_rows, uint32_t m, const uint8_t* const* b_rows, uint32_t n,
             uint32_t k, uint32_t* c, uint64_t ldc, bool accumulate);

// The same for 16-bit operands stored little-endian (2 bytes each), portable C++ only.
void gemm_s16(const uint8_t* const* a_rows, uint32_t m, const uint8_t* const* b_rows, uint32_t n, uint32_t k,
              uint32_t* c, uint64_t ldc, bool accumulate);

}  // namespace sasim::model
