// SPDX-License-Identifier: MIT
// Internal to sim/workload: the two file readers and the helpers they share. Other modules must not use it.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "workload/workload.h"

namespace sasim::workload_detail {

// One problem with one layer's shape.
struct Problem {
    std::string
        key;  // field name ("in_h", "kernel_w", "pad_top", "m", "name", "op", "elements") or "macs"/"size"
    std::string what;  // what is wrong and what would be valid, e.g. "must be >= 1 (got 0)"
};

// Every shape problem of `layer` (the checks behind validate_layer). Range problems are reported first;
// the divisibility, filter-fit and size checks run only when every value is in range.
std::vector<Problem> check_layer(const Layer& layer);

// Readers. `text` is the whole file; both throw InputError listing every problem found.
Workload parse_scalesim_csv(const std::string& path, const std::string& text);
Workload parse_json_trace(const std::string& path, const std::string& text);

// The message for nlohmann's out_of_range on a number too large for a double (`what` is its what()), which
// carries no position: the quoted token is located in `text` to give line and column.
std::string json_number_error_line(const std::string& path, std::string_view text, const std::string& what);

// Throws InputError(lines) when `lines` is not empty; keeps the first 100 lines and says how many were cut.
void throw_if_problems(const std::string& path, std::vector<std::string> lines);

std::string_view strip_bom(std::string_view text);  // drops a leading UTF-8 byte-order mark
std::string_view trim(std::string_view s);          // drops leading/trailing spaces and tabs
std::string to_lower(std::string_view s);           // ASCII only

// The choice closest to `word` by edit distance when it is a plausible typo, else "".
std::string closest_match(const std::string& word, const std::vector<std::string>& choices);

// "a, b, c" (each item quoted with '' when `quote`).
std::string join(const std::vector<std::string>& items, bool quote = false);

}  // namespace sasim::workload_detail
