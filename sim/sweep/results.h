// SPDX-License-Identifier: MIT
// The contents of a sweep directory (docs/sweeps.md): sweep.json, the point directories with their done
// markers, results.csv and points.jsonl, and merging shard directories.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sweep/spec.h"

namespace sasim::sweep {

// Metrics a spec may keep ("metrics"); all of them by default, in this order.
const std::vector<std::string>& metric_names();

// Columns that describe a point's config whether or not they are axes. An axis on `key` takes the
// column's place; `key` is "" for derived values (pes = rows * cols, dram_bytes_per_cycle).
struct ContextColumn {
    const char* name;
    const char* key;
};
const std::vector<ContextColumn>& context_columns();

// Column names no axis may take: the identity, row and status columns and the metrics.
bool reserved_column(const std::string& name);

// The finished state of one point: DIR/points/<id>/result.json, its done marker.
struct PointResult {
    std::string id;
    std::string status;       // "ok", "check_failed" or "failed"
    int exit_code = 0;        // of `sasim run`; 128 + N when killed by signal N
    std::string error;        // first line of the run's stderr, or what went wrong starting it
    double wall_seconds = 0;  // how long the run took (in points.jsonl only: it varies between runs)
    nlohmann::json report;    // report.json of the run (null when the run wrote none)
};

// sweep.json: what a sweep directory holds. It lists every point of the sweep (all shards) in order
// with its axis and context values, so results.csv can be rebuilt and shards merged without the
// spec, configs or workloads at hand.
struct SweepIndex {
    nlohmann::json doc;
    std::string spec_hash() const;
    Shard shard() const;
    const nlohmann::json& points() const { return doc.at("points"); }
};
SweepIndex make_index(const Sweep& sweep, const Shard& shard);
SweepIndex read_index(const std::string& dir);  // throws InputError when DIR holds no sweep.json
void write_index(const std::string& dir, const SweepIndex& index);

std::string point_dir(const std::string& dir, const std::string& id);

// The point's done marker, when it exists and parses and (unless the point failed) its report.json does.
std::optional<PointResult> read_result(const std::string& dir, const std::string& id);
// Writes result.json atomically (after fsyncing report.json): from now on the point counts as done.
void write_result(const std::string& dir, const PointResult& r);

// results.csv: its header, and the rows of one point (its layers in order, then its total row).
std::string csv_header(const SweepIndex& index);
std::string csv_rows(const SweepIndex& index, size_t point, const PointResult& r);
// points.jsonl: one line per point.
std::string jsonl_line(const SweepIndex& index, size_t point, const PointResult& r);

// Rewrites DIR/results.csv and DIR/points.jsonl atomically from the finished points of the index that
// are in its shard, in point order. Returns the number of finished and failed points.
struct Counts {
    size_t finished = 0;
    size_t failed = 0;
};
Counts rebuild_outputs(const std::string& dir, const SweepIndex& index);

// `sasim sweep merge`: every input must come from the same spec; copies their finished point
// directories into `out`, writes its sweep.json (all points) and rebuilds its outputs.
Counts merge_sweeps(const std::vector<std::string>& inputs, const std::string& out);

}  // namespace sasim::sweep
