// SPDX-License-Identifier: MIT
#include "model/int_gemm.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <vector>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define SASIM_HAVE_VNNI_KERNEL 1
#endif

namespace sasim::model {

namespace {

// Scratch reused between calls (one set per thread: the reference runs on another thread, but only the
// model calls this).
struct Scratch {
    std::vector<int16_t> a16, b16;  // portable: operands widened to int16
    std::vector<uint32_t> sums;     // portable: one output row
    std::vector<int8_t> bp;         // VNNI: B packed as [k/4][column block][16 columns][4 operands]
    std::vector<int32_t> corr;      // VNNI: -128 * sum_t b_j[t], the offset's correction per column
};
thread_local Scratch g_scratch;

// Four dot products sharing `a` (row q of b at b + q * k): independent sums the CPU overlaps. Products of
// int16 values fit in int32; the sums wrap modulo 2^32 like the accumulator.
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

inline uint32_t dot_wrapping(const int16_t* a, const int16_t* b, uint32_t k) {
    uint32_t sum = 0;
    for (uint32_t t = 0; t < k; ++t) sum += static_cast<uint32_t>(int32_t{a[t]} * int32_t{b[t]});
    return sum;
}

// The portable product on operands widened to int16 in s.a16 (m rows of k) and s.b16 (n rows of k).
void gemm_widened(uint32_t m, uint32_t n, uint32_t k, uint32_t* c, uint64_t ldc, bool accumulate) {
    Scratch& s = g_scratch;
    s.sums.resize(n);
    uint32_t* sums = s.sums.data();
    const int16_t* bt = s.b16.data();
    for (uint32_t i = 0; i < m; ++i) {
        const int16_t* a = s.a16.data() + uint64_t{i} * k;
        uint32_t col = 0;
        for (; col + 4 <= n; col += 4) dot_wrapping4(a, bt + uint64_t{col} * k, k, sums + col);
        for (; col < n; ++col) sums[col] = dot_wrapping(a, bt + uint64_t{col} * k, k);
        uint32_t* out = c + i * ldc;
        if (accumulate) {
            for (uint32_t j = 0; j < n; ++j) out[j] += sums[j];
        } else {
            std::memcpy(out, sums, uint64_t{n} * sizeof(uint32_t));
        }
    }
}

void gemm_portable(const uint8_t* const* a_rows, uint32_t m, const uint8_t* const* b_rows, uint32_t n, uint32_t k,
                   uint32_t* c, uint64_t ldc, bool accumulate) {
    Scratch& s = g_scratch;
    s.a16.resize(uint64_t{m} * k);
    s.b16.resize(uint64_t{n} * k);
    for (uint32_t i = 0; i < m; ++i) {
        for (uint32_t t = 0; t < k; ++t) s.a16[uint64_t{i} * k + t] = static_cast<int8_t>(a_rows[i][t]);
    }
    for (uint32_t j = 0; j < n; ++j) {
        for (uint32_t t = 0; t < k; ++t) s.b16[uint64_t{j} * k + t] = static_cast<int8_t>(b_rows[j][t]);
    }
    gemm_widened(m, n, k, c, ldc, accumulate);
}

#ifdef SASIM_HAVE_VNNI_KERNEL
#define SASIM_VNNI __attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni")))

// Four A operands from t = 4q as the unsigned bytes vpdpbusd takes (a + 128: the sign bit flipped); `len`
// < 4 reads only the row's last operands (the rest is padding, multiplied by B's zeros).
SASIM_VNNI inline int32_t a_quad(const uint8_t* row, uint32_t q, uint32_t len) {
    uint32_t four = 0;
    std::memcpy(&four, row + 4 * q, len);
    return static_cast<int32_t>(four ^ 0x80808080u);
}

// RT rows x CB column blocks of 16 outputs: RT * CB accumulators in registers. `a` holds the tile's RT A
// row pointers, `bp` points to the tile's first column block of packed B (quads `b_step` bytes apart),
// `corr` to its first correction, `c` to its first output; `cols` outputs remain from the tile's first
// column. k = 4 * kq + tail.
template <int RT, int CB>
SASIM_VNNI inline void vnni_tile(const uint8_t* const* a, const int8_t* bp, uint64_t b_step, uint32_t kq, uint32_t tail,
                                 const int32_t* corr, uint32_t* c, uint64_t ldc, uint32_t cols, bool accumulate) {
    __m512i acc[RT][CB];
    for (int cb = 0; cb < CB; ++cb) {
        const __m512i v = _mm512_loadu_si512(corr + 16 * cb);
        for (int r = 0; r < RT; ++r) acc[r][cb] = v;
    }
    auto step = [&](uint32_t q, uint32_t len) SASIM_VNNI {
        __m512i b[CB];
        for (int cb = 0; cb < CB; ++cb) b[cb] = _mm512_loadu_si512(bp + q * b_step + 64 * cb);
        for (int r = 0; r < RT; ++r) {
            const __m512i av = _mm512_set1_epi32(a_quad(a[r], q, len));
            for (int cb = 0; cb < CB; ++cb) acc[r][cb] = _mm512_dpbusd_epi32(acc[r][cb], av, b[cb]);
        }
    };
    for (uint32_t q = 0; q < kq; ++q) step(q, 4);
    if (tail > 0) step(kq, tail);
    for (int cb = 0; cb < CB; ++cb) {
        const uint32_t left = cols - 16 * cb;
        const __mmask16 mask = left >= 16 ? __mmask16(0xffff) : __mmask16((1u << left) - 1);
        for (int r = 0; r < RT; ++r) {
            uint32_t* p = c + r * ldc + 16 * cb;
            __m512i v = acc[r][cb];
            if (accumulate) v = _mm512_add_epi32(v, _mm512_maskz_loadu_epi32(mask, p));
            _mm512_mask_storeu_epi32(p, mask, v);
        }
    }
}

template <int RT>
SASIM_VNNI inline void vnni_rows(const uint8_t* const* a, const int8_t* bp, uint32_t nb, uint32_t kq, uint32_t tail,
                                 const int32_t* corr, uint32_t* c, uint64_t ldc, uint32_t n, bool accumulate) {
    const uint64_t b_step = uint64_t{nb} * 64;
    uint32_t jb = 0;
    for (; jb + 4 <= nb; jb += 4) {
        vnni_tile<RT, 4>(a, bp + 64 * jb, b_step, kq, tail, corr + 16 * jb, c + 16 * jb, ldc, n - 16 * jb, accumulate);
    }
    switch (nb - jb) {
        case 3: vnni_tile<RT, 3>(a, bp + 64 * jb, b_step, kq, tail, corr + 16 * jb, c + 16 * jb, ldc, n - 16 * jb, accumulate); break;
        case 2: vnni_tile<RT, 2>(a, bp + 64 * jb, b_step, kq, tail, corr + 16 * jb, c + 16 * jb, ldc, n - 16 * jb, accumulate); break;
        case 1: vnni_tile<RT, 1>(a, bp + 64 * jb, b_step, kq, tail, corr + 16 * jb, c + 16 * jb, ldc, n - 16 * jb, accumulate); break;
        default: break;
    }
}

// a_u = a + 128 turns the signed A operand into the unsigned one vpdpbusd takes; the sum then exceeds the
// true one by 128 * sum_t b_j[t], which every output starts without (corr). Wrapping arithmetic throughout.
SASIM_VNNI void gemm_vnni(const uint8_t* const* a_rows, uint32_t m, const uint8_t* const* b_rows, uint32_t n,
                          uint32_t k, uint32_t* c, uint64_t ldc, bool accumulate) {
    Scratch& s = g_scratch;
    const uint32_t kq = k / 4, tail = k % 4, k4 = kq + (tail > 0);
    const uint32_t nb = (n + 15) / 16;
    const uint64_t b_step = uint64_t{nb} * 64;
    // Packed B, zero beyond n and k (so A's padding multiplies zeros).
    s.bp.assign(uint64_t{k4} * b_step, 0);
    for (uint32_t j = 0; j < n; ++j) {
        const uint8_t* b = b_rows[j];
        int8_t* col = s.bp.data() + uint64_t{j / 16} * 64 + (j % 16) * 4;
        for (uint32_t q = 0; q < kq; ++q) std::memcpy(col + q * b_step, b + 4 * q, 4);
        if (tail > 0) std::memcpy(col + kq * b_step, b + 4 * kq, tail);
    }
    // corr = -128 * sum_t b_j[t]: the sums as products with ones, from the packed B.
    s.corr.resize(uint64_t{nb} * 16);
    const __m512i ones = _mm512_set1_epi8(1);
    for (uint32_t jb = 0; jb < nb; ++jb) {
        __m512i sum = _mm512_set1_epi32(0);
        for (uint32_t q = 0; q < k4; ++q) sum = _mm512_dpbusd_epi32(sum, ones, _mm512_loadu_si512(s.bp.data() + q * b_step + 64 * jb));
        _mm512_storeu_si512(s.corr.data() + 16 * jb, _mm512_mullo_epi32(sum, _mm512_set1_epi32(-128)));
    }
    const int8_t* bp = s.bp.data();
    const int32_t* corr = s.corr.data();
    uint32_t i = 0;
    for (; i + 4 <= m; i += 4) vnni_rows<4>(a_rows + i, bp, nb, kq, tail, corr, c + i * ldc, ldc, n, accumulate);
    for (; i < m; ++i) vnni_rows<1>(a_rows + i, bp, nb, kq, tail, corr, c + i * ldc, ldc, n, accumulate);
}
#endif

Int8Kernel detect() {
    const char* env = std::getenv("SASIM_SIMD");
    if (env != nullptr && std::strcmp(env, "portable") == 0) return Int8Kernel::Portable;
    return int8_kernel_available(Int8Kernel::Vnni) ? Int8Kernel::Vnni : Int8Kernel::Portable;
}

}  // namespace

bool int8_kernel_available(Int8Kernel k) {
    if (k == Int8Kernel::Portable) return true;
#ifdef SASIM_HAVE_VNNI_KERNEL
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
           __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512vnni");
#else
    return false;
#endif
}

Int8Kernel active_int8_kernel() {
    static const Int8Kernel k = detect();
    return k;
}

const char* to_string(Int8Kernel k) { return k == Int8Kernel::Vnni ? "avx512-vnni" : "portable"; }

void gemm_s8(Int8Kernel kernel, const uint8_t* const* a_rows, uint32_t m, const uint8_t* const* b_rows, uint32_t n,
             uint32_t k, uint32_t* c, uint64_t ldc, bool accumulate) {
    if (m == 0 || n == 0) return;
    if (k == 0) {
        if (!accumulate) {
            for (uint32_t i = 0; i < m; ++i) std::fill(c + i * ldc, c + i * ldc + n, 0u);
        }
        return;
    }
#ifdef SASIM_HAVE_VNNI_KERNEL
    if (kernel == Int8Kernel::Vnni) return gemm_vnni(a_rows, m, b_rows, n, k, c, ldc, accumulate);
#endif
    (void)kernel;
    gemm_portable(a_rows, m, b_rows, n, k, c, ldc, accumulate);
}

void gemm_s16(const uint8_t* const* a_rows, uint32_t m, const uint8_t* const* b_rows, uint32_t n, uint32_t k,
              uint32_t* c, uint64_t ldc, bool accumulate) {
    if (m == 0 || n == 0) return;
    Scratch& s = g_scratch;
    s.a16.resize(uint64_t{m} * k);
    s.b16.resize(uint64_t{n} * k);
    // Little-endian host, as everywhere in the model: the stored bytes are the int16 values.
    for (uint32_t i = 0; i < m && k > 0; ++i) std::memcpy(s.a16.data() + uint64_t{i} * k, a_rows[i], uint64_t{k} * 2);
    for (uint32_t j = 0; j < n && k > 0; ++j) std::memcpy(s.b16.data() + uint64_t{j} * k, b_rows[j], uint64_t{k} * 2);
    gemm_widened(m, n, k, c, ldc, accumulate);
}

}  // namespace sasim::model
