// SPDX-License-Identifier: MIT
// The roofline part of a run's report: the machine's roofs and, per layer and in total, the bounds, the
// arithmetic intensity and the share of the roof reached (model/roofline.h; keys in docs/roofline.md).
// Called by the JSON, CSV and table printers.
#pragma once
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "config/config.h"
#include "model/roofline.h"
#include "report/report.h"

namespace sasim::report {

// report.json "machine": peak MACs/cycle and TOPS, DRAM bytes/cycle and GB/s, ridge point.
nlohmann::json machine_json(const Config& cfg);
// One line: "peak 91.75 TOPS (65536 MACs/cycle at 700 MHz), DRAM ..., ridge ...".
std::string machine_summary(const model::MachineRoof& roof);

// report.json "roofline" object of a layer or of the totals.
nlohmann::json roofline_json(const model::RooflineBounds& b);

// The columns appended at the end of layers.csv, and their values for a simulated layer (each preceded by
// a comma, so the result appends to a row).
const std::vector<std::string>& roofline_csv_columns();
std::string roofline_csv_values(const model::RooflineBounds& b);

// The roofline section of the text table: one line per simulated layer and a total.
void print_roofline_table(std::ostream& os, const RunReport& r);

}  // namespace sasim::report
