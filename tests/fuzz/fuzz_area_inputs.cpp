// SPDX-License-Identifier: MIT
// Fuzz target: the inputs of `sasim area` (rtl/area): a liberty file (--liberty), Yosys's
// `stat -json` output as cached (with its register files), Yosys's register-file dump, and OpenSTA's report. Any input must be accepted or refused with an InputError that names
// the file first; accepted areas are finite and >= 0, and counting a module never crashes.
#include <cmath>
#include <cstdlib>
#include <string>

#include "common/errors.h"
#include "rtl/area/area.h"
#include "rtl/area/register_files.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    try {
        for (const auto& [cell, um2] : sasim::rtl::parse_liberty_areas(text, "fuzz.lib")) {
            if (cell.empty() || !std::isfinite(um2) || um2 < 0) std::abort();
        }
    } catch (const sasim::InputError& e) {
        if (e.lines().empty() || e.lines().front().rfind("fuzz.lib: ", 0) != 0) std::abort();
    }
    try {
        const auto modules = sasim::rtl::parse_yosys_stat(text, "fuzz.json");
        const std::map<std::string, double> lib = {{"NAND2X1", 24}, {"DFFPOSX1", 96}, {"MUX2X1", 48}};
        for (const auto& [name, m] : modules) {
            try {
                const sasim::rtl::Expanded e = sasim::rtl::expand_module(modules, lib, name);
                if (!std::isfinite(e.lib_um2) || e.lib_um2 < 0) std::abort();
            } catch (const sasim::SimulationError&) {  // an unknown cell type, or a module loop
            }
        }
    } catch (const sasim::InputError& e) {
        if (e.lines().empty() || e.lines().front().rfind("fuzz.json: ", 0) != 0) std::abort();
    }
    try {
        for (const auto& [module, rfs] : sasim::rtl::parse_register_file_dump(text, "fuzz.il")) {
            for (const sasim::rtl::RegisterFile& rf : rfs) {
                if (module.empty() || rf.words == 0 || rf.bits == 0) std::abort();
            }
        }
    } catch (const sasim::InputError& e) {
        if (e.lines().empty() || e.lines().front().rfind("fuzz.il:", 0) != 0) std::abort();
    }
    try {
        const sasim::rtl::TimingEstimate t = sasim::rtl::parse_sta_report(text, "fuzz.log");
        if (t.computed && !(t.critical_path_ns > 0 && std::isfinite(t.fmax_lib_mhz) && t.fmax_lib_mhz > 0)) std::abort();
    } catch (const sasim::InputError& e) {
        if (e.lines().empty() || e.lines().front().rfind("fuzz.log: ", 0) != 0) std::abort();
    }
    return 0;
}
