// SPDX-License-Identifier: MIT
#include "model/roofline.h"

#include <algorithm>
#include <limits>

namespace sasim::model {

namespace {

__extension__ typedef unsigned __int128 u128;  // exact products of 64-bit counts

uint64_t ceil_div(u128 a, u128 b) {
    const u128 q = (a + b - 1) / b;
    return q > std::numeric_limits<uint64_t>::max() ? std::numeric_limits<uint64_t>::max()
                                                     : static_cast<uint64_t>(q);
}

double ratio(uint64_t num, uint64_t den) {
    if (den == 0) return num == 0 ? 0.0 : std::numeric_limits<double>::infinity();
    return static_cast<double>(num) / static_cast<double>(den);
}

// The largest of the three bounds, ties going to the earlier one.
void pick_binding(RooflineBounds& b) {
    b.binding = Bound::Compute;
    uint64_t best = b.compute_cycles;
    if (b.dram_cycles > best) {
        b.binding = Bound::Dram;
        best = b.dram_cycles;
    }
    if (b.spad_cycles > best) b.binding = Bound::Spad;
}

// Intensity, attained throughput and roof from macs, dram_bytes, compulsory_bytes and cycles.
void fill_rates(const MachineRoof& roof, RooflineBounds& b) {
    b.macs_per_dram_byte = ratio(b.macs, b.dram_bytes);
    b.ops_per_dram_byte = 2.0 * b.macs_per_dram_byte;
    b.macs_per_compulsory_byte = ratio(b.macs, b.compulsory_bytes);
    b.attained_tops = b.cycles == 0 ? 0.0
                                    : 2.0 * static_cast<double>(b.macs) * roof.clock_mhz * 1e6 /
                                          static_cast<double>(b.cycles) / 1e12;
    b.roof_tops = roof.roof_tops(b.ops_per_dram_byte);
    b.roof_fraction = b.roof_tops > 0 ? b.attained_tops / b.roof_tops : 0.0;
}

}  // namespace

double MachineRoof::roof_tops(double ops_per_byte) const {
    const double memory_tops = ops_per_byte * dram_bytes_per_cycle() * clock_mhz * 1e6 / 1e12;
    return std::min(peak_tops(), memory_tops);
}

MachineRoof machine_roof(const Config& cfg) {
    MachineRoof r;
    r.pes = uint64_t{cfg.array.rows} * cfg.array.cols;
    r.dram_millibytes_per_cycle = cfg.derived.dram_millibytes_per_cycle;
    r.spad_banks = cfg.scratchpad.banks;
    r.clock_mhz = cfg.clock_mhz;
    return r;
}

const char* to_string(Bound b) {
    switch (b) {
        case Bound::Compute: return "compute";
        case Bound::Dram: return "dram";
        case Bound::Spad: return "spad";
    }
    return "?";
}

uint64_t compute_bound_cycles(uint64_t macs, uint64_t pes) { return pes == 0 ? 0 : ceil_div(macs, pes); }

uint64_t dram_bound_cycles(uint64_t bytes, uint64_t millibytes_per_cycle) {
    return millibytes_per_cycle == 0 ? 0 : ceil_div(u128{bytes} * 1000u, millibytes_per_cycle);
}

uint64_t spad_bound_cycles(uint64_t row_reads, uint32_t banks) { return banks == 0 ? 0 : ceil_div(row_reads, banks); }

RooflineBounds layer_bounds(const MachineRoof& roof, const LayerStats& layer) {
    RooflineBounds b;
    if (!layer.simulated) return b;
    b.macs = layer.macs;
    b.dram_bytes = layer.traffic.dram_read_bytes + layer.traffic.dram_write_bytes;
    b.compulsory_bytes = layer.compulsory_bytes;
    b.cycles = layer.cycles;
    b.compute_cycles = compute_bound_cycles(b.macs, roof.pes);
    b.dram_cycles = dram_bound_cycles(b.dram_bytes, roof.dram_millibytes_per_cycle);
    b.compulsory_dram_cycles = dram_bound_cycles(b.compulsory_bytes, roof.dram_millibytes_per_cycle);
    b.spad_cycles = spad_bound_cycles(layer.traffic.spad_reads, roof.spad_banks);
    pick_binding(b);
    b.bound_cycles = std::max({b.compute_cycles, b.dram_cycles, b.spad_cycles});
    fill_rates(roof, b);
    return b;
}

RooflineBounds total_bounds(const MachineRoof& roof, const std::vector<LayerStats>& layers) {
    RooflineBounds t;
    for (const LayerStats& l : layers) {
        if (!l.simulated) continue;
        const RooflineBounds b = layer_bounds(roof, l);
        t.compute_cycles += b.compute_cycles;
        t.dram_cycles += b.dram_cycles;
        t.compulsory_dram_cycles += b.compulsory_dram_cycles;
        t.spad_cycles += b.spad_cycles;
        t.bound_cycles += b.bound_cycles;
        t.macs += b.macs;
        t.dram_bytes += b.dram_bytes;
        t.compulsory_bytes += b.compulsory_bytes;
        t.cycles += b.cycles;
    }
    pick_binding(t);
    fill_rates(roof, t);
    return t;
}

}  // namespace sasim::model
