// SPDX-License-Identifier: MIT
// Reading a whole file where a missing or unreadable one is an ordinary answer (stamps, done markers).
#pragma once
#include <fstream>
#include <sstream>
#include <string>

namespace sasim {

// The whole file, or "" when it cannot be read.
inline std::string read_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return "";
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

}  // namespace sasim
