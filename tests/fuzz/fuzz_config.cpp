// SPDX-License-Identifier: MIT
// Fuzz target: the config parser. Any input must be accepted or refused with InputError lines that name
// the file; nothing else may escape and nothing may crash.
#include <cstdlib>

#include "common/errors.h"
#include <nlohmann/json.hpp>

#include "config/config.h"
#include "fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string path = sasim::fuzz::write_input(data, size, ".json");
    try {
        sasim::Config cfg = sasim::load_config(path);
        // A config that loads must round-trip through its resolved JSON.
        const sasim::Config again = sasim::config_from_json(sasim::config_to_json(cfg), path);
        if (sasim::config_hash(again) != sasim::config_hash(cfg)) std::abort();
    } catch (const sasim::InputError& e) {
        for (const auto& line : e.lines()) {
            if (line.rfind(path, 0) != 0) std::abort();  // every message names the file first
        }
    }
    return 0;
}
