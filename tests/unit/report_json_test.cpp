// SPDX-License-Identifier: MIT
// report::write_json writes report.json a layer at a time; its text must be to_json(r).dump(2)'s, byte for
// byte, with no layer, one, and several (simulated and not, names that need escaping).
#include <catch2/catch.hpp>

#include <sstream>
#include <string>

#include "config/config.h"
#include "report/report.h"
#include "workload/workload.h"

namespace {

sasim::model::LayerStats layer(const std::string& name, bool simulated, uint64_t cycles) {
    sasim::model::LayerStats l;
    l.name = name;
    l.kind = simulated ? sasim::LayerKind::Gemm : sasim::LayerKind::Other;
    l.simulated = simulated;
    l.cycles = cycles;
    l.macs = cycles * 3;
    l.gemm = {1, 4, 5, 6};
    if (!simulated) {
        l.op = "relu";
        l.other_elements = 100;
    }
    return l;
}

}  // namespace

TEST_CASE("report: write_json equals to_json's dump", "[report]") {
    const sasim::Config cfg = sasim::load_config(std::string(SASIM_SOURCE_DIR) + "/configs/tiny_4x4_ws.json");
    sasim::Workload wl;
    wl.name = "w";
    sasim::report::RunReport r;
    r.config = &cfg;
    r.workload = &wl;
    for (int n : {0, 1, 3}) {
        r.layers.clear();
        if (n >= 1) r.layers.push_back(layer("first \"quoted\"\nname", true, 1000));
        if (n >= 3) {
            r.layers.push_back(layer("act", false, 0));
            r.layers.push_back(layer("last", true, 250));
        }
        std::ostringstream os;
        sasim::report::write_json(os, r);
        INFO(n << " layers");
        CHECK(os.str() == sasim::report::to_json(r).dump(2));
    }
}
