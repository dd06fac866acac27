// SPDX-License-Identifier: MIT
#include <fmt/format.h>

#include "common/text.h"
#include "report/report.h"
#include "report/roofline_fields.h"

namespace sasim::report {

const std::vector<std::string>& csv_columns() {
    static const std::vector<std::string> cols = {
        "layer",           "simulated",          "op",
        "count",           "m",                  "n",
        "k",               "macs",               "cycles",
        "utilization",     "mapping_efficiency", "compute_cycles",
        "pipeline_cycles", "stall_dram_bandwidth", "stall_dram_latency",
        "stall_bank_conflict", "stall_queue_full", "stall_dependency_wait",
        "dram_read_bytes", "dram_write_bytes",   "compulsory_bytes",
        "spad_row_reads",  "spad_row_writes",    "acc_row_reads",
        "acc_row_writes",  "energy_pj",          "check"};
    static const std::vector<std::string> all = [] {
        std::vector<std::string> v = cols;
        v.insert(v.end(), roofline_csv_columns().begin(), roofline_csv_columns().end());
        return v;
    }();
    return all;
}

namespace {

}  // namespace

void write_layers_csv(std::ostream& os, const RunReport& r) {
    const uint64_t pes = uint64_t{r.config->array.rows} * r.config->array.cols;
    const model::MachineRoof roof = model::machine_roof(*r.config);
    const auto& cols = csv_columns();
    for (size_t i = 0; i < cols.size(); ++i) os << (i ? "," : "") << cols[i];
    os << '\n';
    for (const auto& l : r.layers) {
        if (!l.simulated) {
            os << text::csv_field(l.name) << ",false," << text::csv_field(l.op) << std::string(cols.size() - 3, ',') << '\n';
            continue;
        }
        const auto& b = l.breakdown;
        const auto& t = l.traffic;
        os << fmt::format("{},true,{},{},{},{},{},{},{},{:.6f},{:.6f},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{:.1f},{}{}\n",
                          text::csv_field(l.name), l.kind == LayerKind::Conv ? "conv" : "gemm", l.gemm.count, l.gemm.m,
                          l.gemm.n, l.gemm.k, l.macs, l.cycles, l.utilization(pes), l.mapping_efficiency(pes),
                          b.compute, b.pipeline, b.dram_bandwidth, b.dram_latency, b.bank_conflict, b.queue_full,
                          b.dependency_wait, t.dram_read_bytes, t.dram_write_bytes, l.compulsory_bytes, t.spad_reads,
                          t.spad_writes, t.acc_reads, t.acc_writes, l.energy.total_pj(),
                          !l.check.checked ? "skipped" : (l.check.pass ? "pass" : "FAIL"),
                          roofline_csv_values(model::layer_bounds(roof, l)));
    }
}

}  // namespace sasim::report
