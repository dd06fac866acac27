// SPDX-License-Identifier: MIT
// Mapping files (docs/mapper.md, "Mapping files"): the program each layer runs, written by `sasim map` and
// replayed by `sasim run --mapping FILE`; the same format caches search results between runs.
//
//   {"sasim_mapping": 1, "config_hash": "<16 hex digits>",
//    "layers": {"conv1": {"program": "heuristic"},
//               "layer1.0.conv2": {"program": "mapped", "order": "PQ", "tile_p": 504, "tile_q": 64,
//                                  "k_groups": 0, "group": 4, "im2col": "chip"}}}
#pragma once
#include <map>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "compiler/mapping.h"

namespace sasim {

struct MappingFile {
    std::string config_hash;  // the config the mappings were chosen for ("" = not stated)
    // Per layer name: the mapping, or nullopt for the heuristic program.
    std::map<std::string, std::optional<Mapping>> layers;
};

// {"program": "heuristic"} or {"program": "mapped", "order": ..., "im2col": ...}.
nlohmann::json mapping_to_json(const std::optional<Mapping>& m);

// Parses one layer's entry; problems are appended as "<origin>: <where>.<key>: <problem>".
std::optional<Mapping> mapping_from_json(const nlohmann::json& j, const std::string& origin, const std::string& where,
                                         std::vector<std::string>& problems);

nlohmann::json mapping_file_json(const MappingFile& f);

// Reads and validates a mapping file. Throws InputError with one line per problem, each naming the file
// and the key. Mappings are checked for form here; whether they fit a config is checked when replayed.
MappingFile read_mapping_file(const std::string& path);

// Same, from text already in memory (fuzzing, tests).
MappingFile parse_mapping_file(const std::string& text, const std::string& origin);

}  // namespace sasim
