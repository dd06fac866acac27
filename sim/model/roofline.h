// SPDX-License-Identifier: MIT
// Roofline bounds: lower bounds on a layer's cycles from the machine's roofs, its arithmetic intensity and
// the throughput it attained against the roof. Pure functions of a Config and a layer's statistics; the
// report printers and the analysis commands call them (formulas in docs/roofline.md).
#pragma once
#include <cstdint>
#include <vector>

#include "config/config.h"
#include "model/stats.h"

namespace sasim::model {

// The machine's roofs, from the config.
struct MachineRoof {
    uint64_t pes = 0;                  // R * C: peak MACs per cycle
    uint64_t dram_millibytes_per_cycle = 0;  // DRAM bandwidth, 1/1000 bytes per cycle (derived config)
    uint32_t spad_banks = 1;           // scratchpad banks: at most one row read per bank per cycle
    double clock_mhz = 0;              // accelerator clock, MHz

    double dram_bytes_per_cycle() const { return static_cast<double>(dram_millibytes_per_cycle) / 1000.0; }
    double peak_macs_per_second() const { return static_cast<double>(pes) * clock_mhz * 1e6; }
    double peak_tops() const { return 2.0 * peak_macs_per_second() / 1e12; }  // 2 ops per MAC
    double dram_gbps() const { return dram_bytes_per_cycle() * clock_mhz / 1000.0; }  // 1e9 bytes/s
    // Arithmetic intensity at which the DRAM roof meets the compute roof.
    double ridge_macs_per_byte() const { return static_cast<double>(pes) / dram_bytes_per_cycle(); }
    double ridge_ops_per_byte() const { return 2.0 * ridge_macs_per_byte(); }
    // The attainable throughput at an intensity (ops per DRAM byte): min(peak, intensity * bandwidth).
    double roof_tops(double ops_per_byte) const;
};

MachineRoof machine_roof(const Config& cfg);

// Which bound is the largest (ties go to the earlier one).
enum class Bound { Compute, Dram, Spad };
const char* to_string(Bound b);  // "compute", "dram", "spad"

// Bounds of one layer, or of a whole run (sums over the layers, which run back to back).
struct RooflineBounds {
    uint64_t compute_cycles = 0;             // ceil(MACs / (R * C))
    uint64_t dram_cycles = 0;                // ceil(DRAM bytes moved / DRAM bytes per cycle)
    uint64_t compulsory_dram_cycles = 0;     // the same for compulsory bytes (each tensor moved once)
    uint64_t spad_cycles = 0;                // ceil(scratchpad row reads / banks)
    Bound binding = Bound::Compute;          // the largest of compute, dram and spad
    uint64_t bound_cycles = 0;               // layer: that largest bound; run: the sum of the layers' ones
    uint64_t macs = 0;
    uint64_t dram_bytes = 0;                 // read + write bytes moved
    uint64_t compulsory_bytes = 0;
    uint64_t cycles = 0;                     // simulated cycles (0 when not simulated)
    double macs_per_dram_byte = 0;           // arithmetic intensity (infinite when no byte moved)
    double ops_per_dram_byte = 0;            // 2 ops per MAC
    double macs_per_compulsory_byte = 0;     // intensity an ideal dataflow would reach
    double attained_tops = 0;                // 2 * MACs / simulated time, 1e12 ops/s
    double roof_tops = 0;                    // roof at ops_per_dram_byte: min(peak, intensity * bandwidth)
    double roof_fraction = 0;                // attained_tops / roof_tops (<= 1 when the bounds hold)
};

// Integer bounds, each a ceiling. `millibytes_per_cycle` and `banks` must be >= 1.
uint64_t compute_bound_cycles(uint64_t macs, uint64_t pes);
uint64_t dram_bound_cycles(uint64_t bytes, uint64_t millibytes_per_cycle);
uint64_t spad_bound_cycles(uint64_t row_reads, uint32_t banks);

// Bounds of a simulated layer (stats of a not-simulated layer give all zeros).
RooflineBounds layer_bounds(const MachineRoof& roof, const LayerStats& layer);
// Bounds of a run: the integer bounds are sums of the per-layer bounds; the intensity, attained throughput
// and roof are those of the whole run as one point (total MACs, total bytes, total cycles).
RooflineBounds total_bounds(const MachineRoof& roof, const std::vector<LayerStats>& layers);

}  // namespace sasim::model
