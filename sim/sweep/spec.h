// SPDX-License-Identifier: MIT
// A design-space sweep: the spec file (docs/sweeps.md), its validation and its expansion into points.
// Every problem in a spec is reported at once, one line each, "<file>: <key>: <problem>" (InputError),
// before anything runs.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace sasim::sweep {

// One swept config key and its values.
struct Axis {
    std::string key;                     // dotted config key, e.g. "array.rows"
    std::string name;                    // results.csv column and constraint name (default: "rows")
    std::string where;                   // spec key for messages, e.g. "axes[1].zip[0]"
    std::vector<nlohmann::json> values;  // as listed, or generated from a range
    bool from_range = false;             // values came from "range" (messages name the range)
};

// One entry of "axes": a single axis, or several zipped ones (advanced together; same length).
// The entries combine as a Cartesian product, the last one varying fastest.
struct AxisGroup {
    std::vector<Axis> axes;
    size_t size() const { return axes.empty() ? 0 : axes.front().values.size(); }
};

struct SweepWorkload {
    std::string as_written;  // as in the spec; part of the point id (so ids do not depend on the machine)
    std::string path;        // resolved against the spec's directory
    std::string name;        // the workload's own name (results.csv column `workload`)
    std::string file_hash;   // FNV-1a of the file's bytes; part of the point id
};

struct Spec {
    std::string path;                     // the spec file ("" when built from JSON in memory)
    std::string name;                     // "name", default: the file name without .json
    std::string description;
    std::string hash;                     // FNV-1a of the spec JSON (compact, sorted keys)
    nlohmann::json raw;                   // the spec as read
    nlohmann::json base;                  // resolved base config (config_to_json)
    std::vector<AxisGroup> groups;
    std::vector<SweepWorkload> workloads;
    std::vector<std::string> constraints;
    std::vector<std::string> metrics;     // results.csv metric columns, in order
    bool check = true;                    // false: points run with --timing-only (no values, no check)
    std::string mapper = "search";        // each point's `sasim run --mapper` (search or heuristic)
    bool area = false;                    // true: points run with --area (Yosys area, cached per hardware)
    bool skip_invalid = false;            // true: points whose config is invalid are left out, not errors
    uint64_t seed = 1;

    std::vector<const Axis*> axes() const;  // every axis, in column order
};

// One run: a config and a workload.
struct Point {
    size_t index = 0;                    // position in expansion order (workload-major, then axes)
    std::string id;                      // 16 hex digits: hash of the resolved config, workload and options
    size_t workload = 0;                 // index into Spec::workloads
    std::vector<nlohmann::json> values;  // one per axis (Spec::axes order), as resolved in `config`
    nlohmann::json config;               // the point's resolved config (config_to_json)
};

struct Sweep {
    Spec spec;
    std::vector<Point> points;  // after constraints, in expansion order
    size_t pruned = 0;          // left out by constraints
    size_t invalid = 0;         // left out as invalid configs (skip_invalid only)
};

// Reads, validates and expands a spec file. Relative paths in it are resolved against its directory.
Sweep load_sweep(const std::string& path);

// The same from JSON in memory; `path` names the spec in messages and gives the directory relative
// paths are resolved against.
Sweep sweep_from_json(const nlohmann::json& j, const std::string& path);

// Which slice of the points one process runs: point k belongs to shard k % count.
struct Shard {
    uint32_t index = 0;
    uint32_t count = 1;
    std::string text() const;  // "i/N"
};
Shard parse_shard(const std::string& text);  // "i/N"; throws InputError naming --shard
inline bool in_shard(const Point& p, const Shard& s) { return p.index % s.count == s.index; }

// 64-bit FNV-1a as 16 lowercase hex digits.
std::string fnv1a_hex(const std::string& bytes);

// Reads a JSON file strictly: syntax errors with line:column, duplicate keys, empty files (InputError;
// `what` names the kind of file in messages, e.g. "sweep spec").
nlohmann::json read_json_file(const std::string& path, const std::string& what);

// "did you mean ..." help: the closest of `valid` within 2 edits (ignoring case), or "".
std::string closest(const std::string& key, const std::vector<std::string>& valid);

// The value of a resolved config at a dotted key as text for results.csv (numbers shortest-exact).
std::string value_text(const nlohmann::json& v);

}  // namespace sasim::sweep
