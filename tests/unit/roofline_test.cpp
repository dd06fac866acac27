// SPDX-License-Identifier: MIT
// Unit tests of model/roofline: the machine's roofs (TPU v1: 91.75 TOPS, ridge ~1349 MACs/B as in the TPU
// paper), the integer bounds (exact ceilings), a layer's bounds, intensity and roof fraction, the totals,
// and the report fields built from them.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <sstream>

#include "config/config.h"
#include "model/roofline.h"
#include "report/report.h"
#include "report/roofline_fields.h"

using namespace sasim;
using model::Bound;

namespace {

const std::string kRoot = SASIM_SOURCE_DIR;

// A simulated layer with the given counts.
model::LayerStats layer(uint64_t macs, uint64_t rd, uint64_t wr, uint64_t spad_reads, uint64_t cycles,
                        uint64_t compulsory = 0) {
    model::LayerStats l;
    l.name = "l";
    l.simulated = true;
    l.macs = macs;
    l.traffic.dram_read_bytes = rd;
    l.traffic.dram_write_bytes = wr;
    l.traffic.spad_reads = spad_reads;
    l.cycles = cycles;
    l.compulsory_bytes = compulsory;
    return l;
}

// 16x16 at 1 GHz, 16 GB/s = 16 B/cycle, 4 scratchpad banks.
model::MachineRoof small_roof() {
    model::MachineRoof r;
    r.pes = 256;
    r.dram_millibytes_per_cycle = 16000;
    r.spad_banks = 4;
    r.clock_mhz = 1000;
    return r;
}

}  // namespace

TEST_CASE("TPU v1 roofline: 91.75 TOPS peak, ridge of the paper's 1350", "[roofline]") {
    const Config cfg = load_config(kRoot + "/configs/tpu_v1.json");
    const model::MachineRoof m = model::machine_roof(cfg);
    CHECK(m.pes == 65536);
    CHECK(m.dram_millibytes_per_cycle == 48571);  // llround(34e9 / 700e6 * 1000)
    CHECK(m.peak_tops() == Approx(91.7504).epsilon(1e-9));  // 65536 * 2 * 700e6 / 1e12, "91.75 TOPS"
    CHECK(m.dram_bytes_per_cycle() == Approx(48.571));
    CHECK(m.dram_gbps() == Approx(34.0).epsilon(1e-4));
    CHECK(m.ridge_macs_per_byte() == Approx(65536.0 / 48.571));
    CHECK(std::round(m.ridge_macs_per_byte()) == 1349);
    CHECK(m.ridge_ops_per_byte() == Approx(2698.56).epsilon(1e-4));
}

TEST_CASE("Gemmini default roofline: 16 MACs per byte", "[roofline]") {
    const Config cfg = load_config(kRoot + "/configs/gemmini_16x16.json");
    const model::MachineRoof m = model::machine_roof(cfg);
    CHECK(m.peak_tops() == Approx(0.512));
    CHECK(m.ridge_macs_per_byte() == Approx(16.0));
    CHECK(m.roof_tops(8.0) == Approx(0.128));   // below the ridge: 8 ops/B * 16 GB/s
    CHECK(m.roof_tops(1e6) == Approx(0.512));   // above: the peak
}

TEST_CASE("integer bounds are exact ceilings", "[roofline]") {
    CHECK(model::compute_bound_cycles(0, 256) == 0);
    CHECK(model::compute_bound_cycles(256, 256) == 1);
    CHECK(model::compute_bound_cycles(257, 256) == 2);
    CHECK(model::compute_bound_cycles(105415200, 1024) == 102945);  // AlexNet conv1 on 32x32: 102944.53
    CHECK(model::dram_bound_cycles(16, 16000) == 1);
    CHECK(model::dram_bound_cycles(17, 16000) == 2);
    CHECK(model::dram_bound_cycles(48571, 48571) == 1000);
    CHECK(model::dram_bound_cycles(48572, 48571) == 1001);
    CHECK(model::dram_bound_cycles(1, 48571) == 1);
    // No overflow in bytes * 1000.
    CHECK(model::dram_bound_cycles(uint64_t{1} << 60, 1000) == uint64_t{1} << 60);
    CHECK(model::spad_bound_cycles(10, 4) == 3);
    CHECK(model::spad_bound_cycles(8, 4) == 2);
}

