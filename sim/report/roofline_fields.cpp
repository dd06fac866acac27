// SPDX-License-Identifier: MIT
#include "report/roofline_fields.h"

#include <cmath>

#include <fmt/format.h>

namespace sasim::report {

namespace {

// Non-finite intensities (a layer that moved no DRAM byte) are written as "inf" in CSV and the table.
std::string num(double v, int decimals) {
    if (std::isinf(v)) return "inf";
    return fmt::format("{:.{}f}", v, decimals);
}

}  // namespace

nlohmann::json machine_json(const Config& cfg) {
    const model::MachineRoof m = model::machine_roof(cfg);
    return {{"peak_macs_per_cycle", m.pes},
            {"peak_tops", m.peak_tops()},
            {"dram_bytes_per_cycle", m.dram_bytes_per_cycle()},
            {"dram_gbps", m.dram_gbps()},
            {"ridge_macs_per_byte", m.ridge_macs_per_byte()},
            {"ridge_ops_per_byte", m.ridge_ops_per_byte()},
            {"spad_banks", m.spad_banks}};
}

std::string machine_summary(const model::MachineRoof& m) {
    return fmt::format(
        "peak {:.4g} TOPS ({} MACs/cycle at {} MHz, 2 ops per MAC), DRAM {:.3f} B/cycle ({:.2f} GB/s), ridge "
        "{:.1f} MACs/B = {:.1f} ops/B",
        m.peak_tops(), m.pes, m.clock_mhz, m.dram_bytes_per_cycle(), m.dram_gbps(), m.ridge_macs_per_byte(),
        m.ridge_ops_per_byte());
}

nlohmann::json roofline_json(const model::RooflineBounds& b) {
    // nlohmann writes a non-finite double as null (a layer that moved no DRAM byte).
    return {{"compute_bound_cycles", b.compute_cycles},
            {"dram_bound_cycles", b.dram_cycles},
            {"compulsory_dram_bound_cycles", b.compulsory_dram_cycles},
            {"spad_bound_cycles", b.spad_cycles},
            {"bound_cycles", b.bound_cycles},
            {"binding_bound", model::to_string(b.binding)},
            {"dram_bytes", b.dram_bytes},
            {"macs_per_dram_byte", b.macs_per_dram_byte},
            {"ops_per_dram_byte", b.ops_per_dram_byte},
            {"macs_per_compulsory_byte", b.macs_per_compulsory_byte},
            {"attained_tops", b.attained_tops},
            {"roof_tops", b.roof_tops},
            {"roof_fraction", b.roof_fraction}};
}

const std::vector<std::string>& roofline_csv_columns() {
    static const std::vector<std::string> cols = {
        "compute_bound_cycles", "dram_bound_cycles", "compulsory_dram_bound_cycles", "spad_bound_cycles",
        "binding_bound",        "macs_per_dram_byte", "roof_fraction"};
    return cols;
}

std::string roofline_csv_values(const model::RooflineBounds& b) {
    return fmt::format(",{},{},{},{},{},{},{:.6f}", b.compute_cycles, b.dram_cycles, b.compulsory_dram_cycles,
                       b.spad_cycles, model::to_string(b.binding), num(b.macs_per_dram_byte, 3), b.roof_fraction);
}

void print_roofline_table(std::ostream& os, const RunReport& r) {
    const model::MachineRoof m = model::machine_roof(*r.config);
    os << "\nroofline: " << machine_summary(m) << '\n';
    const std::string head =
        fmt::format("{:<24} {:>12} {:>12} {:>12} {:>12} {:>8} {:>10} {:>10} {:>9} {:>9} {:>6}", "layer",
                    "compute bnd", "DRAM bnd", "compuls. bnd", "spad bnd", "binds", "MACs/B", "ops/B", "TOPS",
                    "roof TOPS", "%roof");
    os << head << '\n' << std::string(head.size(), '-') << '\n';
    auto line = [&](const std::string& name, const model::RooflineBounds& b) {
        os << fmt::format("{:<24} {:>12} {:>12} {:>12} {:>12} {:>8} {:>10} {:>10} {:>9.4g} {:>9.4g} {:>6.1f}\n",
                          name.size() > 24 ? name.substr(0, 23) + "~" : name, b.compute_cycles, b.dram_cycles,
                          b.compulsory_dram_cycles, b.spad_cycles, model::to_string(b.binding),
                          num(b.macs_per_dram_byte, 1), num(b.ops_per_dram_byte, 1), b.attained_tops, b.roof_tops,
                          100.0 * b.roof_fraction);
    };
    for (const auto& l : r.layers) {
        if (l.simulated) line(l.name, model::layer_bounds(m, l));
    }
    const model::RooflineBounds t = model::total_bounds(m, r.layers);
    os << std::string(head.size(), '-') << '\n';
    line("total", t);
    os << fmt::format(
        "bounds: the per-layer bounds add up to {} cycles, {:.1f}% of the {} simulated; the run reaches {:.1f}% "
        "of its roof ({:.4g} of {:.4g} TOPS at {:.1f} MACs per DRAM byte)\n",
        t.bound_cycles, t.cycles ? 100.0 * static_cast<double>(t.bound_cycles) / static_cast<double>(t.cycles) : 0.0,
        t.cycles, 100.0 * t.roof_fraction, t.attained_tops, t.roof_tops, t.macs_per_dram_byte);
}

}  // namespace sasim::report
