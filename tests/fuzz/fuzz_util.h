// SPDX-License-Identifier: MIT
// Shared by the fuzz targets: a per-process scratch file (the parsers read files, as users give them).
#pragma once
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <string>

namespace sasim::fuzz {

// Writes the input to a file named after the process and returns its path.
inline std::string write_input(const uint8_t* data, size_t size, const char* ext) {
    const std::string path = "/tmp/sasim_fuzz_" + std::to_string(getpid()) + ext;
    FILE* f = std::fopen(path.c_str(), "wb");
    if (f == nullptr) return path;
    if (size > 0) std::fwrite(data, 1, size, f);
    std::fclose(f);
    return path;
}

}  // namespace sasim::fuzz
