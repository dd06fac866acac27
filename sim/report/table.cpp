// SPDX-License-Identifier: MIT
#include <algorithm>

#include <fmt/format.h>

#include "report/report.h"
#include "report/roofline_fields.h"

namespace sasim::report {
namespace {

std::string human_bytes(uint64_t b) {
    if (b >= (uint64_t{1} << 30)) return fmt::format("{:.2f} GiB", static_cast<double>(b) / (1u << 30));
    if (b >= (uint64_t{1} << 20)) return fmt::format("{:.2f} MiB", static_cast<double>(b) / (1u << 20));
    if (b >= (uint64_t{1} << 10)) return fmt::format("{:.1f} KiB", static_cast<double>(b) / (1u << 10));
    return fmt::format("{} B", b);
}

std::string shape(const model::LayerStats& l) {
    std::string s = fmt::format("{}x{}x{}", l.gemm.m, l.gemm.n, l.gemm.k);
    if (l.gemm.count > 1) s = fmt::format("{}*{}", l.gemm.count, s);
    return s;
}

std::string check_text(const model::LayerStats& l) {
    if (!l.check.checked) return "skipped";
    return l.check.pass ? "pass" : "FAIL";
}

// One line on where the layers' input values came from (model/value_flow.h); nothing without values.
void print_value_flow(std::ostream& os, const RunReport& r) {
    size_t read = 0, generated = 0, fused = 0, network_input = 0;
    for (const auto& l : r.layers) {
        fused += l.fused_into.empty() ? 0 : 1;
        if (!l.simulated) continue;
        read += l.input_from.empty() ? 0 : 1;
        generated += l.input_generated_why.empty() ? 0 : 1;
        network_input += l.input_generated_why == "the network's input" ? 1 : 0;
    }
    if (read + generated == 0) return;
    const bool barrier = std::all_of(r.layers.begin(), r.layers.end(), [](const auto& l) {
        return !l.simulated || l.input_generated_why == "layers are isolated (--layer-barrier)";
    });
    if (barrier) {
        os << "values: layers isolated (--layer-barrier): every layer generated its operands\n";
        return;
    }
    os << fmt::format("values: {} layers read the stored output of the layer before them in the graph, {} generated "
                      "their input ({} the network's input, {} after an op not executed or not reshapable: "
                      "report.json \"values\"){}\n",
                      read, generated, network_input, generated - network_input,
                      fused == 0 ? "" : fmt::format("; {} ops executed as part of a conv or gemm layer", fused));
}

}  // namespace

void print_table(std::ostream& os, const RunReport& r) {
    const Config& cfg = *r.config;
    const uint64_t pes = uint64_t{cfg.array.rows} * cfg.array.cols;
    os << fmt::format("sasim {} | config {} ({}x{} {}, {} MHz) | workload {}\n", "run", cfg.name, cfg.array.rows,
                      cfg.array.cols, to_string(cfg.array.dataflow), cfg.clock_mhz, r.workload->name);
    const std::string head = fmt::format(
        "{:<24} {:>18} {:>13} {:>12} {:>6} {:>11} {:>11} {:>9} {:>9} {:>9} {:>10} {:>10} {:>7}", "layer",
        "M x N x K", "MACs", "cycles", "util%", "stall:bw", "stall:lat", "bank", "qfull", "dep", "DRAM rd", "DRAM wr",
        "check");
    os << head << '\n' << std::string(head.size(), '-') << '\n';
    for (const auto& l : r.layers) {
        std::string name = l.name.size() > 24 ? l.name.substr(0, 23) + "~" : l.name;
        if (!l.simulated && !l.fused_into.empty()) {
            const char* how = l.fused_as == "store"     ? "executed by the STORE of"
                              : l.fused_as == "weights"     ? "folded into the weights of"
                              : l.fused_as == "accumulator" ? "added in the accumulator of"
                              : l.fused_as == "bias"        ? "a bias (not modelled) of"
                                                            : "an alias of the output of";
            os << fmt::format("{:<24} {:>18} {} {} ({} elements)\n", name, l.op, how, l.fused_into, l.other_elements);
            continue;
        }
        if (!l.simulated) {
            os << fmt::format("{:<24} {:>18} not simulated ({} elements)\n", name, l.op, l.other_elements);
            continue;
        }
        const auto& b = l.breakdown;
        os << fmt::format("{:<24} {:>18} {:>13} {:>12} {:>6.1f} {:>11} {:>11} {:>9} {:>9} {:>9} {:>10} {:>10} {:>7}\n",
                          name, shape(l), l.macs, l.cycles, 100.0 * l.utilization(pes), b.dram_bandwidth,
                          b.dram_latency, b.bank_conflict, b.queue_full, b.dependency_wait,
                          human_bytes(l.traffic.dram_read_bytes), human_bytes(l.traffic.dram_write_bytes),
                          check_text(l));
    }
    const model::LayerStats t = totals(r.layers);
    const auto& b = t.breakdown;
    os << std::string(head.size(), '-') << '\n';
    os << fmt::format("{:<24} {:>18} {:>13} {:>12} {:>6.1f} {:>11} {:>11} {:>9} {:>9} {:>9} {:>10} {:>10} {:>7}\n",
                      "total", "", t.macs, t.cycles, 100.0 * t.utilization(pes), b.dram_bandwidth, b.dram_latency,
                      b.bank_conflict, b.queue_full, b.dependency_wait, human_bytes(t.traffic.dram_read_bytes),
                      human_bytes(t.traffic.dram_write_bytes), r.checked ? (all_checks_pass(r) ? "pass" : "FAIL") : "skipped");
    const size_t other = static_cast<size_t>(std::count_if(
        r.layers.begin(), r.layers.end(), [](const auto& l) { return !l.simulated && l.fused_into.empty(); }));
    os << fmt::format(
        "{} cycles = {:.3f} ms at {} MHz; utilization {:.1f}%, mapping efficiency {:.1f}%; cycles: compute {}, "
        "pipeline {}, stalls {}; {} layers not simulated\n",
        t.cycles, static_cast<double>(t.cycles) / (cfg.clock_mhz * 1e3), cfg.clock_mhz, 100.0 * t.utilization(pes),
        100.0 * t.mapping_efficiency(pes), b.compute, b.pipeline, b.stall_total(), other);
    print_value_flow(os, r);
    if (r.area.is_object()) {
        const double seconds = static_cast<double>(t.cycles) / (cfg.clock_mhz * 1e6);
        const double area_mm2 = r.area.at("area_mm2").get<double>();
        os << fmt::format("area {:.3f} mm2 at {} (logic {:.3f}, SRAM {:.3f}; sasim area for the blocks): {:.3f} TOPS/mm2\n",
                          area_mm2, r.area.value("technology", ""), r.area.value("logic_mm2", 0.0),
                          r.area.value("sram_mm2", 0.0),
                          tops_per_mm2(t.macs, seconds, area_mm2));
    }
    print_roofline_table(os, r);
}

}  // namespace sasim::report