TEST_CASE("layer bounds, binding bound, intensity and roof fraction", "[roofline]") {
    const model::MachineRoof r = small_roof();
    SECTION("DRAM-bound layer") {
        // 25600 MACs -> 100 cycles of compute; 3200 bytes -> 200 cycles of DRAM; 400 row reads -> 100.
        const model::RooflineBounds b = model::layer_bounds(r, layer(25600, 3000, 200, 400, 400, 1600));
        CHECK(b.compute_cycles == 100);
        CHECK(b.dram_cycles == 200);
        CHECK(b.compulsory_dram_cycles == 100);
        CHECK(b.spad_cycles == 100);
        CHECK(b.binding == Bound::Dram);
        CHECK(b.bound_cycles == 200);
        CHECK(b.macs_per_dram_byte == Approx(8.0));
        CHECK(b.ops_per_dram_byte == Approx(16.0));
        CHECK(b.macs_per_compulsory_byte == Approx(16.0));
        CHECK(b.attained_tops == Approx(2.0 * 25600 / 400 * 1e9 / 1e12));  // 0.128 TOPS
        CHECK(b.roof_tops == Approx(0.256));                                 // 16 ops/B * 16 GB/s
        CHECK(b.roof_fraction == Approx(0.5));                               // = dram bound / cycles
    }
    SECTION("compute-bound layer reaching the roof") {
        const model::RooflineBounds b = model::layer_bounds(r, layer(256000, 1000, 0, 100, 1000));
        CHECK(b.binding == Bound::Compute);
        CHECK(b.bound_cycles == 1000);
        CHECK(b.roof_tops == Approx(0.512));
        CHECK(b.roof_fraction == Approx(1.0));
    }
    SECTION("scratchpad-bound layer") {
        const model::RooflineBounds b = model::layer_bounds(r, layer(256, 16, 0, 4000, 1200));
        CHECK(b.spad_cycles == 1000);
        CHECK(b.binding == Bound::Spad);
        CHECK(b.bound_cycles == 1000);
    }
    SECTION("ties go to compute, then DRAM") {
        CHECK(model::layer_bounds(r, layer(25600, 1600, 0, 400, 100)).binding == Bound::Compute);
        CHECK(model::layer_bounds(r, layer(256, 1600, 0, 400, 100)).binding == Bound::Dram);
    }
    SECTION("no DRAM byte: infinite intensity, the roof is the peak") {
        const model::RooflineBounds b = model::layer_bounds(r, layer(2560, 0, 0, 0, 10));
        CHECK(std::isinf(b.macs_per_dram_byte));
        CHECK(b.roof_tops == Approx(0.512));
        CHECK(b.roof_fraction == Approx(1.0));
    }
    SECTION("a layer that is not simulated has no bounds") {
        model::LayerStats l = layer(2560, 100, 0, 0, 10);
        l.simulated = false;
        const model::RooflineBounds b = model::layer_bounds(r, l);
        CHECK(b.bound_cycles == 0);
        CHECK(b.macs == 0);
    }
}

TEST_CASE("run totals sum the per-layer bounds", "[roofline]") {
    const model::MachineRoof r = small_roof();
    model::LayerStats other;
    other.simulated = false;
    const std::vector<model::LayerStats> layers = {layer(25600, 3000, 200, 400, 400, 1600), other,
                                                   layer(256000, 1000, 0, 100, 1000)};
    const model::RooflineBounds t = model::total_bounds(r, layers);
    CHECK(t.compute_cycles == 1100);
    CHECK(t.dram_cycles == 200 + 63);  // ceil(1000 / 16)
    CHECK(t.spad_cycles == 125);
    CHECK(t.bound_cycles == 200 + 1000);
    CHECK(t.binding == Bound::Compute);
    CHECK(t.macs == 281600);
    CHECK(t.dram_bytes == 4200);
    CHECK(t.cycles == 1400);
    CHECK(t.macs_per_dram_byte == Approx(281600.0 / 4200));
    CHECK(t.roof_fraction == Approx((281600.0 / 1400) / std::min(256.0, 16.0 * 281600 / 4200)));
}

TEST_CASE("report fields: JSON keys, CSV columns and values", "[roofline][report]") {
    const model::RooflineBounds b = model::layer_bounds(small_roof(), layer(25600, 3000, 200, 400, 400, 1600));
    const nlohmann::json j = report::roofline_json(b);
    for (const char* key : {"compute_bound_cycles", "dram_bound_cycles", "compulsory_dram_bound_cycles",
                            "spad_bound_cycles", "bound_cycles", "binding_bound", "macs_per_dram_byte",
                            "ops_per_dram_byte", "macs_per_compulsory_byte", "attained_tops", "roof_tops",
                            "roof_fraction"}) {
        CHECK(j.contains(key));
    }
    CHECK(j["binding_bound"] == "dram");
    CHECK(report::roofline_csv_values(b) == ",100,200,100,100,dram,8.000,0.500000");
    // The roofline columns close layers.csv, in this order.
    const auto& all = report::csv_columns();
    const std::vector<std::string> tail = {"compute_bound_cycles", "dram_bound_cycles",
                                           "compulsory_dram_bound_cycles", "spad_bound_cycles", "binding_bound",
                                           "macs_per_dram_byte", "roof_fraction"};
    REQUIRE(all.size() > tail.size());
    CHECK(std::vector<std::string>(all.end() - static_cast<long>(tail.size()), all.end()) == tail);
    CHECK(all[all.size() - tail.size() - 1] == "check");
}

TEST_CASE("report.json has the machine and per-layer roofline objects", "[roofline][report]") {
    const Config cfg = load_config(kRoot + "/configs/tpu_v1.json");
    Workload wl;
    wl.name = "w";
    report::RunReport rep;
    rep.config = &cfg;
    rep.workload = &wl;
    rep.layers = {layer(65536000, 48571, 0, 10, 2000)};
    const nlohmann::json j = report::to_json(rep);
    CHECK(j["machine"]["peak_tops"].get<double>() == Approx(91.75));
    CHECK(j["machine"]["ridge_macs_per_byte"].get<double>() == Approx(1349.28).epsilon(1e-4));
    CHECK(j["layers"][0]["roofline"]["compute_bound_cycles"] == 1000);
    CHECK(j["layers"][0]["roofline"]["dram_bound_cycles"] == 1000);
    CHECK(j["totals"]["roofline"]["bound_cycles"] == 1000);
    std::ostringstream table;
    report::print_table(table, rep);
    CHECK(table.str().find("ridge 1349.3 MACs/B = 2698.6 ops/B") != std::string::npos);
}
