// SPDX-License-Identifier: MIT
// Small text helpers shared by the parsers (did-you-mean hints) and the CSV writers.
#pragma once
#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>
#include <vector>

namespace sasim::text {

// Length of the well-formed UTF-8 sequence starting at s[i] (RFC 3629: no overlong forms, no surrogates,
// nothing above U+10FFFF), or 0 when the bytes there are not one.
inline size_t utf8_sequence_length(std::string_view s, size_t i) {
    if (i >= s.size()) return 0;
    const auto byte = [&](size_t k) { return i + k < s.size() ? static_cast<unsigned char>(s[i + k]) : 0u; };
    const unsigned c = byte(0), c1 = byte(1);
    size_t len = c < 0x80                                                                                   ? 1
                 : c >= 0xc2 && c <= 0xdf                                                                   ? 2
                 : (c == 0xe0 && c1 >= 0xa0) || (c >= 0xe1 && c <= 0xec) || (c == 0xed && c1 < 0xa0) ||
                           (c >= 0xee && c <= 0xef)
                     ? 3
                 : (c == 0xf0 && c1 >= 0x90) || (c >= 0xf1 && c <= 0xf3) || (c == 0xf4 && c1 < 0x90) ? 4
                                                                                                     : 0;
    for (size_t k = 1; k < len; ++k) {
        if ((byte(k) & 0xc0) != 0x80) return 0;
    }
    return len;
}

// Index of the first byte of `s` that does not begin a well-formed UTF-8 sequence, or npos.
inline size_t first_invalid_utf8(std::string_view s) {
    for (size_t i = 0; i < s.size();) {
        const size_t len = utf8_sequence_length(s, i);
        if (len == 0) return i;
        i += len;
    }
    return std::string_view::npos;
}

inline std::string lowercase(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

// Optimal-string-alignment distance, ignoring case: insertions, deletions, substitutions and swaps of
// two neighbouring characters each cost 1 ("rwos" is one edit from "rows").
inline size_t edit_distance(const std::string& a_in, const std::string& b_in) {
    const std::string a = lowercase(a_in);
    const std::string b = lowercase(b_in);
    std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
    for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
    for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
        for (size_t j = 1; j <= b.size(); ++j) {
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
                d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
            }
        }
    }
    return d[a.size()][b.size()];
}

// A CSV field, quoted when it holds a comma, a quote or a line break (RFC 4180).
inline std::string csv_field(const std::string& s) {
    if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
    std::string out = "\"";
    for (char c : s) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + "\"";
}

// `s` with every occurrence of `from` (not empty) replaced by `to`, left to right.
inline std::string replace_all(std::string s, const std::string& from, const std::string& to) {
    for (size_t pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size())) {
        s.replace(pos, from.size(), to);
    }
    return s;
}

}  // namespace sasim::text
