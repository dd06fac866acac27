// SPDX-License-Identifier: MIT
// JSON text for files, pipes and stdout. Names come from workload files and file names, and a string that
// is not UTF-8 makes nlohmann's dump() throw, possibly half way through an output; here its bad bytes are
// written as U+FFFD instead (the CSV reader refuses such layer names; file names can still hold them).
#pragma once
#include <string>

namespace sasim {

// `j` (nlohmann::json or ordered_json) as text: compact with indent -1, else pretty with that indent.
template <class Json>
std::string json_text(const Json& j, int indent = -1) {
    return j.dump(indent, ' ', false, Json::error_handler_t::replace);
}

}  // namespace sasim
