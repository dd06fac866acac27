// SPDX-License-Identifier: MIT
// Printers for a run's results: a text table, report.json and layers.csv (keys in docs/report.md).
#pragma once
#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "config/config.h"
#include "model/stats.h"
#include "workload/workload.h"

namespace sasim::report {

struct RunReport {
    const Config* config = nullptr;
    const Workload* workload = nullptr;
    std::vector<model::LayerStats> layers;
    uint64_t seed = 1;
    bool checked = true;
    bool complete = true;  // false: the run was stopped (Ctrl-C, SIGTERM) and `layers` holds the finished ones
    // `sasim run --area`: the accelerator's area (rtl::area_to_json: blocks, area_mm2, ...), null otherwise.
    // report.json carries it as "area", and totals gain area_mm2 and tops_per_mm2.
    nlohmann::json area;
};

// Sums of the simulated layers (cycles, MACs, breakdown, traffic); check passes when every layer passed.
model::LayerStats totals(const std::vector<model::LayerStats>& layers);
// Throughput per area: 2 x MACs per second in TOPS over area_mm2 (0 when either is 0).
double tops_per_mm2(uint64_t macs, double seconds, double area_mm2);
// True when every simulated layer was checked and passed (or checking was off).
bool all_checks_pass(const RunReport& r);

void print_table(std::ostream& os, const RunReport& r);
nlohmann::json to_json(const RunReport& r);
// to_json(r).dump(2), written a layer at a time: memory does not grow with a tree of every layer (a
// 50,000-layer LLM decode report is 100 MB of text and was 600 MB as a tree).
void write_json(std::ostream& os, const RunReport& r);
void write_layers_csv(std::ostream& os, const RunReport& r);

// The columns of layers.csv, in order (shared by the CSV printer and the docs test).
const std::vector<std::string>& csv_columns();

}  // namespace sasim::report
