// SPDX-License-Identifier: MIT
// Fuzz target: technology tables (configs/tech/*.json, config/technology.h). Any input must be accepted
// or refused with InputError lines that each name the table first; an accepted table must give finite,
// non-negative event energies for a WS and an OS config of each shipped DRAM type it holds.
#include <cmath>
#include <cstdlib>
#include <string>

#include "common/errors.h"
#include "config/config.h"
#include "config/technology.h"
#include "model/energy.h"

namespace {

bool finite_non_negative(double v) { return std::isfinite(v) && v >= 0; }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    const std::string origin = "fuzz_table.json";
    sasim::TechTable t;
    try {
        t = sasim::parse_tech_table(text, origin);
    } catch (const sasim::InputError& e) {
        for (const auto& line : e.lines()) {
            if (line.rfind(origin + ": ", 0) != 0) std::abort();  // every message names the table first
        }
        return 0;
    }
    if (t.name.empty() || t.dram_pj_per_byte.empty()) std::abort();
    for (const sasim::Dataflow df : {sasim::Dataflow::WS, sasim::Dataflow::OS}) {
        sasim::Config cfg;
        cfg.array.dataflow = df;
        sasim::validate_and_derive(cfg, "fuzz");
        for (const auto& [type, pj] : t.dram_pj_per_byte) {
            cfg.dram.type = type;
            const sasim::model::EventEnergy e = sasim::model::event_energy(cfg, t);
            for (double v : {e.mac_pj, e.register_bit_pj, e.spad_read_pj, e.spad_write_pj, e.acc_read_pj,
                             e.acc_write_pj, e.dram_byte_pj}) {
                if (!finite_non_negative(v)) std::abort();
            }
        }
    }
    return 0;
}
