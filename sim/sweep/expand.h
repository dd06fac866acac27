// SPDX-License-Identifier: MIT
// Internal to sim/sweep: config keys as dotted paths, and the expansion of a parsed spec into points.
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sweep/spec.h"

namespace sasim::sweep {

// The dotted keys of every hardware parameter of a config ("array.rows", ..., "clock_mhz"; not "name"),
// taken from config_to_json of the default Config.
const std::vector<std::string>& config_keys();

// The value at a dotted key of a config JSON (nullptr when absent), and setting it.
const nlohmann::json* get_key(const nlohmann::json& config, const std::string& dotted);
void set_key(nlohmann::json& config, const std::string& dotted, const nlohmann::json& value);

// "rows=16 cols=16 dataflow=ws": a point's axis values for messages and progress lines.
std::string point_label(const Spec& spec, const std::vector<nlohmann::json>& values);

// Fills sweep.points from sweep.spec (which must have parsed without problems): checks each axis value,
// applies the constraints, validates every remaining config, computes ids. Appends problems to `lines`.
void expand_points(Sweep& sweep, std::vector<std::string>& lines);

}  // namespace sasim::sweep
