// SPDX-License-Identifier: MIT
// The mapper's search results kept between runs (docs/mapper.md, "Cache"): one JSON file per config hash
// in a directory, keyed by layer shape. A hit only chooses the program; its cycles always come from
// simulating it again, and a hit whose cycles differ from the stored ones is reported as stale.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "compiler/mapping.h"
#include "workload/workload.h"

namespace sasim {

struct CachedChoice {
    std::optional<Mapping> mapping;  // nullopt: the heuristic program won
    uint64_t cycles = 0;             // the chosen program's cycles when it was searched
    uint64_t bound_cycles = 0;
    uint64_t candidates = 0;
    uint64_t simulated = 0;
    uint64_t heuristic_cycles = 0;
};

// The key of a layer's search result (cache entries, the run's memo, parallel search): layers with equal
// keys compile to the same programs, names and origins aside.
std::string mapper_shape_key(const Layer& layer);

// One entry as the cache file and the parallel search's workers write it.
nlohmann::json cached_choice_to_json(const CachedChoice& c);
// Reads what cached_choice_to_json wrote; nullopt, with the reasons in `problems`, when it is damaged.
std::optional<CachedChoice> cached_choice_from_json(const nlohmann::json& e, const std::string& file,
                                                    const std::string& where, std::vector<std::string>& problems);

class MappingCache {
public:
    // `dir` "" disables the cache. Entries of another cache revision or sasim version are ignored.
    MappingCache(std::string dir, const std::string& config_hash);

    bool enabled() const { return !m_path.empty(); }
    const std::string& path() const { return m_path; }
    std::optional<CachedChoice> find(const std::string& shape_key) const;
    void put(const std::string& shape_key, const CachedChoice& c);
    // Writes the file when entries were added (merged with what another process may have written since, then
    // renamed into place). Returns "" or the reason it could not be written (the cache is an optimisation:
    // callers warn, they do not fail).
    std::string save();

private:
    void load(const std::string& text);
    std::string m_path;
    std::map<std::string, CachedChoice> m_entries;
    bool m_dirty = false;
};

}  // namespace sasim
