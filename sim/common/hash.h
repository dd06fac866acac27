// SPDX-License-Identifier: MIT
// FNV-1a, 64 bit: the stable, dependency-free hash behind config hashes, hardware hashes and cache stamps.
#pragma once
#include <cstdint>
#include <cstdio>
#include <string>

namespace sasim {

constexpr uint64_t kFnv1aOffset = 0xcbf29ce484222325ULL;  // FNV-1a 64 offset basis

// Hash of `text`, continuing from `seed` (chain calls to hash several strings).
inline uint64_t fnv1a(const std::string& text, uint64_t seed = kFnv1aOffset) {
    uint64_t h = seed;
    for (unsigned char c : text) {
        h ^= c;
        h *= 0x100000001b3ULL;  // FNV-1a 64 prime
    }
    return h;
}

// The hash as 16 lowercase hex digits.
inline std::string fnv1a_hex(const std::string& text) {
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(fnv1a(text)));
    return buf;
}

}  // namespace sasim
