// SPDX-License-Identifier: MIT
// Fuzz target: the RTL case file (rtl/check/case_file.h, format 3), which `sasim rtl check` writes and the
// Verilator harness reads, and the result file the harness writes back (with its stall counters): an input
// that starts like a result file is parsed as one. Any input must be accepted or refused with one
// SimulationError naming the file and line first; an accepted case holds values that fit their
// command-word fields and known opcodes.
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>

#include "common/errors.h"
#include "rtl/check/case_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    const std::string origin = "fuzz_case.txt";
    std::istringstream in(text);
    if (text.rfind("sasim-rtl-result", 0) == 0) {
        try {
            const sasim::rtl::HarnessResult r = sasim::rtl::parse_result(in, origin, SIZE_MAX);
            if (!r.hung && r.issue.size() != r.retire.size()) std::abort();
        } catch (const sasim::SimulationError& e) {
            if (std::string(e.what()).rfind(origin + ":", 0) != 0) std::abort();
        }
        return 0;
    }
    sasim::rtl::CaseFile c;
    try {
        c = sasim::rtl::parse_case(in, origin);
    } catch (const sasim::SimulationError& e) {
        if (std::string(e.what()).rfind(origin + ":", 0) != 0) std::abort();  // names the file first
        return 0;
    }
    using sasim::rtl::kCommandFields;
    for (const sasim::rtl::CommandWord& w : c.commands) {
        if (w[sasim::rtl::CommandField::op] > 3) std::abort();
        for (size_t i = 0; i < w.value.size(); ++i) {
            if (w.value[i] != (w.value[i] & sasim::rtl::field_mask(kCommandFields[i].bits))) std::abort();
        }
    }
    return 0;
}
